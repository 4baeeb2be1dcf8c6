/* mdk-member-list.c: the members matching a search, as a paged list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-member-list.h"
#include "mdk-member-private.h"
#include "mdk-member-repo.h"

struct _MdkMemberList
{
  MdkPagedList parent_instance;
};

G_DEFINE_FINAL_TYPE (MdkMemberList, mdk_member_list, MDK_TYPE_PAGED_LIST)

static gpointer
copy_query (gconstpointer query)
{
  return mdk_member_query_copy (query);
}

static gint64
count (PGconn         *conn,
       gconstpointer   query,
       GError        **error)
{
  return mdk_member_repo_count (conn, query, error);
}

static GArray *
page_starts (PGconn         *conn,
             gconstpointer   query,
             guint           page_size,
             GError        **error)
{
  return mdk_member_repo_page_starts (conn, query, page_size, error);
}

static GPtrArray *
fetch (PGconn            *conn,
       gconstpointer      query,
       const MdkPageKey  *after,
       guint              limit,
       GError           **error)
{
  return mdk_member_repo_search (conn, query, after, limit, error);
}

static void
get_key (gpointer    item,
         MdkPageKey *key)
{
  key->sort_key = g_strdup (mdk_member_get_sort_key (item));
  key->id = mdk_member_get_id (item);
}

static void
mdk_member_list_class_init (MdkMemberListClass *klass)
{
  MdkPagedListClass *list_class = MDK_PAGED_LIST_CLASS (klass);

  list_class->item_type = MDK_TYPE_MEMBER;
  list_class->copy_query = copy_query;
  list_class->free_query = (GDestroyNotify) mdk_member_query_free;
  list_class->count = count;
  list_class->page_starts = page_starts;
  list_class->fetch = fetch;
  list_class->get_key = get_key;
}

static void
mdk_member_list_init (MdkMemberList *self)
{
}

/**
 * mdk_member_list_new:
 * @database: where the members are
 *
 * Returns: (transfer full): an empty list; set a query to fill it
 */
MdkMemberList *
mdk_member_list_new (MdkDatabase *database)
{
  g_return_val_if_fail (MDK_IS_DATABASE (database), NULL);

  return g_object_new (MDK_TYPE_MEMBER_LIST, "database", database, NULL);
}

/**
 * mdk_member_list_set_query:
 * @self: a #MdkMemberList
 * @query: the new search
 *
 * See mdk_paged_list_set_query().
 */
void
mdk_member_list_set_query (MdkMemberList        *self,
                           const MdkMemberQuery *query)
{
  g_return_if_fail (MDK_IS_MEMBER_LIST (self));

  mdk_paged_list_set_query (MDK_PAGED_LIST (self), query);
}

/**
 * mdk_member_list_get_query:
 * @self: a #MdkMemberList
 *
 * Returns: the search; one for everyone until one is set
 */
const MdkMemberQuery *
mdk_member_list_get_query (MdkMemberList *self)
{
  static MdkMemberQuery *everyone;
  gconstpointer query;

  g_return_val_if_fail (MDK_IS_MEMBER_LIST (self), NULL);

  if ((query = mdk_paged_list_get_query (MDK_PAGED_LIST (self))) != NULL)
    return query;
  if (g_once_init_enter (&everyone))
    g_once_init_leave (&everyone, mdk_member_query_new (NULL));
  return everyone;
}
