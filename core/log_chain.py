"""Verifying the hash chain of the two append-only logs (see migration core/0002).

Each row's `row_hash` is the SHA-256 of its canonical content and `prev_hash`, computed
by the database's insert trigger; the database function that computed it recomputes it
here, so the check and the trigger share one definition of the canonical content. The
walk goes in chain order (`chain_seq` 1, 2, 3, ...) and stops at the first broken row:

- `chain_seq` is not the next number: a row before it was deleted (or the row was
  inserted while the trigger was off);
- `prev_hash` is not the previous row's `row_hash`: the chain was re-linked;
- `row_hash` is not the hash of the row's content: the row was changed;
- the chain head (core_logchainhead) is ahead of the last row: the last rows were deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

GENESIS = "0" * 64
LOGS = {"events": "core_event", "access": "core_accesslogentry"}


@dataclass
class Broken:
    table: str
    row_id: int | None
    field: str
    expected: str
    found: str

    def __str__(self):
        where = f"row id={self.row_id}" if self.row_id is not None else "chain head"
        return f"{self.table}: {where}: {self.field} expected {self.expected}, found {self.found}"


@dataclass
class Result:
    table: str
    rows: int
    broken: Broken | None


def chain_verify(table: str, *, batch: int = 5000) -> Result:
    """Walk `table`'s chain; the first broken row, or None and the row count."""
    expected_seq, expected_prev, rows = 1, GENESIS, 0
    with connection.cursor() as cursor:
        last_seq = 0
        while True:
            cursor.execute(
                f"SELECT t.id, t.chain_seq, t.prev_hash, t.row_hash, {table}_chain_hash(t, t.prev_hash) "  # noqa: S608 - fixed table names
                f"FROM {table} t WHERE t.chain_seq IS NULL OR t.chain_seq > %s "
                "ORDER BY t.chain_seq NULLS FIRST LIMIT %s",
                [last_seq, batch],
            )
            page = cursor.fetchall()
            if not page:
                break
            for row_id, seq, prev_hash, row_hash, recomputed in page:
                if seq != expected_seq:
                    return Result(table, rows, Broken(table, row_id, "chain_seq", str(expected_seq), str(seq)))
                if prev_hash != expected_prev:
                    return Result(table, rows, Broken(table, row_id, "prev_hash", expected_prev, prev_hash))
                if row_hash != recomputed:
                    return Result(table, rows, Broken(table, row_id, "row_hash", recomputed, row_hash))
                rows += 1
                expected_seq, expected_prev, last_seq = seq + 1, row_hash, seq
        cursor.execute("SELECT last_seq, last_hash FROM core_logchainhead WHERE log_table = %s", [table])
        head = cursor.fetchone() or (0, GENESIS)
    if (head[0], head[1]) != (expected_seq - 1, expected_prev):
        return Result(table, rows, Broken(table, None, "last_seq", str(head[0]), str(expected_seq - 1)))
    return Result(table, rows, None)
