#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Cards section's list on a loaded chain (a demo chain: memberdesk-admin
# demo --members 1000000): the first page (50 cards, newest first) and the
# count for each kind of filter, as the list asks for them, against the
# reference of the same run: the first page with no filter. Each figure is
# the median of 5 runs, as psql times them. Prints milliseconds and the
# ratio to the reference.
#
#   tests/perf/bench-card-list.sh CONNINFO
set -euo pipefail

conninfo=$1
q () { psql "$conninfo" -X -q -At -v ON_ERROR_STOP=1 -c "$1"; }

# The median time of 5 runs of $1, in ms.
median_ms () {
  local sql=$1
  { echo '\timing on'; for _ in 1 2 3 4 5; do echo "$sql;"; done; } |
    psql "$conninfo" -X -q -o /dev/null -v ON_ERROR_STOP=1 |
    sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -n | sed -n 3p
}

# A store and a region with cards, a type with few, and the rarer states.
store=$(q "SELECT issued_store_id FROM mdk.cards GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
region=$(q "SELECT region_id FROM mdk.stores WHERE id = $store")
type=$(q "SELECT card_type_id FROM mdk.cards GROUP BY 1 ORDER BY count(*) LIMIT 1")
page="SELECT c.id, c.card_no, m.name FROM (SELECT c.* FROM mdk.cards c WHERE true %s ORDER BY c.id DESC LIMIT 50 OFFSET 0) c
      JOIN mdk.members m ON m.id = c.member_id ORDER BY c.id DESC"
count="SELECT count(*) FROM mdk.cards c WHERE true %s"
region_filter="AND c.issued_store_id = ANY (ARRAY (SELECT id FROM mdk.stores WHERE region_id = $region))"

echo "cards: $(q "SELECT count(*) FROM mdk.cards"), store $store, region $region, type $type"
# shellcheck disable=SC2059
reference=$(median_ms "$(printf "$page" "")")
printf 'reference, first page with no filter: %8.2f ms\n' "$reference"
while IFS='|' read -r name filter; do
  # shellcheck disable=SC2059
  p=$(median_ms "$(printf "$page" "$filter")")
  # shellcheck disable=SC2059
  n=$(median_ms "$(printf "$count" "$filter")")
  printf '%-24s page %8.2f ms (ratio %6.1f), count %8.2f ms\n' "$name" "$p" \
    "$(awk -v a="$p" -v b="$reference" 'BEGIN { print a / b }')" "$n"
done <<EOF
state lost|AND c.state = 'lost'
store|AND c.issued_store_id = $store
store, lost|AND c.issued_store_id = $store AND c.state = 'lost'
region, frozen|$region_filter AND c.state = 'frozen'
type, cancelled|AND c.card_type_id = $type AND c.state = 'cancelled'
type, store, active|AND c.card_type_id = $type AND c.issued_store_id = $store AND c.state = 'active'
EOF
