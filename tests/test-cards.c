/* test-cards.c: issuing cards and their lifecycle in the database: every
 * state and action, fees, replacements, cancellations, the annual fee and
 * expiry jobs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "mdk-test-fixture.h"

static MdkTestDb *db;
static char *store_a;
static char *store_other_region;
static char *last_sqlstate;

/* ---- helpers ---------------------------------------------------------- */

static gint64
query_int (const char *sql)
{
  return mdk_test_query_int (db->conn, sql);
}

static void
exec_ok (const char *sql)
{
  g_autoptr(PGresult) result = PQexec (db->conn, sql);

  if (PQresultStatus (result) == PGRES_FATAL_ERROR)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
}

static gint64
param_int (const char *sql,
           const char *param)
{
  const char *params[] = { param };
  g_autoptr(PGresult) result = mdk_test_exec_params (db->conn, sql, 1, params);

  g_assert_cmpint (PQntuples (result), ==, 1);
  return PQgetisnull (result, 0, 0) ? -1 : g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

static char *
param_string (const char *sql,
              const char *param)
{
  const char *params[] = { param };

  return mdk_test_query_string_params (db->conn, sql, 1, params);
}

/* A call's jsonb result as text, or NULL with its SQLSTATE in last_sqlstate. */
static char *
call (const char  *sql,
      int          n_params,
      const char **params)
{
  g_autoptr(PGresult) result = PQexecParams (db->conn, sql, n_params, NULL, params, NULL, NULL, 0);

  g_clear_pointer (&last_sqlstate, g_free);
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      g_test_message ("refused: %s", PQresultErrorMessage (result));
      last_sqlstate = g_strdup (PQresultErrorField (result, PG_DIAG_SQLSTATE));
      return NULL;
    }
  return g_strdup (PQgetvalue (result, 0, 0));
}

static void
assert_refused (char       *result,
                const char *expected)
{
  g_assert_null (result);
  g_assert_cmpstr (last_sqlstate, ==, expected);
}

static gint64
field (const char *json,
       const char *name)
{
  const char *params[] = { json, name };
  g_autoptr(PGresult) result = mdk_test_exec_params (db->conn, "SELECT ($1::jsonb ->> $2)::bigint", 2, params);

  return PQgetisnull (result, 0, 0) ? -1 : g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

static char *
text_field (const char *json,
            const char *name)
{
  const char *params[] = { json, name };

  return mdk_test_query_string_params (db->conn, "SELECT $1::jsonb ->> $2", 2, params);
}

static char *
new_request (void)
{
  return g_uuid_string_random ();
}

static char *
new_member (void)
{
  return mdk_test_query_string (db->conn, "INSERT INTO mdk.members (name, home_store_id, entry_channel) "
                                "VALUES ('卡测试', 1, 'store_counter') RETURNING id::text");
}

/* A card type of the test's own: @columns and @values add terms
 * ("", "" for none); returns its id. */
static char *
new_type (const char *code,
          const char *kind,
          const char *columns,
          const char *values)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO mdk.card_types (code, name, kind, number_prefix, number_length%s) "
                                          "VALUES ('%s', '%s', '%s', '%u', 16%s) RETURNING id::text",
                                          columns, code, code, kind, 870 + g_str_hash (code) % 100, values);

  return mdk_test_query_string (db->conn, sql);
}

static char *
issue (const char *request,
       const char *member,
       const char *type,
       const char *store,
       const char *method,
       const char *primary_no,
       const char *card_no)
{
  const char *params[] = { request, member, type, store, method, primary_no, card_no };

  return call ("SELECT mdk.issue_card($1, $2, $3, $4, $5, $6, $7)", 7, params);
}

/* Issues a card of @type to a new member (or @member); returns its number. */
static char *
issue_ok (const char *type,
          const char *member,
          const char *primary_no)
{
  g_autofree char *request = new_request ();
  g_autofree char *holder = member ? g_strdup (member) : new_member ();
  g_autofree char *result = issue (request, holder, type, store_a, "cash", primary_no, NULL);

  g_assert_nonnull (result);
  return text_field (result, "card_no");
}

/* As issue(), with a request of its own. */
static char *
issue_new (const char *member,
           const char *type,
           const char *store,
           const char *method,
           const char *primary_no,
           const char *card_no)
{
  g_autofree char *request = new_request ();

  return issue (request, member, type, store, method, primary_no, card_no);
}

static char *
act (const char *request,
     const char *card_no,
     const char *action,
     const char *method,
     const char *new_card_no)
{
  const char *params[] = { request, card_no, action, store_a, method, new_card_no };

  return call ("SELECT mdk.card_action($1, $2, $3, $4, 'asked at the counter', $5, $6)", 6, params);
}

static char *
act_new (const char *card_no,
         const char *action,
         const char *method,
         const char *new_card_no)
{
  g_autofree char *request = new_request ();

  return act (request, card_no, action, method, new_card_no);
}

static char *
act_ok (const char *card_no,
        const char *action,
        const char *method)
{
  g_autofree char *request = new_request ();
  char *result = act (request, card_no, action, method, NULL);

  g_assert_nonnull (result);
  return result;
}

static char *
state_of (const char *card_no)
{
  return param_string ("SELECT state::text FROM mdk.cards WHERE card_no = $1", card_no);
}

static void
assert_state (const char *card_no,
              const char *expected)
{
  g_autofree char *state = state_of (card_no);

  g_assert_cmpstr (state, ==, expected);
}

/* The balance of @kind of the accounts card @card_no uses (@own: its own
 * accounts, whichever card uses them). */
static gint64
account_balance (const char *card_no,
                 const char *kind,
                 gboolean    own)
{
  const char *params[] = { card_no, kind, own ? "t" : "f" };
  g_autoptr(PGresult) result = mdk_test_exec_params (db->conn,
    "SELECT coalesce((SELECT a.balance FROM mdk.accounts a JOIN mdk.cards c "
    "                 ON a.card_id = CASE WHEN $3::boolean THEN c.id ELSE mdk.account_card(c) END "
    "                 WHERE c.card_no = $1 AND a.kind = $2::mdk.account_kind), 0)", 3, params);

  return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

static gint64
balance_of (const char *card_no,
            const char *kind)
{
  return account_balance (card_no, kind, FALSE);
}

static void
recharge (const char *card_no,
          gint64      amount)
{
  g_autofree char *request = new_request ();
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, amount);
  const char *params[] = { request, card_no, text, store_a };
  g_autofree char *result = call ("SELECT mdk.recharge($1, $2, $3, 'cash', $4)", 4, params);

  g_assert_nonnull (result);
}

static char *
consume (const char *card_no,
         gint64      amount)
{
  g_autofree char *request = new_request ();
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, amount);
  const char *params[] = { request, card_no, store_a, text };

  return call ("SELECT mdk.consume($1, $2, $3, NULL, $4)", 4, params);
}

static void
assert_ledger_sound (void)
{
  g_autoptr(PGresult) result = mdk_test_exec (db->conn, "SELECT problem, detail FROM mdk.ledger_problems()");

  for (int row = 0; row < PQntuples (result); row++)
    g_test_message ("%s: %s", PQgetvalue (result, row, 0), PQgetvalue (result, row, 1));
  g_assert_cmpint (PQntuples (result), ==, 0);
}

/* The type most tests use: stored value and points, a joining fee of
 * 10.00, a replacement fee of 5.00, up to two cards under a card. */
static char *personal_type;

/* ---- tests ------------------------------------------------------------ */

/* A card in @state, reached through the functions. */
static char *
card_in_state (const char *state)
{
  char *card_no = issue_ok (personal_type, NULL, NULL);

  if (g_str_equal (state, "lost"))
    g_free (act_ok (card_no, "report_loss", NULL));
  else if (g_str_equal (state, "frozen"))
    g_free (act_ok (card_no, "freeze", NULL));
  else if (g_str_equal (state, "cancelled"))
    g_free (act_ok (card_no, "cancel", "cash"));
  else if (g_str_equal (state, "replaced"))
    g_free (act_ok (card_no, "replace", "cash"));
  else if (g_str_equal (state, "expired"))
    {
      g_autoptr(PGresult) dated = NULL;
      const char *params[] = { card_no };

      dated = mdk_test_exec_params (db->conn, "UPDATE mdk.cards SET expires_on = current_date - 1 WHERE card_no = $1",
                                    1, params);
      g_assert_cmpint (query_int ("SELECT mdk.expire_cards()"), ==, 1);
    }

  assert_state (card_no, state);
  return card_no;
}

/* Every state against every action: allowed exactly where the lifecycle
 * says, with the new state and an event that says who, where and why;
 * refused with MD009 elsewhere, the card unchanged. */
static void
test_every_state_and_action (void)
{
  static const char * const states[] = { "active", "lost", "frozen", "cancelled", "replaced", "expired" };
  static const char * const actions[] = { "report_loss", "found", "freeze", "unfreeze", "cancel", "replace" };
  /* The lifecycle, written out here: the state each action leads to from
   * each state, NULL where it is refused. */
  static const char * const allowed[G_N_ELEMENTS (states)][G_N_ELEMENTS (actions)] = {
    /* active */    { "lost", NULL, "frozen", NULL, "cancelled", "replaced" },
    /* lost */      { NULL, "active", NULL, NULL, "cancelled", "replaced" },
    /* frozen */    { NULL, NULL, NULL, "active", "cancelled", NULL },
    /* cancelled */ { NULL, NULL, NULL, NULL, NULL, NULL },
    /* replaced */  { NULL, NULL, NULL, NULL, NULL, NULL },
    /* expired */   { NULL, NULL, NULL, NULL, "cancelled", NULL },
  };

  for (guint s = 0; s < G_N_ELEMENTS (states); s++)
    for (guint a = 0; a < G_N_ELEMENTS (actions); a++)
      {
        g_autofree char *card_no = card_in_state (states[s]);
        g_autofree char *request = new_request ();
        gint64 events_before = param_int ("SELECT count(*) FROM mdk.card_events e JOIN mdk.cards c ON c.id = e.card_id "
                                          "WHERE c.card_no = $1", card_no);
        g_autofree char *result = act (request, card_no, actions[a], "cash", NULL);
        g_autofree char *now = state_of (card_no);

        g_test_message ("%s × %s → %s", states[s], actions[a], allowed[s][a] ? allowed[s][a] : "refused");
        if (allowed[s][a] == NULL)
          {
            assert_refused (g_steal_pointer (&result), "MD009");
            g_assert_cmpstr (now, ==, states[s]);
            g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.card_events e JOIN mdk.cards c ON c.id = e.card_id "
                                        "WHERE c.card_no = $1", card_no), ==, events_before);
            continue;
          }

        g_assert_nonnull (result);
        g_assert_cmpstr (now, ==, allowed[s][a]);
        {
          g_autofree char *state_field = text_field (result, "state");
          g_autofree char *event = param_string ("SELECT e.from_state::text || '>' || e.to_state::text || '|' || e.reason || '|' "
                                                 "|| e.store_id || '|' || (e.operator_id IS NOT NULL) || '|' || e.request_id "
                                                 "FROM mdk.card_events e JOIN mdk.cards c ON c.id = e.card_id "
                                                 "WHERE c.card_no = $1 ORDER BY e.id DESC LIMIT 1", card_no);
          g_autofree char *expected = g_strdup_printf ("%s>%s|asked at the counter|%s|true|%s", states[s], allowed[s][a],
                                                       store_a, request);

          g_assert_cmpstr (state_field, ==, allowed[s][a]);
          g_assert_cmpstr (event, ==, expected);
        }
      }
  assert_ledger_sound ();
}

static void
test_issue (void)
{
  g_autofree char *member = new_member ();
  g_autofree char *request = new_request ();
  g_autofree char *first = issue (request, member, personal_type, store_a, "bank_card", NULL, NULL);
  g_autofree char *again = NULL;
  g_autofree char *card_no = NULL;
  g_autofree char *luhn_type = new_type ("T-LUHN", "general", ", number_luhn", ", true");
  gint64 fees_before = query_int ("SELECT coalesce(sum(balance), 0) FROM mdk.accounts WHERE kind = 'fees'");

  g_assert_nonnull (first);
  card_no = text_field (first, "card_no");
  g_assert_cmpint (field (first, "fee"), ==, 1000);
  g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.cards WHERE card_no = $1 AND state = 'active' "
                              "AND expires_on = (current_date + interval '24 months')::date", card_no), ==, 1);

  /* A retry returns the first result; the same id for another card is refused. */
  again = issue (request, member, personal_type, store_a, "bank_card", NULL, NULL);
  g_assert_cmpstr (again, ==, first);
  g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.cards WHERE member_id = $1::bigint", member), ==, 1);
  assert_refused (issue (request, member, personal_type, store_a, "cash", NULL, NULL), "MD001");
  /* The joining fee went to the store's fees through the bank card clearing account. */
  g_assert_cmpint (query_int ("SELECT coalesce(sum(balance), 0) FROM mdk.accounts WHERE kind = 'fees'"), ==, fees_before);
  g_assert_cmpint (param_int ("SELECT t.amount FROM mdk.transactions t JOIN mdk.cards c ON c.id = t.card_id "
                              "WHERE c.card_no = $1 AND t.kind = 'card_fee' AND t.method = 'bank_card'", card_no), ==, 1000);

  /* A fee needs its payment; retired and regional types; blacklisted members. */
  {
    g_autofree char *retired = new_type ("T-RETIRED", "general", ", is_retired", ", true");
    g_autofree char *regional = new_type ("T-REGIONAL", "general", "", "");
    g_autofree char *blacklisted = new_member ();
    g_autofree char *sql = g_strdup_printf ("SELECT mdk.edit_card_type(%s, jsonb_build_object('region_id', "
                                            "(SELECT region_id FROM mdk.stores WHERE id = %s)), 'a regional type')",
                                            regional, store_a);

    exec_ok (sql);
    assert_refused (issue_new (member, personal_type, store_a, NULL, NULL, NULL), "MD005");
    assert_refused (issue_new (member, retired, store_a, NULL, NULL, NULL), "MD002");
    assert_refused (issue_new (member, regional, store_other_region, NULL, NULL, NULL), "MD002");
    g_free (issue_ok (regional, member, NULL));
    g_free (sql);
    sql = g_strdup_printf ("UPDATE mdk.members SET status = 'blacklisted' WHERE id = %s", blacklisted);
    exec_ok (sql);
    assert_refused (issue_new (blacklisted, regional, store_a, NULL, NULL, NULL), "MD009");
  }

  /* Numbers: the type's next, with a check digit where it has one;
   * a pre-printed number must fit and be free. */
  {
    g_autofree char *luhn_no = issue_ok (luhn_type, member, NULL);
    g_autofree char *payload = g_strndup (luhn_no, 15);
    g_autofree char *check = param_string ("SELECT mdk.luhn_digit($1)", payload);
    g_autofree char *wrong = g_strdup (luhn_no);
    g_autofree char *known = param_string ("SELECT mdk.luhn_digit($1)", "7992739871");

    g_assert_cmpuint (strlen (luhn_no), ==, 16);
    g_assert_cmpint (luhn_no[15], ==, check[0]);
    /* The textbook example. */
    g_assert_cmpstr (known, ==, "3");
    /* A number one higher with the same check digit cannot be valid. */
    wrong[14] = wrong[14] == '9' ? '0' : wrong[14] + 1;
    assert_refused (issue_new (member, luhn_type, store_a, NULL, NULL, wrong), "MD011");
    assert_refused (issue_new (member, luhn_type, store_a, NULL, NULL, "1234"), "MD011");
    assert_refused (issue_new (member, luhn_type, store_a, NULL, NULL, luhn_no), "MD011");
  }

  /* The member's list row shows the card. */
  g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.members WHERE id = $1::bigint AND main_card_no IS NOT NULL", member), ==, 1);
  assert_ledger_sound ();
}

/* Cards under a primary: up to its type's maximum, drawing on its
 * balance, stopped while it is frozen, cancelled with it. */
static void
test_affiliates (void)
{
  g_autofree char *primary = issue_ok (personal_type, NULL, NULL);
  g_autofree char *first = issue_ok (personal_type, NULL, primary);
  g_autofree char *second = issue_ok (personal_type, NULL, primary);
  g_autofree char *member = new_member ();
  g_autofree char *sale = NULL;
  g_autofree char *cancelled = NULL;

  assert_refused (issue_new (member, personal_type, store_a, "cash", primary, NULL), "MD010");
  /* An affiliate card needs its primary. */
  {
    g_autofree char *affiliate_type = new_type ("T-AFFILIATE", "affiliate", "", "");

    assert_refused (issue_new (member, affiliate_type, store_a, NULL, NULL, NULL), "MD005");
  }
  assert_refused (issue_new (member, personal_type, store_a, "cash", first, NULL), "MD009");

  /* A cancelled affiliate frees its place. */
  g_free (act_ok (second, "cancel", NULL));
  g_free (second);
  second = issue_ok (personal_type, member, primary);

  recharge (primary, 50000);
  sale = consume (first, 12000);
  g_assert_nonnull (sale);
  g_assert_cmpint (balance_of (primary, "stored_value"), ==, 38000);

  g_free (act_ok (primary, "freeze", NULL));
  assert_refused (consume (first, 100), "MD002");
  g_free (act_ok (primary, "unfreeze", NULL));
  g_free (consume (first, 100));
  /* A lost primary card does not stop the cards under it. */
  g_free (act_ok (primary, "report_loss", NULL));
  g_free (consume (second, 100));
  g_assert_cmpint (balance_of (primary, "stored_value"), ==, 37800);

  cancelled = act_ok (primary, "cancel", "cash");
  g_assert_cmpint (field (cancelled, "cancelled_under"), ==, 2);
  g_assert_cmpint (field (cancelled, "refunded"), ==, 37800);
  assert_state (first, "cancelled");
  assert_state (second, "cancelled");
  assert_refused (consume (first, 100), "MD002");
  assert_ledger_sound ();
}

/* A replacement carries paid value, promotional value and points to the
 * fen and the point, and the cards under it; the old number is dead. */
static void
test_replace (void)
{
  g_autofree char *old_no = issue_ok (personal_type, NULL, NULL);
  g_autofree char *affiliate = issue_ok (personal_type, NULL, old_no);
  g_autofree char *sale = NULL;
  g_autofree char *replaced = NULL;
  g_autofree char *new_no = NULL;
  g_autofree char *member = param_string ("SELECT member_id::text FROM mdk.cards WHERE card_no = $1", old_no);
  gint64 paid, bonus, points;

  exec_ok ("INSERT INTO mdk.recharge_bonus_rules (name, min_amount, bonus) VALUES ('replace test', 100000, 8800)");
  recharge (old_no, 123456);
  exec_ok ("DELETE FROM mdk.recharge_bonus_rules WHERE name = 'replace test'");
  sale = consume (old_no, 20001);
  g_assert_nonnull (sale);
  paid = balance_of (old_no, "stored_value");
  bonus = balance_of (old_no, "bonus");
  points = balance_of (old_no, "points");
  g_assert_cmpint (bonus, >, 0);
  g_assert_cmpint (points, >, 0);
  g_free (act_ok (old_no, "report_loss", NULL));

  /* The fee from the balance: what is left moves, less the fee. */
  replaced = act_ok (old_no, "replace", NULL);
  new_no = text_field (replaced, "new_card_no");
  g_assert_cmpstr (new_no, !=, old_no);
  g_assert_cmpint (field (replaced, "fee"), ==, 500);
  g_assert_cmpint (balance_of (new_no, "stored_value"), ==, paid - 500);
  g_assert_cmpint (balance_of (new_no, "bonus"), ==, bonus);
  g_assert_cmpint (balance_of (new_no, "points"), ==, points);
  g_assert_cmpint (field (replaced, "balance"), ==, paid - 500);
  g_assert_cmpint (param_int ("SELECT sum(a.balance) FROM mdk.accounts a JOIN mdk.cards c ON c.id = a.card_id "
                              "WHERE c.card_no = $1", old_no), ==, 0);

  /* Same type, member and validity; the affiliate now draws on it. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM mdk.cards o, mdk.cards n WHERE o.card_no = '%s' "
                                            "AND n.card_no = '%s' AND n.card_type_id = o.card_type_id "
                                            "AND n.member_id = o.member_id AND n.expires_on = o.expires_on "
                                            "AND n.replaces_card_id = o.id AND n.fees_from = o.fees_from", old_no, new_no);
    g_autofree char *main_card = param_string ("SELECT main_card_no FROM mdk.members WHERE id = $1::bigint", member);

    g_assert_cmpint (query_int (sql), ==, 1);
    g_assert_cmpstr (main_card, ==, new_no);
  }
  {
    g_autofree char *primary = param_string ("SELECT p.card_no FROM mdk.cards c JOIN mdk.cards p ON p.id = c.primary_card_id "
                                             "WHERE c.card_no = $1", affiliate);

    g_assert_cmpstr (primary, ==, new_no);
  }
  g_free (consume (affiliate, 1000));
  g_assert_cmpint (balance_of (new_no, "stored_value"), ==, paid - 1500);

  /* The old number is dead: not usable, not replaceable, not reissued,
   * and nothing is reversed onto it. */
  assert_refused (consume (old_no, 100), "MD002");
  {
    g_autofree char *plain = new_type ("T-PLAIN", "general", ", has_stored_value", ", true");
    g_autofree char *plain_no = issue_ok (plain, NULL, NULL);
    g_autofree char *plain_sale = NULL;
    g_autofree char *request = new_request ();
    g_autofree char *transaction = NULL;

    recharge (plain_no, 3000);
    plain_sale = consume (plain_no, 1000);
    transaction = g_strdup_printf ("%" G_GINT64_FORMAT, field (plain_sale, "transaction"));
    g_free (act_ok (plain_no, "replace", "cash"));
    {
      const char *params[] = { request, transaction };

      /* Reversing the sale would give 10.00 back to the dead card. */
      assert_refused (call ("SELECT mdk.reverse($1, $2::bigint, 'entered twice')", 2, params), "MD007");
    }
  }
  assert_refused (act_new (old_no, "replace", "cash", NULL), "MD009");
  assert_refused (issue_new (member, personal_type, store_a, "cash", NULL, old_no), "MD011");

  /* A fee the balance cannot cover is refused, and nothing happens. */
  {
    g_autofree char *poor = issue_ok (personal_type, NULL, NULL);
    assert_refused (act_new (poor, "replace", NULL, NULL), "MD003");
    assert_state (poor, "active");
  }
  assert_ledger_sound ();
}

/* Cancelling pays the stored value back or forfeits it, as the type says;
 * promotional value and points are forfeited; a group card's credit in
 * use must be settled first. Forfeits are no store's in settlement. */
static void
test_cancel (void)
{
  g_autofree char *forfeiting = new_type ("T-FORFEIT", "general", ", refund_on_cancel, has_stored_value, points_rate_bp",
                                          ", false, true, 10000");
  g_autofree char *refunded_no = issue_ok (personal_type, NULL, NULL);
  g_autofree char *forfeited_no = issue_ok (forfeiting, NULL, NULL);
  g_autofree char *result = NULL;
  gint64 clearing_before = query_int ("SELECT coalesce(sum(balance), 0) FROM mdk.accounts WHERE kind = 'clearing' "
                                      "AND method = 'cash'");
  gint64 points;

  recharge (refunded_no, 30000);
  g_free (consume (refunded_no, 10000));
  points = balance_of (refunded_no, "points");
  g_assert_cmpint (points, >, 0);

  /* Paid back: say how. */
  assert_refused (act_new (refunded_no, "cancel", NULL, NULL), "MD005");
  assert_state (refunded_no, "active");
  result = act_ok (refunded_no, "cancel", "cash");
  g_assert_cmpint (field (result, "refunded"), ==, 20000);
  g_assert_cmpint (field (result, "forfeited"), ==, 0);
  g_assert_cmpint (field (result, "points"), ==, points);
  g_assert_cmpint (field (result, "balance"), ==, 0);
  g_assert_cmpint (field (result, "points_balance"), ==, 0);
  /* Cash paid out: the cash clearing accounts come back up by 300.00 recharged less 200.00 paid back. */
  g_assert_cmpint (query_int ("SELECT coalesce(sum(balance), 0) FROM mdk.accounts WHERE kind = 'clearing' AND method = 'cash'"),
                   ==, clearing_before - 30000 + 20000);

  /* Forfeited: no method needed, and settlement does not credit the store. */
  recharge (forfeited_no, 7700);
  g_free (result);
  {
    gint64 owed_before = query_int ("SELECT coalesce(sum(owes), 0) FROM mdk.settlement('-infinity', 'infinity')");

    result = act_ok (forfeited_no, "cancel", NULL);
    g_assert_cmpint (field (result, "forfeited"), ==, 7700);
    g_assert_cmpint (query_int ("SELECT coalesce(sum(owes), 0) FROM mdk.settlement('-infinity', 'infinity')"), ==, owed_before);
  }
  g_assert_cmpint (query_int ("SELECT sum(balance) FROM mdk.accounts WHERE kind = 'breakage'"), ==, 7700);

  /* A group card with credit in use. */
  {
    g_autofree char *group = new_type ("T-GROUP", "group", ", credit_limit, max_affiliates", ", 50000, 5");
    g_autofree char *group_no = issue_ok (group, NULL, NULL);
    g_autofree char *holder = issue_ok (group, NULL, group_no);

    g_free (consume (holder, 12300));
    g_assert_cmpint (balance_of (group_no, "stored_value"), ==, -12300);
    assert_refused (act_new (group_no, "cancel", "cash", NULL), "MD003");
    assert_state (group_no, "active");
    recharge (group_no, 12300);
    g_free (act_ok (group_no, "cancel", "cash"));
    assert_state (holder, "cancelled");
  }
  assert_ledger_sound ();
}

/* Lost and frozen cards are refused at once by sales and recharges;
 * found and unfrozen, they work again. */
static void
test_lost_and_frozen_refused (void)
{
  g_autofree char *card_no = issue_ok (personal_type, NULL, NULL);
  g_autofree char *request = new_request ();
  const char *params[] = { request, card_no, store_a };

  recharge (card_no, 10000);
  g_free (act_ok (card_no, "report_loss", NULL));
  assert_refused (consume (card_no, 100), "MD002");
  assert_refused (call ("SELECT mdk.recharge($1, $2, 100, 'cash', $3)", 3, params), "MD002");
  g_free (act_ok (card_no, "found", NULL));
  g_free (act_ok (card_no, "freeze", NULL));
  assert_refused (consume (card_no, 100), "MD002");
  g_free (act_ok (card_no, "unfreeze", NULL));
  g_free (consume (card_no, 100));
  g_assert_cmpint (balance_of (card_no, "stored_value"), ==, 9900);
  assert_ledger_sound ();
}

/* A retry of an action returns its first result and does nothing more;
 * a reason is needed; nobody changes a card's state by hand. */
static void
test_requests_and_guard (void)
{
  g_autofree char *card_no = issue_ok (personal_type, NULL, NULL);
  g_autofree char *request = new_request ();
  g_autofree char *first = act (request, card_no, "replace", "cash", NULL);
  g_autofree char *again = act (request, card_no, "replace", "cash", NULL);
  g_autofree char *member = param_string ("SELECT member_id::text FROM mdk.cards WHERE card_no = $1", card_no);
  const char *params[] = { card_no };

  g_assert_nonnull (first);
  g_assert_cmpstr (again, ==, first);
  g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.cards WHERE member_id = $1::bigint", member), ==, 2);
  assert_refused (act (request, card_no, "cancel", "cash", NULL), "MD001");

  {
    g_autofree char *fresh = issue_ok (personal_type, NULL, NULL);
    g_autofree char *r1 = new_request ();
    g_autofree char *r2 = new_request ();
    const char *blank[] = { r1, fresh, store_a };
    const char *unknown[] = { r2, store_a };

    assert_refused (call ("SELECT mdk.card_action($1, $2, 'freeze', $3, '  ')", 3, blank), "MD005");
    assert_refused (call ("SELECT mdk.card_action($1, 'NO-SUCH', 'freeze', $2, 'why')", 2, unknown), "P0002");
  }

  assert_refused (call ("UPDATE mdk.cards SET state = 'active' WHERE card_no = $1 RETURNING 1", 1, params), "42501");
  assert_refused (call ("UPDATE mdk.card_events SET reason = 'x' RETURNING 1", 0, NULL), "42501");
  assert_ledger_sound ();
}

/* Sets when a card was first issued: fees count from that date. */
static void
date_card (const char *card_no,
           const char *issued_on)
{
  const char *params[] = { card_no, issued_on };
  g_autoptr(PGresult) result = mdk_test_exec_params (db->conn, "UPDATE mdk.cards SET fees_from = $2::date, "
                                                     "fees_year = extract(year FROM $2::date) WHERE card_no = $1", 2, params);
}

static char *
charge_annual_fees (const char *on)
{
  const char *params[] = { on };

  return mdk_test_query_string_params (db->conn, "SELECT mdk.charge_annual_fees($1::date)::text", 1, params);
}

/* The annual fee: in the month the card was first issued, once a year
 * however often the job runs, across February 29, after a replacement;
 * due when the balance does not cover it, and paid at a counter. */
static void
test_annual_fees (void)
{
  g_autofree char *feeing = new_type ("T-ANNUAL", "gold", ", annual_fee, affiliate_annual_fee, max_affiliates",
                                      ", 5000, 1500, 3");
  g_autofree char *card_no = issue_ok (feeing, NULL, NULL);
  g_autofree char *affiliate = issue_ok (feeing, NULL, card_no);
  g_autofree char *run = NULL;

  /* Only this test's cards owe fees. */
  g_assert_cmpint (query_int ("SELECT count(*) FROM mdk.card_annual_fees"), ==, 0);
  date_card (card_no, "2024-02-29");
  date_card (affiliate, "2024-02-29");
  recharge (card_no, 20000);

  /* January 2025: not yet. */
  run = charge_annual_fees ("2025-01-31");
  g_assert_cmpint (field (run, "charged"), ==, 0);
  /* February 2025 (no 29th): both, once however often it runs. */
  g_free (run);
  run = charge_annual_fees ("2025-02-01");
  g_assert_cmpint (field (run, "charged"), ==, 2);
  g_assert_cmpint (field (run, "amount"), ==, 6500);
  g_free (run);
  run = charge_annual_fees ("2025-02-28");
  g_assert_cmpint (field (run, "charged"), ==, 0);
  g_assert_cmpint (balance_of (card_no, "stored_value"), ==, 13500);

  /* Replaced in 2025: the new card does not pay 2025 again. */
  g_free (run);
  run = act_ok (card_no, "replace", "cash");
  {
    g_autofree char *new_no = text_field (run, "new_card_no");

    g_free (run);
    run = charge_annual_fees ("2025-12-31");
    g_assert_cmpint (field (run, "charged"), ==, 0);

    /* 2028-02-29: 2026, 2027 and 2028 for each card; the balance covers
     * 135.00 - 3 × 65.00 < 0 only in part: what it cannot cover is due. */
    g_free (run);
    run = charge_annual_fees ("2028-02-29");
    g_assert_cmpint (field (run, "charged"), ==, 4);
    g_assert_cmpint (field (run, "due"), ==, 2);
    g_assert_cmpint (balance_of (new_no, "stored_value"), ==, 13500 - 2 * 5000 - 2 * 1500);
    g_free (run);
    run = charge_annual_fees ("2028-03-01");
    g_assert_cmpint (field (run, "charged"), ==, 0);
    g_assert_cmpint (field (run, "due"), ==, 2);

    /* A due fee paid at the counter; twice is refused. */
    {
      g_autofree char *fee = param_string ("SELECT min(f.id)::text FROM mdk.card_annual_fees f WHERE f.transaction_id IS NULL "
                                           "AND f.amount = 5000 AND $1 <> ''", new_no);
      g_autofree char *r1 = new_request ();
      g_autofree char *r2 = new_request ();
      const char *pay[] = { r1, fee, store_a };
      const char *again[] = { r2, fee, store_a };
      g_autofree char *paid = call ("SELECT mdk.pay_card_fee($1, $2, 'cash', $3)", 3, pay);

      g_assert_nonnull (paid);
      g_assert_cmpint (field (paid, "amount"), ==, 5000);
      assert_refused (call ("SELECT mdk.pay_card_fee($1, $2, 'cash', $3)", 3, again), "MD009");
    }

    /* A recharge lets the next run charge what is still due. */
    recharge (new_no, 10000);
    g_free (run);
    run = charge_annual_fees ("2028-03-02");
    g_assert_cmpint (field (run, "charged"), ==, 1);
    g_assert_cmpint (field (run, "due"), ==, 0);
    g_assert_cmpint (query_int ("SELECT count(*) FROM mdk.card_annual_fees"), ==, 8);
    g_assert_cmpint (query_int ("SELECT count(*) FROM mdk.card_annual_fees WHERE transaction_id IS NULL"), ==, 0);
  }
  exec_ok ("UPDATE mdk.cards SET fees_year = 9999 WHERE fees_year < 9999");
  assert_ledger_sound ();
}

/* A fee raised from nothing is not charged for the years before; a fee
 * left due follows its card's replacement and is paid on the new card. */
static void
test_annual_fee_raised_and_due (void)
{
  g_autofree char *free_type = new_type ("T-FREE", "silver", "", "");
  g_autofree char *card_no = issue_ok (free_type, NULL, NULL);
  g_autofree char *sql = g_strdup_printf ("SELECT mdk.change_card_terms(%s, '{\"annual_fee\": 4000}', 'a fee from now on'), "
                                          "mdk.move_cards_to_current_terms(%s, 'the new fee for all')", free_type, free_type);
  g_autofree char *run = NULL;
  g_autofree char *replaced = NULL;
  g_autofree char *new_no = NULL;

  date_card (card_no, "2024-02-29");
  run = charge_annual_fees ("2025-03-01");
  g_assert_cmpint (field (run, "charged"), ==, 0);
  g_assert_cmpint (field (run, "due"), ==, 0);
  exec_ok (sql);
  g_free (run);
  run = charge_annual_fees ("2025-03-02");
  g_assert_cmpint (field (run, "charged"), ==, 0);
  g_assert_cmpint (field (run, "due"), ==, 0);

  /* 2026: due, as the card holds nothing. */
  g_free (run);
  run = charge_annual_fees ("2026-02-01");
  g_assert_cmpint (field (run, "charged"), ==, 0);
  g_assert_cmpint (field (run, "due"), ==, 1);

  /* Replaced: the fee is the new card's, and still due. */
  replaced = act_ok (card_no, "replace", "cash");
  new_no = text_field (replaced, "new_card_no");
  g_free (run);
  run = charge_annual_fees ("2026-02-02");
  g_assert_cmpint (field (run, "due"), ==, 1);
  {
    g_autofree char *fee = param_string ("SELECT f.id::text FROM mdk.card_annual_fees f JOIN mdk.cards c ON c.id = f.card_id "
                                         "WHERE c.card_no = $1 AND f.transaction_id IS NULL", new_no);
    g_autofree char *request = new_request ();
    const char *pay[] = { request, fee, store_a };
    g_autofree char *paid = call ("SELECT mdk.pay_card_fee($1, $2, 'cash', $3)", 3, pay);
    g_autofree char *paid_card = text_field (paid, "card_no");

    g_assert_cmpstr (paid_card, ==, new_no);
  }
  g_free (run);
  run = charge_annual_fees ("2026-02-03");
  g_assert_cmpint (field (run, "due"), ==, 0);
  exec_ok ("UPDATE mdk.cards SET fees_year = 9999 WHERE fees_year < 9999");
  assert_ledger_sound ();
}

/* Sends @request on a second connection while a card action on this one
 * is not yet committed: the request waits for it, then is refused with
 * @sqlstate. */
static void
assert_waits_for_action (const char  *action_sql,
                         const char **action_params,
                         const char  *request_sql,
                         int          n_request_params,
                         const char **request_params,
                         const char  *sqlstate)
{
  PGconn *other = PQconnectdb (db->conninfo);
  PGresult *result;

  g_assert_cmpint (PQstatus (other), ==, CONNECTION_OK);
  exec_ok ("BEGIN");
  result = PQexecParams (db->conn, action_sql, 3, NULL, action_params, NULL, NULL, 0);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  PQclear (result);

  g_assert_true (PQsendQueryParams (other, request_sql, n_request_params, NULL, request_params, NULL, NULL, 0));
  g_usleep (300 * 1000);
  g_assert_true (PQconsumeInput (other));
  g_assert_true (PQisBusy (other));
  exec_ok ("COMMIT");

  result = PQgetResult (other);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_FATAL_ERROR);
  g_assert_cmpstr (PQresultErrorField (result, PG_DIAG_SQLSTATE), ==, sqlstate);
  PQclear (result);
  while ((result = PQgetResult (other)) != NULL)
    PQclear (result);
  PQfinish (other);
}

/* A request on a card waits for an action on it, and sees its outcome:
 * a recharge sent while the card is being replaced is refused, not left
 * on the dead card. */
static void
test_action_and_request_race (void)
{
  g_autofree char *card_no = issue_ok (personal_type, NULL, NULL);
  g_autofree char *action_request = new_request ();
  g_autofree char *recharge_request = new_request ();
  const char *action[] = { action_request, card_no, store_a };
  const char *recharge_params[] = { recharge_request, card_no, store_a };

  recharge (card_no, 5000);
  /* It waits for the replacement. */
  assert_waits_for_action ("SELECT mdk.card_action($1, $2, 'replace', $3, 'worn out', 'cash')", action,
                           "SELECT mdk.recharge($1, $2, 100, 'cash', $3)", 3, recharge_params, "MD002");

  g_assert_cmpint (param_int ("SELECT sum(a.balance) FROM mdk.accounts a JOIN mdk.cards c ON c.id = a.card_id "
                              "WHERE c.card_no = $1", card_no), ==, 0);
  assert_ledger_sound ();
}

static gint64
sale_discount (const char *card_no,
               const char *lines)
{
  g_autofree char *request = new_request ();
  const char *params[] = { request, card_no, store_a, lines };
  g_autofree char *sale = call ("SELECT mdk.consume($1, $2, $3, NULL, 10000, $4::jsonb)", 4, params);

  g_assert_nonnull (sale);
  return field (sale, "discount");
}

/* A change to a type in use is a new version: cards sold before keep
 * their terms (discount, discounts by category, replacement fee), through
 * a replacement too, until head office moves them; new cards get the new
 * ones. Only head office changes terms. */
static void
test_versioned_terms (void)
{
  g_autofree char *type = new_type ("T-VERSIONED", "gold", ", has_discount, discount_bp, replacement_fee",
                                    ", true, 1000, 300");
  g_autofree char *sql = g_strdup_printf ("INSERT INTO mdk.card_type_category_discounts (card_type_id, category, discount_bp) "
                                          "VALUES (%s, 'FOOD', 500)", type);
  g_autofree char *old_no = NULL;
  g_autofree char *new_no = NULL;
  g_autofree char *replaced = NULL;
  g_autofree char *replacement = NULL;
  const char *food = "[{\"category\": \"FOOD\", \"amount\": 10000}]";

  exec_ok (sql);
  old_no = issue_ok (type, NULL, NULL);
  recharge (old_no, 100000);

  {
    const char *params[] = { type, "{\"discount_bp\": 2000, \"replacement_fee\": 900, "
                             "\"category_discounts\": {\"FOOD\": 3000}}" };
    g_autoptr(PGresult) changed = mdk_test_exec_params (db->conn, "SELECT mdk.change_card_terms($1::bigint, $2::jsonb, "
                                                        "'autumn terms')", 2, params);

    g_assert_cmpstr (PQgetvalue (changed, 0, 0), ==, "2");
  }
  new_no = issue_ok (type, NULL, NULL);
  recharge (new_no, 100000);

  g_assert_cmpint (sale_discount (old_no, NULL), ==, 1000);
  g_assert_cmpint (sale_discount (new_no, NULL), ==, 2000);
  g_assert_cmpint (sale_discount (old_no, food), ==, 500);
  g_assert_cmpint (sale_discount (new_no, food), ==, 3000);

  /* A replacement keeps the old terms, and pays the old fee. */
  replaced = act_ok (old_no, "replace", NULL);
  g_assert_cmpint (field (replaced, "fee"), ==, 300);
  replacement = text_field (replaced, "new_card_no");
  g_assert_cmpint (sale_discount (replacement, NULL), ==, 1000);

  /* Unknown terms and missing reasons are refused; nobody but head office
   * may change terms. */
  {
    const char *unknown[] = { type, "{\"discount\": 5}" };
    const char *params[] = { type };

    assert_refused (call ("SELECT mdk.change_card_terms($1::bigint, $2::jsonb, 'typo')::text", 2, unknown), "MD005");
    assert_refused (call ("SELECT mdk.move_cards_to_current_terms($1::bigint, ' ')::text", 1, params), "MD005");
    exec_ok ("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cards_clerk') THEN "
             "CREATE ROLE cards_clerk LOGIN; END IF; END $$");
    exec_ok ("GRANT USAGE ON SCHEMA mdk TO cards_clerk; GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA mdk TO cards_clerk; "
             "GRANT USAGE ON ALL SEQUENCES IN SCHEMA mdk TO cards_clerk");
    exec_ok ("SET SESSION AUTHORIZATION cards_clerk");
    assert_refused (call ("SELECT mdk.change_card_terms($1::bigint, '{\"discount_bp\": 0}', 'mine')::text", 1, params),
                    "42501");
    exec_ok ("RESET SESSION AUTHORIZATION");
  }

  /* Head office moves the old cards to the current terms. */
  {
    const char *params[] = { type };
    g_autoptr(PGresult) moved = mdk_test_exec_params (db->conn, "SELECT mdk.move_cards_to_current_terms($1::bigint, "
                                                      "'one set of terms for all')", 1, params);

    g_assert_cmpstr (PQgetvalue (moved, 0, 0), ==, "1");
  }
  g_assert_cmpint (sale_discount (replacement, NULL), ==, 2000);
  g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.card_events e JOIN mdk.cards c ON c.id = e.card_id "
                              "WHERE c.card_no = $1 AND e.event = 'terms_changed'", replacement), ==, 1);
  g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.card_type_versions WHERE card_type_id = $1::bigint", type), ==, 2);
  assert_ledger_sound ();
}

static char *
set_daily_limit (const char *request,
                 const char *card_no,
                 const char *limit)
{
  const char *params[] = { request, card_no, limit, store_a };

  return call ("SELECT mdk.set_daily_limit($1, $2, $3::bigint, $4, 'a holder of the family account')", 4, params);
}

/* A card's own daily limit: set, kept to, cleared, each recorded; not on a
 * card that has ended. */
static void
test_daily_limit (void)
{
  g_autofree char *primary = issue_ok (personal_type, NULL, NULL);
  g_autofree char *holder = issue_ok (personal_type, NULL, primary);
  g_autofree char *request = new_request ();
  g_autofree char *first = set_daily_limit (request, holder, "5000");
  g_autofree char *again = set_daily_limit (request, holder, "5000");
  g_autofree char *cleared = NULL;

  recharge (primary, 50000);
  g_assert_nonnull (first);
  g_assert_cmpstr (again, ==, first);
  g_assert_cmpint (field (first, "daily_limit"), ==, 5000);
  assert_refused (consume (holder, 6000), "MD008");
  g_free (consume (holder, 4000));
  assert_refused (consume (holder, 2000), "MD008");
  /* The primary has no limit of its own. */
  g_free (consume (primary, 20000));

  {
    g_autofree char *r = new_request ();

    cleared = set_daily_limit (r, holder, NULL);
    g_assert_nonnull (cleared);
    g_assert_cmpint (field (cleared, "daily_limit"), ==, -1);
  }
  g_free (consume (holder, 2000));
  g_assert_cmpint (balance_of (primary, "stored_value"), ==, 50000 - 4000 - 20000 - 2000);
  g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.card_events e JOIN mdk.cards c ON c.id = e.card_id "
                              "WHERE c.card_no = $1 AND e.event = 'daily_limit'", holder), ==, 2);

  {
    g_autofree char *r1 = new_request ();
    g_autofree char *r2 = new_request ();

    assert_refused (set_daily_limit (r1, holder, "0"), "MD005");
    g_free (act_ok (holder, "cancel", NULL));
    assert_refused (set_daily_limit (r2, holder, "100"), "MD009");
  }
  assert_ledger_sound ();
}

/* Expiry: applied to cards in use whose validity has ended, once. */
static void
test_expiry (void)
{
  g_autofree char *ending = issue_ok (personal_type, NULL, NULL);
  g_autofree char *lasting = issue_ok (personal_type, NULL, NULL);
  const char *params[] = { ending, lasting };
  g_autoptr(PGresult) dated = mdk_test_exec_params (db->conn, "UPDATE mdk.cards SET expires_on = CASE card_no "
                                                    "WHEN $1 THEN current_date - 1 ELSE current_date END "
                                                    "WHERE card_no IN ($1, $2)", 2, params);

  g_assert_cmpint (query_int ("SELECT mdk.expire_cards()"), ==, 1);
  g_assert_cmpint (query_int ("SELECT mdk.expire_cards()"), ==, 0);
  assert_state (ending, "expired");
  assert_state (lasting, "active");
  assert_refused (consume (ending, 100), "MD002");
  g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.card_events e JOIN mdk.cards c ON c.id = e.card_id "
                              "WHERE c.card_no = $1 AND e.event = 'expired'", ending), ==, 1);

  /* The nightly job from the command line. */
  {
    const char *admin = g_getenv ("MDK_ADMIN");
    g_autofree char *out = NULL;
    g_autoptr(GError) error = NULL;
    const char *argv[] = { admin, "-d", db->conninfo, "card-jobs", NULL };
    int status = 0;
    g_autoptr(PGresult) ended = mdk_test_exec_params (db->conn, "UPDATE mdk.cards SET expires_on = current_date - 1 "
                                                      "WHERE card_no = $1", 1, params + 1);

    if (admin == NULL || !g_file_test (admin, G_FILE_TEST_IS_EXECUTABLE))
      {
        g_test_skip ("MDK_ADMIN does not name memberdesk-admin");
        return;
      }
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                                 &status, &error));
    g_assert_no_error (error);
    g_test_message ("%s", out);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_true (g_str_has_prefix (out, "1 "));
    g_assert_nonnull (strstr (out, "\nTiers: "));
    assert_state (lasting, "expired");
  }
}

/* The card list: every page in order, newest first, and each filter as
 * plain SQL has it. */
static void
test_list (void)
{
  static const struct { gint64 type; const char *state; gboolean by_store; gboolean by_region; const char *where; } cases[] = {
    { 0, NULL, FALSE, FALSE, "true" },
    { 0, "cancelled", FALSE, FALSE, "c.state = 'cancelled'" },
    { 1, "active", FALSE, FALSE, "c.card_type_id = 1 AND c.state = 'active'" },
    { 0, NULL, TRUE, FALSE, "c.issued_store_id = $1::bigint" },
    { 0, NULL, FALSE, TRUE, "c.issued_store_id IN (SELECT id FROM mdk.stores WHERE region_id = $1::bigint)" },
  };
  g_autofree char *region = param_string ("SELECT region_id::text FROM mdk.stores WHERE id = $1::bigint", store_a);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MdkCardQuery) query = mdk_card_query_new ();
      g_autofree char *sql = g_strdup_printf ("SELECT c.id FROM mdk.cards c WHERE %s ORDER BY c.id DESC", cases[i].where);
      const char *param = cases[i].by_store ? store_a : cases[i].by_region ? region : NULL;
      const char *params[] = { param };
      g_autoptr(PGresult) expected = mdk_test_exec_params (db->conn, sql, param ? 1 : 0, params);
      g_autoptr(GError) error = NULL;
      MdkPageKey after = { NULL, 0 };
      guint found = 0;

      query->card_type_id = cases[i].type;
      query->state = g_strdup (cases[i].state);
      query->store_id = cases[i].by_store ? g_ascii_strtoll (store_a, NULL, 10) : 0;
      query->region_id = cases[i].by_region ? g_ascii_strtoll (region, NULL, 10) : 0;
      g_assert_cmpint (mdk_card_list_count (db->conn, query, &error), ==, PQntuples (expected));
      g_assert_cmpint (PQntuples (expected), >, 0);

      for (;;)
        {
          g_autoptr(GPtrArray) page = mdk_card_list_fetch (db->conn, query, found ? &after : NULL, 17, &error);

          g_assert_no_error (error);
          for (guint row = 0; row < page->len; row++, found++)
            {
              MdkCardRecord *card = g_ptr_array_index (page, row);

              g_assert_cmpint (mdk_record_get_id (MDK_RECORD (card)), ==, mdk_pg_get_int64 (expected, found, 0));
              g_assert_nonnull (mdk_card_record_get_field (card, MDK_CARD_RECORD_FIELD_CARD_NO));
              g_assert_nonnull (mdk_card_record_get_field (card, MDK_CARD_RECORD_FIELD_MEMBER_NAME));
            }
          if (page->len < 17)
            break;
          after.id = mdk_record_get_id (g_ptr_array_index (page, page->len - 1));
        }
      g_test_message ("case %u: %u cards", i, found);
      g_assert_cmpint (found, ==, PQntuples (expected));
    }
}

/* ---- the designer and tiers ------------------------------------------- */

/* Head office's new type through mdk.create_card_type(); returns its id. */
static char *
create_type (const char *code,
             const char *fields)
{
  const char *params[] = { code, fields };
  g_autofree char *id = call ("SELECT mdk.create_card_type($1, $2::jsonb, 'a new type')::text", 2, params);

  g_assert_nonnull (id);
  return g_steal_pointer (&id);
}

static char *
type_of (const char *card_no)
{
  return param_string ("SELECT card_type_id::text FROM mdk.cards WHERE card_no = $1", card_no);
}

static void
assert_type (const char *card_no,
             const char *type)
{
  g_autofree char *actual = type_of (card_no);

  g_assert_cmpstr (actual, ==, type);
}

static gint64
events_of (const char *card_no,
           const char *event)
{
  const char *params[] = { card_no, event };
  g_autoptr(PGresult) result = mdk_test_exec_params (db->conn, "SELECT count(*) FROM mdk.card_events e "
                                                     "JOIN mdk.cards c ON c.id = e.card_id "
                                                     "WHERE c.card_no = $1 AND e.event = $2::mdk.card_event_kind",
                                                     2, params);

  return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

/* Runs the tier job for today plus @days. */
static void
apply_tiers (int days)
{
  g_autofree char *sql = g_strdup_printf ("SELECT mdk.apply_tier_rules(current_date + %d)", days);

  exec_ok (sql);
}

static char *
set_tier_rules (const char *type,
                const char *rules)
{
  const char *params[] = { type, rules };

  return call ("SELECT mdk.set_card_tier_rules($1::bigint, $2::jsonb, 'tiers for the new year')::text", 2, params);
}

static char *
set_tier (const char *card_no,
          const char *type,
          const char *hold_until)
{
  g_autofree char *request = new_request ();
  const char *params[] = { request, card_no, type, hold_until, store_a };

  return call ("SELECT mdk.set_card_tier($1, $2, $3, $4::date, $5, 'a valued customer')", 5, params);
}

/* Creating, editing and retiring types, each recorded; plain UPDATEs refused. */
static void
test_designer (void)
{
  g_autofree char *type = create_type ("T-DESIGN", "{\"name\": \"设计卡\", \"kind\": \"silver\", \"number_prefix\": \"9801\", "
                                       "\"number_length\": 16, \"number_luhn\": true, \"discount_bp\": 500, "
                                       "\"has_discount\": true, \"face_start\": \"#112233\", \"face_end\": \"#445566\", "
                                       "\"category_discounts\": {\"FOOD\": 800}}");
  g_autofree char *card_no = NULL;

  g_assert_cmpint (param_int ("SELECT discount_bp FROM mdk.card_types WHERE id = $1::bigint", type), ==, 500);
  g_assert_cmpint (param_int ("SELECT version FROM mdk.card_types WHERE id = $1::bigint", type), ==, 1);
  g_assert_cmpint (param_int ("SELECT discount_bp FROM mdk.card_type_category_discounts "
                              "WHERE card_type_id = $1::bigint AND version = 1 AND category = 'FOOD'", type), ==, 800);
  g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.card_type_changes WHERE card_type_id = $1::bigint "
                              "AND change = 'created' AND reason = 'a new type' AND operator_id IS NOT NULL", type), ==, 1);

  /* Refused: a prefix another type of the same length could give, a code
   * taken, no name, a field that is not a type's, a logo that is no image. */
  {
    const char *overlap[] = { "T-OVERLAP", "{\"name\": \"x\", \"kind\": \"general\", \"number_prefix\": \"98\", \"number_length\": 16}" };
    const char *taken[] = { "T-DESIGN", "{\"name\": \"x\", \"kind\": \"general\", \"number_prefix\": \"97\", \"number_length\": 16}" };
    const char *nameless[] = { "T-NAMELESS", "{\"kind\": \"general\", \"number_prefix\": \"97\", \"number_length\": 16}" };
    const char *unknown[] = { "T-UNKNOWN", "{\"name\": \"x\", \"kind\": \"general\", \"number_prefix\": \"97\", "
                              "\"number_length\": 16, \"colour\": \"red\"}" };
    const char *logo[] = { type, "{\"face_logo\": \"aGVsbG8=\"}" };

    assert_refused (call ("SELECT mdk.create_card_type($1, $2::jsonb, 'r')::text", 2, overlap), "MD011");
    assert_refused (call ("SELECT mdk.create_card_type($1, $2::jsonb, 'r')::text", 2, taken), "23505");
    assert_refused (call ("SELECT mdk.create_card_type($1, $2::jsonb, 'r')::text", 2, nameless), "MD005");
    assert_refused (call ("SELECT mdk.create_card_type($1, $2::jsonb, 'r')::text", 2, unknown), "MD005");
    assert_refused (call ("SELECT mdk.edit_card_type($1::bigint, $2::jsonb, 'r')::text", 2, logo), "MD005");
  }

  /* Before it has cards, the number format may change; after, it stays. */
  {
    const char *format[] = { type, "{\"number_prefix\": \"9802\", \"name\": \"设计银卡\"}" };
    const char *back[] = { type, "{\"number_prefix\": \"9801\"}" };
    const char *kind[] = { type, "{\"kind\": \"gold\"}" };
    const char *face[] = { type, "{\"face_start\": \"#AA0000\", \"face_end\": null, "
                           "\"face_logo\": \"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==\"}" };
    g_autoptr(PGresult) edited = mdk_test_exec_params (db->conn, "SELECT mdk.edit_card_type($1::bigint, $2::jsonb, 'a new range')",
                                                       2, format);

    g_assert_cmpint (PQresultStatus (edited), ==, PGRES_TUPLES_OK);
    g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.card_type_changes WHERE card_type_id = $1::bigint "
                                "AND change = 'edited' AND details -> 'number_prefix' = '[\"9801\", \"9802\"]' "
                                "AND details -> 'name' IS NOT NULL AND details -> 'kind' IS NULL", type), ==, 1);
    card_no = issue_ok (type, NULL, NULL);
    g_assert_true (g_str_has_prefix (card_no, "9802"));
    assert_refused (call ("SELECT mdk.edit_card_type($1::bigint, $2::jsonb, 'r')::text", 2, back), "MD011");
    assert_refused (call ("SELECT mdk.edit_card_type($1::bigint, $2::jsonb, 'r')::text", 2, kind), "MD005");
    g_free (call ("SELECT mdk.edit_card_type($1::bigint, $2::jsonb, 'a brighter face')::text", 2, face));
    g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.card_types WHERE id = $1::bigint AND face_start = '#AA0000' "
                                "AND face_end IS NULL AND octet_length(face_logo) > 60", type), ==, 1);
  }

  /* A region only when every card was issued there. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT mdk.edit_card_type(%s, jsonb_build_object('region_id', "
                                            "(SELECT region_id FROM mdk.stores WHERE id = %s)), 'r')::text",
                                            type, store_other_region);

    assert_refused (call (sql, 0, NULL), "MD005");
  }

  /* Retired: no new cards, the old one still served; then restored. */
  {
    const char *params[] = { type };
    g_autofree char *member = new_member ();

    g_free (call ("SELECT mdk.retire_card_type($1::bigint, true, 'replaced by the gold range')::text", 1, params));
    assert_refused (issue_new (member, type, store_a, "cash", NULL, NULL), "MD002");
    recharge (card_no, 1000);
    g_free (call ("SELECT mdk.retire_card_type($1::bigint, false, 'back by demand')::text", 1, params));
    g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.card_type_changes WHERE card_type_id = $1::bigint "
                                "AND change IN ('retired', 'restored')", type), ==, 2);
  }

  /* Only through the functions, and the record stays. */
  {
    g_autoptr(PGresult) plain = PQexec (db->conn, "UPDATE mdk.card_types SET discount_bp = 0 WHERE code = 'T-DESIGN'");
    g_autoptr(PGresult) erase = PQexec (db->conn, "DELETE FROM mdk.card_type_changes");

    g_assert_cmpstr (PQresultErrorField (plain, PG_DIAG_SQLSTATE), ==, "42501");
    g_assert_cmpint (PQresultStatus (erase), ==, PGRES_FATAL_ERROR);
    /* Giving out numbers is not a change of the type. */
    g_assert_cmpint (query_int ("SELECT count(*) FROM mdk.cards WHERE card_type_id = "
                                "(SELECT id FROM mdk.card_types WHERE code = 'T-DESIGN')"), ==, 1);
  }
}

/* Tier rules up a chain and down after a notice and its grace; spend that
 * counts (cards under a card, refunds); a tier set by head office. */
static void
test_tiers (void)
{
  g_autofree char *general = create_type ("T-TIER-GEN", "{\"name\": \"普通\", \"kind\": \"general\", \"number_prefix\": \"9901\", "
                                          "\"number_length\": 16, \"max_affiliates\": 2}");
  g_autofree char *silver = create_type ("T-TIER-SIL", "{\"name\": \"银\", \"kind\": \"silver\", \"number_prefix\": \"9902\", "
                                         "\"number_length\": 16, \"max_affiliates\": 2}");
  g_autofree char *gold = create_type ("T-TIER-GLD", "{\"name\": \"金\", \"kind\": \"gold\", \"number_prefix\": \"9903\", "
                                       "\"number_length\": 16, \"discount_bp\": 1000, \"has_discount\": true}");
  g_autofree char *affiliate = new_type ("T-TIER-AFF", "affiliate", "", "");
  g_autofree char *group = new_type ("T-TIER-GRP", "group", "", "");
  g_autofree char *rules_general = g_strdup_printf ("[{\"direction\": \"up\", \"to_type\": %s, \"measure\": \"spend\", "
                                                    "\"threshold\": 100000, \"period_months\": 12}]", silver);
  g_autofree char *rules_silver = g_strdup_printf ("[{\"direction\": \"up\", \"to_type\": %s, \"measure\": \"spend\", "
                                                   "\"threshold\": 500000, \"period_months\": 12}, "
                                                   "{\"direction\": \"down\", \"to_type\": %s, \"measure\": \"spend\", "
                                                   "\"threshold\": 100000, \"period_months\": 12, \"grace_days\": 30}]",
                                                   gold, general);
  g_autofree char *rules_gold = g_strdup_printf ("[{\"direction\": \"down\", \"to_type\": %s, \"measure\": \"spend\", "
                                                 "\"threshold\": 400000, \"period_months\": 12, \"grace_days\": 30}]", silver);
  g_autofree char *climber = issue_ok (general, NULL, NULL);
  g_autofree char *steady = issue_ok (general, NULL, NULL);
  g_autofree char *refunded = issue_ok (general, NULL, NULL);
  g_autofree char *family = issue_ok (general, NULL, NULL);
  g_autofree char *idle = issue_ok (general, NULL, NULL);
  g_autofree char *child = issue_ok (affiliate, NULL, family);

  /* Refused: a rule to a kind that does not change tier, two rules up, a
   * rule down above the rule up between the same types. */
  {
    g_autofree char *to_group = g_strdup_printf ("[{\"direction\": \"up\", \"to_type\": %s, \"measure\": \"spend\", "
                                                 "\"threshold\": 1, \"period_months\": 12}]", group);
    g_autofree char *two_up = g_strdup_printf ("[{\"direction\": \"up\", \"to_type\": %s, \"measure\": \"spend\", "
                                               "\"threshold\": 1, \"period_months\": 12}, {\"direction\": \"up\", "
                                               "\"to_type\": %s, \"measure\": \"points\", \"threshold\": 1, "
                                               "\"period_months\": 12}]", silver, gold);
    g_autofree char *grace_up = g_strdup_printf ("[{\"direction\": \"up\", \"to_type\": %s, \"measure\": \"spend\", "
                                                 "\"threshold\": 1, \"period_months\": 12, \"grace_days\": 5}]", silver);
    g_autofree char *too_high = g_strdup_printf ("[{\"direction\": \"down\", \"to_type\": %s, \"measure\": \"spend\", "
                                                 "\"threshold\": 600000, \"period_months\": 12, \"grace_days\": 30}]", silver);

    assert_refused (set_tier_rules (general, to_group), "MD005");
    assert_refused (set_tier_rules (general, two_up), "MD005");
    assert_refused (set_tier_rules (general, grace_up), "MD005");
    g_free (set_tier_rules (general, rules_general));
    g_free (set_tier_rules (silver, rules_silver));
    assert_refused (set_tier_rules (gold, too_high), "MD005");
    g_free (set_tier_rules (gold, rules_gold));
    g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.card_type_changes WHERE card_type_id = $1::bigint "
                                "AND change = 'tier_rules' AND jsonb_array_length(details -> 'after') = 2", silver), ==, 1);
  }

  /* Spend: 5,500.00 goes up the chain in one run; 1,500.00 to silver;
   * 1,500.00 less a refund of 600.00 stays; a card under another counts
   * toward its primary. */
  recharge (climber, 600000);
  g_free (consume (climber, 550000));
  recharge (steady, 200000);
  g_free (consume (steady, 150000));
  recharge (refunded, 200000);
  {
    g_autofree char *sale = consume (refunded, 150000);
    g_autofree char *request = new_request ();
    g_autofree char *txn = text_field (sale, "transaction");
    const char *params[] = { request, txn, store_a };

    g_assert_nonnull (call ("SELECT mdk.refund($1, $2::bigint, 60000, 'returned', $3)", 3, params));
  }
  recharge (family, 200000);
  g_free (consume (child, 120000));

  apply_tiers (0);
  assert_type (climber, gold);
  g_assert_cmpint (events_of (climber, "tier_up"), ==, 2);
  g_assert_cmpint (param_int ("SELECT terms_version FROM mdk.cards WHERE card_no = $1", climber), ==, 1);
  assert_type (steady, silver);
  assert_type (refunded, general);
  assert_type (family, silver);
  assert_type (child, affiliate);
  assert_type (idle, general);
  /* The new tier's terms serve the next sale: gold's 10% off. */
  {
    g_autofree char *sale = consume (climber, 10000);

    g_assert_cmpint (field (sale, "discount"), ==, 1000);
  }

  /* Run again: nothing moves. */
  apply_tiers (0);
  g_assert_cmpint (events_of (climber, "tier_up"), ==, 2);
  g_assert_cmpint (events_of (steady, "tier_up"), ==, 1);

  /* A year on, nothing spent since: a notice, the grace, then down one tier. */
  apply_tiers (400);
  g_assert_cmpint (events_of (climber, "tier_notice"), ==, 1);
  g_assert_cmpint (events_of (steady, "tier_notice"), ==, 1);
  g_assert_cmpint (param_int ("SELECT tier_down_on - current_date FROM mdk.cards WHERE card_no = $1", climber), ==, 430);
  apply_tiers (400);
  apply_tiers (429);
  assert_type (climber, gold);
  g_assert_cmpint (events_of (climber, "tier_notice"), ==, 1);
  apply_tiers (430);
  assert_type (climber, silver);
  assert_type (steady, general);
  g_assert_cmpint (events_of (climber, "tier_down"), ==, 1);
  g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.card_events e JOIN mdk.cards c ON c.id = e.card_id "
                              "WHERE c.card_no = $1 AND e.event = 'tier_down' AND e.to_type_id = c.card_type_id "
                              "AND e.reason LIKE 'spend 0 < 400000 over 12 months'", climber), ==, 1);
  /* Just moved down: silver's own rule waits for its period. */
  apply_tiers (431);
  assert_type (climber, silver);
  g_assert_cmpint (events_of (climber, "tier_notice"), ==, 1);

  /* Head office sets a tier by hand and holds it; the rules wait for the
   * day; a notice is withdrawn when the card spends again. */
  {
    g_autofree char *tomorrow = mdk_test_query_string (db->conn, "SELECT (current_date + 1)::text");
    g_autofree char *set = set_tier (idle, silver, tomorrow);
    g_autofree char *yesterday = mdk_test_query_string (db->conn, "SELECT (current_date - 1)::text");

    g_assert_nonnull (set);
    assert_type (idle, silver);
    g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.card_events e JOIN mdk.cards c ON c.id = e.card_id "
                                "WHERE c.card_no = $1 AND e.event = 'tier_set' AND e.operator_id IS NOT NULL "
                                "AND e.from_type_id <> e.to_type_id", idle), ==, 1);
    assert_refused (set_tier (idle, silver, yesterday), "MD005");
    assert_refused (set_tier (child, silver, NULL), "MD005");
    /* The tier has been silver for over a year (as if set long ago). */
    {
      const char *params[] = { idle };

      PQclear (mdk_test_exec_params (db->conn, "UPDATE mdk.cards SET tier_since = current_date - 400 WHERE card_no = $1",
                                     1, params));
    }
    apply_tiers (0);
    g_assert_cmpint (events_of (idle, "tier_notice"), ==, 0);
    apply_tiers (1);
    g_assert_cmpint (events_of (idle, "tier_notice"), ==, 1);
    recharge (idle, 200000);
    g_free (consume (idle, 120000));
    apply_tiers (2);
    g_assert_cmpint (events_of (idle, "tier_kept"), ==, 1);
    g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.cards WHERE card_no = $1 AND tier_down_on IS NULL", idle), ==, 1);
    assert_type (idle, silver);
  }

  /* Only head office sets tiers and rules. */
  exec_ok ("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cards_clerk') THEN "
           "CREATE ROLE cards_clerk LOGIN; END IF; END $$");
  exec_ok ("GRANT USAGE ON SCHEMA mdk TO cards_clerk; GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA mdk TO cards_clerk; "
           "GRANT USAGE ON ALL SEQUENCES IN SCHEMA mdk TO cards_clerk");
  exec_ok ("SET SESSION AUTHORIZATION cards_clerk");
  assert_refused (set_tier (steady, gold, NULL), "42501");
  assert_refused (set_tier_rules (general, "[]"), "42501");
  exec_ok ("RESET SESSION AUTHORIZATION");
  assert_ledger_sound ();
}

static MdkCardTypeDesign *
find_design (GPtrArray  *designs,
             const char *code)
{
  for (guint i = 0; i < designs->len; i++)
    {
      MdkCardTypeDesign *design = g_ptr_array_index (designs, i);

      if (g_str_equal (design->code, code))
        return design;
    }
  g_assert_not_reached ();
}

/* The designer's own calls: a new type with rules, changes that make a new
 * version only when terms change, and a save refused after someone else's. */
static void
test_designer_save (void)
{
  g_autofree char *silver_id = mdk_test_query_string (db->conn, "SELECT id::text FROM mdk.card_types WHERE code = 'SILVER'");
  g_autofree char *silver_card = issue_ok (silver_id, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) designs = mdk_card_type_designs_load (db->conn, &error);
  MdkCardTypeDesign *silver = NULL;
  g_autoptr(MdkCardTypeDesign) fresh = mdk_card_type_design_new ();
  g_autoptr(MdkCardTypeDesign) renamed = NULL;
  g_autoptr(MdkCardTypeDesign) cheaper = NULL;
  g_autoptr(GPtrArray) reloaded = NULL;
  g_autoptr(GPtrArray) history = NULL;
  gint64 id;

  g_assert_no_error (error);
  silver = find_design (designs, "SILVER");
  g_assert_cmpint (silver->up.to_type_id, >, 0);
  g_assert_cmpint (silver->down.grace_days, ==, 30);
  g_assert_cmpint (silver->n_cards, >, 0);

  /* New: a platinum type above gold, with a rule down to gold. */
  g_free (fresh->code);
  fresh->code = g_strdup ("T-PLATINUM");
  g_free (fresh->name);
  fresh->name = g_strdup ("白金卡 \"Platinum\"");
  g_free (fresh->kind);
  fresh->kind = g_strdup ("vip");
  g_free (fresh->number_prefix);
  fresh->number_prefix = g_strdup ("9701");
  fresh->number_luhn = TRUE;
  fresh->terms[MDK_CARD_TERM_DISCOUNT_BP] = 1500;
  fresh->terms[MDK_CARD_TERM_HAS_DISCOUNT] = 1;
  g_assert_cmpint (fresh->terms[MDK_CARD_TERM_AFFILIATES_SHARE], ==, 1);
  fresh->terms[MDK_CARD_TERM_AFFILIATES_SHARE] = 0;
  {
    MdkCategoryDiscount wine = { g_strdup ("WINE"), 2000 };

    g_array_append_val (fresh->category_discounts, wine);
  }
  fresh->down.to_type_id = find_design (designs, "GOLD")->id;
  fresh->down.threshold = 5000000;
  exec_ok ("BEGIN");
  id = mdk_card_type_save (db->conn, NULL, fresh, "a new top tier", &error);
  g_assert_no_error (error);
  exec_ok ("COMMIT");
  g_assert_cmpint (id, >, 0);

  /* A new name changes no terms: no new version. Then cheaper fees do. */
  renamed = mdk_card_type_design_copy (silver);
  g_free (renamed->name);
  renamed->name = g_strdup ("银卡（新）");
  g_free (renamed->face_end);
  renamed->face_end = NULL;
  exec_ok ("BEGIN");
  g_assert_cmpint (mdk_card_type_save (db->conn, silver, renamed, "a clearer name", &error), ==, silver->id);
  g_assert_no_error (error);
  exec_ok ("COMMIT");
  /* Saved over a type changed since it was loaded: refused. */
  cheaper = mdk_card_type_design_copy (silver);
  cheaper->terms[MDK_CARD_TERM_ANNUAL_FEE] = 1000;
  exec_ok ("BEGIN");
  g_assert_cmpint (mdk_card_type_save (db->conn, silver, cheaper, "cheaper", &error), ==, 0);
  g_assert_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_SERIALIZATION_FAILURE);
  g_clear_error (&error);
  exec_ok ("ROLLBACK");

  reloaded = mdk_card_type_designs_load (db->conn, &error);
  g_assert_no_error (error);
  {
    MdkCardTypeDesign *now = find_design (reloaded, "SILVER");
    MdkCardTypeDesign *platinum = find_design (reloaded, "T-PLATINUM");
    g_autoptr(MdkCardTypeDesign) fees = mdk_card_type_design_copy (now);
    g_autofree char *sample = mdk_card_type_design_sample_number (platinum);

    g_assert_cmpstr (now->name, ==, "银卡（新）");
    g_assert_null (now->face_end);
    g_assert_cmpint (now->version, ==, silver->version);
    g_assert_cmpstr (platinum->name, ==, "白金卡 \"Platinum\"");
    g_assert_cmpint (platinum->terms[MDK_CARD_TERM_DISCOUNT_BP], ==, 1500);
    g_assert_cmpint (platinum->category_discounts->len, ==, 1);
    g_assert_cmpint (platinum->terms[MDK_CARD_TERM_AFFILIATES_SHARE], ==, 0);
    g_assert_cmpint (now->terms[MDK_CARD_TERM_AFFILIATES_SHARE], ==, 1);
    g_assert_cmpint (find_design (reloaded, "VIP")->terms[MDK_CARD_TERM_AFFILIATES_SHARE], ==, 0);
    g_assert_cmpint (platinum->down.to_type_id, ==, find_design (reloaded, "GOLD")->id);
    g_assert_cmpint (platinum->down.grace_days, ==, 30);
    g_assert_cmpint (platinum->up.to_type_id, ==, 0);
    /* 9701, eleven digits of serial, a check digit as the database makes it. */
    g_assert_cmpstr (sample, ==, "9701 0000 0000 0011");
    g_assert_cmpint (param_int ("SELECT mdk.luhn_digit($1)::integer", "970100000000001"), ==, 1);

    fees->terms[MDK_CARD_TERM_ANNUAL_FEE] = 1000;
    fees->terms[MDK_CARD_TERM_AFFILIATES_SHARE] = 0;
    fees->up.threshold = 2500000;
    exec_ok ("BEGIN");
    g_assert_cmpint (mdk_card_type_save (db->conn, now, fees, "cheaper, and a higher step to gold", &error), ==, now->id);
    g_assert_no_error (error);
    exec_ok ("COMMIT");
    g_assert_cmpint (param_int ("SELECT version FROM mdk.card_types WHERE code = $1", "SILVER"), ==, now->version + 1);
    g_assert_cmpint (param_int ("SELECT affiliates_share::int FROM mdk.card_types WHERE code = $1", "SILVER"), ==, 0);
    g_assert_cmpint (param_int ("SELECT threshold FROM mdk.card_tier_rules r JOIN mdk.card_types t ON t.id = r.from_type_id "
                                "WHERE t.code = $1 AND r.direction = 'up'", "SILVER"), ==, 2500000);
    /* The type's cards are on the older terms now, and move. */
    {
      gint64 older = param_int ("SELECT count(*) FROM mdk.cards c JOIN mdk.card_types t ON t.id = c.card_type_id "
                                "WHERE t.code = $1 AND c.terms_version <> t.version "
                                "AND c.state IN ('active', 'lost', 'frozen', 'expired')", "SILVER");

      g_assert_cmpint (older, >=, now->n_cards);
      g_assert_cmpint (mdk_card_type_move_cards (db->conn, now->id, "one set of terms", &error), ==, older);
    }
    g_assert_no_error (error);

    history = mdk_card_type_changes_load (db->conn, now->id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (history->len, >=, 3);
    g_assert_cmpstr (((MdkCardTypeChange *) g_ptr_array_index (history, 0))->change, ==, "tier_rules");
    {
      gboolean edited = FALSE, terms = FALSE;

      for (guint i = 0; i < history->len; i++)
        {
          MdkCardTypeChange *change = g_ptr_array_index (history, i);

          edited |= g_str_equal (change->change, "edited") && g_str_equal (change->detail, "face_end,name");
          terms |= g_str_equal (change->change, "terms") && g_strcmp0 (change->reason, "cheaper, and a higher step to gold") == 0;
        }
      g_assert_true (edited);
      g_assert_true (terms);
    }
  }
}

/* Batch issuance: every member of a group gets a holder's card under the
 * group's card, together; members who hold one are skipped; a retry is
 * answered as the first call; a refusal issues nothing. */
static void
test_batch (void)
{
  g_autofree char *group_type = new_type ("T-BATCH-GRP", "group", ", max_affiliates, credit_limit", ", 6, 100000");
  g_autofree char *holder_type = new_type ("T-BATCH-HLD", "personal", ", joining_fee", ", 200");
  g_autofree char *contact = new_member ();
  g_autofree char *group_card = issue_ok (group_type, contact, NULL);
  g_autofree char *group = mdk_test_query_string (db->conn, "INSERT INTO mdk.member_groups (name) VALUES ('某科技有限公司') "
                                                  "RETURNING id::text");
  g_autoptr(MdkCardBatch) batch = mdk_card_batch_new ();
  g_autoptr(GError) error = NULL;
  g_autofree MdkCardBatchResult *result = NULL;
  g_autofree MdkCardBatchResult *again = NULL;
  g_autofree MdkCardBatchPreview *preview = NULL;
  g_autofree char *already = NULL;
  char *members[4];

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      g_autofree char *sql = NULL;

      members[i] = new_member ();
      sql = g_strdup_printf ("UPDATE mdk.members SET group_id = %s WHERE id = %s", group, members[i]);
      exec_ok (sql);
    }
  /* One of them holds a card of the type already. */
  already = issue_ok (holder_type, members[1], group_card);

  batch->member_group_id = g_ascii_strtoll (group, NULL, 10);
  batch->card_type_id = g_ascii_strtoll (holder_type, NULL, 10);
  batch->store_id = g_ascii_strtoll (store_a, NULL, 10);
  batch->method = g_strdup ("enterprise");
  batch->primary_card_no = g_strdup (group_card);
  preview = mdk_card_batch_preview (db->conn, batch, &error);
  g_assert_no_error (error);
  g_assert_cmpint (preview->members, ==, 4);
  g_assert_cmpint (preview->holding, ==, 1);
  g_assert_cmpint (preview->joining_fee, ==, 200);
  g_assert_cmpint (preview->room, ==, 5);

  exec_ok ("BEGIN");
  result = mdk_card_batch_issue (db->conn, batch, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  exec_ok ("COMMIT");
  g_assert_cmpint (result->issued, ==, 3);
  g_assert_cmpint (result->skipped, ==, 1);
  g_assert_cmpint (result->fee, ==, 600);
  g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.cards c JOIN mdk.cards p ON p.id = c.primary_card_id "
                              "WHERE p.card_no = $1 AND c.state = 'active'", group_card), ==, 4);
  g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.card_batch_cards b JOIN mdk.cards c ON c.id = b.card_id "
                              "JOIN mdk.members m ON m.id = c.member_id WHERE m.group_id = $1::bigint", group), ==, 3);
  g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.card_events e JOIN mdk.cards c ON c.id = e.card_id "
                              "WHERE e.event = 'issued' AND c.card_no = $1", result->last_card_no), ==, 1);

  /* Sent again (a lost connection): answered as before, nothing issued twice. */
  exec_ok ("BEGIN");
  again = mdk_card_batch_issue (db->conn, batch, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  exec_ok ("COMMIT");
  g_assert_cmpint (again->issued, ==, 3);
  g_assert_cmpstr (again->last_card_no, ==, result->last_card_no);
  g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.card_batches WHERE member_group_id = $1::bigint", group), ==, 1);

  /* A new member and a blacklisted one: the batch is refused, naming the
   * member, and nobody gets a card. */
  {
    g_autofree char *late = new_member ();
    g_autofree char *barred = new_member ();
    g_autofree char *sql = g_strdup_printf ("UPDATE mdk.members SET group_id = %s, status = CASE WHEN id = %s "
                                            "THEN 'blacklisted'::mdk.member_status ELSE status END WHERE id IN (%s, %s)",
                                            group, barred, late, barred);
    g_autoptr(MdkCardBatch) second = mdk_card_batch_new ();

    exec_ok (sql);
    second->member_group_id = batch->member_group_id;
    second->card_type_id = batch->card_type_id;
    second->store_id = batch->store_id;
    second->method = g_strdup ("enterprise");
    second->primary_card_no = g_strdup (group_card);
    exec_ok ("BEGIN");
    g_assert_null (mdk_card_batch_issue (db->conn, second, NULL, NULL, NULL, &error));
    g_assert_error (error, MDK_LEDGER_ERROR, MDK_LEDGER_ERROR_CARD_STATE);
    g_assert_nonnull (strstr (error->message, barred));
    g_clear_error (&error);
    exec_ok ("ROLLBACK");
    g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.cards WHERE member_id = $1::bigint", late), ==, 0);

    /* Room under the group card for two more only: refused before any card. */
    {
      g_autofree char *extra = new_member ();

      g_free (sql);
      sql = g_strdup_printf ("UPDATE mdk.members SET status = 'active', group_id = %s WHERE id IN (%s, %s)",
                             group, barred, extra);
      exec_ok (sql);
    }
    exec_ok ("BEGIN");
    g_assert_null (mdk_card_batch_issue (db->conn, second, NULL, NULL, NULL, &error));
    g_assert_error (error, MDK_LEDGER_ERROR, MDK_LEDGER_ERROR_CARD_LIMIT);
    g_clear_error (&error);
    exec_ok ("ROLLBACK");
  }

  /* The same request id with another list of members is refused. */
  {
    g_autofree char *request = new_request ();
    const char *one[] = { request, holder_type, store_a, group_card, members[0] };
    const char *other[] = { request, holder_type, store_a, group_card, contact };

    g_assert_nonnull (call ("SELECT mdk.issue_cards($1, $2, $3, 'cash', $4, ARRAY[$5::bigint])", 5, one));
    assert_refused (call ("SELECT mdk.issue_cards($1, $2, $3, 'cash', $4, ARRAY[$5::bigint])", 5, other), "MD001");
  }
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    g_free (members[i]);
  assert_ledger_sound ();
}

/* A loss report's service fee: from the stored value or at the counter,
 * refused when the stored value does not cover it, and kept by the cards
 * sold before it was raised. */
static void
test_service_fee (void)
{
  g_autofree char *type = new_type ("T-SERVICE", "personal", ", service_fee", ", 300");
  g_autofree char *paid_from_card = issue_ok (type, NULL, NULL);
  g_autofree char *paid_in_cash = issue_ok (type, NULL, NULL);
  g_autofree char *too_poor = issue_ok (type, NULL, NULL);
  g_autofree char *result = NULL;

  recharge (paid_from_card, 1000);
  recharge (too_poor, 100);
  result = act_new (paid_from_card, "report_loss", NULL, NULL);
  g_assert_nonnull (result);
  g_assert_cmpint (field (result, "fee"), ==, 300);
  g_assert_cmpint (balance_of (paid_from_card, "stored_value"), ==, 700);
  assert_state (paid_from_card, "lost");
  g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.card_events e JOIN mdk.cards c ON c.id = e.card_id "
                              "JOIN mdk.transactions t ON t.id = e.transaction_id "
                              "WHERE c.card_no = $1 AND e.event = 'reported_lost' AND t.kind = 'card_fee' "
                              "AND t.amount = 300", paid_from_card), ==, 1);
  g_free (result);
  result = act_new (paid_in_cash, "report_loss", "cash", NULL);
  g_assert_nonnull (result);
  g_assert_cmpint (balance_of (paid_in_cash, "stored_value"), ==, 0);
  g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.transactions t JOIN mdk.cards c ON c.id = t.card_id "
                              "WHERE c.card_no = $1 AND t.kind = 'card_fee' AND t.method = 'cash'", paid_in_cash), ==, 1);
  assert_refused (act_new (too_poor, "report_loss", NULL, NULL), "MD003");
  assert_state (too_poor, "active");
  /* Found again: no fee. */
  g_free (result);
  result = act_new (paid_from_card, "found", NULL, NULL);
  g_assert_nonnull (result);
  g_assert_cmpint (balance_of (paid_from_card, "stored_value"), ==, 700);

  /* Raised to 5.00: the cards sold before still pay 3.00, a new one 5.00. */
  {
    const char *params[] = { type };
    g_autofree char *newer = NULL;

    g_free (call ("SELECT mdk.change_card_terms($1::bigint, '{\"service_fee\": 500}', 'dearer')::text", 1, params));
    newer = issue_ok (type, NULL, NULL);
    recharge (newer, 1000);
    g_free (result);
    result = act_new (paid_from_card, "report_loss", NULL, NULL);
    g_assert_cmpint (field (result, "fee"), ==, 300);
    g_free (result);
    result = act_new (newer, "report_loss", NULL, NULL);
    g_assert_cmpint (field (result, "fee"), ==, 500);
    g_assert_cmpint (param_int ("SELECT (terms ->> 'service_fee')::bigint FROM mdk.card_type_versions "
                                "WHERE card_type_id = $1::bigint AND version = 1", type), ==, 300);
  }
  assert_ledger_sound ();
}

/* What a card's own accounts hold, whichever card uses them. */
static gint64
own_balance_of (const char *card_no,
                const char *kind)
{
  return account_balance (card_no, kind, TRUE);
}

static gboolean
has_own_accounts (const char *card_no)
{
  return param_int ("SELECT own_accounts::int FROM mdk.cards WHERE card_no = $1", card_no) == 1;
}

/* Cards under a card whose type does not share: each keeps its own
 * balance and points, spends and pays its fees by itself whatever the
 * state of its primary, carries its accounts through a replacement, and
 * closes them when it or its primary is cancelled. The choice is the
 * primary's terms when the card is issued, and stays. */
static void
test_own_accounts (void)
{
  g_autofree char *type = new_type ("T-OWN", "personal",
                                    ", max_affiliates, affiliates_share, points_rate_bp, replacement_fee, service_fee",
                                    ", 3, false, 10000, 500, 200");
  g_autofree char *primary = issue_ok (type, NULL, NULL);
  g_autofree char *affiliate = NULL;
  g_autofree char *result = NULL;
  g_autofree char *sale = NULL;
  g_autofree char *replacement = NULL;
  g_autofree char *new_primary = NULL;

  {
    g_autofree char *request = new_request ();
    g_autofree char *member = new_member ();

    result = issue (request, member, type, store_a, "cash", primary, NULL);
    g_assert_nonnull (result);
    g_assert_true (strstr (result, "\"own_accounts\": true") != NULL);
    affiliate = text_field (result, "card_no");
  }
  g_assert_true (has_own_accounts (affiliate));
  g_assert_false (has_own_accounts (primary));
  /* No card goes under a card past its validity, before the expiry job too. */
  {
    g_autofree char *ended = issue_ok (type, NULL, NULL);
    g_autofree char *member = new_member ();
    const char *params[] = { ended };

    PQclear (mdk_test_exec_params (db->conn, "UPDATE mdk.cards SET expires_on = current_date - 1 WHERE card_no = $1",
                                   1, params));
    assert_state (ended, "active");
    assert_refused (issue_new (member, type, store_a, "cash", ended, NULL), "MD009");
  }

  recharge (primary, 10000);
  recharge (affiliate, 5000);
  g_assert_cmpint (balance_of (primary, "stored_value"), ==, 10000);
  g_assert_cmpint (balance_of (affiliate, "stored_value"), ==, 5000);
  sale = consume (affiliate, 2000);
  g_assert_nonnull (sale);
  g_assert_cmpint (field (sale, "balance"), ==, 3000);
  g_assert_cmpint (field (sale, "points_earned"), ==, 20);
  g_assert_cmpint (balance_of (affiliate, "points"), ==, 20);
  g_assert_cmpint (balance_of (primary, "points"), ==, 0);
  g_assert_cmpint (balance_of (primary, "stored_value"), ==, 10000);
  /* The primary's money is not the affiliate's. */
  assert_refused (consume (affiliate, 4000), "MD003");

  /* A frozen primary does not stop a card that draws on its own. */
  g_free (act_ok (primary, "freeze", NULL));
  g_free (result);
  result = consume (affiliate, 100);
  g_assert_nonnull (result);
  g_free (act_ok (primary, "unfreeze", NULL));

  /* A refund goes back to the affiliate's accounts, and says so. */
  {
    g_autofree char *request = new_request ();
    g_autofree char *sale_id = text_field (sale, "transaction");
    const char *params[] = { request, sale_id, store_a };

    g_free (result);
    result = call ("SELECT mdk.refund($1, $2::bigint, 2000, 'returned', $3)", 3, params);
    g_assert_nonnull (result);
    g_assert_cmpint (field (result, "balance"), ==, 4900);
    g_assert_cmpint (balance_of (affiliate, "stored_value"), ==, 4900);
    g_assert_cmpint (balance_of (affiliate, "points"), ==, 1);
  }

  /* Its service fee and its replacement fee come from its own stored value;
   * the replacement carries its accounts and keeps them its own. */
  g_free (result);
  result = act_ok (affiliate, "report_loss", NULL);
  g_assert_cmpint (field (result, "balance"), ==, 4700);
  g_free (result);
  result = act_ok (affiliate, "replace", NULL);
  replacement = text_field (result, "new_card_no");
  g_assert_cmpint (field (result, "balance"), ==, 4200);
  g_assert_true (has_own_accounts (replacement));
  g_assert_cmpint (own_balance_of (replacement, "stored_value"), ==, 4200);
  g_assert_cmpint (own_balance_of (replacement, "points"), ==, 1);
  g_assert_cmpint (own_balance_of (affiliate, "stored_value"), ==, 0);
  g_assert_cmpint (balance_of (primary, "stored_value"), ==, 10000);

  /* Nobody changes it afterwards, not even with the card functions' leave. */
  {
    const char *params[] = { replacement };

    exec_ok ("BEGIN");
    exec_ok ("SET LOCAL mdk.changing_card = 'on'");
    assert_refused (call ("UPDATE mdk.cards SET own_accounts = false WHERE card_no = $1 RETURNING 1", 1, params),
                    "42501");
    exec_ok ("ROLLBACK");
  }

  /* Sharing from version 2: the cards under a primary sold before still
   * get accounts of their own; under a new primary, they share. */
  {
    const char *params[] = { type };
    g_autofree char *later = NULL;
    g_autofree char *older_terms = issue_ok (type, NULL, primary);
    g_autofree char *newer = issue_ok (type, NULL, NULL);
    g_autofree char *sharing = NULL;

    g_free (call ("SELECT mdk.change_card_terms($1::bigint, '{\"affiliates_share\": true}', 'one family, one purse')::text",
                  1, params));
    later = issue_ok (type, NULL, primary);
    g_assert_true (has_own_accounts (older_terms));
    g_assert_true (has_own_accounts (later));
    g_free (newer);
    newer = issue_ok (type, NULL, NULL);
    sharing = issue_ok (type, NULL, newer);
    g_assert_false (has_own_accounts (sharing));
    recharge (sharing, 700);
    g_assert_cmpint (balance_of (newer, "stored_value"), ==, 700);
    g_assert_cmpint (own_balance_of (sharing, "stored_value"), ==, 0);
    g_assert_cmpint (param_int ("SELECT (terms ->> 'affiliates_share')::boolean::int FROM mdk.card_type_versions "
                                "WHERE card_type_id = $1::bigint AND version = 1", type), ==, 0);

    /* A sale by a sharing card, reversed after its primary was replaced:
     * it posted to the old primary's accounts, which are closed. */
    g_free (result);
    result = consume (sharing, 300);
    g_assert_nonnull (result);
    {
      g_autofree char *sale_id = text_field (result, "transaction");
      g_autofree char *request = new_request ();
      const char *reverse[] = { request, sale_id };

      g_free (act_ok (newer, "replace", "cash"));
      assert_refused (call ("SELECT mdk.reverse($1, $2::bigint, 'rung up twice')", 2, reverse), "MD007");
    }
    recharge (later, 800);
  }

  /* The primary replaced: the card under it follows, its accounts stay. */
  g_free (result);
  result = act_ok (primary, "replace", "cash");
  new_primary = text_field (result, "new_card_no");
  g_assert_cmpint (balance_of (new_primary, "stored_value"), ==, 10000);
  {
    g_autofree char *under = param_string ("SELECT p.card_no FROM mdk.cards c JOIN mdk.cards p ON p.id = c.primary_card_id "
                                           "WHERE c.card_no = $1", replacement);

    g_assert_cmpstr (under, ==, new_primary);
  }
  g_assert_cmpint (own_balance_of (replacement, "stored_value"), ==, 4200);

  /* The primary cancelled: the cards under it close their own accounts
   * too, by their own terms (refunded), in the totals. */
  g_free (result);
  result = act_ok (new_primary, "cancel", "cash");
  g_assert_cmpint (field (result, "cancelled_under"), ==, 3);
  g_assert_cmpint (field (result, "refunded"), ==, 10000 + 4200 + 800);
  g_assert_cmpint (field (result, "points"), ==, 1);
  g_assert_cmpint (own_balance_of (replacement, "stored_value"), ==, 0);
  g_assert_cmpint (own_balance_of (replacement, "points"), ==, 0);
  assert_state (replacement, "cancelled");
  g_assert_cmpint (param_int ("SELECT count(*) FROM mdk.card_events e JOIN mdk.cards c ON c.id = e.card_id "
                              "JOIN mdk.transactions t ON t.id = e.transaction_id "
                              "WHERE c.card_no = $1 AND e.event = 'cancelled' AND t.kind = 'card_cancel' "
                              "AND t.amount = 4200", replacement), ==, 1);
  assert_ledger_sound ();
}

/* Card @card_no as its holder's profile loads it. */
static MdkCard *
profile_card (const char *card_no)
{
  g_autoptr(GError) error = NULL;
  gint64 member = param_int ("SELECT member_id FROM mdk.cards WHERE card_no = $1", card_no);
  g_autoptr(MdkMemberDetail) detail = mdk_member_repo_load_detail (db->conn, member, &error);
  GListModel *cards;

  g_assert_no_error (error);
  cards = mdk_member_detail_get_cards (detail);
  for (guint i = 0; i < g_list_model_get_n_items (cards); i++)
    {
      g_autoptr(MdkCard) card = g_list_model_get_item (cards, i);

      if (g_str_equal (mdk_card_get_field (card, MDK_CARD_FIELD_CARD_NO), card_no))
        return g_steal_pointer (&card);
    }
  g_assert_not_reached ();
}

/* An affiliate with accounts of its own pays its annual fee from them, and
 * one cancelled alone closes its own accounts by its own terms. The
 * profile shows its own balance, and its primary what a cancellation
 * would close under it. */
static void
test_own_accounts_fees (void)
{
  g_autofree char *type = new_type ("T-OWN-FEE", "gold", ", annual_fee, affiliate_annual_fee, max_affiliates, affiliates_share",
                                    ", 5000, 1500, 2, false");
  g_autofree char *forfeiting = new_type ("T-OWN-FORFEIT", "affiliate", ", refund_on_cancel", ", false");
  g_autofree char *primary = issue_ok (type, NULL, NULL);
  g_autofree char *affiliate = issue_ok (type, NULL, primary);
  g_autofree char *forfeits = issue_ok (forfeiting, NULL, primary);
  g_autofree char *run = NULL;

  date_card (primary, "2024-03-10");
  date_card (affiliate, "2024-03-10");
  date_card (forfeits, "2024-03-10");
  recharge (primary, 6000);
  recharge (affiliate, 2000);
  run = charge_annual_fees ("2025-03-10");
  g_assert_cmpint (field (run, "charged"), ==, 2);
  g_assert_cmpint (balance_of (primary, "stored_value"), ==, 1000);
  g_assert_cmpint (balance_of (affiliate, "stored_value"), ==, 500);
  /* The one without stored value of its own owes its fee. */
  g_assert_cmpint (field (run, "due"), ==, 1);
  recharge (forfeits, 300);
  {
    g_autoptr(MdkCard) own = profile_card (affiliate);
    g_autoptr(MdkCard) above = profile_card (primary);

    g_assert_cmpstr (mdk_card_get_field (own, MDK_CARD_FIELD_OWN_ACCOUNTS), ==, "true");
    g_assert_cmpstr (mdk_card_get_field (own, MDK_CARD_FIELD_BALANCE), ==, "500");
    g_assert_cmpstr (mdk_card_get_field (above, MDK_CARD_FIELD_OWN_ACCOUNTS), ==, "false");
    g_assert_cmpstr (mdk_card_get_field (above, MDK_CARD_FIELD_BALANCE), ==, "1000");
    g_assert_cmpstr (mdk_card_get_field (above, MDK_CARD_FIELD_UNDER_REFUND), ==, "500");
    g_assert_cmpstr (mdk_card_get_field (above, MDK_CARD_FIELD_UNDER_FORFEIT), ==, "300");
  }
  g_free (run);
  run = act_ok (affiliate, "cancel", "cash");
  g_assert_cmpint (field (run, "refunded"), ==, 500);
  g_assert_cmpint (balance_of (primary, "stored_value"), ==, 1000);
  g_free (run);
  run = act_ok (forfeits, "cancel", NULL);
  g_assert_cmpint (field (run, "forfeited"), ==, 300);
  g_assert_cmpint (field (run, "refunded"), ==, 0);
  exec_ok ("UPDATE mdk.cards SET fees_year = 9999 WHERE fees_year < 9999");
  assert_ledger_sound ();
}

/* Requests that wait for a card action on a card with accounts of its own:
 * a refund waits for its cancellation and is refused; a reversal of a
 * sharing card's sale waits for the replacement of its primary and is
 * refused. Neither lands on closed accounts. */
static void
test_own_accounts_races (void)
{
  g_autofree char *type = new_type ("T-OWN-RACE", "personal", ", max_affiliates, affiliates_share", ", 2, false");
  g_autofree char *sharing_type = new_type ("T-SHARE-RACE", "personal", ", max_affiliates", ", 2");
  g_autofree char *primary = issue_ok (type, NULL, NULL);
  g_autofree char *own = issue_ok (type, NULL, primary);
  g_autofree char *sharing_primary = issue_ok (sharing_type, NULL, NULL);
  g_autofree char *sharing = issue_ok (sharing_type, NULL, sharing_primary);
  g_autofree char *sale = NULL;
  g_autofree char *shared_sale = NULL;
  g_autofree char *sale_id = NULL;
  g_autofree char *shared_sale_id = NULL;
  g_autofree char *refund_request = new_request ();
  g_autofree char *reverse_request = new_request ();

  recharge (own, 5000);
  sale = consume (own, 2000);
  sale_id = text_field (sale, "transaction");
  recharge (sharing_primary, 5000);
  shared_sale = consume (sharing, 1000);
  shared_sale_id = text_field (shared_sale, "transaction");

  /* The refund waits for the cancellation, then is refused. */
  {
    g_autofree char *action = new_request ();
    const char *cancel[] = { action, own, store_a };
    const char *refund[] = { refund_request, sale_id, store_a };

    assert_waits_for_action ("SELECT mdk.card_action($1, $2, 'cancel', $3, 'moved away', 'cash')", cancel,
                             "SELECT mdk.refund($1, $2::bigint, 500, 'returned', $3)", 3, refund, "MD002");
    g_assert_cmpint (param_int ("SELECT sum(a.balance) FROM mdk.accounts a JOIN mdk.cards c ON c.id = a.card_id "
                                "WHERE c.card_no = $1", own), ==, 0);
  }

  /* The reversal waits for the replacement of the sharing card's primary. */
  {
    g_autofree char *action = new_request ();
    const char *replace[] = { action, sharing_primary, store_a };
    const char *reverse[] = { reverse_request, shared_sale_id };

    assert_waits_for_action ("SELECT mdk.card_action($1, $2, 'replace', $3, 'worn out', 'cash')", replace,
                             "SELECT mdk.reverse($1, $2::bigint, 'rung up twice')", 2, reverse, "MD007");
    g_assert_cmpint (param_int ("SELECT sum(a.balance) FROM mdk.accounts a JOIN mdk.cards c ON c.id = a.card_id "
                                "WHERE c.card_no = $1", sharing_primary), ==, 0);
  }
  assert_ledger_sound ();
}

/* A group type whose holders keep their own accounts: the credit is the
 * group card's alone; a holder spends only what it holds; cancelling the
 * group card lists the holders' closing transactions. */
static void
test_own_accounts_group (void)
{
  g_autofree char *group = new_type ("T-OWN-GROUP", "group", ", max_affiliates, affiliates_share, credit_limit",
                                     ", 5, false, 100000");
  g_autofree char *group_card = issue_ok (group, NULL, NULL);
  g_autofree char *holder = issue_ok (group, NULL, group_card);
  g_autofree char *empty = issue_ok (group, NULL, group_card);
  g_autofree char *result = NULL;

  g_assert_true (has_own_accounts (holder));
  recharge (holder, 1000);
  assert_refused (consume (holder, 1500), "MD003");
  g_free (result);
  result = consume (holder, 800);
  g_assert_nonnull (result);
  g_assert_cmpint (param_int ("SELECT a.floor FROM mdk.accounts a JOIN mdk.cards c ON c.id = a.card_id "
                              "WHERE c.card_no = $1 AND a.kind = 'stored_value'", holder), ==, 0);
  /* The group card spends on its credit. */
  g_free (result);
  result = consume (group_card, 30000);
  g_assert_nonnull (result);
  g_assert_cmpint (balance_of (group_card, "stored_value"), ==, -30000);
  recharge (group_card, 30000);

  g_free (result);
  result = act_ok (group_card, "cancel", "cash");
  g_assert_cmpint (field (result, "cancelled_under"), ==, 2);
  g_assert_cmpint (field (result, "refunded"), ==, 200);
  g_assert_cmpint (field (result, "transaction"), ==, -1);
  g_assert_cmpint (param_int ("SELECT jsonb_array_length($1::jsonb -> 'under_transactions')", result), ==, 1);
  assert_state (empty, "cancelled");
  assert_ledger_sound ();
}

/* The annual-fee job does not wait for a fee being paid at a counter:
 * it leaves it due, and the next run charges it when the payment did not
 * go through. */
static void
test_annual_fees_skip_busy_fees (void)
{
  g_autofree char *type = new_type ("T-BUSY-FEE", "silver", ", annual_fee", ", 700");
  g_autofree char *busy = issue_ok (type, NULL, NULL);
  g_autofree char *free_card = issue_ok (type, NULL, NULL);
  g_autofree char *fee = NULL;
  g_autofree char *request = new_request ();
  PGconn *other = PQconnectdb (db->conninfo);
  PGresult *result;
  g_autofree char *run = NULL;

  g_assert_cmpint (PQstatus (other), ==, CONNECTION_OK);
  date_card (busy, "2024-04-02");
  date_card (free_card, "2024-04-02");
  recharge (free_card, 1000);
  run = charge_annual_fees ("2025-04-02");
  g_assert_cmpint (field (run, "charged"), ==, 1);
  g_assert_cmpint (field (run, "due"), ==, 1);
  g_assert_cmpint (balance_of (free_card, "stored_value"), ==, 300);
  recharge (busy, 1000);
  fee = param_string ("SELECT f.id::text FROM mdk.card_annual_fees f JOIN mdk.cards c ON c.id = f.card_id "
                      "WHERE c.card_no = $1 AND f.transaction_id IS NULL", busy);

  /* Paid at a counter of another store, not yet committed. */
  {
    const char *pay[] = { request, fee, store_other_region };

    exec_ok ("BEGIN");
    result = PQexecParams (db->conn, "SELECT mdk.pay_card_fee($1, $2::bigint, 'cash', $3)", 3, NULL, pay, NULL, NULL, 0);
    g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
    PQclear (result);
  }
  /* The job meanwhile, without waiting: a lock wait would end at the timeout. */
  PQclear (PQexec (other, "SET lock_timeout = '2s'"));
  result = PQexec (other, "SELECT mdk.charge_annual_fees('2025-04-03')::text");
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_test_message ("%s", PQresultErrorMessage (result));
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  g_free (run);
  run = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  PQfinish (other);
  g_assert_cmpint (field (run, "charged"), ==, 0);
  exec_ok ("ROLLBACK");

  /* The payment did not go through: the next run charges the fee. */
  g_free (run);
  run = charge_annual_fees ("2025-04-04");
  g_assert_cmpint (field (run, "charged"), ==, 1);
  g_assert_cmpint (field (run, "due"), ==, 0);
  g_assert_cmpint (balance_of (busy, "stored_value"), ==, 300);
  exec_ok ("UPDATE mdk.cards SET fees_year = 9999 WHERE fees_year < 9999");
  assert_ledger_sound ();
}

int
main (int   argc,
      char *argv[])
{
  mdk_test_init (&argc, &argv);
  db = mdk_test_db_new_demo (40, 7);
  store_a = mdk_test_query_string (db->conn, "SELECT min(id)::text FROM mdk.stores");
  store_other_region = mdk_test_query_string (db->conn, "SELECT min(id)::text FROM mdk.stores WHERE region_id <> "
                                              "(SELECT region_id FROM mdk.stores ORDER BY id LIMIT 1)");
  /* No demo card owes an annual fee from before these tests. */
  exec_ok ("UPDATE mdk.cards SET fees_year = 9999");
  /* Demo cards whose validity has ended, before the tests count theirs. */
  exec_ok ("SELECT mdk.expire_cards()");
  personal_type = new_type ("T-PERSONAL", "personal",
                            ", joining_fee, replacement_fee, max_affiliates, validity_months, points_rate_bp",
                            ", 1000, 500, 2, 24, 10000");

  g_test_add_func ("/cards/every-state-and-action", test_every_state_and_action);
  g_test_add_func ("/cards/issue", test_issue);
  g_test_add_func ("/cards/affiliates", test_affiliates);
  g_test_add_func ("/cards/replace", test_replace);
  g_test_add_func ("/cards/cancel", test_cancel);
  g_test_add_func ("/cards/lost-and-frozen-refused", test_lost_and_frozen_refused);
  g_test_add_func ("/cards/requests-and-guard", test_requests_and_guard);
  g_test_add_func ("/cards/annual-fees", test_annual_fees);
  g_test_add_func ("/cards/annual-fee-raised-and-due", test_annual_fee_raised_and_due);
  g_test_add_func ("/cards/action-and-request-race", test_action_and_request_race);
  g_test_add_func ("/cards/versioned-terms", test_versioned_terms);
  g_test_add_func ("/cards/daily-limit", test_daily_limit);
  g_test_add_func ("/cards/expiry", test_expiry);
  g_test_add_func ("/cards/list", test_list);
  g_test_add_func ("/cards/designer", test_designer);
  g_test_add_func ("/cards/tiers", test_tiers);
  g_test_add_func ("/cards/designer-save", test_designer_save);
  g_test_add_func ("/cards/batch", test_batch);
  g_test_add_func ("/cards/service-fee", test_service_fee);
  g_test_add_func ("/cards/own-accounts", test_own_accounts);
  g_test_add_func ("/cards/own-accounts-fees", test_own_accounts_fees);
  g_test_add_func ("/cards/own-accounts-races", test_own_accounts_races);
  g_test_add_func ("/cards/own-accounts-group", test_own_accounts_group);
  g_test_add_func ("/cards/annual-fees-skip-busy-fees", test_annual_fees_skip_busy_fees);

  return mdk_test_run ();
}
