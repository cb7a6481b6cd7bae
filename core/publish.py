"""Handing work to a Celery worker without ever making a request wait for the broker.

Every task a request (or a task) starts after its transaction commits goes through
`publish` (called from `transaction.on_commit`). What is published is always written down
in the database first (an outbox message, a queued export or quarterly report), so a publish that
does not reach the broker loses nothing: beat's `outbox_flush` and `reporting.tasks.
stale_jobs_requeue` hand it over again once Redis is back.

Where the time went before (issue 13.6): `apply_async(retry=False)` still goes through
kombu's `Connection.default_channel`, which retries connecting for up to
`broker_connection_timeout` (4 s) with sleeps between attempts: about 4-6 s per message, 12 s
for a request that queues three messages. Here every publish uses its own connection
that tries once, with a short connect and socket timeout (`PUBLISH_TIMEOUT_SECONDS`), and
after a failure the circuit stays open for `PUBLISH_CIRCUIT_SECONDS`: publishes in that
time are skipped at once (per process), the rows simply wait for beat.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings

log = logging.getLogger(__name__)

_lock = threading.Lock()
_open_until = 0.0  # time.monotonic() until which publishing is skipped


def circuit_open() -> bool:
    return time.monotonic() < _open_until


def circuit_reset() -> None:
    global _open_until
    with _lock:
        _open_until = 0.0


def _trip() -> None:
    global _open_until
    with _lock:
        _open_until = time.monotonic() + settings.PUBLISH_CIRCUIT_SECONDS


def publish(task, args: tuple) -> bool:
    """Send `task(*args)` to the broker now, within the short timeout. True when it was
    handed over; False (logged) when the broker is down or the circuit is open."""
    if circuit_open():
        log.warning("publish: broker circuit open, %s%r waits for beat", task.name, args)
        return False
    timeout = settings.PUBLISH_TIMEOUT_SECONDS
    try:
        with task.app.connection_for_write(
            connect_timeout=timeout,
            transport_options={
                "max_retries": 0,  # one attempt: kombu's default retries for broker_connection_timeout
                "socket_connect_timeout": timeout,
                "socket_timeout": timeout,
            },
        ) as connection:
            task.apply_async(args, retry=False, connection=connection)
    except Exception as exc:  # broker down or slow: the row waits for beat
        _trip()
        log.warning("publish: broker unavailable (%s), %s%r waits for beat", exc, task.name, args)
        return False
    return True
