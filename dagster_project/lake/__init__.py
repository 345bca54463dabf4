"""The lake: every table's schema, declared once, and atomic Parquet reads and writes."""
