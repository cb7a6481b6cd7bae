"""Issue 13 point 3 (scaleout): past one machine, proven on one machine.

A PostgreSQL primary with a streaming replica, Redis, two gunicorn web instances, two
Celery workers and beat (tests/scaleout/conftest.py). Placement journeys go through both
web instances in turn; one web instance and one worker are killed with -9 during a
journey; reports are read from the replica, and still answer (from the primary, and
current) while the replica lags or is down; afterwards nothing was lost or duplicated.

How "reports read from the replica" is proven: both servers log every statement
(log_statement=all). The statements a report request runs are found in the replica's
log and not in the primary's; while the replica lags or is down they are in the
primary's log instead."""

import collections
import email
import re
import signal
import time
from pathlib import Path

from tests.scaleout.cluster import wait_for
from tests.scaleout.journey import Balancer, expect, journey

REPORT = "/api/v1/reports/unmet-need"
ENTRY = re.compile(r"^\S+ \S+ \S+ \[\d+\] (?P<who>\S*@\S*) [^:]*: LOG:  statement: ", re.M)
UNSENT = "SELECT count(*) FROM core_outboxmessage WHERE status <> 'sent'"
TWO_OPEN_OFFERS = (
    "SELECT count(*) FROM (SELECT request_id FROM placement_offer WHERE status = 'open' "
    "GROUP BY 1 HAVING count(*) > 1) t"
)
QUARTER = {"region": "JZ14", "year": 2026, "quarter": 3}
QUARTERLY_ROWS = (
    "SELECT count(*) FROM reporting_quarterlyreport q JOIN accounts_region r ON r.id = q.region_id "
    "WHERE r.code = 'JZ14' AND q.year = 2026 AND q.quarter = 3"
)
ROUTER_CHECK = ("pg_is_in_recovery()", "pg_current_wal_lsn()")


def statements(log: Path, offset: int) -> list[str]:
    """The application role's statements logged after `offset`, without the router's
    own replica check and connection set-up."""
    text = log.read_text(errors="replace")[offset:]
    found = []
    matches = list(ENTRY.finditer(text))
    for index, match in enumerate(matches):
        following = matches[index + 1] if index + 1 < len(matches) else None
        if not match["who"].startswith("regie_app@"):
            continue
        end = following.start() if following else len(text)
        statement = re.split(r"\n(?=\S)", text[match.end() : end])[0].strip()
        if any(mark in statement for mark in ROUTER_CHECK) or statement.startswith(("SET ", "SELECT set_config")):
            continue
        found.append(statement)
    return found


def report_reads(c, lb, token) -> tuple[list[str], list[str], dict]:
    """Ask for a report; the statements it ran on (replica, primary) and its body."""
    replica_log, primary_log = c.replica.process.log, c.primary.process.log
    marks = (replica_log.stat().st_size, primary_log.stat().st_size)
    body = expect(lb.call("GET", REPORT, token), 200, "report")
    time.sleep(0.3)  # the server writes its log asynchronously
    return statements(replica_log, marks[0]), statements(primary_log, marks[1]), body


def report_sql(found: list[str]) -> list[str]:
    """The report's own queries: those on the request tables (not token or session look-ups)."""
    return [s for s in found if "placement_placementrequest" in s]


def quarterly_status(pk: int) -> str:
    return f"SELECT status FROM reporting_quarterlyreport WHERE id = {int(pk)}"


def referred_unplaced(report: dict) -> int:
    """The report's first figure: referred and not yet placed (coordinators: exact)."""
    return report["tables"][0]["rows"][0]["value"]


def emails_by_outbox_id(mail_dir: Path) -> collections.Counter:
    """How often each outbox message was sent as e-mail (its X-Outbox-Id header), from the
    files Django's file backend writes (one message after another, separated by a line)."""
    seen = collections.Counter()
    for path in mail_dir.iterdir():
        for chunk in re.split(r"\n-{79}\n", path.read_text(errors="replace")):
            if chunk.strip():
                seen[email.message_from_string(chunk.strip())["X-Outbox-Id"]] += 1
    return seen


def wait_caught_up(c, timeout=60):
    def caught_up():
        primary = c.query(c.primary, "SELECT pg_current_wal_lsn()")
        # ... and it replayed a transaction since it started: until then its lag is unknown
        # (pg_last_xact_replay_timestamp() is null) and the router does not use it.
        sql = f"SELECT pg_last_wal_replay_lsn() >= '{primary}'::pg_lsn AND pg_last_xact_replay_timestamp() IS NOT NULL"
        return c.query(c.replica, sql) == "t"

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if caught_up():
            return
        time.sleep(0.2)
    raise AssertionError("the replica did not catch up")


def test_journeys_over_two_webs_and_workers_with_kills_lose_nothing_and_reports_use_the_replica(cluster):
    c = cluster
    web_a, web_b = c.webs
    worker_1 = c.workers[0]
    lb = Balancer(c.webs)
    manager, coordinator = c.tokens["contract_manager"], c.tokens["coordinator"]

    # 1. A journey alternately through both web instances.
    made = [journey(lb, c.tokens)]
    assert lb.served["web-a"] >= 4 and lb.served["web-b"] >= 4, lb.served

    # 2. Reports read from the replica: the report's statements ran there, not on the primary.
    wait_caught_up(c)
    time.sleep(1)  # past the router's check interval (REPORTING_REPLICA_CHECK_SECONDS=0.5)
    on_replica, on_primary, current = report_reads(c, lb, coordinator)
    assert report_sql(on_replica), on_replica
    assert not report_sql(on_primary), on_primary

    # 3. During a journey: kill -9 one web instance (master and its workers) and one
    # Celery worker, right after steps that queue outbox messages and tasks.
    def kill_some(step):
        if step == "submitted":
            c.kill(worker_1, signal.SIGKILL)
        if step == "triaged":
            c.kill(web_a.process, signal.SIGKILL)

    served_b = lb.served["web-b"]
    made.append(journey(lb, c.tokens, after_step=kill_some))
    assert not web_a.process.alive() and not worker_1.alive()
    assert lb.refused["web-a"] >= 1 and lb.served["web-b"] > served_b  # the rest went to web-b
    # The quarterly report, asked for twice (once per instance): one report, built once.
    first = expect(web_b.call("POST", "/api/v1/reports/quarterly", manager, json_body=QUARTER), 202, "quarterly")

    # Both come back (same ports); journeys go through both again.
    c.webs[0] = web_a = c.start_web("web-a", port=web_a.port)
    c.workers[0] = worker_1 = c.start_worker("worker-1")
    lb = Balancer(c.webs)
    second = expect(web_a.call("POST", "/api/v1/reports/quarterly", manager, json_body=QUARTER), 202, "again")
    assert second["id"] == first["id"]
    made.append(journey(lb, c.tokens))
    assert lb.served["web-a"] >= 4 and lb.served["web-b"] >= 4, lb.served

    # 4. The replica lags (replay paused): a report must not show stale figures, so it is
    # read from the primary and counts the request referred after the pause.
    c.query(c.replica, "SELECT pg_wal_replay_pause()")
    journey(lb, c.tokens, until="submitted")
    time.sleep(4)  # past REPORTING_REPLICA_MAX_LAG_SECONDS=3 since the last replayed commit
    on_replica, on_primary, lagging = report_reads(c, lb, coordinator)
    assert report_sql(on_primary) and not report_sql(on_replica), (on_primary, on_replica)
    assert referred_unplaced(lagging) == referred_unplaced(current) + 1  # current, not the replica's
    c.query(c.replica, "SELECT pg_wal_replay_resume()")
    wait_caught_up(c)
    time.sleep(1)
    on_replica, on_primary, caught_up = report_reads(c, lb, coordinator)
    assert report_sql(on_replica) and not report_sql(on_primary)
    assert caught_up == lagging  # the replica, caught up, gives the primary's figures

    # 5. The replica is down: reports still answer, from the primary.
    c.stop(c.replica.process, sig=signal.SIGINT)
    time.sleep(1)
    on_replica, on_primary, down = report_reads(c, lb, coordinator)
    assert report_sql(on_primary), on_primary
    assert down == lagging
    c.restart(c.replica)
    wait_caught_up(c)
    time.sleep(1)
    on_replica, on_primary, _ = report_reads(c, lb, coordinator)
    assert report_sql(on_replica) and not report_sql(on_primary)

    # 6. Nothing lost, nothing twice. Messages a killed worker held are delivered by
    # the beat flush; the quarterly report is built once.
    wait_for(lambda: c.query(c.primary, UNSENT) == "0", timeout=120, what="every outbox message sent")
    sent_in_app = int(c.query(c.primary, "SELECT count(*) FROM core_outboxmessage WHERE channel = 'in_app'"))
    assert sent_in_app > 0
    # Each in-app message is one notification, or one more step of a grouped one.
    assert c.query(c.primary, "SELECT coalesce(sum(count), 0) FROM core_notification") == str(sent_in_app)
    email_ids = set(c.query(c.primary, "SELECT id FROM core_outboxmessage WHERE channel = 'email'").split())
    delivered = emails_by_outbox_id(c.root / "mail")
    assert email_ids and set(delivered) == email_ids and set(delivered.values()) == {1}, delivered
    # Every journey: one offer, accepted once, one placement; no request has two open offers.
    ids = ",".join(str(m["request"]) for m in made)
    per_request = c.query(
        c.primary,
        "SELECT count(DISTINCT o.request_id), count(DISTINCT o.id), count(DISTINCT p.id) FROM placement_offer o "
        f"LEFT JOIN placement_placement p ON p.request_id = o.request_id WHERE o.request_id IN ({ids})",
    )
    assert per_request == f"{len(made)}|{len(made)}|{len(made)}"
    assert c.query(c.primary, TWO_OPEN_OFFERS) == "0"
    wait_for(lambda: c.query(c.primary, quarterly_status(first["id"])) == "done", timeout=180, what="quarterly built")
    assert c.query(c.primary, QUARTERLY_ROWS) == "1"
    # The event log's hash chain is intact after all of it.
    verified = c.manage("verify_log_chain")
    assert "OK events" in verified.stdout and "OK access" in verified.stdout, verified.stdout
