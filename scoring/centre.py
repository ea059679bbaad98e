"""A centre's own model: the scorer refitted with its trainers' reviewed cases.

`mystery-guest scorer train --extra FILE...` (scoring/train.py) fits a locale's model from the
shipped corpus plus the centre's cases and, if it keeps agreement on the sealed set within
MARGIN of the shipped model's, saves it here; from then on `load_model` (scoring/model.py) reads
it instead of the shipped one. `scorer status` says which model is active and how it was made;
`scorer reset` removes it.

The folder is the installation's data folder, the one the store's SQLite file and the journal
live in (platformdirs' user data folder for mystery-guest), in `scorer/`:
    <locale>.json   the model, in the shipped models' format
    centre.json     its record: when, from which files, agreement at training time
$MYSTERY_GUEST_SCORER_DIR names another folder (a centre that copies one model to every
machine, or a test).
"""
from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

ENV_DIR = "MYSTERY_GUEST_SCORER_DIR"
APP = "mystery-guest"  # platformdirs' name for the data folder (simulator/store/urls.py uses the same)
RECORD = "centre.json"
# How much a centre model may lose on the sealed set, on any measure (listening and empathy QWK,
# policy=0 F1, landmine F1), against the shipped model before `scorer train` refuses to save it.
MARGIN = 0.02
MEASURES = (("listening", "qwk"), ("empathy", "qwk"), ("policy", "f1"), ("landmines", "f1"))


@lru_cache(maxsize=4)
def _folder(env_value: str) -> Path:
    if env_value:
        return Path(env_value).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP)) / "scorer"


def folder() -> Path:
    """Where a centre model is kept (it may not exist)."""
    return _folder(os.environ.get(ENV_DIR, ""))


def centre_model_file(locale: str) -> Path | None:
    """The centre model of this locale, if one is installed."""
    path = folder() / f"{locale}.json"
    return path if path.is_file() else None


def read_record() -> dict[str, Any]:
    """The record of the installed centre models ({} when there is none or it cannot be read)."""
    try:
        data = json.loads((folder() / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def measures(metrics: dict[str, Any]) -> dict[str, float]:
    """The figures the margin applies to, from scoring.evaluate.compute_metrics."""
    return {f"{dim}_{key}": metrics[dim][key] for dim, key in MEASURES}


def shortfall(centre: dict[str, float], shipped: dict[str, float], margin: float = MARGIN) -> list[str]:
    """Measures on which the centre model is more than `margin` below the shipped one (NaN, a
    measure with nothing to measure, is not compared)."""
    out = []
    for name, before in shipped.items():
        after = centre.get(name)
        if before == before and after is not None and after == after and after < before - margin:
            out.append(f"{name.replace('_', ' ')} {after:.3f}, {before - after:.3f} below the shipped model's "
                       f"{before:.3f}")
    return out


def install(locale: str, model: dict[str, Any], record: dict[str, Any]) -> Path:
    """Save a centre model and its record (the model file is written whole, then moved in place)."""
    where = folder()
    where.mkdir(parents=True, exist_ok=True)
    path = where / f"{locale}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)
    records = read_record()
    records.setdefault("locales", {})[locale] = record
    (where / RECORD).write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _fmt(figures: dict[str, float] | None) -> str:
    if not figures:
        return "-"
    return ", ".join(f"{k.replace('_', ' ')} {v:.3f}" if v == v else f"{k.replace('_', ' ')} n/a"
                     for k, v in figures.items())


# ---------------------------------------------------------------------------- scorer status / reset
def status(argv: list[str]) -> int:
    """`mystery-guest scorer status`: which model scores each locale, and how the centre's was made."""
    import argparse

    from scoring.model import _load_centre, load_shipped

    argparse.ArgumentParser(prog="mystery-guest scorer status",
                            description="Which scorer model is active, and its agreement.").parse_args(argv)
    records = read_record().get("locales", {})
    print(f"centre models folder: {folder()}")
    for locale in ("en", "zh"):
        path = centre_model_file(locale)
        rec = records.get(locale) or {}
        if path is None:
            shipped = load_shipped(locale)
            print(f"{locale}: the shipped model" + (f" ({shipped.meta.get('cases', '?')} training cases)"
                                                    if shipped else " (none: rules alone)"))
            continue
        if _load_centre(str(path), path.stat().st_mtime_ns) is None:
            print(f"{locale}: the shipped model: the centre model {path} cannot be read; "
                  "'mystery-guest scorer reset' removes it")
            continue
        extra = ", ".join(f"{e['file']} ({e['cases']} cases)" for e in rec.get("extra", [])) or "?"
        print(f"{locale}: the centre model, trained {rec.get('trained_at', '?')} from the shipped corpus "
              f"({rec.get('corpus_cases', '?')} cases) and {extra}")
        sealed = rec.get("sealed") or {}
        print(f"    sealed set ({sealed.get('cases', '?')} cases): centre {_fmt(sealed.get('centre'))}")
        print(f"    {'':{len(str(sealed.get('cases', '?'))) + 19}}shipped {_fmt(sealed.get('shipped'))} "
              f"(margin {rec.get('margin', MARGIN)})")
        own = rec.get("centre_cases") or {}
        print(f"    centre's cases ({own.get('cases', '?')}, trained on: in-sample): centre {_fmt(own.get('centre'))}")
        print(f"    {'':{len(str(own.get('cases', '?'))) + 34}}shipped {_fmt(own.get('shipped'))}")
        shipped = load_shipped(locale)
        if shipped is not None and rec.get("shipped_corpus") not in (None, shipped.meta.get("corpus_sha256")):
            print(f"    note: the shipped model has changed since (an upgrade); train again with the same "
                  f"--extra files to build on it")
    return 0


def reset(argv: list[str]) -> int:
    """`mystery-guest scorer reset`: back to the shipped model (the centre models are deleted)."""
    import argparse

    parser = argparse.ArgumentParser(prog="mystery-guest scorer reset",
                                     description="Remove the centre model: score with the shipped one again.")
    parser.add_argument("--locale", choices=["en", "zh"], action="append", help="only this locale (default both)")
    args = parser.parse_args(argv)
    locales = args.locale or ["en", "zh"]
    records = read_record()
    removed = []
    for locale in locales:
        path = folder() / f"{locale}.json"
        if path.exists():
            try:
                path.unlink()
            except OSError as exc:
                print(f"mystery-guest scorer reset: cannot remove {path}: {exc.strerror or exc}", file=sys.stderr)
                return 2
            removed.append(locale)
        records.get("locales", {}).pop(locale, None)
    if (folder() / RECORD).exists():
        if records.get("locales"):
            (folder() / RECORD).write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
        else:
            (folder() / RECORD).unlink()
    print(f"scorer reset: {', '.join(removed)} back to the shipped model" if removed
          else "scorer reset: no centre model was installed; the shipped model is active")
    return 0
