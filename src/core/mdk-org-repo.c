/* mdk-org-repo.c: reads the organisation tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-org-private.h"
#include "mdk-org-repo.h"

/* The organisation is small (regions, hundreds or a few thousand stores),
 * so it is read whole, in one snapshot. */
static const char *select_regions_sql =
  "SELECT id, code, name FROM mdk.regions ORDER BY code";
static const char *select_stores_sql =
  "SELECT id, region_id, code, name, city, address, is_active FROM mdk.stores ORDER BY code";
static const char *select_terminals_sql =
  "SELECT id, store_id, code, name, kind, is_active FROM mdk.terminals ORDER BY code";

static gboolean
get_bool (const PGresult *result,
          int             row,
          int             column)
{
  return g_strcmp0 (PQgetvalue (result, row, column), "t") == 0;
}

static GHashTable *
load_regions (PGconn      *conn,
              GListStore  *out,
              GError     **error)
{
  g_autoptr(PGresult) result = mdk_pg_exec (conn, select_regions_sql, 0, NULL, error);
  GHashTable *by_id;

  if (result == NULL)
    return NULL;

  by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (int row = 0; row < PQntuples (result); row++)
    {
      g_autoptr(MdkRegion) region = mdk_region_new (mdk_pg_get_int64 (result, row, 0),
                                                    PQgetvalue (result, row, 1),
                                                    PQgetvalue (result, row, 2));

      g_hash_table_insert (by_id, g_memdup2 (&(gint64) { mdk_region_get_id (region) }, sizeof (gint64)), region);
      g_list_store_append (out, region);
    }

  return by_id;
}

static GHashTable *
load_stores (PGconn      *conn,
             GHashTable  *regions,
             GError     **error)
{
  g_autoptr(PGresult) result = mdk_pg_exec (conn, select_stores_sql, 0, NULL, error);
  GHashTable *by_id;

  if (result == NULL)
    return NULL;

  by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  for (int row = 0; row < PQntuples (result); row++)
    {
      gint64 region_id = mdk_pg_get_int64 (result, row, 1);
      MdkRegion *region = g_hash_table_lookup (regions, &region_id);
      MdkStore *store = mdk_store_new (mdk_pg_get_int64 (result, row, 0),
                                       PQgetvalue (result, row, 2),
                                       PQgetvalue (result, row, 3),
                                       PQgetvalue (result, row, 4),
                                       PQgetisnull (result, row, 5) ? NULL : PQgetvalue (result, row, 5),
                                       get_bool (result, row, 6));

      g_hash_table_insert (by_id, g_memdup2 (&(gint64) { mdk_store_get_id (store) }, sizeof (gint64)), store);
      if (region != NULL)
        mdk_region_add_store (region, store);
    }

  return by_id;
}

static gboolean
load_terminals (PGconn      *conn,
                GHashTable  *stores,
                GError     **error)
{
  g_autoptr(PGresult) result = mdk_pg_exec (conn, select_terminals_sql, 0, NULL, error);

  if (result == NULL)
    return FALSE;

  for (int row = 0; row < PQntuples (result); row++)
    {
      gint64 store_id = mdk_pg_get_int64 (result, row, 1);
      MdkStore *store = g_hash_table_lookup (stores, &store_id);
      g_autoptr(MdkTerminal) terminal = mdk_terminal_new (mdk_pg_get_int64 (result, row, 0),
                                                          PQgetvalue (result, row, 2),
                                                          PQgetvalue (result, row, 3),
                                                          PQgetvalue (result, row, 4),
                                                          get_bool (result, row, 5));

      if (store != NULL)
        mdk_store_add_terminal (store, terminal);
    }

  return TRUE;
}

/**
 * mdk_org_repo_load:
 * @conn: a connection
 * @error: return location for a #GError
 *
 * Reads every region with its stores and their terminals. Blocks.
 *
 * Returns: (transfer full): a #GListModel of #MdkRegion, or %NULL
 */
GListModel *
mdk_org_repo_load (PGconn  *conn,
                   GError **error)
{
  g_autoptr(GListStore) regions = g_list_store_new (MDK_TYPE_REGION);
  g_autoptr(GHashTable) regions_by_id = NULL;
  g_autoptr(GHashTable) stores_by_id = NULL;

  g_return_val_if_fail (conn != NULL, NULL);

  if (!mdk_pg_exec_command (conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, error))
    return NULL;

  if ((regions_by_id = load_regions (conn, regions, error)) &&
      (stores_by_id = load_stores (conn, regions_by_id, error)) &&
      load_terminals (conn, stores_by_id, error) &&
      mdk_pg_exec_command (conn, "COMMIT", 0, NULL, error))
    return G_LIST_MODEL (g_steal_pointer (&regions));

  mdk_pg_exec_command (conn, "ROLLBACK", 0, NULL, NULL);
  return NULL;
}

static gpointer
load_work (PGconn        *conn,
           gpointer       work_data,
           GCancellable  *cancellable,
           GError       **error)
{
  return mdk_org_repo_load (conn, error);
}

/**
 * mdk_org_repo_load_async:
 * @database: a #MdkDatabase
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Does mdk_org_repo_load() off the calling thread.
 */
void
mdk_org_repo_load_async (MdkDatabase         *database,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (MDK_IS_DATABASE (database));

  mdk_database_run_async (database, MDK_DATABASE_RUN_READ_ONLY, load_work, NULL, NULL,
                          g_object_unref, cancellable, callback, user_data);
}

/**
 * mdk_org_repo_load_finish:
 * @database: a #MdkDatabase
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a #GListModel of #MdkRegion, or %NULL
 */
GListModel *
mdk_org_repo_load_finish (MdkDatabase   *database,
                          GAsyncResult  *result,
                          GError       **error)
{
  return mdk_database_run_finish (database, result, error);
}
