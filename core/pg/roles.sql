-- The two database roles of Regie op plaatsing, created the same way everywhere
-- (the embedded development database runs this file through config/devstack.py).
--
-- Run once per database as a superuser or the DBA of a managed PostgreSQL, connected to
-- the product's database; idempotent, so running it again changes nothing:
--
--   psql "postgresql://<dba>@<host>/<database>" -v owner=regie_owner -v app=regie_app -f core/pg/roles.sql
--
-- - owner (`owner`): owns the database, the schema and every table; runs `manage.py
--   migrate` (DATABASE_OWNER_URL). Never given to the web, worker or beat processes.
-- - application (`app`): what web, worker and beat connect as (DATABASE_URL). No
--   superuser, no CREATEROLE/CREATEDB, owns nothing, so it cannot ALTER, DROP or TRUNCATE,
--   disable triggers or set session_replication_role.
--
-- Passwords are set by the DBA (\password regie_owner, \password regie_app); the table
-- privileges themselves are granted by `manage.py migrate` as the owner (core/pg/grants.sql
-- and migration core/0002): SELECT/INSERT/UPDATE/DELETE on every table, and only
-- SELECT/INSERT on the event and access-log tables.
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', :'app')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
-- The application role never holds more than that, whatever it was given before.
SELECT format('ALTER ROLE %I NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', :'app') \gexec

SELECT format('ALTER DATABASE %I OWNER TO %I', current_database(), :'owner') \gexec
SELECT format('ALTER SCHEMA public OWNER TO %I', :'owner') \gexec
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), :'app') \gexec
SELECT format('GRANT USAGE ON SCHEMA public TO %I', :'app') \gexec

-- A database that was migrated before the roles existed (by a superuser): hand its
-- tables, views, free-standing sequences and functions to the owner.
SELECT format('ALTER TABLE public.%I OWNER TO %I', tablename, :'owner')
FROM pg_tables WHERE schemaname = 'public' AND tableowner <> :'owner' \gexec
SELECT format('ALTER VIEW public.%I OWNER TO %I', viewname, :'owner')
FROM pg_views WHERE schemaname = 'public' AND viewowner <> :'owner' \gexec
SELECT format('ALTER SEQUENCE %s OWNER TO %I', c.oid::regclass, :'owner')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'S' AND pg_get_userbyid(c.relowner) <> :'owner'
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')) \gexec
SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, :'owner')
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> :'owner'
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') \gexec
