"""Starting the trainee app (`mystery-guest` with no command)."""
from __future__ import annotations


def launch_app(args, argv) -> int:
    """Open the Textual app: --scenarios DIR, --lang, --db URL (default $MYSTERY_GUEST_DB, else
    the store's default SQLite file)."""
    from simulator.tui.launch import run_app

    return run_app(scenario_dir=getattr(args, "app_scenarios", None), db_url=getattr(args, "app_db", None),
                   lang=getattr(args, "lang", None))
