/* mdk-pg-copy.c: bulk loading with COPY … FROM STDIN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-pg-copy.h"

/**
 * mdk_pg_copy_field:
 * @buffer: the row being built
 * @value: (nullable): the field, %NULL for SQL NULL
 * @last: whether it ends the row
 *
 * Appends one field in COPY's text format, escaped so that no text can
 * end a field or a row early.
 */
void
mdk_pg_copy_field (GString    *buffer,
                   const char *value,
                   gboolean    last)
{
  if (value == NULL)
    g_string_append (buffer, "\\N");
  else
    for (const char *p = value; *p; p++)
      {
        if (*p == '\\' || *p == '\t' || *p == '\n' || *p == '\r')
          g_string_append_c (buffer, '\\');
        g_string_append_c (buffer, *p == '\n' ? 'n' : *p == '\r' ? 'r' : *p == '\t' ? 't' : *p);
      }
  g_string_append_c (buffer, last ? '\n' : '\t');
}

/**
 * mdk_pg_copy_begin:
 * @copy: a copy with its connection and buffer set
 * @statement: a `COPY … FROM STDIN` statement
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the server waits for rows
 */
gboolean
mdk_pg_copy_begin (MdkPgCopy   *copy,
                   const char  *statement,
                   GError     **error)
{
  g_autoptr(PGresult) result = PQexec (copy->conn, statement);

  if (PQresultStatus (result) != PGRES_COPY_IN)
    {
      g_propagate_error (error, mdk_database_error_new_from_result (copy->conn, result));
      return FALSE;
    }

  g_string_truncate (copy->buffer, 0);
  return TRUE;
}

static gboolean
flush (MdkPgCopy  *copy,
       GError    **error)
{
  if (copy->buffer->len == 0)
    return TRUE;

  if (PQputCopyData (copy->conn, copy->buffer->str, copy->buffer->len) != 1)
    {
      g_propagate_error (error, mdk_database_error_new_from_result (copy->conn, NULL));
      return FALSE;
    }

  g_string_truncate (copy->buffer, 0);
  return TRUE;
}

/**
 * mdk_pg_copy_row_done:
 * @copy: a copy
 * @error: return location for a #GError
 *
 * Sends the rows built so far once there are enough of them.
 *
 * Returns: %TRUE on success
 */
gboolean
mdk_pg_copy_row_done (MdkPgCopy  *copy,
                      GError    **error)
{
  if (copy->buffer->len < MDK_PG_COPY_BUFFER_SIZE)
    return TRUE;

  return flush (copy, error);
}

/**
 * mdk_pg_copy_end:
 * @copy: a copy
 * @ok: %FALSE to abandon the COPY, so that none of its rows land
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @ok and the server took every row
 */
gboolean
mdk_pg_copy_end (MdkPgCopy  *copy,
                 gboolean    ok,
                 GError    **error)
{
  g_autoptr(PGresult) result = NULL;

  if (ok && !flush (copy, error))
    ok = FALSE;

  if (PQputCopyEnd (copy->conn, ok ? NULL : "cancelled") != 1)
    ok = FALSE;

  result = PQgetResult (copy->conn);
  if (ok && PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      g_propagate_error (error, mdk_database_error_new_from_result (copy->conn, result));
      ok = FALSE;
    }

  /* Drain, so that the connection is ready for the next statement. */
  g_clear_pointer (&result, PQclear);
  while ((result = PQgetResult (copy->conn)) != NULL)
    g_clear_pointer (&result, PQclear);

  return ok;
}
