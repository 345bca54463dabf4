"""Batches of raw files, registered by the raw-folder sensor or by `python -m dagster_project run`."""

import dagster as dg

batches = dg.DynamicPartitionsDefinition(name="batches")
