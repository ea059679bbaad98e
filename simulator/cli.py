"""The `mystery-guest` command. Each subcommand lives in a small function; heavy imports
(the TUI, the database) happen inside them so `lint`, `test` and `eval` start fast."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from simulator import __version__


def _print_diagnostics(diags, stream=None) -> None:
    for d in diags:
        print(d, file=stream or sys.stdout)  # sys.stdout as it is now, not when cli was imported


# ---------------------------------------------------------------------------- lint
# A library this large is checked on every core (each file is independent); below it, starting
# the workers would cost more than it saves.
LINT_FILES_PER_WORKER = 100


def cmd_lint(args) -> int:
    from simulator.loader import LibraryIds, bundled_dir, in_file_order, scenario_files

    files = scenario_files(args.paths or [bundled_dir()])
    if not files:
        print("no scenario files found", file=sys.stderr)
        return 1
    errors = warnings = 0
    ids = LibraryIds()  # an id must be unique across the files linted together
    for check in _lint_files(files):
        diags = sorted(check.diagnostics + ids.check(check.file, check.scenario_id, check.id_mark), key=in_file_order)
        _print_diagnostics(diags)
        errors += sum(d.severity == "error" for d in diags)
        warnings += sum(d.severity == "warning" for d in diags)
    print(f"{len(files)} file(s): {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors else 0


def _lint_files(files: list[Path]):
    """Each file's FileCheck (its diagnostics and id), in the files' order."""
    import os

    from simulator.loader import file_check

    workers = min(os.cpu_count() or 1, 8, len(files) // LINT_FILES_PER_WORKER)
    if workers < 2:
        yield from map(file_check, files)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers) as pool:
        yield from pool.map(file_check, files, chunksize=max(1, len(files) // (workers * 8)))


# ---------------------------------------------------------------------------- test
def cmd_test(args) -> int:
    from simulator.authoring import coverage
    from simulator.loader import bundled_dir, check_file, scenario_files
    from simulator.stories import run_stories

    files = scenario_files(args.paths or [bundled_dir()])
    failed = passed = broken = 0
    reports: list[str] = []
    for f in files:
        sc, diags = check_file(f)
        if sc is None:
            _print_diagnostics([d for d in diags if d.severity == "error"])
            broken += 1
            continue
        if not sc.stories:
            print(f"{f}: warning: no stories to run")
        results = run_stories(sc)
        for res in results:
            mark = "PASS" if res.passed else "FAIL"
            print(f"{mark} {sc.id}: {res.story.name}")
            if res.passed:
                passed += 1
                continue
            failed += 1
            print(f"     {res.problem}")
            print(f"     path: {' -> '.join(res.path)}")
            if getattr(args, "explain", False):
                _explain(sc, res)
        walked = _walk_model_answers(sc, explain=getattr(args, "explain", False))
        if walked is not None:
            passed, failed = passed + walked, failed + (not walked)
        # Coverage after the pass/fail lines, so untested branches are the last thing read.
        reports += coverage.report(coverage.compute(sc, results))
    for line in reports:
        print(line)
    print(f"{passed} passed, {failed} failed" + (f", {broken} file(s) with errors" if broken else ""))
    return 1 if failed or broken else 0


WALK_NAME = "its model answers, typed in turn, win the call"


def _walk_model_answers(sc, explain: bool = False) -> bool | None:
    """Print whether typing each state's model answer wins the call (stories.walk_model_answers):
    a cap changed under an answer that still offers the old amount fails here. None when the
    scenario has no model answers at all (the hint key shows nothing): said, not counted."""
    from simulator.stories import walk_as_story, walk_model_answers

    if not any(state.model_answers for state in sc.states.values()):
        print(f"note {sc.id}: no state has model answers (model_answers): the hint key shows nothing")
        return None
    try:
        result = walk_model_answers(sc)
    except Exception as exc:  # noqa: BLE001 - `mystery-guest test` reports, never a traceback
        print(f"FAIL {sc.id}: {WALK_NAME}\n     the walk stopped: {type(exc).__name__}: {exc}")
        return False
    print(f"{'PASS' if result.passed else 'FAIL'} {sc.id}: {WALK_NAME}")
    for problem in result.problems:
        print(f"     {problem}")
    if not result.passed:
        print(f"     path: {' -> '.join(result.path)}")
        if explain and result.turns:
            _explain(sc, walk_as_story(sc, result))
    return result.passed


def _explain(sc, res) -> None:
    """Print where a failing story left its expected path and why (simulator/authoring/explain.py)."""
    from simulator.authoring.explain import explain

    for line in explain(sc, res):
        print(line)


# ---------------------------------------------------------------------------- replay
def _resolve_scenario(name: str, scenario_dir: str | None = None):
    """A scenario by file path, or by id from the library."""
    from simulator.loader import load_library, load_scenario

    p = Path(name)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return load_scenario(p)
    if scenario_dir is not None and not Path(scenario_dir).is_dir():
        raise SystemExit(f"mystery-guest: no scenario folder {scenario_dir} (--scenarios)")
    library, _ = load_library(scenario_dir)
    for sc in library:
        if sc.id == name:
            return sc
    ids = ", ".join(sorted(s.id for s in library))
    raise SystemExit(f"mystery-guest: no scenario '{name}' (file or id); the library has: {ids}")


def cmd_replay(args) -> int:
    from simulator.loader import ScenarioError
    from simulator.session import ReplyRejected, Session
    from simulator.transcript_text import catalog_for, render_turns

    try:
        sc = _resolve_scenario(args.scenario, args.scenarios)
    except ScenarioError as exc:
        _print_diagnostics(exc.diagnostics, sys.stderr)
        return 1
    try:
        raw = sys.stdin.read() if args.replies == "-" else Path(args.replies).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"mystery-guest: cannot read replies: {exc}", file=sys.stderr)
        return 2
    # One reply a line, split on "\n" only: a VT, FF or U+2028 inside a reply stays in it.
    replies = [line.rstrip("\r") for line in raw.split("\n")]
    replies = [line for line in replies if line.strip() and not line.lstrip().startswith("#")]
    session = Session(sc, seed=args.seed)
    recorder = call = None
    if args.trainee or args.cohort:
        recorder, call = _start_recording(args, session)
    for text in replies:
        if session.over:
            break
        interrupted = text.startswith("!")  # a leading '!' marks a reply sent over the caller
        try:
            turn = session.reply(text[1:] if interrupted else text, interrupted=interrupted)
        except ReplyRejected as exc:
            print(f"mystery-guest: skipped a reply: {exc}", file=sys.stderr)
            continue
        if recorder:
            recorder.turn(call, turn)
    stored = True
    if recorder:
        recorder.finish(call, session, "completed" if session.over else "left")
        stored = _report_recording(recorder.close(timeout=args.wait))
    if args.json:
        print(json.dumps(session.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render_turns(session, catalog_for(sc, getattr(args, "lang", None))))
    return 0 if stored else 3  # 3: played, but kept in the journal rather than the store


RECORD_WAIT_SECONDS = 15.0  # how long `replay` waits for a slow or restarting database at the end


def _start_recording(args, session):
    """A recorder for `replay --trainee/--cohort` (one line and exit 2 for a bad --db)."""
    from simulator.store.recorder import DEFAULT_COHORT, login_name, recorder_for
    from simulator.store.urls import StoreError

    trainee = (args.trainee or "").strip() or login_name()
    cohort = (args.cohort or "").strip() or DEFAULT_COHORT
    try:
        recorder = recorder_for(args.db, notice=_print_notice())
    except StoreError as exc:
        raise SystemExit(f"mystery-guest: {exc}") from None
    recorder.begin()
    call = recorder.start(trainee=trainee, cohort=cohort, session=session, mode="replay")
    return recorder, call


def _print_notice():
    """The recorder's notices on stderr, each kind once (a dead server would repeat them)."""
    from simulator.tui.i18n import Catalog

    said: set[str] = set()
    catalog = Catalog("en")

    def notice(key: str, **values) -> None:
        if key not in said:
            said.add(key)
            print(f"mystery-guest: {catalog(key, **values)}", file=sys.stderr)

    return notice


def _report_recording(report) -> bool:
    """Say where the call is (the store, or the journal until the next start); False if not stored."""
    if report.unsaved_calls:
        from simulator.tui.i18n import Catalog

        said = Catalog("en")(report.unsaved_key, n=report.unsaved_calls, path=report.journal, where=report.store)
        print(f"mystery-guest: {said}", file=sys.stderr)
        return False
    ids = ", ".join(str(i) for i in report.session_ids.values())
    print(f"mystery-guest: call saved to the store as session {ids}", file=sys.stderr)
    return True


# ---------------------------------------------------------------------------- CSV for spreadsheets
CSV_FILE_COMMANDS = ("leaderboard", "export")  # the store commands that write a CSV file with -o
UTF8_BOM = b"\xef\xbb\xbf"


def _csv_files_for_excel(command):
    """A CSV file written with `-o FILE` starts with a UTF-8 byte-order mark: Excel reads a file
    without one in the machine's legacy code page, and Chinese names and replies turn to mojibake.
    CSV on stdout stays without it, for pipes and scripts (docs/store.md)."""
    def run(args) -> int:
        code = command(args)
        output = getattr(args, "output", None)
        if code == 0 and getattr(args, "format", None) == "csv" and output and output != "-":
            path = Path(output)
            data = path.read_bytes()
            if not data.startswith(UTF8_BOM):
                path.write_bytes(UTF8_BOM + data)
        return code

    run.__doc__ = command.__doc__
    return run


# ---------------------------------------------------------------------------- play (plain terminal)
def cmd_play_plain(args) -> int:
    from simulator.loader import ScenarioError
    from simulator.session import ReplyRejected, Session
    from simulator.transcript_text import catalog_for, render_summary, render_turn

    try:
        sc = _resolve_scenario(args.scenario, args.scenarios)
    except ScenarioError as exc:
        _print_diagnostics(exc.diagnostics, sys.stderr)
        return 1
    session = Session(sc, seed=args.seed)
    tr = catalog_for(sc, getattr(args, "lang", None))
    print(f"{sc.title}\n{sc.brief}\n")
    print(tr("text.says", name=sc.persona.name, line=session.opening))
    while not session.over:
        try:
            text = input(tr("text.prompt"))
        except (EOFError, KeyboardInterrupt):
            print("\n" + tr("text.left"))
            return 0
        try:
            turn = session.reply(text)
        except ReplyRejected as exc:
            print(tr("text.empty") if not text.strip() else f"({exc})")
            continue
        print(render_turn(sc, turn, tr))
    print(render_summary(session, tr))
    return 0


# ---------------------------------------------------------------------------- the live class
def cmd_live(args) -> int:
    """class / guest / join / watch: the app opened on a live-class screen."""
    from simulator.tui.launch import run_live

    value = args.cohort if args.command == "class" else (getattr(args, "code", None) or getattr(args, "cohort", None) or "")
    if not value.strip():
        print("mystery-guest: watch needs a call code or --cohort", file=sys.stderr)
        return 2
    return run_live(args.command, value.strip(), scenario_dir=args.scenarios, db_url=args.db, lang=args.lang)


def _register_live(sub) -> None:
    helps = {
        "class": "the trainer's class console: roster, lots, start live calls (needs --cohort)",
        "guest": "the guest console of a live call: play the caller (or let the machine)",
        "join": "join a live call as the trainee, by the code the trainer shows",
        "watch": "watch a live call for the projector (a code, or --cohort to follow the class)",
    }
    descriptions = {
        "class": "Run a live class: add trainees to the roster (or they come from the cohort's calls), draw "
                 "who goes next and a scenario, start the call and play its caller yourself or let the "
                 "machine. The trainee joins with the code shown; a projector can watch.",
        "guest": "Play the caller of a live call a class console started: send the scenario's lines or "
                 "your own, move the call, end it. The machine still scores every reply.",
        "join": "Take a live call as the trainee, with the code the trainer shows.",
        "watch": "Show a live call for the room (a projector): one code, or --cohort to follow the "
                 "class from call to call.",
    }
    for name, text in helps.items():
        p = sub.add_parser(name, help=text, description=descriptions[name])
        if name == "class":
            p.add_argument("--cohort", required=True, help="the cohort (class) whose trainees take the calls")
        elif name == "watch":
            p.add_argument("code", nargs="?", help="the live call's code")
            p.add_argument("--cohort", help="follow this cohort's live calls, one after the other")
        else:
            p.add_argument("code", help="the live call's code")
        p.add_argument("--scenarios", metavar="DIR", help="scenario folder (default: the bundled library)")
        p.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS, help="language of the screens")
        p.add_argument("--db", metavar="URL", help="the shared store (default: $MYSTERY_GUEST_DB, else the "
                                                   "local SQLite file); every screen of a class must use the "
                                                   "same one")
        p.set_defaults(func=cmd_live)


# ---------------------------------------------------------------------------- scorer
SCORER_USAGE = ("usage: mystery-guest scorer train [--extra FILE...] [--locale en|zh] | scorer status | "
                "scorer reset [--locale en|zh]")


def cmd_scorer(argv: list[str]) -> int:
    if not argv or argv[0] not in ("train", "status", "reset"):
        print(SCORER_USAGE, file=sys.stderr)
        return 2
    if argv[0] == "train":
        from scoring.train import main as train_main

        return train_main(argv[1:])
    from scoring import centre

    return (centre.status if argv[0] == "status" else centre.reset)(argv[1:])


# ---------------------------------------------------------------------------- eval
def cmd_eval(argv: list[str]) -> int:
    from scoring.evaluate import main as eval_main

    return eval_main(argv)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mystery-guest", description=(
        "Mystery Guest: practise calls with a furious simulated customer. "
        "With no command, opens the trainee app on the bundled scenarios."))
    p.add_argument("--version", action="version", version=f"mystery-guest {__version__}")
    # Options of the trainee app (no command).
    p.add_argument("--scenarios", dest="app_scenarios", metavar="DIR",
                   help="scenario folder for the app (default: the bundled library)")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the app (default: the scenario's)")
    p.add_argument("--db", dest="app_db", metavar="URL",
                   help="database URL (default: a SQLite file in your data folder; or $MYSTERY_GUEST_DB)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    lint = sub.add_parser("lint", help="check scenario files and print every problem")
    lint.add_argument("paths", nargs="*", help="files or folders (default: the bundled library)")
    lint.set_defaults(func=cmd_lint)

    test = sub.add_parser("test", help="run scenarios' test stories")
    test.add_argument("paths", nargs="*", help="files or folders (default: the bundled library)")
    test.add_argument("--explain", action="store_true", help="for a failing story, show where it left the path")
    test.set_defaults(func=cmd_test)

    replay = sub.add_parser("replay", help="play replies from a file and print the scored transcript")
    replay.add_argument("scenario", help="scenario file or id")
    replay.add_argument("--replies", required=True, help="text file, one reply per line ('-' = stdin; "
                                                         "a leading '!' marks an interruption)")
    replay.add_argument("--seed", type=int, default=0)
    replay.add_argument("--json", action="store_true", help="print the session as JSON")
    replay.add_argument("--scenarios", help="scenario folder to find ids in")
    replay.add_argument("--trainee", help="record the session for this trainee")
    replay.add_argument("--cohort", help="record the session in this cohort")
    replay.add_argument("--db", help="database URL (default: the local SQLite file)")
    replay.add_argument("--wait", type=float, default=RECORD_WAIT_SECONDS, metavar="SECONDS",
                        help="how long to wait at the end for a database that is down or restarting "
                             f"(default {RECORD_WAIT_SECONDS:g}); what is not stored by then stays in "
                             "the local journal")
    # SUPPRESS: when not given here, the top-level `--lang` (before the command) stays in force
    replay.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS,
                        help="language of the transcript's labels (default: the call's)")
    replay.set_defaults(func=cmd_replay)

    play = sub.add_parser("play-text", help="play a scenario in the plain terminal (no app)")
    play.add_argument("scenario", help="scenario file or id")
    play.add_argument("--seed", type=int, default=0)
    play.add_argument("--scenarios", help="scenario folder to find ids in")
    play.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS,
                      help="language of the labels (default: the call's)")
    play.set_defaults(func=cmd_play_plain)

    # Commands owned by other parts register themselves (each module has register(sub)).
    from simulator import serve
    from simulator.authoring import commands as authoring_commands
    from simulator.report import commands as report_commands
    from simulator.store import commands as store_commands, review_commands

    store_commands.register(sub)
    review_commands.register(sub)
    report_commands.register(sub)
    authoring_commands.register(sub)
    serve.register(sub)
    _register_live(sub)
    for name in CSV_FILE_COMMANDS:
        parser = sub.choices[name]
        parser.set_defaults(func=_csv_files_for_excel(parser.get_default("func")))

    sub.add_parser("eval", help="score a reply-case file and print agreement with trainers "
                                "(see 'mystery-guest eval --help')", add_help=False)
    sub.add_parser("scorer", help="'scorer train [--extra FILE...]': refit the scorer's model, or fit this "
                                  "centre's own (needs the train extra); 'scorer status', 'scorer reset'",
                   add_help=False)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _dispatch(argv)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `mystery-guest eval ... | head`
        sys.stderr.close()
        return 0


# Options written before a command's name ("mystery-guest --db URL sessions") parse as the app's own.
# A command that takes the same option gets the value; one that does not says so. They had been
# ignored without a word: `replay` wrote, and `sessions` read, the local store (trial 23). --lang is
# the top level's `lang`, which most commands share (their own --lang leaves it alone: SUPPRESS).
_BEFORE_THE_COMMAND = (("app_db", "--db"), ("app_scenarios", "--scenarios"), ("lang", "--lang"))


def _chosen_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the command given, down to a sub-command's own ("cases export")."""
    while True:
        action = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        chosen = getattr(args, action.dest, None) if action is not None else None
        if chosen is None or chosen not in action.choices:
            return parser
        parser = action.choices[chosen]


def _carry_options_before_the_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    sub = _chosen_parser(parser, args)
    for top, flag in _BEFORE_THE_COMMAND:
        value = getattr(args, top, None)
        if value is None:
            continue
        dest = next((a.dest for a in sub._actions if flag in a.option_strings), None)
        if dest is None:
            parser.error(f"'{args.command}' does not take {flag}")
        if dest == top:
            continue  # the same place: given after the name, it won; before, it stands
        own = getattr(args, dest, None)
        if own is None:
            setattr(args, dest, value)
        elif own != value:
            parser.error(f"{flag} given twice, before and after '{args.command}', with different values")


def _names_as_stored(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """--cohort and --trainee cleaned as the app cleans a name (settings.clean_name: escape codes,
    tabs and unprintable characters out): a cohort typed with them finds the calls saved under it,
    and nothing raw is printed back (trial 23). A name with nothing printable is refused."""
    from simulator.settings import clean_name

    for name in ("cohort", "trainee"):
        value = getattr(args, name, None)
        if isinstance(value, str) and value:
            cleaned = clean_name(value)
            if not cleaned:
                parser.error(f"--{name} has nothing printable in it")
            setattr(args, name, cleaned)


def _dispatch(argv: list[str]) -> int:
    if not argv:  # the trainee app with its defaults: no parser, none of the commands' imports
        from simulator.launch import launch_app

        return launch_app(argparse.Namespace(), argv)
    if argv and argv[0] == "eval":
        return cmd_eval(argv[1:])
    if argv and argv[0] == "scorer":
        return cmd_scorer(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "command", None):
        _carry_options_before_the_command(parser, args)
        _names_as_stored(parser, args)
    if not getattr(args, "func", None):
        from simulator.launch import launch_app  # lazily: Textual is only needed for the app

        return launch_app(args, argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
