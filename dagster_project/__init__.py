"""News lake: raw page snapshots -> pages -> articles / headlines -> entities, as Parquet tables."""

__version__ = "0.1.0"
