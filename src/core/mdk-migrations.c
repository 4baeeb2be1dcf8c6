/* mdk-migrations.c: numbered SQL migrations, applied once each, in order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "mdk-database.h"
#include "mdk-migrations.h"

/* Any constant works; every Memberdesk takes the same one, so two
 * desktops starting at once migrate one after the other. */
#define MIGRATION_LOCK_KEY "4928775016515140"

typedef struct
{
  int   version;
  char *name;
  char *path;
} Migration;

static void
migration_free (Migration *migration)
{
  g_free (migration->name);
  g_free (migration->path);
  g_free (migration);
}

static int
compare_migrations (gconstpointer a,
                    gconstpointer b)
{
  const Migration *ma = *(const Migration **) a;
  const Migration *mb = *(const Migration **) b;

  return (ma->version > mb->version) - (ma->version < mb->version);
}

/* Migrations are named NNNN-what.sql; anything else is ignored. */
static GPtrArray *
list_migrations (const char *resource_path)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) migration_free);
  g_auto(GStrv) names = NULL;

  if (resource_path == NULL)
    resource_path = MDK_MIGRATIONS_RESOURCE_PATH;

  names = g_resources_enumerate_children (resource_path, 0, NULL);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      char *end = NULL;
      gint64 version = g_ascii_strtoll (names[i], &end, 10);
      Migration *migration;

      if (version <= 0 || end == names[i] || *end != '-' || !g_str_has_suffix (names[i], ".sql"))
        continue;

      migration = g_new0 (Migration, 1);
      migration->version = (int) version;
      migration->name = g_strndup (names[i], strlen (names[i]) - strlen (".sql"));
      migration->path = g_build_path ("/", resource_path, names[i], NULL);
      g_ptr_array_add (list, migration);
    }

  g_ptr_array_sort (list, compare_migrations);
  return g_steal_pointer (&list);
}

/**
 * mdk_migrations_get_latest_version:
 * @resource_path: (nullable): where the migrations are; %NULL for the application's
 *
 * Returns: the highest migration number this Memberdesk knows, 0 if none
 */
int
mdk_migrations_get_latest_version (const char *resource_path)
{
  g_autoptr(GPtrArray) list = list_migrations (resource_path);

  if (list->len == 0)
    return 0;

  return ((Migration *) g_ptr_array_index (list, list->len - 1))->version;
}

/**
 * mdk_migrations_get_current_version:
 * @conn: a connection
 * @error: return location for a #GError
 *
 * Returns: the highest migration applied to the database, 0 for a
 *   database without Memberdesk's schema, -1 on error
 */
int
mdk_migrations_get_current_version (PGconn  *conn,
                                    GError **error)
{
  g_autoptr(PGresult) exists = NULL;
  g_autoptr(PGresult) result = NULL;

  exists = mdk_pg_exec (conn, "SELECT to_regclass('mdk.schema_migrations') IS NOT NULL", 0, NULL, error);
  if (exists == NULL)
    return -1;
  if (g_strcmp0 (PQgetvalue (exists, 0, 0), "t") != 0)
    return 0;

  result = mdk_pg_exec (conn, "SELECT coalesce(max(version), 0) FROM mdk.schema_migrations", 0, NULL, error);
  if (result == NULL)
    return -1;

  return (int) mdk_pg_get_int64 (result, 0, 0);
}

static GHashTable *
applied_versions (PGconn  *conn,
                  GError **error)
{
  g_autoptr(PGresult) result = NULL;
  GHashTable *set;

  result = mdk_pg_exec (conn, "SELECT version FROM mdk.schema_migrations", 0, NULL, error);
  if (result == NULL)
    return NULL;

  set = g_hash_table_new (NULL, NULL);
  for (int row = 0; row < PQntuples (result); row++)
    g_hash_table_add (set, GINT_TO_POINTER ((int) mdk_pg_get_int64 (result, row, 0)));

  return set;
}

static gboolean
apply_one (PGconn     *conn,
           Migration  *migration,
           GError    **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *script = NULL;
  g_autofree char *checksum = NULL;
  g_autofree char *version = g_strdup_printf ("%d", migration->version);
  const char *params[3];
  gsize size;

  bytes = g_resources_lookup_data (migration->path, 0, error);
  if (bytes == NULL)
    return FALSE;

  script = g_strndup (g_bytes_get_data (bytes, &size), g_bytes_get_size (bytes));
  checksum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  params[0] = version;
  params[1] = migration->name;
  params[2] = checksum;

  if (!mdk_pg_exec_command (conn, "BEGIN", 0, NULL, error))
    return FALSE;

  if (mdk_pg_exec_script (conn, script, error) &&
      mdk_pg_exec_command (conn,
                           "INSERT INTO mdk.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                           3, params, error) &&
      mdk_pg_exec_command (conn, "COMMIT", 0, NULL, error))
    return TRUE;

  mdk_pg_exec_command (conn, "ROLLBACK", 0, NULL, NULL);
  g_prefix_error (error, _("Updating the database with “%s” failed: "), migration->name);
  return FALSE;
}

static gboolean
apply_locked (PGconn      *conn,
              const char  *resource_path,
              guint       *n_applied,
              GError     **error)
{
  g_autoptr(GPtrArray) list = list_migrations (resource_path);
  g_autoptr(GHashTable) applied = NULL;
  int latest = list->len ? ((Migration *) g_ptr_array_index (list, list->len - 1))->version : 0;
  int current;

  if (!mdk_pg_exec_script (conn,
                           "CREATE SCHEMA IF NOT EXISTS mdk;"
                           "CREATE TABLE IF NOT EXISTS mdk.schema_migrations ("
                           "  version integer PRIMARY KEY,"
                           "  name text NOT NULL,"
                           "  checksum text NOT NULL,"
                           "  applied_at timestamptz NOT NULL DEFAULT now())",
                           error))
    return FALSE;

  if ((current = mdk_migrations_get_current_version (conn, error)) < 0)
    return FALSE;

  if (current > latest)
    {
      g_set_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_SCHEMA_TOO_NEW,
                   _("This database was set up by a newer Memberdesk (database version %d; this Memberdesk knows versions up to %d). "
                     "Update Memberdesk on this computer before using this database."),
                   current, latest);
      return FALSE;
    }

  if (!(applied = applied_versions (conn, error)))
    return FALSE;

  for (guint i = 0; i < list->len; i++)
    {
      Migration *migration = g_ptr_array_index (list, i);

      if (g_hash_table_contains (applied, GINT_TO_POINTER (migration->version)))
        continue;
      if (!apply_one (conn, migration, error))
        return FALSE;
      if (n_applied != NULL)
        (*n_applied)++;
    }

  return TRUE;
}

/**
 * mdk_migrations_apply:
 * @conn: a connection with the right to create the schema
 * @resource_path: (nullable): where the migrations are; %NULL for the application's
 * @n_applied: (out) (optional): how many migrations were applied
 * @error: return location for a #GError
 *
 * Brings the `mdk` schema up to date: each missing migration runs in its
 * own transaction, in order, under an advisory lock, and is recorded in
 * `mdk.schema_migrations`. Running it again changes nothing. A database
 * migrated by a newer Memberdesk is refused with
 * %MDK_DATABASE_ERROR_SCHEMA_TOO_NEW and left untouched.
 *
 * Returns: %TRUE when the schema is up to date
 */
gboolean
mdk_migrations_apply (PGconn      *conn,
                      const char  *resource_path,
                      guint       *n_applied,
                      GError     **error)
{
  const char *params[] = { MIGRATION_LOCK_KEY };
  gboolean ok;

  g_return_val_if_fail (conn != NULL, FALSE);

  if (n_applied != NULL)
    *n_applied = 0;

  if (!mdk_pg_exec_command (conn, "SELECT pg_advisory_lock($1::bigint)", 1, params, error))
    return FALSE;

  ok = apply_locked (conn, resource_path, n_applied, error);

  mdk_pg_exec_command (conn, "SELECT pg_advisory_unlock($1::bigint)", 1, params, NULL);

  return ok;
}
