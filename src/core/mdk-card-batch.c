/* mdk-card-batch.c: batch issuance: a card of one type for every member of
 * a group, such as an enterprise's employees under its group card, issued
 * together through mdk.issue_cards()
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mdk-card-batch.h"
#include "mdk-ledger.h"

/* Members per call of mdk.issue_cards(): the progress moves between them. */
#define CHUNK_MEMBERS 200

/**
 * mdk_card_batch_new:
 *
 * Returns: (transfer full): an empty batch with a new request id
 */
MdkCardBatch *
mdk_card_batch_new (void)
{
  MdkCardBatch *batch = g_new0 (MdkCardBatch, 1);

  batch->request_id = g_uuid_string_random ();
  return batch;
}

void
mdk_card_batch_free (MdkCardBatch *batch)
{
  if (batch == NULL)
    return;

  g_free (batch->request_id);
  g_free (batch->method);
  g_free (batch->primary_card_no);
  g_free (batch);
}

static char *
id_text (gint64 id)
{
  return id > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, id) : NULL;
}

/**
 * mdk_card_batch_preview:
 * @conn: a connection
 * @batch: the batch
 * @error: return location for a #GError
 *
 * What the batch would do, counted now.
 *
 * Returns: (transfer full): the counts, or %NULL
 */
MdkCardBatchPreview *
mdk_card_batch_preview (PGconn              *conn,
                        const MdkCardBatch  *batch,
                        GError             **error)
{
  g_autofree char *group = id_text (batch->member_group_id);
  g_autofree char *type = id_text (batch->card_type_id);
  const char *params[] = { group, type, batch->primary_card_no };
  g_autoptr(PGresult) result = NULL;
  MdkCardBatchPreview *preview;

  result = mdk_pg_exec (conn,
                        "SELECT count(*), count(*) FILTER (WHERE mdk.holds_card_of_type(m.id, $2)), "
                        "       coalesce((SELECT t.joining_fee FROM mdk.card_types t WHERE t.id = $2), 0), "
                        "       coalesce((SELECT (mdk.card_terms(c)).max_affiliates "
                        "                        - (SELECT count(*) FROM mdk.cards u WHERE u.primary_card_id = c.id "
                        "                           AND u.state IN ('active', 'lost', 'frozen')) "
                        "                 FROM mdk.cards c WHERE c.card_no = $3), -1) "
                        "FROM mdk.members m WHERE m.group_id = $1",
                        G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return NULL;

  preview = g_new0 (MdkCardBatchPreview, 1);
  preview->members = mdk_pg_get_int64 (result, 0, 0);
  preview->holding = mdk_pg_get_int64 (result, 0, 1);
  preview->joining_fee = mdk_pg_get_int64 (result, 0, 2);
  preview->room = mdk_pg_get_int64 (result, 0, 3);
  return preview;
}

/**
 * mdk_card_batch_issue:
 * @conn: a connection, in a transaction
 * @batch: the batch
 * @progress: (nullable): told how far it got
 * @progress_data: data for @progress
 * @cancellable: (nullable): stops between calls; the caller rolls back
 * @error: return location for a #GError
 *
 * Issues a card of the type to every member of the group who holds none
 * in use, in calls of mdk.issue_cards() whose request ids derive from the
 * batch's: sent again after a lost connection, a batch that landed is
 * answered as it was and issues nothing twice. Refusals are
 * %MDK_LEDGER_ERROR.
 *
 * Returns: (transfer full): what was issued, or %NULL
 */
MdkCardBatchResult *
mdk_card_batch_issue (PGconn              *conn,
                      const MdkCardBatch  *batch,
                      MdkProgressFunc      progress,
                      gpointer             progress_data,
                      GCancellable        *cancellable,
                      GError             **error)
{
  g_autofree char *group = id_text (batch->member_group_id);
  g_autofree char *type = id_text (batch->card_type_id);
  g_autofree char *store = id_text (batch->store_id);
  g_autofree MdkCardBatchResult *result = g_new0 (MdkCardBatchResult, 1);
  g_autoptr(PGresult) members = NULL;
  int n;

  g_return_val_if_fail (batch != NULL && batch->request_id != NULL, NULL);

  {
    const char *params[] = { group };

    members = mdk_pg_exec (conn, "SELECT m.id FROM mdk.members m WHERE m.group_id = $1 ORDER BY m.id", 1, params, error);
    if (members == NULL)
      return NULL;
  }
  n = PQntuples (members);
  if (n == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The group has no members."));
      return NULL;
    }

  for (int start = 0, chunk = 0; start < n; start += CHUNK_MEMBERS, chunk++)
    {
      g_autoptr(GString) ids = g_string_new ("{");
      g_autofree char *chunk_text = g_strdup_printf ("%d", chunk);
      g_autoptr(PGresult) answer = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      for (int row = start; row < MIN (n, start + CHUNK_MEMBERS); row++)
        g_string_append_printf (ids, "%s%s", row > start ? "," : "", PQgetvalue (members, row, 0));
      g_string_append_c (ids, '}');
      {
        const char *params[] = { batch->request_id, chunk_text, type, store, batch->method, batch->primary_card_no,
                                 ids->str, group };

        answer = mdk_ledger_exec (conn,
                                  "SELECT (r ->> 'issued')::bigint, (r ->> 'skipped')::bigint, (r ->> 'fee')::bigint, "
                                  "       coalesce(r ->> 'first_card_no', ''), coalesce(r ->> 'last_card_no', '') "
                                  "FROM mdk.issue_cards(mdk.derived_request($1::uuid, 'chunk:' || $2), $3, $4, "
                                  "                     $5::mdk.payment_method, $6, $7::bigint[], $8) r",
                                  G_N_ELEMENTS (params), params, error);
        if (answer == NULL)
          return NULL;
      }
      result->issued += mdk_pg_get_int64 (answer, 0, 0);
      result->skipped += mdk_pg_get_int64 (answer, 0, 1);
      result->fee += mdk_pg_get_int64 (answer, 0, 2);
      if (result->first_card_no[0] == '\0')
        g_strlcpy (result->first_card_no, PQgetvalue (answer, 0, 3), sizeof result->first_card_no);
      if (*PQgetvalue (answer, 0, 4) != '\0')
        g_strlcpy (result->last_card_no, PQgetvalue (answer, 0, 4), sizeof result->last_card_no);
      if (progress != NULL)
        progress ((double) MIN (n, start + CHUNK_MEMBERS) / n, _("Issuing cards"), progress_data);
    }

  return g_steal_pointer (&result);
}

typedef struct
{
  MdkCardBatch     *batch;
  MdkProgressRelay *relay;
  gboolean          has_progress;
} IssueData;

static void
issue_data_free (IssueData *data)
{
  mdk_card_batch_free (data->batch);
  mdk_progress_relay_free (data->relay);
  g_free (data);
}

static gpointer
issue_work (PGconn        *conn,
            gpointer       work_data,
            GCancellable  *cancellable,
            GError       **error)
{
  IssueData *data = work_data;

  return mdk_card_batch_issue (conn, data->batch, data->has_progress ? mdk_progress_relay_report : NULL, data->relay,
                               cancellable, error);
}

/**
 * mdk_card_batch_issue_async:
 * @database: the database
 * @batch: the batch; it is copied
 * @progress: (nullable): told how far it got, on the calling thread's main context
 * @progress_data: data for @progress; it must live until @callback runs
 * @cancellable: (nullable): cancels: then no card is issued
 * @callback: called when done
 * @user_data: data for @callback
 *
 * mdk_card_batch_issue() in one transaction, off the main thread: the
 * cards are issued together, or none.
 */
void
mdk_card_batch_issue_async (MdkDatabase         *database,
                            const MdkCardBatch  *batch,
                            MdkProgressFunc      progress,
                            gpointer             progress_data,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  IssueData *data = g_new0 (IssueData, 1);

  data->batch = g_memdup2 (batch, sizeof *batch);
  data->batch->request_id = g_strdup (batch->request_id);
  data->batch->method = g_strdup (batch->method);
  data->batch->primary_card_no = g_strdup (batch->primary_card_no);
  data->relay = mdk_progress_relay_new (progress, progress_data);
  data->has_progress = progress != NULL;
  mdk_database_run_async (database, MDK_DATABASE_RUN_TRANSACTION, issue_work, data, (GDestroyNotify) issue_data_free,
                          g_free, cancellable, callback, user_data);
}

/**
 * mdk_card_batch_issue_finish:
 * @database: the database
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): what was issued; it has landed
 */
MdkCardBatchResult *
mdk_card_batch_issue_finish (MdkDatabase   *database,
                             GAsyncResult  *result,
                             GError       **error)
{
  return mdk_database_run_finish (database, result, error);
}
