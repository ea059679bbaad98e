"""Where the store is: --db values, $MYSTERY_GUEST_DB and the default SQLite file.

Kept apart from store.py so the app can check a URL before its first screen without paying
for SQLAlchemy (the recorder's thread imports that later)."""
from __future__ import annotations

import os
import re
from pathlib import Path

from simulator.plaintext import plain

ENV_URL = "MYSTERY_GUEST_DB"
_URL = re.compile(r"^(?P<backend>[A-Za-z][A-Za-z0-9.-]*)(?:\+(?P<driver>[A-Za-z0-9_.-]+))?://(?P<rest>.*)$", re.S)


def default_path() -> Path:
    """The SQLite file used when no URL is given: <user data dir>/mystery-guest.sqlite3."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("mystery-guest")) / "mystery-guest.sqlite3"


class StoreError(Exception):
    """A store problem said in one line: what happened and what to do."""


_SCHEME_NO_SLASHES = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):/?(?!/)")  # postgresql:/host/db


def resolve_url(url: str | None = None) -> str:
    """--db URL, else $MYSTERY_GUEST_DB, else the default SQLite file (its folder is created).

    A bare file path is accepted too and means a SQLite file. A URL with a slash missing after
    its scheme is refused rather than taken for a folder name."""
    url = (url or os.environ.get(ENV_URL) or "").strip()
    if not url:
        return f"sqlite:///{_make_parent(default_path())}"
    if "://" not in url:
        m = _SCHEME_NO_SLASHES.match(url)
        if m and len(m.group(1)) > 1:  # not a Windows drive letter (C:/...)
            fixed = m.group(1) + "://" + url[m.end():]
            raise StoreError(f"'{plain(url, lines=False)}' is not a database URL: did you mean '{fixed}'?")
        return f"sqlite:///{_make_parent(Path(url).expanduser())}"
    return url


def named_file_missing(url: str | None = None) -> Path | None:
    """The SQLite file a --db value (or $MYSTERY_GUEST_DB) names, when it does not exist; None for
    anything else (the default file, a server, a URI filename, a file that is there). A command
    that only reads calls refuses it: opening would make an empty database at a mistyped path
    and report "no sessions" from it."""
    url = (url or os.environ.get(ENV_URL) or "").strip()
    if not url:
        return None
    if "://" not in url:
        m = _SCHEME_NO_SLASHES.match(url)
        if m and len(m.group(1)) > 1:
            return None  # "postgresql:/host/db": resolve_url says what was meant
        path = Path(url).expanduser()
    elif url.startswith("sqlite:///") and not url.startswith("sqlite:///file:") and "?" not in url:
        path = Path(url[len("sqlite:///"):]).expanduser()
    else:
        return None
    return None if str(path) in ("", ":memory:") or path.exists() else path


def _make_parent(path: Path) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder for {path}: {exc.strerror or exc}; "
                         "pass --db with a place you can write to") from None
    return path


def check_url(url: str) -> None:
    """Refuse URLs that would lose calls or cannot work, before anything is created."""
    m = _URL.match(url)
    if not m:
        raise StoreError(f"'{plain(url, lines=False)}' is not a database URL; use a SQLite file path "
                         "or e.g. postgresql+psycopg://user@server/mystery_guest")
    backend, driver, rest = m.group("backend").lower(), (m.group("driver") or "").lower(), m.group("rest")
    if backend == "sqlite":
        database = rest[1:].split("?")[0] if rest.startswith("/") else ""
        if database in ("", ":memory:") or "mode=memory" in rest:
            raise StoreError(f"'{plain(url, lines=False)}' is an in-memory database: calls would vanish "
                             "when the program ends; give a file, e.g. sqlite:///mystery-guest.sqlite3")
        return
    if backend == "postgres":
        raise StoreError(f"write postgresql://{rest.split('@')[-1]} rather than postgres:// (SQLAlchemy's spelling)")
    if backend != "postgresql":
        raise StoreError(f"{backend} databases are not supported; use a SQLite file or PostgreSQL")
    import importlib.util

    driver = driver or "psycopg2"  # SQLAlchemy's default for a bare postgresql:// URL
    if importlib.util.find_spec(driver) is None:
        from simulator.extras import install_command

        raise StoreError(f"the PostgreSQL driver '{driver}' is not installed: {install_command('postgres')} "
                         "(or use a SQLite file)")


