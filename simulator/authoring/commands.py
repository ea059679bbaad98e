"""CLI commands for scenario authors: new, graph, schema, play.

Each command imports what it needs inside its function, so `mystery-guest lint` and friends
start without loading Graphviz helpers or the Textual app.
"""
from __future__ import annotations

import sys
from pathlib import Path


def _print_problems(diags, stream=None) -> None:
    for d in diags:
        print(d, file=stream or sys.stderr)


# ---------------------------------------------------------------------------- new
def cmd_new(args) -> int:
    from simulator.authoring.new_scenario import FALLBACK_ID, create, id_from_filename
    from simulator.loader import check_text

    target = Path(args.file)
    if target.suffix not in (".yaml", ".yml"):
        print(f"mystery-guest: a scenario file name should end in .yaml (got '{target.name}')", file=sys.stderr)
        return 2
    try:
        text = create(target, args.template, args.locale, force=args.force)
    except FileExistsError as exc:
        print(f"mystery-guest: {exc}", file=sys.stderr)
        return 1
    sc, diags = check_text(text, str(target))
    errors = [d for d in diags if d.severity == "error"]
    _print_problems(diags)
    print(f"created {target} from the '{args.template}' template ({args.locale})"
          + (f", id '{sc.id}'" if sc is not None else ""))
    if sc is not None and id_from_filename(target) == FALLBACK_ID:
        print(f"note: '{target.name}' has no letters a-z or digits to make an id from; "
              f"give the scenario an id of its own in the file (letters, digits, - and _)")
    elif sc is not None and sc.id != id_from_filename(target):
        print(f"note: a scenario in {target.parent} already has the id '{id_from_filename(target)}'")
    if errors:  # a template that does not lint is our bug, not the trainer's
        print("mystery-guest: the new file has errors; please report this", file=sys.stderr)
        return 1
    print("next:")
    print(f"  mystery-guest test {target} --explain     # run its stories, see untested branches")
    print(f"  mystery-guest graph {target} -o {target.with_suffix('.md').name}   # draw it")
    print(f"  mystery-guest play {target} --debug       # try it as a trainee")
    return 0


# ---------------------------------------------------------------------------- graph
_SUFFIX_FORMAT = {".mmd": "mermaid", ".mermaid": "mermaid", ".md": "mermaid", ".dot": "dot", ".gv": "dot",
                  ".svg": "svg", ".png": "png"}


def cmd_graph(args) -> int:
    from simulator.authoring import diagram
    from simulator.cli import _resolve_scenario
    from simulator.loader import ScenarioError

    fmt = args.format or (_SUFFIX_FORMAT.get(Path(args.output).suffix.lower()) if args.output else None) or "mermaid"
    try:
        sc = _resolve_scenario(args.scenario, getattr(args, "scenarios", None))
    except ScenarioError as exc:
        _print_problems(exc.diagnostics)
        return 1
    try:
        data = diagram.render(sc, fmt)
    except diagram.GraphvizMissing as exc:
        print(f"mystery-guest: {exc}", file=sys.stderr)
        return 3
    except RuntimeError as exc:
        print(f"mystery-guest: {exc}", file=sys.stderr)
        return 1
    if args.output and fmt == "mermaid" and Path(args.output).suffix.lower() == ".md":
        # A Markdown file shows the diagram on GitHub/GitLab and in VS Code's preview.
        data = f"# {sc.title}\n\n```mermaid\n{data.decode('utf-8')}```\n".encode("utf-8")
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"wrote {args.output} ({fmt})", file=sys.stderr)
    elif fmt == "png" and sys.stdout.isatty():
        print("mystery-guest: PNG is binary; give -o FILE.png", file=sys.stderr)
        return 2
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


# ---------------------------------------------------------------------------- schema
def cmd_schema(args) -> int:
    from simulator.authoring.schema import schema_text

    text = schema_text()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


# ---------------------------------------------------------------------------- play
def cmd_play(args) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"mystery-guest: no scenario file '{args.file}' (for a library id use 'mystery-guest play-text ID' "
              "or open the app with no command)", file=sys.stderr)
        return 2
    try:
        from simulator.tui.launch import run_play  # lazily: Textual is only needed for the app
    except ImportError as exc:
        print(f"mystery-guest: the play-test app is not available ({exc})", file=sys.stderr)
        return 1
    lang = args.play_lang or getattr(args, "lang", None)
    db_url = args.play_db or getattr(args, "app_db", None)
    return run_play(str(path), args.debug, db_url=db_url, lang=lang)


def register(sub) -> None:
    """Add this part's subcommands to the `mystery-guest` parser."""
    from simulator.authoring.new_scenario import LOCALES, TEMPLATES

    new = sub.add_parser("new", help="start a new scenario from a commented template",
                         description="Write a working, commented scenario to start from. It passes "
                                     "'mystery-guest lint' and its own stories as generated.")
    new.add_argument("file", metavar="SCENARIO_FILE", help="the file to create, e.g. my-refund-call.yaml")
    new.add_argument("--locale", required=True, choices=LOCALES, help="language of the call")
    new.add_argument("--template", default="vas-refund", choices=TEMPLATES,
                     help="vas-refund: a charge dispute (venting, cancel, refund); inquiry: a caller who asks "
                          "why; blank: the smallest valid scenario (default: vas-refund)")
    new.add_argument("--force", action="store_true", help="overwrite the file if it exists")
    new.set_defaults(func=cmd_new)

    graph = sub.add_parser("graph", help="draw a scenario's state diagram (Mermaid, DOT, SVG, PNG)",
                           description="Draw the states, the conditions on each transition and the endings. "
                                       "Mermaid and DOT need nothing installed; SVG and PNG need Graphviz.")
    graph.add_argument("scenario", metavar="SCENARIO", help="scenario file or library id")
    graph.add_argument("--format", choices=("mermaid", "dot", "svg", "png"),
                       help="default: from the -o file's extension (.md/.mmd, .dot, .svg, .png), else mermaid")
    graph.add_argument("-o", "--output", metavar="FILE", help="write here instead of the terminal")
    graph.add_argument("--scenarios", metavar="DIR", help="scenario folder to find ids in")
    graph.set_defaults(func=cmd_graph)

    schema = sub.add_parser("schema", help="print the JSON Schema of scenario files (for editors)")
    schema.add_argument("-o", "--output", metavar="FILE", help="write the schema to FILE")
    schema.set_defaults(func=cmd_schema)

    play = sub.add_parser("play", help="play-test a scenario file in the app (--debug: the trainer's panel)",
                          description="Open the trainee app on one scenario file. With --debug a side panel "
                                      "shows, per reply, the detected acts, the mood change and the transitions; "
                                      "the file is reloaded when you save it.")
    play.add_argument("file", metavar="SCENARIO_FILE")
    play.add_argument("--debug", action="store_true", help="show the trainer's debug panel and reload on save")
    # Own dests: the top-level --lang/--db would otherwise be overwritten by these defaults.
    play.add_argument("--db", dest="play_db", metavar="URL", help="database URL (default: the local SQLite file)")
    play.add_argument("--lang", dest="play_lang", choices=("zh", "en"), help="language of the app")
    play.set_defaults(func=cmd_play)
