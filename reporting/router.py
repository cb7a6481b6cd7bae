"""Reporting reads may go to a read replica.

When DATABASE_REPLICA_URL is set (settings add a "replica" database), reads made inside
`reporting_reads()` go to the replica; everything else, and every write, stays on the
primary so users read their own writes. Without a replica this router changes nothing.

Issue 13 (scaleout): a report must not show stale figures silently, nor fail because the
replica is gone. On entering `reporting_reads()` the replica is checked (at most once per
REPORTING_REPLICA_CHECK_SECONDS per process): when it cannot be reached, or when it lags
the primary by more than REPORTING_REPLICA_MAX_LAG_SECONDS, the reads of that block go
to the primary instead. A replica behind the primary gets REPORTING_REPLICA_CATCH_UP_SECONDS
to reach the primary's WAL position first (normal streaming delay). This is the one place
that decides; `replica_verdict` is the rule.
"""

import logging
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)

_reporting: ContextVar[str | None] = ContextVar("reporting_reads", default=None)  # the alias in use
REPLICA = "replica"


@dataclass(frozen=True)
class ReplicaState:
    """What the replica told us. `replay_lsn`/`primary_lsn` are WAL positions as numbers;
    `replay_age` is the seconds since the last transaction the replica replayed."""

    reachable: bool
    in_recovery: bool = True
    replay_lsn: int | None = None
    primary_lsn: int | None = None
    replay_age: float | None = None


def replica_verdict(state: ReplicaState, *, max_lag: float) -> tuple[bool, float | None]:
    """(use the replica?, lag in seconds). The lag is 0 when the replica has replayed all
    the primary has written; otherwise the age of its last replayed transaction, which
    bounds how old its figures can be. Unknown lag counts as too much."""
    if not state.reachable:
        return False, None
    if not state.in_recovery:  # the "replica" is a primary (or the same server): current
        return True, 0.0
    if state.replay_lsn is not None and state.primary_lsn is not None and state.replay_lsn >= state.primary_lsn:
        return True, 0.0
    if state.replay_age is None:
        return False, None
    return state.replay_age <= max_lag, state.replay_age


def _lsn(text: str | None) -> int | None:
    if not text:
        return None
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def replica_state() -> ReplicaState:
    """Ask the replica (and the primary, for its WAL position) how current it is."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, "
                "EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())"
            )
            in_recovery, replay, age = cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means: do not read from it now
        connections[REPLICA].close()  # a broken persistent connection is not reused
        return ReplicaState(reachable=False)
    primary = None
    if in_recovery:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            primary = cursor.fetchone()[0]
        # Streaming is a matter of milliseconds, and this very request may just have
        # written (a token's last use, the access log): give the replica a moment to reach
        # the primary's position before judging it by the age of its last transaction
        # (which overstates the lag after a quiet spell on the primary).
        deadline = time.monotonic() + getattr(settings, "REPORTING_REPLICA_CATCH_UP_SECONDS", 0.25)
        try:
            with connections[REPLICA].cursor() as cursor:
                while replay and _lsn(replay) < _lsn(primary) and time.monotonic() < deadline:
                    time.sleep(0.02)
                    cursor.execute(
                        "SELECT pg_last_wal_replay_lsn()::text, "
                        "EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())"
                    )
                    replay, age = cursor.fetchone()
        except Exception:  # noqa: BLE001 - gone meanwhile
            connections[REPLICA].close()
            return ReplicaState(reachable=False)
    return ReplicaState(
        reachable=True,
        in_recovery=bool(in_recovery),
        replay_lsn=_lsn(replay),
        primary_lsn=_lsn(primary),
        replay_age=float(age) if age is not None else None,
    )


_lock = threading.Lock()
_checked: dict = {"at": None, "alias": "default", "lag": None}


def reset_replica_check() -> None:
    """Forget the last check (tests; a process that knows the replica changed)."""
    with _lock:
        _checked["at"] = None


def _reporting_alias() -> str:
    if REPLICA not in settings.DATABASES:
        return "default"
    interval = getattr(settings, "REPORTING_REPLICA_CHECK_SECONDS", 2.0)
    with _lock:
        now = time.monotonic()
        if _checked["at"] is not None and now - _checked["at"] < interval:
            return _checked["alias"]
        max_lag = getattr(settings, "REPORTING_REPLICA_MAX_LAG_SECONDS", 30.0)
        state = replica_state()
        use, lag = replica_verdict(state, max_lag=max_lag)
        alias = REPLICA if use else "default"
        if alias != _checked["alias"] or _checked["at"] is None:
            if use:
                log.info("reporting: reads go to the replica (lag %ss)", lag)
            elif not state.reachable:
                log.warning("reporting: replica unreachable, reports read from the primary")
            else:
                log.warning("reporting: replica lags %ss (bound %ss), reports read from the primary", lag, max_lag)
        _checked.update(at=now, alias=alias, lag=lag)
        return alias


@contextmanager
def reporting_reads():
    if _reporting.get() is not None:  # nested: the outer block decided
        yield
        return
    token = _reporting.set(_reporting_alias())
    try:
        yield
    finally:
        _reporting.reset(token)


def reporting_database() -> str:
    """The alias reporting reads use now (inside a block: the one it chose)."""
    return _reporting.get() or _reporting_alias()


class ReportingReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = _reporting.get()
        if alias == REPLICA and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same data as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
