"""The trainer's commands: replay recording, sessions, transcript (md/html), export (xAPI/CSV),
leaderboard formats, and readable errors."""
from __future__ import annotations

import csv
import io
import json
import re
import sys
import uuid
from datetime import datetime
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from simulator.cli import main
from simulator.store import schema as S
from simulator.store.store import Store
from simulator.store.transcript import md_text
from tests.store.helpers import play

NASTY = '<script>alert("x")</script> & **bold** | =SUM(A1)'


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def filled(db_url):
    """A cohort with a hostile trainee name and reply, a hinted call and an unfinished one."""
    with Store.open(db_url) as store:
        sid, _ = play(store, NASTY, "night <shift>", [f"L80 E70 P100 {NASTY}", "L90 E90 P100 close"])
        play(store, "Li Na 李娜", "night <shift>", ["L60 E60 P100 close"], hints=1)
        play(store, "Li Na 李娜", "night <shift>", ["L60 E60 P100 gone"], status="left")
    return db_url, sid


# ---------------------------------------------------------------------------- replay records
def test_replay_records_the_session_as_a_live_one_would(db_url, capsys, tmp_path):
    from simulator.loader import bundled_dir

    replies = tmp_path / "replies.txt"
    replies.write_text("I completely understand why you're angry, that is five months of charges.\n"
                       "!Mm, I hear you, please go on.\n", encoding="utf-8")
    scenario = str(bundled_dir() / "vas-sms-tips-en.yaml")
    code, out, err = run(capsys, "replay", scenario, "--replies", str(replies), "--trainee", "Demo One",
                         "--cohort", "demo", "--db", db_url, "--json")
    assert code == 0, err
    played = json.loads(out)
    with Store.open(db_url) as store:
        [row] = store.sessions("demo")
        detail = store.session_detail(row.id)
    assert (row.trainee, row.mode, row.scenario_id) == ("Demo One", "replay", "vas-sms-tips-en")
    assert row.status == ("completed" if played["ending"] else "left")
    assert row.overall == played["summary"]["overall"] and row.ending == played["ending"]
    assert [t["reply"] for t in detail.turns] == [t["reply"] for t in played["turns"]]
    assert [t["interrupted"] for t in detail.turns] == [t["interrupted"] for t in played["turns"]]
    assert f"saved to the store as session {row.id}" in err


@pytest.mark.parametrize("fmt", ["md", "text", "html"])
def test_a_transcript_names_the_caller_s_concerns_as_the_debrief_does(db_url, capsys, tmp_path, fmt):
    """Concerns are stored by id (stop_charges); a bundled scenario's transcript shows their labels."""
    from simulator.loader import bundled_dir

    replies = tmp_path / "replies.txt"
    replies.write_text("Five months of texts you never asked for, I'm so sorry. I've cancelled Daily Tips now.\n",
                       encoding="utf-8")
    code, _, err = run(capsys, "replay", str(bundled_dir() / "vas-sms-tips-en.yaml"), "--replies", str(replies),
                       "--trainee", "Demo", "--cohort", "demo", "--db", db_url)
    assert code == 0, err
    with Store.open(db_url) as store:
        [row] = store.sessions("demo")
    code, out, _ = run(capsys, "transcript", str(row.id), "--format", fmt, "--db", db_url)
    assert code == 0 and "Cancel Daily Tips" in out and "stop_charges" not in out


def test_a_call_s_ending_is_named_by_the_title_the_trainee_saw_in_transcripts_and_exports(db_url, capsys, tmp_path):
    """A resolved ending reached with the caller still furious shows its furious variant's title
    in the debrief; the transcript, the CSV and xAPI name it the same way, not just 'resolved'."""
    from simulator.loader import bundled_dir, load_scenario

    sc = load_scenario(bundled_dir() / "small-charge-dispute-zh.yaml")
    story = next(s for s in sc.stories if s.title == "钱退了，气没消")
    replies = tmp_path / "replies.txt"
    replies.write_text("\n".join(story.replies) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "replay", str(bundled_dir() / "small-charge-dispute-zh.yaml"), "--replies",
                       str(replies), "--trainee", "Demo", "--cohort", "demo", "--db", db_url)
    assert code == 0, err
    with Store.open(db_url) as store:
        [row] = store.sessions("demo")
    assert (row.ending, row.ending_title) == ("resolved", "钱退了，气没消")
    code, out, _ = run(capsys, "sessions", "--cohort", "demo", "--lang", "zh", "--db", db_url)
    assert code == 0 and "钱退了，气没消" in out and "resolved" not in out  # trial 19 saw the ids
    code, out, _ = run(capsys, "transcript", str(row.id), "--format", "text", "--db", db_url)
    assert code == 0 and "“钱退了，气没消”：resolved（已解决，服务层级 2）" in out
    code, out, _ = run(capsys, "export", "--cohort", "demo", "--format", "csv", "--db", db_url)
    assert code == 0 and next(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))["ending_title"] == "钱退了，气没消"
    code, out, _ = run(capsys, "export", "--cohort", "demo", "--format", "xapi", "--db", db_url)
    [call] = [st for st in json.loads(out) if st["verb"]["id"].endswith("/completed")]
    ext = {k.rsplit("/", 1)[1]: v for k, v in call["result"]["extensions"].items()}
    assert (ext["ending"], ext["ending-title"], ext["service-level"]) == ("resolved", "钱退了，气没消", row.service_level)
    assert call["context"]["contextActivities"]["grouping"][0]["definition"]["name"] == {"zh-CN": "demo"}


def test_two_reasons_for_one_landmine_are_shown_but_the_landmine_is_counted_once(db_url, capsys, tmp_path):
    """A forbidden gift and an over-cap refund in one reply are two reasons for one `overpromise`:
    the transcript gives both, the exports count the category once."""
    from simulator.loader import bundled_dir

    replies = tmp_path / "replies.txt"
    replies.write_text("王先生，这40块钱我全部给您退回来，另外再送您50块话费当做补偿。\n", encoding="utf-8")
    code, _, err = run(capsys, "replay", str(bundled_dir() / "vas-sms-tips-zh.yaml"), "--replies", str(replies),
                       "--trainee", "Demo", "--cohort", "demo", "--db", db_url)
    assert code == 0, err
    code, out, _ = run(capsys, "transcript", "1", "--format", "text", "--db", db_url)
    assert "超过了1个月的上限" in out and "政策禁止赔偿" in out
    code, out, _ = run(capsys, "export", "--cohort", "demo", "--format", "csv", "--turns", "--db", db_url)
    assert next(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))["landmines"] == "overpromise"
    code, out, _ = run(capsys, "export", "--cohort", "demo", "--format", "xapi", "--db", db_url)
    [answer] = [st for st in json.loads(out) if st["verb"]["id"].endswith("/responded")]
    ext = {k.rsplit("/", 1)[1]: v for k, v in answer["result"]["extensions"].items()}
    assert ext["landmines"] == ["overpromise"]


@pytest.mark.parametrize("fmt", ["md", "text", "html"])
def test_a_chinese_call_s_transcript_reads_in_chinese_unless_lang_says_otherwise(db_url, capsys, tmp_path, fmt):
    from simulator.loader import bundled_dir

    replies = tmp_path / "replies.txt"
    replies.write_text("刘阿姨，您月底就把来电提醒取消了，结果这个月还扣了您3块钱，换谁都觉得窝火。\n您先冷静一下，也就三块钱的事。\n",
                       encoding="utf-8")
    code, _, err = run(capsys, "replay", str(bundled_dir() / "small-charge-dispute-zh.yaml"), "--replies",
                       str(replies), "--trainee", "Demo", "--cohort", "demo", "--db", db_url)
    assert code == 0, err
    with Store.open(db_url) as store:
        [row] = store.sessions("demo")
    code, out, _ = run(capsys, "transcript", str(row.id), "--format", fmt, "--db", db_url)
    assert code == 0
    for chinese in ("通话记录：", "第 1 轮", "学员", "倾听", "语言地雷：轻视") + (("怒气",) if fmt != "text" else ()):
        assert chinese in out, chinese
    for english in ("Call transcript", "Turn 1", "Trainee", "listening", "landmine:", "anger"):
        assert english not in out, english
    if fmt != "text":  # the acts the scorer heard, named in Chinese (trial 17 read "paraphrase, empathize")
        acts = re.findall(r"动作：([^。<\n]*)。", out)
        assert acts and all(not re.search(r"[a-z]", a) for a in acts), acts
    for where in (["--lang", "en", "transcript", str(row.id)], ["transcript", str(row.id), "--lang", "en"]):
        code, out, _ = run(capsys, *where, "--format", fmt, "--db", db_url)
        assert code == 0 and "Call transcript" in out and "Turn 1" in out and "landmine: dismiss" in out
        assert "通话记录" not in out and "刘阿姨" in out  # the labels change; what was said does not


# ---------------------------------------------------------------------------- sessions
def test_sessions_lists_the_cohort_newest_first(filled, capsys):
    url, sid = filled
    code, out, _ = run(capsys, "sessions", "--cohort", "night <shift>", "--db", url, "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["status"] for r in rows] == ["left", "completed", "completed"]
    assert rows[-1]["id"] == sid and rows[-1]["trainee"] == NASTY
    code, out, _ = run(capsys, "sessions", "--cohort", "night <shift>", "--db", url)
    assert code == 0 and "Li Na 李娜" in out and "left" in out
    code, out, _ = run(capsys, "sessions", "--db", url, "--status", "left", "--format", "csv")
    assert [r["status"] for r in csv.DictReader(io.StringIO(out))] == ["left"]


def test_sessions_of_every_cohort_say_whose_cohort_each_is(filled, capsys):
    """Trial 29: without --cohort, two cohorts' calls were listed with nothing to tell them apart."""
    url, _ = filled
    code, out, _ = run(capsys, "sessions", "--db", url)
    header, rule, first = out.splitlines()[:3]
    assert code == 0 and header.split()[:5] == ["id", "started", "(UTC)", "trainee", "cohort"]
    assert "night <shift>" in first
    code, out, _ = run(capsys, "sessions", "--db", url, "--cohort", "night <shift>")
    assert "cohort" not in out.splitlines()[0]  # one cohort asked for: its name is no news


def test_db_written_before_the_command_name_is_the_store_the_command_uses(filled, capsys, tmp_path):
    """Trial 23: `mystery-guest --db URL sessions` had read the local store without a word."""
    url, _ = filled
    code, out, _ = run(capsys, "--db", url, "sessions", "--cohort", "night <shift>", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 3
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    with pytest.raises(SystemExit):
        main(["--db", url, "sessions", "--db", other])
    assert "--db given twice" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--db", url, "lint"])
    assert "'lint' does not take --db" in capsys.readouterr().err
    # a sub-command's own options count ("cases export" takes --db), as does --lang before a command
    code, _, err = run(capsys, "--db", url, "cases", "export", "--reviewed", "-o", str(tmp_path / "c.yaml"))
    assert "does not take" not in err
    code, out, _ = run(capsys, "--lang", "zh", "report", "--cohort", "night <shift>", "--db", url, "--format", "text")
    assert code == 0 and "night <shift>" in out and any("\u4e00" <= ch <= "\u9fff" for ch in out)


def test_a_cohort_typed_with_escape_codes_finds_the_calls_stored_under_its_plain_name(db_url, capsys):
    """Trial 23: the app stores "c23-\\e[32mgreen\\e[0m<tab>x" as "c23-green x"; the same string given
    to --cohort had found nothing and was printed back raw."""
    with Store.open(db_url) as store:
        play(store, "Ann", "c23-\x1b[32mgreen\x1b[0m\tx", ["L80 E70 P100 hello", "L90 E90 P100 close"])
    code, out, err = run(capsys, "sessions", "--cohort", "c23-\x1b[32mgreen\x1b[0m\tx", "--db", db_url,
                         "--format", "json")
    assert code == 0, err
    assert [r["cohort"] for r in json.loads(out)] == ["c23-green x"]
    code, _, err = run(capsys, "leaderboard", "--cohort", "\x1b[31mnone\x1b[0m", "--db", db_url)
    assert code == 1 and "'none'" in err and "\x1b" not in err
    with pytest.raises(SystemExit):
        main(["replay", "vas-sms-tips-en", "--replies", "-", "--trainee", "\x1b[31m\x1b[0m", "--db", db_url])
    assert "--trainee has nothing printable in it" in capsys.readouterr().err


def test_replay_from_a_scenario_folder_that_is_not_there_says_so(tmp_path):
    with pytest.raises(SystemExit) as stop:
        main(["--scenarios", str(tmp_path / "nope"), "replay", "some-id", "--replies", "-"])
    assert str(stop.value) == f"mystery-guest: no scenario folder {tmp_path / 'nope'} (--scenarios)"


# ---------------------------------------------------------------------------- transcript
class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize("terminal", [True, False])
def test_a_transcript_on_a_terminal_is_plain_text_and_markdown_when_piped(filled, capsys, monkeypatch, terminal):
    url, sid = filled
    monkeypatch.setattr(sys.stdout, "isatty", lambda: terminal)
    code, out, _ = run(capsys, "transcript", str(sid), "--db", url)
    assert code == 0
    if terminal:  # no Markdown marks to read past ("resolved\_extended", "| Session |")
        assert out.startswith("Call transcript:") and "|---|" not in out and "\\_" not in out
    else:
        assert out.startswith("# Call transcript:") and "|---|" in out


def test_a_terminal_transcript_shows_each_caller_line_once(filled, capsys, monkeypatch):
    url, sid = filled
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, _ = run(capsys, "transcript", str(sid), "--db", url)
    assert code == 0
    with Store.open(url) as store:
        turns = store.session_detail(sid).turns
        persona = store.session_detail(sid).session.persona
    said = [line.strip() for line in out.splitlines() if line.strip().startswith(persona + ":")]
    # the opening (what turn 1 answers), the answer to turn 1 (what turn 2 answers), the last answer
    assert len(turns) == 2 and len(said) == 3, said


def test_html_transcript_escapes_all_trainee_and_scenario_text(filled, capsys, tmp_path):
    url, sid = filled
    out_file = tmp_path / "debrief.html"
    code, _, _ = run(capsys, "transcript", str(sid), "--format", "html", "--db", url, "-o", str(out_file))
    assert code == 0
    page = out_file.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    # only the page's own tags: nothing from the name, the reply, the title or the persona
    assert set(parser.tags) <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "table", "tr",
                                "td", "p", "span", "mark", "ul", "li"}
    assert "script" not in parser.tags and "b" not in parser.tags and "i" not in parser.tags
    text = "".join(parser.text)
    assert NASTY in text  # shown exactly as typed
    assert "Store test <b>call</b> & co" in text and "Tess <i>Tester</i>" in text
    assert "I am <angry> & *loud*!" in text
    assert "the test said listening 80" in text  # evidence with its reason
    assert "listening 80 (level 2)" in text
    assert '<mark class="pos">L80</mark>' in page  # the evidence span is highlighted


def test_markdown_transcript_has_every_turn_and_escapes_text(filled, capsys):
    url, sid = filled
    code, out, _ = run(capsys, "transcript", str(sid), "--db", url)
    assert code == 0
    assert "<script>" not in out and "\\<script\\>" in out
    assert md_text(NASTY) in out
    assert out.count("## Turn ") == 2
    assert "Scores: listening 90 (level 2), empathy 90 (level 2), policy 100 (level 1)" in out
    assert "the test said empathy 70" in out


def test_transcript_of_a_missing_session_fails_clearly(filled, capsys):
    url, _ = filled
    code, _, err = run(capsys, "transcript", "999", "--db", url)
    assert code == 1 and "no session 999" in err


# ---------------------------------------------------------------------------- export
def _check_statement(st: dict) -> None:
    """The parts of an xAPI 1.0.3 statement an LRS insists on."""
    uuid.UUID(st["id"])
    assert st["actor"]["objectType"] == "Agent" and st["actor"]["account"]["name"]
    assert st["actor"]["account"]["homePage"].startswith("http")
    assert re.match(r"^https?://", st["verb"]["id"]) and st["verb"]["display"]
    assert st["object"]["objectType"] == "Activity" and re.match(r"^https?://\S+$", st["object"]["id"])
    score = st.get("result", {}).get("score")
    if score is not None:
        assert -1 <= score["scaled"] <= 1
        assert score["min"] <= score["raw"] <= score["max"]
    datetime.fromisoformat(st["timestamp"].replace("Z", "+00:00"))
    uuid.UUID(st["context"]["registration"])


def test_xapi_export_has_valid_statements_per_call_and_per_turn(filled, capsys, tmp_path):
    url, sid = filled
    path = tmp_path / "cohort.json"
    code, _, _ = run(capsys, "export", "--cohort", "night <shift>", "--format", "xapi", "--db", url, "-o", str(path))
    assert code == 0
    statements = json.loads(path.read_text(encoding="utf-8"))
    for st in statements:
        _check_statement(st)
    assert len({st["id"] for st in statements}) == len(statements)
    calls = [st for st in statements if st["verb"]["display"]["en-US"] != "responded"]
    turns = [st for st in statements if st["verb"]["display"]["en-US"] == "responded"]
    assert [c["verb"]["display"]["en-US"] for c in calls] == ["completed", "completed", "terminated"]
    assert len(turns) == 4  # 2 + 1 + 1 replies
    first = calls[0]
    assert first["actor"]["name"] == NASTY
    assert first["result"]["score"]["raw"] == 0.3 * 85 + 0.3 * 80 + 0.2 * 100 + 0.2 * 60
    assert first["result"]["success"] is True and first["result"]["completion"] is True
    mine = [t for t in turns if t["context"]["registration"] == first["context"]["registration"]]
    assert mine[0]["result"]["response"].endswith(NASTY)
    assert mine[0]["context"]["statement"]["id"] == first["id"]
    assert mine[0]["result"]["score"]["scaled"] == round((80 + 70 + 100) / 300, 4)
    # exporting again gives the same ids (an LRS will not store duplicates)
    code, out, _ = run(capsys, "export", "--cohort", "night <shift>", "--format", "xapi", "--db", url)
    assert [s["id"] for s in json.loads(out)] == [s["id"] for s in statements]


def test_exports_say_passed_by_the_debrief_s_rule_as_the_report_counts_it(db_url, capsys):
    """Resolved at 80 passes; resolved below the pass mark does not, nor does a call left; the
    xAPI numbers replies from 1, as the transcript and CSV do."""
    with Store.open(db_url) as store:
        play(store, "Ann", "c", ["L80 E80 P100 close"])
        play(store, "Ann", "c", ["L40 E40 P100 close"])
        play(store, "Ann", "c", ["L80 E80 P100 gone"], status="left")
    _, out, _ = run(capsys, "export", "--cohort", "c", "--format", "csv", "--db", db_url)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["status"], r["outcome"], r["passed"]) for r in rows] == [
        ("completed", "resolved", "yes"), ("completed", "resolved", "no"), ("left", "", "no")]
    _, out, _ = run(capsys, "export", "--cohort", "c", "--format", "xapi", "--db", db_url)
    statements = json.loads(out)
    calls = [st for st in statements if st["verb"]["display"]["en-US"] != "responded"]
    assert [c["result"].get("success") for c in calls] == [True, False, False]
    turns = [st for st in statements if st["verb"]["display"]["en-US"] == "responded"]
    assert {t["context"]["extensions"][next(k for k in t["context"]["extensions"] if k.endswith("/turn"))]
            for t in turns} == {1}
    _, out, _ = run(capsys, "report", "--cohort", "c", "--format", "text", "--db", db_url)
    assert "1 of 3 calls passed" in out, out


def test_csv_exports_open_with_the_csv_module(filled, capsys):
    url, _ = filled
    code, out, _ = run(capsys, "export", "--cohort", "night <shift>", "--format", "csv", "--db", url)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 3 and rows[0]["trainee"] == NASTY and rows[0]["status"] == "completed"
    assert float(rows[0]["overall"]) == 0.3 * 85 + 0.3 * 80 + 0.2 * 100 + 0.2 * 60
    code, out, _ = run(capsys, "export", "--cohort", "night <shift>", "--format", "csv", "--turns", "--db", url)
    turns = list(csv.DictReader(io.StringIO(out)))
    assert len(turns) == 4 and turns[0]["reply"] == f"L80 E70 P100 {NASTY}"
    assert turns[0]["listening"] == "80" and turns[0]["interrupted"] == "no"
    # each reply beside the caller's line it answered: the first, the opening; then each answer
    with Store.open(url) as store:
        [first] = [r for r in store.sessions("night <shift>") if r.trainee == NASTY]
        opening = store.session_detail(first.id).session.opening
    assert opening and turns[0]["caller_before"] == opening
    assert turns[0]["customer_line"] and turns[1]["caller_before"] == turns[0]["customer_line"]


def test_a_cell_a_spreadsheet_would_run_is_defused(db_url, capsys):
    with Store.open(db_url) as store:
        play(store, "=HYPERLINK(\"http://x\")", "c", ["L50 E50 P100 close"])
    _, out, _ = run(capsys, "export", "--cohort", "c", "--format", "csv", "--db", db_url)
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert row["trainee"] == "'=HYPERLINK(\"http://x\")"


# ---------------------------------------------------------------------------- leaderboard formats
def test_leaderboard_formats(filled, capsys):
    url, _ = filled
    code, out, _ = run(capsys, "leaderboard", "--cohort", "night <shift>", "--db", url, "--format", "json")
    data = json.loads(out)
    assert code == 0 and [r["trainee"] for r in data["rows"]] == [NASTY, "Li Na 李娜"]
    assert data["rows"][1]["best_used_hints"] is True and data["rows"][1]["sessions"] == 2
    _, out, _ = run(capsys, "leaderboard", "--cohort", "night <shift>", "--db", url, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["rank"] for r in rows] == ["1", "2"] and rows[1]["hints"] == "1"
    _, out, _ = run(capsys, "leaderboard", "--cohort", "night <shift>", "--db", url, "--format", "md")
    assert "\\<shift\\>" in out and "<script>" not in out and "| 2 | Li Na 李娜 |" in out
    _, out, _ = run(capsys, "leaderboard", "--cohort", "night <shift>", "--db", url)
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["rank", "trainee", "sessions"]
    assert "*" in lines[3] and "used hints" in out  # the hinted best is marked


def test_the_leaderboard_table_says_what_trend_means_when_it_shows_one(db_url, capsys):
    with Store.open(db_url) as store:
        play(store, "Bo", "trend", ["L60 E60 P100 close"])
        play(store, "Bo", "trend", ["L90 E90 P100 close"])
    _, out, _ = run(capsys, "leaderboard", "--cohort", "trend", "--db", db_url)
    assert "trend = mean of the later half of a trainee's completed calls minus the earlier half" in out


def test_unknown_cohort_and_unusable_databases_give_one_line(db_url, capsys, tmp_path):
    Store.open(db_url).close()
    code, _, err = run(capsys, "leaderboard", "--cohort", "nobody", "--db", db_url)
    assert code == 1 and "no sessions in cohort 'nobody'" in err
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(S.meta.update().values(value="99"))
    engine.dispose()
    code, _, err = run(capsys, "sessions", "--db", db_url)
    assert code == 2 and "newer" in err and "Traceback" not in err
    code, _, err = run(capsys, "sessions", "--db", "postgresql+psycopg://nobody:secret@127.0.0.1:1/x")
    assert code == 2 and "cannot use" in err and "secret" not in err


def test_replay_with_a_database_that_is_down_finishes_and_keeps_the_call(capsys, tmp_path, _own_journal):
    from simulator.loader import bundled_dir

    replies = tmp_path / "r.txt"
    replies.write_text("Hello.\nI am sorry about the charge.\n", encoding="utf-8")
    code = main(["replay", str(bundled_dir() / "vas-sms-tips-en.yaml"), "--replies", str(replies),
                 "--trainee", "A", "--db", "postgresql+psycopg://u:secret@127.0.0.1:1/x", "--wait", "0.5"])
    out, err = capsys.readouterr()
    assert code == 3 and "call not finished" in out  # the transcript is printed all the same
    assert "cannot be opened" in err and f"kept in {_own_journal}" in err
    assert "secret" not in err and "Traceback" not in err
    assert len(list(_own_journal.glob("*.jsonl"))) == 1


@pytest.mark.parametrize("url, says", [
    ("postgresql:/mg@db-server/x", "did you mean 'postgresql://mg@db-server/x'"),
    ("sqlite://", "in-memory database"),
    ("mysql://u@h/db", "mysql databases are not supported"),
])
def test_a_bad_database_url_is_one_line_and_creates_nothing(capsys, tmp_path, monkeypatch, url, says):
    from simulator.loader import bundled_dir

    monkeypatch.chdir(tmp_path)
    replies = tmp_path / "r.txt"
    replies.write_text("Hello.\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["replay", str(bundled_dir() / "vas-sms-tips-en.yaml"), "--replies", str(replies),
              "--trainee", "A", "--db", url])
    assert says in str(exc.value) and "\n" not in str(exc.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.txt"]  # no folder named after the URL
    code = main(["sessions", "--db", url])
    assert code == 2 and says in capsys.readouterr().err


ESCAPES = "\x1b]0;PWNED\x07\x1b[31mRed\u202e"
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_escape_codes_in_names_and_replies_never_reach_any_output(db_url, capsys, tmp_path):
    from simulator.loader import bundled_dir

    replies = tmp_path / "r.txt"
    replies.write_text(f"{ESCAPES} I'm so sorry about this.\nI can cancel it now.\n", encoding="utf-8")
    code, out, err = run(capsys, "replay", str(bundled_dir() / "vas-sms-tips-en.yaml"), "--replies",
                         str(replies), "--trainee", f"Wang {ESCAPES}", "--cohort", f"c{ESCAPES}", "--db", db_url)
    assert code == 0, err
    outputs = [out]
    for argv in (["sessions", "--format", "csv"], ["sessions"],
                 ["leaderboard", "--cohort", "cRed", "--format", "md"],
                 ["leaderboard", "--cohort", "cRed", "--format", "csv"],
                 ["leaderboard", "--cohort", "cRed"],
                 ["transcript", "1", "--format", "md"],
                 ["export", "--cohort", "cRed", "--format", "xapi"],
                 ["export", "--cohort", "cRed", "--format", "csv", "--turns"]):
        code, out, err = run(capsys, *argv, "--db", db_url)
        assert code == 0, (argv, err)
        outputs.append(out)
    code, _, err = run(capsys, "transcript", "1", "--format", "html", "-o", str(tmp_path / "t.html"), "--db", db_url)
    outputs.append((tmp_path / "t.html").read_text(encoding="utf-8"))
    for text in outputs:
        assert not RAW.search(text.replace("\n", "").replace("\r", "").replace("\t", ""))
        assert "PWNED" not in text
    assert "Wang Red" in outputs[1] and "Wang Red" in outputs[3]


def test_a_corrupt_sqlite_file_is_one_line(capsys, tmp_path):
    bad = tmp_path / "calls.sqlite3"
    bad.write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    code, _, err = run(capsys, "sessions", "--db", str(bad))
    assert code == 2 and "not a readable Mystery Guest database" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("command", [["sessions"], ["leaderboard", "--cohort", "night"], ["transcript", "1"],
                                     ["export", "--cohort", "night", "--format", "csv"], ["report", "--cohort", "night"]])
def test_a_reading_command_refuses_a_database_that_is_not_there_and_makes_none(capsys, tmp_path, command):
    """Trial 20: a mistyped --db made an empty database there and reported "no sessions" from it."""
    typo = tmp_path / "no-such-folder" / "centre.sqlite3"
    code, _, err = run(capsys, *command, "--db", str(typo))
    assert code == 2 and f"no database at {typo}" in err and "check --db" in err
    assert not typo.parent.exists()
    code, _, err = run(capsys, *command, "--db", f"sqlite:///{typo}")
    assert code == 2 and not typo.parent.exists()
