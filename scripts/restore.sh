#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into a FRESH, EMPTY database.
#
#   DATABASE_OWNER_URL=postgresql://regie_owner:...@host:5432/regie_restored \
#   APP_ROLE=regie_app scripts/restore.sh FILE
#
# Before: the DBA created the database and ran core/pg/roles.sql in it (the owner and the
# application role; see docs/database-roles.md). The script refuses a database that
# already has tables. It restores as the owner in one transaction (all or nothing), then
# grants the application role what `manage.py migrate` grants it (core/pg/grants.sql, the
# one definition), and checks the application role can read. Afterwards run
# `manage.py verify_log_chain` with DATABASE_URL set to the application role.
# PG_BIN: directory of pg_restore/psql (default: from PATH). See docs/backup.md.
set -euo pipefail

dump="${1:?usage: scripts/restore.sh FILE}"
: "${DATABASE_OWNER_URL:?set DATABASE_OWNER_URL to the owner role of the fresh database}"
app="${APP_ROLE:-regie_app}"
bin="${PG_BIN:+$PG_BIN/}"
here="$(cd "$(dirname "$0")/.." && pwd)"
psql=("${bin}psql" -X -q -v ON_ERROR_STOP=1 --dbname="$DATABASE_OWNER_URL")

test -r "$dump" || { echo "cannot read $dump" >&2; exit 2; }
tables="$("${psql[@]}" -A -t -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [ "$tables" != "0" ]; then
  echo "refusing: the target database already has $tables tables (restore into a fresh one)" >&2
  exit 3
fi
owner="$("${psql[@]}" -A -t -c "SELECT current_user")"

"${bin}pg_restore" --no-owner --no-acl --exit-on-error --single-transaction \
  --dbname="$DATABASE_OWNER_URL" "$dump"

# The application role's privileges: the same file migrate applies (core/db_roles.py).
sed -e "s/{owner}/\"$owner\"/g" -e "s/{app}/\"$app\"/g" "$here/core/pg/grants.sql" | "${psql[@]}" -f -

# The application role can read (and the log tables stay insert/select only).
"${psql[@]}" -A -t -c "SELECT has_table_privilege('$app', 'core_event', 'SELECT')
  AND NOT has_table_privilege('$app', 'core_event', 'UPDATE')" | grep -qx t \
  || { echo "grants for $app are missing after the restore" >&2; exit 4; }
echo "restored $dump into $("${psql[@]}" -A -t -c "SELECT current_database()") (owner $owner, application role $app)"
