"""Postgres: the migrations, the embedded server for the demo, and the stores."""
