#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Exports every member of a database to Excel and to CSV with
# memberdesk-admin, and prints the rate and the peak resident memory of each
# (GNU time), against psql's \copy of the same members to CSV.
#
#   tests/perf/bench-export.sh BUILD_DIR CONNINFO
set -euo pipefail

build=$1
conninfo=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

members=$(psql -X -At -d "$conninfo" -c "SELECT count(*) FROM mdk.members")
echo "members: $members"

for ext in xlsx csv; do
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$out/rss" "$build/src/admin/memberdesk-admin" -d "$conninfo" export members --output "$out/members.$ext" >/dev/null
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v n="$members" -v kb="$(cat "$out/rss")" -v ext="$ext" -v size="$(stat -c %s "$out/members.$ext")" \
    'BEGIN { printf "%s: %.1f s, %.0f members/s, peak memory %.0f MB (target: under 100 MB), file %.0f MB\n", ext, e - s, n / (e - s), kb / 1024, size / 1048576 }'
done

start=$(date +%s.%N)
psql -X -q -d "$conninfo" -c "\\copy (SELECT m.*, c.card_no FROM mdk.members m LEFT JOIN LATERAL (SELECT card_no FROM mdk.cards WHERE member_id = m.id ORDER BY id LIMIT 1) c ON true ORDER BY m.name_pinyin COLLATE \"C\", m.id) TO '$out/copy.csv' CSV HEADER"
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v n="$members" 'BEGIN { printf "psql \\copy of the same members: %.1f s, %.0f members/s\n", e - s, n / (e - s) }'
