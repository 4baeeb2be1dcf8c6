/* mdk-password-store.c: database passwords in the desktop keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "mdk-password-store.h"

/* A password belongs to the connection string it was typed for. */
static const SecretSchema *
password_schema (void)
{
  static const SecretSchema schema = {
    "io.github.memberdesk.Memberdesk.Password", SECRET_SCHEMA_NONE,
    {
      { "conninfo", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/**
 * mdk_password_store_lookup_async:
 * @conninfo: the connection string the password is for
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Looks the password up in the keyring without blocking.
 */
void
mdk_password_store_lookup_async (const char          *conninfo,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  secret_password_lookup (password_schema (), cancellable, callback, user_data,
                          "conninfo", conninfo, NULL);
}

/**
 * mdk_password_store_lookup_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the password, or %NULL if none is saved
 */
char *
mdk_password_store_lookup_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_autofree char *password = secret_password_lookup_finish (result, error);

  return g_strdup (password);
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* Clearing a password that was never saved is not a failure. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * mdk_password_store_save_async:
 * @conninfo: the connection string the password is for
 * @password: (nullable): the password; %NULL or empty removes a saved one
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Saves the password in the keyring, encrypted at rest, never in settings.
 */
void
mdk_password_store_save_async (const char          *conninfo,
                               const char          *password,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autofree char *label = g_strdup_printf (_("Memberdesk database password for %s"), conninfo);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, mdk_password_store_save_async);

  if (password == NULL || *password == '\0')
    secret_password_clear (password_schema (), cancellable, on_cleared, task,
                           "conninfo", conninfo, NULL);
  else
    secret_password_store (password_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                           cancellable, on_stored, task, "conninfo", conninfo, NULL);
}

gboolean
mdk_password_store_save_finish (GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
