/* mdk-conninfo.c: libpq connection strings built from form fields and checked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libpq-fe.h>

#include "mdk-conninfo.h"
#include "mdk-database-error.h"

static void
append_value (GString    *out,
              const char *keyword,
              const char *value)
{
  if (value == NULL || *value == '\0')
    return;

  g_string_append_printf (out, "%s%s='", out->len ? " " : "", keyword);
  for (const char *p = value; *p; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
}

/**
 * mdk_conninfo_build:
 * @host: (nullable): host names or addresses, comma-separated for failover
 * @port: (nullable): port numbers, comma-separated
 * @dbname: (nullable): the database
 * @user: (nullable): the role
 * @service: (nullable): a service name from `pg_service.conf`
 * @sslmode: (nullable): `disable` … `verify-full`
 *
 * Builds a connection string from form fields, quoting every value; empty
 * fields are left to libpq's defaults and environment.
 *
 * Returns: (transfer full): the connection string
 */
char *
mdk_conninfo_build (const char *host,
                    const char *port,
                    const char *dbname,
                    const char *user,
                    const char *service,
                    const char *sslmode)
{
  GString *out = g_string_new (NULL);

  append_value (out, "service", service);
  append_value (out, "host", host);
  append_value (out, "port", port);
  append_value (out, "dbname", dbname);
  append_value (out, "user", user);
  append_value (out, "sslmode", sslmode);

  return g_string_free (out, FALSE);
}

/**
 * mdk_conninfo_validate:
 * @conninfo: a connection string or URI
 * @error: return location for a #GError
 *
 * Checks that libpq can read @conninfo and that it holds no password,
 * which belongs in the keyring or `.pgpass`, never in settings.
 *
 * Returns: %TRUE if @conninfo can be saved
 */
gboolean
mdk_conninfo_validate (const char  *conninfo,
                       GError     **error)
{
  g_autofree char *password = NULL;
  char *message = NULL;
  PQconninfoOption *options;

  g_return_val_if_fail (conninfo != NULL, FALSE);

  options = PQconninfoParse (conninfo, &message);
  if (options == NULL)
    {
      g_set_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_INVALID_DATA,
                   /* Translators: %s is libpq's explanation */
                   _("The connection string is not valid: %s"), message ? g_strstrip (message) : "");
      PQfreemem (message);
      return FALSE;
    }
  PQconninfoFree (options);

  password = mdk_conninfo_get (conninfo, "password");
  if (password != NULL)
    {
      g_set_error_literal (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_INVALID_DATA,
                           _("Remove the password from the connection string and type it in the password field: Memberdesk keeps it in the keyring, never in plain text."));
      return FALSE;
    }

  return TRUE;
}

/**
 * mdk_conninfo_get:
 * @conninfo: a connection string or URI
 * @keyword: a libpq keyword such as "host"
 *
 * Returns: (transfer full) (nullable): the value, or %NULL if unset or unreadable
 */
char *
mdk_conninfo_get (const char *conninfo,
                  const char *keyword)
{
  PQconninfoOption *options = PQconninfoParse (conninfo, NULL);
  char *value = NULL;

  if (options == NULL)
    return NULL;

  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    if (g_str_equal (o->keyword, keyword) && o->val != NULL && *o->val != '\0')
      value = g_strdup (o->val);

  PQconninfoFree (options);
  return value;
}

/**
 * mdk_conninfo_equal:
 * @a: a connection string or URI
 * @b: another
 *
 * Returns: %TRUE if @a and @b set the same values, however written
 */
gboolean
mdk_conninfo_equal (const char *a,
                    const char *b)
{
  PQconninfoOption *options_a = PQconninfoParse (a, NULL);
  PQconninfoOption *options_b = PQconninfoParse (b, NULL);
  gboolean equal = options_a != NULL && options_b != NULL;

  /* Both lists hold every keyword libpq knows, in the same order. */
  for (guint i = 0; equal && options_a[i].keyword != NULL; i++)
    equal = g_strcmp0 (options_a[i].val, options_b[i].val) == 0;

  g_clear_pointer (&options_a, PQconninfoFree);
  g_clear_pointer (&options_b, PQconninfoFree);
  return equal;
}
