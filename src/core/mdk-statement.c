/* mdk-statement.c: SQL put together from fixed fragments, with every value
 * a parameter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-statement.h"

void
mdk_statement_init (MdkStatement *statement)
{
  statement->sql = g_string_new (NULL);
  statement->params = g_ptr_array_new_with_free_func (g_free);
}

void
mdk_statement_clear (MdkStatement *statement)
{
  if (statement->sql != NULL)
    g_string_free (statement->sql, TRUE);
  statement->sql = NULL;
  g_clear_pointer (&statement->params, g_ptr_array_unref);
}

/**
 * mdk_statement_append:
 * @statement: a statement
 * @fragment: SQL text, fixed, never from the user
 * @...: one string (transfer full, %NULL for SQL NULL) per "?" in @fragment
 *
 * Appends @fragment with each "?" replaced by the next parameter.
 */
void
mdk_statement_append (MdkStatement *statement,
                      const char   *fragment,
                      ...)
{
  va_list args;

  va_start (args, fragment);
  for (const char *p = fragment; *p; p++)
    {
      if (*p != '?')
        {
          g_string_append_c (statement->sql, *p);
          continue;
        }
      g_ptr_array_add (statement->params, va_arg (args, char *));
      g_string_append_printf (statement->sql, "$%u", statement->params->len);
    }
  va_end (args);
}

PGresult *
mdk_statement_exec (PGconn        *conn,
                    MdkStatement  *statement,
                    GError       **error)
{
  g_debug ("Statement: %s", statement->sql->str);

  return mdk_pg_exec (conn, statement->sql->str, statement->params->len,
                      (const char * const *) statement->params->pdata, error);
}
