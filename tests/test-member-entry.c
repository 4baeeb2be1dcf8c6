/* test-member-entry.c: validation tables, saving members, duplicates and the birthday policy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "mdk-test-fixture.h"

static MdkTestDb *db;
static GDate today;

typedef struct
{
  const char *input;
  const char *expected;  /* NULL: refused (or blank) */
  gboolean    valid;
} Case;

static void
check_cases (const Case *cases,
             gsize       n_cases,
             gboolean  (*normalize) (const char *, const GDate *, char **, GError **),
             int         error_code)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = NULL;
      gboolean ok = normalize (cases[i].input, &today, &normalized, &error);

      g_test_message ("input: %s", cases[i].input ? cases[i].input : "(null)");
      g_assert_cmpint (ok, ==, cases[i].valid);
      if (ok)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (normalized, ==, cases[i].expected);
        }
      else
        {
          g_assert_error (error, MDK_MEMBER_ERROR, error_code);
          g_assert_null (normalized);
          g_assert_true (g_utf8_validate (error->message, -1, NULL) && *error->message != '\0');
        }
    }
}

static gboolean
normalize_mobile (const char *text, const GDate *d, char **out, GError **error)
{
  return mdk_member_normalize_mobile (text, out, error);
}

static gboolean
normalize_email (const char *text, const GDate *d, char **out, GError **error)
{
  return mdk_member_normalize_email (text, out, error);
}

static gboolean
normalize_name (const char *text, const GDate *d, char **out, GError **error)
{
  return mdk_member_normalize_name (text, out, error);
}

static void
test_mobile (void)
{
  static const Case cases[] = {
    { "13812345678", "13812345678", TRUE },
    { "138 1234 5678", "13812345678", TRUE },
    { "138-1234-5678", "13812345678", TRUE },
    { "+86 138 1234 5678", "13812345678", TRUE },
    { "+8613812345678", "13812345678", TRUE },
    { "008613812345678", "13812345678", TRUE },
    { "１３８１２３４５６７８", "13812345678", TRUE },     /* full-width digits */
    { "  19912345678  ", "19912345678", TRUE },
    { "+44 7911 123456", "+447911123456", TRUE },
    { "0044 7911 123456", "+447911123456", TRUE },
    { "+1 (415) 555-2671", "+14155552671", TRUE },
    { "", NULL, TRUE },
    { "   ", NULL, TRUE },
    { NULL, NULL, TRUE },
    { "12812345678", NULL, FALSE },                      /* no mainland prefix 12 */
    { "1381234567", NULL, FALSE },                       /* 10 digits */
    { "138123456789", NULL, FALSE },                     /* 12 digits */
    { "+86 10 12345678", NULL, FALSE },                  /* a Beijing landline */
    { "+0123456789", NULL, FALSE },
    { "+12345", NULL, FALSE },                           /* too short for E.164 */
    { "+1234567890123456", NULL, FALSE },                /* 16 digits: too long */
    { "138abcd5678", NULL, FALSE },
    { "138 1234 5678; DROP TABLE", NULL, FALSE },
    { "+86+13812345678", NULL, FALSE },
  };

  check_cases (cases, G_N_ELEMENTS (cases), normalize_mobile, MDK_MEMBER_ERROR_INVALID_MOBILE);
}

static void
test_email (void)
{
  static const Case cases[] = {
    { "li.ming@Example.COM", "li.ming@example.com", TRUE },
    { "  ming+vip@shop.cn ", "ming+vip@shop.cn", TRUE },
    { "Ming＠example.com", "Ming@example.com", TRUE },  /* full-width at sign */
    { "", NULL, TRUE },
    { "ming", NULL, FALSE },
    { "@example.com", NULL, FALSE },
    { "ming@", NULL, FALSE },
    { "ming@example", NULL, FALSE },
    { "ming@@example.com", NULL, FALSE },
    { "li ming@example.com", NULL, FALSE },
    { "ming@example..com", NULL, FALSE },
    { "ming@example.com.", NULL, FALSE },
    { "a@b.c, d@e.f", NULL, FALSE },
  };

  check_cases (cases, G_N_ELEMENTS (cases), normalize_email, MDK_MEMBER_ERROR_INVALID_EMAIL);
}

static void
test_id_number (void)
{
  static const Case cases[] = {
    { "11010519491231002X", "11010519491231002X", TRUE },
    { "11010519491231002x", "11010519491231002X", TRUE },
    { " 110105 19491231 002X ", "11010519491231002X", TRUE },
    { "440524188001010014", NULL, FALSE },               /* born 1880 */
    { "110105194912310021", NULL, FALSE },               /* wrong check character */
    { "11010519491331002X", NULL, FALSE },               /* month 13 */
    { "110105202302290027", NULL, FALSE },               /* 2023-02-29 does not exist */
    { "110105203001010000", NULL, FALSE },               /* born in the future */
    { "1101051949123100", NULL, FALSE },                 /* too short */
    { "11010519491231002XX", NULL, FALSE },
    { "A1010519491231002X", NULL, FALSE },
    { "", NULL, TRUE },
  };

  check_cases (cases, G_N_ELEMENTS (cases), mdk_member_normalize_id_number, MDK_MEMBER_ERROR_INVALID_ID_NUMBER);
}

static void
test_birthday (void)
{
  static const Case cases[] = {
    { "1990-05-17", "1990-05-17", TRUE },
    { "1990/5/7", "1990-05-07", TRUE },
    { "1990.05.07", "1990-05-07", TRUE },
    { "19900507", "1990-05-07", TRUE },
    { "1990年5月7日", "1990-05-07", TRUE },
    { "２０００－０２－２９", "2000-02-29", TRUE },       /* full-width */
    { "2024-02-29", "2024-02-29", TRUE },
    { "2026-11-25", "2026-11-25", TRUE },                 /* today */
    { "", NULL, TRUE },
    { "2023-02-29", NULL, FALSE },                        /* not a leap year */
    { "1900-02-29", NULL, FALSE },                        /* century, not a leap year */
    { "2026-11-26", NULL, FALSE },                        /* tomorrow */
    { "1899-12-31", NULL, FALSE },
    { "17/05/1990", NULL, FALSE },                        /* day first: not guessed */
    { "1990-5-17x", NULL, FALSE },
    { "yesterday", NULL, FALSE },
  };

  check_cases (cases, G_N_ELEMENTS (cases), mdk_member_normalize_birthday, MDK_MEMBER_ERROR_INVALID_BIRTHDAY);
}

static void
test_leap_day_message (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (mdk_member_normalize_birthday ("2023-02-29", &today, NULL, &error));
  g_assert_nonnull (strstr (error->message, "2023"));
  g_assert_nonnull (strstr (error->message, "leap"));
}

static void
test_name (void)
{
  static const Case cases[] = {
    { "李明", "李明", TRUE },
    { "  Li   Ming ", "Li Ming", TRUE },
    { "欧阳\t娜娜", "欧阳 娜娜", TRUE },
    { "👩‍👩‍👧 Family", "👩‍👩‍👧 Family", TRUE },
    { "", NULL, FALSE },
    { "   ", NULL, FALSE },
    { "Li\x01Ming", NULL, FALSE },
    { "Li\u200BMing", NULL, FALSE },                      /* zero-width space */
  };
  g_autofree char *long_name = g_strnfill (101, 'a');
  g_autoptr(GError) error = NULL;

  check_cases (cases, G_N_ELEMENTS (cases), normalize_name, MDK_MEMBER_ERROR_INVALID_NAME);
  g_assert_false (mdk_member_normalize_name (long_name, NULL, &error));
  g_assert_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_NAME);
}

static void
test_id_number_sql_agrees (void)
{
  g_autoptr(PGresult) result = mdk_test_exec (db->conn, "SELECT id_number FROM mdk.members "
                                                        "WHERE id_number IS NOT NULL LIMIT 200");

  g_assert_cmpint (PQntuples (result), >, 10);
  for (int row = 0; row < PQntuples (result); row++)
    {
      g_autofree char *normalized = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (mdk_member_normalize_id_number (PQgetvalue (result, row, 0), NULL, &normalized, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members "
                                                 "WHERE NOT mdk.id_number_is_valid(id_number)"), ==, 0);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT mdk.id_number_is_valid('11010519491231002X')::int"),
                   ==, 1);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT mdk.id_number_is_valid('110105194912310021')::int"),
                   ==, 0);
}

static gint64
first_store (void)
{
  return mdk_test_query_int (db->conn, "SELECT min(id) FROM mdk.stores");
}

static MdkMemberDraft *
new_draft (const char *name,
           const char *mobile)
{
  MdkMemberDraft *draft = mdk_member_draft_new ();

  draft->name = g_strdup (name);
  draft->mobile = g_strdup (mobile);
  draft->home_store_id = first_store ();
  return draft;
}

static gpointer
save_work (PGconn        *conn,
           gpointer       work_data,
           GCancellable  *cancellable,
           GError       **error)
{
  gint64 id = mdk_member_repo_save (conn, work_data, error);

  return id == 0 ? NULL : g_memdup2 (&id, sizeof id);
}

static gint64
save_draft (MdkMemberDraft  *draft,
            GError         **error)
{
  g_autofree gint64 *id = mdk_database_run_sync (db->database, MDK_DATABASE_RUN_TRANSACTION, save_work,
                                                 draft, NULL, error);

  return id == NULL ? 0 : *id;
}

static MdkMemberDraft *
reload (gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdkMemberDetail) detail = mdk_member_repo_load_detail (db->conn, id, &error);

  g_assert_no_error (error);
  return mdk_member_draft_new_from_detail (detail);
}

static void
test_create (void)
{
  g_autoptr(MdkMemberDraft) draft = new_draft ("  王 小明 ", "+86 139 0000 0001");
  g_autoptr(MdkMemberDraft) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *operator = NULL;
  gint64 id;

  draft->email = g_strdup ("Xiaoming@Example.com");
  draft->id_number = g_strdup ("11010519491231002x");
  draft->birthday = g_strdup ("1949/12/31");
  g_free (draft->entry_channel);
  draft->entry_channel = g_strdup ("call_center");

  id = save_draft (draft, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  saved = reload (id);
  g_assert_cmpstr (saved->name, ==, "王 小明");
  g_assert_cmpstr (saved->mobile, ==, "13900000001");
  g_assert_cmpstr (saved->email, ==, "Xiaoming@example.com");
  g_assert_cmpstr (saved->id_number, ==, "11010519491231002X");
  g_assert_cmpstr (saved->birthday, ==, "1949-12-31");
  g_assert_cmpstr (saved->entry_channel, ==, "call_center");
  g_assert_cmpint (saved->home_store_id, ==, first_store ());

  /* The session is the cluster's superuser: it acts as the operator "admin". */
  sql = g_strdup_printf ("SELECT o.login FROM mdk.members m JOIN mdk.operators o ON o.id = m.entry_operator_id "
                         "WHERE m.id = %" G_GINT64_FORMAT, id);
  operator = mdk_test_query_string (db->conn, sql);
  g_assert_cmpstr (operator, ==, "admin");

  /* and the search keys were computed for the new name */
  g_free (sql);
  sql = g_strdup_printf ("SELECT name_pinyin FROM mdk.members WHERE id = %" G_GINT64_FORMAT, id);
  g_free (operator);
  operator = mdk_test_query_string (db->conn, sql);
  g_assert_cmpstr (operator, ==, "wangxiaoming");
}

static void
test_refuses_invalid (void)
{
  g_autoptr(MdkMemberDraft) no_contact = new_draft ("张三", NULL);
  g_autoptr(MdkMemberDraft) no_store = new_draft ("张三", "13900000002");
  g_autoptr(MdkMemberDraft) bad_mobile = new_draft ("张三", "1390000");
  g_autoptr(GError) error = NULL;
  gint64 before = mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members");

  g_assert_cmpint (save_draft (no_contact, &error), ==, 0);
  g_assert_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_NO_CONTACT);
  g_clear_error (&error);

  no_store->home_store_id = 0;
  g_assert_cmpint (save_draft (no_store, &error), ==, 0);
  g_assert_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_NO_STORE);
  g_clear_error (&error);

  g_assert_cmpint (save_draft (bad_mobile, &error), ==, 0);
  g_assert_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_MOBILE);

  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members"), ==, before);
}

static void
test_duplicates (void)
{
  g_autofree char *existing_mobile = mdk_test_query_string (db->conn,
                                                            "SELECT mobile FROM mdk.members WHERE mobile ~ '^1' "
                                                            "ORDER BY id LIMIT 1");
  g_autofree char *existing_id = mdk_test_query_string (db->conn,
                                                        "SELECT id_number FROM mdk.members "
                                                        "WHERE id_number IS NOT NULL ORDER BY id DESC LIMIT 1");
  g_autofree char *spaced = g_strdup_printf ("+86 %.3s %.4s %s", existing_mobile, existing_mobile + 3,
                                             existing_mobile + 7);
  g_autoptr(MdkMemberDraft) by_mobile = new_draft ("重复", spaced);
  g_autoptr(MdkMemberDraft) by_id = new_draft ("重复", "13900000003");
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  MdkMemberDuplicate *duplicate;

  g_assert_true (mdk_member_draft_normalize (by_mobile, NULL, &error));
  found = mdk_member_repo_find_duplicates (db->conn, by_mobile, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  duplicate = g_ptr_array_index (found, 0);
  g_assert_cmpint (duplicate->field, ==, MDK_MEMBER_DUPLICATE_MOBILE);
  g_assert_nonnull (duplicate->name);

  g_assert_cmpint (save_draft (by_mobile, &error), ==, 0);
  g_assert_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, duplicate->name));
  g_clear_error (&error);

  by_id->id_number = g_strdup (existing_id);
  g_assert_cmpint (save_draft (by_id, &error), ==, 0);
  g_assert_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_DUPLICATE);
  g_clear_error (&error);

  /* A member is not its own duplicate. */
  {
    gint64 id = mdk_test_query_int (db->conn, "SELECT id FROM mdk.members ORDER BY id LIMIT 1");
    g_autoptr(MdkMemberDraft) self_draft = reload (id);
    g_autoptr(GPtrArray) none = mdk_member_repo_find_duplicates (db->conn, self_draft, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (none->len, ==, 0);
  }

  /* The database refuses a duplicate from a writer that does not check. */
  {
    g_autofree char *sql = g_strdup_printf ("INSERT INTO mdk.members (name, mobile, home_store_id, entry_channel) "
                                            "VALUES ('x', '%s', %" G_GINT64_FORMAT ", 'website')",
                                            existing_mobile, first_store ());
    g_autoptr(PGresult) result = PQexec (db->conn, sql);

    g_assert_cmpstr (PQresultErrorField (result, PG_DIAG_SQLSTATE), ==, "23505");
  }
}

static void
test_edit_and_conflict (void)
{
  g_autoptr(MdkMemberDraft) draft = new_draft ("赵六", "13900000004");
  g_autoptr(MdkMemberDraft) first = NULL;
  g_autoptr(MdkMemberDraft) second = NULL;
  g_autoptr(MdkMemberDraft) again = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = save_draft (draft, &error);

  g_assert_no_error (error);

  first = reload (id);
  second = reload (id);

  g_free (first->email);
  first->email = g_strdup ("zhao@example.com");
  g_assert_cmpint (save_draft (first, &error), ==, id);
  g_assert_no_error (error);

  /* The second editor read the member before the first saved. */
  g_free (second->name);
  second->name = g_strdup ("赵 六");
  g_assert_cmpint (save_draft (second, &error), ==, 0);
  g_assert_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_CHANGED);

  again = reload (id);
  g_assert_cmpstr (again->name, ==, "赵六");
  g_assert_cmpstr (again->email, ==, "zhao@example.com");
}

static gint64
count_changes (gint64 id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM mdk.member_birthday_changes "
                                          "WHERE member_id = %" G_GINT64_FORMAT, id);

  return mdk_test_query_int (db->conn, sql);
}

static void
change_birthday (gint64       id,
                 const char  *birthday,
                 const char  *reason,
                 gboolean     override,
                 GError     **error)
{
  g_autoptr(MdkMemberDraft) draft = reload (id);

  g_free (draft->birthday);
  draft->birthday = g_strdup (birthday);
  draft->birthday_reason = g_strdup (reason);
  draft->birthday_override = override;
  save_draft (draft, error);
}

static void
test_birthday_policy (void)
{
  g_autoptr(MdkMemberDraft) draft = new_draft ("孙七", "13900000005");
  g_autoptr(MdkMemberDraft) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(PGresult) audit = NULL;
  gint64 id = save_draft (draft, &error);

  g_assert_no_error (error);

  /* Setting a birthday that was empty needs a reason and is recorded, but
   * is not a change the policy counts. */
  change_birthday (id, "2000-02-29", NULL, FALSE, &error);
  g_assert_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_BIRTHDAY_REASON);
  g_clear_error (&error);
  change_birthday (id, "2000-02-29", "told at the counter", FALSE, &error);
  g_assert_no_error (error);

  /* The first real change is allowed... */
  change_birthday (id, "2000-03-01", "typed the wrong day", FALSE, &error);
  g_assert_no_error (error);

  /* ...the next one within 12 months is not... */
  change_birthday (id, "2000-03-02", "again", FALSE, &error);
  g_assert_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_BIRTHDAY_TOO_SOON);
  g_clear_error (&error);
  saved = reload (id);
  g_assert_cmpstr (saved->birthday, ==, "2000-03-01");

  /* ...unless head office overrides it. */
  change_birthday (id, "2000-02-29", "ID card shows 29 February", TRUE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&saved, mdk_member_draft_free);
  saved = reload (id);
  g_assert_cmpstr (saved->birthday, ==, "2000-02-29");

  g_assert_cmpint (count_changes (id), ==, 3);
  sql = g_strdup_printf ("SELECT coalesce(old_birthday::text, '-'), new_birthday, reason, overridden, "
                         "o.login, db_role = session_user "
                         "FROM mdk.member_birthday_changes c LEFT JOIN mdk.operators o ON o.id = c.operator_id "
                         "WHERE member_id = %" G_GINT64_FORMAT " ORDER BY c.id", id);
  audit = mdk_test_exec (db->conn, sql);
  g_assert_cmpstr (PQgetvalue (audit, 0, 0), ==, "-");
  g_assert_cmpstr (PQgetvalue (audit, 0, 1), ==, "2000-02-29");
  g_assert_cmpstr (PQgetvalue (audit, 1, 0), ==, "2000-02-29");
  g_assert_cmpstr (PQgetvalue (audit, 1, 1), ==, "2000-03-01");
  g_assert_cmpstr (PQgetvalue (audit, 1, 2), ==, "typed the wrong day");
  g_assert_cmpstr (PQgetvalue (audit, 1, 3), ==, "f");
  g_assert_cmpstr (PQgetvalue (audit, 2, 3), ==, "t");
  g_assert_cmpstr (PQgetvalue (audit, 2, 4), ==, "admin");
  g_assert_cmpstr (PQgetvalue (audit, 2, 5), ==, "t");

  /* The next allowed change is 12 months after the last one. */
  g_free (sql);
  sql = g_strdup_printf ("SELECT (mdk.member_birthday_next_change(%" G_GINT64_FORMAT ") "
                         "= (now() + interval '12 months')::date)::int", id);
  g_assert_cmpint (mdk_test_query_int (db->conn, sql), ==, 1);
}

static void
expect_sqlstate (const char *sql,
                 const char *sqlstate)
{
  g_autoptr(PGresult) result = PQexec (db->conn, sql);

  g_test_message ("%s", sql);
  g_assert_cmpstr (PQresultErrorField (result, PG_DIAG_SQLSTATE), ==, sqlstate);
}

static void
test_birthday_guard (void)
{
  gint64 id = mdk_test_query_int (db->conn, "SELECT id FROM mdk.members WHERE birthday IS NOT NULL ORDER BY id LIMIT 1");
  g_autofree char *update = g_strdup_printf ("UPDATE mdk.members SET birthday = birthday + 1 "
                                             "WHERE id = %" G_GINT64_FORMAT, id);
  g_autofree char *future = g_strdup_printf ("UPDATE mdk.members SET name = name, birthday = current_date + 1 "
                                             "WHERE id = %" G_GINT64_FORMAT, id);
  g_autofree char *change_future = g_strdup_printf ("SELECT mdk.change_member_birthday(%" G_GINT64_FORMAT
                                                    ", current_date + 1, 'x')", id);
  g_autofree char *no_reason = g_strdup_printf ("SELECT mdk.change_member_birthday(%" G_GINT64_FORMAT
                                                ", '1990-01-01', ' ')", id);

  /* Other channels cannot change a birthday around the policy... */
  expect_sqlstate (update, "42501");
  expect_sqlstate (future, "23514");
  expect_sqlstate (change_future, "23514");
  expect_sqlstate (no_reason, "23502");
  g_assert_cmpint (count_changes (id), ==, 0);

  /* ...nor override it unless they work for head office. */
  {
    g_autofree char *store_clerk = mdk_test_query_string (db->conn, "SELECT login FROM mdk.operators "
                                                                    "WHERE scope = 'store' ORDER BY id LIMIT 1");
    g_autofree char *create = g_strdup_printf ("CREATE ROLE \"%s\" LOGIN", store_clerk);
    g_autofree char *become = g_strdup_printf ("SET SESSION AUTHORIZATION \"%s\"", store_clerk);
    g_autofree char *override = g_strdup_printf ("SELECT mdk.change_member_birthday(%" G_GINT64_FORMAT
                                                 ", '1990-01-01', 'x', true)", id);

    g_clear_pointer (&update, g_free);
    PQclear (mdk_test_exec (db->conn, create));
    PQclear (mdk_test_exec (db->conn, "GRANT USAGE ON SCHEMA mdk TO PUBLIC"));
    PQclear (mdk_test_exec (db->conn, "GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA mdk TO PUBLIC"));
    PQclear (mdk_test_exec (db->conn, become));
    g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT mdk.current_operator_is_head_office()::int"), ==, 0);
    expect_sqlstate (override, "42501");
    PQclear (mdk_test_exec (db->conn, "RESET SESSION AUTHORIZATION"));
  }
}


static gint64
count_members (MdkMemberQuery *query)
{
  g_autoptr(GError) error = NULL;
  gint64 n = mdk_member_repo_count (db->conn, query, &error);

  g_assert_no_error (error);
  return n;
}

static gint64
add_field (const char         *label,
           const char         *kind,
           const char * const *choices)
{
  g_autoptr(GError) error = NULL;
  gint64 id = mdk_custom_fields_add (db->conn, label, kind, choices, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
test_classification (void)
{
  static const char * const levels[] = { "金", "银", " ", "金", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(MdkMemberDraft) draft = new_draft ("周八", "13900000006");
  g_autoptr(MdkMemberDraft) saved = NULL;
  g_autoptr(MdkMemberQuery) query = mdk_member_query_new (NULL);
  g_autofree char *job = NULL, *spend = NULL, *wedding = NULL, *level = NULL;
  g_autofree char *custom = NULL;
  g_autofree char *sql = NULL;
  gint64 group, id;

  group = mdk_member_groups_add (db->conn, " 腾飞科技 ", &error);
  g_assert_no_error (error);
  g_assert_cmpint (mdk_member_groups_add (db->conn, "腾飞科技", &error), ==, 0);
  g_assert_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_GROUP);
  g_clear_error (&error);

  job = g_strdup_printf ("f%" G_GINT64_FORMAT, add_field ("职业", "text", NULL));
  spend = g_strdup_printf ("f%" G_GINT64_FORMAT, add_field ("年消费", "number", NULL));
  wedding = g_strdup_printf ("f%" G_GINT64_FORMAT, add_field ("结婚纪念日", "date", NULL));
  level = g_strdup_printf ("f%" G_GINT64_FORMAT, add_field ("等级", "choice", levels));
  g_assert_cmpint (mdk_custom_fields_add (db->conn, "等级2", "choice", NULL, &error), ==, 0);
  g_assert_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_CUSTOM);
  g_clear_error (&error);
  g_assert_cmpint (mdk_custom_fields_add (db->conn, "职业", "text", NULL, &error), ==, 0);
  g_assert_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_CUSTOM);
  g_clear_error (&error);

  draft->group_id = group;
  g_strfreev (draft->tags);
  draft->tags = g_strsplit (" VIP ,生日会员、VIP，", ",", -1);
  g_hash_table_insert (draft->custom, g_strdup (job), g_strdup (" 教师 "));
  g_hash_table_insert (draft->custom, g_strdup (spend), g_strdup ("1,200.50"));
  g_hash_table_insert (draft->custom, g_strdup (wedding), g_strdup ("2024/2/29"));
  g_hash_table_insert (draft->custom, g_strdup (level), g_strdup ("铜"));

  /* A value outside the choices is refused, naming the field. */
  g_assert_cmpint (save_draft (draft, &error), ==, 0);
  g_assert_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_CUSTOM);
  g_assert_nonnull (strstr (error->message, "等级"));
  g_clear_error (&error);

  g_hash_table_insert (draft->custom, g_strdup (level), g_strdup ("金"));
  id = save_draft (draft, &error);
  g_assert_no_error (error);

  sql = g_strdup_printf ("SELECT custom::text FROM mdk.members WHERE id = %" G_GINT64_FORMAT, id);
  custom = mdk_test_query_string (db->conn, sql);
  {
    g_autofree char *expected = g_strdup_printf ("{\"%s\": \"教师\", \"%s\": 1200.50, \"%s\": \"2024-02-29\", \"%s\": \"金\"}",
                                                 job, spend, wedding, level);
    g_autofree char *check = g_strdup_printf ("SELECT ('%s'::jsonb = '%s'::jsonb)::int", custom, expected);

    g_assert_cmpint (mdk_test_query_int (db->conn, check), ==, 1);
  }

  saved = reload (id);
  g_assert_cmpint (saved->group_id, ==, group);
  g_assert_cmpuint (g_strv_length (saved->tags), ==, 2);
  g_assert_cmpstr (saved->tags[0], ==, "VIP");
  g_assert_cmpstr (saved->tags[1], ==, "生日会员");
  g_assert_cmpstr (g_hash_table_lookup (saved->custom, spend), ==, "1200.50");

  /* Search by group, tag and custom values. */
  query->group_id = group;
  g_assert_cmpint (count_members (query), ==, 1);
  query->group_id = 0;
  query->tag_id = mdk_test_query_int (db->conn, "SELECT id FROM mdk.member_tags WHERE name = '生日会员'");
  g_assert_cmpint (count_members (query), ==, 1);
  query->tag_id = 0;
  query->custom_key = g_strdup (job);
  query->custom_value = g_strdup ("教师");
  g_assert_cmpint (count_members (query), ==, 1);
  g_free (query->custom_key);
  g_free (query->custom_value);
  query->custom_key = g_strdup (spend);
  query->custom_value = g_strdup ("1200.5");
  query->custom_is_number = TRUE;
  g_assert_cmpint (count_members (query), ==, 1);
  g_free (query->custom_value);
  query->custom_value = g_strdup ("1200.4");
  g_assert_cmpint (count_members (query), ==, 0);

  /* Editing replaces the tags; retiring a field keeps its values. */
  g_strfreev (saved->tags);
  saved->tags = g_strsplit ("常客", ",", -1);
  g_assert_cmpint (save_draft (saved, &error), ==, id);
  g_assert_no_error (error);
  {
    g_autofree char *tags_sql = g_strdup_printf ("SELECT mdk.member_tag_names(%" G_GINT64_FORMAT ")", id);
    g_autofree char *tags = mdk_test_query_string (db->conn, tags_sql);

    g_assert_cmpstr (tags, ==, "常客");
  }
  g_assert_true (mdk_custom_fields_retire (db->conn, g_ascii_strtoll (job + 1, NULL, 10), &error));
  g_clear_pointer (&saved, mdk_member_draft_free);
  saved = reload (id);
  g_assert_cmpint (save_draft (saved, &error), ==, id);
  g_assert_no_error (error);
  {
    g_autofree char *kept_sql = g_strdup_printf ("SELECT custom ->> '%s' FROM mdk.members WHERE id = %" G_GINT64_FORMAT,
                                                 job, id);
    g_autofree char *kept = mdk_test_query_string (db->conn, kept_sql);

    g_assert_cmpstr (kept, ==, "教师");
  }

  /* Other writers cannot store what the fields do not allow. */
  {
    g_autofree char *bad = g_strdup_printf ("UPDATE mdk.members SET custom = '{\"%s\": \"lots\"}' "
                                            "WHERE id = %" G_GINT64_FORMAT, spend, id);
    g_autofree char *unknown = g_strdup_printf ("UPDATE mdk.members SET custom = '{\"f999\": \"x\"}' "
                                                "WHERE id = %" G_GINT64_FORMAT, id);

    expect_sqlstate (bad, "23514");
    expect_sqlstate (unknown, "23514");
  }

  /* The export carries group, tags and a column per field in use. */
  {
    g_autofree char *dir = mdk_test_make_tmpdir ();
    g_autofree char *path = g_build_filename (dir, "m.csv", NULL);
    g_autofree char *text = NULL;
    g_autoptr(MdkMemberQuery) mobile = mdk_member_query_new ("13900000006");
    g_auto(GStrv) lines = NULL;

    g_assert_true (mdk_member_export (db->conn, mobile, path, MDK_EXPORT_CSV, 0, NULL, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    lines = g_strsplit (text, "\r\n", -1);
    g_assert_true (g_str_has_suffix (lines[0], ",Group,Tags,年消费,结婚纪念日,等级"));
    g_assert_true (g_str_has_suffix (lines[1], ",腾飞科技,常客,1200.50,2024-02-29,金"));
    g_unlink (path);

    /* In Excel, a number field is a number and a date field a date. */
    {
      g_autofree char *xlsx = g_build_filename (dir, "m.xlsx", NULL);
      g_autofree char *script = g_test_build_filename (G_TEST_DIST, "check-xlsx.py", NULL);
      const char *argv[] = { "python3", script, xlsx, NULL };
      g_autofree char *out = NULL;
      int status = 0;

      g_assert_true (mdk_member_export (db->conn, mobile, xlsx, MDK_EXPORT_XLSX, 0, NULL, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                                   &status, &error));
      g_assert_no_error (error);
      g_assert_cmpint (status, ==, 0);
      g_assert_nonnull (strstr (out, "\ttext:腾飞科技\ttext:常客\tnumber:1200.5\tdate:2024-02-29\ttext:金\n"));
      g_unlink (xlsx);
    }
    g_rmdir (dir);
  }
}

int
main (int   argc,
      char *argv[])
{
  mdk_test_init (&argc, &argv);

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 25, G_DATE_NOVEMBER, 2026);
  db = mdk_test_db_new_demo (300, 11);

  g_test_add_func ("/member-entry/mobile", test_mobile);
  g_test_add_func ("/member-entry/email", test_email);
  g_test_add_func ("/member-entry/id-number", test_id_number);
  g_test_add_func ("/member-entry/birthday", test_birthday);
  g_test_add_func ("/member-entry/leap-day-message", test_leap_day_message);
  g_test_add_func ("/member-entry/name", test_name);
  g_test_add_func ("/member-entry/id-number-sql-agrees", test_id_number_sql_agrees);
  g_test_add_func ("/member-entry/create", test_create);
  g_test_add_func ("/member-entry/refuses-invalid", test_refuses_invalid);
  g_test_add_func ("/member-entry/duplicates", test_duplicates);
  g_test_add_func ("/member-entry/edit-and-conflict", test_edit_and_conflict);
  g_test_add_func ("/member-entry/birthday-policy", test_birthday_policy);
  g_test_add_func ("/member-entry/birthday-guard", test_birthday_guard);
  g_test_add_func ("/member-entry/classification", test_classification);

  return mdk_test_run ();
}
