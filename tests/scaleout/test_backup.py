"""Issue 13 point 4 (scaleout): a backup restores into a fresh database, the product works
on it and the event log's hash chain verifies, with the same rows (docs/backup.md)."""

from tests.scaleout.cluster import APP, DBNAME, OWNER, PG_BIN, wait_for
from tests.scaleout.journey import Balancer, expect, journey

RESTORED = "regie_restored"
COUNTS_SQL = """
SELECT string_agg(format('SELECT %L AS t, count(*) AS n FROM public.%I', tablename, tablename), ' UNION ALL ')
FROM pg_tables WHERE schemaname = 'public' \\gexec
"""
CHAINS_SQL = """
SELECT 'events', count(*), md5(string_agg(row_hash, '' ORDER BY chain_seq)) FROM core_event
UNION ALL
SELECT 'access', count(*), md5(string_agg(row_hash, '' ORDER BY chain_seq)) FROM core_accesslogentry
"""


def _rows(c, db):
    """Every table's row count, and per log its length and a hash over its chain."""
    counts = dict(line.split("|") for line in c.query(c.primary, COUNTS_SQL, db=db).splitlines())
    chains = c.query(c.primary, CHAINS_SQL, db=db)
    return counts, chains


def test_backup_restores_into_a_fresh_database_with_the_same_rows_and_an_intact_log(cluster):
    c = cluster
    lb = Balancer([w for w in c.webs if w.process.alive()])
    made = journey(lb, c.tokens)
    detail = expect(lb.call("GET", f"/api/v1/requests/{made['request']}", c.tokens["referrer"]), 200, "detail")
    wait_for(
        lambda: c.query(c.primary, "SELECT count(*) FROM core_outboxmessage WHERE status = 'pending'") == "0",
        timeout=120,
        what="the outbox is delivered",
    )
    before = _rows(c, DBNAME)
    assert int(before[0]["core_event"]) > 0 and int(before[0]["core_accesslogentry"]) > 0
    assert int(before[0]["placement_placementrequest"]) > 0

    dump = c.root / "backups" / "regie.dump"
    env = {**c.env, "PG_BIN": str(PG_BIN)}
    out = c.run(["bash", "scripts/backup.sh", dump], env={**env, "DATABASE_OWNER_URL": c.primary.url(OWNER)})
    assert dump.is_file() and not dump.with_name("regie.dump.partial").exists(), out.stdout
    assert _rows(c, DBNAME) == before  # nothing was written meanwhile: the dump holds exactly these

    # A fresh database with the production roles, as the DBA makes it; then the restore.
    c.psql(c.primary, f'DROP DATABASE IF EXISTS "{RESTORED}";', db="postgres")
    c.psql(c.primary, f'CREATE DATABASE "{RESTORED}";', db="postgres")
    c.roles(c.primary, RESTORED)
    restore_env = {**env, "DATABASE_OWNER_URL": c.primary.url(OWNER, RESTORED), "APP_ROLE": APP}
    c.run(["bash", "scripts/restore.sh", dump], env=restore_env)
    assert _rows(c, RESTORED) == before

    # The product on the restored database, as the application role (no replica).
    app_env = {k: v for k, v in c.env.items() if k != "DATABASE_REPLICA_URL"}
    app_env["DATABASE_URL"] = c.primary.url(APP, RESTORED)
    c.manage("check", env=app_env)
    verified = c.manage("verify_log_chain", env=app_env)
    events, access = before[0]["core_event"], before[0]["core_accesslogentry"]
    assert f"OK events (core_event): {events} rows" in verified.stdout, verified.stdout
    assert f"OK access (core_accesslogentry): {access} rows" in verified.stdout, verified.stdout
    web = c.start_web("web-restored", workers=1, env=app_env)
    try:
        # The token issued before the backup still works; the request reads the same.
        again = expect(web.call("GET", f"/api/v1/requests/{made['request']}", c.tokens["referrer"]), 200, "restored")
        assert again == detail
    finally:
        c.stop(web.process)

    # A restore does not pass a changed log: one event row altered in the restored copy.
    c.psql(
        c.primary,
        "SET session_replication_role = replica;\n"
        "UPDATE core_event SET occurred_at = occurred_at - interval '1 day' "
        "WHERE id = (SELECT id FROM core_event ORDER BY chain_seq LIMIT 1 OFFSET 1);",
        db=RESTORED,
    )
    broken = c.manage("verify_log_chain", env=app_env, check=False)
    assert broken.returncode == 1 and "BROKEN events" in broken.stderr, broken.stdout + broken.stderr


def test_restore_refuses_a_database_that_is_not_empty(cluster):
    c = cluster
    dump = c.root / "backups" / "refuse.dump"
    env = {**c.env, "PG_BIN": str(PG_BIN)}
    c.run(["bash", "scripts/backup.sh", dump], env={**env, "DATABASE_OWNER_URL": c.primary.url(OWNER)})
    result = c.run(
        ["bash", "scripts/restore.sh", dump],
        env={**env, "DATABASE_OWNER_URL": c.primary.url(OWNER), "APP_ROLE": APP},
        check=False,
    )
    assert result.returncode == 3 and "refusing" in result.stderr, result.stderr
