/* mdk-journal.c: the ledger's transactions, latest first, filtered, as a
 * paged list; and the postings of one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-journal.h"
#include "mdk-statement.h"

G_DEFINE_BOXED_TYPE (MdkJournalQuery, mdk_journal_query, mdk_journal_query_copy, mdk_journal_query_free)

MdkJournalQuery *
mdk_journal_query_new (void)
{
  return g_new0 (MdkJournalQuery, 1);
}

MdkJournalQuery *
mdk_journal_query_copy (const MdkJournalQuery *query)
{
  MdkJournalQuery *copy = g_memdup2 (query, sizeof *query);

  copy->kind = g_strdup (query->kind);
  copy->method = g_strdup (query->method);
  copy->card_no = g_strdup (query->card_no);
  copy->from = g_strdup (query->from);
  copy->to = g_strdup (query->to);
  return copy;
}

void
mdk_journal_query_free (MdkJournalQuery *query)
{
  if (query == NULL)
    return;

  g_free (query->kind);
  g_free (query->method);
  g_free (query->card_no);
  g_free (query->from);
  g_free (query->to);
  g_free (query);
}

static char *
id_text (gint64 id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

/* Every filter is on the transactions table itself, so that counting
 * needs no joins. */
static void
append_filters (MdkStatement          *statement,
                const MdkJournalQuery *query)
{
  mdk_statement_append (statement, " WHERE true");
  if (query->region_id > 0)
    mdk_statement_append (statement, " AND t.store_id = ANY (ARRAY (SELECT id FROM mdk.stores WHERE region_id = ?))",
                          id_text (query->region_id));
  if (query->store_id > 0)
    mdk_statement_append (statement, " AND t.store_id = ?", id_text (query->store_id));
  if (query->operator_id > 0)
    mdk_statement_append (statement, " AND t.operator_id = ?", id_text (query->operator_id));
  if (query->kind != NULL)
    mdk_statement_append (statement, " AND t.kind = ?::mdk.transaction_kind", g_strdup (query->kind));
  if (query->method != NULL)
    mdk_statement_append (statement, " AND t.method = ?::mdk.payment_method", g_strdup (query->method));
  if (query->card_no != NULL)
    mdk_statement_append (statement, " AND t.card_id = (SELECT id FROM mdk.cards WHERE card_no = ?)",
                          g_strdup (query->card_no));
  if (query->member_id > 0)
    mdk_statement_append (statement, " AND t.card_id = ANY (ARRAY (SELECT id FROM mdk.cards WHERE member_id = ?))",
                          id_text (query->member_id));
  if (query->from != NULL)
    mdk_statement_append (statement, " AND t.created_at >= ?::date", g_strdup (query->from));
  if (query->to != NULL)
    mdk_statement_append (statement, " AND t.created_at < ?::date + 1", g_strdup (query->to));
}

static const char *select_sql =
  "SELECT t.id, to_char(t.created_at, 'YYYY-MM-DD HH24:MI:SS'), t.kind::text, c.card_no, m.name, s.name, "
  "r.name, o.name, t.method::text, t.amount::text, t.reference, t.reason, t.original_id::text, "
  "(SELECT v.id::text FROM mdk.transactions v WHERE v.kind = 'reversal' AND v.original_id = t.id) ";

static const char *joins_sql =
  " JOIN mdk.stores s ON s.id = t.store_id JOIN mdk.regions r ON r.id = s.region_id"
  " LEFT JOIN mdk.cards c ON c.id = t.card_id LEFT JOIN mdk.members m ON m.id = c.member_id"
  " LEFT JOIN mdk.operators o ON o.id = t.operator_id";

static MdkTransaction *
transaction_from_row (const PGresult *result,
                      int             row)
{
  MdkTransaction *transaction = mdk_transaction_new_placeholder ();
  const char *fields[MDK_TRANSACTION_N_FIELDS];

  for (guint i = 0; i < MDK_TRANSACTION_N_FIELDS; i++)
    fields[i] = PQgetisnull (result, row, i + 1) ? NULL : PQgetvalue (result, row, i + 1);
  mdk_transaction_fill (transaction, mdk_pg_get_int64 (result, row, 0), fields);
  return transaction;
}

/**
 * mdk_journal_count:
 * @conn: a connection
 * @query: the filters
 * @error: return location for a #GError
 *
 * Returns: how many transactions match, or -1
 */
gint64
mdk_journal_count (PGconn                 *conn,
                   const MdkJournalQuery  *query,
                   GError                **error)
{
  g_auto(MdkStatement) statement = { NULL, NULL };
  g_autoptr(PGresult) result = NULL;

  mdk_statement_init (&statement);
  mdk_statement_append (&statement, "SELECT count(*) FROM mdk.transactions t");
  append_filters (&statement, query);
  if (!(result = mdk_statement_exec (conn, &statement, error)))
    return -1;
  return mdk_pg_get_int64 (result, 0, 0);
}

/**
 * mdk_journal_fetch:
 * @conn: a connection
 * @query: the filters
 * @after: (nullable): the last transaction of the page before
 * @limit: the page size
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type MdkTransaction): the page, or %NULL
 */
GPtrArray *
mdk_journal_fetch (PGconn                 *conn,
                   const MdkJournalQuery  *query,
                   const MdkPageKey       *after,
                   guint                   limit,
                   GError                **error)
{
  g_auto(MdkStatement) statement = { NULL, NULL };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func (g_object_unref);

  mdk_statement_init (&statement);
  mdk_statement_append (&statement, select_sql);
  mdk_statement_append (&statement, "FROM (SELECT t.* FROM mdk.transactions t");
  append_filters (&statement, query);
  if (after != NULL)
    mdk_statement_append (&statement, " AND t.id < ?", id_text (after->id));
  mdk_statement_append (&statement, " ORDER BY t.id DESC LIMIT ?) t", g_strdup_printf ("%u", limit));
  mdk_statement_append (&statement, joins_sql);
  mdk_statement_append (&statement, " ORDER BY t.id DESC");

  if (!(result = mdk_statement_exec (conn, &statement, error)))
    return NULL;

  for (int row = 0; row < PQntuples (result); row++)
    g_ptr_array_add (page, transaction_from_row (result, row));

  return g_steal_pointer (&page);
}

/**
 * mdk_journal_load_transaction:
 * @conn: a connection
 * @transaction_id: a transaction
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the transaction, or %NULL with @error set
 */
MdkTransaction *
mdk_journal_load_transaction (PGconn  *conn,
                              gint64   transaction_id,
                              GError **error)
{
  g_auto(MdkStatement) statement = { NULL, NULL };
  g_autoptr(PGresult) result = NULL;

  mdk_statement_init (&statement);
  mdk_statement_append (&statement, select_sql);
  mdk_statement_append (&statement, "FROM mdk.transactions t");
  mdk_statement_append (&statement, joins_sql);
  mdk_statement_append (&statement, " WHERE t.id = ?", id_text (transaction_id));
  if (!(result = mdk_statement_exec (conn, &statement, error)))
    return NULL;
  if (PQntuples (result) == 0)
    {
      g_set_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_FAILED,
                   "There is no transaction %" G_GINT64_FORMAT ".", transaction_id);
      return NULL;
    }
  return transaction_from_row (result, 0);
}

/**
 * mdk_journal_page_starts:
 * @conn: a connection
 * @query: the filters
 * @page_size: rows per page
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type MdkPageKey): the last row of each
 *   full page, or %NULL
 */
GArray *
mdk_journal_page_starts (PGconn                 *conn,
                         const MdkJournalQuery  *query,
                         guint                   page_size,
                         GError                **error)
{
  g_auto(MdkStatement) statement = { NULL, NULL };
  g_autoptr(PGresult) result = NULL;
  GArray *keys;

  mdk_statement_init (&statement);
  mdk_statement_append (&statement, "SELECT id FROM (SELECT t.id, row_number() OVER (ORDER BY t.id DESC) AS n "
                        "FROM mdk.transactions t");
  append_filters (&statement, query);
  mdk_statement_append (&statement, ") numbered WHERE n % ? = 0 ORDER BY n", g_strdup_printf ("%u", page_size));
  if (!(result = mdk_statement_exec (conn, &statement, error)))
    return NULL;

  keys = g_array_new (FALSE, TRUE, sizeof (MdkPageKey));
  g_array_set_clear_func (keys, (GDestroyNotify) mdk_page_key_clear);
  for (int row = 0; row < PQntuples (result); row++)
    {
      MdkPageKey key = { mdk_pg_get_string (result, row, 0), mdk_pg_get_int64 (result, row, 0) };

      g_array_append_val (keys, key);
    }
  return keys;
}

static void
posting_clear (MdkPosting *posting)
{
  g_free (posting->account);
  g_free (posting->owner);
  g_free (posting->method);
}

/**
 * mdk_journal_load_postings:
 * @conn: a connection
 * @transaction_id: a transaction
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type MdkPosting): its postings in order, or %NULL
 */
GArray *
mdk_journal_load_postings (PGconn  *conn,
                           gint64   transaction_id,
                           GError **error)
{
  g_autofree char *id = id_text (transaction_id);
  const char *params[] = { id };
  g_autoptr(PGresult) result = mdk_pg_exec (conn,
    "SELECT a.kind::text, coalesce(c.card_no, s.name), a.method::text, a.kind IN ('points', 'points_issued'), p.amount "
    "FROM mdk.postings p JOIN mdk.accounts a ON a.id = p.account_id "
    "LEFT JOIN mdk.cards c ON c.id = a.card_id LEFT JOIN mdk.stores s ON s.id = a.store_id "
    "WHERE p.transaction_id = $1 ORDER BY p.n", 1, params, error);
  GArray *postings;

  if (result == NULL)
    return NULL;

  postings = g_array_new (FALSE, TRUE, sizeof (MdkPosting));
  g_array_set_clear_func (postings, (GDestroyNotify) posting_clear);
  for (int row = 0; row < PQntuples (result); row++)
    {
      MdkPosting posting = {
        mdk_pg_get_string (result, row, 0), mdk_pg_get_string (result, row, 1),
        mdk_pg_get_string (result, row, 2), g_str_equal (PQgetvalue (result, row, 3), "t"),
        mdk_pg_get_int64 (result, row, 4),
      };

      g_array_append_val (postings, posting);
    }
  return postings;
}

/* The list */

struct _MdkJournalList
{
  MdkPagedList parent_instance;
};

G_DEFINE_FINAL_TYPE (MdkJournalList, mdk_journal_list, MDK_TYPE_PAGED_LIST)

static gpointer
copy_query (gconstpointer query)
{
  return mdk_journal_query_copy (query);
}

static gint64
count (PGconn         *conn,
       gconstpointer   query,
       GError        **error)
{
  return mdk_journal_count (conn, query, error);
}

static GArray *
page_starts (PGconn         *conn,
             gconstpointer   query,
             guint           page_size,
             GError        **error)
{
  return mdk_journal_page_starts (conn, query, page_size, error);
}

static GPtrArray *
fetch (PGconn            *conn,
       gconstpointer      query,
       const MdkPageKey  *after,
       guint              limit,
       GError           **error)
{
  return mdk_journal_fetch (conn, query, after, limit, error);
}

static void
get_key (gpointer    item,
         MdkPageKey *key)
{
  key->id = mdk_transaction_get_id (item);
  key->sort_key = g_strdup_printf ("%" G_GINT64_FORMAT, key->id);
}

static void
mdk_journal_list_class_init (MdkJournalListClass *klass)
{
  MdkPagedListClass *list_class = MDK_PAGED_LIST_CLASS (klass);

  list_class->item_type = MDK_TYPE_TRANSACTION;
  list_class->copy_query = copy_query;
  list_class->free_query = (GDestroyNotify) mdk_journal_query_free;
  list_class->count = count;
  list_class->page_starts = page_starts;
  list_class->fetch = fetch;
  list_class->get_key = get_key;
}

static void
mdk_journal_list_init (MdkJournalList *self)
{
}

/**
 * mdk_journal_list_new:
 * @database: the database
 *
 * Returns: (transfer full): an empty journal; set a query to fill it
 */
MdkJournalList *
mdk_journal_list_new (MdkDatabase *database)
{
  g_return_val_if_fail (MDK_IS_DATABASE (database), NULL);

  return g_object_new (MDK_TYPE_JOURNAL_LIST, "database", database, NULL);
}
