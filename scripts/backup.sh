#!/usr/bin/env bash
# Back up the product's database: a pg_dump in custom format (-Fc), made as the owner role.
#
#   DATABASE_OWNER_URL=postgresql://regie_owner:...@host:5432/regie scripts/backup.sh [FILE]
#
# FILE defaults to backups/regie-<UTC time>.dump. The dump is written to FILE.partial and
# renamed only when pg_dump succeeded and pg_restore can read its table of contents, so a
# file with the final name is always a complete dump. No ownership or privileges are
# stored (--no-owner --no-acl): scripts/restore.sh gives them to the target's roles.
# PG_BIN: directory of pg_dump/pg_restore (default: from PATH). See docs/backup.md.
set -euo pipefail

: "${DATABASE_OWNER_URL:?set DATABASE_OWNER_URL to the owner role of the database to back up}"
bin="${PG_BIN:+$PG_BIN/}"
out="${1:-backups/regie-$(date -u +%Y%m%dT%H%M%SZ).dump}"
mkdir -p "$(dirname "$out")"
partial="$out.partial"
trap 'rm -f "$partial"' EXIT

"${bin}pg_dump" --format=custom --no-owner --no-acl --file="$partial" --dbname="$DATABASE_OWNER_URL"
"${bin}pg_restore" --list "$partial" >/dev/null   # readable, complete table of contents
chmod 600 "$partial"                             # it holds (encrypted) personal data
mv "$partial" "$out"
trap - EXIT
echo "backup written: $out ($(wc -c <"$out") bytes)"
