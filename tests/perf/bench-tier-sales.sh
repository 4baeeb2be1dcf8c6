#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The tier job on a chain with a year of sales. A demo chain has a few
# hundred sales; this adds SALES of them (default 5,000,000), spread over
# the last 365 days on cards chosen at random, in one transaction that is
# rolled back at the end, so that the database is left as it was. Timed in
# that transaction, by the server:
#   - the reference: each card's spend over twelve months, summed in plain
#     SQL (a scan of the sales and a GROUP BY);
#   - mdk.tier_measures('spend', ...) over the same months: the same sums by
#     line of cards (a card with those it replaced, and the cards under it),
#     without reversed sales;
#   - mdk.apply_tier_rules() for today, which sums each measure and period
#     its rules use and moves or gives notice to the cards.
# Prints seconds and the ratio to the reference. The rolled-back rows stay
# as dead rows until the next VACUUM: run it before other benchmarks.
#
#   tests/perf/bench-tier-sales.sh CONNINFO [SALES]
set -euo pipefail

conninfo=$1
sales=${2:-5000000}

psql "$conninfo" -X -q -v ON_ERROR_STOP=1 -v sales="$sales" <<'SQL'
\pset tuples_only on
\pset format unaligned
SELECT count(*) AS cards, (SELECT count(*) FROM mdk.card_tier_rules) AS rules FROM mdk.cards \gset
\echo cards: :cards, tier rules: :rules, sales added: :sales
BEGIN;
SELECT clock_timestamp() AS t0 \gset
WITH picked AS (
  SELECT 1 + floor(random() * (SELECT max(id) FROM mdk.cards))::bigint AS card_id,
         100 + floor(random() * 50000)::bigint AS gross,
         now() - random() * interval '365 days' AS at
  FROM generate_series(1, :sales)
), added AS (
  INSERT INTO mdk.transactions (request_id, request_hash, kind, card_id, store_id, amount, result, created_at)
  SELECT gen_random_uuid(), 'bench', 'consume', p.card_id, c.issued_store_id, p.gross, '{}', p.at
  FROM picked p JOIN mdk.cards c ON c.id = p.card_id
  ORDER BY p.at
  RETURNING id, amount
)
INSERT INTO mdk.sales (transaction_id, gross, discount, paid_value, bonus_value, points_used, points_value,
                       external, points_earned)
SELECT id, amount, amount / 10, amount - amount / 10, 0, 0, 0, 0, (amount - amount / 10) / 100 FROM added;
ANALYZE mdk.transactions;
ANALYZE mdk.sales;
SELECT round(extract(epoch FROM clock_timestamp() - :'t0')::numeric, 1) AS loaded \gset
\echo sales added and analysed in :loaded s

SELECT clock_timestamp() AS t0 \gset
SELECT count(*) AS lines FROM (
  SELECT x.card_id, sum(s.gross - s.discount)
  FROM mdk.transactions x JOIN mdk.sales s ON s.transaction_id = x.id
  WHERE x.kind = 'consume' AND x.created_at >= now() - interval '12 months'
  GROUP BY 1) r \gset
SELECT extract(epoch FROM clock_timestamp() - :'t0') AS reference \gset

SELECT clock_timestamp() AS t0 \gset
SELECT count(*) AS measured FROM mdk.tier_measures('spend', now() - interval '12 months', now()) \gset
SELECT extract(epoch FROM clock_timestamp() - :'t0') AS measures \gset

SELECT clock_timestamp() AS t0 \gset
SELECT mdk.apply_tier_rules(current_date) AS job \gset
SELECT extract(epoch FROM clock_timestamp() - :'t0') AS applied \gset
ROLLBACK;

SELECT format('reference (spend per card, plain SQL):    %s s for %s cards', round(:reference, 2), :lines) \gset r_
\echo :r_format
SELECT format('mdk.tier_measures, spend, 12 months:      %s s for %s lines (ratio to reference %s)',
              round(:measures, 2), :measured, round(:measures / :reference, 2)) \gset m_
\echo :m_format
SELECT format('mdk.apply_tier_rules, first run:          %s s (ratio to reference %s): %s',
              round(:applied, 2), round(:applied / :reference, 2), :'job') \gset a_
\echo :a_format
SQL
