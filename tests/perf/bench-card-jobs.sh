#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The nightly card jobs on a loaded chain (a demo chain: memberdesk-admin
# demo --members 1000000), each timed in a transaction that is rolled
# back, so that the database is left as it was:
#   - mdk.apply_tier_rules() the first time, when every card that held its
#     tier for the rule's period and spent too little is given its notice;
#   - the same job run again for the same day (the nightly steady state);
#   - mdk.expire_cards() and mdk.charge_annual_fees() for the day;
# against a reference measured in the same run: the first run's notices
# written in plain SQL (the same cards updated and the same events
# inserted, without measuring anything). Prints seconds and the ratio.
#
#   tests/perf/bench-card-jobs.sh CONNINFO
set -euo pipefail

conninfo=$1
q () { psql "$conninfo" -X -q -At -v ON_ERROR_STOP=1 -c "$1"; }
timed () {
  local start end
  start=$(date +%s.%N)
  q "$1" >/dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }' 
}

echo "cards: $(q "SELECT count(*) FROM mdk.cards"), tier rules: $(q "SELECT count(*) FROM mdk.card_tier_rules"), sales: $(q "SELECT count(*) FROM mdk.sales")"
if [ "$(q "SELECT count(*) FROM mdk.card_tier_rules")" = 0 ]; then
  echo "The chain has no tier rules: load a demo chain with this version." >&2
  exit 1
fi
noticed=$(q "BEGIN; SELECT (mdk.apply_tier_rules(current_date) ->> 'noticed'); ROLLBACK" | head -1)
echo "cards given notice by the first run: $noticed"

reference=$(timed "BEGIN;
  WITH due AS (
    UPDATE mdk.cards c SET tier_down_on = current_date + r.grace_days, tier_down_to = r.to_type_id
    FROM mdk.card_tier_rules r
    WHERE r.direction = 'down' AND r.from_type_id = c.card_type_id AND c.primary_card_id IS NULL
      AND c.state IN ('active', 'lost', 'frozen')
      AND coalesce(c.tier_since, c.issued_at::date) <= (current_date - make_interval(months => r.period_months))::date
    RETURNING c.id, c.card_type_id, r.to_type_id
  )
  INSERT INTO mdk.card_events (card_id, event, reason, from_type_id, to_type_id)
  SELECT id, 'tier_notice', 'reference', card_type_id, to_type_id FROM due;
  ROLLBACK")
first=$(timed "BEGIN; SELECT mdk.apply_tier_rules(current_date); ROLLBACK")
# The second run alone, timed by the server after the first in the same
# transaction.
second=$(psql "$conninfo" -X -q -At -v ON_ERROR_STOP=1 <<'SQL' | tail -1
BEGIN;
SELECT mdk.apply_tier_rules(current_date) \g /dev/null
SELECT clock_timestamp() AS t0 \gset
SELECT mdk.apply_tier_rules(current_date) \g /dev/null
SELECT round(extract(epoch FROM clock_timestamp() - :'t0')::numeric, 3);
ROLLBACK;
SQL
)
expire=$(timed "BEGIN; SELECT mdk.expire_cards(current_date); ROLLBACK")
fees=$(timed "BEGIN; SELECT mdk.charge_annual_fees(current_date); ROLLBACK")

printf 'reference (the notices in plain SQL): %.2f s\n' "$reference"
printf 'apply_tier_rules, first run:          %.2f s  (ratio to reference %.2f)\n' "$first" "$(awk -v a="$first" -v b="$reference" 'BEGIN { print a / b }')"
printf 'apply_tier_rules, run again:          %.2f s\n' "$second"
printf 'expire_cards:                         %.2f s\n' "$expire"
printf 'charge_annual_fees:                   %.2f s\n' "$fees"
