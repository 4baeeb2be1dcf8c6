/* test-context.c: opening a database, and reading the organisation from it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "mdk-test-fixture.h"

typedef struct
{
  GError   *error;
  gboolean  done;
} Opened;

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Opened *opened = user_data;

  mdk_context_open_finish (MDK_CONTEXT (source), result, &opened->error);
  opened->done = TRUE;
}

static void
test_open_fresh_then_again (void)
{
  g_autoptr(MdkTestDb) db = mdk_test_db_new_empty ();
  g_autoptr(MdkContext) first = mdk_context_new_for_server (db->conninfo, NULL);
  g_autoptr(MdkContext) second = mdk_context_new_for_server (db->conninfo, NULL);
  Opened opened = { NULL, FALSE };
  GError *error = NULL;

  mdk_context_open_async (first, NULL, on_opened, &opened);
  while (!opened.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (opened.error);
  g_assert_nonnull (mdk_context_get_database (first));
  g_assert_true (mdk_context_get_fresh (first));
  g_assert_cmpint (mdk_context_get_schema_version (first), ==, mdk_migrations_get_latest_version (NULL));
  g_assert_nonnull (strstr (mdk_context_get_server_label (first), "on this computer"));
  g_assert_nonnull (strstr (mdk_context_get_role_label (first), g_get_user_name ()));

  g_assert_true (mdk_context_open (second, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (mdk_context_get_fresh (second));
  g_assert_null (mdk_context_get_embedded_server (second));
  g_assert_true (mdk_context_close (second, &error));
}

static void
test_open_newer_refused (void)
{
  g_autoptr(MdkTestDb) db = mdk_test_db_new ();
  g_autoptr(MdkContext) context = mdk_context_new_for_server (db->conninfo, NULL);
  g_autoptr(GError) error = NULL;

  mdk_test_exec (db->conn, "INSERT INTO mdk.schema_migrations (version, name, checksum) VALUES (9999, 'x', 'x')");
  g_assert_false (mdk_context_open (context, NULL, &error));
  g_assert_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_SCHEMA_TOO_NEW);
  g_assert_null (mdk_context_get_database (context));
}

static void
on_org_loaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GListModel **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = mdk_org_repo_load_finish (MDK_DATABASE (source), result, &error);
  g_assert_no_error (error);
}

static void
test_org_tree (void)
{
  g_autoptr(MdkTestDb) db = mdk_test_db_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) regions = NULL;
  guint n_stores = 0, n_terminals = 0;

  g_assert_true (mdk_demo_generate (db->conn, 100, 3, NULL, NULL, NULL, &error));
  mdk_org_repo_load_async (db->database, NULL, on_org_loaded, &regions);
  while (regions == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (g_list_model_get_n_items (regions), ==, 7);
  g_assert_true (g_list_model_get_item_type (regions) == MDK_TYPE_REGION);
  g_assert_null (g_list_model_get_item (regions, 7));

  for (guint r = 0; r < g_list_model_get_n_items (regions); r++)
    {
      g_autoptr(MdkRegion) region = g_list_model_get_item (regions, r);
      GListModel *stores = mdk_region_get_stores (region);

      n_stores += g_list_model_get_n_items (stores);
      for (guint s = 0; s < g_list_model_get_n_items (stores); s++)
        {
          g_autoptr(MdkStore) store = g_list_model_get_item (stores, s);
          g_autofree char *detail = NULL;

          g_object_get (store, "detail", &detail, NULL);
          g_assert_nonnull (detail);
          n_terminals += g_list_model_get_n_items (mdk_store_get_terminals (store));
        }
    }

  g_assert_cmpuint (n_stores, ==, mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.stores"));
  g_assert_cmpuint (n_terminals, ==, mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.terminals"));
}

int
main (int   argc,
      char *argv[])
{
  mdk_test_init (&argc, &argv);

  g_test_add_func ("/context/open-fresh-then-again", test_open_fresh_then_again);
  g_test_add_func ("/context/open-newer-refused", test_open_newer_refused);
  g_test_add_func ("/context/org-tree", test_org_tree);

  return mdk_test_run ();
}
