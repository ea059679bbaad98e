"""Store fixtures: a fresh SQLite file, and a fresh PostgreSQL database when a server is reachable.

PostgreSQL tests need MYSTERY_GUEST_TEST_PG, a SQLAlchemy URL of a server where the user may
create databases, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres (.ci/start-postgres.sh
starts one and prints it). Each test gets its own database, dropped afterwards.
"""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from simulator.store.store import Store

PG_ENV = "MYSTERY_GUEST_TEST_PG"


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'store.sqlite3'}"


def _pg_admin() -> sa.Engine:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests skipped: set {PG_ENV} to a server URL, e.g. "
                    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres (.ci/start-postgres.sh prints one)")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means: no server to test against
        engine.dispose()
        pytest.skip(f"PostgreSQL tests skipped: no server reachable at {PG_ENV} ({type(exc).__name__}: "
                    f"{str(exc).splitlines()[0][:200]})")
    return engine


@pytest.fixture
def pg_url():
    admin = _pg_admin()
    name = f"mg_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(os.environ[PG_ENV]).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    """Run the test on SQLite and on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def store(db_url):
    s = Store.open(db_url)
    yield s
    s.close()
