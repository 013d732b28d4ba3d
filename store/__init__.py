"""Run history: every solve can be saved as an append-only run in a database (SQLite by default)."""
