/* mdk-member-list.c: the members matching a search, as a GListModel that
 * fetches pages by keyset as they are looked at, and keeps only a bounded
 * number of them
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

#include "mdk-member-list.h"
#include "mdk-member-private.h"
#include "mdk-member-repo.h"

#define PAGE_SIZE 200
#define MAX_PAGES 40          /* 8,000 rows at most are kept */
#define MAX_FETCHES 3         /* pages fetched at once */

typedef struct
{
  guint      number;
  GPtrArray *members;         /* MdkMember, placeholders until fetched */
  guint64    last_used;
  gboolean   fetching;
  gboolean   fetched;
} Page;

struct _MdkMemberList
{
  GObject         parent_instance;

  MdkDatabase    *database;
  MdkMemberQuery *query;
  GCancellable   *cancellable;   /* for everything of the current query */
  guint           generation;    /* ignores answers to an earlier query */

  guint           n_items;
  gboolean        counting;
  GHashTable     *pages;         /* page number → Page */
  GArray         *page_starts;   /* MdkMemberKey, NULL until known */
  gboolean        fetching_starts;
  GQueue          wanted;        /* page numbers waiting, latest first */
  guint           n_fetching;
  guint64         clock;
  GError         *error;
};

static void mdk_member_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MdkMemberList, mdk_member_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, mdk_member_list_model_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void fetch_wanted_pages (MdkMemberList *self);

static void
page_free (Page *page)
{
  g_ptr_array_unref (page->members);
  g_free (page);
}

static gboolean
is_loading (MdkMemberList *self)
{
  return self->counting || self->n_fetching > 0 || self->fetching_starts;
}

static void
notify_loading (MdkMemberList *self,
                gboolean       was_loading)
{
  if (was_loading != is_loading (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

typedef struct
{
  MdkMemberQuery *query;
  MdkMemberKey    after;
  gboolean        has_after;
  guint           generation;
  guint           page;
} Request;

static void
request_free (Request *request)
{
  mdk_member_query_free (request->query);
  mdk_member_key_clear (&request->after);
  g_free (request);
}

static Request *
request_new (MdkMemberList *self,
             guint          page)
{
  Request *request = g_new0 (Request, 1);

  request->query = mdk_member_query_copy (self->query);
  request->generation = self->generation;
  request->page = page;
  return request;
}

/* Page limits */

static guint
page_length (MdkMemberList *self,
             guint          number)
{
  guint start = number * PAGE_SIZE;

  if (start >= self->n_items)
    return 0;
  return MIN (PAGE_SIZE, self->n_items - start);
}

static void
evict_pages (MdkMemberList *self)
{
  while (g_hash_table_size (self->pages) > MAX_PAGES)
    {
      GHashTableIter iter;
      gpointer key, value;
      Page *oldest = NULL;

      g_hash_table_iter_init (&iter, self->pages);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          Page *page = value;

          if (!page->fetching && (oldest == NULL || page->last_used < oldest->last_used))
            oldest = page;
        }

      if (oldest == NULL)
        return;
      g_hash_table_remove (self->pages, GUINT_TO_POINTER (oldest->number));
    }
}

static Page *
ensure_page (MdkMemberList *self,
             guint          number)
{
  Page *page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (number));
  guint length;

  if (page != NULL)
    {
      page->last_used = ++self->clock;
      return page;
    }

  length = page_length (self, number);
  page = g_new0 (Page, 1);
  page->number = number;
  page->last_used = ++self->clock;
  page->members = g_ptr_array_new_full (length, g_object_unref);
  for (guint i = 0; i < length; i++)
    g_ptr_array_add (page->members, mdk_member_new_placeholder ());

  g_hash_table_insert (self->pages, GUINT_TO_POINTER (number), page);
  g_queue_push_head (&self->wanted, GUINT_TO_POINTER (number));
  evict_pages (self);

  return page;
}

/* Where a page starts: after the last row of the page before, if that is
 * here, or after the key the page-start query gave. */
static gboolean
find_page_start (MdkMemberList *self,
                 guint          number,
                 MdkMemberKey  *key)
{
  Page *before;

  if (number == 0)
    return TRUE;

  before = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (number - 1));
  if (before != NULL && before->fetched && before->members->len > 0)
    {
      MdkMember *last = g_ptr_array_index (before->members, before->members->len - 1);

      key->sort_key = g_strdup (mdk_member_get_sort_key (last));
      key->id = mdk_member_get_id (last);
      return TRUE;
    }

  if (self->page_starts != NULL && number - 1 < self->page_starts->len)
    {
      const MdkMemberKey *start = &g_array_index (self->page_starts, MdkMemberKey, number - 1);

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

  return mdk_member_repo_search (conn, request->query, request->has_after ? &request->after : NULL,
                                 PAGE_SIZE, error);
}

static gpointer
count_work (PGconn        *conn,
            gpointer       work_data,
            GCancellable  *cancellable,
            GError       **error)
{
  Request *request = work_data;
  gint64 count = mdk_member_repo_count (conn, request->query, error);

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

  return mdk_member_repo_page_starts (conn, request->query, PAGE_SIZE, error);
}

/* Answers */

static gboolean
take_answer (MdkMemberList  *self,
             GAsyncResult   *result,
             gpointer       *answer)
{
  g_autoptr(GError) error = NULL;

  *answer = mdk_database_run_finish (self->database, result, &error);
  if (*answer != NULL)
    return TRUE;

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&self->error);
      self->error = g_steal_pointer (&error);
    }
  return FALSE;
}

typedef struct
{
  MdkMemberList *self;
  guint          generation;
  guint          page;
} Pending;

static Pending *
pending_new (MdkMemberList *self,
             guint          page)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->self = g_object_ref (self);
  pending->generation = self->generation;
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
  MdkMemberList *self = pending->self;
  g_autoptr(GPtrArray) members = NULL;
  gboolean was_loading = is_loading (self);
  gboolean current = pending->generation == self->generation;
  Page *page;

  if (current)
    self->n_fetching--;
  take_answer (self, result, (gpointer *) &members);
  if (!current)
    return;

  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (pending->page));
  if (page != NULL && members != NULL)
    {
      /* Placeholders are filled in place: a list showing them updates. */
      for (guint i = 0; i < MIN (members->len, page->members->len); i++)
        {
          MdkMember *from = g_ptr_array_index (members, i);
          const char *fields[MDK_MEMBER_N_FIELDS];

          for (guint f = 0; f < MDK_MEMBER_N_FIELDS; f++)
            fields[f] = mdk_member_get_field (from, f);
          mdk_member_fill (g_ptr_array_index (page->members, i), mdk_member_get_id (from), fields);
        }
      page->fetched = TRUE;
    }
  if (page != NULL)
    page->fetching = FALSE;

  fetch_wanted_pages (self);
  notify_loading (self, was_loading);
}

static void
start_fetch (MdkMemberList *self,
             Page          *page)
{
  Request *request = request_new (self, page->number);

  request->has_after = page->number > 0;
  find_page_start (self, page->number, &request->after);

  page->fetching = TRUE;
  self->n_fetching++;
  mdk_database_run_async (self->database, MDK_DATABASE_RUN_READ_ONLY, fetch_page_work, request,
                          (GDestroyNotify) request_free, (GDestroyNotify) g_ptr_array_unref,
                          self->cancellable, on_page_fetched, pending_new (self, page->number));
}

static void on_page_starts (GObject *source, GAsyncResult *result, gpointer user_data);

/* Only a jump needs to know where every page starts; the query reads the
 * whole result's keys, so it runs once, and only when needed. */
static void
fetch_page_starts (MdkMemberList *self)
{
  if (self->page_starts != NULL || self->fetching_starts)
    return;

  self->fetching_starts = TRUE;
  mdk_database_run_async (self->database, MDK_DATABASE_RUN_READ_ONLY, page_starts_work,
                          request_new (self, 0), (GDestroyNotify) request_free,
                          (GDestroyNotify) g_array_unref, self->cancellable,
                          on_page_starts, pending_new (self, 0));
}

static void
fetch_wanted_pages (MdkMemberList *self)
{
  GList *link = self->wanted.head;

  while (link != NULL && self->n_fetching < MAX_FETCHES)
    {
      GList *next = link->next;
      guint number = GPOINTER_TO_UINT (link->data);
      Page *page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (number));
      MdkMemberKey key = { NULL, 0 };

      if (page == NULL || page->fetching || page->fetched)
        g_queue_delete_link (&self->wanted, link);
      else if (find_page_start (self, number, &key))
        {
          g_queue_delete_link (&self->wanted, link);
          start_fetch (self, page);
        }
      else
        fetch_page_starts (self);
      mdk_member_key_clear (&key);
      link = next;
    }
}

static void
on_page_starts (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  MdkMemberList *self = pending->self;
  GArray *starts = NULL;

  gboolean was_loading = is_loading (self);

  take_answer (self, result, (gpointer *) &starts);
  if (pending->generation != self->generation)
    {
      g_clear_pointer (&starts, g_array_unref);
      return;
    }

  self->fetching_starts = FALSE;
  g_clear_pointer (&self->page_starts, g_array_unref);
  /* Without them (the query failed), keep an empty list so as not to ask again. */
  self->page_starts = starts ? starts : g_array_new (FALSE, TRUE, sizeof (MdkMemberKey));
  fetch_wanted_pages (self);
  notify_loading (self, was_loading);
}

static void
on_counted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  MdkMemberList *self = pending->self;
  g_autofree gint64 *count = NULL;
  gboolean was_loading = is_loading (self);

  take_answer (self, result, (gpointer *) &count);
  if (pending->generation != self->generation)
    return;

  self->counting = FALSE;
  if (count != NULL && *count > 0)
    {
      self->n_items = (guint) MIN (*count, (gint64) G_MAXUINT);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, self->n_items);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);

    }

  notify_loading (self, was_loading);
}

/* GListModel */

static GType
mdk_member_list_get_item_type (GListModel *model)
{
  return MDK_TYPE_MEMBER;
}

static guint
mdk_member_list_get_n_items (GListModel *model)
{
  return MDK_MEMBER_LIST (model)->n_items;
}

static gpointer
mdk_member_list_get_item (GListModel *model,
                          guint       position)
{
  MdkMemberList *self = MDK_MEMBER_LIST (model);
  gboolean was_loading = is_loading (self);
  Page *page;

  if (position >= self->n_items)
    return NULL;

  page = ensure_page (self, position / PAGE_SIZE);
  fetch_wanted_pages (self);
  notify_loading (self, was_loading);

  if (position % PAGE_SIZE >= page->members->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (page->members, position % PAGE_SIZE));
}

static void
mdk_member_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = mdk_member_list_get_item_type;
  iface->get_n_items = mdk_member_list_get_n_items;
  iface->get_item = mdk_member_list_get_item;
}

/* GObject */

static void
mdk_member_list_dispose (GObject *object)
{
  MdkMemberList *self = MDK_MEMBER_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->database);

  G_OBJECT_CLASS (mdk_member_list_parent_class)->dispose (object);
}

static void
mdk_member_list_finalize (GObject *object)
{
  MdkMemberList *self = MDK_MEMBER_LIST (object);

  g_clear_pointer (&self->query, mdk_member_query_free);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->page_starts, g_array_unref);
  g_queue_clear (&self->wanted);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (mdk_member_list_parent_class)->finalize (object);
}

static void
mdk_member_list_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  MdkMemberList *self = MDK_MEMBER_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, is_loading (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mdk_member_list_class_init (MdkMemberListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mdk_member_list_dispose;
  object_class->finalize = mdk_member_list_finalize;
  object_class->get_property = mdk_member_list_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mdk_member_list_init (MdkMemberList *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) page_free);
  self->query = mdk_member_query_new (NULL);
  g_queue_init (&self->wanted);
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
  MdkMemberList *self;

  g_return_val_if_fail (MDK_IS_DATABASE (database), NULL);

  self = g_object_new (MDK_TYPE_MEMBER_LIST, NULL);
  self->database = g_object_ref (database);
  return self;
}

/**
 * mdk_member_list_set_query:
 * @self: a #MdkMemberList
 * @query: the new search
 *
 * Empties the list (one items-changed), cancels what the previous query
 * still had running, and counts and fetches for @query in the background.
 */
void
mdk_member_list_set_query (MdkMemberList        *self,
                           const MdkMemberQuery *query)
{
  gboolean was_loading;
  guint old_n_items;

  g_return_if_fail (MDK_IS_MEMBER_LIST (self));
  g_return_if_fail (query != NULL);

  was_loading = is_loading (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;

  g_clear_pointer (&self->query, mdk_member_query_free);
  self->query = mdk_member_query_copy (query);
  g_hash_table_remove_all (self->pages);
  g_clear_pointer (&self->page_starts, g_array_unref);
  g_queue_clear (&self->wanted);
  g_clear_error (&self->error);
  self->n_fetching = 0;
  self->fetching_starts = FALSE;

  old_n_items = self->n_items;
  self->n_items = 0;
  if (old_n_items > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }

  self->counting = TRUE;
  mdk_database_run_async (self->database, MDK_DATABASE_RUN_READ_ONLY, count_work, request_new (self, 0),
                          (GDestroyNotify) request_free, g_free, self->cancellable,
                          on_counted, pending_new (self, 0));
  notify_loading (self, was_loading);
}

const MdkMemberQuery *
mdk_member_list_get_query (MdkMemberList *self)
{
  g_return_val_if_fail (MDK_IS_MEMBER_LIST (self), NULL);

  return self->query;
}

/**
 * mdk_member_list_get_loading:
 * @self: a #MdkMemberList
 *
 * Returns: %TRUE while counting or fetching
 */
gboolean
mdk_member_list_get_loading (MdkMemberList *self)
{
  g_return_val_if_fail (MDK_IS_MEMBER_LIST (self), FALSE);

  return is_loading (self);
}

/**
 * mdk_member_list_get_n_cached:
 * @self: a #MdkMemberList
 *
 * Returns: how many rows the list keeps now, fetched or waiting
 */
guint
mdk_member_list_get_n_cached (MdkMemberList *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (MDK_IS_MEMBER_LIST (self), 0);

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += ((Page *) value)->members->len;

  return n;
}

/**
 * mdk_member_list_get_error:
 * @self: a #MdkMemberList
 *
 * Returns: (nullable): why the last count or fetch failed
 */
const GError *
mdk_member_list_get_error (MdkMemberList *self)
{
  g_return_val_if_fail (MDK_IS_MEMBER_LIST (self), NULL);

  return self->error;
}
