/* test-demo.c: the demo chain is realistic, valid and the same for a seed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "mdk-test-fixture.h"

#define N_MEMBERS 3000

static const char *fingerprint_sql =
  "SELECT md5((SELECT string_agg(m::text, '|' ORDER BY id) FROM mdk.members m) || "
  "(SELECT string_agg(c::text, '|' ORDER BY id) FROM mdk.cards c) || "
  "(SELECT string_agg(s::text, '|' ORDER BY id) FROM (SELECT id, region_id, code, name, city, address FROM mdk.stores) s))";

static MdkTestDb *
demo_db (guint64 seed)
{
  MdkTestDb *db = mdk_test_db_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (mdk_demo_generate (db->conn, N_MEMBERS, seed, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return db;
}

static const char *index_fingerprint_sql =
  "SELECT md5(string_agg(indexdef, ';' ORDER BY indexname)) FROM pg_indexes WHERE schemaname = 'mdk'";

/* The load rebuilds the indexes it drops: the schema is as migrated. */
static void
assert_indexes_intact (PGconn *conn)
{
  g_autoptr(MdkTestDb) fresh = mdk_test_db_new ();
  g_autofree char *expected = mdk_test_query_string (fresh->conn, index_fingerprint_sql);
  g_autofree char *actual = mdk_test_query_string (conn, index_fingerprint_sql);

  g_assert_cmpstr (actual, ==, expected);
}

static void
test_deterministic (void)
{
  g_autoptr(MdkTestDb) a = demo_db (42);
  g_autoptr(MdkTestDb) b = demo_db (42);
  g_autoptr(MdkTestDb) c = demo_db (43);
  g_autofree char *fa = mdk_test_query_string (a->conn, fingerprint_sql);
  g_autofree char *fb = mdk_test_query_string (b->conn, fingerprint_sql);
  g_autofree char *fc = mdk_test_query_string (c->conn, fingerprint_sql);

  g_assert_cmpstr (fa, ==, fb);
  g_assert_cmpstr (fa, !=, fc);
}

static void
test_realistic (void)
{
  g_autoptr(MdkTestDb) db = demo_db (7);
  g_autoptr(PGresult) ids = NULL;
  g_autoptr(PGresult) span = NULL;

  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members"), ==, N_MEMBERS);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.regions"), ==, 7);
  assert_indexes_intact (db->conn);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(DISTINCT city) FROM mdk.stores"), >=, 30);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.stores s WHERE NOT EXISTS "
                                       "(SELECT 1 FROM mdk.terminals t WHERE t.store_id = s.id)"), ==, 0);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(DISTINCT kind) FROM mdk.terminals"), ==, 4);

  /* Every card type, each with cards; every member has a card; affiliates point at a primary. */
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(DISTINCT t.kind) FROM mdk.cards c "
                                       "JOIN mdk.card_types t ON t.id = c.card_type_id"), ==, 7);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members m WHERE NOT EXISTS "
                                       "(SELECT 1 FROM mdk.cards c WHERE c.member_id = m.id)"), ==, 0);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.cards c JOIN mdk.card_types t "
                                       "ON t.id = c.card_type_id WHERE (t.kind = 'affiliate') <> "
                                       "(c.primary_card_id IS NOT NULL)"), ==, 0);
  /* The cards under VIP cards, and only those, keep accounts of their own. */
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.cards c JOIN mdk.cards p ON p.id = c.primary_card_id "
                                       "JOIN mdk.card_types t ON t.id = p.card_type_id WHERE c.own_accounts"), >, 0);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.cards c LEFT JOIN mdk.cards p ON p.id = c.primary_card_id "
                                       "LEFT JOIN mdk.card_types t ON t.id = p.card_type_id "
                                       "WHERE c.own_accounts <> (t.code IS NOT DISTINCT FROM 'VIP')"), ==, 0);
  /* Each member's main card is set, as the cards' trigger would have set it. */
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members m WHERE m.main_card_no IS DISTINCT FROM "
                                       "(SELECT c.card_no FROM mdk.cards c WHERE c.member_id = m.id "
                                       " ORDER BY c.state IN ('cancelled', 'replaced', 'expired'), "
                                       " c.primary_card_id IS NOT NULL, c.id LIMIT 1)"), ==, 0);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM pg_trigger WHERE tgname = 'cards_main_card_insert' "
                                       "AND tgenabled = 'O'"), ==, 1);

  /* Chinese and English names; unique, valid mainland mobile numbers. */
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members WHERE name ~ '^[a-zA-Z]+ [a-zA-Z]+$'"), >, N_MEMBERS / 20);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members WHERE name ~ '^[\\u4e00-\\u9fff]{2,4}$'"), >, N_MEMBERS / 2);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(DISTINCT mobile) FROM mdk.members WHERE mobile ~ '^1[3-9][0-9]{9}$'"), ==, N_MEMBERS);

  /* Feb 29 birthdays exist, nobody is born in the future, joins span ten years. */
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members WHERE extract(month FROM birthday) = 2 "
                                       "AND extract(day FROM birthday) = 29"), >=, 2);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members WHERE birthday > '" MDK_DEMO_ANCHOR_DATE "'"), ==, 0);
  span = mdk_test_exec (db->conn, "SELECT extract(year FROM max(joined_at)) - extract(year FROM min(joined_at)) FROM mdk.members");
  g_assert_cmpint (mdk_pg_get_int64 (span, 0, 0), >=, 9);

  /* Resident ID numbers carry a valid check character and the birthday. */
  ids = mdk_test_exec (db->conn, "SELECT id_number, to_char(birthday, 'YYYYMMDD') FROM mdk.members WHERE id_number IS NOT NULL");
  g_assert_cmpint (PQntuples (ids), >, N_MEMBERS / 10);
  for (int row = 0; row < PQntuples (ids); row++)
    {
      g_assert_true (mdk_demo_id_number_is_valid (PQgetvalue (ids, row, 0)));
      g_assert_true (strncmp (PQgetvalue (ids, row, 0) + 6, PQgetvalue (ids, row, 1), 8) == 0);
    }

  /* Card numbers pass the Luhn check. */
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.cards"), >, N_MEMBERS);
  {
    g_autoptr(PGresult) cards = mdk_test_exec (db->conn, "SELECT card_no FROM mdk.cards ORDER BY id LIMIT 500");

    for (int row = 0; row < PQntuples (cards); row++)
      {
        const char *card_no = PQgetvalue (cards, row, 0);
        g_autofree char *body = g_strndup (card_no, strlen (card_no) - 1);
        g_autofree char *completed = mdk_demo_luhn_complete (body);

        g_assert_cmpstr (completed, ==, card_no);
      }
  }

  /* New rows get fresh ids after the demo's explicit ones. */
  mdk_test_exec (db->conn, "INSERT INTO mdk.regions (code, name) VALUES ('NEW', 'New')");
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT id FROM mdk.regions WHERE code = 'NEW'"), ==, 8);
}

static void
test_check_digits (void)
{
  g_autofree char *luhn = mdk_demo_luhn_complete ("7992739871");

  g_assert_cmpstr (luhn, ==, "79927398713");
  g_assert_true (mdk_demo_id_number_is_valid ("11010519491231002X"));
  g_assert_true (mdk_demo_id_number_is_valid ("440524188001010014"));
  g_assert_false (mdk_demo_id_number_is_valid ("440524188001010015"));
  g_assert_false (mdk_demo_id_number_is_valid ("4405241880010100"));
  g_assert_false (mdk_demo_id_number_is_valid (NULL));
}

static void
test_refuses_non_empty (void)
{
  g_autoptr(MdkTestDb) db = demo_db (1);
  g_autoptr(GError) error = NULL;

  g_assert_false (mdk_demo_generate (db->conn, 10, 1, NULL, NULL, NULL, &error));
  g_assert_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_REFUSED);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members"), ==, N_MEMBERS);
}

static void
cancel_halfway (double   fraction,
                gpointer user_data)
{
  if (fraction >= 0.4)
    g_cancellable_cancel (user_data);
}

static void
test_cancel_leaves_nothing (void)
{
  g_autoptr(MdkTestDb) db = mdk_test_db_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (mdk_demo_generate (db->conn, 50000, 1, cancel_halfway, cancellable, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (PQtransactionStatus (db->conn), ==, PQTRANS_IDLE);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT (SELECT count(*) FROM mdk.members) + "
                                       "(SELECT count(*) FROM mdk.regions) + (SELECT count(*) FROM mdk.cards)"), ==, 0);
  assert_indexes_intact (db->conn);
}

int
main (int   argc,
      char *argv[])
{
  mdk_test_init (&argc, &argv);

  g_test_add_func ("/demo/deterministic", test_deterministic);
  g_test_add_func ("/demo/realistic", test_realistic);
  g_test_add_func ("/demo/check-digits", test_check_digits);
  g_test_add_func ("/demo/refuses-non-empty", test_refuses_non_empty);
  g_test_add_func ("/demo/cancel-leaves-nothing", test_cancel_leaves_nothing);

  return mdk_test_run ();
}
