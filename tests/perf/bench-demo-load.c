/* bench-demo-load.c: how fast the demo chain loads, against psql \copy of
 * the same rows into the same tables on the same cluster, in the same run.
 *
 *   _build/tests/perf/bench-demo-load [MEMBERS]     (default 1000000)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>

#include "bench-common.h"

int
main (int   argc,
      char *argv[])
{
  guint n_members = argc > 1 ? (guint) atoi (argv[1]) : 1000000;
  g_autofree char *dir = g_dir_make_tmp ("mdk-bench-XXXXXX", NULL);
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autofree char *socket_dir = g_build_filename (dir, "s", NULL);
  g_autoptr(MdkEmbeddedServer) server = mdk_embedded_server_new (data_dir, socket_dir);
  g_autoptr(GError) error = NULL;
  static const char * const org_tables[] = { "regions", "stores", "terminals", "operators", "card_types" };
  PGconn *admin, *demo, *copy;
  double demo_seconds, copy_seconds = 0;
  gint64 start;

  /* Durable, as the application runs its embedded server. */
  mdk_embedded_server_start (server, NULL, &error);
  g_assert_no_error (error);
  admin = mdk_bench_connect (server, "postgres");
  mdk_bench_exec (admin, "CREATE DATABASE bench_demo");
  mdk_bench_exec (admin, "CREATE DATABASE bench_copy");
  demo = mdk_bench_connect (server, "bench_demo");
  copy = mdk_bench_connect (server, "bench_copy");
  mdk_migrations_apply (demo, NULL, NULL, &error);
  g_assert_no_error (error);
  mdk_migrations_apply (copy, NULL, NULL, &error);
  g_assert_no_error (error);

  g_print ("Loading %u demo members (and their cards)..\n", n_members);
  start = g_get_monotonic_time ();
  mdk_demo_generate (demo, n_members, 1, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  demo_seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  /* The reference: the same rows, dumped and loaded back with psql \copy. */
  for (guint i = 0; i < G_N_ELEMENTS (org_tables); i++)
    {
      g_autofree char *out = g_strdup_printf ("\\copy mdk.%s TO '%s/%s.tsv'", org_tables[i], dir, org_tables[i]);
      g_autofree char *in = g_strdup_printf ("\\copy mdk.%s FROM '%s/%s.tsv'", org_tables[i], dir, org_tables[i]);

      mdk_bench_run_psql (server, "bench_demo", out);
      mdk_bench_run_psql (server, "bench_copy", in);
    }
  {
    g_autofree char *members_out = g_strdup_printf ("\\copy mdk.members TO '%s/members.tsv'", dir);
    g_autofree char *cards_out = g_strdup_printf ("\\copy mdk.cards TO '%s/cards.tsv'", dir);
    g_autofree char *members_in = g_strdup_printf ("\\copy mdk.members FROM '%s/members.tsv'", dir);
    g_autofree char *cards_in = g_strdup_printf ("\\copy mdk.cards FROM '%s/cards.tsv'", dir);

    mdk_bench_run_psql (server, "bench_demo", members_out);
    mdk_bench_run_psql (server, "bench_demo", cards_out);
    copy_seconds += mdk_bench_run_psql (server, "bench_copy", members_in);
    copy_seconds += mdk_bench_run_psql (server, "bench_copy", cards_in);
  }

  g_print ("memberdesk-admin demo: %u members in %.2f s = %.0f members/s (target: 1,000,000 in at most 60 s)\n",
           n_members, demo_seconds, n_members / demo_seconds);
  g_print ("psql \\copy of the same rows: %.2f s = %.0f members/s\n", copy_seconds, n_members / copy_seconds);
  g_print ("ratio (demo rate / \\copy rate): %.2f\n", copy_seconds / demo_seconds);

  PQfinish (demo);
  PQfinish (copy);
  PQfinish (admin);
  mdk_embedded_server_stop (server, NULL);
  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);

    g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  }
  return 0;
}
