"""CLI commands over the store: leaderboard, sessions, transcript, export.

Every command takes --db URL (default $MYSTERY_GUEST_DB, else the local SQLite file)."""
from __future__ import annotations

import argparse

import json
import sys
import unicodedata
from pathlib import Path
from typing import Any, Callable

from simulator.scores import shown, shown_rate

DB_HELP = "database URL or SQLite file (default: $MYSTERY_GUEST_DB, else the SQLite file in your data folder)"


def _width(text: str) -> int:
    """Terminal columns: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _plain(text: str) -> str:
    """One line with no control characters (names come from trainees: never let them move the cursor)."""
    return "".join(c if c.isprintable() else " " for c in " ".join(str(text).split()))


def table(headers: list[str], rows: list[list[Any]], right: set[int] = frozenset()) -> str:
    """Aligned plain-text columns."""
    cells = [[_plain("-" if v is None else v) for v in r] for r in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values):
        out = []
        for i, v in enumerate(values):
            pad = " " * (widths[i] - _width(v))
            out.append(pad + v if i in right else v + pad)
        return "  ".join(out).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in cells])


def markdown_table(headers: list[str], rows: list[list[Any]]) -> str:
    from simulator.store.transcript import md_text

    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join("-" if v is None else md_text(v) for v in r) + " |" for r in rows]
    return "\n".join(out)


def _open(args):
    """The store a command reads; one named with --db (or $MYSTERY_GUEST_DB) must exist."""
    from simulator.plaintext import plain
    from simulator.store.store import Store
    from simulator.store.urls import StoreError, named_file_missing

    missing = named_file_missing(getattr(args, "db", None))
    if missing is not None:
        raise StoreError(f"no database at {plain(str(missing), lines=False)}: nothing has been recorded there; "
                         "check --db (calls are recorded by the app or 'mystery-guest replay')")
    return Store.open(getattr(args, "db", None))


def _run(fn: Callable[[Any], int]) -> Callable[[Any], int]:
    """Turn database problems into one readable line and exit status 2."""
    def wrapper(args) -> int:
        from simulator.store.store import describe_error

        try:
            return fn(args)
        except Exception as exc:
            message = describe_error(exc, getattr(args, "db", None))
            if message is None:
                raise
            print(f"mystery-guest: {message}", file=sys.stderr)
            return 2
    wrapper.__doc__ = fn.__doc__
    return wrapper


def _write(text: str, output: str | None) -> None:
    if output and output != "-":
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        print(f"mystery-guest: wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _unknown_cohort(store, cohort: str) -> int:
    names = store.cohorts()
    listed = ", ".join(names) if names else "none yet"
    print(f"mystery-guest: no sessions in cohort '{cohort}' (cohorts: {listed})", file=sys.stderr)
    return 1


# ---------------------------------------------------------------------------- leaderboard
BOARD_COLUMNS = ("rank", "trainee", "sessions", "done", "best", "average", "listening", "empathy",
                 "policy", "landmines", "resolved", "passed", "hints", "trend", "live")  # cli.board.* names


def _catalog(args, locales: list[str | None] = ()):
    """The printed tables' language, as the report's: --lang, else the terminal's, else the one
    most of the calls listed were in (`locales`), else English (trial 29: in one C-locale terminal
    `leaderboard` spoke English and `report` Chinese). JSON and CSV keep English keys."""
    from collections import Counter

    from simulator.tui.i18n import Catalog, printed_language

    counts = Counter(loc for loc in locales if loc in ("en", "zh"))
    most = max(sorted(counts), key=counts.__getitem__) if counts else None  # a tie: English, as the report
    return Catalog(printed_language(getattr(args, "lang", None), most))


def _pct(x: float | None) -> str | None:
    return None if x is None else shown_rate(x)


REVIEWED_MARK = "†"


def _figure(x: float | None) -> str | None:
    """A leaderboard figure as the app's board and the report print it: one decimal ("63.0" beside
    "58.7": "63" read as another kind of figure)."""
    return None if x is None else shown(x)


def _board_cells(r, t) -> list[Any]:
    best = None if r.best is None else (_figure(r.best) + ("*" if r.best_used_hints else "")
                                        + (REVIEWED_MARK if r.reviewed else ""))
    trend = None if r.trend is None else f"{r.trend:+.1f}"
    figures = [_figure(x) for x in (r.average, r.listening, r.empathy, r.policy, r.landmines_per_call)]
    return [r.rank if r.rank is not None else "", r.trainee, r.sessions, r.completed, best,
            *figures, _pct(r.resolved_rate),
            _pct(r.pass_rate), r.hints, trend, t("cli.board.yes") if r.human_caller else ""]  # a person played the caller


@_run
def cmd_leaderboard(args) -> int:
    """Print the cohort's ranking."""
    from simulator.store.export import csv_text
    from simulator.store.leaderboard import COLUMNS

    with _open(args) as store:
        rows = store.leaderboard(args.cohort, args.scenario, min_completed=args.min_completed)
        if not rows:
            if args.cohort not in store.cohorts():
                return _unknown_cohort(store, args.cohort)
        recent = [] if args.format in ("json", "csv") else [
            r.locale for r in store.sessions(args.cohort, scenario=args.scenario, limit=200)]
    if args.format == "json":
        _write(json.dumps({"cohort": args.cohort, "scenario": args.scenario, "min_completed": args.min_completed,
                           "rows": [r.to_dict() for r in rows]}, ensure_ascii=False, indent=2), args.output)
    elif args.format == "csv":
        _write(csv_text(COLUMNS, ([getattr(r, c) for c in COLUMNS] for r in rows)), args.output)
    else:
        t = _catalog(args, recent)
        headers = [t(f"cli.board.{c}") for c in BOARD_COLUMNS]
        cells = [_board_cells(r, t) for r in rows]
        if args.format == "md":
            from simulator.store.transcript import md_text

            title = "## " + t("cli.board.title", cohort=md_text(args.cohort)) + (
                f" / {md_text(args.scenario)}" if args.scenario else "")
            _write(title + "\n\n" + markdown_table(headers, cells) + "\n\n" + _legend(rows, t), args.output)
        elif not rows:
            print(t("cli.board.none_here"))
        else:
            _write(table(headers, cells, right={0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}) + "\n" + _legend(rows, t),
                   args.output)
    return 0


def _legend(rows, t) -> str:
    from simulator.debrief import PASS_MARK  # the pass rule, defined once

    notes = [t("cli.board.legend_best"), t("cli.board.legend_resolved", mark=PASS_MARK)]
    if any(r.best_used_hints for r in rows):
        notes.append(t("cli.board.legend_hints"))
    if any(r.rank is None for r in rows):
        notes.append(t("cli.board.legend_unranked"))
    if any(r.trend is not None for r in rows):
        notes.append(t("cli.board.legend_trend"))
    if any(r.reviewed for r in rows):
        notes.append(t("cli.board.legend_reviewed", mark=REVIEWED_MARK))
    return (" " if t.lang == "en" else "").join(notes)


# ---------------------------------------------------------------------------- sessions
SESSIONS_TABLE = ("id", "started", "trainee", "scenario", "mode", "status", "turns", "ending", "overall", "hints",
                  "landmines")  # the printed table's columns, named by cli.sessions.* (export.SESSION_COLUMNS: the CSV's)


@_run
def cmd_sessions(args) -> int:
    """List calls, newest first."""
    from simulator.store.export import sessions_csv

    with _open(args) as store:
        rows = store.sessions(args.cohort, trainee=args.trainee, scenario=args.scenario, status=args.status,
                              limit=args.limit)
        if not rows and args.cohort and args.cohort not in store.cohorts():
            return _unknown_cohort(store, args.cohort)
        reviewed = store.reviewed_calls(rows)
    if args.format == "json":
        _write(json.dumps([{**r.to_dict(), "reviewed": reviewed.get(r.id)} for r in rows], ensure_ascii=False,
                          indent=2), None)
    elif args.format == "csv":
        _write(sessions_csv(rows, reviewed), None)
    else:
        from simulator.store.transcript import named

        t = _catalog(args, [r.locale for r in rows])
        if not rows:
            print(t("cli.sessions.none"))
            return 0

        def overall(r):  # the reviewed score, marked, with the machine's beside it
            rv = reviewed.get(r.id)
            if rv is None:
                return shown(r.overall)
            # The machine's score in brackets only where the review changed it (a note alone does not).
            differs = r.overall is not None and rv["overall"] != r.overall
            return f"{shown(rv['overall'])}{REVIEWED_MARK}" + (f" ({shown(r.overall)})" if differs else "")

        def landmines(r):  # as reviewed, like the overall: a trainer's landmines count, not the machine's
            rv = reviewed.get(r.id)
            if rv is None or rv["landmines"] == r.landmines:
                return r.landmines
            return f"{rv['landmines']}{REVIEWED_MARK} ({r.landmines})"

        # The ending by the title the trainee saw; its id is in --format csv/json and the transcript.
        # Calls of every cohort (no --cohort) say whose cohort each is (trial 29: two cohorts' calls
        # mixed with nothing to tell them apart).
        columns = list(SESSIONS_TABLE)
        if not args.cohort:
            columns.insert(columns.index("trainee") + 1, "cohort")
        values = [{"id": r.id, "started": r.started_at.strftime("%Y-%m-%d %H:%M"), "trainee": r.trainee,
                   "cohort": r.cohort, "scenario": r.scenario_id, "mode": named(t, "mode", r.mode),
                   "status": named(t, "calls.status", r.status).replace("_", " "), "turns": r.turns,
                   "ending": r.ending_title or r.ending, "overall": overall(r), "hints": r.hints,
                   "landmines": landmines(r)} for r in rows]
        right = {i for i, c in enumerate(columns) if c in ("id", "turns", "overall", "hints", "landmines")}
        _write(table([t(f"cli.sessions.{c}") for c in columns], [[v[c] for c in columns] for v in values], right=right)
               + ("\n" + t("cli.sessions.reviewed", mark=REVIEWED_MARK) if reviewed else ""), None)
    return 0


# ---------------------------------------------------------------------------- transcript
@_run
def cmd_transcript(args) -> int:
    """Render one call with every turn's scores and evidence."""
    from simulator.store.transcript import catalog_of, render_html, render_markdown, render_text

    with _open(args) as store:
        detail = store.session_detail(args.id)
    if detail is None:
        print(f"mystery-guest: no session {args.id} (list them with 'mystery-guest sessions')", file=sys.stderr)
        return 1
    fmt = args.format or ("text" if args.output in (None, "-") and sys.stdout.isatty() else "md")
    render = {"html": render_html, "text": render_text}.get(fmt, render_markdown)
    tr = catalog_of(detail.session, getattr(args, "lang", None))
    _write(render(detail, _concern_labels(detail.session.scenario_id), tr), args.output)
    return 0


def _concern_labels(scenario_id: str) -> dict[str, str]:
    """The caller's concerns of a bundled scenario, id -> label, so a transcript names what was
    dealt with as the debrief does; empty when the scenario is not in the library (ids are shown)."""
    from simulator.loader import bundled_dir, load_scenario

    path = bundled_dir() / f"{scenario_id}.yaml"
    try:
        sc = load_scenario(path) if path.is_file() else None
    except Exception:  # a broken or changed file: the transcript still shows the ids
        return {}
    if sc is None or sc.id != scenario_id:
        return {}
    return {cid: concern.label for cid, concern in sc.concerns.items()}


# ---------------------------------------------------------------------------- export
@_run
def cmd_export(args) -> int:
    """Write the cohort's calls as xAPI statements or CSV."""
    from simulator.store.export import sessions_csv, turns_csv, xapi_statements

    with _open(args) as store:
        rows = store.sessions(args.cohort, scenario=args.scenario)
        if not rows and args.cohort not in store.cohorts():
            return _unknown_cohort(store, args.cohort)
        rows = sorted(rows, key=lambda r: r.id)
        need_turns = args.format == "xapi" or args.turns
        turns = store.turns_for(r.id for r in rows) if need_turns else {}
        reviews = store.reviews(r.id for r in rows)
        reviewed = store.reviewed_calls(rows) if not need_turns and reviews else {}
    if args.format == "xapi":
        text = json.dumps(xapi_statements(rows, turns, args.base_iri, reviews), ensure_ascii=False, indent=2)
    else:
        text = turns_csv(rows, turns, reviews) if args.turns else sessions_csv(rows, reviewed)
    _write(text, args.output)
    return 0


def register(sub) -> None:
    """Add this part's subcommands to the `mystery-guest` parser."""
    from simulator.store.export import DEFAULT_BASE_IRI

    board = sub.add_parser("leaderboard", help="rank a cohort's trainees (see docs/store.md for the rule)")
    board.add_argument("--cohort", required=True, help="cohort name")
    board.add_argument("--scenario", help="only this scenario id")
    board.add_argument("--format", choices=["table", "csv", "json", "md"], default="table")
    board.add_argument("--min-completed", type=int, default=1, metavar="N",
                       help="completed calls a trainee needs to be ranked (default 1)")
    board.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of the screen")
    board.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS,
                       help="language of the table and its notes (default: the terminal's, else the one most of the "
                            "calls were in; JSON/CSV keys stay English)")
    board.add_argument("--db", metavar="URL", help=DB_HELP)
    board.set_defaults(func=cmd_leaderboard)

    ses = sub.add_parser("sessions", help="list recorded calls, newest first")
    ses.add_argument("--cohort", help="cohort name (default: all cohorts)")
    ses.add_argument("--trainee", help="only this trainee")
    ses.add_argument("--scenario", help="only this scenario id")
    ses.add_argument("--status", choices=["in_progress", "completed", "left", "skipped", "abandoned"])
    ses.add_argument("--limit", type=int, help="at most this many")
    ses.add_argument("--format", choices=["table", "csv", "json"], default="table")
    ses.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS,
                     help="language of the table (default: the terminal's, else the one most of the calls were in; "
                          "JSON/CSV keys stay English)")
    ses.add_argument("--db", metavar="URL", help=DB_HELP)
    ses.set_defaults(func=cmd_sessions)

    tr = sub.add_parser("transcript", help="one call with every turn's scores and evidence (for the debrief)")
    tr.add_argument("id", type=int, help="session id (from 'mystery-guest sessions')")
    tr.add_argument("--format", choices=["md", "html", "text"],
                    help="text on a terminal, else Markdown (md); html for a page to open or print")
    tr.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of the screen")
    # SUPPRESS: when not given here, the top-level `--lang` (before the command) stays in force
    tr.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS,
                    help="language of the transcript's labels (default: the call's)")
    tr.add_argument("--db", metavar="URL", help=DB_HELP)
    tr.set_defaults(func=cmd_transcript)

    ex = sub.add_parser("export", help="write a cohort's calls as xAPI statements (for an LMS) or CSV")
    ex.add_argument("--cohort", required=True, help="cohort name")
    ex.add_argument("--format", choices=["xapi", "csv"], required=True)
    ex.add_argument("--scenario", help="only this scenario id")
    ex.add_argument("--turns", action="store_true", help="CSV: one line per turn instead of per call")
    ex.add_argument("--base-iri", default=DEFAULT_BASE_IRI,
                    help=f"xAPI: your centre's address, used in activity and account ids (default {DEFAULT_BASE_IRI})")
    ex.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of the screen")
    ex.add_argument("--db", metavar="URL", help=DB_HELP)
    ex.set_defaults(func=cmd_export)
