"""A cohort seeded with real calls: the bundled scenarios' story replies played through
`mystery-guest replay --trainee/--cohort` (the recorder and the real scorer), once per module and
database kind (SQLite, and PostgreSQL when MYSTERY_GUEST_TEST_PG is set)."""
from __future__ import annotations

import contextlib
import io
import os
import uuid

import pytest
import sqlalchemy as sa

from simulator.cli import main
from simulator.loader import load_library
from simulator.scenario import StoryReply
from tests.store.conftest import PG_ENV, _pg_admin, db_url, pg_url, sqlite_url  # noqa: F401 - fixtures used here

COHORT = "night <shift> 夜班"
HOSTILE = '<script>alert("x")</script>\x1b[31m $x^2$ \u202eevil'
# Who played what: each trainee plays every story of these scenarios, in file order.
PLAYERS = {
    "Li Na 李娜": ["vas-sms-tips-zh"],
    HOSTILE: ["vas-sms-tips-en"],
    "Sam Ortiz": ["small-charge-dispute-zh"],
}


def _seed(url: str, folder) -> None:
    library = {sc.id: sc for sc in load_library(None)[0]}
    sink = io.StringIO()
    for trainee, scenario_ids in PLAYERS.items():
        for scenario_id in scenario_ids:
            sc = library[scenario_id]
            for i, story in enumerate(sc.stories):
                replies = [r if isinstance(r, StoryReply) else StoryReply(text=r) for r in story.replies]
                path = folder / f"{scenario_id}-{i}.txt"
                path.write_text("\n".join(("!" if r.interrupted else "") + r.text for r in replies), encoding="utf-8")
                with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                    code = main(["replay", scenario_id, "--replies", str(path), "--trainee", trainee,
                                 "--cohort", COHORT, "--db", url, "--seed", str(story.seed)])
                assert code == 0, sink.getvalue()[-2000:]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(request, tmp_path_factory) -> str:
    """The URL of a store holding COHORT's calls."""
    folder = tmp_path_factory.mktemp("report")
    journal = tmp_path_factory.mktemp("journal")
    old_journal = os.environ.get("MYSTERY_GUEST_JOURNAL")
    os.environ["MYSTERY_GUEST_JOURNAL"] = str(journal)  # module scope: monkeypatch is per test
    try:
        if request.param == "sqlite":
            url = f"sqlite:///{folder / 'store.sqlite3'}"
            _seed(url, folder)
            yield url
            return
        admin = _pg_admin()
        name = f"mg_report_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            url = sa.engine.make_url(os.environ[PG_ENV]).set(database=name).render_as_string(hide_password=False)
            _seed(url, folder)
            yield url
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()
    finally:
        if old_journal is None:
            os.environ.pop("MYSTERY_GUEST_JOURNAL", None)
        else:
            os.environ["MYSTERY_GUEST_JOURNAL"] = old_journal
