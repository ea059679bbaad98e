"""Tools for trainers who write scenarios: templates, JSON Schema, diagrams, play-test."""
