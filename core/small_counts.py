"""The one rule of "small": a count of children from 1 to THRESHOLD - 1 could point at a
child. reporting.suppression (the report pass) re-exports these; placement's matching
(issue 16, fit proven by outcome) uses them below the reporting layer."""

THRESHOLD = 5


def is_small(n: int) -> bool:
    """A count that could point at a child: from 1 to THRESHOLD - 1."""
    return 0 < n < THRESHOLD
