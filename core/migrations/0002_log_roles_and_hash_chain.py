"""Logs nobody can erase (issue 10).

- Access-log rows get the action, the outcome and the source address.
- Both logs get a hash chain: a BEFORE INSERT trigger (SECURITY DEFINER, owned by the
  migrating owner role) takes the log's row in `core_logchainhead` FOR UPDATE, numbers the
  row (`chain_seq`), stores the previous row's hash (`prev_hash`) and the SHA-256 of this
  row's canonical content plus `prev_hash` (`row_hash`). Existing rows are chained here in
  their time order.
- `core_restrict_logs()` takes UPDATE, DELETE, TRUNCATE (and TRIGGER/REFERENCES) on the
  two logs, and every write on the chain head, from every role but the owner; run here and
  again by every `migrate` (core/pg/grants.sql) after the default grants.

The canonical content is a fixed list of columns (a column added later does not change the
hash of old rows), as jsonb text (keys in jsonb's fixed order), times in UTC with
microseconds, so the hash does not depend on the session's time zone.
"""

from django.db import migrations, models




FORWARD = r"""
CREATE FUNCTION core_event_chain_hash(r core_event, prev text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(prev || '|' || jsonb_build_object(
        'id', r.id,
        'chain_seq', r.chain_seq,
        'occurred_at', to_char(r.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'actor_id', r.actor_id,
        'organisation_id', r.organisation_id,
        'event_type', r.event_type,
        'subject_type', r.subject_type,
        'subject_id', r.subject_id,
        'from_state', r.from_state,
        'to_state', r.to_state,
        'reason_code', r.reason_code,
        'details', r.details
    )::text, 'UTF8')), 'hex')
$$;

CREATE FUNCTION core_accesslogentry_chain_hash(r core_accesslogentry, prev text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(prev || '|' || jsonb_build_object(
        'id', r.id,
        'chain_seq', r.chain_seq,
        'accessed_at', to_char(r.accessed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'user_id', r.user_id,
        'role', r.role,
        'organisation_id', r.organisation_id,
        'subject_type', r.subject_type,
        'subject_id', r.subject_id,
        'purpose', r.purpose,
        'action', r.action,
        'outcome', r.outcome,
        'source_address', host(r.source_address),
        'details', r.details
    )::text, 'UTF8')), 'hex')
$$;

CREATE FUNCTION core_log_chain_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    head record;
BEGIN
    SELECT last_seq, last_hash INTO head FROM core_logchainhead WHERE log_table = TG_TABLE_NAME FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO core_logchainhead (log_table, last_seq, last_hash)
        VALUES (TG_TABLE_NAME, 0, repeat('0', 64)) ON CONFLICT (log_table) DO NOTHING;
        SELECT last_seq, last_hash INTO head FROM core_logchainhead WHERE log_table = TG_TABLE_NAME FOR UPDATE;
    END IF;
    NEW.chain_seq := head.last_seq + 1;
    NEW.prev_hash := head.last_hash;
    IF TG_TABLE_NAME = 'core_event' THEN
        NEW.row_hash := core_event_chain_hash(NEW, NEW.prev_hash);
    ELSE
        NEW.row_hash := core_accesslogentry_chain_hash(NEW, NEW.prev_hash);
    END IF;
    UPDATE core_logchainhead SET last_seq = NEW.chain_seq, last_hash = NEW.row_hash WHERE log_table = TG_TABLE_NAME;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION core_log_chain_link() FROM PUBLIC;

-- Chain the rows that exist, oldest first. The append-only triggers let this one
-- migration through (pgtrigger's ignore list, for this transaction only).
CREATE FUNCTION pg_temp.core_chain_backfill(tbl text, time_column text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    row_id bigint;
    n bigint := 0;
    prev text := repeat('0', 64);
BEGIN
    PERFORM set_config('pgtrigger.ignore', '{pgtrigger_append_only_56466,pgtrigger_append_only_8ed54}', true);
    FOR row_id IN EXECUTE format('SELECT id FROM %I ORDER BY %I, id', tbl, time_column) LOOP
        n := n + 1;
        EXECUTE format(
            'UPDATE %I t SET chain_seq = $1, prev_hash = $2, '
            'row_hash = %I(jsonb_populate_record(t, jsonb_build_object(''chain_seq'', $1)), $2) '
            'WHERE id = $3 RETURNING row_hash',
            tbl, tbl || '_chain_hash'
        ) INTO prev USING n, prev, row_id;
    END LOOP;
    PERFORM set_config('pgtrigger.ignore', '{}', true);
    INSERT INTO core_logchainhead (log_table, last_seq, last_hash) VALUES (tbl, n, prev);
END
$$;
SELECT pg_temp.core_chain_backfill('core_event', 'occurred_at');
SELECT pg_temp.core_chain_backfill('core_accesslogentry', 'accessed_at');
DROP FUNCTION pg_temp.core_chain_backfill(text, text);

CREATE TRIGGER core_event_chain BEFORE INSERT ON core_event
    FOR EACH ROW EXECUTE FUNCTION core_log_chain_link();
CREATE TRIGGER core_accesslogentry_chain BEFORE INSERT ON core_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION core_log_chain_link();

-- Only INSERT and SELECT on the logs, only SELECT on the chain head, for every role that
-- does not own them (the application role gets its other grants by default privileges).
CREATE FUNCTION core_restrict_logs() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    tbl text;
    grantee text;
BEGIN
    FOREACH tbl IN ARRAY ARRAY['core_event', 'core_accesslogentry', 'core_logchainhead'] LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON %I FROM PUBLIC', tbl);
        FOR grantee IN
            SELECT DISTINCT a.grantee::regrole::text
            FROM pg_class c, aclexplode(c.relacl) a
            WHERE c.oid = tbl::regclass AND a.grantee <> 0 AND a.grantee <> c.relowner
        LOOP
            EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON %I FROM %s', tbl, grantee);
            IF tbl = 'core_logchainhead' THEN
                EXECUTE format('REVOKE INSERT ON %I FROM %s', tbl, grantee);
            END IF;
        END LOOP;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION core_restrict_logs() FROM PUBLIC;
SELECT core_restrict_logs();
"""

BACKWARD = r"""
DROP TRIGGER core_event_chain ON core_event;
DROP TRIGGER core_accesslogentry_chain ON core_accesslogentry;
DROP FUNCTION core_log_chain_link();
DROP FUNCTION core_event_chain_hash(core_event, text);
DROP FUNCTION core_accesslogentry_chain_hash(core_accesslogentry, text);
DROP FUNCTION core_restrict_logs();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='LogChainHead',
            fields=[
                ('log_table', models.CharField(max_length=63, primary_key=True, serialize=False)),
                ('last_seq', models.BigIntegerField(default=0)),
                ('last_hash', models.CharField(max_length=64)),
            ],
            options={
                'verbose_name': 'einde van de logketen',
                'verbose_name_plural': 'einden van de logketens',
            },
        ),
        migrations.AddField(
            model_name='accesslogentry',
            name='action',
            field=models.CharField(choices=[('view', 'inzien'), ('download', 'downloaden'), ('export', 'exporteren'), ('denied', 'geweigerd')], default='view', max_length=16),
        ),
        migrations.AddField(
            model_name='accesslogentry',
            name='chain_seq',
            field=models.BigIntegerField(blank=True, editable=False, null=True, unique=True),
        ),
        migrations.AddField(
            model_name='accesslogentry',
            name='outcome',
            field=models.CharField(choices=[('allowed', 'toegestaan'), ('refused', 'geweigerd')], default='allowed', max_length=16),
        ),
        migrations.AddField(
            model_name='accesslogentry',
            name='prev_hash',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='accesslogentry',
            name='row_hash',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='accesslogentry',
            name='source_address',
            field=models.GenericIPAddressField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='event',
            name='chain_seq',
            field=models.BigIntegerField(blank=True, editable=False, null=True, unique=True),
        ),
        migrations.AddField(
            model_name='event',
            name='prev_hash',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='event',
            name='row_hash',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
