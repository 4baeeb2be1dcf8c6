/* mdk-database-error.c: SQLSTATEs mapped to errors a person and a caller can act on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "mdk-database-error.h"

G_DEFINE_QUARK (mdk-database-error-quark, mdk_database_error)

static const struct {
  const char *sqlstate;  /* a full code, or a two-character class */
  MdkDatabaseError code;
} sqlstate_map[] = {
  { "23505", MDK_DATABASE_ERROR_UNIQUE_VIOLATION },
  { "23503", MDK_DATABASE_ERROR_FOREIGN_KEY_VIOLATION },
  { "23514", MDK_DATABASE_ERROR_CHECK_VIOLATION },
  { "23502", MDK_DATABASE_ERROR_NOT_NULL_VIOLATION },
  { "42501", MDK_DATABASE_ERROR_PERMISSION_DENIED },
  { "40001", MDK_DATABASE_ERROR_SERIALIZATION_FAILURE },
  { "40P01", MDK_DATABASE_ERROR_DEADLOCK },
  { "P0001", MDK_DATABASE_ERROR_REFUSED },
  { "57P01", MDK_DATABASE_ERROR_CONNECTION_LOST },
  { "57P02", MDK_DATABASE_ERROR_CONNECTION_LOST },
  { "57P03", MDK_DATABASE_ERROR_CONNECTION_FAILED },
  { "3D000", MDK_DATABASE_ERROR_CONNECTION_FAILED },
  { "22", MDK_DATABASE_ERROR_INVALID_DATA },
  { "28", MDK_DATABASE_ERROR_PERMISSION_DENIED },
  { "53", MDK_DATABASE_ERROR_RESOURCES },
  { "08", MDK_DATABASE_ERROR_CONNECTION_LOST },
};

/**
 * mdk_database_error_from_sqlstate:
 * @sqlstate: (nullable): a five-character SQLSTATE
 *
 * Returns: the #MdkDatabaseError code for @sqlstate, matching the exact code
 *   first and its class after
 */
MdkDatabaseError
mdk_database_error_from_sqlstate (const char *sqlstate)
{
  if (sqlstate == NULL || strlen (sqlstate) != 5)
    return MDK_DATABASE_ERROR_FAILED;

  for (guint i = 0; i < G_N_ELEMENTS (sqlstate_map); i++)
    if (strlen (sqlstate_map[i].sqlstate) == 5 && strcmp (sqlstate, sqlstate_map[i].sqlstate) == 0)
      return sqlstate_map[i].code;

  for (guint i = 0; i < G_N_ELEMENTS (sqlstate_map); i++)
    if (strlen (sqlstate_map[i].sqlstate) == 2 && strncmp (sqlstate, sqlstate_map[i].sqlstate, 2) == 0)
      return sqlstate_map[i].code;

  return MDK_DATABASE_ERROR_FAILED;
}

static const char *
explain (MdkDatabaseError code)
{
  switch (code)
    {
    case MDK_DATABASE_ERROR_CONNECTION_FAILED:
      return _("Could not connect to the database server. Check that it is running and that the connection settings in Preferences are right.");
    case MDK_DATABASE_ERROR_CONNECTION_LOST:
      return _("The connection to the database server was lost. Memberdesk will reconnect; check the result before repeating a change.");
    case MDK_DATABASE_ERROR_UNIQUE_VIOLATION:
      return _("This record already exists.");
    case MDK_DATABASE_ERROR_FOREIGN_KEY_VIOLATION:
      return _("This record refers to something that does not exist, or is still in use elsewhere.");
    case MDK_DATABASE_ERROR_CHECK_VIOLATION:
      return _("The database refused a value that breaks one of its rules.");
    case MDK_DATABASE_ERROR_NOT_NULL_VIOLATION:
      return _("A required value is missing.");
    case MDK_DATABASE_ERROR_INVALID_DATA:
      return _("A value is not in a form the database accepts.");
    case MDK_DATABASE_ERROR_PERMISSION_DENIED:
      return _("You are not allowed to do this. Ask head office for the permission.");
    case MDK_DATABASE_ERROR_SERIALIZATION_FAILURE:
    case MDK_DATABASE_ERROR_DEADLOCK:
      return _("Another change to the same data happened at the same time. Try again.");
    case MDK_DATABASE_ERROR_RESOURCES:
      return _("The database server is out of resources (disk, memory or connections). Ask your administrator.");
    case MDK_DATABASE_ERROR_REFUSED:
      return _("The request was refused.");
    case MDK_DATABASE_ERROR_FAILED:
    case MDK_DATABASE_ERROR_SCHEMA_TOO_NEW:
    case MDK_DATABASE_ERROR_SCHEMA_MISSING:
    case MDK_DATABASE_ERROR_SERVER_NOT_INSTALLED:
    case MDK_DATABASE_ERROR_SERVER_FAILED:
    default:
      return _("The database reported an error.");
    }
}

/**
 * mdk_database_error_new_from_result:
 * @conn: the connection @result came from
 * @result: (nullable): a failed result, or %NULL when libpq returned none
 *
 * Builds a #GError in %MDK_DATABASE_ERROR whose message says first what it
 * means for a person and then, for support, what the server said. A
 * refusal raised by an `mdk` function (P0001) carries the function's own
 * message, which is written for people.
 *
 * Returns: (transfer full): a new #GError
 */
GError *
mdk_database_error_new_from_result (PGconn         *conn,
                                    const PGresult *result)
{
  const char *sqlstate = result ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  const char *primary = result ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  g_autofree char *conn_message = g_strstrip (g_strdup (PQerrorMessage (conn)));
  MdkDatabaseError code = mdk_database_error_from_sqlstate (sqlstate);

  if (sqlstate == NULL && PQstatus (conn) == CONNECTION_BAD)
    code = MDK_DATABASE_ERROR_CONNECTION_LOST;

  if (primary == NULL)
    primary = conn_message;

  if (code == MDK_DATABASE_ERROR_REFUSED && primary != NULL)
    return g_error_new_literal (MDK_DATABASE_ERROR, code, primary);

  if (code == MDK_DATABASE_ERROR_FAILED || primary == NULL || *primary == '\0')
    return g_error_new (MDK_DATABASE_ERROR, code, "%s %s", explain (code),
                        primary ? primary : "");

  /* Translators: the first %s explains the error, the second is the server's own message */
  return g_error_new (MDK_DATABASE_ERROR, code, _("%s (Server: %s)"), explain (code), primary);
}

/**
 * mdk_database_error_is_retryable:
 * @error: a #GError
 *
 * Returns: %TRUE if the whole transaction may simply be run again
 *   (serialization failure or deadlock)
 */
gboolean
mdk_database_error_is_retryable (const GError *error)
{
  return g_error_matches (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_SERIALIZATION_FAILURE) ||
         g_error_matches (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_DEADLOCK);
}
