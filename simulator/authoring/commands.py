"""CLI commands for scenario authors: new, graph, schema, play."""


def register(sub) -> None:
    """Add this part's subcommands to the `mystery-guest` parser."""
