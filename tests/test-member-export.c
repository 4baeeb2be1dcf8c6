/* test-member-export.c: exports read back and compared cell by cell
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "mdk-test-fixture.h"

#define N_MEMBERS 3000

static MdkTestDb *db;
static char *dir;

/* A small RFC 4180 reader, enough to read back what the export wrote. */
static GPtrArray *
read_csv (const char *path)
{
  g_autofree char *text = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) row = g_ptr_array_new ();
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p;
  gboolean quoted = FALSE;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBF"));

  for (p = text + 3; *p; p++)
    {
      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            g_string_append_c (field, *p++);
          else if (*p == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, *p);
        }
      else if (*p == '"')
        quoted = TRUE;
      else if (*p == ',')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
        }
      else if (*p == '\r' && p[1] == '\n')
        {
          p++;
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          g_ptr_array_add (row, NULL);
          g_ptr_array_add (rows, g_ptr_array_steal (row, NULL));
        }
      else
        g_string_append_c (field, *p);
    }

  g_assert_false (quoted);
  g_assert_cmpuint (row->len, ==, 0);
  return rows;
}

static PGresult *
expected_rows (const char *condition)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id::text AS member_no, name, mobile, birthday::text, id_number FROM mdk.members "
                                          "WHERE %s ORDER BY name_pinyin COLLATE \"C\", id", condition);

  return mdk_test_exec (db->conn, sql);
}

static void
test_csv (void)
{
  g_autoptr(MdkMemberQuery) query = mdk_member_query_new (NULL);
  g_autofree char *path = g_build_filename (dir, "february.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(PGresult) expected = expected_rows ("extract(month FROM birthday) = 2");
  guint64 n_rows = 0;

  query->birthday_month = 2;
  g_assert_true (mdk_member_export (db->conn, query, path, MDK_EXPORT_CSV, 0, NULL, NULL, NULL, &n_rows, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_rows, ==, PQntuples (expected));

  rows = read_csv (path);
  g_assert_cmpuint (rows->len, ==, n_rows + 1);
  g_assert_cmpuint (g_strv_length (g_ptr_array_index (rows, 0)), ==, 15);
  for (int i = 0; i < PQntuples (expected); i++)
    {
      char **cells = g_ptr_array_index (rows, i + 1);

      g_assert_cmpstr (cells[0], ==, PQgetvalue (expected, i, 0));
      g_assert_cmpstr (cells[1], ==, PQgetvalue (expected, i, 1));
      g_assert_cmpstr (cells[3], ==, PQgetvalue (expected, i, 2));
      g_assert_cmpstr (cells[6], ==, PQgetvalue (expected, i, 3));
      g_assert_cmpstr (cells[5], ==, PQgetvalue (expected, i, 4));
    }
}

static void
test_csv_nasty_names (void)
{
  static const char * const names[] = {
    "O\"Brien, Jr.", "Line\nbreak", "=HYPERLINK(\"http://x\")", "@SUM(A1)", "李明, 王芳",
  };
  g_autoptr(MdkMemberQuery) query = mdk_member_query_new (NULL);
  g_autofree char *path = g_build_filename (dir, "nasty.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(MdkTestDb) nasty = mdk_test_db_new ();

  mdk_test_exec (nasty->conn, "INSERT INTO mdk.regions (id, code, name) VALUES (1, 'R', 'R')");
  mdk_test_exec (nasty->conn, "INSERT INTO mdk.stores (id, region_id, code, name, city) VALUES (1, 1, 'S', 'S, \"the\" store', 'C')");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *params[] = { names[i] };

      mdk_pg_exec_command (nasty->conn, "INSERT INTO mdk.members (name, home_store_id, entry_channel) "
                           "VALUES ($1, 1, 'website')", 1, params, &error);
      g_assert_no_error (error);
    }

  query->sort = MDK_MEMBER_SORT_NUMBER;
  g_assert_true (mdk_member_export (nasty->conn, query, path, MDK_EXPORT_CSV, 0, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  rows = read_csv (path);
  g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (names) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      char **cells = g_ptr_array_index (rows, i + 1);
      g_autofree char *expected = (names[i][0] == '=' || names[i][0] == '@') ? g_strconcat ("'", names[i], NULL)
                                                                             : g_strdup (names[i]);

      /* Quotes, commas and line breaks survive; formulas are kept as text. */
      g_assert_cmpstr (cells[1], ==, expected);
      g_assert_cmpstr (cells[9], ==, "S, \"the\" store");
    }
}

static GPtrArray *
read_xlsx (const char *path)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "check-xlsx.py", NULL);
  const char *argv[] = { "python3", script, path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  int status = 0;
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  if (error != NULL)
    g_printerr ("%s", err);
  g_assert_no_error (error);

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      g_ptr_array_add (result, g_strsplit (lines[i], "\t", -1));
  return result;
}

static void
test_xlsx (void)
{
  g_autoptr(MdkMemberQuery) query = mdk_member_query_new (NULL);
  g_autofree char *path = g_build_filename (dir, "everyone.xlsx", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(PGresult) expected = expected_rows ("true");
  guint n_sheets = 0, n_data = 0;
  guint64 n_rows = 0;

  /* 1,001 rows a sheet, header included, stands in for Excel's 1,048,576. */
  g_assert_true (mdk_member_export (db->conn, query, path, MDK_EXPORT_XLSX, 1001, NULL, NULL, NULL, &n_rows, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_rows, ==, N_MEMBERS);

  lines = read_xlsx (path);
  for (guint i = 0; i < lines->len; i++)
    {
      char **cells = g_ptr_array_index (lines, i);

      if (g_str_equal (cells[0], "sheet"))
        {
          n_sheets++;
          g_assert_cmpstr (cells[2], ==, "1");                        /* the header row is frozen */
          g_assert_true (g_str_has_prefix (cells[3], "A1:O"));          /* and filters */
          cells = g_ptr_array_index (lines, ++i);
          g_assert_cmpstr (cells[1], ==, "text:Member number");         /* the header */
          continue;
        }

      /* Numbers that identify are text, dates are dates, in the search's order. */
      g_assert_cmpstr (cells[1] + strlen ("text:"), ==, PQgetvalue (expected, n_data, 0));
      g_assert_true (g_str_has_prefix (cells[1], "text:"));
      g_assert_cmpstr (cells[2] + strlen ("text:"), ==, PQgetvalue (expected, n_data, 1));
      g_assert_cmpstr (cells[4], ==, g_strconcat ("text:", PQgetvalue (expected, n_data, 2), NULL));
      if (!PQgetisnull (expected, n_data, 3))
        g_assert_cmpstr (cells[7], ==, g_strconcat ("date:", PQgetvalue (expected, n_data, 3), NULL));
      n_data++;
    }

  g_assert_cmpuint (n_sheets, ==, 3);
  g_assert_cmpuint (n_data, ==, N_MEMBERS);
}

static void
cancel_at_once (guint64  done,
                guint64  total,
                gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

static void
test_cancel_leaves_nothing (void)
{
  g_autoptr(MdkMemberQuery) query = mdk_member_query_new (NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = g_build_filename (dir, "cancelled.xlsx", NULL);
  g_autofree char *partial = g_strconcat (path, ".part", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (mdk_member_export (db->conn, query, path, MDK_EXPORT_XLSX, 0, cancel_at_once, cancellable,
                                     cancellable, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
}

static void
test_format_for_path (void)
{
  gboolean known = FALSE;

  g_assert_cmpint (mdk_export_format_for_path ("a.XLSX", &known), ==, MDK_EXPORT_XLSX);
  g_assert_true (known);
  g_assert_cmpint (mdk_export_format_for_path ("a.csv", &known), ==, MDK_EXPORT_CSV);
  g_assert_true (known);
  mdk_export_format_for_path ("a.txt", &known);
  g_assert_false (known);
}

static void
remove_dir (gpointer path)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", (char *) path);

  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  g_free (path);
}

int
main (int   argc,
      char *argv[])
{
  mdk_test_init (&argc, &argv);

  dir = mdk_test_make_tmpdir ();
  mdk_test_add_cleanup (remove_dir, dir);
  db = mdk_test_db_new_demo (N_MEMBERS, 4);

  g_test_add_func ("/member-export/format-for-path", test_format_for_path);
  g_test_add_func ("/member-export/csv", test_csv);
  g_test_add_func ("/member-export/csv-nasty-names", test_csv_nasty_names);
  g_test_add_func ("/member-export/xlsx", test_xlsx);
  g_test_add_func ("/member-export/cancel-leaves-nothing", test_cancel_leaves_nothing);

  return mdk_test_run ();
}
