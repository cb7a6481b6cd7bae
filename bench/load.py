"""Load benchmark on the production server (issue 13, prod).

    python -m bench.load [--workers 2] [--threads 4] [--users 8] [--seconds 8] [--max-requests 3000]
                         [--scale 1] [--conn-max-age 60,0] [--gc freeze,off] [--gc-threshold 50000,20,100]
                         [--out bench/results/load.json]

Starts real gunicorn with config/gunicorn.py and the production settings (DJANGO_ENV=
production, WhiteNoise, CONN_MAX_AGE) on the embedded PostgreSQL and Redis of
config.devstack (or on DATABASE_URL/DATABASE_OWNER_URL/REDIS_URL when given), on a free
loopback port. The data are the capacity and offer benchmarks' own (bench/benchmarks/
capacity.py, offers.py at --scale), made by a setup process that also logs the users in:
one API token per simulated user, and a verified session (password + second factor) for
the HTML pages. Then this process (not the server's) sends requests from --users threads,
each over its own keep-alive connection, one scenario after the other:

    me               GET /api/v1/me                 the floor: authentication + one small row
    capacity_board   GET /coordinator/capacity/     the coordinator's board (HTML, session)
    facilities_api   GET /api/v1/facilities         the same data through the API
    provider_inbox   GET /provider/offers/          the provider's inbox (HTML, session)
    offers_api       GET /api/v1/offers             the provider's offers through the API
    offer_decline    POST /api/v1/offers/{id}/decline  one write per offer, each offer once
    matching_api     GET /api/v1/requests/{id}/matches   matching one request (issue 15; own data:
    matching_page    GET /coordinator/requests/{id}/matching/   run with --only me,matching_api,matching_page)

Each scenario stops after --seconds or --max-requests, whichever comes first (the decline
scenario also when every offer is declined). Reported: requests, throughput (req/s),
p50/p95/max latency (ms), errors (anything but the expected status, or no answer), and
throughput relative to `me`. With `--conn-max-age 60,0` the `me` scenario is repeated on
a server with CONN_MAX_AGE=0 (a new database connection per request). Loopback only;
everything it starts stops when it ends.

Issue 15 (perf-tuning): `--gc` names the garbage-collector set-ups to compare, each on its
own server with the first CONN_MAX_AGE, every scenario on each, in turn (config/process.py):
`freeze+threshold` (GC_FREEZE=1, GC_THRESHOLD=--gc-threshold: the production default),
`freeze` (GC_FREEZE=1, Python's thresholds), `off` (neither), `threshold` (no freeze). Results of the first are keyed by
scenario, the others `scenario@gc=NAME`, each relative to the `me` of its own server.
`--rounds 2` repeats the whole list (keys `...@round2`) so both orders are measured.
Memory per web worker: while a scenario runs, the RSS of every gunicorn worker is sampled
(psutil, every 0.2 s) and its peak resident size since start (VmHWM, /proc/PID/status) is
read at the end: `workers_memory` per scenario, `peak_worker_rss_mb` / `peak_worker_hwm_mb`
per server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "bench.regie.invalid"
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    # Benchmark-only keys (loopback, throw-away database); never use them anywhere else.
    "SECRET_KEY": "bench-load-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-QWERTY",
    "FIELD_ENCRYPTION_KEYS": "bench-load-only-field-key-0123456789abcdefXYZ",
    "BLIND_INDEX_KEY": "bench-load-only-blind-index-key-9876543210zyxwvUT",
    "ALLOWED_HOSTS": HOST,
    "IDENTITY_CHECK_WARM_UP": "0",
    # The load measures the server, not the rate limit: since the limits count atomically
    # (issue 14) ten users at full speed on one token each would mostly get 429.
    "API_THROTTLE_USER_RATE": "1000000/minute",
    "API_THROTTLE_TOKEN_RATE": "1000000/minute",
    "API_THROTTLE_ANON_RATE": "1000000/minute",
}


# --- inside the setup process (Django) -------------------------------------------------


MATCHING_SCENARIOS = ("matching_api", "matching_page")


def _setup_matching(scale: int, users: int) -> dict:
    """Issue 15 (perf-matching): the matching benchmark's data alone (125 * scale
    facilities, 2,000 at scale 16; its coordinator covers every region)."""
    from accounts.models import User
    from accounts.tokens import token_issue
    from bench.benchmarks import offers

    matching = offers._prepare_matching(scale)
    coordinator = matching["client"]
    user = User.objects.get(pk=coordinator.session.get("_auth_user_id"))
    return {
        "tokens": {"coordinator": [token_issue(user=user, client=f"load-matching-{n}")[1] for n in range(users)]},
        "sessions": {"coordinator": coordinator.cookies["sessionid"].value},
        "offers": [],
        "matching_request": matching["request"].pk,
        "facilities": matching["n"],
    }


def _analyze() -> None:
    """Statistics for the rows just made, as `make bench` takes them after each setup
    (bench.harness): a production database has them, freshly made rows do not."""
    from django.db import connection

    connection.cursor().execute("ANALYZE")


def _setup(scale: int, users: int, only: str = "") -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    wanted = {name for name in only.split(",") if name}
    if wanted & set(MATCHING_SCENARIOS):
        if wanted - {"me", *MATCHING_SCENARIOS}:
            raise SystemExit("the matching scenarios run on their own data: --only me,matching_api,matching_page")
        return _setup_matching(scale, users)
    from accounts.tokens import token_issue
    from bench.benchmarks import capacity, offers
    from placement.models import PROVIDER_DECLINE_REASONS, Offer, OfferStatus

    board = capacity._setup(scale)
    inbox = offers._setup_inbox(scale)
    coordinator, provider = board["client"], inbox["client"]
    coordinator_user = coordinator.session.get("_auth_user_id")
    provider_user = provider.session.get("_auth_user_id")
    from accounts.models import User

    tokens = {}
    for role, user_id in (("coordinator", coordinator_user), ("provider", provider_user)):
        user = User.objects.get(pk=user_id)
        tokens[role] = [token_issue(user=user, client=f"load-{role}-{n}")[1] for n in range(users)]
    sent = Offer.objects.filter(provider_id=inbox["provider"], status=OfferStatus.OPEN).order_by("pk")
    # The inbox benchmark's offers are bulk-made without the place each open offer holds;
    # a decline releases that place, so hold one per open offer, as offer_send would.
    from django.db.models import Count

    from capacity.models import Facility

    for row in sent.order_by().values("facility_id").annotate(n=Count("pk")):
        Facility.objects.filter(pk=row["facility_id"]).update(held=row["n"])
    return {
        "tokens": tokens,
        "sessions": {
            "coordinator": coordinator.cookies["sessionid"].value,
            "provider": provider.cookies["sessionid"].value,
        },
        "offers": list(sent.values_list("pk", flat=True)),
        "decline_reason": PROVIDER_DECLINE_REASONS[0][0],
        "facilities": board.get("n") or scale * 125,
    }


# --- in this process: servers and the load ---------------------------------------------


def _free_port() -> int:
    from config.devstack import _free_port as free_port

    return free_port()


def _environment() -> dict:
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        from config.devstack import prepare_environment

        env = prepare_environment(dbname="regie_load", persistent_redis=False)
    env.update(PRODUCTION_ENV)
    env.setdefault("STATIC_ROOT", str(BASE_DIR / ".data" / "load-static"))
    return env


def _run(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, check=True, **kwargs)


def prepare(env: dict, *, scale: int, users: int, only: str = "") -> dict:
    """Static files as production collects them, a fresh database with the benchmark's
    rows; returns tokens, sessions, offer ids."""
    _run(["manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    # migrate and flush use DATABASE_OWNER_URL themselves (core.db_roles) and grant the
    # application role (DATABASE_URL's user) what it may do.
    _run(["manage.py", "migrate", "--noinput", "-v", "0"], env)
    _run(["manage.py", "flush", "--noinput"], env)  # the same rows every run
    owner = {**env, "DATABASE_URL": env.get("DATABASE_OWNER_URL") or env["DATABASE_URL"]}
    # The rows go in as the owner, as `make bench` does (reference data are the owner's to
    # write); the server below runs as the application role.
    setup = ["-m", "bench.load", "--setup-only", "--scale", str(scale), "--users", str(users), "--only", only]
    out = _run(setup, owner, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


GC_VARIANTS = {
    "freeze": {"GC_FREEZE": "1", "GC_THRESHOLD": "0"},
    "off": {"GC_FREEZE": "0", "GC_THRESHOLD": "0"},
    "threshold": {"GC_FREEZE": "0", "GC_THRESHOLD": None},
    "freeze+threshold": {"GC_FREEZE": "1", "GC_THRESHOLD": None},
}


def gc_env(name: str, threshold: str) -> dict:
    """The server environment of one `--gc` variant."""
    if name not in GC_VARIANTS:
        raise SystemExit(f"--gc: unknown variant {name!r} (choose from {', '.join(GC_VARIANTS)})")
    return {k: (threshold if v is None else v) for k, v in GC_VARIANTS[name].items()}


def _status_kb(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


class MemorySampler:
    """Issue 15 (perf-tuning): the resident size of every gunicorn worker (the master's
    children) while a scenario runs, and each one's peak since it started (VmHWM)."""

    def __init__(self, master_pid: int, interval: float = 0.2):
        self.master_pid, self.interval = master_pid, interval
        self.peak_rss: dict[int, int] = {}
        self._stop = threading.Event()

    def _workers(self):
        import psutil

        try:
            return psutil.Process(self.master_pid).children()
        except psutil.Error:
            return []

    def _sample(self):
        import psutil

        for worker in self._workers():
            try:
                rss = worker.memory_info().rss
            except psutil.Error:
                continue
            self.peak_rss[worker.pid] = max(rss, self.peak_rss.get(worker.pid, 0))

    def _loop(self):
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self):
        self._sample()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()

    def report(self) -> list[dict]:
        mb = 1024 * 1024
        return [
            {
                "pid": pid,
                "peak_rss_mb": round(rss / mb, 1),
                "hwm_mb": round(hwm / 1024, 1) if (hwm := _status_kb(pid, "VmHWM")) is not None else None,
            }
            for pid, rss in sorted(self.peak_rss.items())
        ]


class Server:
    """gunicorn -c config/gunicorn.py config.wsgi, production settings, loopback port."""

    def __init__(self, env: dict, *, workers: int, threads: int, conn_max_age: int, extra_env: dict | None = None):
        self.port = _free_port()
        self.env = {
            **{k: v for k, v in env.items() if k != "DATABASE_OWNER_URL"},
            **(extra_env or {}),
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": str(threads),
            "CONN_MAX_AGE": str(conn_max_age),
            "GUNICORN_ACCESS_LOG": "",  # the log would cost more than some answers
            "GUNICORN_MAX_REQUESTS": "0",
        }

    def __enter__(self):
        self.log = Path(tempfile.gettempdir()) / f"regie-load-gunicorn-{self.port}.log"
        with open(self.log, "wb") as log:  # the server keeps its own handle
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(self.log.read_text()[-3000:])
            try:
                status, _ = request(self.port, "GET", "/health/live", {})
                if status == 200:
                    # every worker up: a few more answers
                    for _ in range(10):
                        request(self.port, "GET", "/health/live", {})
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


def request(port, method, path, headers, body=None, connection=None):
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body, headers={"Host": HOST, "X-Forwarded-Proto": "https", **headers})
    response = conn.getresponse()
    body = response.read()
    if connection is None:
        conn.close()
    return response.status, body


def scenarios(data: dict) -> dict:
    """name -> (method, path(n), headers(i), body(n), expected status, limit or None)."""
    coord_tokens, provider_tokens = data["tokens"]["coordinator"], data["tokens"].get("provider", [])
    offers = data["offers"]
    decline = json.dumps({"reason": data.get("decline_reason", ""), "motivation": "Belastingtest"})
    matching = data.get("matching_request")

    def token(tokens):
        return lambda i: {"Authorization": f"Token {tokens[i % len(tokens)]}", "Accept": "application/json"}

    def session(name):
        return lambda i: {"Cookie": f"sessionid={data['sessions'][name]}"}

    return {
        "me": ("GET", lambda n: "/api/v1/me", token(coord_tokens), None, 200, None),
        "capacity_board": ("GET", lambda n: "/coordinator/capacity/", session("coordinator"), None, 200, None),
        "facilities_api": ("GET", lambda n: "/api/v1/facilities?page_size=250", token(coord_tokens), None, 200, None),
        "provider_inbox": ("GET", lambda n: "/provider/offers/", session("provider"), None, 200, None),
        "offers_api": ("GET", lambda n: "/api/v1/offers", token(provider_tokens), None, 200, None),
        # Issue 15 (perf-matching): one request matched against every facility (--only me,matching_api,...).
        "matching_api": ("GET", lambda n: f"/api/v1/requests/{matching}/matches", token(coord_tokens), None, 200, None),
        "matching_page": (
            "GET",
            lambda n: f"/coordinator/requests/{matching}/matching/",
            session("coordinator"),
            None,
            200,
            None,
        ),
        "offer_decline": (
            "POST",
            lambda n: f"/api/v1/offers/{offers[n]}/decline",
            lambda i: {**token(provider_tokens)(i), "Content-Type": "application/json"},
            lambda n: decline,
            200,
            len(offers),
        ),
    }


def load(port: int, scenario, *, users: int, seconds: float, max_requests: int) -> dict:
    method, path, headers, body, expected, limit = scenario
    limit = min(max_requests, limit) if limit is not None else max_requests
    counter = iter(range(limit))
    lock = threading.Lock()
    latencies: list[float] = []
    errors: dict[str, int] = {}
    first_error: dict[str, str] = {}
    stop_at = time.monotonic() + seconds

    def user(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop_at:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            started = time.perf_counter()
            try:
                status, answer = request(port, method, path(n), headers(i), body(n) if body else None, connection=conn)
                outcome = None if status == expected else str(status)
                if outcome and outcome not in first_error:
                    first_error[outcome] = answer[:300].decode(errors="replace")
            except (OSError, http.client.HTTPException) as exc:
                outcome = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if outcome:
                    errors[outcome] = errors.get(outcome, 0) + 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(p):
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1) if ordered else None

    return {
        "requests": len(latencies),
        "seconds": round(wall, 2),
        "throughput_rps": round(len(latencies) / wall, 1) if wall else 0.0,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "max_ms": round(ordered[-1] * 1000, 1) if ordered else None,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "first_error": first_error,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--max-requests", type=int, default=3000)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--conn-max-age", default="60,0", help="first: all scenarios; others: `me` again")
    parser.add_argument("--only", default="", help="comma separated scenario names")
    parser.add_argument(
        "--gc", default="freeze+threshold", help=f"comma separated: {', '.join(GC_VARIANTS)} (issue 15)"
    )
    parser.add_argument("--gc-threshold", default="50000,20,100", help="GC_THRESHOLD of the threshold variants")
    parser.add_argument("--rounds", type=int, default=1, help="repeat the --gc variants this many times")
    parser.add_argument("--out", default=str(BASE_DIR / "bench" / "results" / "load.json"))
    parser.add_argument("--setup-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup_only:
        data = _setup(args.scale, args.users, args.only)
        _analyze()
        print(json.dumps(data))
        return 0

    env = _environment()
    print(f"preparing data (scale {args.scale}, {args.users} users) ...", file=sys.stderr, flush=True)
    data = prepare(env, scale=args.scale, users=args.users, only=args.only)
    ages = [int(a) for a in args.conn_max_age.split(",")]
    variants = [v for v in args.gc.split(",") if v]
    for variant in variants:
        gc_env(variant, args.gc_threshold)  # refuse an unknown name before the first server
    wanted = [s for s in args.only.split(",") if s]
    results: dict = {}
    memory: dict = {}
    # (CONN_MAX_AGE, gc variant, round, every scenario?): every gc variant with the first
    # CONN_MAX_AGE, in turn, --rounds times; then `me` again with each other CONN_MAX_AGE.
    servers = [(ages[0], variant, n, True) for n in range(1, args.rounds + 1) for variant in variants]
    servers += [(age, variants[0], 1, False) for age in ages[1:]]
    floors: dict = {}
    for age, variant, round_no, every in servers:
        suffix = "".join(
            [
                f"@CONN_MAX_AGE={age}" if age != ages[0] else "",
                f"@gc={variant}" if variant != variants[0] else "",
                f"@round{round_no}" if round_no > 1 else "",
            ]
        )
        names = [n for n in scenarios(data) if (n in wanted if wanted else n not in MATCHING_SCENARIOS)]
        if not every:
            names = [n for n in names if n == "me"]
        extra = gc_env(variant, args.gc_threshold)
        with Server(env, workers=args.workers, threads=args.threads, conn_max_age=age, extra_env=extra) as server:
            server_memory = []
            for name in names:
                print(f"  {name} (CONN_MAX_AGE={age}, gc={variant}, round {round_no}) ...", file=sys.stderr, flush=True)
                with MemorySampler(server.proc.pid) as sampler:
                    result = load(
                        server.port,
                        scenarios(data)[name],
                        users=args.users,
                        seconds=args.seconds,
                        max_requests=args.max_requests,
                    )
                result["workers_memory"] = sampler.report()
                server_memory += result["workers_memory"]
                results[name + suffix] = result
            if server_memory:
                memory["server" + (suffix or "")] = {
                    "conn_max_age": age,
                    "gc": variant,
                    "gc_env": extra,
                    "peak_worker_rss_mb": max(w["peak_rss_mb"] for w in server_memory),
                    "peak_worker_hwm_mb": max((w["hwm_mb"] or 0) for w in server_memory),
                }
        if "me" in names:
            floors[suffix] = results["me" + suffix]["throughput_rps"]
    floor = results.get("me", {}).get("throughput_rps")
    for key, result in results.items():
        # relative to the `me` of the same server (its gc variant and round); the
        # CONN_MAX_AGE=0 `me` relative to the first server's, as before
        own = key.partition("@")[2]
        own_floor = floors.get("@" + own if own else "") if "CONN_MAX_AGE" not in own else floor
        result["relative_to_me"] = round(result["throughput_rps"] / own_floor, 3) if own_floor else None
    report = {
        "benchmark": "load on the production server (bench/load.py)",
        "command": "python -m bench.load " + " ".join(argv if argv is not None else sys.argv[1:]),
        "server": f"gunicorn -c config/gunicorn.py, {args.workers} workers x {args.threads} threads, production",
        "clients": f"{args.users} threads, keep-alive, loopback; per scenario at most {args.seconds} s "
        f"and {args.max_requests} requests",
        "data": f"bench capacity + offers setup at scale {args.scale}: {data['facilities']} facilities, "
        f"{len(data['offers'])} offers to decline",
        "conn_max_age": ages,
        "gc": {"variants": variants, "threshold": args.gc_threshold, "rounds": args.rounds},
        "memory": memory,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_end": os.getloadavg(),
            "python": platform.python_version(),
        },
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "results": results,
    }
    if len(ages) > 1 and "me" in results:
        other = results.get(f"me@CONN_MAX_AGE={ages[1]}")
        if other and other["mean_ms"]:
            report["me_mean_latency_ratio_without_persistent_connections"] = round(
                other["mean_ms"] / results["me"]["mean_ms"], 2
            )
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(_table(results))
    print(f"\nwritten to {args.out}", file=sys.stderr)
    return 0 if all(r["errors"] == 0 for r in results.values()) else 1


def _table(results: dict) -> str:
    lines = [f"{'scenario':<30} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6} {'vs me':>6}"]
    for name, r in results.items():
        lines.append(
            f"{name:<30} {r['requests']:>8} {r['throughput_rps']:>8} {r['p50_ms']!s:>8} {r['p95_ms']!s:>8} "
            f"{r['errors']:>6} {r['relative_to_me']!s:>6}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
