"""The progress callback every stage accepts: called with (done, total)."""

from collections.abc import Callable

Progress = Callable[[int, int], None]
