"""Snapshot -> article and headline records. Pure functions: no Dagster, no I/O, no network."""

from dagster_project.extract.dispatch import extract
from dagster_project.extract.records import Article, ExtractionError, Headline, PageContent, RelatedLink

__all__ = ["Article", "ExtractionError", "Headline", "PageContent", "RelatedLink", "extract"]
