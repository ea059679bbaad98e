"""`mystery-guest report`: the cohort report as an HTML page (charts need the `report` extra) or a
terminal summary."""
from __future__ import annotations

import argparse
import sys

from simulator.extras import install_command
from simulator.store.commands import DB_HELP, _open, _run, _unknown_cohort, _write


@_run
def cmd_report(args) -> int:
    """Write the cohort report."""
    from simulator.store.cohort_stats import cohort_stats
    from simulator.tui.i18n import Catalog, printed_language

    if args.format == "html":
        try:
            import matplotlib  # noqa: F401 - only to say how to get it before any work is done
        except ImportError:
            lang = printed_language(args.lang)
            print(f"mystery-guest: {Catalog(lang)('report.needs_matplotlib', install=install_command('report'))}",
                  file=sys.stderr)
            return 2
    with _open(args) as store:
        stats = cohort_stats(store, args.cohort)
        if stats is None:
            return _unknown_cohort(store, args.cohort)
    lang = printed_language(args.lang, stats.locale)
    t = Catalog(lang)
    if args.format == "text":
        from simulator.report.text import render_text

        _write(render_text(stats, t), args.output)
    else:
        from simulator.report.page import render_html

        _write(render_html(stats, t, lang), args.output)
    return 0


def register(sub) -> None:
    """Add `report` to the `mystery-guest` parser."""
    rep = sub.add_parser("report", help="a cohort report to look at: pass rate, score distributions, landmines, "
                                        "progress, service levels, where calls go wrong (HTML or text)")
    rep.add_argument("--cohort", required=True, help="cohort name")
    rep.add_argument("--format", choices=["html", "text"], default="html",
                     help="html: one self-contained page with charts (needs the report extra: "
                          f"{install_command('report')}); text: a terminal summary with sparklines")
    rep.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS,
                     help="language of the report (default: the terminal's, else that of most of the cohort's calls)")
    rep.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of the screen")
    rep.add_argument("--db", metavar="URL", help=DB_HELP)
    rep.set_defaults(func=cmd_report)
