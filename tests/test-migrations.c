/* test-migrations.c: order, idempotence, atomicity and refusal of a newer schema
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "mdk-test-fixture.h"

#define ORDERED "/io/github/memberdesk/Memberdesk/tests/ordered"
#define BROKEN "/io/github/memberdesk/Memberdesk/tests/broken"

static const char *schema_fingerprint_sql =
  "SELECT md5(string_agg(table_name || '.' || column_name || ':' || data_type, ',' "
  "ORDER BY table_name, column_name)) FROM information_schema.columns WHERE table_schema = 'mdk'";

static void
test_apply_and_again (void)
{
  g_autoptr(MdkTestDb) db = mdk_test_db_new_empty ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  int latest = mdk_migrations_get_latest_version (NULL);
  guint n_applied = 0;

  g_assert_cmpint (latest, >=, 1);
  g_assert_cmpint (mdk_migrations_get_current_version (db->conn, &error), ==, 0);

  g_assert_true (mdk_migrations_apply (db->conn, NULL, &n_applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_applied, ==, latest);
  g_assert_cmpint (mdk_migrations_get_current_version (db->conn, &error), ==, latest);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM pg_tables WHERE schemaname = 'mdk' "
                                       "AND tablename IN ('regions', 'stores', 'terminals', 'operators', "
                                       "'members', 'card_types', 'cards')"), ==, 7);
  before = mdk_test_query_string (db->conn, schema_fingerprint_sql);

  g_assert_true (mdk_migrations_apply (db->conn, NULL, &n_applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_applied, ==, 0);
  after = mdk_test_query_string (db->conn, schema_fingerprint_sql);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.schema_migrations"), ==, latest);
}

static void
test_order (void)
{
  g_autoptr(MdkTestDb) db = mdk_test_db_new_empty ();
  g_autoptr(GError) error = NULL;
  g_autofree char *order = NULL;
  guint n_applied = 0;

  g_assert_cmpint (mdk_migrations_get_latest_version (ORDERED), ==, 10);
  g_assert_true (mdk_migrations_apply (db->conn, ORDERED, &n_applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_applied, ==, 4);

  /* Numeric order (10 after 3), and the file without a number is ignored. */
  order = mdk_test_query_string (db->conn, "SELECT string_agg(version::text, ',' ORDER BY seq) FROM mdk_t.log");
  g_assert_cmpstr (order, ==, "1,2,3,10");
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT max(version) FROM mdk.schema_migrations"), ==, 10);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.schema_migrations WHERE length(checksum) = 64"), ==, 4);
}

static void
test_failure_is_atomic (void)
{
  g_autoptr(MdkTestDb) db = mdk_test_db_new_empty ();
  g_autoptr(GError) error = NULL;
  guint n_applied = 0;

  g_assert_false (mdk_migrations_apply (db->conn, BROKEN, &n_applied, &error));
  g_assert_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "0002-bad"));
  g_assert_cmpuint (n_applied, ==, 1);

  /* The first migration stays; nothing of the failed one does. */
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT max(version) FROM mdk.schema_migrations"), ==, 1);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM pg_tables WHERE schemaname = 'mdk_b'"), ==, 1);
  g_assert_cmpint (PQtransactionStatus (db->conn), ==, PQTRANS_IDLE);

  /* The advisory lock was released: another session can migrate at once. */
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"), ==, 0);
}

static void
test_newer_refused (void)
{
  g_autoptr(MdkTestDb) db = mdk_test_db_new ();
  g_autoptr(GError) error = NULL;
  guint n_applied = 42;

  mdk_test_exec (db->conn, "INSERT INTO mdk.schema_migrations (version, name, checksum) VALUES (9999, '9999-future', 'x')");

  g_assert_false (mdk_migrations_apply (db->conn, NULL, &n_applied, &error));
  g_assert_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_SCHEMA_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "9999"));
  g_assert_nonnull (strstr (error->message, "newer"));
  g_assert_cmpuint (n_applied, ==, 0);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.schema_migrations"), ==,
                   mdk_migrations_get_latest_version (NULL) + 1);
}

static gpointer
apply_in_thread (gpointer conninfo)
{
  g_autoptr(MdkDatabase) database = mdk_database_new (conninfo, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = mdk_database_connect (database, &error);
  guint n_applied = 0;

  g_assert_no_error (error);
  mdk_migrations_apply (conn, NULL, &n_applied, &error);
  g_assert_no_error (error);

  return GUINT_TO_POINTER (n_applied);
}

static void
test_concurrent (void)
{
  g_autoptr(MdkTestDb) db = mdk_test_db_new_empty ();
  GThread *threads[4];
  guint total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("migrate", apply_in_thread, db->conninfo);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    total += GPOINTER_TO_UINT (g_thread_join (threads[i]));

  /* Four desktops started at once: each migration ran exactly once. */
  g_assert_cmpuint (total, ==, mdk_migrations_get_latest_version (NULL));
}

int
main (int   argc,
      char *argv[])
{
  mdk_test_init (&argc, &argv);

  g_test_add_func ("/migrations/apply-and-again", test_apply_and_again);
  g_test_add_func ("/migrations/order", test_order);
  g_test_add_func ("/migrations/failure-is-atomic", test_failure_is_atomic);
  g_test_add_func ("/migrations/newer-refused", test_newer_refused);
  g_test_add_func ("/migrations/concurrent", test_concurrent);

  return mdk_test_run ();
}
