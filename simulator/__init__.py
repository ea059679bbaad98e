"""Mystery Guest: the engine (scenario model, loader, state machine, session), store, CLI and TUI."""
__version__ = "0.1.0"
