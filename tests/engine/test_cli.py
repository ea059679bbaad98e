"""The headless commands as a trainer runs them: lint, test, replay."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.engine.conftest import MINI

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "vas-sms-tips-en.yaml"


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True, text=True,
                          cwd=ROOT, input=stdin)


def test_lint_reports_errors_and_exits_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINI.replace("- to: cancel", "- to: cancle").replace("locale: en", "locale: fr"))
    out = run("lint", str(bad))
    assert out.returncode == 1
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 2 and all(l.startswith(f"{bad}:") for l in lines)
    assert "1 file(s): 2 error(s), 0 warning(s)" in out.stderr


def test_lint_warnings_only_exit_0(tmp_path):
    f = tmp_path / "warn.yaml"
    f.write_text(MINI.replace('"Cancel it."', '"取消。"'))
    out = run("lint", str(f))
    assert out.returncode == 0 and "warning:" in out.stdout


def test_a_large_library_checked_on_every_core_prints_what_one_process_does(tmp_path, monkeypatch, capsys):
    from simulator import cli

    for i in range(12):  # clean, broken and warned files, in an order the output must keep
        text = MINI.replace("id: mini-en", f"id: mini-{i}")
        if i % 3 == 1:
            text = text.replace("- to: cancel", "- to: cancle")
        if i % 4 == 2:
            text = text.replace('"Cancel it."', '"取消。"')
        (tmp_path / f"s{i:02d}.yaml").write_text(text, encoding="utf-8")

    def lint() -> tuple[int, str, str]:
        code = cli.main(["lint", str(tmp_path)])
        out = capsys.readouterr()
        return code, out.out, out.err

    monkeypatch.setattr(cli, "LINT_FILES_PER_WORKER", 10_000)
    one = lint()
    import concurrent.futures

    pools = []

    class CountedPool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, workers):
            pools.append(workers)
            super().__init__(workers)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountedPool)
    monkeypatch.setattr(cli, "LINT_FILES_PER_WORKER", 3)
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    assert lint() == one and pools == [4]
    assert one[0] == 1 and "12 file(s): 4 error(s), 3 warning(s)" in one[2] and "s01.yaml" in one[1]


def test_test_command_fails_on_a_contradicting_story(tmp_path):
    f = tmp_path / "s.yaml"
    # real replies: `test` scores with the real scorer, which reads "ack warm" as nothing sensible
    good = '["I hear you, Pat, five a month for Tips you never wanted. That is maddening.", "I have cancelled Tips for you today."]'
    # without model answers: this is about the story (the walk through them: tests/authoring/test_coverage.py)
    text = MINI.replace('["ack warm", "offer cancel"]', good).replace(
        '    model_answers: ["I hear you, five a month for nothing."]\n', "")
    assert "model_answers" not in text
    f.write_text(text)
    assert run("test", str(f)).returncode == 0, "the story as written passes; only its altered ending may fail"
    f.write_text(text.replace("ending: resolved\n    states: [venting, cancel, resolved]", "ending: escalated"))
    out = run("test", str(f))
    assert out.returncode == 1
    assert "FAIL mini-en: good" in out.stdout and "expected ending 'escalated'" in out.stdout
    assert "0 passed, 1 failed" in out.stdout


def test_replay_is_identical_with_the_same_seed(tmp_path):
    replies = tmp_path / "r.txt"
    replies.write_text("I'm so sorry, that sounds really frustrating.\n"
                       "!Let me explain how short codes work.\n"
                       "I can cancel it for you right now.\n", encoding="utf-8")
    a = run("replay", str(FLAGSHIP), "--replies", str(replies), "--seed", "3")
    b = run("replay", str(FLAGSHIP), "--replies", str(replies), "--seed", "3")
    assert a.returncode == 0, a.stderr
    assert a.stdout == b.stdout and "[interrupted]" in a.stdout
    j = run("replay", "vas-sms-tips-en", "--replies", str(replies), "--seed", "3", "--json")
    data = json.loads(j.stdout)
    assert data["seed"] == 3 and len(data["turns"]) >= 1 and data["turns"][1]["interrupted"]


def test_replay_of_a_chinese_call_reads_in_chinese_unless_asked_for_english(tmp_path):
    replies = tmp_path / "r.txt"
    replies.write_text("阿姨，真对不起，您上个月就在APP上取消了来电提醒，这个月还扣了您3块钱，换谁都生气。\n"
                       "你自己没看清楚吧\n", encoding="utf-8")
    zh = run("replay", "small-charge-dispute-zh", "--replies", str(replies))
    assert zh.returncode == 0, zh.stderr
    lines = zh.stdout.splitlines()
    assert lines[2].startswith("坐席：阿姨") and lines[3].lstrip().startswith("倾听 ")
    assert "! 语言地雷（" in zh.stdout and "怒气 " in zh.stdout
    assert not any(word in zh.stdout for word in ("agent:", "listening", "landmine", "anger ", "seed"))
    for en in (run("--lang", "en", "replay", "small-charge-dispute-zh", "--replies", str(replies)),
               run("replay", "small-charge-dispute-zh", "--replies", str(replies), "--lang", "en")):
        assert en.stdout.splitlines()[2].startswith("agent: 阿姨") and "! landmine " in en.stdout


def test_replay_unknown_scenario_is_a_clear_message():
    out = run("replay", "no-such-thing", "--replies", "-", stdin="")
    assert out.returncode != 0 and "no scenario 'no-such-thing'" in out.stderr
    assert "Traceback" not in out.stderr


def test_story_replies_the_engine_would_refuse_are_lint_errors_and_never_a_traceback(tmp_path):
    f = tmp_path / "s.yaml"
    broken = MINI.replace('replies: ["ack warm", "offer cancel"]',
                          'replies: ["ack warm", "\\e[31m\\e]0;x\\a", "' + "x" * 2001 + '"]')
    f.write_text(broken, encoding="utf-8")
    lint = run("lint", str(f))
    assert lint.returncode == 1
    assert "story 'good' reply 2 is empty" in lint.stdout and "reply 3 is 2001 characters" in lint.stdout
    test = run("test", str(f))
    assert "Traceback" not in test.stderr + test.stdout
    assert test.returncode == 1


def test_replay_splits_replies_on_newlines_only(tmp_path):
    replies = tmp_path / "r.txt"
    replies.write_text("I'm sorry\x0bthat sounds\x0cawful\u2028truly.\r\nI can cancel it.\n", encoding="utf-8")
    out = run("replay", str(FLAGSHIP), "--replies", str(replies), "--json")
    assert out.returncode == 0, out.stderr
    turns = json.loads(out.stdout)["turns"]
    assert len(turns) == 2
    assert turns[0]["reply"] == "I'm sorry\nthat sounds\nawful\ntruly."


def test_lint_reports_an_id_used_by_two_files_at_the_second_naming_the_first(tmp_path):
    (tmp_path / "a.yaml").write_text(MINI, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(MINI.replace("- to: cancel", "- to: cancle"), encoding="utf-8")  # broken too
    (tmp_path / "c.yaml").write_text(MINI.replace("id: mini-en", "id: mini-c"), encoding="utf-8")
    line = next(i for i, text in enumerate(MINI.splitlines(), 1) if text.startswith("id: "))
    out = run("lint", str(tmp_path))
    assert out.returncode == 1
    dup = [l for l in out.stdout.splitlines() if "id 'mini-en'" in l]
    assert dup == [f"{tmp_path / 'b.yaml'}:{line}:5: error: id 'mini-en' is already the id of "
                   f"{tmp_path / 'a.yaml'}:{line}:5; each scenario needs its own id"]
    assert "3 file(s): 2 error(s), 0 warning(s)" in out.stderr


def test_the_library_loads_the_first_of_two_files_with_one_id_and_reports_the_second(tmp_path):
    from simulator.loader import load_library

    (tmp_path / "a.yaml").write_text(MINI, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(MINI, encoding="utf-8")
    found, problems = load_library(tmp_path)
    assert [Path(sc.source).name for sc in found] == ["a.yaml"]
    assert [(Path(p.file).name, "already the id of" in p.message) for p in problems] == [("b.yaml", True)]


def test_the_app_on_a_scenario_folder_that_does_not_exist_says_so_and_does_not_open(tmp_path):
    """Trial 26: it opened on an empty library, as if the folder held no scenarios, and exited 0."""
    missing = tmp_path / "no-such-folder"
    for args in (["--scenarios", str(missing)], ["class", "--cohort", "C", "--scenarios", str(missing)]):
        out = subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True, text=True, cwd=ROOT,
                             timeout=60, stdin=subprocess.DEVNULL)
        assert out.returncode == 2, args
        assert out.stderr.strip() == f"mystery-guest: no scenario folder {missing} (--scenarios)"
