/* mdk-card-list.c: every card of the chain, newest first, filtered by
 * type, state, store and region, as a paged list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-card-list.h"
#include "mdk-statement.h"

/* The record */

struct _MdkCardRecord
{
  MdkRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (MdkCardRecord, mdk_card_record, MDK_TYPE_RECORD)

/* In the order of MdkCardRecordField. */
static const char * const field_names[MDK_CARD_RECORD_N_FIELDS] = {
  "card-no",
  "member-name",
  "member-id",
  "type-name",
  "state",
  "store-name",
  "region-name",
  "issued-on",
  "expires-on",
  "primary-card-no",
  "balance",
  "points",
};

static void
mdk_card_record_class_init (MdkCardRecordClass *klass)
{
  mdk_record_class_install_fields (MDK_RECORD_CLASS (klass), field_names, MDK_CARD_RECORD_N_FIELDS);
}

static void
mdk_card_record_init (MdkCardRecord *self)
{
}

/**
 * mdk_card_record_new_placeholder:
 *
 * Returns: (transfer full): an empty card, filled when its row arrives
 */
MdkCardRecord *
mdk_card_record_new_placeholder (void)
{
  return g_object_new (MDK_TYPE_CARD_RECORD, NULL);
}

const char *
mdk_card_record_get_field (MdkCardRecord      *self,
                           MdkCardRecordField  field)
{
  g_return_val_if_fail (MDK_IS_CARD_RECORD (self), NULL);

  return mdk_record_get_field (MDK_RECORD (self), field);
}

/* The query */

G_DEFINE_BOXED_TYPE (MdkCardQuery, mdk_card_query, mdk_card_query_copy, mdk_card_query_free)

MdkCardQuery *
mdk_card_query_new (void)
{
  return g_new0 (MdkCardQuery, 1);
}

MdkCardQuery *
mdk_card_query_copy (const MdkCardQuery *query)
{
  MdkCardQuery *copy = g_memdup2 (query, sizeof *query);

  copy->state = g_strdup (query->state);
  return copy;
}

void
mdk_card_query_free (MdkCardQuery *query)
{
  if (query == NULL)
    return;

  g_free (query->state);
  g_free (query);
}

static char *
id_text (gint64 id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

/* Every filter is on the cards table itself, so that counting needs no
 * joins. */
static void
append_filters (MdkStatement       *statement,
                const MdkCardQuery *query)
{
  mdk_statement_append (statement, " WHERE true");
  if (query->card_type_id > 0)
    mdk_statement_append (statement, " AND c.card_type_id = ?", id_text (query->card_type_id));
  if (query->state != NULL)
    mdk_statement_append (statement, " AND c.state = ?::mdk.card_state", g_strdup (query->state));
  if (query->store_id > 0)
    mdk_statement_append (statement, " AND c.issued_store_id = ?", id_text (query->store_id));
  if (query->region_id > 0)
    mdk_statement_append (statement, " AND c.issued_store_id = ANY (ARRAY (SELECT id FROM mdk.stores WHERE region_id = ?))",
                          id_text (query->region_id));
}

/* A card under another shows the balance of the account it uses; a card
 * whose type holds no stored value (or no points) shows none. */
static const char *select_sql =
  "SELECT c.id, c.card_no, m.name, m.id::text, t.name, c.state::text, s.name, r.name, "
  "to_char(c.issued_at, 'YYYY-MM-DD'), c.expires_on::text, p.card_no, "
  "CASE WHEN t.has_stored_value THEN coalesce((SELECT a.balance FROM mdk.accounts a "
  "  WHERE a.card_id = mdk.account_card(c) AND a.kind = 'stored_value'), 0)::text END, "
  "CASE WHEN t.has_points THEN coalesce((SELECT a.balance FROM mdk.accounts a "
  "  WHERE a.card_id = mdk.account_card(c) AND a.kind = 'points'), 0)::text END ";

static const char *joins_sql =
  " JOIN mdk.members m ON m.id = c.member_id JOIN mdk.card_types t ON t.id = c.card_type_id"
  " JOIN mdk.stores s ON s.id = c.issued_store_id JOIN mdk.regions r ON r.id = s.region_id"
  " LEFT JOIN mdk.cards p ON p.id = c.primary_card_id";

/**
 * mdk_card_list_count:
 * @conn: a connection
 * @query: the filters
 * @error: return location for a #GError
 *
 * Returns: how many cards match, or -1
 */
gint64
mdk_card_list_count (PGconn              *conn,
                     const MdkCardQuery  *query,
                     GError             **error)
{
  g_auto(MdkStatement) statement = { NULL, NULL };
  g_autoptr(PGresult) result = NULL;

  mdk_statement_init (&statement);
  mdk_statement_append (&statement, "SELECT count(*) FROM mdk.cards c");
  append_filters (&statement, query);
  if (!(result = mdk_statement_exec (conn, &statement, error)))
    return -1;
  return mdk_pg_get_int64 (result, 0, 0);
}

/**
 * mdk_card_list_fetch:
 * @conn: a connection
 * @query: the filters
 * @after: (nullable): the last card of the page before
 * @limit: the page size
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type MdkCardRecord): the page, newest
 *   first, or %NULL
 */
GPtrArray *
mdk_card_list_fetch (PGconn              *conn,
                     const MdkCardQuery  *query,
                     const MdkPageKey    *after,
                     guint                limit,
                     GError             **error)
{
  g_auto(MdkStatement) statement = { NULL, NULL };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func (g_object_unref);

  mdk_statement_init (&statement);
  mdk_statement_append (&statement, select_sql);
  /* The page's walk alone, then the joins for what it shows. */
  mdk_statement_append (&statement, "FROM (SELECT c.* FROM mdk.cards c");
  append_filters (&statement, query);
  if (after != NULL)
    mdk_statement_append (&statement, " AND c.id < ?", id_text (after->id));
  mdk_statement_append (&statement, " ORDER BY c.id DESC LIMIT ? OFFSET 0) c", g_strdup_printf ("%u", limit));
  mdk_statement_append (&statement, joins_sql);
  mdk_statement_append (&statement, " ORDER BY c.id DESC");

  if (!(result = mdk_statement_exec (conn, &statement, error)))
    return NULL;

  for (int row = 0; row < PQntuples (result); row++)
    {
      MdkCardRecord *card = mdk_card_record_new_placeholder ();
      const char *fields[MDK_CARD_RECORD_N_FIELDS];

      for (guint i = 0; i < MDK_CARD_RECORD_N_FIELDS; i++)
        fields[i] = PQgetisnull (result, row, i + 1) ? NULL : PQgetvalue (result, row, i + 1);
      mdk_record_fill (MDK_RECORD (card), mdk_pg_get_int64 (result, row, 0), fields);
      g_ptr_array_add (page, card);
    }

  return g_steal_pointer (&page);
}

/**
 * mdk_card_list_page_starts:
 * @conn: a connection
 * @query: the filters
 * @page_size: rows per page
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type MdkPageKey): the last row of each
 *   full page, or %NULL
 */
GArray *
mdk_card_list_page_starts (PGconn              *conn,
                           const MdkCardQuery  *query,
                           guint                page_size,
                           GError             **error)
{
  g_auto(MdkStatement) statement = { NULL, NULL };
  g_autoptr(PGresult) result = NULL;
  GArray *keys;

  mdk_statement_init (&statement);
  mdk_statement_append (&statement, "SELECT id FROM (SELECT c.id, row_number() OVER (ORDER BY c.id DESC) AS n "
                        "FROM mdk.cards c");
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

/* The list */

struct _MdkCardList
{
  MdkPagedList parent_instance;
};

G_DEFINE_FINAL_TYPE (MdkCardList, mdk_card_list, MDK_TYPE_PAGED_LIST)

static gpointer
copy_query (gconstpointer query)
{
  return mdk_card_query_copy (query);
}

static gint64
count (PGconn         *conn,
       gconstpointer   query,
       GError        **error)
{
  return mdk_card_list_count (conn, query, error);
}

static GArray *
page_starts (PGconn         *conn,
             gconstpointer   query,
             guint           page_size,
             GError        **error)
{
  return mdk_card_list_page_starts (conn, query, page_size, error);
}

static GPtrArray *
fetch (PGconn            *conn,
       gconstpointer      query,
       const MdkPageKey  *after,
       guint              limit,
       GError           **error)
{
  return mdk_card_list_fetch (conn, query, after, limit, error);
}

static void
get_key (gpointer    item,
         MdkPageKey *key)
{
  key->id = mdk_record_get_id (item);
  key->sort_key = g_strdup_printf ("%" G_GINT64_FORMAT, key->id);
}

static void
mdk_card_list_class_init (MdkCardListClass *klass)
{
  MdkPagedListClass *list_class = MDK_PAGED_LIST_CLASS (klass);

  list_class->item_type = MDK_TYPE_CARD_RECORD;
  list_class->copy_query = copy_query;
  list_class->free_query = (GDestroyNotify) mdk_card_query_free;
  list_class->count = count;
  list_class->page_starts = page_starts;
  list_class->fetch = fetch;
  list_class->get_key = get_key;
}

static void
mdk_card_list_init (MdkCardList *self)
{
}

/**
 * mdk_card_list_new:
 * @database: the database
 *
 * Returns: (transfer full): an empty card list; set a query to fill it
 */
MdkCardList *
mdk_card_list_new (MdkDatabase *database)
{
  g_return_val_if_fail (MDK_IS_DATABASE (database), NULL);

  return g_object_new (MDK_TYPE_CARD_LIST, "database", database, NULL);
}
