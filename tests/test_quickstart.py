"""The README's Quick start is the product's front door: two lines, the second is what CI runs,
and both install from a lock that pins every dependency inside pyproject.toml's ranges."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def quickstart_lines() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def test_quickstart_is_two_lines_that_make_and_use_a_venv():
    app, tests = quickstart_lines()
    for line in (app, tests):
        assert line.startswith("python3 -m venv .venv && .venv/bin/python -m pip install")
        assert "-c requirements.lock" in line  # pinned versions, not whatever is newest today
    assert app.endswith(".venv/bin/mystery-guest")
    # The test line installs the report and train extras too, so the HTML report's tests and the
    # centre-model training test run in CI rather than skipping.
    assert tests.endswith(".venv/bin/python -m pytest") and "'.[test,report,train]'" in tests


def test_ci_runs_the_readme_test_line_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert quickstart_lines()[1] in [line.strip() for line in ci]


def test_the_lock_pins_every_dependency_inside_its_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += extra
    pins = lock()
    for spec in map(Requirement, wanted):
        name = canonicalize_name(spec.name)
        assert name in pins, f"{spec.name} is not pinned in requirements.lock (run .ci/refresh-lock)"
        assert spec.specifier.contains(pins[name]), f"{spec.name}=={pins[name]} is outside {spec.specifier}"
        assert spec.specifier, f"{spec.name} has no version range in pyproject.toml"
        assert any(s.operator == "<" for s in spec.specifier), f"{spec.name} has no upper bound"
