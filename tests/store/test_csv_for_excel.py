"""CSV files written by the CLI exports open in Excel with Chinese intact: a file written with
-o starts with a UTF-8 byte-order mark; CSV on stdout has none (pipes and scripts)."""
from __future__ import annotations

import csv
import io

import pytest

from simulator.store.store import Store
from tests.store.helpers import play
from tests.store.test_commands import run

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def chinese_cohort(db_url):
    with Store.open(db_url) as store:
        play(store, "李娜", "春季A班", ["L80 E70 P100 您好，给您添麻烦了", "L90 E90 P100 close"])
    return db_url


@pytest.mark.parametrize("argv", [
    ["export", "--cohort", "春季A班", "--format", "csv"],
    ["export", "--cohort", "春季A班", "--format", "csv", "--turns"],
    ["leaderboard", "--cohort", "春季A班", "--format", "csv"],
], ids=["calls", "turns", "leaderboard"])
def test_a_csv_file_starts_with_a_utf8_bom_and_reads_back_in_chinese(chinese_cohort, capsys, tmp_path, argv):
    path = tmp_path / "out.csv"
    code, _, _ = run(capsys, *argv, "--db", chinese_cohort, "-o", str(path))
    assert code == 0
    data = path.read_bytes()
    assert data.startswith(BOM) and not data[3:].startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows and rows[0]["trainee"] == "李娜"


def test_csv_on_stdout_and_other_formats_have_no_bom(chinese_cohort, capsys, tmp_path):
    code, out, _ = run(capsys, "export", "--cohort", "春季A班", "--format", "csv", "--db", chinese_cohort)
    assert code == 0 and not out.startswith("\ufeff")
    assert list(csv.DictReader(io.StringIO(out)))[0]["trainee"] == "李娜"
    path = tmp_path / "out.json"
    run(capsys, "leaderboard", "--cohort", "春季A班", "--format", "json", "--db", chinese_cohort, "-o", str(path))
    assert not path.read_bytes().startswith(BOM)
