/* test-embedded-server.c: create, start, stop, and recover after a crash
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "mdk-test-fixture.h"

typedef struct
{
  char              *dir;
  MdkEmbeddedServer *server;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *socket_dir = NULL;

  fixture->dir = mdk_test_make_tmpdir ();
  data_dir = g_build_filename (fixture->dir, "share", "memberdesk", "postgres", NULL);
  socket_dir = g_build_filename (fixture->dir, "run", NULL);
  fixture->server = mdk_embedded_server_new (data_dir, socket_dir);
  mdk_embedded_server_set_durable (fixture->server, FALSE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", fixture->dir);

  mdk_embedded_server_stop (fixture->server, NULL);
  g_clear_object (&fixture->server);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
  g_free (fixture->dir);
}

static PGconn *
connect_to (MdkEmbeddedServer *server)
{
  g_autofree char *conninfo = mdk_embedded_server_dup_conninfo (server, NULL);
  g_autoptr(MdkDatabase) database = mdk_database_new (conninfo, NULL);
  g_autoptr(GError) error = NULL;
  PGconn *conn = mdk_database_connect (database, &error);

  g_assert_no_error (error);
  return conn;
}

static char *
query (MdkEmbeddedServer *server,
       const char        *sql)
{
  g_autoptr(PGconn) conn = connect_to (server);

  return mdk_test_query_string (conn, sql);
}

static void
execute (MdkEmbeddedServer *server,
         const char        *sql)
{
  g_autoptr(PGconn) conn = connect_to (server);

  PQclear (mdk_test_exec (conn, sql));
}

static void
test_create_start_stop (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *encoding = NULL;
  g_autofree char *pid_file = NULL;
  g_autofree char *mode_path = NULL;
  GStatBuf info;

  g_assert_true (mdk_embedded_server_start (fixture->server, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (mdk_embedded_server_get_created (fixture->server));
  g_assert_true (mdk_embedded_server_get_started (fixture->server));

  /* Unix socket only, UTF-8, and the application's database exists. */
  listen = query (fixture->server, "SHOW listen_addresses");
  g_assert_cmpstr (listen, ==, "");
  encoding = query (fixture->server, "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()");
  g_assert_cmpstr (encoding, ==, "UTF8");
  g_assert_cmpint (g_stat (mdk_embedded_server_get_socket_dir (fixture->server), &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0700);

  g_assert_true (mdk_embedded_server_stop (fixture->server, &error));
  g_assert_no_error (error);
  pid_file = g_build_filename (mdk_embedded_server_get_data_dir (fixture->server), "postmaster.pid", NULL);
  g_assert_false (g_file_test (pid_file, G_FILE_TEST_EXISTS));

  /* The second start reuses the cluster. */
  g_assert_true (mdk_embedded_server_start (fixture->server, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (mdk_embedded_server_get_created (fixture->server));
  g_assert_false (mdk_embedded_server_get_recovered (fixture->server));
}

static void
test_already_running (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(MdkEmbeddedServer) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;

  g_assert_true (mdk_embedded_server_start (fixture->server, NULL, &error));

  /* memberdesk-admin while the app runs: it uses the server, and leaves it running. */
  second = mdk_embedded_server_new (mdk_embedded_server_get_data_dir (fixture->server),
                                    mdk_embedded_server_get_socket_dir (fixture->server));
  g_assert_true (mdk_embedded_server_start (second, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (mdk_embedded_server_get_started (second));
  g_assert_true (mdk_embedded_server_stop (second, &error));
  answer = query (fixture->server, "SELECT 'still running'");
  g_assert_cmpstr (answer, ==, "still running");
}

static void
wait_for_exit (GPid pid)
{
  for (guint i = 0; i < 200 && kill (pid, 0) == 0; i++)
    g_usleep (50 * 1000);
  g_assert_cmpint (kill (pid, 0), !=, 0);
}

static void
test_crash_recovery (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *count = NULL;
  GPid pid;

  /* As the application runs it: committed work must survive the crash. */
  mdk_embedded_server_set_durable (fixture->server, TRUE);
  g_assert_true (mdk_embedded_server_start (fixture->server, NULL, &error));
  g_assert_no_error (error);
  execute (fixture->server, "CREATE TABLE kept AS SELECT 1 AS one");

  /* A power cut, as far as the server can tell. */
  pid = mdk_embedded_server_get_postmaster_pid (fixture->server);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  wait_for_exit (pid);
  /* Its backends notice the postmaster is gone and leave. */
  g_usleep (G_USEC_PER_SEC);

  g_assert_true (mdk_embedded_server_start (fixture->server, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (mdk_embedded_server_get_recovered (fixture->server));
  answer = query (fixture->server, "SELECT 'back'");
  g_assert_cmpstr (answer, ==, "back");
  count = query (fixture->server, "SELECT count(*) FROM kept");
  g_assert_cmpstr (count, ==, "1");
}

static void
test_lock_of_another_process (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pid_file = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *answer = NULL;

  g_assert_true (mdk_embedded_server_start (fixture->server, NULL, &error));
  g_assert_true (mdk_embedded_server_stop (fixture->server, &error));

  /* After a crash and a reboot, the pid in the lock may belong to some
   * other live program: this test's own process stands in for it. */
  pid_file = g_build_filename (mdk_embedded_server_get_data_dir (fixture->server), "postmaster.pid", NULL);
  contents = g_strdup_printf ("%d\n%s\n", (int) getpid (), mdk_embedded_server_get_data_dir (fixture->server));
  g_assert_true (g_file_set_contents (pid_file, contents, -1, NULL));

  g_assert_true (mdk_embedded_server_start (fixture->server, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (mdk_embedded_server_get_recovered (fixture->server));
  answer = query (fixture->server, "SELECT 'ok'");
  g_assert_cmpstr (answer, ==, "ok");
}

static void
test_not_installed (void)
{
  g_autofree char *dir = mdk_test_make_tmpdir ();
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autoptr(MdkEmbeddedServer) server = mdk_embedded_server_new (data_dir, dir);
  g_autoptr(GError) error = NULL;

  g_setenv ("MDK_PG_BINDIR", dir, TRUE);
  g_assert_false (mdk_embedded_server_start (server, NULL, &error));
  g_unsetenv ("MDK_PG_BINDIR");

  g_assert_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_SERVER_NOT_INSTALLED);
  g_assert_nonnull (strstr (error->message, "apt install postgresql"));
  g_assert_false (g_file_test (data_dir, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  mdk_test_init (&argc, &argv);

  g_test_add ("/embedded-server/create-start-stop", Fixture, NULL,
              fixture_set_up, test_create_start_stop, fixture_tear_down);
  g_test_add ("/embedded-server/already-running", Fixture, NULL,
              fixture_set_up, test_already_running, fixture_tear_down);
  g_test_add ("/embedded-server/crash-recovery", Fixture, NULL,
              fixture_set_up, test_crash_recovery, fixture_tear_down);
  g_test_add ("/embedded-server/lock-of-another-process", Fixture, NULL,
              fixture_set_up, test_lock_of_another_process, fixture_tear_down);
  g_test_add_func ("/embedded-server/not-installed", test_not_installed);

  return mdk_test_run ();
}
