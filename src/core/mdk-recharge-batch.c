/* mdk-recharge-batch.c: enterprise batch recharge from a CSV file or an
 * Excel workbook (card number, amount, reference): read, checked,
 * previewed with its total, then applied as one transaction
 *
 * Each line is an mdk.recharge() whose request id is made from the file's
 * SHA-256 and the line's number: the same file applied twice, or an
 * application retried after a lost connection, charges nobody twice.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mdk-csv-reader.h"
#include "mdk-money.h"
#include "mdk-recharge-batch.h"
#include "mdk-table-reader.h"

#define CHUNK_LINES 500

static void
line_clear (MdkRechargeLine *line)
{
  g_free (line->card_no);
  g_free (line->reference);
  g_strfreev (line->fields);
}

static void
rejection_free (MdkRechargeRejection *rejection)
{
  g_strfreev (rejection->fields);
  g_free (rejection->reason);
  g_free (rejection);
}

void
mdk_recharge_batch_free (MdkRechargeBatch *batch)
{
  if (batch == NULL)
    return;

  g_free (batch->path);
  g_free (batch->digest);
  g_free (batch->encoding);
  g_strfreev (batch->header);
  g_clear_pointer (&batch->lines, g_array_unref);
  g_clear_pointer (&batch->rejections, g_ptr_array_unref);
  g_free (batch->earlier_at);
  g_free (batch);
}

static int
find_column (char               **header,
             const char * const  *names)
{
  for (int i = 0; header[i] != NULL; i++)
    {
      g_autofree char *folded = mdk_table_fold_header (header[i]);

      if (g_strv_contains (names, folded))
        return i;
    }
  return -1;
}

static const char * const card_headers[] = {
  "card", "cardno", "cardnumber", "membercard", "卡号", "会员卡号", "会员卡", NULL,
};
static const char * const amount_headers[] = {
  "amount", "amountyuan", "recharge", "value", "金额", "充值金额", "金额元", NULL,
};
static const char * const reference_headers[] = {
  "reference", "ref", "note", "memo", "凭证号", "参考号", "流水号", "备注", NULL,
};

static char *
field_at (char **fields,
          int    column)
{
  const char *value = mdk_table_row_field (fields, column);

  return value != NULL ? g_strstrip (g_strdup (value)) : NULL;
}

static void
reject (MdkRechargeBatch  *batch,
        guint64            line,
        char             **fields,
        const char        *reason)
{
  MdkRechargeRejection *rejection = g_new0 (MdkRechargeRejection, 1);

  rejection->line = line;
  rejection->fields = g_strdupv (fields);
  rejection->reason = g_strdup (reason);
  g_ptr_array_add (batch->rejections, rejection);
}

static char *
file_digest (const char  *path,
             GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

/**
 * mdk_recharge_batch_read:
 * @path: a CSV file or an .xlsx workbook
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads the file: its header must name the card number and the amount
 * (in English or Chinese); a reference is optional. Lines without a card
 * number or with an amount that is not a positive number of yuan are
 * rejected with their reason.
 *
 * Returns: (transfer full): the batch, or %NULL when the file cannot be read
 */
MdkRechargeBatch *
mdk_recharge_batch_read (const char    *path,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(MdkRechargeBatch) batch = g_new0 (MdkRechargeBatch, 1);
  g_autoptr(MdkTableReader) reader = NULL;
  g_autoptr(GError) read_error = NULL;
  char **fields;

  batch->path = g_strdup (path);
  batch->lines = g_array_new (FALSE, TRUE, sizeof (MdkRechargeLine));
  g_array_set_clear_func (batch->lines, (GDestroyNotify) line_clear);
  batch->rejections = g_ptr_array_new_with_free_func ((GDestroyNotify) rejection_free);

  if (!(batch->digest = file_digest (path, error)) || !(reader = mdk_table_reader_open (path, error)))
    return NULL;
  batch->encoding = g_strdup (mdk_table_reader_get_encoding (reader));
  if (!(batch->header = mdk_table_reader_next (reader, &read_error)))
    {
      if (read_error != NULL)
        g_propagate_error (error, g_steal_pointer (&read_error));
      else
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The file is empty."));
      return NULL;
    }

  batch->card_column = find_column (batch->header, card_headers);
  batch->amount_column = find_column (batch->header, amount_headers);
  batch->reference_column = find_column (batch->header, reference_headers);
  if (batch->card_column < 0 || batch->amount_column < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The first row must name the columns: a card number (“card” or “卡号”) and an amount "
                             "in yuan (“amount” or “金额”), and may name a reference (“reference” or “凭证号”)."));
      return NULL;
    }

  while ((fields = mdk_table_reader_next (reader, &read_error)) != NULL)
    {
      g_auto(GStrv) row = fields;
      guint64 line = mdk_table_reader_get_line (reader);
      g_autofree char *card = field_at (row, batch->card_column);
      g_autofree char *amount_text = field_at (row, batch->amount_column);
      g_autofree char *reference = field_at (row, batch->reference_column);
      MdkRechargeLine item = { 0 };
      gint64 amount = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (mdk_table_row_is_blank (row))
        continue;
      if (card == NULL || *card == '\0')
        {
          reject (batch, line, row, _("No card number."));
          continue;
        }
      if (amount_text == NULL || !mdk_money_parse (amount_text, &amount, NULL) || amount <= 0)
        {
          reject (batch, line, row, _("The amount is not a positive number of yuan, such as 500 or 99.90."));
          continue;
        }
      if (reference != NULL && g_utf8_strlen (reference, -1) > 100)
        {
          reject (batch, line, row, _("The reference is longer than 100 characters."));
          continue;
        }

      item.line = line;
      item.card_no = g_steal_pointer (&card);
      item.amount = amount;
      item.reference = reference != NULL && *reference != '\0' ? g_steal_pointer (&reference) : NULL;
      item.fields = g_strdupv (row);
      g_array_append_val (batch->lines, item);
      batch->total += amount;
    }
  if (read_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&read_error));
      return NULL;
    }

  return g_steal_pointer (&batch);
}

static char *
text_array (GArray *lines,
            int     which)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < lines->len; i++)
    {
      const MdkRechargeLine *line = &g_array_index (lines, MdkRechargeLine, i);

      if (which == 0)
        g_ptr_array_add (items, g_strdup (line->card_no));
      else if (which == 1)
        g_ptr_array_add (items, g_strdup_printf ("%" G_GUINT64_FORMAT, line->line));
      else if (which == 2)
        g_ptr_array_add (items, g_strdup_printf ("%" G_GINT64_FORMAT, line->amount));
      else
        g_ptr_array_add (items, g_strdup (line->reference ? line->reference : ""));
    }
  g_ptr_array_add (items, NULL);
  return mdk_pg_text_array ((const char * const *) items->pdata);
}

static const char *
card_problem (const char *problem)
{
  if (g_strcmp0 (problem, "unknown") == 0)
    return _("There is no such card.");
  if (g_strcmp0 (problem, "lost") == 0)
    return _("The card was reported lost.");
  if (g_strcmp0 (problem, "frozen") == 0)
    return _("The card is frozen.");
  if (g_strcmp0 (problem, "expired") == 0)
    return _("The card has expired.");
  if (g_strcmp0 (problem, "no_stored_value") == 0)
    return _("This type of card holds no stored value.");
  return _("The card is not active.");
}

/**
 * mdk_recharge_batch_check:
 * @conn: a connection
 * @batch: a batch read by mdk_recharge_batch_read()
 * @error: return location for a #GError
 *
 * Rejects the lines whose card cannot be recharged (unknown, lost, frozen,
 * cancelled, replaced or expired, or of a type without stored value), and
 * finds out whether this file was applied before.
 *
 * Returns: %FALSE when the database could not be asked
 */
gboolean
mdk_recharge_batch_check (PGconn            *conn,
                          MdkRechargeBatch  *batch,
                          GError           **error)
{
  g_autofree char *cards = text_array (batch->lines, 0);
  const char *params[] = { cards };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(PGresult) earlier = NULL;
  g_autoptr(GHashTable) problems = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  result = mdk_pg_exec (conn,
    "SELECT l.card, CASE WHEN c.id IS NULL THEN 'unknown' WHEN c.state <> 'active' THEN c.state::text "
    "WHEN c.expires_on < current_date THEN 'expired' WHEN NOT t.has_stored_value THEN 'no_stored_value' END "
    "FROM (SELECT DISTINCT unnest($1::text[]) AS card) l "
    "LEFT JOIN mdk.cards c ON c.card_no = l.card LEFT JOIN mdk.card_types t ON t.id = c.card_type_id",
    1, params, error);
  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    if (!PQgetisnull (result, row, 1))
      g_hash_table_insert (problems, mdk_pg_get_string (result, row, 0), mdk_pg_get_string (result, row, 1));

  for (guint i = 0; i < batch->lines->len; )
    {
      MdkRechargeLine *line = &g_array_index (batch->lines, MdkRechargeLine, i);
      const char *problem = g_hash_table_lookup (problems, line->card_no);

      if (problem == NULL)
        {
          i++;
          continue;
        }

      reject (batch, line->line, line->fields, card_problem (problem));
      batch->total -= line->amount;
      g_array_remove_index (batch->lines, i);
    }

  {
    const char *digest[] = { batch->digest };

    earlier = mdk_pg_exec (conn, "SELECT id, to_char(created_at, 'YYYY-MM-DD HH24:MI') FROM mdk.recharge_batches "
                           "WHERE file_digest = $1", 1, digest, error);
    if (earlier == NULL)
      return FALSE;
    if (PQntuples (earlier) > 0)
      {
        batch->earlier_batch = mdk_pg_get_int64 (earlier, 0, 0);
        g_free (batch->earlier_at);
        batch->earlier_at = mdk_pg_get_string (earlier, 0, 1);
      }
  }
  return TRUE;
}

static const char *apply_chunk_sql =
  "WITH applied AS ("
  "  SELECT l.line, mdk.recharge(md5($2 || ':' || l.line)::uuid, l.card, l.amount, 'enterprise', $3, NULL, nullif(l.ref, '')) AS r"
  "  FROM unnest($4::int[], $5::text[], $6::bigint[], $7::text[]) WITH ORDINALITY AS l (line, card, amount, ref, n)"
  "  ORDER BY l.n), "
  "recorded AS ("
  "  INSERT INTO mdk.recharge_batch_lines (batch_id, line_no, transaction_id)"
  "  SELECT $1, line, (r ->> 'transaction')::bigint FROM applied ON CONFLICT DO NOTHING) "
  "SELECT count(*), coalesce(sum((r ->> 'bonus')::bigint), 0) FROM applied";

/* The batch's row: the earlier one for a file applied before. */
static gboolean
start_batch (PGconn                  *conn,
             const MdkRechargeBatch  *batch,
             gint64                  *store_id,
             gint64                  *batch_id,
             gboolean                *again,
             GError                 **error)
{
  g_autofree char *name = g_path_get_basename (batch->path);
  g_autofree char *store = g_strdup_printf ("%" G_GINT64_FORMAT, *store_id);
  g_autofree char *lines = g_strdup_printf ("%u", batch->lines->len);
  g_autofree char *total = g_strdup_printf ("%" G_GINT64_FORMAT, batch->total);
  const char *params[] = { batch->digest, name, store, lines, total };
  g_autoptr(PGresult) result = NULL;

  if (!mdk_pg_exec_command (conn, "SELECT pg_advisory_xact_lock(hashtextextended($1, 1))", 1, params, error))
    return FALSE;
  result = mdk_pg_exec (conn,
    "WITH made AS (INSERT INTO mdk.recharge_batches (file_digest, file_name, store_id, operator_id, lines, total) "
    "              VALUES ($1, $2, $3, mdk.current_operator_id(), $4, $5) "
    "              ON CONFLICT (file_digest) DO NOTHING RETURNING id) "
    "SELECT id, false, $3::bigint FROM made "
    "UNION ALL SELECT id, true, store_id FROM mdk.recharge_batches WHERE file_digest = $1",
    5, params, error);
  if (result == NULL)
    return FALSE;

  /* A file applied before is applied again as it was, at its store: each
   * line's request is then the same, and changes nothing. */
  *batch_id = mdk_pg_get_int64 (result, 0, 0);
  *again = g_str_equal (PQgetvalue (result, 0, 1), "t");
  *store_id = mdk_pg_get_int64 (result, 0, 2);
  return TRUE;
}

/**
 * mdk_recharge_batch_apply:
 * @conn: a connection in a transaction, which the caller commits
 * @batch: a checked batch
 * @store_id: the store the batch is recharged at
 * @progress: (nullable): told how far it got
 * @progress_data: data for @progress
 * @cancellable: (nullable): cancels between chunks of lines
 * @error: return location for a #GError
 *
 * Recharges every line of @batch with the method "enterprise". The caller
 * commits the transaction; until then nothing is applied. A line the
 * database refuses (a card lost since the check, a store not allowed to
 * recharge) fails the whole batch.
 *
 * Returns: (transfer full): what was applied, or %NULL
 */
MdkRechargeBatchResult *
mdk_recharge_batch_apply (PGconn                  *conn,
                          const MdkRechargeBatch  *batch,
                          gint64                   store_id,
                          MdkProgressFunc          progress,
                          gpointer                 progress_data,
                          GCancellable            *cancellable,
                          GError                 **error)
{
  g_autofree MdkRechargeBatchResult *result = g_new0 (MdkRechargeBatchResult, 1);
  g_autofree char *store = NULL;
  g_autofree char *batch_text = NULL;

  g_return_val_if_fail (batch != NULL, NULL);

  if (batch->lines->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("No line of the file can be applied."));
      return NULL;
    }
  if (!start_batch (conn, batch, &store_id, &result->batch_id, &result->again, error))
    return NULL;
  batch_text = g_strdup_printf ("%" G_GINT64_FORMAT, result->batch_id);
  store = g_strdup_printf ("%" G_GINT64_FORMAT, store_id);

  for (guint start = 0; start < batch->lines->len; start += CHUNK_LINES)
    {
      guint n = MIN (CHUNK_LINES, batch->lines->len - start);
      g_autoptr(GArray) chunk = g_array_sized_new (FALSE, TRUE, sizeof (MdkRechargeLine), n);
      g_autofree char *lines = NULL;
      g_autofree char *cards = NULL;
      g_autofree char *amounts = NULL;
      g_autofree char *references = NULL;
      g_autoptr(PGresult) answer = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      /* The lines are borrowed: the chunk has no clear function. */
      g_array_append_vals (chunk, &g_array_index (batch->lines, MdkRechargeLine, start), n);
      lines = text_array (chunk, 1);
      cards = text_array (chunk, 0);
      amounts = text_array (chunk, 2);
      references = text_array (chunk, 3);
      {
        const char *params[] = { batch_text, batch->digest, store, lines, cards, amounts, references };

        if (!(answer = mdk_pg_exec (conn, apply_chunk_sql, G_N_ELEMENTS (params), params, error)))
          return NULL;
      }
      result->lines += (guint) mdk_pg_get_int64 (answer, 0, 0);
      result->bonus += mdk_pg_get_int64 (answer, 0, 1);
      if (progress != NULL)
        progress ((double) (start + n) / batch->lines->len, _("Recharging"), progress_data);
    }

  result->total = batch->total;
  return g_steal_pointer (&result);
}

/**
 * mdk_recharge_batch_write_report:
 * @batch: a checked batch
 * @path: where to write
 * @error: return location for a #GError
 *
 * Writes the rejected lines as CSV (UTF-8 with a byte-order mark, for
 * Excel): their line, the reason, then the line's cells.
 *
 * Returns: %TRUE when written
 */
gboolean
mdk_recharge_batch_write_report (const MdkRechargeBatch  *batch,
                                 const char              *path,
                                 GError                 **error)
{
  g_autoptr(GString) text = g_string_new ("\xEF\xBB\xBF");

  mdk_csv_append_field (text, _("Line"));
  g_string_append_c (text, ',');
  mdk_csv_append_field (text, _("Reason"));
  for (guint i = 0; batch->header[i] != NULL; i++)
    {
      g_string_append_c (text, ',');
      mdk_csv_append_field (text, batch->header[i]);
    }
  g_string_append (text, "\r\n");

  for (guint r = 0; r < batch->rejections->len; r++)
    {
      const MdkRechargeRejection *rejection = g_ptr_array_index (batch->rejections, r);

      g_string_append_printf (text, "%" G_GUINT64_FORMAT ",", rejection->line);
      mdk_csv_append_field (text, rejection->reason);
      for (guint i = 0; rejection->fields[i] != NULL; i++)
        {
          g_string_append_c (text, ',');
          mdk_csv_append_field (text, rejection->fields[i]);
        }
      g_string_append (text, "\r\n");
    }

  return g_file_set_contents (path, text->str, text->len, error);
}

/* Off the main thread */

static void
task_batch_free (gpointer data)
{
  mdk_recharge_batch_free (data);
}

static void
prepare_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  MdkDatabase *database = source_object;
  g_autoptr(MdkRechargeBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;

  if (!(batch = mdk_recharge_batch_read (task_data, cancellable, &error)) ||
      !(conn = mdk_database_connect (database, &error)) ||
      !mdk_recharge_batch_check (conn, batch, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&batch), task_batch_free);
}

/**
 * mdk_recharge_batch_prepare_async:
 * @database: the database
 * @path: the file
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is read and checked
 * @user_data: data for @callback
 *
 * mdk_recharge_batch_read() and mdk_recharge_batch_check(), off the main thread.
 */
void
mdk_recharge_batch_prepare_async (MdkDatabase         *database,
                                  const char          *path,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (database, cancellable, callback, user_data);

  g_task_set_source_tag (task, mdk_recharge_batch_prepare_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, prepare_in_thread);
}

MdkRechargeBatch *
mdk_recharge_batch_prepare_finish (MdkDatabase   *database,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, database), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  MdkRechargeBatch *batch;     /* borrowed: the caller keeps it until the callback */
  gint64            store_id;
  MdkProgressRelay *relay;
  gboolean          has_progress;
} ApplyData;

static void
apply_data_free (ApplyData *data)
{
  mdk_progress_relay_free (data->relay);
  g_free (data);
}

static gpointer
apply_work (PGconn        *conn,
            gpointer       work_data,
            GCancellable  *cancellable,
            GError       **error)
{
  ApplyData *data = work_data;

  return mdk_recharge_batch_apply (conn, data->batch, data->store_id,
                                   data->has_progress ? mdk_progress_relay_report : NULL, data->relay,
                                   cancellable, error);
}

/**
 * mdk_recharge_batch_apply_async:
 * @database: the database
 * @batch: a checked batch; it must live until @callback runs
 * @store_id: the store
 * @progress: (nullable): told how far it got, on the calling thread's main context
 * @progress_data: data for @progress; it must live until @callback runs
 * @cancellable: (nullable): cancels: then nothing is applied
 * @callback: called when done
 * @user_data: data for @callback
 *
 * mdk_recharge_batch_apply() in its own transaction, off the main thread.
 */
void
mdk_recharge_batch_apply_async (MdkDatabase         *database,
                                MdkRechargeBatch    *batch,
                                gint64               store_id,
                                MdkProgressFunc      progress,
                                gpointer             progress_data,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  ApplyData *data = g_new0 (ApplyData, 1);

  data->batch = batch;
  data->store_id = store_id;
  data->relay = mdk_progress_relay_new (progress, progress_data);
  data->has_progress = progress != NULL;
  mdk_database_run_async (database, MDK_DATABASE_RUN_TRANSACTION, apply_work, data, (GDestroyNotify) apply_data_free,
                          g_free, cancellable, callback, user_data);
}

/**
 * mdk_recharge_batch_apply_finish:
 * @database: the database
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): what was applied; it has landed
 */
MdkRechargeBatchResult *
mdk_recharge_batch_apply_finish (MdkDatabase   *database,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return mdk_database_run_finish (database, result, error);
}
