"""Planning (issue 16): what-if replays of past requests against a changed landscape, and
what to contract. Above reporting: it reads requests, placements, capacity and the
reports' helpers, and nothing below it reads planning."""
