/* mdk-test-fixture.c: one throwaway cluster per test program, started with
 * the application's own embedded-server code (fsync off), and a fresh
 * database for each test cloned from a migrated template.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mdk-test-fixture.h"

#define TEMPLATE_NAME "mdk_template"

static MdkEmbeddedServer *server;
static volatile sig_atomic_t postmaster_pid;
static char *cluster_dir;
static guint db_counter;
static GPtrArray *cleanups;

/**
 * mdk_test_add_cleanup:
 * @func: called after the tests, while the cluster still runs
 * @data: data for @func
 */
void
mdk_test_add_cleanup (GDestroyNotify func,
                      gpointer       data)
{
  if (cleanups == NULL)
    cleanups = g_ptr_array_new ();
  g_ptr_array_add (cleanups, func);
  g_ptr_array_add (cleanups, data);
}

static gboolean
remove_tree (GFile  *file,
             GError **error)
{
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);

  while (children != NULL)
    {
      GFile *child = NULL;

      if (!g_file_enumerator_iterate (children, NULL, &child, NULL, error) || child == NULL)
        break;
      remove_tree (child, NULL);
    }

  return g_file_delete (file, NULL, error);
}

/**
 * mdk_test_make_tmpdir:
 *
 * Returns: (transfer full): a new private directory, short enough for a
 *   Unix socket path
 */
char *
mdk_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("mdk-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
mdk_test_init (int    *argc,
               char ***argv)
{
  const char *localedir = g_getenv ("MDK_LOCALEDIR");

  setlocale (LC_ALL, "");
  if (localedir != NULL)
    bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (argc, argv, NULL);
}

static void
create_template (void)
{
  g_autofree char *admin_conninfo = mdk_embedded_server_dup_conninfo (server, "postgres");
  g_autofree char *template_conninfo = mdk_embedded_server_dup_conninfo (server, TEMPLATE_NAME);
  g_autoptr(MdkDatabase) admin = mdk_database_new (admin_conninfo, NULL);
  g_autoptr(MdkDatabase) template = mdk_database_new (template_conninfo, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) admin_conn = mdk_database_connect (admin, &error);
  g_autoptr(PGconn) conn = NULL;

  g_assert_no_error (error);
  mdk_pg_exec_command (admin_conn, "CREATE DATABASE " TEMPLATE_NAME, 0, NULL, &error);
  g_assert_no_error (error);

  conn = mdk_database_connect (template, &error);
  g_assert_no_error (error);
  mdk_migrations_apply (conn, NULL, NULL, &error);
  g_assert_no_error (error);
}

/* A failed assertion aborts the program before mdk_test_run() can stop
 * the cluster: take it down too (SIGQUIT is PostgreSQL's immediate
 * shutdown, and kill() is safe in a signal handler). */
static void
stop_cluster_on_crash (int signum)
{
  if (postmaster_pid > 0)
    kill ((pid_t) postmaster_pid, SIGQUIT);
  raise (signum);
}

static void
watch_for_crashes (void)
{
  static const int signals[] = { SIGABRT, SIGTRAP, SIGSEGV, SIGBUS, SIGTERM };
  struct sigaction action = { 0 };

  action.sa_handler = stop_cluster_on_crash;
  action.sa_flags = SA_RESETHAND;
  sigemptyset (&action.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    sigaction (signals[i], &action, NULL);
}

/**
 * mdk_test_get_server:
 *
 * Returns: (transfer none): the test program's cluster, started on first use
 */
MdkEmbeddedServer *
mdk_test_get_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *socket_dir = NULL;

  if (server != NULL)
    return server;

  cluster_dir = mdk_test_make_tmpdir ();
  data_dir = g_build_filename (cluster_dir, "data", NULL);
  socket_dir = g_build_filename (cluster_dir, "s", NULL);
  server = mdk_embedded_server_new (data_dir, socket_dir);
  mdk_embedded_server_set_durable (server, FALSE);
  mdk_embedded_server_start (server, NULL, &error);
  g_assert_no_error (error);
  postmaster_pid = mdk_embedded_server_get_postmaster_pid (server);
  watch_for_crashes ();

  create_template ();
  return server;
}

int
mdk_test_run (void)
{
  int status = g_test_run ();

  for (guint i = 0; cleanups != NULL && i < cleanups->len; i += 2)
    ((GDestroyNotify) g_ptr_array_index (cleanups, i)) (g_ptr_array_index (cleanups, i + 1));
  g_clear_pointer (&cleanups, g_ptr_array_unref);

  if (server != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GFile) dir = g_file_new_for_path (cluster_dir);

      if (!mdk_embedded_server_stop (server, &error))
        g_printerr ("Stopping the test cluster: %s\n", error->message);
      postmaster_pid = 0;
      g_clear_object (&server);
      remove_tree (dir, NULL);
      g_clear_pointer (&cluster_dir, g_free);
    }

  return status;
}

static MdkTestDb *
db_new (const char *template)
{
  MdkEmbeddedServer *test_server = mdk_test_get_server ();
  g_autofree char *admin_conninfo = mdk_embedded_server_dup_conninfo (test_server, "postgres");
  g_autoptr(MdkDatabase) admin = mdk_database_new (admin_conninfo, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) admin_conn = mdk_database_connect (admin, &error);
  g_autofree char *sql = NULL;
  MdkTestDb *db = g_new0 (MdkTestDb, 1);

  g_assert_no_error (error);
  db->name = g_strdup_printf ("test_%u_%u", (guint) getpid (), ++db_counter);
  sql = g_strdup_printf ("CREATE DATABASE %s TEMPLATE %s", db->name, template);
  mdk_pg_exec_command (admin_conn, sql, 0, NULL, &error);
  g_assert_no_error (error);

  db->conninfo = mdk_embedded_server_dup_conninfo (test_server, db->name);
  db->database = mdk_database_new (db->conninfo, NULL);
  db->conn = mdk_database_connect (db->database, &error);
  g_assert_no_error (error);

  return db;
}

/**
 * mdk_test_db_new:
 *
 * Returns: a fresh database with the current schema
 */
MdkTestDb *
mdk_test_db_new (void)
{
  return db_new (TEMPLATE_NAME);
}

/**
 * mdk_test_db_new_empty:
 *
 * Returns: a fresh database without Memberdesk's schema
 */
MdkTestDb *
mdk_test_db_new_empty (void)
{
  return db_new ("template0");
}

void
mdk_test_db_free (MdkTestDb *db)
{
  g_autofree char *admin_conninfo = mdk_embedded_server_dup_conninfo (server, "postgres");
  g_autoptr(MdkDatabase) admin = mdk_database_new (admin_conninfo, NULL);
  g_autoptr(PGconn) admin_conn = NULL;
  g_autofree char *sql = g_strdup_printf ("DROP DATABASE IF EXISTS %s WITH (FORCE)", db->name);

  g_clear_pointer (&db->conn, PQfinish);
  g_clear_object (&db->database);

  admin_conn = mdk_database_connect (admin, NULL);
  if (admin_conn != NULL)
    mdk_pg_exec_command (admin_conn, sql, 0, NULL, NULL);

  g_free (db->name);
  g_free (db->conninfo);
  g_free (db);
}

PGresult *
mdk_test_exec (PGconn     *conn,
               const char *sql)
{
  g_autoptr(GError) error = NULL;
  PGresult *result = mdk_pg_exec (conn, sql, 0, NULL, &error);

  g_assert_no_error (error);
  return result;
}

char *
mdk_test_query_string (PGconn     *conn,
                       const char *sql)
{
  g_autoptr(PGresult) result = mdk_test_exec (conn, sql);

  g_assert_cmpint (PQntuples (result), ==, 1);
  return mdk_pg_get_string (result, 0, 0);
}

gint64
mdk_test_query_int (PGconn     *conn,
                    const char *sql)
{
  g_autoptr(PGresult) result = mdk_test_exec (conn, sql);

  g_assert_cmpint (PQntuples (result), ==, 1);
  return mdk_pg_get_int64 (result, 0, 0);
}

/* As mdk_test_exec(), with parameters. */
PGresult *
mdk_test_exec_params (PGconn             *conn,
                      const char         *sql,
                      int                 n_params,
                      const char * const *params)
{
  g_autoptr(GError) error = NULL;
  PGresult *result = mdk_pg_exec (conn, sql, n_params, (const char **) params, &error);

  g_assert_no_error (error);
  return result;
}

/* The one value a query returns, NULL for SQL's NULL. */
char *
mdk_test_query_string_params (PGconn             *conn,
                              const char         *sql,
                              int                 n_params,
                              const char * const *params)
{
  g_autoptr(PGresult) result = mdk_test_exec_params (conn, sql, n_params, params);

  g_assert_cmpint (PQntuples (result), ==, 1);
  return mdk_pg_get_string (result, 0, 0);
}

/**
 * mdk_test_db_new_demo:
 * @n_members: how many demo members
 * @seed: the demo seed
 *
 * A database with the demo chain, shared by the tests of one program and
 * dropped after them.
 *
 * Returns: (transfer none): the database
 */
MdkTestDb *
mdk_test_db_new_demo (guint   n_members,
                      guint64 seed)
{
  g_autoptr(GError) error = NULL;
  MdkTestDb *db = mdk_test_db_new ();

  mdk_test_add_cleanup ((GDestroyNotify) mdk_test_db_free, db);
  mdk_demo_generate (db->conn, n_members, seed, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  return db;
}
