/* mdk-card-lookup.c: a card looked up as its number is typed: once typing
 * pauses, in a worker, the newest number only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-card-lookup.h"

#define LOOKUP_DELAY_MS 300

struct _MdkCardLookup
{
  MdkDatabase       *database;
  MdkCardLookupFunc  func;        /* NULL once freed */
  gpointer           user_data;
  char              *pending;     /* the number to look up when the pause is over */
  guint              timeout_id;
  gboolean           running;
  GCancellable      *cancellable;
};

static void
lookup_clear (MdkCardLookup *self)
{
  g_clear_object (&self->database);
  g_clear_pointer (&self->pending, g_free);
  g_clear_object (&self->cancellable);
}

/**
 * mdk_card_lookup_new:
 * @database: the database
 * @func: shows what each look-up found
 * @user_data: @func's first argument
 *
 * Returns: (transfer full): a look-up; free it with mdk_card_lookup_free()
 *   before @user_data goes
 */
MdkCardLookup *
mdk_card_lookup_new (MdkDatabase       *database,
                     MdkCardLookupFunc  func,
                     gpointer           user_data)
{
  MdkCardLookup *self;

  g_return_val_if_fail (MDK_IS_DATABASE (database), NULL);

  self = g_rc_box_new0 (MdkCardLookup);
  self->database = g_object_ref (database);
  self->func = func;
  self->user_data = user_data;
  self->cancellable = g_cancellable_new ();
  return self;
}

static gpointer
load_card_work (PGconn        *conn,
                gpointer       work_data,
                GCancellable  *cancellable,
                GError       **error)
{
  return mdk_ledger_load_card (conn, work_data, error);
}

static void
on_card_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  MdkCardLookup *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdkCardSummary) card = mdk_database_run_finish (MDK_DATABASE (source), result, &error);

  /* A newer look-up replaced it and is on its way, or the look-up is freed. */
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->func != NULL)
    {
      self->running = FALSE;
      self->func (self->user_data, card, error);
    }
  g_rc_box_release_full (self, (GDestroyNotify) lookup_clear);
}

/**
 * mdk_card_lookup_now:
 * @self: a look-up
 * @card_no: what was typed; blank for no card
 *
 * Looks @card_no up at once, in place of any look-up before.
 */
void
mdk_card_lookup_now (MdkCardLookup *self,
                     const char    *card_no)
{
  g_autofree char *number = g_strstrip (g_strdup (card_no != NULL ? card_no : ""));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  self->running = *number != '\0';
  if (!self->running)
    {
      self->func (self->user_data, NULL, NULL);
      return;
    }
  mdk_database_run_async (self->database, MDK_DATABASE_RUN_READ_ONLY, load_card_work, g_steal_pointer (&number),
                          g_free, (GDestroyNotify) mdk_card_summary_free, self->cancellable,
                          on_card_loaded, g_rc_box_acquire (self));
}

static gboolean
on_pause_over (gpointer user_data)
{
  MdkCardLookup *self = user_data;
  g_autofree char *number = g_steal_pointer (&self->pending);

  self->timeout_id = 0;
  mdk_card_lookup_now (self, number);
  return G_SOURCE_REMOVE;
}

/**
 * mdk_card_lookup_schedule:
 * @self: a look-up
 * @card_no: what was typed so far
 *
 * Looks @card_no up once typing pauses.
 */
void
mdk_card_lookup_schedule (MdkCardLookup *self,
                          const char    *card_no)
{
  g_free (self->pending);
  self->pending = g_strdup (card_no);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add (LOOKUP_DELAY_MS, on_pause_over, self);
}

/**
 * mdk_card_lookup_get_busy:
 * @self: (nullable): a look-up
 *
 * Returns: %TRUE while a look-up waits for typing to pause or for its answer
 */
gboolean
mdk_card_lookup_get_busy (MdkCardLookup *self)
{
  return self != NULL && (self->timeout_id != 0 || self->running);
}

/**
 * mdk_card_lookup_free:
 * @self: (nullable): a look-up
 *
 * Cancels what is on its way: its function is not called again.
 */
void
mdk_card_lookup_free (MdkCardLookup *self)
{
  if (self == NULL)
    return;

  self->func = NULL;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_rc_box_release_full (self, (GDestroyNotify) lookup_clear);
}
