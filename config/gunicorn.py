"""gunicorn's configuration, read from the environment (issue 13, prod).

    gunicorn -c config/gunicorn.py config.wsgi

The production web process: the same image runs the Celery worker and beat with another
command (docs/operations.md). Every value has a default that suits one small container;
set the variables to size it:

| variable | default | meaning |
|---|---|---|
| `BIND` (or `PORT`) | `0.0.0.0:8000` | address to listen on (`PORT` alone gives `0.0.0.0:$PORT`) |
| `WEB_CONCURRENCY` | 2 | worker processes (each loads Django; about 2 x cores) |
| `GUNICORN_THREADS` | 4 | threads per worker (gthread); each thread keeps its own DB connection |
| `GUNICORN_TIMEOUT` | 60 | seconds a silent worker may take before it is killed and replaced |
| `GUNICORN_GRACEFUL_TIMEOUT` | 30 | seconds a stopping worker may finish its requests (SIGTERM) |
| `GUNICORN_KEEPALIVE` | 5 | seconds an idle keep-alive connection stays open (behind the ingress) |
| `GUNICORN_MAX_REQUESTS` | 1000 | a worker is replaced after this many requests (0: never) ... |
| `GUNICORN_MAX_REQUESTS_JITTER` | 100 | ... plus up to this many, so the workers do not restart together |
| `FORWARDED_ALLOW_IPS` | `127.0.0.1,::1` | proxies whose X-Forwarded-Proto gunicorn believes (`*`: ingress only) |
| `GUNICORN_ACCESS_LOG` | `-` | access log target (`-`: stdout; empty: off) |
| `GUNICORN_LOG_LEVEL` | `LOG_LEVEL` or `info` | gunicorn's own log (stderr) |
| `GUNICORN_WORKER_TMP_DIR` | `/dev/shm` if present | the workers' heartbeat files (never the read-only root) |
| `GC_FREEZE` | on | `gc.freeze()` in each worker once Django is loaded (config/process.py) |
| `GC_THRESHOLD` | `50000,20,100` | `gc.set_threshold` in each worker (`0`: Python's 700,10,10) |

Persistent database connections (CONN_MAX_AGE, 60 s in production, with health checks)
live in config/settings.py.
"""

import os
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _str(name: str, default: str) -> str:
    value = os.environ.get(name)
    return default if value is None else value.strip()


bind = [_str("BIND", "") or f"0.0.0.0:{_int('PORT', 8000)}"]
workers = _int("WEB_CONCURRENCY", 2)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
forwarded_allow_ips = _str("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = _str("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = _str("GUNICORN_LOG_LEVEL", "") or _str("LOG_LEVEL", "info").lower()
# Remote address, request line, status, bytes, duration in microseconds: no query string
# (it may carry a search term) and no referrer.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(D)sus'

_shm = Path("/dev/shm")
worker_tmp_dir = _str("GUNICORN_WORKER_TMP_DIR", "") or (str(_shm) if _shm.is_dir() else None)
# gunicorn 27's control socket defaults to one fixed path in $HOME: several servers on
# one machine (tests, the scale-out check) would share it, and a read-only root file
# system has no $HOME to write. Off unless asked for.
control_socket_disable = not _str("GUNICORN_CONTROL_SOCKET", "")
if not control_socket_disable:
    control_socket = _str("GUNICORN_CONTROL_SOCKET", "")

# Django is loaded in each worker, not in the master: database connections and the
# identifying-data model's warm-up thread (config/wsgi.py) must not cross a fork.
preload_app = False
wsgi_app = "config.wsgi:application"


# Issue 15 (perf-tuning): once a worker has loaded Django, move everything alive to the
# permanent generation (config/process.py; GC_FREEZE / GC_THRESHOLD). Measured with
# bench/load.py --gc (README, "Process tuning").
def post_worker_init(worker):
    from config.process import apply

    done = apply()
    worker.log.info(
        "gc tuning: freeze=%s frozen_objects=%s threshold=%s", done["freeze"], done["frozen_objects"], done["threshold"]
    )
