"""Raw files -> Snapshot records: file discovery, gzip, WARC, charsets. No content parsing here."""

from dagster_project.ingest.readers import read_file
from dagster_project.ingest.records import Snapshot, SnapshotFailure

__all__ = ["Snapshot", "SnapshotFailure", "read_file"]
