-- What the application role may do, applied by `manage.py migrate` as the owner role
-- before and after the migrations run (core/db_roles.py fills in the role names).
-- Idempotent. Tables created later by the owner get the same grants (default privileges).
GRANT USAGE ON SCHEMA public TO {app};
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app};
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public
    GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {app};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app};
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {app};
-- The event and access-log tables: INSERT and SELECT only (core_restrict_logs() comes
-- with migration core/0002 and is re-run here after the grant above).
DO $$
BEGIN
    IF to_regprocedure('core_restrict_logs()') IS NOT NULL THEN
        PERFORM core_restrict_logs();
    END IF;
END
$$;
