#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Throughput of mdk.consume() against pgbench's TPC-B-like workload, on the
# same throwaway cluster, with the same client (pgbench), the same number
# of connections and the same duration, in the same run. Prints both rates
# in transactions per second and their ratio (target: at least 0.6).
#
#   tests/perf/bench-ledger.sh BUILD_DIR [SECONDS] [CLIENTS] [MEMBERS]
#
# Run it as a user PostgreSQL accepts (not root).
set -euo pipefail

build=$(realpath "$1")
seconds=${2:-30}
clients=${3:-4}
members=${4:-20000}
bin=$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)
[ -x "$bin/pgbench" ] || bin=/usr/lib/postgresql/15/bin

dir=$(mktemp -d /tmp/mdk-bench-ledger-XXXXXX)
cleanup () {
  "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

mkdir "$dir/s"
"$bin/initdb" -D "$dir/data" -A trust -U bench >/dev/null
"$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-k $dir/s -c listen_addresses= -c max_connections=50 -c shared_buffers=256MB" start >/dev/null
export PGHOST=$dir/s PGUSER=bench
"$bin/createdb" chain
"$bin/createdb" tpcb

echo "Loading a demo chain of $members members..."
"$build/src/admin/memberdesk-admin" -d "host=$dir/s dbname=chain user=bench" demo --members "$members" >/dev/null

# Every card that can pay with stored value gets enough to last the run;
# the benchmark draws among them by number.
psql -X -q -d chain -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE bench_cards (n integer PRIMARY KEY, card_no text NOT NULL);
INSERT INTO bench_cards
  SELECT row_number() OVER (ORDER BY c.id), c.card_no
  FROM mdk.cards c JOIN mdk.card_types t ON t.id = c.card_type_id
  WHERE t.has_stored_value AND c.primary_card_id IS NULL AND c.state = 'active' AND (c.expires_on IS NULL OR c.expires_on >= current_date);
SELECT count(mdk.recharge(gen_random_uuid(), card_no, 100000000, 'cash', (SELECT min(id) FROM mdk.stores)))
  FROM bench_cards;
CREATE TABLE bench_stores (n integer PRIMARY KEY, store_id bigint NOT NULL);
INSERT INTO bench_stores SELECT row_number() OVER (ORDER BY id), id FROM mdk.stores;
VACUUM ANALYZE;
SQL
cards=$(psql -X -At -d chain -c "SELECT count(*) FROM bench_cards")
stores=$(psql -X -At -d chain -c "SELECT count(*) FROM bench_stores")

# A sale of 1.00 to 500.00 yuan on a random card at a random store, with a
# request id as a terminal would make it.
cat > "$dir/consume.sql" <<SQL
\set card random(1, $cards)
\set store random(1, $stores)
\set amount random(100, 50000)
SELECT mdk.consume(gen_random_uuid(), (SELECT card_no FROM bench_cards WHERE n = :card),
                   (SELECT store_id FROM bench_stores WHERE n = :store), NULL, :amount);
SQL

"$bin/pgbench" -i -q -s 10 tpcb >/dev/null 2>&1
tps () { sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | head -1; }

echo "pgbench TPC-B-like, $clients clients, ${seconds} s..."
tpcb=$("$bin/pgbench" -n -c "$clients" -j "$clients" -T "$seconds" tpcb 2>&1 | tps)
echo "mdk.consume, $clients clients, ${seconds} s, $cards cards, $stores stores..."
consume=$("$bin/pgbench" -n -c "$clients" -j "$clients" -T "$seconds" -f "$dir/consume.sql" chain 2>&1 | tps)

problems=$(psql -X -At -d chain -c "SELECT count(*) FROM mdk.ledger_problems()")
sales=$(psql -X -At -d chain -c "SELECT count(*) FROM mdk.transactions WHERE kind = 'consume'")

awk -v a="$tpcb" -v b="$consume" 'BEGIN {
  printf "pgbench TPC-B-like: %.0f tps\n", a
  printf "mdk.consume:        %.0f tps\n", b
  printf "ratio: %.2f (target: at least 0.6)\n", b / a }'
echo "sales recorded: $sales; ledger problems afterwards: $problems"
