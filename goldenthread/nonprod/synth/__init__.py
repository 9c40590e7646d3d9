"""Synthetic data at council and national scale (SPEC OPS-2), written through the
database's bulk path: COPY on PostgreSQL, executemany on SQLite."""
