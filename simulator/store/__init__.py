"""Where sessions and turns land (SQLAlchemy Core: SQLite by default, PostgreSQL for a centre)."""
