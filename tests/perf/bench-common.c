/* bench-common.c: what the benchmarks share: a connection to a database
 * of their throwaway server, a statement that must succeed, and a timed
 * psql command as the reference
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "bench-common.h"

PGconn *
mdk_bench_connect (MdkEmbeddedServer *server,
                   const char        *dbname)
{
  g_autofree char *conninfo = mdk_embedded_server_dup_conninfo (server, dbname);
  g_autoptr(MdkDatabase) database = mdk_database_new (conninfo, NULL);
  g_autoptr(GError) error = NULL;
  PGconn *conn = mdk_database_connect (database, &error);

  g_assert_no_error (error);
  return conn;
}

void
mdk_bench_exec (PGconn     *conn,
                const char *sql)
{
  g_autoptr(GError) error = NULL;

  mdk_pg_exec_command (conn, sql, 0, NULL, &error);
  g_assert_no_error (error);
}

double
mdk_bench_run_psql (MdkEmbeddedServer *server,
                    const char        *dbname,
                    const char        *command)
{
  g_autofree char *conninfo = mdk_embedded_server_dup_conninfo (server, dbname);
  const char *argv[] = { "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", command, NULL };
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);

  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

