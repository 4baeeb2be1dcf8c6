/* test-database.c: the database layer against a real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "mdk-test-fixture.h"

static void
test_sqlstate_map (void)
{
  static const struct { const char *sqlstate; MdkDatabaseError code; } cases[] = {
    { "23505", MDK_DATABASE_ERROR_UNIQUE_VIOLATION },
    { "23503", MDK_DATABASE_ERROR_FOREIGN_KEY_VIOLATION },
    { "23514", MDK_DATABASE_ERROR_CHECK_VIOLATION },
    { "23502", MDK_DATABASE_ERROR_NOT_NULL_VIOLATION },
    { "22P02", MDK_DATABASE_ERROR_INVALID_DATA },
    { "22001", MDK_DATABASE_ERROR_INVALID_DATA },
    { "42501", MDK_DATABASE_ERROR_PERMISSION_DENIED },
    { "28P01", MDK_DATABASE_ERROR_PERMISSION_DENIED },
    { "40001", MDK_DATABASE_ERROR_SERIALIZATION_FAILURE },
    { "40P01", MDK_DATABASE_ERROR_DEADLOCK },
    { "53100", MDK_DATABASE_ERROR_RESOURCES },
    { "53300", MDK_DATABASE_ERROR_RESOURCES },
    { "P0001", MDK_DATABASE_ERROR_REFUSED },
    { "57P01", MDK_DATABASE_ERROR_CONNECTION_LOST },
    { "08006", MDK_DATABASE_ERROR_CONNECTION_LOST },
    { "42P01", MDK_DATABASE_ERROR_FAILED },
    { "XX000", MDK_DATABASE_ERROR_FAILED },
    { "", MDK_DATABASE_ERROR_FAILED },
    { NULL, MDK_DATABASE_ERROR_FAILED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (mdk_database_error_from_sqlstate (cases[i].sqlstate), ==, cases[i].code);
}

static void
assert_statement_fails (PGconn     *conn,
                        const char *sql,
                        int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = mdk_pg_exec (conn, sql, 0, NULL, &error);

  g_assert_null (result);
  g_assert_error (error, MDK_DATABASE_ERROR, code);
  g_assert_cmpuint (strlen (error->message), >, 10);
}

static void
test_real_errors (void)
{
  g_autoptr(MdkTestDb) db = mdk_test_db_new ();

  mdk_test_exec (db->conn, "INSERT INTO mdk.regions (code, name) VALUES ('EAST', 'East')");
  assert_statement_fails (db->conn, "INSERT INTO mdk.regions (code, name) VALUES ('EAST', 'Again')",
                          MDK_DATABASE_ERROR_UNIQUE_VIOLATION);
  assert_statement_fails (db->conn, "INSERT INTO mdk.regions (code, name) VALUES ('bad code', 'x')",
                          MDK_DATABASE_ERROR_CHECK_VIOLATION);
  assert_statement_fails (db->conn, "INSERT INTO mdk.regions (code, name) VALUES ('X', NULL)",
                          MDK_DATABASE_ERROR_NOT_NULL_VIOLATION);
  assert_statement_fails (db->conn, "INSERT INTO mdk.stores (region_id, code, name, city) VALUES (999, 'S', 'S', 'C')",
                          MDK_DATABASE_ERROR_FOREIGN_KEY_VIOLATION);
  assert_statement_fails (db->conn, "SELECT 'abc'::integer", MDK_DATABASE_ERROR_INVALID_DATA);
  assert_statement_fails (db->conn, "DO $$ BEGIN RAISE EXCEPTION 'Card 123 is frozen'; END $$",
                          MDK_DATABASE_ERROR_REFUSED);

  mdk_test_exec (db->conn, "DROP ROLE IF EXISTS mdk_test_nobody");
  mdk_test_exec (db->conn, "CREATE ROLE mdk_test_nobody");
  mdk_test_exec (db->conn, "SET ROLE mdk_test_nobody");
  assert_statement_fails (db->conn, "SELECT * FROM mdk.regions", MDK_DATABASE_ERROR_PERMISSION_DENIED);
  mdk_test_exec (db->conn, "RESET ROLE");
  mdk_test_exec (db->conn, "DROP ROLE mdk_test_nobody");
}

static void
test_refusal_message (void)
{
  g_autoptr(MdkTestDb) db = mdk_test_db_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = mdk_pg_exec (db->conn, "DO $$ BEGIN RAISE EXCEPTION 'Card 123 is frozen'; END $$",
                                            0, NULL, &error);

  /* A refusal from an mdk function is already written for people. */
  g_assert_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_REFUSED);
  g_assert_cmpstr (error->message, ==, "Card 123 is frozen");
}

static void
test_hostile_text (void)
{
  g_autoptr(MdkTestDb) db = mdk_test_db_new ();
  static const char * const names[] = {
    "'); DROP TABLE mdk.members; --",
    "Robert'); DELETE FROM mdk.regions WHERE ('1'='1",
    "$1 $2 \\x00 \\\\ \" ' `",
    "李明 😀 ‮RTL‬",
    "%s%n%x",
    "E'\\\\'::text",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *code = g_strdup_printf ("R%u", i);
      const char *params[] = { code, names[i] };
      g_autoptr(PGresult) back = NULL;

      mdk_pg_exec_command (db->conn, "INSERT INTO mdk.regions (code, name) VALUES ($1, $2)", 2, params, &error);
      g_assert_no_error (error);
      back = mdk_pg_exec (db->conn, "SELECT name FROM mdk.regions WHERE code = $1", 1, params, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (PQgetvalue (back, 0, 0), ==, names[i]);
    }

  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.regions"), ==, G_N_ELEMENTS (names));
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM pg_tables WHERE schemaname = 'mdk' AND tablename = 'members'"), ==, 1);
}

static void
test_conninfo (void)
{
  g_autofree char *built = mdk_conninfo_build ("db1.example.com,db2.example.com", "5432,5433", "it's \\ mine",
                                               "o'brien", NULL, "verify-full");
  g_autofree char *host = mdk_conninfo_get (built, "host");
  g_autofree char *dbname = mdk_conninfo_get (built, "dbname");
  g_autofree char *user = mdk_conninfo_get (built, "user");
  g_autofree char *sslmode = mdk_conninfo_get (built, "sslmode");
  g_autofree char *empty = mdk_conninfo_build ("", NULL, "", NULL, "", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (host, ==, "db1.example.com,db2.example.com");
  g_assert_cmpstr (dbname, ==, "it's \\ mine");
  g_assert_cmpstr (user, ==, "o'brien");
  g_assert_cmpstr (sslmode, ==, "verify-full");
  g_assert_cmpstr (empty, ==, "");
  g_assert_true (mdk_conninfo_equal ("host=a dbname=b", "dbname='b'   host='a'"));
  g_assert_true (mdk_conninfo_equal ("postgresql://a/b", "host=a dbname=b"));
  g_assert_false (mdk_conninfo_equal ("host=a dbname=b", "host=a dbname=c"));
  g_assert_false (mdk_conninfo_equal ("host=a", "host=a target_session_attrs=read-write"));
  g_assert_true (mdk_conninfo_validate (built, &error));
  g_assert_true (mdk_conninfo_validate ("host=a,b target_session_attrs=read-write", &error));
  g_assert_true (mdk_conninfo_validate ("postgresql://db.example.com/chain?sslmode=require", &error));
  g_assert_true (mdk_conninfo_validate ("service=chain", &error));
  g_assert_no_error (error);

  g_assert_false (mdk_conninfo_validate ("host=a password=secret", &error));
  g_assert_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_false (mdk_conninfo_validate ("postgresql://u:secret@db/chain", &error));
  g_assert_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_false (mdk_conninfo_validate ("host=a nonsense", &error));
  g_assert_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_INVALID_DATA);
}

static void
test_connection_failed (void)
{
  g_autofree char *dir = mdk_test_make_tmpdir ();
  g_autofree char *conninfo = g_strdup_printf ("host=%s dbname=nowhere", dir);
  g_autoptr(MdkDatabase) database = mdk_database_new (conninfo, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = mdk_database_connect (database, &error);

  g_assert_null (conn);
  g_assert_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_CONNECTION_FAILED);
  g_assert_nonnull (strstr (error->message, "Preferences"));
  g_rmdir (dir);
}

static gpointer
select_value (PGconn        *conn,
              gpointer       work_data,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(PGresult) result = mdk_pg_exec (conn, work_data, 0, NULL, error);

  return result ? mdk_pg_get_string (result, 0, 0) : NULL;
}

typedef struct
{
  GMainLoop *loop;
  char      *value;
  GError    *error;
} AsyncResult;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  AsyncResult *out = user_data;

  out->value = mdk_database_run_finish (MDK_DATABASE (source), result, &out->error);
  g_main_loop_quit (out->loop);
}

static gboolean
cancel_soon (gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

static void
test_async_and_cancel (void)
{
  g_autoptr(MdkTestDb) db = mdk_test_db_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncResult out = { g_main_loop_new (NULL, FALSE), NULL, NULL };
  gint64 start;

  mdk_database_run_async (db->database, MDK_DATABASE_RUN_READ_ONLY, select_value, "SELECT 6 * 7", NULL,
                          g_free, NULL, on_done, &out);
  g_main_loop_run (out.loop);
  g_assert_no_error (out.error);
  g_assert_cmpstr (out.value, ==, "42");
  g_clear_pointer (&out.value, g_free);

  /* The server stops the query: the call returns long before 30 s. */
  start = g_get_monotonic_time ();
  mdk_database_run_async (db->database, MDK_DATABASE_RUN_READ_ONLY, select_value, "SELECT pg_sleep(30)::text",
                          NULL, g_free, cancellable, on_done, &out);
  g_timeout_add (200, cancel_soon, cancellable);
  g_main_loop_run (out.loop);
  g_assert_error (out.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (out.value);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  g_clear_error (&out.error);

  /* The pool still works afterwards. */
  mdk_database_run_async (db->database, MDK_DATABASE_RUN_READ_ONLY, select_value, "SELECT 'after'", NULL,
                          g_free, NULL, on_done, &out);
  g_main_loop_run (out.loop);
  g_assert_no_error (out.error);
  g_assert_cmpstr (out.value, ==, "after");
  g_clear_pointer (&out.value, g_free);
  g_main_loop_unref (out.loop);
}

typedef struct
{
  guint  attempts;
  char  *conninfo;
} RetryData;

/* Forces a serialization failure on the first attempt: another session
 * changes the row between this transaction's read and its write. */
static gpointer
conflicting_update (PGconn        *conn,
                    gpointer       work_data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  RetryData *data = work_data;
  g_autoptr(PGresult) read = NULL;

  data->attempts++;
  if (!mdk_pg_exec_command (conn, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", 0, NULL, error) ||
      !(read = mdk_pg_exec (conn, "SELECT name FROM mdk.regions WHERE code = 'R'", 0, NULL, error)))
    return NULL;

  if (data->attempts == 1)
    {
      g_autoptr(PGconn) other = PQconnectdb (data->conninfo);

      g_assert_cmpint (PQstatus (other), ==, CONNECTION_OK);
      PQclear (PQexec (other, "UPDATE mdk.regions SET name = 'other' WHERE code = 'R'"));
    }

  if (!mdk_pg_exec_command (conn, "UPDATE mdk.regions SET name = 'mine' WHERE code = 'R'", 0, NULL, error))
    return NULL;

  return GINT_TO_POINTER (TRUE);
}

static void
test_serialization_retry (void)
{
  g_autoptr(MdkTestDb) db = mdk_test_db_new ();
  g_autoptr(GError) error = NULL;
  RetryData data = { 0, db->conninfo };
  gpointer result;

  mdk_test_exec (db->conn, "INSERT INTO mdk.regions (code, name) VALUES ('R', 'first')");

  result = mdk_database_run_sync (db->database, MDK_DATABASE_RUN_TRANSACTION, conflicting_update, &data, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (data.attempts, ==, 2);
  g_assert_cmpstr (mdk_test_query_string (db->conn, "SELECT name FROM mdk.regions WHERE code = 'R'"), ==, "mine");
}

static gpointer
terminate_self_then_select (PGconn        *conn,
                            gpointer       work_data,
                            GCancellable  *cancellable,
                            GError       **error)
{
  guint *attempts = work_data;
  g_autoptr(PGresult) result = NULL;

  if ((*attempts)++ == 0)
    PQclear (PQexec (conn, "SELECT pg_terminate_backend(pg_backend_pid())"));

  result = mdk_pg_exec (conn, "SELECT 'alive'", 0, NULL, error);
  return result ? mdk_pg_get_string (result, 0, 0) : NULL;
}

static void
test_connection_lost (void)
{
  g_autoptr(MdkTestDb) db = mdk_test_db_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  guint attempts = 0;

  /* A read is repeated on a fresh connection... */
  value = mdk_database_run_sync (db->database, MDK_DATABASE_RUN_READ_ONLY, terminate_self_then_select,
                                 &attempts, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "alive");
  g_assert_cmpuint (attempts, ==, 2);

  /* ...a write is not: its outcome is unknown and the caller is told. */
  attempts = 0;
  g_clear_pointer (&value, g_free);
  value = mdk_database_run_sync (db->database, MDK_DATABASE_RUN_DEFAULT, terminate_self_then_select,
                                 &attempts, NULL, &error);
  g_assert_null (value);
  g_assert_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_CONNECTION_LOST);
  g_assert_cmpuint (attempts, ==, 1);
  g_clear_error (&error);

  /* And the next request reconnects. */
  attempts = 1;
  value = mdk_database_run_sync (db->database, MDK_DATABASE_RUN_DEFAULT, terminate_self_then_select,
                                 &attempts, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "alive");
}

int
main (int   argc,
      char *argv[])
{
  mdk_test_init (&argc, &argv);

  g_test_add_func ("/database/sqlstate-map", test_sqlstate_map);
  g_test_add_func ("/database/real-errors", test_real_errors);
  g_test_add_func ("/database/refusal-message", test_refusal_message);
  g_test_add_func ("/database/hostile-text", test_hostile_text);
  g_test_add_func ("/database/conninfo", test_conninfo);
  g_test_add_func ("/database/connection-failed", test_connection_failed);
  g_test_add_func ("/database/async-and-cancel", test_async_and_cancel);
  g_test_add_func ("/database/serialization-retry", test_serialization_retry);
  g_test_add_func ("/database/connection-lost", test_connection_lost);

  return mdk_test_run ();
}
