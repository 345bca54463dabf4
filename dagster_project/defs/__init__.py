"""The Dagster layer: thin wrappers that call the plain-Python stages and store their tables."""
