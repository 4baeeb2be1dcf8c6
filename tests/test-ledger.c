/* test-ledger.c: the stored-value and points ledger's functions, their
 * refusals, retries, and the rules no sequence of requests may break
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "mdk-test-fixture.h"

static MdkTestDb *db;

/* Stores and terminals of the demo chain the tests use. */
static char *store_a;
static char *store_b;
static char *terminal_a;

/* The SQLSTATE of the last refused call. */
static char *last_sqlstate;

/* ---- helpers ---------------------------------------------------------- */

static gint64
query_int (const char *sql)
{
  return mdk_test_query_int (db->conn, sql);
}

/* Runs statements, several at once if need be. */
static void
exec_ok (const char *sql)
{
  g_autoptr(PGresult) result = PQexec (db->conn, sql);

  if (PQresultStatus (result) == PGRES_FATAL_ERROR)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
}

/* Runs a ledger call. Returns its jsonb result as text, or NULL with the
 * error's SQLSTATE in @sqlstate. */
static char *
call (const char  *sql,
      int          n_params,
      const char **params,
      char       **sqlstate)
{
  g_autoptr(PGresult) result = PQexecParams (db->conn, sql, n_params, NULL, params, NULL, NULL, 0);

  if (sqlstate != NULL)
    *sqlstate = NULL;
  g_clear_pointer (&last_sqlstate, g_free);
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      g_test_message ("refused: %s", PQresultErrorMessage (result));
      last_sqlstate = g_strdup (PQresultErrorField (result, PG_DIAG_SQLSTATE));
      if (sqlstate != NULL)
        *sqlstate = g_strdup (last_sqlstate);
      return NULL;
    }
  return g_strdup (PQgetvalue (result, 0, 0));
}

/* A field of a jsonb result, as a number. */
static gint64
field (const char *json,
       const char *name)
{
  const char *params[] = { json, name };
  g_autoptr(PGresult) result = PQexecParams (db->conn, "SELECT ($1::jsonb ->> $2)::bigint", 2, NULL,
                                             params, NULL, NULL, 0);

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  g_assert_false (PQgetisnull (result, 0, 0));
  return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

static char *
recharge (const char *request,
          const char *card_no,
          gint64      amount,
          const char *store,
          char      **sqlstate)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, amount);
  const char *params[] = { request, card_no, text, store };

  return call ("SELECT mdk.recharge($1, $2, $3, 'bank_card', $4, NULL, 'BANK-REF')", 4, params, sqlstate);
}

static char *
consume (const char *request,
         const char *card_no,
         gint64      amount,
         const char *lines,
         gint64      points,
         gint64      external,
         char      **sqlstate)
{
  g_autofree char *a = g_strdup_printf ("%" G_GINT64_FORMAT, amount);
  g_autofree char *p = g_strdup_printf ("%" G_GINT64_FORMAT, points);
  g_autofree char *e = g_strdup_printf ("%" G_GINT64_FORMAT, external);
  const char *params[] = { request, card_no, store_b, a, lines, p, e };

  return call ("SELECT mdk.consume($1, $2, $3, NULL, $4, $5, $6, $7, CASE WHEN $7::bigint > 0 THEN 'cash'::mdk.payment_method END)",
               7, params, sqlstate);
}

static char *
refund (const char *request,
        gint64      sale,
        gint64      amount,
        char      **sqlstate)
{
  g_autofree char *s = g_strdup_printf ("%" G_GINT64_FORMAT, sale);
  g_autofree char *a = g_strdup_printf ("%" G_GINT64_FORMAT, amount);
  const char *params[] = { request, s, a };

  return call ("SELECT mdk.refund($1, $2, $3, 'goods returned')", 3, params, sqlstate);
}

static char *
reverse (const char *request,
         gint64      transaction,
         char      **sqlstate)
{
  g_autofree char *t = g_strdup_printf ("%" G_GINT64_FORMAT, transaction);
  const char *params[] = { request, t };

  return call ("SELECT mdk.reverse($1, $2, 'entered by mistake')", 2, params, sqlstate);
}

static char *
new_request (void)
{
  return g_uuid_string_random ();
}

/* A new card of a type (by code) for a new member, active; returns its number. */
static char *
new_card (const char *type_code,
          const char *primary_no)
{
  static guint serial;
  g_autofree char *card_no = g_strdup_printf ("99%014u", ++serial);
  g_autofree char *mobile = g_strdup_printf ("1990000%04u", serial);
  const char *params[] = { card_no, type_code, primary_no, mobile, store_a };
  g_autoptr(PGresult) result = PQexecParams (db->conn,
    "WITH m AS (INSERT INTO mdk.members (name, mobile, home_store_id, entry_channel) "
    "           VALUES ('Ledger Test', $4, $5::bigint, 'store_counter') RETURNING id) "
    "INSERT INTO mdk.cards (card_no, card_type_id, member_id, primary_card_id, issued_store_id) "
    "SELECT $1, t.id, m.id, (SELECT id FROM mdk.cards WHERE card_no = $3), $5::bigint "
    "FROM m, mdk.card_types t WHERE t.code = $2",
    5, NULL, params, NULL, NULL, 0);

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
  g_assert_cmpstr (PQcmdTuples (result), ==, "1");
  return g_steal_pointer (&card_no);
}

static void
set_card_state (const char *card_no,
                const char *state)
{
  const char *params[] = { card_no, state };
  g_autoptr(PGresult) result = PQexecParams (db->conn, "UPDATE mdk.cards SET state = $2::mdk.card_state WHERE card_no = $1",
                                             2, NULL, params, NULL, NULL, 0);

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
}

static gint64
balance_of (const char *card_no,
            const char *kind)
{
  const char *params[] = { card_no, kind };
  g_autoptr(PGresult) result = PQexecParams (db->conn,
    "SELECT coalesce((SELECT a.balance FROM mdk.accounts a JOIN mdk.cards c ON a.card_id = coalesce(c.primary_card_id, c.id) "
    "                 WHERE c.card_no = $1 AND a.kind = $2::mdk.account_kind), 0)",
    2, NULL, params, NULL, NULL, 0);

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

/* The result of a call that must have been refused with @expected. */
static void
assert_refused (char       *result,
                const char *expected)
{
  g_assert_null (result);
  g_assert_cmpstr (last_sqlstate, ==, expected);
}

static void
assert_ledger_sound (void)
{
  g_autoptr(PGresult) result = mdk_test_exec (db->conn, "SELECT problem, detail FROM mdk.ledger_problems()");

  for (int row = 0; row < PQntuples (result); row++)
    g_test_message ("%s: %s", PQgetvalue (result, row, 0), PQgetvalue (result, row, 1));
  g_assert_cmpint (PQntuples (result), ==, 0);
}

/* ---- tests ------------------------------------------------------------ */

static void
test_recharge (void)
{
  g_autofree char *card = new_card ("PERSONAL", NULL);
  g_autofree char *request = new_request ();
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  gint64 before = query_int ("SELECT count(*) FROM mdk.transactions");

  first = recharge (request, card, 50000, store_a, NULL);
  g_assert_nonnull (first);
  g_assert_cmpint (field (first, "amount"), ==, 50000);
  g_assert_cmpint (field (first, "bonus"), ==, 0);
  g_assert_cmpint (field (first, "balance"), ==, 50000);
  g_assert_cmpint (balance_of (card, "stored_value"), ==, 50000);

  /* The money came in through the store's bank card clearing account. */
  g_assert_cmpint (query_int ("SELECT a.balance FROM mdk.accounts a WHERE a.kind = 'clearing' AND a.method = 'bank_card' "
                              "AND a.store_id = (SELECT store_id FROM mdk.transactions ORDER BY id DESC LIMIT 1)"),
                   <=, -50000);

  /* A retry returns the first result and applies nothing. */
  again = recharge (request, card, 50000, store_a, NULL);
  g_assert_cmpstr (again, ==, first);
  g_assert_cmpint (balance_of (card, "stored_value"), ==, 50000);
  g_assert_cmpint (query_int ("SELECT count(*) FROM mdk.transactions"), ==, before + 1);

  /* The same id for another request is refused. */
  assert_refused (recharge (request, card, 60000, store_a, NULL), "MD001");
  g_assert_cmpint (balance_of (card, "stored_value"), ==, 50000);

  assert_ledger_sound ();
}

static void
test_recharge_bonus (void)
{
  g_autofree char *card = new_card ("PERSONAL", NULL);
  g_autofree char *r1 = new_request ();
  g_autofree char *r2 = new_request ();
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;

  exec_ok ("INSERT INTO mdk.recharge_bonus_rules (name, min_amount, bonus) VALUES "
           "('1,000 gets 100', 100000, 10000), ('2,000 gets 300', 200000, 30000), "
           "('expired', 100000, 99900)");
  exec_ok ("UPDATE mdk.recharge_bonus_rules SET ends_on = current_date - 1 WHERE name = 'expired'");

  small = recharge (r1, card, 99999, store_a, NULL);
  g_assert_cmpint (field (small, "bonus"), ==, 0);
  large = recharge (r2, card, 250000, store_a, NULL);
  g_assert_cmpint (field (large, "bonus"), ==, 30000);
  g_assert_cmpint (balance_of (card, "stored_value"), ==, 349999);
  g_assert_cmpint (balance_of (card, "bonus"), ==, 30000);
  g_assert_cmpint (field (large, "bonus_balance"), ==, 30000);

  exec_ok ("DELETE FROM mdk.recharge_bonus_rules");
  assert_ledger_sound ();
}

static void
test_recharge_refusals (void)
{
  g_autofree char *card = new_card ("PERSONAL", NULL);
  g_autofree char *general = new_card ("GENERAL", NULL);
  gint64 before = query_int ("SELECT count(*) FROM mdk.transactions");

  assert_refused (recharge (new_request (), card, 0, store_a, NULL), "MD005");
  assert_refused (recharge (new_request (), card, -100, store_a, NULL), "MD005");
  assert_refused (recharge (new_request (), "0000000000000000", 100, store_a, NULL), "P0002");
  assert_refused (recharge (new_request (), card, 100, "999999", NULL), "P0002");
  assert_refused (recharge (new_request (), general, 100, store_a, NULL), "MD002");

  for (guint i = 0; i < 3; i++)
    {
      static const char * const states[] = { "lost", "frozen", "cancelled" };

      set_card_state (card, states[i]);
      assert_refused (recharge (new_request (), card, 100, store_a, NULL), "MD002");
    }
  set_card_state (card, "active");
  {
    const char *params[] = { card };

    PQclear (PQexecParams (db->conn, "UPDATE mdk.cards SET expires_on = current_date - 1 WHERE card_no = $1",
                           1, NULL, params, NULL, NULL, 0));
    assert_refused (recharge (new_request (), card, 100, store_a, NULL), "MD002");
    PQclear (PQexecParams (db->conn, "UPDATE mdk.cards SET expires_on = current_date WHERE card_no = $1",
                           1, NULL, params, NULL, NULL, 0));
  }
  g_assert_cmpint (query_int ("SELECT count(*) FROM mdk.transactions"), ==, before);

  /* A card is usable on its last day. */
  {
    g_autofree char *last_day = recharge (new_request (), card, 100, store_a, NULL);

    g_assert_nonnull (last_day);
  }
}

/* Head office designates where and by whom; the database enforces it. */
static void
test_recharge_permissions (void)
{
  g_autofree char *card = new_card ("PERSONAL", NULL);
  g_autofree char *clerk = mdk_test_query_string (db->conn, "SELECT o.id::text FROM mdk.operators o "
                                                  "WHERE o.scope = 'store' ORDER BY o.id LIMIT 1");
  g_autofree char *login = NULL;
  g_autofree char *sql = NULL;

  {
    const char *params[] = { clerk };
    g_autoptr(PGresult) result = PQexecParams (db->conn, "SELECT login FROM mdk.operators WHERE id = $1::bigint",
                                               1, NULL, params, NULL, NULL, 0);

    login = g_strdup (PQgetvalue (result, 0, 0));
  }
  sql = g_strdup_printf ("DROP ROLE IF EXISTS \"%s\"; CREATE ROLE \"%s\"; "
                         "GRANT USAGE ON SCHEMA mdk TO \"%s\"; "
                         "GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA mdk TO \"%s\"; "
                         "GRANT USAGE ON ALL SEQUENCES IN SCHEMA mdk TO \"%s\"",
                         login, login, login, login, login);
  exec_ok (sql);

  /* Only the clerk, and only at store B. */
  exec_ok ("DELETE FROM mdk.recharge_permissions");
  {
    const char *params[] = { store_b, clerk };

    PQclear (PQexecParams (db->conn, "INSERT INTO mdk.recharge_permissions (store_id, operator_id) "
                           "VALUES ($1::bigint, $2::bigint)", 2, NULL, params, NULL, NULL, 0));
  }

  g_free (sql);
  sql = g_strdup_printf ("SET SESSION AUTHORIZATION \"%s\"", login);
  exec_ok (sql);
  assert_refused (recharge (new_request (), card, 100, store_a, NULL), "MD004");
  /* Nor may the clerk change the rules, which are head office's. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (mdk_recharge_rules_allow (db->conn, 0, 0, &error));
    g_assert_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_PERMISSION_DENIED);
    g_clear_error (&error);
    g_assert_false (mdk_recharge_rules_add_bonus (db->conn, 100, 1000000, 0, &error));
    g_assert_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_PERMISSION_DENIED);
  }
  {
    g_autofree char *at_b = recharge (new_request (), card, 100, store_b, NULL);

    g_assert_nonnull (at_b);
  }
  exec_ok ("RESET SESSION AUTHORIZATION");

  /* Head office may anywhere. */
  {
    g_autofree char *head_office = recharge (new_request (), card, 100, store_a, NULL);

    g_assert_nonnull (head_office);
  }
  g_assert_cmpint (balance_of (card, "stored_value"), ==, 200);

  /* Head office changes them through the same functions. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MdkRechargeRules) rules = NULL;

    g_assert_true (mdk_recharge_rules_allow (db->conn, 0, 0, &error));
    g_assert_true (mdk_recharge_rules_add_bonus (db->conn, 50000, 2500, 0, &error));
    g_assert_no_error (error);
    rules = mdk_recharge_rules_load (db->conn, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rules->permissions->len, ==, 2);
    g_assert_cmpuint (rules->bonus_rules->len, ==, 1);
    g_assert_true (mdk_recharge_rules_end_bonus (db->conn, g_array_index (rules->bonus_rules, MdkBonusRule, 0).id,
                                                 &error));
    g_assert_true (mdk_recharge_rules_disallow (db->conn, g_array_index (rules->permissions, MdkRechargePermission, 1).id,
                                                &error));
    g_assert_no_error (error);
    g_clear_pointer (&rules, mdk_recharge_rules_free);
    rules = mdk_recharge_rules_load (db->conn, &error);
    g_assert_cmpuint (rules->bonus_rules->len, ==, 0);
    g_assert_cmpuint (rules->permissions->len, ==, 1);
  }
  exec_ok ("DELETE FROM mdk.recharge_permissions; INSERT INTO mdk.recharge_permissions DEFAULT VALUES");
}

static void
test_consume (void)
{
  /* SILVER: 5% off, 1.2 points per yuan. */
  g_autofree char *card = new_card ("SILVER", NULL);
  g_autofree char *request = new_request ();
  g_autofree char *sale = NULL;
  g_autofree char *again = NULL;

  exec_ok ("INSERT INTO mdk.recharge_bonus_rules (name, min_amount, bonus) VALUES ('test', 10000, 1000)");
  g_free (recharge (new_request (), card, 10000, store_a, NULL));
  exec_ok ("DELETE FROM mdk.recharge_bonus_rules");
  g_assert_cmpint (balance_of (card, "bonus"), ==, 1000);

  /* 105.33 yuan, 5% off is 5.2665, rounded to 5.27: 100.06 due, paid
   * value first, then 0.06 of the bonus. */
  sale = consume (request, card, 10533, NULL, 0, 0, NULL);
  g_assert_nonnull (sale);
  g_assert_cmpint (field (sale, "discount"), ==, 527);
  g_assert_cmpint (field (sale, "due"), ==, 10006);
  g_assert_cmpint (field (sale, "paid_value"), ==, 10000);
  g_assert_cmpint (field (sale, "bonus_value"), ==, 6);
  g_assert_cmpint (field (sale, "points_earned"), ==, 120);
  g_assert_cmpint (field (sale, "balance"), ==, 0);
  g_assert_cmpint (field (sale, "bonus_balance"), ==, 994);
  g_assert_cmpint (field (sale, "points_balance"), ==, 120);

  again = consume (request, card, 10533, NULL, 0, 0, NULL);
  g_assert_cmpstr (again, ==, sale);
  g_assert_cmpint (balance_of (card, "bonus"), ==, 994);
  assert_ledger_sound ();
}

static void
test_consume_split_and_lines (void)
{
  /* GOLD: 10% off, 1.5 points per yuan; here 1 fen per point as payment,
   * and 20% off drinks. */
  g_autofree char *card = new_card ("GOLD", NULL);
  g_autofree char *sale = NULL;

  exec_ok ("SET mdk.changing_card_type = on; UPDATE mdk.card_types SET point_value = 1 WHERE code = 'GOLD'; "
           "RESET mdk.changing_card_type");
  exec_ok ("INSERT INTO mdk.card_type_category_discounts (card_type_id, category, discount_bp) "
           "SELECT id, 'DRINKS', 2000 FROM mdk.card_types WHERE code = 'GOLD'");
  g_free (recharge (new_request (), card, 20000, store_a, NULL));
  {
    g_autofree char *first = consume (new_request (), card, 10000, NULL, 0, 0, NULL);

    g_assert_cmpint (field (first, "points_earned"), ==, 135);
  }

  /* Lines: 50.00 of food at 10% and 30.00 of drinks at 20% = 11.00 off,
   * 69.00 due: 100 points (1.00), 20.00 cash, 48.00 stored value. */
  sale = consume (new_request (), card, 8000, "[{\"category\": \"FOOD\", \"amount\": 5000},"
                  " {\"category\": \"DRINKS\", \"amount\": 3000}]", 100, 2000, NULL);
  g_assert_nonnull (sale);
  g_assert_cmpint (field (sale, "discount"), ==, 1100);
  g_assert_cmpint (field (sale, "points_value"), ==, 100);
  g_assert_cmpint (field (sale, "external"), ==, 2000);
  g_assert_cmpint (field (sale, "stored_value"), ==, 4800);
  /* Earned on 68.00 paid in money: 102 points. */
  g_assert_cmpint (field (sale, "points_earned"), ==, 102);
  g_assert_cmpint (field (sale, "points_balance"), ==, 135 - 100 + 102);
  g_assert_cmpint (field (sale, "balance"), ==, 20000 - 9000 - 4800);
  g_assert_cmpint (query_int ("SELECT count(*) FROM mdk.sale_lines WHERE transaction_id = "
                              "(SELECT max(transaction_id) FROM mdk.sales)"), ==, 2);

  /* Refusals apply nothing. */
  assert_refused (consume (new_request (), card, 8000, "[{\"category\": \"FOOD\", \"amount\": 5000}]", 0, 0, NULL),
                  "MD005");
  assert_refused (consume (new_request (), card, 1000, NULL, 0, 5000, NULL), "MD005");
  assert_refused (consume (new_request (), card, 1000, NULL, 200, 0, NULL), "MD003");
  assert_refused (consume (new_request (), card, 100000, NULL, 0, 0, NULL), "MD003");
  assert_refused (consume (new_request (), card, 0, NULL, 0, 0, NULL), "MD005");
  g_assert_cmpint (balance_of (card, "stored_value"), ==, 6200);
  g_assert_cmpint (balance_of (card, "points"), ==, 137);

  exec_ok ("SET mdk.changing_card_type = on; UPDATE mdk.card_types SET point_value = 0 WHERE code = 'GOLD'; "
           "RESET mdk.changing_card_type");
  assert_refused (consume (new_request (), card, 1000, NULL, 10, 0, NULL), "MD002");
  exec_ok ("DELETE FROM mdk.card_type_category_discounts");
  assert_ledger_sound ();
}

static void
test_consume_refuses_unusable_cards (void)
{
  static const char * const states[] = { "lost", "frozen", "cancelled", "replaced", "expired" };
  g_autofree char *card = new_card ("PERSONAL", NULL);
  gint64 before;

  g_free (recharge (new_request (), card, 5000, store_a, NULL));
  before = query_int ("SELECT count(*) FROM mdk.transactions");
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
    
      set_card_state (card, states[i]);
      assert_refused (consume (new_request (), card, 100, NULL, 0, 0, NULL), "MD002");
    }
  set_card_state (card, "active");
  g_assert_cmpint (query_int ("SELECT count(*) FROM mdk.transactions"), ==, before);
  g_assert_cmpint (balance_of (card, "stored_value"), ==, 5000);
}

/* An affiliate spends its primary's value; a group card goes into credit
 * down to its type's limit. */
static void
test_affiliate_and_group (void)
{
  g_autofree char *primary = new_card ("PERSONAL", NULL);
  g_autofree char *affiliate = new_card ("AFFILIATE", primary);
  g_autofree char *group = new_card ("GROUP", NULL);
  g_autofree char *holder = new_card ("GROUP", group);
  g_autofree char *sale = NULL;
  gint64 limit = query_int ("SELECT credit_limit FROM mdk.card_types WHERE code = 'GROUP'");

  g_free (recharge (new_request (), affiliate, 3000, store_a, NULL));
  g_assert_cmpint (balance_of (primary, "stored_value"), ==, 3000);
  sale = consume (new_request (), affiliate, 1000, NULL, 0, 0, NULL);
  g_assert_cmpint (field (sale, "balance"), ==, 2000);
  g_assert_cmpint (balance_of (primary, "stored_value"), ==, 2000);

  /* GROUP: 8% off; its credit limit lets it go below zero. */
  g_free (recharge (new_request (), group, 1000, store_a, NULL));
  g_clear_pointer (&sale, g_free);
  sale = consume (new_request (), holder, 50000, NULL, 0, 0, NULL);
  g_assert_nonnull (sale);
  g_assert_cmpint (field (sale, "balance"), ==, 1000 - 46000);
  assert_refused (consume (new_request (), holder, limit * 2, NULL, 0, 0, NULL), "MD003");
  assert_ledger_sound ();
}

/* A holder of a group card has a daily limit of its own. */
static void
test_daily_limit (void)
{
  g_autofree char *group = new_card ("GROUP", NULL);
  g_autofree char *holder = new_card ("GROUP", group);
  g_autofree char *first = NULL;
  g_autofree char *sql = g_strdup_printf ("UPDATE mdk.cards SET daily_limit = 10000 WHERE card_no = '%s'", holder);

  exec_ok (sql);
  g_free (recharge (new_request (), group, 100000, store_a, NULL));
  /* GROUP: 8% off, so a sale of 65.22 takes 60.00. */
  first = consume (new_request (), holder, 6522, NULL, 0, 0, NULL);
  g_assert_nonnull (first);
  g_assert_cmpint (field (first, "stored_value"), ==, 6000);
  assert_refused (consume (new_request (), holder, 5435, NULL, 0, 0, NULL), "MD008");
  /* The group card itself has no limit. */
  g_free (consume (new_request (), group, 5435, NULL, 0, 0, NULL));
  /* A refund gives room again. */
  g_free (refund (new_request (), field (first, "transaction"), 6522, NULL));
  {
    g_autofree char *again = consume (new_request (), holder, 5435, NULL, 0, 0, NULL);

    g_assert_nonnull (again);
  }
  assert_ledger_sound ();
}

static void
test_refunds (void)
{
  g_autofree char *card = new_card ("SILVER", NULL);
  g_autofree char *sale = NULL;
  g_autofree char *r3 = NULL;
  gint64 sale_id;
  gint64 paid = 0, bonus = 0, earned = 0;

  exec_ok ("INSERT INTO mdk.recharge_bonus_rules (name, min_amount, bonus) VALUES ('test', 10000, 333)");
  g_free (recharge (new_request (), card, 10000, store_a, NULL));
  exec_ok ("DELETE FROM mdk.recharge_bonus_rules");

  /* 99.99 yuan: 5.00 off, 94.99 due, 12.99 of it in cash. */
  sale = consume (new_request (), card, 9999, NULL, 0, 1299, NULL);
  g_assert_nonnull (sale);
  sale_id = field (sale, "transaction");
  g_assert_cmpint (field (sale, "paid_value"), ==, 8200);

  /* Three refunds of odd shares add up to the sale to the fen. */
  {
    const gint64 parts[] = { 3333, 3333 };

    for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
      {
        g_autofree char *r = refund (new_request (), sale_id, parts[i], NULL);

        g_assert_nonnull (r);
        paid += field (r, "paid_value");
        bonus += field (r, "bonus_value");
        earned += field (r, "points_earned");
      }
  }
  assert_refused (refund (new_request (), sale_id, 3334, NULL), "MD006");
  r3 = refund (new_request (), sale_id, 3333, NULL);
  paid += field (r3, "paid_value");
  earned += field (r3, "points_earned");
  g_assert_cmpint (paid, ==, 8200);
  g_assert_cmpint (bonus, ==, 0);
  g_assert_cmpint (earned, ==, field (sale, "points_earned"));
  g_assert_cmpint (field (r3, "balance"), ==, 10000);
  g_assert_cmpint (field (r3, "points_balance"), ==, 0);
  g_assert_cmpint (query_int ("SELECT sum(external) FROM mdk.sales WHERE sale_id IS NOT NULL AND sale_id = "
                              "(SELECT max(transaction_id) FROM mdk.sales WHERE sale_id IS NULL)"), ==, 1299);
  assert_refused (refund (new_request (), sale_id, 1, NULL), "MD006");

  {
    const char *params[] = { NULL };
    g_autofree char *no_reason = call ("SELECT mdk.refund(gen_random_uuid(), (SELECT max(transaction_id) FROM mdk.sales), 1, '')",
                                       0, params, NULL);

    assert_refused (no_reason, "MD005");
  }
  assert_ledger_sound ();
}

/* Points a sale earned and the member has spent since are reported, not
 * taken below zero. */
static void
test_refund_of_spent_points (void)
{
  g_autofree char *card = new_card ("GOLD", NULL);
  g_autofree char *sale = NULL;
  g_autofree char *back = NULL;

  exec_ok ("SET mdk.changing_card_type = on; UPDATE mdk.card_types SET point_value = 1 WHERE code = 'GOLD'; "
           "RESET mdk.changing_card_type");
  g_free (recharge (new_request (), card, 100000, store_a, NULL));
  sale = consume (new_request (), card, 10000, NULL, 0, 0, NULL);
  g_assert_cmpint (field (sale, "points_earned"), ==, 135);
  g_free (consume (new_request (), card, 1000, NULL, 100, 0, NULL));
  back = refund (new_request (), field (sale, "transaction"), 10000, NULL);
  g_assert_nonnull (back);
  /* 135 earned, 100 spent, 12 earned since: 47 to take back. */
  g_assert_cmpint (field (back, "points_earned"), ==, 47);
  g_assert_cmpint (field (back, "points_not_recovered"), ==, 135 - 47);
  g_assert_cmpint (balance_of (card, "points"), ==, 0);
  exec_ok ("SET mdk.changing_card_type = on; UPDATE mdk.card_types SET point_value = 0 WHERE code = 'GOLD'; "
           "RESET mdk.changing_card_type");
  assert_ledger_sound ();
}

static void
test_reversals (void)
{
  g_autofree char *card = new_card ("PERSONAL", NULL);
  g_autofree char *top_up = recharge (new_request (), card, 5000, store_a, NULL);
  g_autofree char *mistake = recharge (new_request (), card, 7000, store_a, NULL);
  g_autofree char *undo = NULL;
  g_autofree char *sale = NULL;
  g_autofree char *back = NULL;
  g_autofree char *request = new_request ();

  undo = reverse (request, field (mistake, "transaction"), NULL);
  g_assert_nonnull (undo);
  g_assert_cmpint (field (undo, "balance"), ==, 5000);
  assert_refused (reverse (new_request (), field (mistake, "transaction"), NULL), "MD007");
  assert_refused (reverse (new_request (), field (undo, "transaction"), NULL), "MD007");
  {
    g_autofree char *again = reverse (request, field (mistake, "transaction"), NULL);

    g_assert_cmpstr (again, ==, undo);
  }

  /* Value already spent cannot be taken back. */
  sale = consume (new_request (), card, 4000, NULL, 0, 0, NULL);
  assert_refused (reverse (new_request (), field (top_up, "transaction"), NULL), "MD003");

  /* A sale with refunds: the refunds first. */
  back = refund (new_request (), field (sale, "transaction"), 1000, NULL);
  assert_refused (reverse (new_request (), field (sale, "transaction"), NULL), "MD007");
  g_free (reverse (new_request (), field (back, "transaction"), NULL));
  {
    g_autofree char *undone = reverse (new_request (), field (sale, "transaction"), NULL);

    g_assert_nonnull (undone);
    g_assert_cmpint (field (undone, "balance"), ==, 5000);
  }
  assert_refused (refund (new_request (), field (sale, "transaction"), 100, NULL), "MD006");
  assert_ledger_sound ();
}

static void
test_append_only (void)
{
  static const char * const statements[] = {
    "UPDATE mdk.postings SET amount = amount + 1",
    "DELETE FROM mdk.postings",
    "UPDATE mdk.transactions SET amount = 0",
    "DELETE FROM mdk.transactions",
    "TRUNCATE mdk.postings",
  };
  g_autofree char *card = new_card ("PERSONAL", NULL);

  g_free (recharge (new_request (), card, 100, store_a, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    {
      g_autoptr(PGresult) result = PQexec (db->conn, statements[i]);

      g_assert_cmpint (PQresultStatus (result), ==, PGRES_FATAL_ERROR);
    }

  /* Postings that do not balance never commit. */
  {
    g_autoptr(PGresult) result = PQexec (db->conn,
      "BEGIN; "
      "INSERT INTO mdk.transactions (request_id, request_hash, kind, store_id, amount, result) "
      "VALUES (gen_random_uuid(), '', 'recharge', (SELECT min(id) FROM mdk.stores), 1, '{}'); "
      "SELECT mdk.post(currval(pg_get_serial_sequence('mdk.transactions', 'id')), "
      "                ARRAY[(SELECT min(id) FROM mdk.accounts)], ARRAY[1::bigint]); "
      "COMMIT");

    g_assert_cmpint (PQresultStatus (result), ==, PGRES_FATAL_ERROR);
    g_assert_cmpstr (PQresultErrorField (result, PG_DIAG_SQLSTATE), ==, "23514");
  }

  /* Nor do postings to an account that does not exist, even balanced. */
  {
    g_autoptr(PGresult) result = PQexec (db->conn,
      "BEGIN; "
      "INSERT INTO mdk.transactions (request_id, request_hash, kind, store_id, amount, result) "
      "VALUES (gen_random_uuid(), '', 'recharge', (SELECT min(id) FROM mdk.stores), 1, '{}'); "
      "INSERT INTO mdk.postings (transaction_id, n, account_id, amount) VALUES "
      "(currval(pg_get_serial_sequence('mdk.transactions', 'id')), 1, 987654321, 5), "
      "(currval(pg_get_serial_sequence('mdk.transactions', 'id')), 2, (SELECT min(id) FROM mdk.accounts "
      " WHERE kind = 'revenue'), -5); "
      "COMMIT");

    g_assert_cmpint (PQresultStatus (result), ==, PGRES_FATAL_ERROR);
    g_assert_cmpstr (PQresultErrorField (result, PG_DIAG_SQLSTATE), ==, "23514");
  }

  /* A transaction written past the functions, naming a card that does
   * not exist, is reported (and rolled back here). */
  exec_ok ("BEGIN; "
           "INSERT INTO mdk.transactions (request_id, request_hash, kind, card_id, store_id, amount, result) "
           "VALUES (gen_random_uuid(), '', 'recharge', 987654321, (SELECT min(id) FROM mdk.stores), 1, '{}')");
  g_assert_cmpint (query_int ("SELECT count(*) FROM mdk.ledger_problems() "
                              "WHERE problem = 'a reference that does not resolve'"), ==, 1);
  exec_ok ("ROLLBACK");
  assert_ledger_sound ();
}

static void
test_settlement (void)
{
  g_autofree char *card = new_card ("PERSONAL", NULL);
  g_autofree char *top_up = recharge (new_request (), card, 100000, store_a, NULL);
  g_autofree char *sale = consume (new_request (), card, 60000, NULL, 0, 0, NULL);
  g_autofree char *sql = NULL;

  g_free (refund (new_request (), field (sale, "transaction"), 10000, NULL));

  /* From this test's first transaction on: A took in 1,000.00 for the
   * chain, B gave 500.00 of goods for stored value. */
  for (guint i = 0; i < 2; i++)
    {
      g_free (sql);
      sql = g_strdup_printf ("SELECT owes FROM mdk.settlement((SELECT created_at FROM mdk.transactions WHERE id = %"
                             G_GINT64_FORMAT "), now() + interval '1 minute') WHERE store_id = %s",
                             field (top_up, "transaction"), i == 0 ? store_a : store_b);
      g_assert_cmpint (query_int (sql), ==, i == 0 ? 100000 : -50000);
    }
}

/* ---- the C API and the journal ----------------------------------------- */

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static MdkLedgerResult *
send_and_wait (const MdkLedgerRequest  *request,
               GError                 **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  mdk_ledger_send_async (db->database, request, NULL, on_sent, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return mdk_ledger_send_finish (db->database, result, error);
}

static void
test_send (void)
{
  g_autofree char *card = new_card ("SILVER", NULL);
  g_autoptr(MdkLedgerRequest) top_up = mdk_ledger_request_new (MDK_LEDGER_RECHARGE);
  g_autoptr(MdkLedgerRequest) sale = mdk_ledger_request_new (MDK_LEDGER_CONSUME);
  g_autoptr(MdkLedgerRequest) too_much = NULL;
  g_autofree MdkLedgerResult *first = NULL;
  g_autofree MdkLedgerResult *again = NULL;
  g_autofree MdkLedgerResult *sold = NULL;
  g_autofree MdkLedgerResult *refused = NULL;
  g_autoptr(GError) error = NULL;

  top_up->card_no = g_strdup (card);
  top_up->amount = 12345;
  top_up->method = g_strdup ("telecom_card");
  top_up->store_id = g_ascii_strtoll (store_a, NULL, 10);
  top_up->reference = g_strdup ("TEL-001");
  first = send_and_wait (top_up, &error);
  g_assert_no_error (error);
  g_assert_cmpint (first->balance, ==, 12345);
  again = send_and_wait (top_up, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->transaction_id, ==, first->transaction_id);

  sale->card_no = g_strdup (card);
  sale->amount = 10000;
  sale->store_id = g_ascii_strtoll (store_b, NULL, 10);
  sale->external = 500;
  sale->method = g_strdup ("bank_card");
  sold = send_and_wait (sale, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sold->discount, ==, 500);
  g_assert_cmpint (sold->stored_value, ==, 9000);
  g_assert_cmpint (sold->external, ==, 500);
  g_assert_cmpint (sold->balance, ==, 3345);

  too_much = mdk_ledger_request_copy (sale);
  g_free (too_much->request_id);
  too_much->request_id = new_request ();
  refused = send_and_wait (too_much, &error);
  g_assert_null (refused);
  g_assert_error (error, MDK_LEDGER_ERROR, MDK_LEDGER_ERROR_INSUFFICIENT);
  g_test_message ("%s", error->message);
}

static void
wait_idle (MdkPagedList *list)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (mdk_paged_list_get_loading (list))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_null (mdk_paged_list_get_error (list));
}

static void
test_journal (void)
{
  g_autoptr(MdkJournalList) journal = mdk_journal_list_new (db->database);
  g_autoptr(MdkJournalQuery) query = mdk_journal_query_new ();
  g_autofree char *card = new_card ("PERSONAL", NULL);
  g_autofree char *top_up = NULL;
  g_autoptr(GArray) postings = NULL;
  g_autoptr(GError) error = NULL;
  gint64 sum = 0;
  gint64 total;

  top_up = recharge (new_request (), card, 3000, store_a, NULL);
  for (guint i = 0; i < 7; i++)
    g_free (consume (new_request (), card, 100 + i, NULL, 0, 0, NULL));

  /* One card's: newest first, all of them, in pages fetched as looked at. */
  query->card_no = g_strdup (card);
  mdk_paged_list_set_query (MDK_PAGED_LIST (journal), query);
  wait_idle (MDK_PAGED_LIST (journal));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (journal)), ==, 8);
  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(MdkTransaction) transaction = g_list_model_get_item (G_LIST_MODEL (journal), i);

      wait_idle (MDK_PAGED_LIST (journal));
      g_assert_true (mdk_transaction_get_loaded (transaction));
      g_assert_cmpstr (mdk_transaction_get_field (transaction, MDK_TRANSACTION_FIELD_CARD_NO), ==, card);
      g_assert_cmpstr (mdk_transaction_get_field (transaction, MDK_TRANSACTION_FIELD_KIND), ==,
                       i < 7 ? "consume" : "recharge");
      if (i < 7)
        g_assert_cmpint (g_ascii_strtoll (mdk_transaction_get_field (transaction, MDK_TRANSACTION_FIELD_AMOUNT), NULL, 10),
                         ==, 106 - i);
    }

  /* Filters: kind, store, period. */
  g_free (query->kind);
  query->kind = g_strdup ("recharge");
  mdk_paged_list_set_query (MDK_PAGED_LIST (journal), query);
  wait_idle (MDK_PAGED_LIST (journal));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (journal)), ==, 1);

  g_clear_pointer (&query->card_no, g_free);
  query->store_id = g_ascii_strtoll (store_a, NULL, 10);
  total = mdk_journal_count (db->conn, query, &error);
  g_assert_no_error (error);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM mdk.transactions WHERE kind = 'recharge' AND store_id = %s",
                                            store_a);

    g_assert_cmpint (total, ==, query_int (sql));
  }
  query->from = g_strdup ("2000-01-01");
  query->to = g_strdup ("2000-12-31");
  g_assert_cmpint (mdk_journal_count (db->conn, query, &error), ==, 0);

  /* A recharge's postings balance. */
  postings = mdk_journal_load_postings (db->conn, field (top_up, "transaction"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (postings->len, >=, 2);
  for (guint i = 0; i < postings->len; i++)
    sum += g_array_index (postings, MdkPosting, i).amount;
  g_assert_cmpint (sum, ==, 0);
}

/* ---- batch recharge ------------------------------------------------------ */

static char *
write_batch_file (const char *name,
                  const char *contents)
{
  g_autofree char *dir = mdk_test_make_tmpdir ();
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static gint64
store_a_id (void)
{
  return g_ascii_strtoll (store_a, NULL, 10);
}

static void
test_recharge_batch (void)
{
  g_autofree char *good = new_card ("PERSONAL", NULL);
  g_autofree char *other = new_card ("SILVER", NULL);
  g_autofree char *lost = new_card ("PERSONAL", NULL);
  g_autofree char *general = new_card ("GENERAL", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  g_autofree char *report = NULL;
  g_autoptr(MdkRechargeBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before;

  set_card_state (lost, "lost");
  /* A byte-order mark, Chinese headers, a quoted amount with a comma,
   * a blank line, and lines that cannot be recharged. */
  contents = g_strdup_printf ("\xEF\xBB\xBF卡号,金额,凭证号\r\n"
                              "%s,100.50,HR-2026-11-001\r\n"
                              "%s,\"1,000\",HR-2026-11-002\r\n"
                              "\r\n"
                              "0000000000000000,10,HR-2026-11-003\r\n"
                              "%s,abc,HR-2026-11-004\r\n"
                              "%s,20,HR-2026-11-005\r\n"
                              "%s,30,HR-2026-11-006\r\n"
                              ",40,HR-2026-11-007\r\n"
                              "%s,0.01,\r\n",
                              good, other, good, lost, general, good);
  path = write_batch_file ("salary-bonus.csv", contents);

  batch = mdk_recharge_batch_read (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->lines->len, ==, 6);
  g_assert_cmpuint (batch->rejections->len, ==, 2);
  g_assert_true (mdk_recharge_batch_check (db->conn, batch, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (batch->lines->len, ==, 3);
  g_assert_cmpuint (batch->rejections->len, ==, 5);
  g_assert_cmpint (batch->total, ==, 10050 + 100000 + 1);
  g_assert_cmpint (batch->earlier_batch, ==, 0);

  before = query_int ("SELECT count(*) FROM mdk.transactions");
  exec_ok ("BEGIN");
  {
    g_autofree MdkRechargeBatchResult *result = mdk_recharge_batch_apply (db->conn, batch, store_a_id (), NULL, NULL,
                                                                          NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (result->lines, ==, 3);
    g_assert_false (result->again);
  }
  exec_ok ("COMMIT");
  g_assert_cmpint (balance_of (good, "stored_value"), ==, 10051);
  g_assert_cmpint (balance_of (other, "stored_value"), ==, 100000);
  g_assert_cmpint (query_int ("SELECT count(*) FROM mdk.transactions"), ==, before + 3);
  g_assert_cmpint (query_int ("SELECT count(*) FROM mdk.transactions WHERE method = 'enterprise' "
                              "AND reference = 'HR-2026-11-002'"), ==, 1);

  /* The same file again: it says so, and charges nobody twice. */
  {
    g_autoptr(MdkRechargeBatch) again = mdk_recharge_batch_read (path, NULL, &error);
    g_autofree MdkRechargeBatchResult *result = NULL;

    g_assert_true (mdk_recharge_batch_check (db->conn, again, &error));
    g_assert_cmpint (again->earlier_batch, >, 0);
    exec_ok ("BEGIN");
    result = mdk_recharge_batch_apply (db->conn, again, store_a_id (), NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    exec_ok ("COMMIT");
    g_assert_true (result->again);
    g_assert_cmpint (balance_of (good, "stored_value"), ==, 10051);
    g_assert_cmpint (query_int ("SELECT count(*) FROM mdk.transactions"), ==, before + 3);
  }

  /* The report lists each rejected line, its reason and its cells. */
  report = g_build_filename (g_path_get_dirname (path), "report.csv", NULL);
  g_assert_true (mdk_recharge_batch_write_report (batch, report, &error));
  {
    g_autofree char *text = NULL;

    g_assert_true (g_file_get_contents (report, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "HR-2026-11-004"));
    g_assert_nonnull (strstr (text, "HR-2026-11-005"));
    g_assert_null (strstr (text, "HR-2026-11-001"));
  }
  assert_ledger_sound ();
}

static void
test_recharge_batch_cancelled (void)
{
  g_autofree char *card = new_card ("PERSONAL", NULL);
  g_autoptr(GString) contents = g_string_new ("card,amount\n");
  g_autofree char *path = NULL;
  g_autoptr(MdkRechargeBatch) batch = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree MdkRechargeBatchResult *result = NULL;
  gint64 batches = query_int ("SELECT count(*) FROM mdk.recharge_batches");

  for (guint i = 0; i < 1200; i++)
    g_string_append_printf (contents, "%s,1\n", card);
  path = write_batch_file ("large.csv", contents->str);
  batch = mdk_recharge_batch_read (path, NULL, &error);
  g_assert_true (mdk_recharge_batch_check (db->conn, batch, &error));
  g_assert_cmpuint (batch->lines->len, ==, 1200);

  /* Cancelled after the first chunk: the transaction is rolled back. */
  exec_ok ("BEGIN");
  g_cancellable_cancel (cancellable);
  result = mdk_recharge_batch_apply (db->conn, batch, store_a_id (), NULL, NULL, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  exec_ok ("ROLLBACK");
  g_assert_cmpint (balance_of (card, "stored_value"), ==, 0);
  g_assert_cmpint (query_int ("SELECT count(*) FROM mdk.recharge_batches"), ==, batches);

  /* From the command line: exit 0, every line recharged in chunks. */
  {
    const char *admin = g_getenv ("MDK_ADMIN");
    g_autofree char *out = NULL;
    int status = 0;

    if (admin == NULL || !g_file_test (admin, G_FILE_TEST_IS_EXECUTABLE))
      {
        g_test_skip ("MDK_ADMIN does not name memberdesk-admin");
        return;
      }
    {
      g_autofree char *store_code = mdk_test_query_string (db->conn, "SELECT code FROM mdk.stores ORDER BY id LIMIT 1");
      const char *argv[] = { admin, "-d", db->conninfo, "--store", store_code, "recharge-batch", path, NULL };

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                                   &status, &error));
      g_assert_no_error (error);
      g_test_message ("%s", out);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
    }
  }
  g_assert_cmpint (balance_of (card, "stored_value"), ==, 120000);
  assert_ledger_sound ();
}

/* ---- concurrency --------------------------------------------------------
 *
 * Eight clients recharge, spend, refund and reverse on a few shared cards
 * while a ninth kills their connections at random. A client whose
 * connection died does not know whether its request landed: it
 * reconnects and sends the same request again, as integrators must. An
 * independent model adds up the results the clients were given; the
 * ledger must agree with it to the fen. */

#define N_CLIENTS 8
#define N_SHARED_CARDS 4

typedef struct
{
  GMutex      lock;
  char       *cards[N_SHARED_CARDS + 1];
  GHashTable *deltas;      /* transaction id → gint64[N_SHARED_CARDS] change of stored value */
  GArray     *sales;       /* transaction ids of sales */
  GArray     *reversible;  /* transaction ids */
  gint64      model[N_SHARED_CARDS];
  guint       accepted;
  guint       refused;
  guint       retried;
  gint64      deadline;
  gboolean    stop_killing;
} Race;

static void
ignore_notice (void       *data,
               const char *message)
{
}

/* A connection that does not print the server's farewell when killed. */
static PGconn *
connect_quietly (void)
{
  PGconn *conn = PQconnectdb (db->conninfo);

  PQsetNoticeProcessor (conn, ignore_notice, NULL);
  return conn;
}

static gboolean
is_unknown_outcome (PGconn   *conn,
                    PGresult *result)
{
  const char *sqlstate = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;

  return PQstatus (conn) != CONNECTION_OK || sqlstate == NULL
         || g_str_has_prefix (sqlstate, "57P") || g_str_has_prefix (sqlstate, "08");
}

/* Sends a request until it has an answer: a result, or a refusal. */
static PGresult *
send_until_answered (PGconn     **conn,
                     Race        *race,
                     const char  *sql,
                     int          n_params,
                     const char **params)
{
  for (;;)
    {
      PGresult *result;
      const char *sqlstate;

      if (PQstatus (*conn) != CONNECTION_OK)
        {
          PQfinish (*conn);
          *conn = connect_quietly ();
          if (PQstatus (*conn) != CONNECTION_OK)
            {
              g_usleep (10000);
              continue;
            }
        }
      result = PQexecParams (*conn, sql, n_params, NULL, params, NULL, NULL, 0);
      if (PQresultStatus (result) == PGRES_TUPLES_OK)
        return result;
      sqlstate = PQresultErrorField (result, PG_DIAG_SQLSTATE);
      if (is_unknown_outcome (*conn, result) || g_strcmp0 (sqlstate, "40001") == 0
          || g_strcmp0 (sqlstate, "40P01") == 0)
        {
          g_mutex_lock (&race->lock);
          race->retried++;
          g_mutex_unlock (&race->lock);
          PQclear (result);
          continue;
        }
      return result;
    }
}

static gpointer
race_client (gpointer data)
{
  Race *race = data;
  PGconn *conn = connect_quietly ();
  GRand *rand = g_rand_new ();

  while (g_get_monotonic_time () < race->deadline)
    {
      g_autofree char *request = new_request ();
      g_autofree char *amount = g_strdup_printf ("%d", g_rand_int_range (rand, 1, 5000));
      guint card = g_rand_int_range (rand, 0, N_SHARED_CARDS);
      guint op = g_rand_int_range (rand, 0, 10);
      g_autofree char *target = NULL;
      PGresult *result;
      gint64 delta[N_SHARED_CARDS] = { 0 };
      gboolean is_sale = FALSE;

      if (op < 4)
        {
          const char *params[] = { request, race->cards[card], amount, store_a };

          result = send_until_answered (&conn, race, "SELECT r ->> 'transaction', "
                                        "(r ->> 'amount')::bigint + (r ->> 'bonus')::bigint "
                                        "FROM mdk.recharge($1, $2, $3, 'cash', $4) r", 4, params);
          if (PQresultStatus (result) == PGRES_TUPLES_OK)
            delta[card] = g_ascii_strtoll (PQgetvalue (result, 0, 1), NULL, 10);
        }
      else if (op < 7)
        {
          const char *params[] = { request, race->cards[card], store_b, amount };

          result = send_until_answered (&conn, race, "SELECT r ->> 'transaction', "
                                        "-((r ->> 'paid_value')::bigint + (r ->> 'bonus_value')::bigint) "
                                        "FROM mdk.consume($1, $2, $3, NULL, $4) r", 4, params);
          if (PQresultStatus (result) == PGRES_TUPLES_OK)
            {
              delta[card] = g_ascii_strtoll (PQgetvalue (result, 0, 1), NULL, 10);
              is_sale = TRUE;
            }
        }
      else
        {
          GArray *pool;

          g_mutex_lock (&race->lock);
          pool = op < 9 ? race->sales : race->reversible;
          if (pool->len > 0)
            target = g_strdup_printf ("%" G_GINT64_FORMAT,
                                      g_array_index (pool, gint64, g_rand_int_range (rand, 0, pool->len)));
          g_mutex_unlock (&race->lock);
          if (target == NULL)
            continue;

          if (op < 9)
            {
              const char *params[] = { request, target, amount };

              result = send_until_answered (&conn, race, "SELECT r ->> 'transaction', "
                                            "(r ->> 'paid_value')::bigint + (r ->> 'bonus_value')::bigint "
                                            "FROM mdk.refund($1, $2, $3, 'returned') r", 3, params);
            }
          else
            {
              const char *params[] = { request, target };

              result = send_until_answered (&conn, race, "SELECT r ->> 'transaction', NULL "
                                            "FROM mdk.reverse($1, $2, 'mistake') r", 2, params);
            }
        }

      g_mutex_lock (&race->lock);
      if (PQresultStatus (result) != PGRES_TUPLES_OK)
        {
          const char *sqlstate = PQresultErrorField (result, PG_DIAG_SQLSTATE);

          /* Only the refusals the rules call for. */
          if (!g_str_has_prefix (sqlstate, "MD"))
            g_error ("unexpected error: %s", PQresultErrorMessage (result));
          race->refused++;
        }
      else
        {
          gint64 id = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
          gint64 *stored = g_new0 (gint64, N_SHARED_CARDS);

          if (op >= 7 && op < 9)
            {
              /* A refund goes to the sale's card. */
              gint64 *sale = g_hash_table_lookup (race->deltas, target);

              for (guint i = 0; i < N_SHARED_CARDS; i++)
                if (sale[i] != 0)
                  delta[i] = g_ascii_strtoll (PQgetvalue (result, 0, 1), NULL, 10);
            }
          else if (op >= 9)
            {
              gint64 *original = g_hash_table_lookup (race->deltas, target);

              for (guint i = 0; i < N_SHARED_CARDS; i++)
                delta[i] = -original[i];
            }

          memcpy (stored, delta, sizeof delta);
          g_hash_table_insert (race->deltas, g_strdup_printf ("%" G_GINT64_FORMAT, id), stored);
          for (guint i = 0; i < N_SHARED_CARDS; i++)
            race->model[i] += delta[i];
          if (is_sale)
            g_array_append_val (race->sales, id);
          if (op < 9)
            g_array_append_val (race->reversible, id);
          race->accepted++;
        }
      g_mutex_unlock (&race->lock);
      PQclear (result);
    }

  PQfinish (conn);
  g_rand_free (rand);
  return NULL;
}

static gpointer
race_killer (gpointer data)
{
  Race *race = data;
  PGconn *conn = PQconnectdb (db->conninfo);

  while (!race->stop_killing)
    {
      /* Now and then, one connection in the middle of whatever it does. */
      g_usleep (g_random_int_range (20000, 150000));
      PQclear (PQexec (conn, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                       "AND backend_type = 'client backend' AND state = 'active' "
                       "ORDER BY random() LIMIT 1"));
    }
  PQfinish (conn);
  return NULL;
}

static void
test_concurrent_requests (void)
{
  Race race = { 0 };
  GThread *clients[N_CLIENTS];
  GThread *killer;
  guint seconds = g_test_slow () ? 30 : 4;
  PGconn *saved = db->conn;

  g_mutex_init (&race.lock);
  race.deltas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  race.sales = g_array_new (FALSE, FALSE, sizeof (gint64));
  race.reversible = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < N_SHARED_CARDS; i++)
    {
      race.cards[i] = new_card ("PERSONAL", NULL);
      race.model[i] = 0;
    }
  race.deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  /* The killer must not kill the test's own connection. */
  db->conn = NULL;
  killer = g_thread_new ("killer", race_killer, &race);
  for (guint i = 0; i < N_CLIENTS; i++)
    clients[i] = g_thread_new ("client", race_client, &race);
  for (guint i = 0; i < N_CLIENTS; i++)
    g_thread_join (clients[i]);
  race.stop_killing = TRUE;
  g_thread_join (killer);

  PQfinish (saved);
  db->conn = PQconnectdb (db->conninfo);
  g_assert_cmpint (PQstatus (db->conn), ==, CONNECTION_OK);

  g_test_message ("%u accepted, %u refused, %u sent again after a lost connection or a conflict",
                  race.accepted, race.refused, race.retried);
  g_assert_cmpuint (race.accepted, >, 50);
  g_assert_cmpuint (race.retried, >, 0);
  for (guint i = 0; i < N_SHARED_CARDS; i++)
    g_assert_cmpint (balance_of (race.cards[i], "stored_value") + balance_of (race.cards[i], "bonus"), ==, race.model[i]);
  {
    g_autofree char *cards = g_strjoinv ("','", race.cards);
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM mdk.transactions t JOIN mdk.cards c ON c.id = t.card_id "
                                            "WHERE c.card_no IN ('%s')", cards);

    /* Each accepted request once, however often it was sent. */
    g_assert_cmpint (query_int (sql), ==, race.accepted);
  }
  assert_ledger_sound ();

  for (guint i = 0; i < N_SHARED_CARDS; i++)
    g_free (race.cards[i]);
  g_hash_table_unref (race.deltas);
  g_array_unref (race.sales);
  g_array_unref (race.reversible);
  g_mutex_clear (&race.lock);
}

int
main (int   argc,
      char *argv[])
{
  mdk_test_init (&argc, &argv);
  db = mdk_test_db_new_demo (40, 5);
  /* These tests put cards in a state directly; test-cards goes through
   * mdk.card_action(). */
  exec_ok ("SET mdk.changing_card = on");
  store_a = mdk_test_query_string (db->conn, "SELECT min(id)::text FROM mdk.stores");
  store_b = mdk_test_query_string (db->conn, "SELECT max(id)::text FROM mdk.stores");
  terminal_a = mdk_test_query_string (db->conn, "SELECT min(t.id)::text FROM mdk.terminals t WHERE t.store_id = "
                                      "(SELECT min(id) FROM mdk.stores)");

  g_test_add_func ("/ledger/recharge", test_recharge);
  g_test_add_func ("/ledger/recharge-bonus", test_recharge_bonus);
  g_test_add_func ("/ledger/recharge-refusals", test_recharge_refusals);
  g_test_add_func ("/ledger/recharge-permissions", test_recharge_permissions);
  g_test_add_func ("/ledger/consume", test_consume);
  g_test_add_func ("/ledger/consume-split-and-lines", test_consume_split_and_lines);
  g_test_add_func ("/ledger/consume-refuses-unusable-cards", test_consume_refuses_unusable_cards);
  g_test_add_func ("/ledger/affiliate-and-group", test_affiliate_and_group);
  g_test_add_func ("/ledger/daily-limit", test_daily_limit);
  g_test_add_func ("/ledger/refunds", test_refunds);
  g_test_add_func ("/ledger/refund-of-spent-points", test_refund_of_spent_points);
  g_test_add_func ("/ledger/reversals", test_reversals);
  g_test_add_func ("/ledger/append-only", test_append_only);
  g_test_add_func ("/ledger/settlement", test_settlement);
  g_test_add_func ("/ledger/send", test_send);
  g_test_add_func ("/ledger/journal", test_journal);
  g_test_add_func ("/ledger/recharge-batch", test_recharge_batch);
  g_test_add_func ("/ledger/recharge-batch-cancelled", test_recharge_batch_cancelled);
  g_test_add_func ("/ledger/concurrent-requests", test_concurrent_requests);

  return mdk_test_run ();
}
