/* mdk-paged-list.c: the rows matching a query, as a GListModel that
 * fetches pages by keyset as they are looked at, and keeps only a bounded
 * number of them. Subclasses say how to count, find and fetch the rows
 * (members, transactions, ...) and how to fill an item in place.
 *
 * The count arrives first and sets the length, so a list can show its
 * full size and scroll bar at once; get_item() hands out a placeholder
 * that is filled in place when its page arrives. Pages are fetched after
 * the last row of the page before, or, when jumping, after the key that
 * the page-start query returned for them: never with OFFSET.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-paged-list.h"
#include "mdk-record.h"

#define PAGE_SIZE 200
#define MAX_PAGES 40          /* 8,000 rows at most are kept */
#define MAX_FETCHES 3         /* pages fetched at once */

typedef struct
{
  guint      number;
  GPtrArray *items;           /* placeholders until fetched */
  guint64    last_used;
  gboolean   fetching;
  gboolean   fetched;
} Page;

typedef struct
{
  MdkDatabase    *database;
  gpointer        query;
  GCancellable   *cancellable;   /* for everything of the current query */
  guint           generation;    /* ignores answers to an earlier query */

  guint           n_items;
  gboolean        counting;
  GHashTable     *pages;         /* page number → Page */
  GArray         *page_starts;   /* MdkPageKey, NULL until known */
  gboolean        fetching_starts;
  GQueue          wanted;        /* page numbers waiting, latest first */
  guint           n_fetching;
  guint64         clock;
  GError         *error;
} MdkPagedListPrivate;

static void mdk_paged_list_model_init (GListModelInterface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (MdkPagedList, mdk_paged_list, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (MdkPagedList)
                                  G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, mdk_paged_list_model_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  PROP_LOADING,
  PROP_DATABASE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void fetch_wanted_pages (MdkPagedList *self);

static void
page_free (Page *page)
{
  g_ptr_array_unref (page->items);
  g_free (page);
}

static gboolean
is_loading (MdkPagedList *self)
{
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);
  return priv->counting || priv->n_fetching > 0 || priv->fetching_starts;
}

static void
notify_loading (MdkPagedList *self,
                gboolean      was_loading)
{
  if (was_loading != is_loading (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

typedef struct
{
  MdkPagedListClass *klass;
  gpointer        query;
  MdkPageKey      after;
  gboolean        has_after;
  guint           generation;
  guint           page;
} Request;

static void
request_free (Request *request)
{
  request->klass->free_query (request->query);
  mdk_page_key_clear (&request->after);
  g_free (request);
}

static Request *
request_new (MdkPagedList *self,
             guint         page)
{
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);
  Request *request = g_new0 (Request, 1);

  request->klass = MDK_PAGED_LIST_GET_CLASS (self);
  request->query = request->klass->copy_query (priv->query);
  request->generation = priv->generation;
  request->page = page;
  return request;
}

/* Page limits */

static guint
page_length (MdkPagedList *self,
             guint         number)
{
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);
  guint start = number * PAGE_SIZE;

  if (start >= priv->n_items)
    return 0;
  return MIN (PAGE_SIZE, priv->n_items - start);
}

static void
evict_pages (MdkPagedList *self)
{
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);
  while (g_hash_table_size (priv->pages) > MAX_PAGES)
    {
      GHashTableIter iter;
      gpointer key, value;
      Page *oldest = NULL;

      g_hash_table_iter_init (&iter, priv->pages);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          Page *page = value;

          if (!page->fetching && (oldest == NULL || page->last_used < oldest->last_used))
            oldest = page;
        }

      if (oldest == NULL)
        return;
      g_hash_table_remove (priv->pages, GUINT_TO_POINTER (oldest->number));
    }
}

/* An empty item; by default, an item of the class's type, filled later. */
static gpointer
new_placeholder (MdkPagedList *self)
{
  MdkPagedListClass *klass = MDK_PAGED_LIST_GET_CLASS (self);

  return klass->new_placeholder != NULL ? klass->new_placeholder () : g_object_new (klass->item_type, NULL);
}

/* Fills a placeholder in place; by default, an #MdkRecord from another. */
static void
fill (MdkPagedList *self,
      gpointer      placeholder,
      gpointer      fetched)
{
  MdkPagedListClass *klass = MDK_PAGED_LIST_GET_CLASS (self);

  if (klass->fill != NULL)
    klass->fill (placeholder, fetched);
  else
    mdk_record_fill_from (placeholder, fetched);
}

static Page *
ensure_page (MdkPagedList *self,
             guint         number)
{
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);
  Page *page = g_hash_table_lookup (priv->pages, GUINT_TO_POINTER (number));
  guint length;

  if (page != NULL)
    {
      page->last_used = ++priv->clock;
      return page;
    }

  length = page_length (self, number);
  page = g_new0 (Page, 1);
  page->number = number;
  page->last_used = ++priv->clock;
  page->items = g_ptr_array_new_full (length, g_object_unref);
  for (guint i = 0; i < length; i++)
    g_ptr_array_add (page->items, new_placeholder (self));

  g_hash_table_insert (priv->pages, GUINT_TO_POINTER (number), page);
  g_queue_push_head (&priv->wanted, GUINT_TO_POINTER (number));
  evict_pages (self);

  return page;
}

/* Where a page starts: after the last row of the page before, if that is
 * here, or after the key the page-start query gave. */
static gboolean
find_page_start (MdkPagedList *self,
                 guint         number,
                 MdkPageKey   *key)
{
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);
  Page *before;

  if (number == 0)
    return TRUE;

  before = g_hash_table_lookup (priv->pages, GUINT_TO_POINTER (number - 1));
  if (before != NULL && before->fetched && before->items->len > 0)
    {
      MDK_PAGED_LIST_GET_CLASS (self)->get_key (g_ptr_array_index (before->items, before->items->len - 1), key);
      return TRUE;
    }

  if (priv->page_starts != NULL && number - 1 < priv->page_starts->len)
    {
      const MdkPageKey *start = &g_array_index (priv->page_starts, MdkPageKey, number - 1);

      key->sort_key = g_strdup (start->sort_key);
      key->id = start->id;
      return TRUE;
    }

  return FALSE;
}

/* Work in threads */

static gpointer
fetch_page_work (PGconn        *conn,
                 gpointer       work_data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  Request *request = work_data;

  return request->klass->fetch (conn, request->query, request->has_after ? &request->after : NULL,
                                PAGE_SIZE, error);
}

static gpointer
count_work (PGconn        *conn,
            gpointer       work_data,
            GCancellable  *cancellable,
            GError       **error)
{
  Request *request = work_data;
  gint64 count = request->klass->count (conn, request->query, error);

  if (count < 0)
    return NULL;
  return g_memdup2 (&count, sizeof count);
}

static gpointer
page_starts_work (PGconn        *conn,
                  gpointer       work_data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  Request *request = work_data;

  return request->klass->page_starts (conn, request->query, PAGE_SIZE, error);
}

/* Answers */

static gboolean
take_answer (MdkPagedList *self,
             GAsyncResult *result,
             gpointer     *answer)
{
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);
  g_autoptr(GError) error = NULL;

  *answer = mdk_database_run_finish (priv->database, result, &error);
  if (*answer != NULL)
    return TRUE;

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&priv->error);
      priv->error = g_steal_pointer (&error);
    }
  return FALSE;
}

typedef struct
{
  MdkPagedList *self;
  guint         generation;
  guint         page;
} Pending;

static Pending *
pending_new (MdkPagedList *self,
             guint         page)
{
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);
  Pending *pending = g_new0 (Pending, 1);

  pending->self = g_object_ref (self);
  pending->generation = priv->generation;
  pending->page = page;
  return pending;
}

static void
pending_free (Pending *pending)
{
  g_object_unref (pending->self);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

static void
on_page_fetched (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  MdkPagedList *self = pending->self;
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);
  g_autoptr(GPtrArray) items = NULL;
  gboolean was_loading = is_loading (self);
  gboolean current = pending->generation == priv->generation;
  Page *page;

  if (current)
    priv->n_fetching--;
  take_answer (self, result, (gpointer *) &items);
  if (!current)
    return;

  page = g_hash_table_lookup (priv->pages, GUINT_TO_POINTER (pending->page));
  if (page != NULL && items != NULL)
    {
      /* Placeholders are filled in place: a list showing them updates. */
      for (guint i = 0; i < MIN (items->len, page->items->len); i++)
        fill (self, g_ptr_array_index (page->items, i), g_ptr_array_index (items, i));
      page->fetched = TRUE;
    }
  if (page != NULL)
    page->fetching = FALSE;

  fetch_wanted_pages (self);
  notify_loading (self, was_loading);
}

static void
start_fetch (MdkPagedList *self,
             Page         *page)
{
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);
  Request *request = request_new (self, page->number);

  request->has_after = page->number > 0;
  find_page_start (self, page->number, &request->after);

  page->fetching = TRUE;
  priv->n_fetching++;
  mdk_database_run_async (priv->database, MDK_DATABASE_RUN_READ_ONLY, fetch_page_work, request,
                          (GDestroyNotify) request_free, (GDestroyNotify) g_ptr_array_unref,
                          priv->cancellable, on_page_fetched, pending_new (self, page->number));
}

static void on_page_starts (GObject *source, GAsyncResult *result, gpointer user_data);

/* Only a jump needs to know where every page starts; the query reads the
 * whole result's keys, so it runs once, and only when needed. */
static void
fetch_page_starts (MdkPagedList *self)
{
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);
  if (priv->page_starts != NULL || priv->fetching_starts)
    return;

  priv->fetching_starts = TRUE;
  mdk_database_run_async (priv->database, MDK_DATABASE_RUN_READ_ONLY, page_starts_work,
                          request_new (self, 0), (GDestroyNotify) request_free,
                          (GDestroyNotify) g_array_unref, priv->cancellable,
                          on_page_starts, pending_new (self, 0));
}

static void
fetch_wanted_pages (MdkPagedList *self)
{
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);
  GList *link = priv->wanted.head;

  while (link != NULL && priv->n_fetching < MAX_FETCHES)
    {
      GList *next = link->next;
      guint number = GPOINTER_TO_UINT (link->data);
      Page *page = g_hash_table_lookup (priv->pages, GUINT_TO_POINTER (number));
      MdkPageKey key = { NULL, 0 };

      if (page == NULL || page->fetching || page->fetched)
        g_queue_delete_link (&priv->wanted, link);
      else if (find_page_start (self, number, &key))
        {
          g_queue_delete_link (&priv->wanted, link);
          start_fetch (self, page);
        }
      else
        fetch_page_starts (self);
      mdk_page_key_clear (&key);
      link = next;
    }
}

static void
on_page_starts (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  MdkPagedList *self = pending->self;
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);
  GArray *starts = NULL;

  gboolean was_loading = is_loading (self);

  take_answer (self, result, (gpointer *) &starts);
  if (pending->generation != priv->generation)
    {
      g_clear_pointer (&starts, g_array_unref);
      return;
    }

  priv->fetching_starts = FALSE;
  g_clear_pointer (&priv->page_starts, g_array_unref);
  /* Without them (the query failed), keep an empty list so as not to ask again. */
  priv->page_starts = starts ? starts : g_array_new (FALSE, TRUE, sizeof (MdkPageKey));
  fetch_wanted_pages (self);
  notify_loading (self, was_loading);
}

static void
on_counted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  MdkPagedList *self = pending->self;
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);
  g_autofree gint64 *count = NULL;
  gboolean was_loading = is_loading (self);

  take_answer (self, result, (gpointer *) &count);
  if (pending->generation != priv->generation)
    return;

  priv->counting = FALSE;
  if (count != NULL && *count > 0)
    {
      priv->n_items = (guint) MIN (*count, (gint64) G_MAXUINT);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, priv->n_items);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);

    }

  notify_loading (self, was_loading);
}

/* GListModel */

static GType
mdk_paged_list_get_item_type (GListModel *model)
{
  return MDK_PAGED_LIST_GET_CLASS (model)->item_type;
}

static guint
mdk_paged_list_get_n_items (GListModel *model)
{
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (MDK_PAGED_LIST (model));

  return priv->n_items;
}

static gpointer
mdk_paged_list_get_item (GListModel *model,
                         guint       position)
{
  MdkPagedList *self = MDK_PAGED_LIST (model);
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);
  gboolean was_loading = is_loading (self);
  Page *page;

  if (position >= priv->n_items)
    return NULL;

  page = ensure_page (self, position / PAGE_SIZE);
  fetch_wanted_pages (self);
  notify_loading (self, was_loading);

  if (position % PAGE_SIZE >= page->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (page->items, position % PAGE_SIZE));
}

static void
mdk_paged_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = mdk_paged_list_get_item_type;
  iface->get_n_items = mdk_paged_list_get_n_items;
  iface->get_item = mdk_paged_list_get_item;
}

/* GObject */

static void
mdk_paged_list_dispose (GObject *object)
{
  MdkPagedList *self = MDK_PAGED_LIST (object);
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);

  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  g_clear_object (&priv->database);

  G_OBJECT_CLASS (mdk_paged_list_parent_class)->dispose (object);
}

static void
mdk_paged_list_finalize (GObject *object)
{
  MdkPagedList *self = MDK_PAGED_LIST (object);
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);

  if (priv->query != NULL)
    MDK_PAGED_LIST_GET_CLASS (self)->free_query (priv->query);
  g_clear_pointer (&priv->pages, g_hash_table_unref);
  g_clear_pointer (&priv->page_starts, g_array_unref);
  g_queue_clear (&priv->wanted);
  g_clear_error (&priv->error);

  G_OBJECT_CLASS (mdk_paged_list_parent_class)->finalize (object);
}

static void
mdk_paged_list_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  MdkPagedList *self = MDK_PAGED_LIST (object);
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, priv->n_items);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, is_loading (self));
      break;

    case PROP_DATABASE:
      g_value_set_object (value, priv->database);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mdk_paged_list_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  MdkPagedList *self = MDK_PAGED_LIST (object);
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_DATABASE:
      priv->database = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mdk_paged_list_class_init (MdkPagedListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mdk_paged_list_dispose;
  object_class->finalize = mdk_paged_list_finalize;
  object_class->get_property = mdk_paged_list_get_property;
  object_class->set_property = mdk_paged_list_set_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DATABASE] =
    g_param_spec_object ("database", NULL, NULL, MDK_TYPE_DATABASE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mdk_paged_list_init (MdkPagedList *self)
{
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);

  priv->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) page_free);
  g_queue_init (&priv->wanted);
}

/**
 * mdk_paged_list_set_query:
 * @self: a #MdkPagedList
 * @query: the new query, of the subclass's kind
 *
 * Empties the list (one items-changed), cancels what the previous query
 * still had running, and counts and fetches for @query in the background.
 */
void
mdk_paged_list_set_query (MdkPagedList  *self,
                          gconstpointer  query)
{
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);
  MdkPagedListClass *klass;
  gboolean was_loading;
  guint old_n_items;

  g_return_if_fail (MDK_IS_PAGED_LIST (self));
  g_return_if_fail (query != NULL);
  g_return_if_fail (priv->database != NULL);

  klass = MDK_PAGED_LIST_GET_CLASS (self);
  was_loading = is_loading (self);
  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  priv->cancellable = g_cancellable_new ();
  priv->generation++;

  if (priv->query != NULL)
    klass->free_query (priv->query);
  priv->query = klass->copy_query (query);
  g_hash_table_remove_all (priv->pages);
  g_clear_pointer (&priv->page_starts, g_array_unref);
  g_queue_clear (&priv->wanted);
  g_clear_error (&priv->error);
  priv->n_fetching = 0;
  priv->fetching_starts = FALSE;

  old_n_items = priv->n_items;
  priv->n_items = 0;
  if (old_n_items > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }

  priv->counting = TRUE;
  mdk_database_run_async (priv->database, MDK_DATABASE_RUN_READ_ONLY, count_work, request_new (self, 0),
                          (GDestroyNotify) request_free, g_free, priv->cancellable,
                          on_counted, pending_new (self, 0));
  notify_loading (self, was_loading);
}

/**
 * mdk_paged_list_get_query:
 * @self: a #MdkPagedList
 *
 * Returns: (nullable): the query, of the subclass's kind
 */
gconstpointer
mdk_paged_list_get_query (MdkPagedList *self)
{
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);

  g_return_val_if_fail (MDK_IS_PAGED_LIST (self), NULL);

  return priv->query;
}

/**
 * mdk_paged_list_get_loading:
 * @self: a #MdkPagedList
 *
 * Returns: %TRUE while counting or fetching
 */
gboolean
mdk_paged_list_get_loading (MdkPagedList *self)
{
  g_return_val_if_fail (MDK_IS_PAGED_LIST (self), FALSE);

  return is_loading (self);
}

/**
 * mdk_paged_list_get_n_cached:
 * @self: a #MdkPagedList
 *
 * Returns: how many rows the list keeps now, fetched or waiting
 */
guint
mdk_paged_list_get_n_cached (MdkPagedList *self)
{
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (MDK_IS_PAGED_LIST (self), 0);

  g_hash_table_iter_init (&iter, priv->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += ((Page *) value)->items->len;

  return n;
}

/**
 * mdk_paged_list_get_error:
 * @self: a #MdkPagedList
 *
 * Returns: (nullable): why the last count or fetch failed
 */
const GError *
mdk_paged_list_get_error (MdkPagedList *self)
{
  MdkPagedListPrivate *priv = mdk_paged_list_get_instance_private (self);

  g_return_val_if_fail (MDK_IS_PAGED_LIST (self), NULL);

  return priv->error;
}

/**
 * mdk_page_key_clear:
 * @key: a key
 *
 * Frees what @key holds, not @key itself.
 */
void
mdk_page_key_clear (MdkPageKey *key)
{
  g_clear_pointer (&key->sort_key, g_free);
  key->id = 0;
}
