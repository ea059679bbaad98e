"""How to install an optional part of the program (an extra: report, postgres, train) into the
Python that is running it — a bare `pip` may be another Python's (pyenv's, the system's) and
install there, or change its packages. From a checkout of the project it is the README's way,
pinned by the lock."""
from __future__ import annotations

import shlex
import sys
from pathlib import Path


def install_command(extra: str) -> str:
    python = shlex.quote(sys.executable or "python3")
    root = Path(__file__).resolve().parents[1]
    if (root / "pyproject.toml").is_file() and (root / "requirements.lock").is_file():
        return f"cd {shlex.quote(str(root))} && {python} -m pip install -c requirements.lock -e '.[{extra}]'"
    return f"{python} -m pip install 'mystery-guest[{extra}]'"
