/* mdk-paged-list.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-database.h"

G_BEGIN_DECLS

/**
 * MdkPageKey:
 * @sort_key: the sort value of a row, as text
 * @id: the row's id, which breaks ties
 *
 * Where a page of results starts: after this row.
 */
typedef struct
{
  char   *sort_key;
  gint64  id;
} MdkPageKey;

void mdk_page_key_clear (MdkPageKey *key);

#define MDK_TYPE_PAGED_LIST (mdk_paged_list_get_type ())

G_DECLARE_DERIVABLE_TYPE (MdkPagedList, mdk_paged_list, MDK, PAGED_LIST, GObject)

/**
 * MdkPagedListClass:
 * @item_type: the type of the items, a #GObject
 * @copy_query: copies a query
 * @free_query: frees a query
 * @count: in a worker thread: how many rows match, or -1 with @error set
 * @page_starts: in a worker thread: the key of the last row of every
 *   page of @page_size rows (#MdkPageKey)
 * @fetch: in a worker thread: up to @limit items after @after, in order
 * @new_placeholder: an empty item, shown until its page arrives (by default,
 *   a new @item_type)
 * @fill: in the main thread: fills @placeholder in place from @fetched (by
 *   default, for #MdkRecord items, with mdk_record_fill_from())
 * @get_key: the key of a fetched item
 *
 * What a subclass says about its rows. The query functions get a copy
 * of the query and run with a connection of their own.
 */
struct _MdkPagedListClass
{
  GObjectClass parent_class;

  GType        item_type;
  gpointer   (*copy_query)      (gconstpointer       query);
  void       (*free_query)      (gpointer            query);
  gint64     (*count)           (PGconn             *conn,
                                 gconstpointer       query,
                                 GError            **error);
  GArray    *(*page_starts)     (PGconn             *conn,
                                 gconstpointer       query,
                                 guint               page_size,
                                 GError            **error);
  GPtrArray *(*fetch)           (PGconn             *conn,
                                 gconstpointer       query,
                                 const MdkPageKey   *after,
                                 guint               limit,
                                 GError            **error);
  gpointer   (*new_placeholder) (void);
  void       (*fill)            (gpointer            placeholder,
                                 gpointer            fetched);
  void       (*get_key)         (gpointer            item,
                                 MdkPageKey         *key);
};

void          mdk_paged_list_set_query    (MdkPagedList  *self,
                                           gconstpointer  query);
gconstpointer mdk_paged_list_get_query    (MdkPagedList  *self);
gboolean      mdk_paged_list_get_loading  (MdkPagedList  *self);
guint         mdk_paged_list_get_n_cached (MdkPagedList  *self);
const GError *mdk_paged_list_get_error    (MdkPagedList  *self);

G_END_DECLS
