"""CLI commands over the store: leaderboard, sessions, transcript, export."""


def register(sub) -> None:
    """Add this part's subcommands to the `mystery-guest` parser."""
