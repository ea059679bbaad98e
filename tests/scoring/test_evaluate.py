import json

from scoring.evaluate import main

CASES = """
cases:
  - id: t-1
    locale: en
    stage: venting
    customer: "You charged me twice!"
    policy: {allow: [refund], refund_max_months: 1}
    reply: "Charged twice, that's maddening. Tell me the dates?"
    expect: {listening: 2, empathy: 2, policy: 1, landmines: []}
  - id: t-2
    locale: zh
    stage: venting
    customer: "你们乱扣费！"
    reply: "您先冷静一下。"
    expect: {policy: 0, landmines: [dismiss]}
"""


def test_eval_prints_and_writes_json(tmp_path, capsys):
    cases = tmp_path / "cases.yaml"
    cases.write_text(CASES, encoding="utf-8")
    out = tmp_path / "out.json"
    assert main([str(cases), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "en" in printed and "zh" in printed and "overall" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [c["id"] for c in data["cases"]] == ["t-1", "t-2"]
    assert set(data["cases"][0]) >= {"id", "listening", "empathy", "policy", "landmines"}
    assert set(data["cases"][0]["listening"]) == {"score", "level"}
    # t-2 has no listening label: listening metrics count only t-1
    assert data["metrics"]["overall"]["listening"]["n"] == 1
    assert data["metrics"]["overall"]["policy"]["n"] == 2


def _run_bad(tmp_path, capsys, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    code = main([str(path)])
    err = capsys.readouterr().err
    return code, err


def test_missing_file(tmp_path, capsys):
    assert main([str(tmp_path / "nope.yaml")]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and len(err.strip().splitlines()) == 1


def test_broken_yaml(tmp_path, capsys):
    code, err = _run_bad(tmp_path, capsys, "cases:\n  - id: [unclosed\n")
    assert code == 2 and "broken YAML" in err and "Traceback" not in err


def test_case_without_reply(tmp_path, capsys):
    code, err = _run_bad(tmp_path, capsys, "cases:\n  - id: x\n    locale: en\n    stage: venting\n")
    assert code == 2 and "has no 'reply'" in err and len(err.strip().splitlines()) == 1


def test_not_a_case_list(tmp_path, capsys):
    code, err = _run_bad(tmp_path, capsys, "hello: world\n")
    assert code == 2 and "cases" in err
