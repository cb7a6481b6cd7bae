"""Generated national data kept between runs (issue 15): one database per data function
and scale, so a second `make bench` on the same day does not generate again.

`cached(data, scale)` is a context manager. Inside it the default connection points at a
database that holds `data(scale)`'s rows, committed, and it yields the context `data`
returned. The database is named after the function, the scale and a fingerprint of what
makes the rows: the source of the function's module, the migrations applied and today's
date (the generator counts five years back from today, and the benchmarks' periods end
today). Databases of the same function and scale with another fingerprint are dropped
when a new one is made, so at most one per scale stays on disk.

It is made from the benchmark database as a template (migrated and empty), by the owner
role (`make bench` runs as the owner; PostgreSQL creates a database only for a role with
CREATEDB). A run that is stopped while generating leaves a database without its
`bench_cache` row; it is dropped and made again the next time. Benchmarks without shared
data never run on these databases (bench/harness.py): their own rows stay alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import pickle
import sys
import time
from pathlib import Path

from django.db import connection, transaction
from psycopg import sql

PREFIX = "bench_cache"
# The database copied for new kept data; None: the one the default connection is on. The
# test suite names a copy made when its database was new: PostgreSQL copies a template only
# while nobody else is connected to it, and a test that ends leaves the pool's or a worker's
# session on the test database for a while.
TEMPLATE: str | None = None


def fingerprint(data) -> str:
    source = Path(sys.modules[data.__module__].__file__).read_bytes()
    with connection.cursor() as cursor:
        cursor.execute("SELECT string_agg(app || '.' || name, ',' ORDER BY app, name) FROM django_migrations")
        migrations = (cursor.fetchone()[0] or "").encode()
    return hashlib.sha1(source + migrations + dt.date.today().isoformat().encode()).hexdigest()[:10]


def database_name(data, scale: int, print_: str) -> str:
    return f"{PREFIX}_{data.__name__}_s{scale}_{print_}"


@contextlib.contextmanager
def _on(name: str):
    """The default connection on database `name` (same server and role) for the block."""
    settings = connection.settings_dict
    saved = settings["NAME"]
    connection.close()
    settings["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        settings["NAME"] = saved


def _execute(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(connection.connection), params)
        return cursor.fetchall() if cursor.description else None


def _complete(name: str) -> object | None:
    """The stored context of database `name`, or None when it was never finished."""
    with _on(name), connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_cache')")
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute("SELECT context FROM bench_cache")
        row = cursor.fetchone()
        return pickle.loads(row[0]) if row else None


def cached_name(data, scale: int) -> str:
    return database_name(data, scale, fingerprint(data))


def cached_context(data, scale: int):
    """The context kept with `data(scale)`'s database (made by `cached` earlier)."""
    context = _complete(cached_name(data, scale))
    if context is None:
        raise LookupError(f"no kept data of scale {scale} for {data.__name__}")
    return context


def drop(name: str, attempts: int = 20) -> None:
    """DROP DATABASE `name`, on a connection to another database. Not `WITH (FORCE)`: that
    would have to terminate an autovacuum worker busy with the fresh rows, which only a
    superuser may; a plain DROP makes autovacuum let go itself. A session still closing
    is waited for (a few seconds at most)."""
    from django.db.utils import OperationalError

    for attempt in range(attempts):
        try:
            _execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            return
        except OperationalError:  # "is being accessed by other users"
            if attempt == attempts - 1:
                raise
            time.sleep(0.25)


@contextlib.contextmanager
def cached(data, scale: int, progress=None):
    template = TEMPLATE or connection.settings_dict["NAME"]
    name = database_name(data, scale, fingerprint(data))
    with _on("postgres"):
        connection.ensure_connection()
        existing = [
            row[0]
            for row in _execute(
                sql.SQL("SELECT datname FROM pg_database WHERE datname LIKE %s"),
                # "_" is LIKE's one-character wildcard: escaped, scale 1 does not match s16's database
                [f"{PREFIX}_{data.__name__}_s{scale}_".replace("_", "\\_") + "%"],
            )
        ]
    context = _complete(name) if name in existing else None
    if context is None:
        with _on("postgres"):
            for old in existing:  # stale fingerprints and an unfinished one
                drop(old)
            _execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))
        if progress:
            progress(f"making data of scale {scale} into {name} (kept for the next run today) ...")
        with _on(name):
            with transaction.atomic():
                context = data(scale)
                with connection.cursor() as cursor:
                    cursor.execute("CREATE TABLE bench_cache (context bytea NOT NULL)")
                    cursor.execute("INSERT INTO bench_cache VALUES (%s)", [pickle.dumps(context)])
            connection.cursor().execute("ANALYZE")
    elif progress:
        progress(f"data of scale {scale} from {name} (made earlier today)")
    with _on(name):
        yield context
