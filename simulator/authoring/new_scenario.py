"""`mystery-guest new`: a working, commented scenario to start from.

Templates live in simulator/templates/ as NAME.LOCALE.yaml. Three tokens are filled in:
__ID__ and __TITLE__ from the new file's name (the id numbered when a scenario in the folder
already has it: ids must be unique; a name with no letters a-z or digits gives FALLBACK_ID),
__SCHEMA__ with the path of the JSON Schema an editor should use (the nearest
scenario.schema.json above the new file, or the bundled one).
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from simulator.authoring.schema import SCHEMA_FILE_NAME, bundled_schema_path

TEMPLATES = ("vas-refund", "inquiry", "blank")
LOCALES = ("zh", "en")


def templates_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "templates"


def template_path(template: str, locale: str) -> Path:
    return templates_dir() / f"{template}.{locale}.yaml"


FALLBACK_ID = "new-scenario"  # for a file name with no letters a-z or digits (an id can hold only those, - and _)


def id_from_filename(path: Path) -> str:
    """A scenario id from a file name: 'My refund call.yaml' -> 'my-refund-call'."""
    stem = path.name.split(".")[0]
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_").lower()
    return slug or FALLBACK_ID


ID_LINE = re.compile(r"""^id:[ \t]*["']?([A-Za-z0-9_-]+)""", re.MULTILINE)


def ids_in_folder(folder: Path) -> set[str]:
    """The ids the scenario files in this folder declare (a quick read of their top-level `id:`)."""
    found: set[str] = set()
    for f in folder.glob("*.y*ml") if folder.is_dir() else ():
        try:
            found.update(ID_LINE.findall(f.read_text(encoding="utf-8", errors="replace")))
        except OSError:
            continue  # unreadable: lint will say so
    return found


def unique_id(target: Path) -> str:
    """The id for a new file: from its name, with -2, -3... when the folder already uses it."""
    wanted = id_from_filename(target)
    taken = ids_in_folder(target.parent)
    if target.exists():  # overwriting (--force): the file's own id is free again
        taken -= set(ID_LINE.findall(target.read_text(encoding="utf-8", errors="replace"))[:1])
    n = 1
    scenario_id = wanted
    while scenario_id in taken:
        n += 1
        scenario_id = f"{wanted}-{n}"
    return scenario_id


def title_from_filename(path: Path) -> str:
    """A first title from a file name: 'my-refund_call.yaml' -> 'My refund call' (Chinese kept as is)."""
    stem = path.name.split(".")[0]
    words = re.sub(r"[-_]+", " ", stem).strip()
    return (words[:1].upper() + words[1:]) if words else "New scenario"


def schema_reference(target: Path) -> str:
    """What the modeline should point at, relative to the new file when possible.

    A scenario.schema.json in the new file's folder or a parent wins (a trainers' repository
    can keep its own copy from `mystery-guest schema -o`); otherwise the bundled schema.
    """
    folder = target.resolve().parent
    for candidate in [folder, *folder.parents]:
        if (candidate / SCHEMA_FILE_NAME).is_file():
            schema = candidate / SCHEMA_FILE_NAME
            break
    else:
        schema = bundled_schema_path().resolve()
    try:
        rel = os.path.relpath(schema, folder)
    except ValueError:  # another drive on Windows: only an absolute path works
        return schema.as_uri()
    rel = Path(rel).as_posix()
    return rel if rel.startswith(".") else "./" + rel


def render(template: str, locale: str, target: Path, scenario_id: str | None = None) -> str:
    """The text of a new scenario for `target` from a template (its id: from the file name unless given)."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown template '{template}'; choose one of {', '.join(TEMPLATES)}")
    if locale not in LOCALES:
        raise ValueError(f"unknown locale '{locale}'; choose zh or en")
    text = template_path(template, locale).read_text(encoding="utf-8")
    text = text.replace("__SCHEMA__", schema_reference(target))
    text = text.replace("__ID__", scenario_id or id_from_filename(target))
    # json.dumps gives a double-quoted string that is also valid YAML; the template has the quotes.
    text = text.replace('"__TITLE__"', json.dumps(title_from_filename(target), ensure_ascii=False))
    return text


def create(target: Path, template: str, locale: str, *, force: bool = False) -> str:
    """Write a new scenario file; refuses to overwrite unless `force`. Returns the text written."""
    if target.exists() and not force:
        raise FileExistsError(f"{target} already exists (use --force to overwrite it)")
    text = render(template, locale, target, unique_id(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return text
