/* mdk-ledger.c: requests to the ledger's functions (mdk.recharge(),
 * mdk.consume(), mdk.refund(), mdk.reverse()) and the card lifecycle's
 * (mdk.issue_card(), mdk.card_action()), sent again after a lost
 * connection, a serialization failure or a deadlock with the same request
 * id, so that each lands once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mdk-ledger.h"

G_DEFINE_QUARK (mdk-ledger-error-quark, mdk_ledger_error)

G_DEFINE_BOXED_TYPE (MdkLedgerRequest, mdk_ledger_request, mdk_ledger_request_copy, mdk_ledger_request_free)

/**
 * mdk_ledger_request_new:
 * @kind: which function
 *
 * Returns: (transfer full): a request with a new request id
 */
MdkLedgerRequest *
mdk_ledger_request_new (MdkLedgerKind kind)
{
  MdkLedgerRequest *request = g_new0 (MdkLedgerRequest, 1);

  request->kind = kind;
  request->request_id = g_uuid_string_random ();
  return request;
}

MdkLedgerRequest *
mdk_ledger_request_copy (const MdkLedgerRequest *request)
{
  MdkLedgerRequest *copy = g_memdup2 (request, sizeof *request);

  copy->request_id = g_strdup (request->request_id);
  copy->card_no = g_strdup (request->card_no);
  copy->method = g_strdup (request->method);
  copy->reference = g_strdup (request->reference);
  copy->lines = g_strdup (request->lines);
  copy->reason = g_strdup (request->reason);
  copy->primary_card_no = g_strdup (request->primary_card_no);
  copy->action = g_strdup (request->action);
  copy->new_card_no = g_strdup (request->new_card_no);
  copy->hold_until = g_strdup (request->hold_until);
  return copy;
}

void
mdk_ledger_request_free (MdkLedgerRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->request_id);
  g_free (request->card_no);
  g_free (request->method);
  g_free (request->reference);
  g_free (request->lines);
  g_free (request->reason);
  g_free (request->primary_card_no);
  g_free (request->action);
  g_free (request->new_card_no);
  g_free (request->hold_until);
  g_free (request);
}

/* Every function's result, read the same way: fields it lacks are 0. */
static const char *result_columns_sql =
  "SELECT coalesce((r ->> 'transaction')::bigint, 0), coalesce((r ->> 'amount')::bigint, 0), "
  "coalesce((r ->> 'bonus')::bigint, 0), coalesce((r ->> 'discount')::bigint, 0), "
  "coalesce((r ->> 'due')::bigint, 0), coalesce((r ->> 'stored_value')::bigint, 0), "
  "coalesce((r ->> 'paid_value')::bigint, 0), coalesce((r ->> 'bonus_value')::bigint, 0), "
  "coalesce((r ->> 'points_used')::bigint, 0), coalesce((r ->> 'points_value')::bigint, 0), "
  "coalesce((r ->> 'external')::bigint, 0), coalesce((r ->> 'points_earned')::bigint, 0), "
  "coalesce((r ->> 'points_not_recovered')::bigint, 0), coalesce((r ->> 'balance')::bigint, 0), "
  "coalesce((r ->> 'bonus_balance')::bigint, 0), coalesce((r ->> 'points_balance')::bigint, 0), "
  "coalesce((r ->> 'fee')::bigint, 0), coalesce((r ->> 'refunded')::bigint, 0), "
  "coalesce((r ->> 'forfeited')::bigint, 0), coalesce((r ->> 'points')::bigint, 0), "
  "coalesce((r ->> 'cancelled_under')::bigint, 0), coalesce(r ->> 'new_card_no', r ->> 'card_no', ''), "
  "coalesce(r ->> 'state', ''), coalesce((r ->> 'daily_limit')::bigint, 0), "
  "coalesce((r ->> 'card_type')::bigint, 0), coalesce(r ->> 'tier_held_until', ''), "
  "coalesce((r ->> 'own_accounts')::boolean, false) ";

static const char * const call_sql[] = {
  [MDK_LEDGER_RECHARGE] = "FROM mdk.recharge($1, $2, $3, $4::mdk.payment_method, $5, $6, $7) r",
  [MDK_LEDGER_CONSUME] = "FROM mdk.consume($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9::mdk.payment_method, $10) r",
  [MDK_LEDGER_REFUND] = "FROM mdk.refund($1, $2, $3, $4, $5, $6) r",
  [MDK_LEDGER_REVERSE] = "FROM mdk.reverse($1, $2, $3, $4, $5) r",
  [MDK_LEDGER_ISSUE_CARD] = "FROM mdk.issue_card($1, $2, $3, $4, $5::mdk.payment_method, $6, $7, $8) r",
  [MDK_LEDGER_CARD_ACTION] = "FROM mdk.card_action($1, $2, $3::mdk.card_action, $4, $5, $6::mdk.payment_method, $7, $8) r",
  [MDK_LEDGER_DAILY_LIMIT] = "FROM mdk.set_daily_limit($1, $2, $3, $4, $5, $6) r",
  [MDK_LEDGER_SET_TIER] = "FROM mdk.set_card_tier($1, $2, $3, $4::date, $5, $6, $7) r",
};

static char *
id_or_null (gint64 id)
{
  return id > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, id) : NULL;
}

static char *
number (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

/* The parameters of @request's call, in call_sql's order. */
static GPtrArray *
request_params (const MdkLedgerRequest *request)
{
  GPtrArray *params = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (params, g_strdup (request->request_id));
  switch (request->kind)
    {
    case MDK_LEDGER_RECHARGE:
      g_ptr_array_add (params, g_strdup (request->card_no));
      g_ptr_array_add (params, number (request->amount));
      g_ptr_array_add (params, g_strdup (request->method));
      g_ptr_array_add (params, id_or_null (request->store_id));
      g_ptr_array_add (params, id_or_null (request->terminal_id));
      g_ptr_array_add (params, g_strdup (request->reference));
      break;

    case MDK_LEDGER_CONSUME:
      g_ptr_array_add (params, g_strdup (request->card_no));
      g_ptr_array_add (params, id_or_null (request->store_id));
      g_ptr_array_add (params, id_or_null (request->terminal_id));
      g_ptr_array_add (params, number (request->amount));
      g_ptr_array_add (params, g_strdup (request->lines));
      g_ptr_array_add (params, number (request->points));
      g_ptr_array_add (params, number (request->external));
      g_ptr_array_add (params, request->external > 0 ? g_strdup (request->method) : NULL);
      g_ptr_array_add (params, g_strdup (request->reference));
      break;

    case MDK_LEDGER_REFUND:
      g_ptr_array_add (params, number (request->transaction_id));
      g_ptr_array_add (params, number (request->amount));
      g_ptr_array_add (params, g_strdup (request->reason));
      g_ptr_array_add (params, id_or_null (request->store_id));
      g_ptr_array_add (params, id_or_null (request->terminal_id));
      break;

    case MDK_LEDGER_REVERSE:
      g_ptr_array_add (params, number (request->transaction_id));
      g_ptr_array_add (params, g_strdup (request->reason));
      g_ptr_array_add (params, id_or_null (request->store_id));
      g_ptr_array_add (params, id_or_null (request->terminal_id));
      break;

    case MDK_LEDGER_ISSUE_CARD:
      g_ptr_array_add (params, id_or_null (request->member_id));
      g_ptr_array_add (params, id_or_null (request->card_type_id));
      g_ptr_array_add (params, id_or_null (request->store_id));
      g_ptr_array_add (params, g_strdup (request->method));
      g_ptr_array_add (params, g_strdup (request->primary_card_no));
      g_ptr_array_add (params, g_strdup (request->new_card_no));
      g_ptr_array_add (params, id_or_null (request->terminal_id));
      break;

    case MDK_LEDGER_DAILY_LIMIT:
      g_ptr_array_add (params, g_strdup (request->card_no));
      g_ptr_array_add (params, request->amount > 0 ? number (request->amount) : NULL);
      g_ptr_array_add (params, id_or_null (request->store_id));
      g_ptr_array_add (params, g_strdup (request->reason));
      g_ptr_array_add (params, id_or_null (request->terminal_id));
      break;

    case MDK_LEDGER_SET_TIER:
      g_ptr_array_add (params, g_strdup (request->card_no));
      g_ptr_array_add (params, id_or_null (request->card_type_id));
      g_ptr_array_add (params, g_strdup (request->hold_until));
      g_ptr_array_add (params, id_or_null (request->store_id));
      g_ptr_array_add (params, g_strdup (request->reason));
      g_ptr_array_add (params, id_or_null (request->terminal_id));
      break;

    case MDK_LEDGER_CARD_ACTION:
      g_ptr_array_add (params, g_strdup (request->card_no));
      g_ptr_array_add (params, g_strdup (request->action));
      g_ptr_array_add (params, id_or_null (request->store_id));
      g_ptr_array_add (params, g_strdup (request->reason));
      g_ptr_array_add (params, g_strdup (request->method));
      g_ptr_array_add (params, g_strdup (request->new_card_no));
      g_ptr_array_add (params, id_or_null (request->terminal_id));
      break;

    default:
      g_assert_not_reached ();
    }

  return params;
}

static const struct {
  const char     *sqlstate;
  MdkLedgerError  code;
  const char     *explanation;
} refusals[] = {
  { "MD001", MDK_LEDGER_ERROR_REQUEST_REUSED, N_("This request was sent before with other amounts.") },
  { "MD002", MDK_LEDGER_ERROR_CARD_UNUSABLE, N_("The card cannot be used for this.") },
  { "MD003", MDK_LEDGER_ERROR_INSUFFICIENT, N_("The card does not have enough stored value or points.") },
  { "MD004", MDK_LEDGER_ERROR_NOT_PERMITTED, N_("Head office has not allowed recharges at this store or by this operator.") },
  { "MD005", MDK_LEDGER_ERROR_INVALID, N_("The request is missing something, or its amounts do not add up.") },
  { "MD006", MDK_LEDGER_ERROR_REFUND_TOO_LARGE, N_("That is more than remains of the sale to refund.") },
  { "MD007", MDK_LEDGER_ERROR_NOT_REVERSIBLE, N_("This transaction cannot be reversed.") },
  { "P0002", MDK_LEDGER_ERROR_NOT_FOUND, N_("There is no such card, store or transaction.") },
  { "MD008", MDK_LEDGER_ERROR_OVER_LIMIT, N_("This card may not spend that much more today.") },
  { "MD009", MDK_LEDGER_ERROR_CARD_STATE, N_("The card's state does not allow this.") },
  { "MD010", MDK_LEDGER_ERROR_CARD_LIMIT, N_("That card has as many cards under it as its type allows.") },
  { "MD011", MDK_LEDGER_ERROR_CARD_NUMBER, N_("That card number does not fit the card type, or is taken.") },
};

/* A refusal says first what it means for a person, then the function's
 * own words, which carry the figures. */
static GError *
error_from_result (PGconn         *conn,
                   const PGresult *result)
{
  const char *sqlstate = PQresultErrorField (result, PG_DIAG_SQLSTATE);
  const char *primary = PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY);

  for (guint i = 0; sqlstate != NULL && i < G_N_ELEMENTS (refusals); i++)
    if (g_str_equal (sqlstate, refusals[i].sqlstate))
      /* Translators: the first %s explains a refusal, the second is the server's own message */
      return g_error_new (MDK_LEDGER_ERROR, refusals[i].code, _("%s (Server: %s)"),
                          _(refusals[i].explanation), primary ? primary : "");

  return mdk_database_error_new_from_result (conn, result);
}

/**
 * mdk_ledger_exec:
 * @conn: a connection
 * @sql: a query that calls ledger or card functions
 * @n_params: how many parameters
 * @params: (array length=n_params) (nullable): their text, %NULL for NULL
 * @error: return location for a #GError
 *
 * Runs @sql; a refusal by a function (SQLSTATE class MD) is a
 * %MDK_LEDGER_ERROR that explains it, as for mdk_ledger_send().
 *
 * Returns: (transfer full): the rows, or %NULL
 */
PGresult *
mdk_ledger_exec (PGconn             *conn,
                 const char         *sql,
                 int                 n_params,
                 const char * const *params,
                 GError            **error)
{
  PGresult *result = PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 0);

  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      g_propagate_error (error, error_from_result (conn, result));
      PQclear (result);
      return NULL;
    }
  return result;
}

/**
 * mdk_ledger_send:
 * @conn: a connection, not in a transaction
 * @request: the request
 * @error: return location for a #GError
 *
 * Sends @request once. Blocks. A caller that loses the connection sends
 * the same request again (mdk_ledger_send_async() does).
 *
 * Returns: (transfer full): what the request did, or %NULL
 */
MdkLedgerResult *
mdk_ledger_send (PGconn                  *conn,
                 const MdkLedgerRequest  *request,
                 GError                 **error)
{
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autofree char *sql = NULL;
  MdkLedgerResult *answer;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (request != NULL && request->request_id != NULL, NULL);
  g_return_val_if_fail (request->kind <= MDK_LEDGER_SET_TIER, NULL);

  params = request_params (request);
  sql = g_strconcat (result_columns_sql, call_sql[request->kind], NULL);
  result = PQexecParams (conn, sql, params->len, NULL, (const char * const *) params->pdata, NULL, NULL, 0);
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      g_propagate_error (error, error_from_result (conn, result));
      return NULL;
    }

  answer = g_new0 (MdkLedgerResult, 1);
  answer->transaction_id = mdk_pg_get_int64 (result, 0, 0);
  answer->amount = mdk_pg_get_int64 (result, 0, 1);
  answer->bonus = mdk_pg_get_int64 (result, 0, 2);
  answer->discount = mdk_pg_get_int64 (result, 0, 3);
  answer->due = mdk_pg_get_int64 (result, 0, 4);
  answer->stored_value = mdk_pg_get_int64 (result, 0, 5);
  answer->paid_value = mdk_pg_get_int64 (result, 0, 6);
  answer->bonus_value = mdk_pg_get_int64 (result, 0, 7);
  answer->points_used = mdk_pg_get_int64 (result, 0, 8);
  answer->points_value = mdk_pg_get_int64 (result, 0, 9);
  answer->external = mdk_pg_get_int64 (result, 0, 10);
  answer->points_earned = mdk_pg_get_int64 (result, 0, 11);
  answer->points_not_recovered = mdk_pg_get_int64 (result, 0, 12);
  answer->balance = mdk_pg_get_int64 (result, 0, 13);
  answer->bonus_balance = mdk_pg_get_int64 (result, 0, 14);
  answer->points_balance = mdk_pg_get_int64 (result, 0, 15);
  answer->fee = mdk_pg_get_int64 (result, 0, 16);
  answer->refunded = mdk_pg_get_int64 (result, 0, 17);
  answer->forfeited = mdk_pg_get_int64 (result, 0, 18);
  answer->points = mdk_pg_get_int64 (result, 0, 19);
  answer->cancelled_under = mdk_pg_get_int64 (result, 0, 20);
  g_strlcpy (answer->card_no, PQgetvalue (result, 0, 21), sizeof answer->card_no);
  g_strlcpy (answer->state, PQgetvalue (result, 0, 22), sizeof answer->state);
  answer->daily_limit = mdk_pg_get_int64 (result, 0, 23);
  answer->card_type_id = mdk_pg_get_int64 (result, 0, 24);
  g_strlcpy (answer->held_until, PQgetvalue (result, 0, 25), sizeof answer->held_until);
  answer->own_accounts = g_str_equal (PQgetvalue (result, 0, 26), "t");
  return answer;
}

static gpointer
send_work (PGconn        *conn,
           gpointer       work_data,
           GCancellable  *cancellable,
           GError       **error)
{
  return mdk_ledger_send (conn, work_data, error);
}

/**
 * mdk_ledger_send_async:
 * @database: the database
 * @request: the request; it is copied
 * @cancellable: (nullable): cancels waiting, not a request the server has
 * @callback: called in the thread-default main context
 * @user_data: for @callback
 *
 * Sends @request off the main thread, and again with the same request id
 * after a lost connection, a serialization failure or a deadlock.
 */
void
mdk_ledger_send_async (MdkDatabase            *database,
                       const MdkLedgerRequest *request,
                       GCancellable           *cancellable,
                       GAsyncReadyCallback     callback,
                       gpointer                user_data)
{
  g_return_if_fail (MDK_IS_DATABASE (database));
  g_return_if_fail (request != NULL);

  mdk_database_run_async (database, MDK_DATABASE_RUN_IDEMPOTENT, send_work, mdk_ledger_request_copy (request),
                          (GDestroyNotify) mdk_ledger_request_free, g_free, cancellable, callback, user_data);
}

/**
 * mdk_ledger_send_finish:
 * @database: the database
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): what the request did, or %NULL
 */
MdkLedgerResult *
mdk_ledger_send_finish (MdkDatabase   *database,
                        GAsyncResult  *result,
                        GError       **error)
{
  return mdk_database_run_finish (database, result, error);
}

/**
 * mdk_ledger_load_card:
 * @conn: a connection
 * @card_no: a card number
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the card's summary, or %NULL with @error set
 *   (%MDK_LEDGER_ERROR_NOT_FOUND for an unknown card)
 */
MdkCardSummary *
mdk_ledger_load_card (PGconn      *conn,
                      const char  *card_no,
                      GError     **error)
{
  const char *params[] = { card_no };
  g_autoptr(PGresult) result = NULL;
  MdkCardSummary *summary;

  result = mdk_pg_exec (conn,
    "SELECT c.card_no, m.name, t.name, "
    "CASE WHEN c.state = 'active' AND c.expires_on < current_date THEN 'expired' ELSE c.state::text END, "
    "t.has_stored_value, t.point_value, (b ->> 'balance')::bigint, (b ->> 'bonus_balance')::bigint, "
    "(b ->> 'points_balance')::bigint, c.primary_card_id IS NOT NULL, (mdk.card_terms(c)).affiliates_share "
    "FROM mdk.cards c JOIN mdk.members m ON m.id = c.member_id JOIN mdk.card_types t ON t.id = c.card_type_id, "
    "LATERAL mdk.card_balances(mdk.account_card(c)) b "
    "WHERE c.card_no = $1", 1, params, error);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    {
      g_set_error (error, MDK_LEDGER_ERROR, MDK_LEDGER_ERROR_NOT_FOUND, _("There is no card %s."), card_no);
      return NULL;
    }

  summary = g_new0 (MdkCardSummary, 1);
  summary->card_no = mdk_pg_get_string (result, 0, 0);
  summary->member_name = mdk_pg_get_string (result, 0, 1);
  summary->type_name = mdk_pg_get_string (result, 0, 2);
  summary->state = mdk_pg_get_string (result, 0, 3);
  summary->has_stored_value = g_str_equal (PQgetvalue (result, 0, 4), "t");
  summary->point_value = mdk_pg_get_int64 (result, 0, 5);
  summary->balance = mdk_pg_get_int64 (result, 0, 6);
  summary->bonus_balance = mdk_pg_get_int64 (result, 0, 7);
  summary->points_balance = mdk_pg_get_int64 (result, 0, 8);
  summary->under_another = g_str_equal (PQgetvalue (result, 0, 9), "t");
  summary->affiliates_share = g_str_equal (PQgetvalue (result, 0, 10), "t");
  return summary;
}

void
mdk_card_summary_free (MdkCardSummary *summary)
{
  if (summary == NULL)
    return;

  g_free (summary->card_no);
  g_free (summary->member_name);
  g_free (summary->type_name);
  g_free (summary->state);
  g_free (summary);
}
