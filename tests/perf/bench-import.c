/* bench-import.c: how fast a CSV file of members imports, against psql
 * \copy of the same file into the same table on the same cluster, in the
 * same run.
 *
 *   _build/tests/perf/bench-import [ROWS]     (default 1000000)
 *
 * The file has a header and the columns name, mobile, gender, birthday,
 * e-mail, store and channel; the store's code is its number, so that
 * \copy can load the same file into mdk.members as it is. Both start from
 * an empty members table with every index and trigger in place.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <sys/resource.h>

#include "bench-common.h"

static const char * const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "欧阳", "司马" };
static const char * const given[] = { "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
                                      "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英" };

static void
prepare (PGconn *conn)
{
  g_autoptr(GError) error = NULL;

  mdk_migrations_apply (conn, NULL, NULL, &error);
  g_assert_no_error (error);
  mdk_bench_exec (conn, "INSERT INTO mdk.regions (id, code, name) VALUES (1, 'EAST', '华东')");
  mdk_bench_exec (conn, "INSERT INTO mdk.stores (id, region_id, code, name, city) VALUES (1, 1, '1', '上海徐汇店', '上海')");
}

static void
write_file (const char *path,
            guint       n_rows)
{
  FILE *file = fopen (path, "w");

  g_assert_nonnull (file);
  fputs ("name,mobile,gender,birthday,email,store,channel\n", file);
  for (guint i = 0; i < n_rows; i++)
    fprintf (file, "%s%s%s,1%02u%08u,%s,%04u-%02u-%02u,m%u@example.com,1,batch_import\n",
             surnames[i % G_N_ELEMENTS (surnames)], given[(i / 7) % G_N_ELEMENTS (given)],
             i % 3 ? given[(i / 11) % G_N_ELEMENTS (given)] : "",
             30 + i / 100000000 % 70, i % 100000000, i % 2 ? "M" : "F",
             1950 + i % 55, 1 + i % 12, 1 + i % 28, i);
  g_assert_cmpint (fclose (file), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  guint n_rows = argc > 1 ? (guint) atoi (argv[1]) : 1000000;
  g_autofree char *dir = g_dir_make_tmp ("mdk-bench-XXXXXX", NULL);
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autofree char *socket_dir = g_build_filename (dir, "s", NULL);
  g_autofree char *path = g_build_filename (dir, "members.csv", NULL);
  g_autoptr(MdkEmbeddedServer) server = mdk_embedded_server_new (data_dir, socket_dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(MdkImportPlan) plan = NULL;
  g_autoptr(MdkImportResult) result = NULL;
  struct rusage usage;
  PGconn *admin, *import, *copy;
  double import_seconds, copy_seconds;
  gint64 start;

  mdk_embedded_server_start (server, NULL, &error);
  g_assert_no_error (error);
  admin = mdk_bench_connect (server, "postgres");
  mdk_bench_exec (admin, "CREATE DATABASE bench_import");
  mdk_bench_exec (admin, "CREATE DATABASE bench_copy");
  import = mdk_bench_connect (server, "bench_import");
  copy = mdk_bench_connect (server, "bench_copy");
  prepare (import);
  prepare (copy);

  g_print ("Writing %u rows to %s..\n", n_rows, path);
  write_file (path, n_rows);

  plan = mdk_import_plan_new (path, NULL, &error);
  g_assert_no_error (error);
  g_print ("Importing..\n");
  start = g_get_monotonic_time ();
  mdk_bench_exec (import, "BEGIN");
  result = mdk_member_import (import, plan, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  mdk_bench_exec (import, "COMMIT");
  import_seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_assert_cmpuint (result->n_inserted, ==, n_rows);
  getrusage (RUSAGE_SELF, &usage);

  g_print ("psql \\copy of the same file..\n");
  {
    g_autofree char *command = g_strdup_printf ("\\copy mdk.members (name, mobile, gender, birthday, email, "
                                                "home_store_id, entry_channel) FROM '%s' WITH (FORMAT csv, HEADER true)",
                                                path);

    copy_seconds = mdk_bench_run_psql (server, "bench_copy", command);
  }

  g_print ("import: %u rows in %.2f s = %.0f rows/s, peak memory of the importing process %.0f MB\n",
           n_rows, import_seconds, n_rows / import_seconds, usage.ru_maxrss / 1024.0);
  g_print ("psql \\copy of the same file into the same table: %.2f s = %.0f rows/s\n",
           copy_seconds, n_rows / copy_seconds);
  g_print ("ratio (import rate / \\copy rate): %.2f (target: at least 0.5)\n", copy_seconds / import_seconds);

  PQfinish (import);
  PQfinish (copy);
  PQfinish (admin);
  mdk_embedded_server_stop (server, NULL);
  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);

    g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  }
  return 0;
}
