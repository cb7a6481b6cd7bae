"""The hash chain's cost per insert (issue 10): 100 rows into the event log and the access
log through their chain trigger (BEFORE INSERT: chain-head row lock, SHA-256 of the
canonical row) against the same 100 INSERTs into a copy of the table without the trigger
(a temporary table LIKE the log, with its indexes and defaults). Both sides are the same
raw SQL, so (path - floor) / 100 is the trigger's cost per row."""

from django.db import connection

from accounts.models import User
from bench.harness import Benchmark, register

ROWS = 100
EVENT_INSERT = (
    "INSERT INTO {table} (occurred_at, actor_id, event_type, subject_type, subject_id, from_state, to_state, "
    "reason_code, details, prev_hash, row_hash) SELECT now(), %s, 'bench', 'placement.placementrequest', g, "
    "'matching', 'offered', '', '{{\"facility\": 1, \"reason\": \"bench\"}}', '', '' FROM generate_series(1, %s) g"
)
ACCESS_INSERT = (
    "INSERT INTO {table} (accessed_at, user_id, role, subject_type, subject_id, purpose, action, outcome, "
    "source_address, details, prev_hash, row_hash) SELECT now(), %s, 'coordinator', 'placement.youth', g, "
    "'triage', 'view', 'allowed', '203.0.113.7', '{{\"request\": 1, \"view\": \"detail\"}}', '', '' "
    "FROM generate_series(1, %s) g"
)


def _setup(scale):
    user = User.objects.create(username="bench-logs")
    with connection.cursor() as cursor:
        for table in ("core_event", "core_accesslogentry"):
            cursor.execute(
                f"CREATE TEMP TABLE bench_{table} "
                f"(LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)"
            )
    return {"user": user.pk}


def _insert(sql, table, context):
    with connection.cursor() as cursor:
        # One statement per row, as the product writes them (one event or read at a time).
        for _ in range(ROWS):
            cursor.execute(sql.format(table=table), [context["user"], 1])
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
        return cursor.fetchone()[0] > 0


for name, sql, table in (
    ("logs.event_insert", EVENT_INSERT, "core_event"),
    ("logs.access_insert", ACCESS_INSERT, "core_accesslogentry"),
):
    register(
        Benchmark(
            name=name,
            description=f"{ROWS} single-row INSERTs into {table} (hash-chain trigger) vs a copy without it",
            setup=_setup,
            path=lambda context, sql=sql, table=table: _insert(sql, table, context),
            floor=lambda context, sql=sql, table=table: _insert(sql, f"bench_{table}", context),
            same_rows=lambda a, b: a == b,
            scales=(1,),
            size=lambda context: ROWS,
        )
    )
