"""Starting the trainee app (no subcommand). Until the TUI lands: the plain-terminal player."""
from __future__ import annotations


def launch_app(args, argv) -> int:
    import argparse

    from simulator.cli import cmd_play_plain
    from simulator.loader import load_library

    library, _ = load_library()
    ns = argparse.Namespace(scenario=library[0].id, seed=0, scenarios=None)
    return cmd_play_plain(ns)
