"""Answers under load (issue 15, perf-pages): accept/decline against GET /api/v1/me.

    python -m bench.answers [--offers 240] [--contested 20] [--users 10] [--seconds 30]
                            [--workers 2] [--threads 4] [--out bench/results/answers.json]
    make bench-answers

Starts real gunicorn with config/gunicorn.py and the production settings (bench/load.py's
Server, on the embedded PostgreSQL and Redis), makes `--offers` open offers of one
provider (each holding its place, the facility fresh, as offer_send leaves them) and one
API token per simulated user, then runs the locust scenario bench/locust_answers.py
twice on the same server with `--users` users: `MeUser` (the floor) for `--seconds`, and
`AnswerUser` until every offer is answered: half accepted, half declined, and
`--contested` offers answered twice at once (an accept and a decline; one must win, the
other gets 409). Afterwards it checks the database: every offer answered exactly once
(one answer event each), every uncontested one as it was asked, no request with two
accepted offers, the facility holding exactly one place per offer that is open or
accepted, no negative free places. Reported: throughput, p50/p95/max, errors,
answers/me ratio, and the checks. Exit status 1 on any error or failed check.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.load import BASE_DIR, Server, _analyze, _environment, _run

LOCUSTFILE = BASE_DIR / "bench" / "locust_answers.py"


# --- inside the setup / check processes (Django, as the owner) --------------------------


def _setup(offers_n: int, contested: int, users: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import User
    from accounts.tokens import token_issue
    from bench.benchmarks import offers
    from capacity.models import Facility
    from placement.models import PROVIDER_DECLINE_REASONS, Offer, OfferStatus

    inbox = offers._setup_inbox(max(1, (offers_n + 24) // 25))
    provider_user = User.objects.get(pk=inbox["client"].session.get("_auth_user_id"))
    sent = list(
        Offer.objects.filter(provider_id=inbox["provider"], status=OfferStatus.OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)[:offers_n]
    )
    Offer.objects.filter(provider_id=inbox["provider"], status=OfferStatus.OPEN).exclude(pk__in=sent).delete()
    # The bulk-made offers hold no place yet and the facility was never confirmed: hold one
    # per open offer, as offer_send does, and confirm the figures (no stale-confirmation step).
    for row in Offer.objects.filter(status=OfferStatus.OPEN).values("facility_id").annotate(n=Count("pk")):
        Facility.objects.filter(pk=row["facility_id"]).update(
            held=row["n"], last_confirmed_at=timezone.now(), last_confirmed_by=provider_user
        )
    work = []
    for n, pk in enumerate(sent):
        if n < contested:
            work += [
                {"offer": pk, "action": "accept", "contested": True},
                {"offer": pk, "action": "decline", "contested": True},
            ]
        else:
            work.append({"offer": pk, "action": "accept" if n % 2 else "decline", "contested": False})
    return {
        "tokens": [token_issue(user=provider_user, client=f"answers-{n}")[1] for n in range(users)],
        "work": work,
        "decline": {"reason": PROVIDER_DECLINE_REASONS[0][0], "motivation": "Belastingtest: geen plek voor deze vraag"},
        "provider": inbox["provider"],
    }


def _check(data: dict) -> dict:
    """What the database says after the run (see the module text)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from placement.models import Offer, OfferStatus

    asked = {}
    for item in data["work"]:
        asked.setdefault(item["offer"], set()).add((item["action"], item["contested"]))
    offers = dict(Offer.objects.filter(pk__in=list(asked)).values_list("pk", "status"))
    wanted = {"accept": OfferStatus.ACCEPTED, "decline": OfferStatus.DECLINED}
    still_open = sorted(pk for pk, status in offers.items() if status == OfferStatus.OPEN)
    not_as_asked = sorted(
        pk
        for pk, items in asked.items()
        if len(items) == 1 and not next(iter(items))[1] and offers[pk] != wanted[next(iter(items))[0]]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT (details->>'offer')::bigint, count(*) FROM core_event
               WHERE event_type IN ('offer_accepted', 'offer_declined') AND (details->>'offer')::bigint = ANY(%s)
               GROUP BY 1""",
            [list(asked)],
        )
        events = dict(cursor.fetchall())
        cursor.execute(
            """SELECT request_id FROM placement_offer WHERE status = 'accepted'
               GROUP BY request_id HAVING count(*) > 1"""
        )
        double_accepted = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """SELECT f.id, f.held,
                      (SELECT count(*) FROM placement_offer o LEFT JOIN placement_placement p ON p.offer_id = o.id
                       WHERE o.facility_id = f.id AND (o.status = 'open' OR (o.status = 'accepted' AND p.id IS NULL))),
                      f.places_staffed - f.occupied_internal - f.occupied_external - f.held
               FROM capacity_facility f WHERE f.provider_id = %s""",
            [data["provider"]],
        )
        facilities = cursor.fetchall()
    return {
        "offers": len(asked),
        "still_open": still_open,
        "answered_not_as_asked": not_as_asked,
        "offers_without_exactly_one_answer_event": sorted(pk for pk in asked if events.get(pk, 0) != 1),
        "requests_with_two_accepted_offers": double_accepted,
        "facilities_holding_wrong_number": [
            {"facility": f, "held": held, "should_hold": should}
            for f, held, should, _free in facilities
            if held != should
        ],
        "facilities_with_negative_free": [f for f, _h, _s, free in facilities if free < 0],
    }


# --- in this process ----------------------------------------------------------------------


def _locust(port: int, user_class: str, *, users: int, seconds: float, data_file: Path) -> list[dict]:
    out = Path(tempfile.mkstemp(prefix="answers-", suffix=".json")[1])
    env = {**os.environ, "ANSWERS_DATA": str(data_file), "ANSWERS_OUT": str(out)}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--only-summary",
            "--loglevel",
            "WARNING",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{int(seconds)}s",
            "--stop-timeout",
            "10",
            "--host",
            f"http://127.0.0.1:{port}",
            user_class,
        ],
        cwd=BASE_DIR,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    records = json.loads(out.read_text() or "[]")
    out.unlink()
    return records


def _figures(records: list[dict]) -> dict:
    if not records:
        return {"requests": 0, "throughput_rps": 0.0, "errors": 0}
    latencies = sorted(r["ended"] - r["started"] for r in records)
    wall = max(r["ended"] for r in records) - min(r["started"] for r in records)

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1)

    errors: dict[str, int] = {}
    for r in records:
        if not r["ok"]:
            errors[str(r["status"])] = errors.get(str(r["status"]), 0) + 1
    return {
        "requests": len(records),
        "seconds": round(wall, 2),
        "throughput_rps": round(len(records) / wall, 1) if wall else 0.0,
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "max_ms": round(latencies[-1] * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "by_status": {s: sum(1 for r in records if str(r["status"]) == s) for s in {str(r["status"]) for r in records}},
    }


def _contests(records: list[dict], data: dict) -> dict:
    contested = {item["offer"] for item in data["work"] if item["contested"]}
    outcomes: dict[int, list[int]] = {}
    for r in records:
        if r["offer"] in contested:
            outcomes.setdefault(r["offer"], []).append(r["status"])
    wrong = sorted(pk for pk in contested if sorted(outcomes.get(pk, [])) != [200, 409])
    return {"contested": len(contested), "not_exactly_one_winner": wrong}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.answers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--offers", type=int, default=240)
    parser.add_argument("--contested", type=int, default=20)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20.0, help="the `me` run; the answers' time limit is 10x")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--out", default=str(BASE_DIR / "bench" / "results" / "answers.json"))
    parser.add_argument("--setup-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--check-only", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup_only:
        data = _setup(args.offers, args.contested, args.users)
        _analyze()
        print(json.dumps(data))
        return 0
    if args.check_only:
        print(json.dumps(_check(json.loads(Path(args.check_only).read_text()))))
        return 0

    env = _environment()
    owner = {**env, "DATABASE_URL": env.get("DATABASE_OWNER_URL") or env["DATABASE_URL"]}
    print(f"preparing {args.offers} offers, {args.users} users ...", file=sys.stderr, flush=True)
    _run(["manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    _run(["manage.py", "migrate", "--noinput", "-v", "0"], env)
    _run(["manage.py", "flush", "--noinput"], env)
    setup = ["-m", "bench.answers", "--setup-only", "--offers", str(args.offers)]
    setup += ["--contested", str(args.contested), "--users", str(args.users)]
    data = json.loads(_run(setup, owner, stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1])
    data_file = Path(tempfile.mkstemp(prefix="answers-data-", suffix=".json")[1])
    data_file.write_text(json.dumps(data))
    try:
        with Server(env, workers=args.workers, threads=args.threads, conn_max_age=60) as server:
            print("  me ...", file=sys.stderr, flush=True)
            me = _locust(server.port, "MeUser", users=args.users, seconds=args.seconds, data_file=data_file)
            print("  accept/decline ...", file=sys.stderr, flush=True)
            answers = _locust(
                server.port, "AnswerUser", users=args.users, seconds=args.seconds * 10, data_file=data_file
            )
        check_args = ["-m", "bench.answers", "--check-only", str(data_file)]
        checks = json.loads(_run(check_args, owner, stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1])
    finally:
        data_file.unlink(missing_ok=True)
    results = {
        "me": _figures(me),
        "answers": _figures(answers),
        "accept": _figures([r for r in answers if r["name"] == "accept"]),
        "decline": _figures([r for r in answers if r["name"] == "decline"]),
    }
    floor = results["me"]["throughput_rps"]
    for result in results.values():
        result["relative_to_me"] = round(result["throughput_rps"] / floor, 3) if floor else None
    checks["contests"] = _contests(answers, data)
    failed = [
        key
        for key, value in checks.items()
        if (isinstance(value, list) and value) or (key == "contests" and value["not_exactly_one_winner"])
    ]
    report = {
        "benchmark": "accept/decline under load vs GET /api/v1/me (bench/answers.py, locust bench/locust_answers.py)",
        "command": "python -m bench.answers " + " ".join(argv if argv is not None else sys.argv[1:]),
        "server": f"gunicorn -c config/gunicorn.py, {args.workers} workers x {args.threads} threads, production",
        "clients": f"locust {args.users} users (FastHttpUser, no wait), same machine",
        "data": f"{checks['offers']} open offers of one provider at one facility; {args.contested} contested",
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_end": os.getloadavg(),
            "python": platform.python_version(),
        },
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "results": results,
        "checks": checks,
        "failed_checks": failed,
    }
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    for name, r in results.items():
        print(
            f"{name:<8} {r['requests']:>6} req {r['throughput_rps']:>7} req/s  p50 {r.get('p50_ms')} ms  "
            f"p95 {r.get('p95_ms')} ms  errors {r['errors']}  vs me {r['relative_to_me']}"
        )
    print(f"checks failed: {failed or 'none'}; written to {args.out}", file=sys.stderr)
    return 0 if not failed and all(r["errors"] == 0 for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
