/* bench-member-search.c: member search latency on a large demo chain, for
 * every kind of query, against a plain sequential ILIKE of the same text
 * on the same data in the same run.
 *
 *   _build/tests/perf/bench-member-search [MEMBERS] [QUERIES_PER_KIND] [KIND]
 *
 * With MDK_BENCH_CONNINFO set, it uses that database as it is instead of
 * loading a new one. With KIND, only the kinds whose label contains it
 * are measured. Queries slower than 100 ms are printed.
 *
 * Then, for every order of the list, pages read from random places (as a
 * scroll bar's jump reads them) against the same pages read with OFFSET.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bench-common.h"

#define BASELINE_RUNS 5

static const char *naive_sql =
  "SELECT m.id FROM mdk.members m WHERE m.name ILIKE '%' || $1 || '%' OR m.mobile LIKE '%' || $1 || '%' "
  "OR m.email ILIKE '%' || $1 || '%' OR m.id_number ILIKE '%' || $1 || '%' "
  "OR m.id IN (SELECT c.member_id FROM mdk.cards c WHERE c.card_no LIKE '%' || $1 || '%') "
  "ORDER BY m.name_pinyin, m.id LIMIT 50";

typedef struct
{
  const char *label;
  const char *sample_sql;  /* $1: a random member id; returns the text to type */
} Kind;

static const Kind kinds[] = {
  { "mobile, whole", "SELECT mobile FROM mdk.members WHERE id = $1" },
  { "mobile, last 4 digits", "SELECT right(mobile, 4) FROM mdk.members WHERE id = $1" },
  { "card number", "SELECT card_no FROM mdk.cards WHERE member_id >= $1 ORDER BY member_id LIMIT 1" },
  { "ID number", "SELECT id_number FROM mdk.members WHERE id >= $1 AND id_number IS NOT NULL ORDER BY id LIMIT 1" },
  { "e-mail, start", "SELECT split_part(email, '@', 1) || '@' FROM mdk.members WHERE id >= $1 AND email IS NOT NULL ORDER BY id LIMIT 1" },
  { "name, two characters", "SELECT name FROM mdk.members WHERE id >= $1 AND name ~ '^[\\u4e00-\\u9fff]{2}$' ORDER BY id LIMIT 1" },
  { "name, one character", "SELECT substr(name, 2, 1) FROM mdk.members WHERE id >= $1 AND name ~ '^[\\u4e00-\\u9fff]{3}$' ORDER BY id LIMIT 1" },
  { "name, three characters", "SELECT name FROM mdk.members WHERE id >= $1 AND name ~ '^[\\u4e00-\\u9fff]{3}$' ORDER BY id LIMIT 1" },
  { "pinyin, full", "SELECT name_pinyin FROM mdk.members WHERE id >= $1 AND name ~ '^[\\u4e00-\\u9fff]+$' ORDER BY id LIMIT 1" },
  { "pinyin, initials", "SELECT name_initials FROM mdk.members WHERE id >= $1 AND name ~ '^[\\u4e00-\\u9fff]{3}$' ORDER BY id LIMIT 1" },
  { "Latin name, last part", "SELECT split_part(name, ' ', 2) FROM mdk.members WHERE id >= $1 AND name ~ '^[A-Za-z]+ [A-Za-z]+$' ORDER BY id LIMIT 1" },
  { "Latin name, first part", "SELECT split_part(name, ' ', 1) FROM mdk.members WHERE id >= $1 AND name ~ '^[A-Za-z]+ [A-Za-z]+$' ORDER BY id LIMIT 1" },
};

typedef struct
{
  const char    *label;
  MdkMemberSort  sort;
  gboolean       descending;
  const char    *order_sql;  /* the same order, for OFFSET */
} Order;

static const Order orders[] = {
  { "by name", MDK_MEMBER_SORT_NAME, FALSE, "m.name_pinyin COLLATE \"C\", m.id" },
  { "by join date, newest", MDK_MEMBER_SORT_JOINED, TRUE, "m.joined_at DESC, m.id DESC" },
  { "by mobile", MDK_MEMBER_SORT_MOBILE, FALSE, "coalesce(m.mobile, '') COLLATE \"C\", m.id" },
  { "by birthday", MDK_MEMBER_SORT_BIRTHDAY, FALSE, "to_char(m.birthday, 'MMDD'), m.id" },
  { "by card number", MDK_MEMBER_SORT_CARD_NUMBER, FALSE, "coalesce(m.main_card_no, '') COLLATE \"C\", m.id" },
  { "by card type", MDK_MEMBER_SORT_CARD_TYPE, FALSE, "ct.name COLLATE mdk.pinyin, ct.id, m.id" },
  { "by card type, reversed", MDK_MEMBER_SORT_CARD_TYPE, TRUE, "ct.name COLLATE mdk.pinyin DESC, ct.id DESC, m.id DESC" },
  { "by home store", MDK_MEMBER_SORT_STORE, FALSE, "s.name COLLATE mdk.pinyin, s.id, m.id" },
  { "by home store, reversed", MDK_MEMBER_SORT_STORE, TRUE, "s.name COLLATE mdk.pinyin DESC, s.id DESC, m.id DESC" },
  { "by status", MDK_MEMBER_SORT_STATUS, FALSE, "m.status, m.id" },
};

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *sorted,
            double  p)
{
  guint index = (guint) (p * (sorted->len - 1) + 0.5);

  return g_array_index (sorted, double, index);
}

static char *
sample_text (PGconn     *conn,
             const Kind *kind,
             guint       n_members,
             GRand      *rand)
{
  g_autofree char *id = g_strdup_printf ("%d", g_rand_int_range (rand, 1, n_members));
  const char *params[] = { id };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = mdk_pg_exec (conn, kind->sample_sql, 1, params, &error);

  g_assert_no_error (error);
  return PQntuples (result) ? mdk_pg_get_string (result, 0, 0) : NULL;
}

static double
time_search (PGconn     *conn,
             const char *text)
{
  g_autoptr(MdkMemberQuery) query = mdk_member_query_new (text);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GPtrArray) page = mdk_member_repo_search (conn, query, NULL, 50, &error);
  double ms = (g_get_monotonic_time () - start) / 1000.0;

  g_assert_no_error (error);
  if (ms > 100)
    g_print ("  slow: “%s” took %.0f ms\n", text, ms);
  return ms;
}

static double
time_naive (PGconn     *conn,
            const char *text)
{
  const char *params[] = { text };
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(PGresult) result = mdk_pg_exec (conn, naive_sql, 1, params, &error);

  g_assert_no_error (error);
  return (g_get_monotonic_time () - start) / 1000.0;
}

int
main (int   argc,
      char *argv[])
{
  guint n_members = argc > 1 ? (guint) atoi (argv[1]) : 1000000;
  guint n_queries = argc > 2 ? (guint) atoi (argv[2]) : 200;
  g_autofree char *dir = g_dir_make_tmp ("mdk-bench-XXXXXX", NULL);
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autofree char *socket_dir = g_build_filename (dir, "s", NULL);
  g_autoptr(MdkEmbeddedServer) server = mdk_embedded_server_new (data_dir, socket_dir);
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  PGconn *conn;

  if (g_getenv ("MDK_BENCH_CONNINFO") != NULL)
    {
      g_autoptr(MdkDatabase) database = mdk_database_new (g_getenv ("MDK_BENCH_CONNINFO"), NULL);

      conn = mdk_database_connect (database, &error);
      g_assert_no_error (error);
    }
  else
    {
      mdk_embedded_server_start (server, NULL, &error);
      g_assert_no_error (error);
      conn = mdk_bench_connect (server, NULL);
      mdk_migrations_apply (conn, NULL, NULL, &error);
      g_assert_no_error (error);
      g_print ("Loading %u demo members...\n", n_members);
      mdk_demo_generate (conn, n_members, 1, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      mdk_pg_exec_command (conn, "VACUUM ANALYZE", 0, NULL, &error);
      g_assert_no_error (error);
    }

  g_print ("\n%-24s %9s %9s %9s | %12s %9s\n", "query kind", "p50 ms", "p95 ms", "max ms", "ILIKE p50 ms", "speed-up");
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) naive = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

      if (argc > 3 && strstr (kinds[k].label, argv[3]) == NULL)
        continue;

      for (guint i = 0; i < n_queries; i++)
        {
          char *text = sample_text (conn, &kinds[k], n_members, rand);

          if (text != NULL)
            g_ptr_array_add (texts, text);
        }

      for (guint i = 0; i < texts->len; i++)
        {
          double ms = time_search (conn, g_ptr_array_index (texts, i));

          g_array_append_val (times, ms);
        }

      /* The same texts as a plain sequential ILIKE. */
      mdk_pg_exec_script (conn, "SET enable_indexscan = off; SET enable_bitmapscan = off; "
                          "SET enable_indexonlyscan = off", NULL);
      for (guint i = 0; i < MIN (texts->len, BASELINE_RUNS); i++)
        {
          double ms = time_naive (conn, g_ptr_array_index (texts, i));

          g_array_append_val (naive, ms);
        }

      mdk_pg_exec_script (conn, "RESET enable_indexscan; RESET enable_bitmapscan; RESET enable_indexonlyscan", NULL);

      g_array_sort (times, compare_doubles);
      g_array_sort (naive, compare_doubles);
      g_print ("%-24s %9.2f %9.2f %9.2f | %12.1f %8.0fx\n", kinds[k].label,
               percentile (times, 0.5), percentile (times, 0.95), percentile (times, 1.0),
               percentile (naive, 0.5), percentile (naive, 0.5) / percentile (times, 0.5));
    }
  g_print ("\nTargets: p95 under 50 ms for every kind; at least 50x faster than the sequential ILIKE.\n");

  g_print ("\n%-24s %9s %9s %9s | %12s %9s\n", "order (random pages)", "p50 ms", "p95 ms", "max ms", "OFFSET p50 ms", "speed-up");
  for (guint o = 0; o < G_N_ELEMENTS (orders); o++)
    {
      g_autoptr(MdkMemberQuery) query = mdk_member_query_new (NULL);
      g_autoptr(GArray) starts = NULL;
      g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) naive = g_array_new (FALSE, FALSE, sizeof (double));

      if (argc > 3 && strstr (orders[o].label, argv[3]) == NULL)
        continue;

      query->sort = orders[o].sort;
      query->descending = orders[o].descending;
      starts = mdk_member_repo_page_starts (conn, query, 50, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (starts->len, >, 0);

      for (guint i = 0; i < n_queries; i++)
        {
          guint page = g_rand_int_range (rand, 0, starts->len);
          gint64 start = g_get_monotonic_time ();
          g_autoptr(GPtrArray) members = mdk_member_repo_search (conn, query, &g_array_index (starts, MdkPageKey, page),
                                                                 50, &error);
          double ms = (g_get_monotonic_time () - start) / 1000.0;

          g_assert_no_error (error);
          g_assert_cmpuint (members->len, >, 0);
          if (ms > 100)
            g_print ("  slow: the page after (%s, %" G_GINT64_FORMAT ") took %.0f ms\n",
                     g_array_index (starts, MdkPageKey, page).sort_key, g_array_index (starts, MdkPageKey, page).id, ms);
          g_array_append_val (times, ms);
        }

      for (guint i = 0; i < BASELINE_RUNS; i++)
        {
          g_autofree char *sql = g_strdup_printf ("SELECT m.id FROM mdk.members m JOIN mdk.stores s ON s.id = m.home_store_id "
                                                  "LEFT JOIN mdk.card_types ct ON ct.id = m.main_card_type_id "
                                                  "ORDER BY %s OFFSET %u LIMIT 50", orders[o].order_sql,
                                                  g_rand_int_range (rand, 0, starts->len) * 50);
          gint64 start = g_get_monotonic_time ();
          g_autoptr(PGresult) result = mdk_pg_exec (conn, sql, 0, NULL, &error);
          double ms = (g_get_monotonic_time () - start) / 1000.0;

          g_assert_no_error (error);
          g_array_append_val (naive, ms);
        }

      g_array_sort (times, compare_doubles);
      g_array_sort (naive, compare_doubles);
      g_print ("%-24s %9.2f %9.2f %9.2f | %12.1f %8.0fx\n", orders[o].label,
               percentile (times, 0.5), percentile (times, 0.95), percentile (times, 1.0),
               percentile (naive, 0.5), percentile (naive, 0.5) / percentile (times, 0.5));
    }

  PQfinish (conn);
  mdk_embedded_server_stop (server, NULL);
  command = g_strdup_printf ("rm -rf '%s'", dir);
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  return 0;
}
