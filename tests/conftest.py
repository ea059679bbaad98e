"""Shared fixtures. Each part's tests live in their own folder (engine, scoring, store, tui, authoring)."""
