"""`mystery-guest report`: the cohort's figures agree with the calls played, the HTML page holds
every chart and nothing active, names are shown as typed, zh and en, and the terminal summary."""
from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from collections import Counter
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa

from simulator.cli import main
from simulator.debrief import FAILING_OUTCOMES, PASS_MARK
from simulator.loader import load_library
from simulator.plaintext import plain
from simulator import extras
from simulator.store import schema as S
from simulator.store.cohort_stats import (ANGER_SPIKE, DimensionAgreement, ReviewAgreement, cohort_stats)
from simulator.store.records import landmine_categories
from simulator.store.store import Store
from simulator.tui.i18n import Catalog
from tests.report.conftest import COHORT, HOSTILE, PLAYERS
from tests.store.helpers import play

ROOT = Path(__file__).resolve().parents[2]
SHOWN_HOSTILE = plain(HOSTILE, lines=False)  # as the store keeps it: escapes and bidi controls out
CHART_SECTIONS = ("scores", "landmines", "progress", "service-levels", "trouble")
SECTIONS = ("figures", "trainees", "agreement") + CHART_SECTIONS


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class Page(HTMLParser):
    """What a browser would build: elements (with the section each sits in) and the visible text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: Counter = Counter()
        self.ids: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.svgs_in: Counter = Counter()
        self.section: str | None = None
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        for k, v in attrs:
            self.attrs.append((tag, k, v or ""))
            if k == "id":
                self.ids.append(v)
        if tag == "section":
            self.section = dict(attrs).get("id")
        if tag == "svg":
            self.svgs_in[self.section] += 1

    def handle_data(self, data):
        self.text.append(data)

    @property
    def all_text(self) -> str:
        return " ".join(self.text)


def report(capsys, url: str, *extra: str) -> tuple[int, str, str]:
    return run(capsys, "report", "--cohort", COHORT, "--db", url, *extra)


# ---------------------------------------------------------------------------- the figures
def test_the_figures_agree_with_the_calls_played(seeded):
    with Store.open(seeded) as store:
        stats = cohort_stats(store, COHORT)
        rows = sorted(store.sessions(COHORT), key=lambda r: (r.started_at, r.id))
        turns = store.turns_for(r.id for r in rows)
    n_stories = {sc.id: len(sc.stories) for sc in load_library(None)[0]}  # one replayed call per story
    assert stats.calls == len(rows) == sum(n_stories[s] for ids in PLAYERS.values() for s in ids)
    done = [r for r in rows if r.status == "completed"]
    passed = [r for r in done if r.outcome not in FAILING_OUTCOMES and r.overall >= PASS_MARK]
    assert (stats.completed, stats.passed) == (len(done), len(passed))
    assert 0 < stats.passed < stats.completed  # the stories pass and fail: the rate means something
    assert stats.pass_rate == len(passed) / len([r for r in rows if r.status in ("completed", "left")])
    for dim, bands in stats.histograms.items():
        want = Counter(min(9, int(getattr(r, dim) // 10)) for r in done)
        assert bands == tuple(want.get(i, 0) for i in range(10)), dim
        assert stats.means[dim] == pytest.approx(sum(getattr(r, dim) for r in done) / len(done))
    levels = Counter(r.service_level for r in done)
    assert stats.service_levels == tuple(levels.get(i, 0) for i in range(6))
    zh_calls = sum(n_stories[s] for ids in PLAYERS.values() for s in ids if s.endswith("-zh"))
    assert zh_calls > len(rows) - zh_calls and stats.locale == "zh"  # most of the calls are in Chinese
    by_name = {t.name: t for t in stats.trainees}
    assert set(by_name) == {plain(n, lines=False) for n in PLAYERS}
    for name, t in by_name.items():
        mine = [r for r in done if r.trainee == name]
        assert t.progress == tuple(r.overall for r in mine)
        assert t.best_level == max(r.service_level for r in mine)
        # The categories decoded from whole turns (records.turn_dict), not from the landmine query.
        want = Counter(c for r in rows if r.trainee == name for turn in turns[r.id] if turn["score"]
                       for c in dict.fromkeys(m["category"] for m in turn["score"]["landmines"]))
        assert t.landmines == dict(want)
    assert sum(sum(t.landmines.values()) for t in stats.trainees) > 0
    # Per completed call, as the leaderboard counts it: left calls' landmines are not in it.
    assert stats.completed_landmines == sum(r.landmines for r in done)
    with Store.open(seeded) as store:
        board = store.leaderboard(COHORT)
    assert stats.completed_landmines == sum(round(r.landmines_per_call * r.completed) for r in board if r.completed)
    # Where calls go wrong, worked out again from every stored turn.
    trouble: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        for turn in turns[r.id]:
            counts = trouble.setdefault((r.scenario_id, turn["state_before"]), [0, 0, 0])
            counts[0] += bool(turn["score"] and turn["score"]["landmines"])
            counts[1] += turn["mood_after"] - turn["mood_before"] >= ANGER_SPIKE
            counts[2] += bool(turn["ending"]) and r.outcome in FAILING_OUTCOMES
    want = sorted(((k, v) for k, v in trouble.items() if sum(v)), key=lambda kv: (-sum(kv[1]), kv[0]))[:10]
    assert [((s.scenario_id, s.state), [s.landmines, s.spikes, s.lost]) for s in stats.trouble] == want
    assert stats.agreement is None


def test_an_unknown_cohort_has_no_report(seeded, capsys):
    code, out, err = run(capsys, "report", "--cohort", "nobody", "--db", seeded, "--format", "text")
    assert code == 1 and out == ""
    assert "no sessions in cohort 'nobody'" in err and COHORT in err


# ---------------------------------------------------------------------------- the HTML page
def test_the_html_report_holds_every_chart_and_nothing_that_runs_or_fetches(seeded, capsys, tmp_path):
    pytest.importorskip("matplotlib", reason="the HTML report needs the report extra (pip install '.[report]')")
    out_file = tmp_path / "report.html"
    code, _, err = report(capsys, seeded, "--lang", "en", "-o", str(out_file))
    assert code == 0, err
    text = out_file.read_text(encoding="utf-8")
    page = Page(text)
    assert [s for s in SECTIONS if s not in page.ids] == []
    for section in CHART_SECTIONS:
        assert page.svgs_in[section] == 1, section
    assert page.tags["svg"] == len(CHART_SECTIONS)
    # Self-contained and inert: no script, no frame, no outside resource of any kind.
    for tag in ("script", "iframe", "object", "embed", "link", "img", "foreignobject"):
        assert page.tags[tag] == 0, tag
    for tag, name, value in page.attrs:
        assert not name.startswith("on"), (tag, name)
        if name in ("src", "href", "xlink:href"):  # a chart's own parts, or the colour bar's inline bitmap
            assert value.startswith(("#", "data:image/png;base64,")), (tag, name, value[:80])
    assert not re.search(r"url\((?!#)", text) and "@import" not in text
    assert len(page.ids) == len(set(page.ids)), "two charts share an id"
    # The figures are on it: the pass rate, every trainee, the landmine categories, the worst state.
    with Store.open(seeded) as store:
        stats = cohort_stats(store, COHORT)
    shown = page.all_text
    assert f"{stats.pass_rate * 100:.0f}%" in shown
    for t in stats.trainees:
        assert t.name in shown
    t = Catalog("en")
    for category in stats.categories:
        assert t(f"landmine.{category}") in shown  # heatmap columns are SVG text
    worst = stats.trouble[0]
    # named by the scenario's title and the stage in the report's language, not by ids alone (trial 17)
    assert worst.title and f"{worst.title} · {worst.state} ({t(f'stage.{worst.stage}')})" in shown
    assert "No trainer has reviewed a call of this cohort yet." in shown


def test_a_hostile_trainee_name_is_shown_as_typed_never_run(seeded, capsys, tmp_path):
    pytest.importorskip("matplotlib", reason="the HTML report needs the report extra")
    out_file = tmp_path / "report.html"
    assert report(capsys, seeded, "--lang", "en", "-o", str(out_file))[0] == 0
    text = out_file.read_text(encoding="utf-8")
    page = Page(text)
    assert page.tags["script"] == 0
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert SHOWN_HOSTILE in page.all_text  # in the table, whole
    assert "$x^2$" in text  # drawn literally on the charts, not typeset as mathematics
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]", text)


def test_names_with_escapes_from_an_older_store_are_cleaned(sqlite_url, capsys, tmp_path):
    """Versions before the sanitiser stored names raw: the report still shows them as plain text."""
    pytest.importorskip("matplotlib", reason="the HTML report needs the report extra")
    with Store.open(sqlite_url) as store:
        play(store, "placeholder", "old", ["L80 E70 P100 mine"])
        play(store, "placeholder", "old", ["L90 E90 P100 close"])
        with store.engine.begin() as conn:
            conn.execute(S.trainees.update().values(name="Eve\x1b]0;owned\x07 <b>bold</b>\u202e\r\nline"))
    out_file = tmp_path / "old.html"
    code, _, err = run(capsys, "report", "--cohort", "old", "--db", sqlite_url, "--lang", "en", "-o", str(out_file))
    assert code == 0, err
    text = out_file.read_text(encoding="utf-8")
    assert "Eve &lt;b&gt;bold&lt;/b&gt; line" in text and "<b>bold" not in text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e]", text)
    code, out, _ = run(capsys, "report", "--cohort", "old", "--db", sqlite_url, "--format", "text")
    assert code == 0 and "Eve <b>bold</b> line" in out and "\x1b" not in out


def test_the_zh_report_is_in_chinese(seeded, capsys, tmp_path):
    pytest.importorskip("matplotlib", reason="the HTML report needs the report extra")
    out_file = tmp_path / "zh.html"
    assert report(capsys, seeded, "--lang", "zh", "-o", str(out_file))[0] == 0
    text = out_file.read_text(encoding="utf-8")
    page = Page(text)
    assert '<html lang="zh-CN">' in text
    shown = page.all_text
    for label in ("班级报告", "通过率", "分数分布", "各类语言地雷", "历次练习的进步", "达到的服务层级",
                  "通话在哪里出问题", "本班还没有培训师复核过通话"):
        assert label in shown, label
    for label in ("倾听", "共情", "政策", "第几次", "未达到解答"):  # chart labels (SVG text)
        assert label in shown, label
    assert "Score distributions" not in shown and "Listening" not in shown


def test_the_language_follows_the_terminal_then_the_cohort(seeded, capsys, monkeypatch):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    code, out, _ = report(capsys, seeded, "--format", "text")
    assert code == 0 and "班级报告" in out  # most of the cohort's calls were in Chinese
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    code, out, _ = report(capsys, seeded, "--format", "text")
    assert code == 0 and "Cohort report" in out
    code, out, _ = report(capsys, seeded, "--format", "text", "--lang", "zh")
    assert code == 0 and "班级报告" in out


def test_the_leaderboard_and_sessions_speak_the_report_s_language(seeded, capsys, monkeypatch):
    """Trial 29: in one C-locale terminal the leaderboard was in English and the report in Chinese."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    code, out, _ = run(capsys, "leaderboard", "--cohort", COHORT, "--db", seeded)
    assert code == 0 and "名次" in out.splitlines()[0]  # most of the cohort's calls were in Chinese
    code, out, _ = run(capsys, "sessions", "--cohort", COHORT, "--db", seeded)
    assert code == 0 and "学员" in out.splitlines()[0]
    monkeypatch.setenv("LANG", "en_GB.UTF-8")  # the terminal's language still comes first
    code, out, _ = run(capsys, "leaderboard", "--cohort", COHORT, "--db", seeded)
    assert code == 0 and out.split()[0] == "rank"


def test_reviews_have_their_section_when_there_are_some(seeded):
    """The renderers show a ReviewAgreement; the store gives one once trainer reviews exist."""
    pytest.importorskip("matplotlib", reason="the HTML report needs the report extra")
    from simulator.report.page import render_html
    from simulator.report.text import render_text

    with Store.open(seeded) as store:
        stats = cohort_stats(store, COHORT)
    reviewed = dataclasses.replace(stats, agreement=ReviewAgreement(12, {
        "listening": DimensionAgreement(12, 9), "empathy": DimensionAgreement(10, 5),
        "policy": DimensionAgreement(12, 12)}))
    t = Catalog("en")
    page = Page(render_html(reviewed, t, "en"))
    assert "12 reviewed turns" in page.all_text and "75%" in page.all_text and "50%" in page.all_text
    assert "No trainer has reviewed" not in page.all_text
    text = render_text(reviewed, t)
    assert "Empathy: 50% (5/10)" in text and "Policy: 100% (12/12)" in text


# ---------------------------------------------------------------------------- the terminal summary
def test_the_text_summary_has_the_figures_and_sparklines(seeded, capsys):
    code, out, _ = report(capsys, seeded, "--format", "text", "--lang", "en")
    assert code == 0
    with Store.open(seeded) as store:
        stats = cohort_stats(store, COHORT)
    assert f"Pass rate: {stats.pass_rate * 100:.0f}%" in out
    lines = out.splitlines()
    for t in stats.trainees:
        line = next(ln for ln in lines if ln.strip().startswith(t.name))  # the trainees table comes first
        spark = re.search(r"[▁▂▃▄▅▆▇█]+$", line)
        assert spark and len(spark.group()) == min(24, len(t.progress)), line
    for label in ("Overall", "Listening", "Empathy", "Policy"):
        [line] = [ln for ln in lines if ln.strip().startswith(label + " ")]
        assert re.search(r"[▁▂▃▄▅▆▇█]{10}", line), line
    assert "No trainer has reviewed a call of this cohort yet." in out
    code, out, _ = report(capsys, seeded, "--format", "text", "--lang", "zh")
    assert code == 0 and "通过率" in out and "各类语言地雷" in out


def test_sparklines_scale_from_low_to_high():
    from simulator.report.text import progress_line, sparkline

    assert sparkline([0, 50, 100]) == "▁▅█"
    assert sparkline([]) == ""
    assert sparkline([3, 3]) == "▅▅" and sparkline([0, 0], 0) == "▁▁"
    assert progress_line([0, 100] * 20) == "▁█" * 12  # the latest 24 attempts


def test_a_cohort_with_no_completed_call_still_reports(sqlite_url, capsys, tmp_path):
    pytest.importorskip("matplotlib", reason="the HTML report needs the report extra")
    with Store.open(sqlite_url) as store:
        play(store, "Quitter", "new", ["L60 E60 P100 gone"], status="left")
    out_file = tmp_path / "new.html"
    code, _, err = run(capsys, "report", "--cohort", "new", "--db", sqlite_url, "--lang", "en", "-o", str(out_file))
    assert code == 0, err
    page = Page(out_file.read_text(encoding="utf-8"))
    shown = page.all_text
    assert "0%" in shown and "No landmines in this cohort." in shown
    assert shown.count("No completed calls yet.") == 3  # scores, progress, service levels: no empty axes
    assert page.tags["svg"] == 0
    code, out, _ = run(capsys, "report", "--cohort", "new", "--db", sqlite_url, "--format", "text", "--lang", "en")
    assert code == 0 and "Quitter" in out


# ---------------------------------------------------------------------------- without the extra, bad stores
def test_html_without_matplotlib_says_how_to_install_it(sqlite_url, capsys, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    code, out, err = run(capsys, "report", "--cohort", "c", "--db", sqlite_url, "--lang", "en")
    assert code == 2 and out == ""
    # Run from a checkout (as here): the README's command, in the checkout's folder.
    assert err.count("\n") == 1 and "--format text" in err
    assert f"cd {ROOT} && {sys.executable} -m pip install -c requirements.lock -e '.[report]'" in err  # this Python's pip
    # Run from an installed package (no pyproject.toml beside it): the package with its extra.
    installed = tmp_path / "site-packages" / "simulator"
    installed.mkdir(parents=True)
    monkeypatch.setattr(extras, "__file__", str(installed / "extras.py"))
    code, out, err = run(capsys, "report", "--cohort", "c", "--db", sqlite_url, "--lang", "zh")
    assert code == 2 and err.count("\n") == 1 and f"{sys.executable} -m pip install 'mystery-guest[report]'" in err and "没有安装" in err


def test_the_text_summary_needs_no_charts_library(tmp_path):
    from simulator.store.store import Store

    Store.open(str(tmp_path / "x.db")).close()  # an empty store: the report gets as far as the cohort
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "from simulator.cli import main\n"
            f"raise SystemExit(main(['report', '--cohort', 'x', '--format', 'text', '--db', {str(tmp_path / 'x.db')!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1, done.stderr  # got as far as the store: an unknown cohort
    assert "no sessions in cohort 'x'" in done.stderr


def test_a_broken_database_is_one_line(tmp_path, capsys):
    bad = tmp_path / "broken.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    code, out, err = run(capsys, "report", "--cohort", "c", "--db", str(bad), "--format", "text")
    assert code == 2 and out == "" and err.count("\n") == 1 and "not a readable Mystery Guest database" in err
    down = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"  # nothing listens on port 1
    code, out, err = run(capsys, "report", "--cohort", "c", "--db", down, "--format", "text")
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("mystery-guest: cannot use")


def test_landmine_categories_of_older_turns_are_read_too():
    """Turns stored before the compact format (1) hold their whole dict."""
    detail = {"score": {"landmines": [{"category": "threaten"}, {"category": "accuse"}, {"category": "threaten"}]}}
    assert landmine_categories(detail, {}) == ["threaten", "accuse"]
    assert landmine_categories({"score": None}, {}) == []


@contextmanager
def recorded_before_version_8(store: Store, sessions=None):
    """The store's turns (or those of `sessions`) as version 7 wrote them, with no `mines`
    column value; the values are put back afterwards (the seeded store is shared)."""
    t = S.turns.c
    which = [t.mines.is_not(None)] + ([t.session_id.in_(sessions)] if sessions is not None else [])
    with store.engine.begin() as conn:
        kept = conn.execute(sa.select(t.session_id, t.idx, t.mines).where(*which)).all()
        conn.execute(S.turns.update().where(*which).values(mines=None))
    try:
        yield
    finally:
        with store.engine.begin() as conn:
            for sid, idx, mines in kept:
                conn.execute(S.turns.update().where(t.session_id == sid, t.idx == idx).values(mines=mines))


def test_the_report_reads_the_same_figures_from_turns_recorded_before_version_8(seeded):
    """Version 8 keeps each turn's landmine categories in `mines`; older turns have none there
    and are read from their detail. A store holding both, or only old turns, reports the same."""
    with Store.open(seeded) as store:
        want = cohort_stats(store, COHORT)
        assert any(t.landmines for t in want.trainees) and any(x.landmines for x in want.trouble)
        with store.engine.connect() as conn:
            ids = sorted(conn.execute(sa.select(S.sessions.c.id)).scalars())
        with recorded_before_version_8(store, ids[::2]):
            assert cohort_stats(store, COHORT) == want
        with recorded_before_version_8(store):
            assert cohort_stats(store, COHORT) == want


def test_landmines_of_turns_stored_whole_count_too(db_url):
    """A turn stored before the compact format keeps its whole dict (format 1): the database's
    cut of the landmine parts reads both formats."""
    with Store.open(db_url) as store:
        play(store, "Old Hand", "mixed", ["L80 E70 P100 mine", "L90 E90 P100 close"])
        sid, _ = play(store, "Old Hand", "mixed", ["L80 E70 P100 mine", "L90 E90 P100 close"])
        before = cohort_stats(store, "mixed").trainees[0].landmines
        whole = store.session_detail(sid).turns[0]
        del whole["recorded_at"]
        with store.engine.begin() as conn:  # as version 4 wrote it: the whole dict, no `mines`
            conn.execute(S.turns.update().where(S.turns.c.session_id == sid, S.turns.c.idx == 0)
                         .values(detail=whole, mines=None))
        assert store.session_detail(sid).turns[0]["score"]["landmines"] == whole["score"]["landmines"]
        after = cohort_stats(store, "mixed").trainees[0].landmines
    assert before == after == {"threaten": 2}


@pytest.mark.parametrize("grouped", [0, 1])
def test_replies_with_more_landmines_than_the_grouped_read_are_read_whole(seeded, monkeypatch, grouped):
    from simulator.store import cohort_stats as CS

    with Store.open(seeded) as store:
        want = {t.name: t.landmines for t in cohort_stats(store, COHORT).trainees}
        with recorded_before_version_8(store):  # the grouped read is for turns without `mines`
            monkeypatch.setattr(CS, "MINES_GROUPED", grouped)
            assert {t.name: t.landmines for t in cohort_stats(store, COHORT).trainees} == want


def test_review_agreement_counts_where_trainers_kept_the_machine_s_level(seeded):
    """Reviewed turns of the cohort, per dimension: how many, and how many kept the machine's level."""
    with Store.open(seeded) as store:
        assert cohort_stats(store, COHORT).agreement is None
        sid = store.sessions(COHORT)[0].id
        turns = store.session_detail(sid).turns
        first = next(t for t in turns if t["kind"] == "reply")
        levels = {d: first["score"][d]["level"] for d in ("listening", "empathy", "policy")}
        store.save_review(sid, first["index"], listening=levels["listening"], empathy=(levels["empathy"] + 1) % 3,
                          policy=1, reviewer="Tina")
        agreement = cohort_stats(store, COHORT).agreement
    assert agreement.reviewed_turns == 1
    assert (agreement.dimensions["listening"].turns, agreement.dimensions["listening"].same_level) == (1, 1)
    assert agreement.dimensions["empathy"].same_level == 0
    assert agreement.dimensions["policy"].same_level == int(levels["policy"] == 1)


def test_the_report_counts_the_landmines_a_trainer_marked_in_place_of_the_machine_s(db_url, capsys):
    """A reviewed reply's landmines are the trainer's, as on the leaderboard and in exports: one
    added shows in the trainee's row and its category gets a column; one taken away is gone."""
    with Store.open(db_url) as store:
        ann, _ = play(store, "Ann", "june", ["L80 E80 P100 first reply", "L80 E80 P100 close"])
        ben, _ = play(store, "Ben", "june", ["L60 E60 P0 mine"])  # the machine's threaten
        store.save_review(ann, 0, listening=1, empathy=1, landmines=["accuse", "argue"], reviewer="Tina")
        store.save_review(ben, 0, listening=1, empathy=1, landmines=[], reviewer="Tina")
        stats = cohort_stats(store, "june")
        board = {r.trainee: r.landmines_per_call for r in store.leaderboard("june")}
    assert stats.completed_landmines == 2 and board == {"Ann": 2.0, "Ben": 0.0}  # per completed call, as reviewed
    mines = {t.name: t.landmines for t in stats.trainees}
    assert mines == {"Ann": {"accuse": 1, "argue": 1}, "Ben": {}}
    assert set(stats.categories) == {"accuse", "argue"}
    # where calls go wrong counts the same replies: Ann's first has one, Ben's has none any more
    assert sum(t.landmines for t in stats.trouble) == 1
    code, out, _ = run(capsys, "report", "--cohort", "june", "--db", db_url, "--format", "text", "--lang", "en")
    assert code == 0 and "accusation" in out and "threat" not in out


# ---------------------------------------------------------------------------- one definition of each figure
def test_the_report_counts_reviewed_scores_as_the_leaderboard_does_and_its_counts_add_up(db_url, capsys):
    """A reviewed call counts with its reviewed scores in every figure (mean, bands, progress, pass),
    as on the leaderboard; the pass line says how its attempts split into completed and left, so
    it adds up with the completed calls beside it; the report says which scores it shows."""
    with Store.open(db_url) as store:
        ann, _ = play(store, "Ann", "june", ["L80 E80 P100 close"])
        play(store, "Ann", "june", ["L70 E70 P100 first reply"])  # left before an ending
        play(store, "Ben", "june", ["L50 E50 P100 close"])
        play(store, "Ben", "june", ["L90 E90 P100 close"])
        before = cohort_stats(store, "june")
        store.save_review(ann, 0, listening=0, empathy=0, policy=1, reviewer="Tina")
        stats = cohort_stats(store, "june")
        rows = store.sessions("june")
        reviewed = store.reviewed_calls(rows)
        board = {r.trainee: r for r in store.leaderboard("june")}
    done = sorted((r for r in rows if r.status == "completed"), key=lambda r: (r.started_at, r.id))
    overall = {r.id: reviewed[r.id]["overall"] if r.id in reviewed else r.overall for r in done}
    assert overall[ann] < PASS_MARK <= next(r.overall for r in rows if r.id == ann)  # the review fails the call
    assert before.passed == stats.passed + 1
    assert stats.passed == sum(overall[r.id] >= PASS_MARK and r.outcome not in FAILING_OUTCOMES for r in done)
    assert stats.means["overall"] == pytest.approx(sum(overall.values()) / len(done))
    assert stats.histograms["overall"] == tuple(Counter(min(9, int(v // 10)) for v in overall.values()).get(i, 0)
                                                for i in range(10))
    for dim in ("listening", "empathy", "policy"):
        want = [reviewed[r.id][dim] if r.id in reviewed else getattr(r, dim) for r in done]
        assert stats.means[dim] == pytest.approx(sum(want) / len(want)), dim
    for t in stats.trainees:
        mine = [overall[r.id] for r in done if r.trainee == t.name]
        assert t.progress == tuple(mine)
        assert round(t.mean_overall, 1) == board[t.name].average  # the leaderboard's mean of completed calls
    ann_stats = next(t for t in stats.trainees if t.name == "Ann")
    assert (ann_stats.attempts, ann_stats.completed, ann_stats.left) == (2, 1, 1)
    assert (stats.attempts, stats.completed, stats.left) == (4, 3, 1)
    assert (before.reviewed_calls, stats.reviewed_calls) == (0, 1)

    code, out, _ = run(capsys, "report", "--cohort", "june", "--db", db_url, "--format", "text", "--lang", "en")
    assert code == 0
    assert f"{stats.passed} of 4 calls passed (3 completed, 1 left by the trainee before an ending" in out
    # every call in the header, and those outside the pass rate named, so the two counts agree (trial 24)
    assert f"from {stats.calls} call(s) of" in out and f"({stats.calls - 4} of them left before a word" in out
    assert "Scores: the trainer's reviewed scores for the 1 reviewed call(s)" in out
    code, out, _ = run(capsys, "report", "--cohort", "june", "--db", db_url, "--lang", "zh")
    assert code == 0
    page = Page(out)
    assert f"4 通电话中通过 {stats.passed} 通（完成 3 通，学员未到结局就离开 1 通" in page.all_text
    assert "完成的通话" in page.all_text and "1 通经培训师复核的通话用复核后的分数" in page.all_text


def _drawn(seeded, monkeypatch, chart: str, lang: str = "en"):
    """The cohort's stats and the matplotlib figures `chart` drew for them (kept as drawn)."""
    from simulator.report import charts

    figures = []
    real_svg = charts._svg
    monkeypatch.setattr(charts, "_svg", lambda fig, name: figures.append(fig) or real_svg(fig, name))
    with Store.open(seeded) as store:
        stats = cohort_stats(store, COHORT)
    with charts.matplotlib.rc_context(charts.STYLE):
        assert getattr(charts, chart)(stats, Catalog(lang))
    return stats, figures


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # measured without a CJK font here
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_two_labels_of_the_service_level_chart_overlap(seeded, monkeypatch, lang):
    """Level 0's long name ran into level 1's under vertical bars; every tick label has room."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from simulator.report import charts

    _, (fig,) = _drawn(seeded, monkeypatch, "service_levels", lang)
    with charts.matplotlib.rc_context(charts.STYLE):
        renderer = FigureCanvasAgg(fig).get_renderer()
        ax = fig.axes[0]
        labels = [lab for lab in ax.get_xticklabels() + ax.get_yticklabels() if lab.get_text()]
        boxes = [(lab.get_text(), lab.get_window_extent(renderer)) for lab in labels]
    assert any(text.startswith("0 ") or text.startswith("0\n") for text, _ in boxes)
    overlapping = [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:] if box_a.overlaps(box_b)]
    assert not overlapping


def test_the_score_charts_name_each_mean_as_the_page_prints_it(seeded, monkeypatch):
    """Trial 25: the chart said "Overall · 75" beside "74.6 Mean overall"."""
    from simulator.report.text import num

    stats, figures = _drawn(seeded, monkeypatch, "score_distributions")
    titles = [ax.get_title() for ax in figures[0].axes]
    assert titles[0] == f"Overall · {num(stats.means['overall'])}"
    assert all(title.endswith(num(stats.means[dim])) for title, dim in zip(titles, stats.histograms))


def test_the_heatmap_scale_counts_in_whole_replies(seeded, monkeypatch):
    """Trial 29: the colour bar beside whole counts read 0.0, 0.2 ... 1.0."""
    _, figures = _drawn(seeded, monkeypatch, "landmine_heatmap")
    scale = figures[0].axes[-1]  # the colour bar's own axes
    ticks = [tick for tick in scale.get_yticks() if scale.get_ylim()[0] <= tick <= scale.get_ylim()[1]]
    assert ticks and all(float(tick).is_integer() for tick in ticks)


@pytest.mark.parametrize("share, shown", [(5 / 8, "63%"), (1 / 8, "13%"), (1 / 3, "33%"), (1.0, "100%"), (0.0, "0%"),
                                          (199 / 200, "99%"), (1 / 201, "1%")])
def test_a_rate_is_rounded_as_a_manager_reads_it(share, shown):
    """Trial 29: 5 passed of 8 read "62%" (round half to even, and 0.625's float below it)."""
    from simulator.report.text import pct
    from simulator.tui.leaderboard_screen import cell

    assert pct(share) == shown and str(cell(share, "pass_rate")) == shown
