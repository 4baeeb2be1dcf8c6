/* test-member-search.c: every kind of search finds exactly the members it should
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "mdk-test-fixture.h"

#define N_MEMBERS 4000

static MdkTestDb *db;

/* The ids a search returns, all pages, in order. */
static GArray *
search_ids (MdkMemberQuery *query,
            guint           page_size)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  MdkPageKey after = { NULL, 0 };
  gboolean first = TRUE;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) page = mdk_member_repo_search (db->conn, query, first ? NULL : &after, page_size, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < page->len; i++)
        {
          gint64 id = mdk_member_get_id (g_ptr_array_index (page, i));

          g_array_append_val (ids, id);
        }
      if (page->len < page_size)
        break;

      mdk_page_key_clear (&after);
      after.sort_key = g_strdup (mdk_member_get_sort_key (g_ptr_array_index (page, page->len - 1)));
      after.id = mdk_member_get_id (g_ptr_array_index (page, page->len - 1));
      first = FALSE;
    }

  mdk_page_key_clear (&after);
  return ids;
}

/* The ids a plain SQL condition selects, in the query's order. */
static GArray *
sql_ids (const char *sql,
         const char *param)
{
  g_autoptr(GError) error = NULL;
  const char *params[] = { param };
  g_autoptr(PGresult) result = mdk_pg_exec (db->conn, sql, param ? 1 : 0, params, &error);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_assert_no_error (error);
  for (int row = 0; row < PQntuples (result); row++)
    {
      gint64 id = mdk_pg_get_int64 (result, row, 0);

      g_array_append_val (ids, id);
    }
  return ids;
}

static void
assert_same_ids (GArray *a,
                 GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpint (g_array_index (a, gint64, i), ==, g_array_index (b, gint64, i));
}

static void
assert_search (const char *text,
               const char *sql_condition,
               const char *param,
               guint       at_least)
{
  g_autoptr(MdkMemberQuery) query = mdk_member_query_new (text);
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM mdk.members m WHERE %s ORDER BY name_pinyin COLLATE \"C\", id", sql_condition);
  g_autoptr(GArray) found = search_ids (query, 50);
  g_autoptr(GArray) expected = sql_ids (sql, param);

  g_test_message ("“%s”: %u members", text, found->len);
  g_assert_cmpuint (found->len, >=, at_least);
  assert_same_ids (found, expected);
}

static char *
sample (const char *sql)
{
  return mdk_test_query_string (db->conn, sql);
}

static void
test_classify (void)
{
  static const struct { const char *text; MdkMemberMatch match; const char *normalized; } cases[] = {
    { "13812345678", MDK_MEMBER_MATCH_MOBILE | MDK_MEMBER_MATCH_CARD, "13812345678" },
    { "+86 138-1234-5678", MDK_MEMBER_MATCH_MOBILE | MDK_MEMBER_MATCH_CARD, "13812345678" },
    { "+44 20 7946 0958", MDK_MEMBER_MATCH_MOBILE, "+442079460958" },
    { "5678", MDK_MEMBER_MATCH_MOBILE_SUFFIX, "5678" },
    { "12345678", MDK_MEMBER_MATCH_MOBILE_SUFFIX | MDK_MEMBER_MATCH_CARD, "12345678" },
    { "6200000000012345", MDK_MEMBER_MATCH_CARD, "6200000000012345" },
    { "11010519491231002x", MDK_MEMBER_MATCH_ID_NUMBER, "11010519491231002X" },
    { "440524188001010014", MDK_MEMBER_MATCH_ID_NUMBER | MDK_MEMBER_MATCH_CARD, "440524188001010014" },
    { "Li@QQ", MDK_MEMBER_MATCH_EMAIL, "li@qq" },
    { "lm", MDK_MEMBER_MATCH_PINYIN | MDK_MEMBER_MATCH_NAME | MDK_MEMBER_MATCH_EMAIL, "lm" },
    { "Emily Chen", MDK_MEMBER_MATCH_PINYIN | MDK_MEMBER_MATCH_NAME, "emilychen" },
    { " 李明 ", MDK_MEMBER_MATCH_NAME, "李明" },
    { "明", MDK_MEMBER_MATCH_NAME, "明" },
    { "12", 0, "12" },
    { "", 0, "" },
    { "   ", 0, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *normalized = NULL;

      g_assert_cmpint (mdk_member_query_classify (cases[i].text, &normalized), ==, cases[i].match);
      g_assert_cmpstr (normalized, ==, cases[i].normalized);
    }
}

static void
test_mobile (void)
{
  g_autofree char *mobile = sample ("SELECT mobile FROM mdk.members WHERE id = 1234");
  g_autofree char *suffix = g_strdup (mobile + 7);
  g_autofree char *spaced = g_strdup_printf ("+86 %.3s %.4s %.4s", mobile, mobile + 3, mobile + 7);

  assert_search (mobile, "mobile = $1", mobile, 1);
  assert_search (spaced, "mobile = $1", mobile, 1);
  assert_search (suffix, "mobile LIKE '%' || $1", suffix, 1);
  assert_search (mobile + 5, "mobile LIKE '%' || $1", mobile + 5, 1);
}

static void
test_card_and_id_number (void)
{
  g_autofree char *card_no = sample ("SELECT card_no FROM mdk.cards WHERE member_id = 77 ORDER BY id LIMIT 1");
  g_autofree char *id_number = sample ("SELECT id_number FROM mdk.members WHERE id_number LIKE '%X' LIMIT 1");
  g_autofree char *lower_id = g_ascii_strdown (id_number, -1);

  assert_search (card_no, "id IN (SELECT member_id FROM mdk.cards WHERE card_no = $1)", card_no, 1);
  assert_search (lower_id, "id_number = $1", id_number, 1);
}

static void
test_email (void)
{
  g_autofree char *email = sample ("SELECT email FROM mdk.members WHERE email LIKE '%.%@%' ORDER BY id LIMIT 1");
  g_autofree char *prefix = g_strndup (email, strchr (email, '@') - email + 1);
  g_autofree char *upper = g_ascii_strup (prefix, -1);

  assert_search (upper, "lower(email) LIKE $1 || '%'", prefix, 1);
}

static void
test_chinese_names (void)
{
  g_autofree char *two = sample ("SELECT name FROM mdk.members WHERE name ~ '^[\\u4e00-\\u9fff]{2}$' ORDER BY id LIMIT 1");
  g_autofree char *three = sample ("SELECT name FROM mdk.members WHERE name ~ '^[\\u4e00-\\u9fff]{3}$' ORDER BY id LIMIT 1");
  g_autofree char *given = g_utf8_substring (three, 1, 3);
  g_autofree char *last = g_utf8_substring (two, 1, 2);

  /* Whole two-character names, one character anywhere, and the given name of a three-character one. */
  assert_search (two, "name LIKE '%' || $1 || '%'", two, 1);
  assert_search (last, "name LIKE '%' || $1 || '%'", last, 1);
  assert_search (given, "name LIKE '%' || $1 || '%'", given, 1);
  assert_search (three, "name LIKE '%' || $1 || '%'", three, 1);
}

static void
test_pinyin (void)
{
  g_autofree char *name = sample ("SELECT name FROM mdk.members WHERE name ~ '^[\\u4e00-\\u9fff]{3}$' ORDER BY id LIMIT 1");
  g_autofree char *pinyin = mdk_name_pinyin (name);
  g_autofree char *initials = mdk_name_initials (name);
  const char *condition = "(name_pinyin LIKE $1 || '%' OR name_initials LIKE $1 || '%' "
                          "OR lower(replace(name, ' ', '')) LIKE '%' || $1 || '%' OR lower(email) LIKE $1 || '%')";

  assert_search (pinyin, condition, pinyin, 1);
  assert_search (initials, condition, initials, 1);

  /* As typed at a counter: upper case, with spaces between syllables. */
  {
    g_autofree char *upper = g_ascii_strup (initials, -1);

    assert_search (upper, condition, initials, 1);
  }
}

/* A text that matches in several ways, paged in small pages: the union
 * of each way's first rows gives exactly the plain OR's order. */
static void
test_several_ways_paged (void)
{
  static const char * const texts[] = { "li", "w", "zh", "chen" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(MdkMemberQuery) query = mdk_member_query_new (texts[i]);
      const char *sql = "SELECT id FROM mdk.members WHERE name_pinyin COLLATE \"C\" LIKE $1 || '%' "
                        "OR name_initials COLLATE \"C\" LIKE $1 || '%' "
                        "OR lower(replace(name, ' ', '')) LIKE '%' || $1 || '%' OR lower(email) LIKE $1 || '%' "
                        "ORDER BY name_pinyin COLLATE \"C\", id";
      g_autoptr(GArray) found = search_ids (query, 23);
      g_autoptr(GArray) expected = sql_ids (sql, texts[i]);

      g_assert_cmpuint (found->len, >, 46);
      assert_same_ids (found, expected);

      query->sort = MDK_MEMBER_SORT_JOINED;
      query->descending = TRUE;
      {
        g_autoptr(GArray) by_date = search_ids (query, 31);
        g_autofree char *by_date_sql = g_strconcat (g_strndup (sql, strstr (sql, "ORDER BY") - sql),
                                                    "ORDER BY joined_at DESC, id DESC", NULL);
        g_autoptr(GArray) expected_by_date = sql_ids (by_date_sql, texts[i]);

        assert_same_ids (by_date, expected_by_date);
      }
    }
}

static void
test_latin_names (void)
{
  assert_search ("Chen", "(name_pinyin LIKE 'chen%' OR name_initials LIKE 'chen%' OR lower(name) LIKE '%chen%' "
                 "OR lower(email) LIKE 'chen%')", NULL, 10);
  assert_search ("emily chen", "(name_pinyin LIKE 'emilychen%' OR name_initials LIKE 'emilychen%' "
                 "OR lower(replace(name, ' ', '')) LIKE '%emilychen%')", NULL, 0);
}

/* The Latin branch reads mdk.member_latin_names: in small pages, both
 * ways, filtered and in another order it gives the plain condition's. */
static void
test_latin_names_paged (void)
{
  const char *condition = "(name_pinyin LIKE 'lim%' OR name_initials LIKE 'lim%' "
                          "OR lower(replace(name, ' ', '')) LIKE '%lim%' OR lower(email) LIKE 'lim%')";
  static const struct { MdkMemberSort sort; gboolean descending; gboolean filtered; const char *order; } cases[] = {
    { MDK_MEMBER_SORT_NAME, FALSE, FALSE, "name_pinyin COLLATE \"C\", id" },
    { MDK_MEMBER_SORT_NAME, TRUE, FALSE, "name_pinyin COLLATE \"C\" DESC, id DESC" },
    { MDK_MEMBER_SORT_NAME, FALSE, TRUE, "name_pinyin COLLATE \"C\", id" },
    { MDK_MEMBER_SORT_JOINED, FALSE, FALSE, "joined_at, id" },
  };
  g_autofree char *store = sample ("SELECT home_store_id::text FROM mdk.members WHERE name ILIKE '%lim%' "
                                   "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MdkMemberQuery) query = mdk_member_query_new ("Lim");
      g_autofree char *sql = g_strdup_printf ("SELECT id FROM mdk.members WHERE %s%s ORDER BY %s", condition,
                                              cases[i].filtered ? " AND home_store_id = $1::bigint" : "",
                                              cases[i].order);
      g_autoptr(GArray) found = NULL;
      g_autoptr(GArray) expected = NULL;

      query->sort = cases[i].sort;
      query->descending = cases[i].descending;
      query->store_id = cases[i].filtered ? g_ascii_strtoll (store, NULL, 10) : 0;
      found = search_ids (query, 7);
      expected = sql_ids (sql, cases[i].filtered ? store : NULL);
      g_test_message ("case %u: %u members", i, found->len);
      g_assert_cmpuint (found->len, >, cases[i].filtered ? 0 : 7);
      assert_same_ids (found, expected);
    }
}

/* A renamed member moves in and out of the Latin names. */
static void
test_latin_names_follow_renames (void)
{
  g_autofree char *latin_id = sample ("SELECT id::text FROM mdk.members WHERE name ILIKE '%lim%' ORDER BY id LIMIT 1");
  g_autofree char *chinese_id = sample ("SELECT id::text FROM mdk.members WHERE name !~ '[A-Za-z]' ORDER BY id LIMIT 1");
  g_autofree char *latin_name = sample ("SELECT name FROM mdk.members WHERE name ILIKE '%lim%' ORDER BY id LIMIT 1");
  g_autofree char *chinese_name = sample ("SELECT name FROM mdk.members WHERE name !~ '[A-Za-z]' ORDER BY id LIMIT 1");
  const char *rename = "UPDATE mdk.members SET name = $2 WHERE id = $1::bigint";
  const char *condition = "(name_pinyin LIKE 'zyxlim%' OR name_initials LIKE 'zyxlim%' "
                          "OR lower(replace(name, ' ', '')) LIKE '%zyxlim%' OR lower(email) LIKE 'zyxlim%')";
  g_autoptr(GError) error = NULL;

  {
    const char *params[] = { latin_id, "林小明" };

    g_assert_true (mdk_pg_exec_command (db->conn, rename, 2, params, &error));
    g_assert_no_error (error);
  }
  {
    const char *params[] = { chinese_id, "Amy Zyxlim" };

    g_assert_true (mdk_pg_exec_command (db->conn, rename, 2, params, &error));
    g_assert_no_error (error);
  }
  assert_search ("zyxlim", condition, NULL, 1);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.member_latin_names l JOIN mdk.members m "
                                       "ON m.id = l.member_id WHERE l.sort_key <> m.name_pinyin "
                                       "OR l.search_text <> mdk.name_search_text(m.name)"), ==, 0);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members m WHERE (name ~ '[A-Za-z]') "
                                       "<> EXISTS (SELECT 1 FROM mdk.member_latin_names l WHERE l.member_id = m.id)"), ==, 0);

  {
    const char *params[] = { latin_id, latin_name };

    g_assert_true (mdk_pg_exec_command (db->conn, rename, 2, params, &error));
  }
  {
    const char *params[] = { chinese_id, chinese_name };

    g_assert_true (mdk_pg_exec_command (db->conn, rename, 2, params, &error));
  }
  g_assert_no_error (error);
  assert_search ("zyxlim", condition, NULL, 0);
}

static void
test_hostile_text (void)
{
  static const char * const texts[] = {
    "'; DROP TABLE mdk.members; --", "%", "_", "\\", "%%%", "a%b", "{\"}", "李%", "' OR '1'='1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(MdkMemberQuery) query = mdk_member_query_new (texts[i]);
      g_autoptr(GArray) found = search_ids (query, 50);
      g_autoptr(GError) error = NULL;

      g_assert_cmpuint (found->len, ==, 0);
      g_assert_cmpint (mdk_member_repo_count (db->conn, query, &error), ==, 0);
      g_assert_no_error (error);
    }
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members"), ==, N_MEMBERS);
}

static void
test_filters_and_sorting (void)
{
  g_autoptr(MdkMemberQuery) query = mdk_member_query_new (NULL);
  g_autoptr(GError) error = NULL;

  /* Everyone, by name, in pages of 97: the same order as SQL, nobody twice. */
  {
    g_autoptr(GArray) found = search_ids (query, 97);
    g_autoptr(GArray) expected = sql_ids ("SELECT id FROM mdk.members ORDER BY name_pinyin COLLATE \"C\", id", NULL);

    assert_same_ids (found, expected);
    g_assert_cmpint (mdk_member_repo_count (db->conn, query, &error), ==, N_MEMBERS);
  }

  /* Newest first, in one region, active only, born in February. */
  query->sort = MDK_MEMBER_SORT_JOINED;
  query->descending = TRUE;
  query->region_id = 2;
  query->status = g_strdup ("active");
  query->birthday_month = 2;
  {
    g_autoptr(GArray) found = search_ids (query, 10);
    g_autoptr(GArray) expected = sql_ids ("SELECT m.id FROM mdk.members m JOIN mdk.stores s ON s.id = m.home_store_id "
                                          "WHERE s.region_id = 2 AND m.status = 'active' AND extract(month FROM birthday) = 2 "
                                          "ORDER BY joined_at DESC, m.id DESC", NULL);

    g_assert_cmpuint (found->len, >, 10);
    assert_same_ids (found, expected);
    g_assert_cmpint (mdk_member_repo_count (db->conn, query, &error), ==, expected->len);
  }

  /* By mobile number and by birthday (month and day), both ways, in small
   * pages: members without one included, in the same order as SQL. */
  {
    static const struct { MdkMemberSort sort; gboolean descending; const char *order; } orders[] = {
      { MDK_MEMBER_SORT_MOBILE, FALSE, "coalesce(mobile, '') COLLATE \"C\", id" },
      { MDK_MEMBER_SORT_MOBILE, TRUE, "coalesce(mobile, '') COLLATE \"C\" DESC, id DESC" },
      { MDK_MEMBER_SORT_BIRTHDAY, FALSE, "coalesce(to_char(birthday, 'MMDD')::int, 9999), id" },
      { MDK_MEMBER_SORT_BIRTHDAY, TRUE, "coalesce(to_char(birthday, 'MMDD')::int, 9999) DESC, id DESC" },
    };
    g_autoptr(MdkMemberQuery) everyone = mdk_member_query_new (NULL);

    g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members WHERE birthday IS NULL"), >, 0);
    for (guint i = 0; i < G_N_ELEMENTS (orders); i++)
      {
        g_autofree char *sql = g_strdup_printf ("SELECT id FROM mdk.members ORDER BY %s", orders[i].order);
        g_autoptr(GArray) found = NULL;
        g_autoptr(GArray) expected = sql_ids (sql, NULL);

        everyone->sort = orders[i].sort;
        everyone->descending = orders[i].descending;
        found = search_ids (everyone, 211);
        assert_same_ids (found, expected);
      }
  }

  /* A card type and a join period. */
  mdk_member_query_free (g_steal_pointer (&query));
  query = mdk_member_query_new (NULL);
  query->card_type_id = 6;
  query->joined_from = g_strdup ("2020-01-01");
  query->joined_to = g_strdup ("2021-12-31");
  query->sort = MDK_MEMBER_SORT_NUMBER;
  {
    g_autoptr(GArray) found = search_ids (query, 25);
    g_autoptr(GArray) expected = sql_ids ("SELECT m.id FROM mdk.members m WHERE EXISTS (SELECT 1 FROM mdk.cards c "
                                          "WHERE c.member_id = m.id AND c.card_type_id = 6) AND joined_at >= '2020-01-01' "
                                          "AND joined_at < '2022-01-01' ORDER BY m.id", NULL);

    g_assert_cmpuint (found->len, >, 25);
    assert_same_ids (found, expected);
  }
}

/* A member's main card, worked out here without the columns the
 * triggers keep: a card in use before an ended one, the member's own
 * before an affiliate, the oldest first. */
#define MAIN_CARD(column) \
  "(SELECT c." column " FROM mdk.cards c WHERE c.member_id = m.id " \
  "ORDER BY c.state IN ('cancelled', 'replaced', 'expired'), c.primary_card_id IS NOT NULL, c.id LIMIT 1)"

/* By card number, card type, home store and status, both ways, with and
 * without text and filters, members without a card included: the same
 * order as SQL, in small pages. */
static void
test_card_store_status_orders (void)
{
  static const struct { MdkMemberSort sort; const char *order; const char *reversed; } orders[] = {
    { MDK_MEMBER_SORT_CARD_NUMBER, "coalesce(" MAIN_CARD ("card_no") ", '') COLLATE \"C\", m.id",
      "coalesce(" MAIN_CARD ("card_no") ", '') COLLATE \"C\" DESC, m.id DESC" },
    { MDK_MEMBER_SORT_CARD_TYPE,
      "(SELECT t.name COLLATE mdk.pinyin FROM mdk.card_types t WHERE t.id = " MAIN_CARD ("card_type_id") ") NULLS LAST, "
      MAIN_CARD ("card_type_id") " NULLS LAST, m.id",
      "(SELECT t.name COLLATE mdk.pinyin FROM mdk.card_types t WHERE t.id = " MAIN_CARD ("card_type_id") ") DESC NULLS FIRST, "
      MAIN_CARD ("card_type_id") " DESC NULLS FIRST, m.id DESC" },
    { MDK_MEMBER_SORT_STORE, "s.name COLLATE mdk.pinyin, s.id, m.id", "s.name COLLATE mdk.pinyin DESC, s.id DESC, m.id DESC" },
    { MDK_MEMBER_SORT_STATUS, "m.status, m.id", "m.status DESC, m.id DESC" },
  };
  static const struct { const char *text; const char *condition; gboolean in_region; } searches[] = {
    { NULL, "true", FALSE },
    { NULL, "s.region_id = 2", TRUE },
    /* Walked in the list's order. */
    { "w", "(m.name_pinyin LIKE 'w%' OR lower(replace(m.name, ' ', '')) LIKE '%w%' OR lower(m.email) LIKE 'w%')", FALSE },
    /* Fetched from their own index and sorted. */
    { "wangfang", "(m.name_pinyin LIKE 'wangfang%' OR m.name_initials LIKE 'wangfang%' "
      "OR lower(replace(m.name, ' ', '')) LIKE '%wangfang%' OR lower(m.email) LIKE 'wangfang%')", FALSE },
  };

  /* Members without a card, and a name order that is not the stores' ids. */
  PQclear (mdk_test_exec (db->conn, "INSERT INTO mdk.members (name, home_store_id, entry_channel) "
                          "SELECT '王芳', id, 'website' FROM mdk.stores ORDER BY id LIMIT 3"));
  PQclear (mdk_test_exec (db->conn, "UPDATE mdk.stores SET name = name || ' ' || (id * 7919 % 13)"));
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members m WHERE " MAIN_CARD ("id") " IS NULL"), ==, 3);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(DISTINCT status) FROM mdk.members"), ==, 3);

  for (guint o = 0; o < G_N_ELEMENTS (orders); o++)
    for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
      for (guint reversed = 0; reversed < 2; reversed++)
        {
          g_autoptr(MdkMemberQuery) query = mdk_member_query_new (searches[i].text);
          g_autofree char *sql = g_strdup_printf ("SELECT m.id FROM mdk.members m JOIN mdk.stores s ON s.id = m.home_store_id "
                                                  "WHERE %s ORDER BY %s", searches[i].condition,
                                                  reversed ? orders[o].reversed : orders[o].order);
          g_autoptr(GArray) expected = sql_ids (sql, NULL);
          g_autoptr(GArray) found = NULL;

          query->sort = orders[o].sort;
          query->descending = reversed;
          query->region_id = searches[i].in_region ? 2 : 0;
          found = search_ids (query, 37);
          g_test_message ("order %u, search %u%s: %u members", o, i, reversed ? ", reversed" : "", found->len);
          g_assert_cmpuint (found->len, >, 3);
          assert_same_ids (found, expected);
        }

  PQclear (mdk_test_exec (db->conn, "UPDATE mdk.stores SET name = regexp_replace(name, ' [0-9]+$', '')"));
  PQclear (mdk_test_exec (db->conn, "DELETE FROM mdk.members m WHERE NOT EXISTS (SELECT 1 FROM mdk.cards c WHERE c.member_id = m.id)"));
}

static char *
member_value (const char *sql,
              const char *member)
{
  const char *params[] = { member };

  return mdk_test_query_string_params (db->conn, sql, 1, params);
}

static void
member_exec (const char *sql,
             const char *member)
{
  const char *params[] = { member };

  PQclear (mdk_test_exec_params (db->conn, sql, 1, params));
}

static void
assert_main_card (const char *member,
                  const char *card_no)
{
  g_autofree char *main_card = member_value ("SELECT main_card_no FROM mdk.members WHERE id = $1", member);

  g_assert_cmpstr (main_card, ==, card_no);
}

/* The main card follows the cards: an ended card gives way to one in use,
 * a member's first card becomes its main card, and neither counts as a
 * change to the member's record. */
static void
test_main_card_follows_cards (void)
{
  g_autofree char *member = sample ("SELECT m.id::text FROM mdk.members m WHERE EXISTS "
                                    "(SELECT 1 FROM mdk.cards c WHERE c.member_id = m.id AND c.primary_card_id IS NOT NULL) "
                                    "AND (SELECT count(*) FROM mdk.cards c WHERE c.member_id = m.id AND c.state = 'active') = 2 "
                                    "ORDER BY m.id LIMIT 1");
  g_autofree char *updated = member_value ("SELECT updated_at::text FROM mdk.members WHERE id = $1", member);
  g_autofree char *updated_after = NULL;
  g_autofree char *own = member_value ("SELECT card_no FROM mdk.cards WHERE member_id = $1 AND primary_card_id IS NULL", member);
  g_autofree char *affiliate = member_value ("SELECT card_no FROM mdk.cards WHERE member_id = $1 AND primary_card_id IS NOT NULL",
                                             member);
  g_autofree char *newcomer = NULL;
  g_autofree char *newcomer_card = NULL;
  g_autoptr(MdkMemberQuery) query = mdk_member_query_new (affiliate);
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;

  assert_main_card (member, own);
  PQclear (mdk_test_exec (db->conn, "SET mdk.changing_card = on"));

  /* The member's own card is cancelled: the affiliate card is shown. */
  member_exec ("UPDATE mdk.cards SET state = 'cancelled' WHERE member_id = $1 AND primary_card_id IS NULL", member);
  assert_main_card (member, affiliate);
  page = mdk_member_repo_search (db->conn, query, NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 1);
  g_assert_cmpstr (mdk_member_get_card_no (g_ptr_array_index (page, 0)), ==, affiliate);

  member_exec ("UPDATE mdk.cards SET state = 'active' WHERE member_id = $1 AND primary_card_id IS NULL", member);
  assert_main_card (member, own);
  PQclear (mdk_test_exec (db->conn, "RESET mdk.changing_card"));
  updated_after = member_value ("SELECT updated_at::text FROM mdk.members WHERE id = $1", member);
  g_assert_cmpstr (updated_after, ==, updated);

  /* A member's first card. */
  newcomer = mdk_test_query_string (db->conn, "INSERT INTO mdk.members (name, home_store_id, entry_channel) "
                                    "VALUES ('李新', 1, 'store_counter') RETURNING id::text");
  assert_main_card (newcomer, NULL);
  member_exec ("INSERT INTO mdk.cards (card_no, card_type_id, member_id, issued_store_id) "
               "VALUES ('99990000000000017', 1, $1, 1)", newcomer);
  newcomer_card = member_value ("SELECT main_card_no || '/' || main_card_type_id FROM mdk.members WHERE id = $1", newcomer);
  g_assert_cmpstr (newcomer_card, ==, "99990000000000017/1");
  member_exec ("DELETE FROM mdk.cards WHERE member_id = $1", newcomer);
  assert_main_card (newcomer, NULL);
  member_exec ("DELETE FROM mdk.members WHERE id = $1", newcomer);
}

/* Jumping straight to page 8 gives the rows that paging there gives, in
 * every order. */
static void
test_page_starts (void)
{
  static const MdkMemberSort sorts[] = { MDK_MEMBER_SORT_NAME, MDK_MEMBER_SORT_CARD_NUMBER, MDK_MEMBER_SORT_CARD_TYPE,
                                         MDK_MEMBER_SORT_STORE, MDK_MEMBER_SORT_STATUS };

  for (guint i = 0; i < G_N_ELEMENTS (sorts) * 2; i++)
    {
      g_autoptr(MdkMemberQuery) query = mdk_member_query_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) starts = NULL;
      g_autoptr(GArray) all = NULL;
      g_autoptr(GPtrArray) page = NULL;

      query->sort = sorts[i / 2];
      query->descending = i % 2;
      starts = mdk_member_repo_page_starts (db->conn, query, 300, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (starts->len, ==, N_MEMBERS / 300);
      all = search_ids (query, 300);

      page = mdk_member_repo_search (db->conn, query, &g_array_index (starts, MdkPageKey, 6), 300, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (page->len, ==, 300);
      for (guint row = 0; row < page->len; row++)
        g_assert_cmpint (mdk_member_get_id (g_ptr_array_index (page, row)), ==, g_array_index (all, gint64, 7 * 300 + row));
    }
}

static void
test_member_fields (void)
{
  g_autoptr(MdkMemberQuery) query = mdk_member_query_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = NULL;
  MdkMember *member;

  query->sort = MDK_MEMBER_SORT_NUMBER;
  page = mdk_member_repo_search (db->conn, query, NULL, 1, &error);
  g_assert_no_error (error);
  member = g_ptr_array_index (page, 0);

  g_assert_true (mdk_member_get_loaded (member));
  g_assert_cmpint (mdk_member_get_id (member), ==, 1);
  g_assert_nonnull (mdk_member_get_name (member));
  g_assert_nonnull (mdk_member_get_store_name (member));
  g_assert_nonnull (mdk_member_get_region_name (member));
  g_assert_cmpuint (strlen (mdk_member_get_card_no (member)), ==, 16);
  g_assert_nonnull (mdk_member_get_card_type (member));
  g_assert_cmpuint (strlen (mdk_member_get_joined_on (member)), ==, 10);
}

static void
test_detail (void)
{
  g_autoptr(GError) error = NULL;
  gint64 member_id = mdk_test_query_int (db->conn, "SELECT member_id FROM mdk.cards WHERE primary_card_id IS NOT NULL "
                                         "ORDER BY id LIMIT 1");
  g_autoptr(MdkMemberDetail) detail = mdk_member_repo_load_detail (db->conn, member_id, &error);
  g_autoptr(MdkMemberDetail) missing = NULL;
  GListModel *cards;
  gboolean has_affiliate = FALSE;

  g_assert_no_error (error);
  g_assert_cmpint (g_ascii_strtoll (mdk_member_detail_get_field (detail, MDK_MEMBER_DETAIL_FIELD_ID), NULL, 10), ==, member_id);
  g_assert_nonnull (mdk_member_detail_get_field (detail, MDK_MEMBER_DETAIL_FIELD_NAME));
  g_assert_nonnull (mdk_member_detail_get_field (detail, MDK_MEMBER_DETAIL_FIELD_ENTRY_CHANNEL));

  /* Every card of the member, its own before affiliates. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM mdk.cards WHERE member_id = %" G_GINT64_FORMAT, member_id);

    cards = mdk_member_detail_get_cards (detail);
    g_assert_cmpuint (g_list_model_get_n_items (cards), ==, mdk_test_query_int (db->conn, sql));
  }
  for (guint i = 0; i < g_list_model_get_n_items (cards); i++)
    {
      g_autoptr(MdkCard) card = g_list_model_get_item (cards, i);
      const char *primary = mdk_card_get_field (card, MDK_CARD_FIELD_PRIMARY_CARD_NO);

      g_assert_cmpuint (strlen (mdk_card_get_field (card, MDK_CARD_FIELD_CARD_NO)), ==, 16);
      if (primary != NULL)
        has_affiliate = TRUE;
      else
        g_assert_false (has_affiliate);
    }
  g_assert_true (has_affiliate);

  missing = mdk_member_repo_load_detail (db->conn, 987654321, &error);
  g_assert_null (missing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpint (PQtransactionStatus (db->conn), ==, PQTRANS_IDLE);
}

int
main (int   argc,
      char *argv[])
{
  mdk_test_init (&argc, &argv);

  db = mdk_test_db_new_demo (N_MEMBERS, 5);

  g_test_add_func ("/member-search/classify", test_classify);
  g_test_add_func ("/member-search/mobile", test_mobile);
  g_test_add_func ("/member-search/card-and-id-number", test_card_and_id_number);
  g_test_add_func ("/member-search/email", test_email);
  g_test_add_func ("/member-search/chinese-names", test_chinese_names);
  g_test_add_func ("/member-search/pinyin", test_pinyin);
  g_test_add_func ("/member-search/latin-names", test_latin_names);
  g_test_add_func ("/member-search/latin-names-paged", test_latin_names_paged);
  g_test_add_func ("/member-search/latin-names-follow-renames", test_latin_names_follow_renames);
  g_test_add_func ("/member-search/several-ways-paged", test_several_ways_paged);
  g_test_add_func ("/member-search/hostile-text", test_hostile_text);
  g_test_add_func ("/member-search/filters-and-sorting", test_filters_and_sorting);
  g_test_add_func ("/member-search/card-store-status-orders", test_card_store_status_orders);
  g_test_add_func ("/member-search/main-card-follows-cards", test_main_card_follows_cards);
  g_test_add_func ("/member-search/page-starts", test_page_starts);
  g_test_add_func ("/member-search/member-fields", test_member_fields);
  g_test_add_func ("/member-search/detail", test_detail);

  return mdk_test_run ();
}
