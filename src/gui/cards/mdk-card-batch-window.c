/* mdk-card-batch-window.c: batch issuance: a card of one type for every
 * member of a group, such as an enterprise's employees under its group
 * card; counted before, with progress and Cancel while it runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "common/mdk-choice-widgets.h"
#include "common/mdk-form.h"
#include "mdk-card-batch-window.h"

struct _MdkCardBatchWindow
{
  AdwWindow          parent_instance;

  GtkButton         *issue_button;
  GtkSpinner        *spinner;
  GtkRevealer       *message_revealer;
  GtkLabel          *message_label;
  GtkWidget         *form_group;
  AdwComboRow       *group_row;
  AdwComboRow       *type_row;
  AdwEntryRow       *under_row;
  AdwComboRow       *store_row;
  AdwComboRow       *method_row;
  GtkLabel          *preview_label;
  GtkProgressBar    *progress_bar;
  GtkWidget         *result_group;
  GtkListBox        *result_list;

  MdkDatabase       *database;
  GCancellable      *cancellable;      /* the window's: loading, counting */
  GCancellable      *run_cancellable;  /* the batch running, if one is */
  MdkCardBatch      *batch;            /* sent, and its outcome not known yet */
  guint              preview_source;
  guint              pending;
  gboolean           outcome_unknown;
  gboolean           done;
};

G_DEFINE_FINAL_TYPE (MdkCardBatchWindow, mdk_card_batch_window, ADW_TYPE_WINDOW)

static void
update_state (MdkCardBatchWindow *self)
{
  gboolean running = self->run_cancellable != NULL;

  gtk_spinner_set_spinning (self->spinner, self->pending > 0 || running);
  gtk_button_set_label (self->issue_button, running ? _("_Cancel")
                                            : self->outcome_unknown ? _("Send _Again") : _("_Issue Cards"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "batch.issue", !self->done && (running || self->pending == 0));
  if (running)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->issue_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->issue_button), "destructive-action");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->issue_button), "destructive-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->issue_button), "suggested-action");
    }
  /* After a lost connection only the same batch may go again. */
  mdk_form_set_sensitive (self->form_group, !running && !self->outcome_unknown && !self->done);
}

static const char *
selected_method (MdkCardBatchWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->method_row);

  return selected < g_strv_length ((char **) mdk_payment_methods) ? mdk_payment_methods[selected] : NULL;
}

/* The form as a batch; the request id is new. */
static MdkCardBatch *
form_batch (MdkCardBatchWindow *self)
{
  MdkCardBatch *batch = mdk_card_batch_new ();
  g_autofree char *under = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->under_row))));

  batch->member_group_id = mdk_choice_row_get_id (self->group_row);
  batch->card_type_id = mdk_choice_row_get_id (self->type_row);
  batch->store_id = mdk_choice_row_get_id (self->store_row);
  batch->method = g_strdup (selected_method (self));
  batch->primary_card_no = *under != '\0' ? g_steal_pointer (&under) : NULL;
  return batch;
}

/* Counting */

static gpointer
preview_work (PGconn        *conn,
              gpointer       work_data,
              GCancellable  *cancellable,
              GError       **error)
{
  return mdk_card_batch_preview (conn, work_data, error);
}

static void
on_previewed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MdkCardBatchWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree MdkCardBatchPreview *preview = mdk_database_run_finish (MDK_DATABASE (source), result, &error);
  g_autoptr(GString) text = g_string_new (NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->pending--;
  update_state (self);
  if (preview == NULL)
    {
      gtk_label_set_label (self->preview_label, error->message);
      return;
    }
  {
    gint64 to_issue = preview->members - preview->holding;
    g_autofree char *members = g_strdup_printf ("%" G_GINT64_FORMAT, preview->members);
    g_autofree char *holding = g_strdup_printf ("%" G_GINT64_FORMAT, preview->holding);
    g_autofree char *cards = g_strdup_printf ("%" G_GINT64_FORMAT, to_issue);
    g_autofree char *fees = mdk_money_format (to_issue * preview->joining_fee, "¥");

    /* Translators: numbers of members and cards, then an amount */
    g_string_append_printf (text, ngettext ("%s member in the group; %s already hold a card of this type. %s card to "
                                            "issue, joining fees %s in all.",
                                            "%s members in the group; %s already hold a card of this type. %s cards to "
                                            "issue, joining fees %s in all.", preview->members),
                            members, holding, cards, fees);
    if (preview->room >= 0 && preview->room < to_issue)
      {
        g_autofree char *room = g_strdup_printf ("%" G_GINT64_FORMAT, preview->room);

        g_string_append_c (text, ' ');
        /* Translators: a number of cards */
        g_string_append_printf (text, _("The card they go under has room for %s more only: raise its type's cards "
                                        "under one card in the designer first."), room);
      }
  }
  gtk_label_set_label (self->preview_label, text->str);
}

static gboolean
preview_now (gpointer user_data)
{
  MdkCardBatchWindow *self = user_data;

  self->preview_source = 0;
  if (mdk_choice_row_get_id (self->group_row) == 0 || mdk_choice_row_get_id (self->type_row) == 0)
    {
      gtk_label_set_label (self->preview_label, _("Choose the group and the card type."));
      return G_SOURCE_REMOVE;
    }
  self->pending++;
  update_state (self);
  mdk_database_run_async (self->database, MDK_DATABASE_RUN_READ_ONLY, preview_work, form_batch (self),
                          (GDestroyNotify) mdk_card_batch_free, g_free, self->cancellable, on_previewed,
                          g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
on_field_changed (MdkCardBatchWindow *self)
{
  if (self->database == NULL || self->done)
    return;
  mdk_banner_show (self->message_revealer, self->message_label, NULL);
  mdk_entry_row_mark_invalid (self->under_row, FALSE);
  g_clear_handle_id (&self->preview_source, g_source_remove);
  self->preview_source = g_timeout_add (250, preview_now, self);
}

/* Issuing */

static void
on_progress (double      fraction,
             const char *stage,
             gpointer    user_data)
{
  MdkCardBatchWindow *self = user_data;

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, stage);
}

static void
on_issued (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MdkCardBatchWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree MdkCardBatchResult *issued = mdk_card_batch_issue_finish (MDK_DATABASE (source), result, &error);

  g_clear_object (&self->run_cancellable);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  if (issued == NULL)
    {
      self->outcome_unknown = g_error_matches (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_CONNECTION_LOST);
      if (!self->outcome_unknown)
        g_clear_pointer (&self->batch, mdk_card_batch_free);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        mdk_banner_show (self->message_revealer, self->message_label, _("Cancelled: no card was issued."));
      else if (self->outcome_unknown)
        mdk_banner_show (self->message_revealer, self->message_label,
                         _("The connection was lost before the answer: the cards may or may not have been issued. "
                           "Send Again sends the same batch, which is issued at most once."));
      else
        mdk_banner_show (self->message_revealer, self->message_label, error->message);
      update_state (self);
      return;
    }

  g_clear_pointer (&self->batch, mdk_card_batch_free);
  self->outcome_unknown = FALSE;
  self->done = TRUE;
  mdk_result_list_add (self->result_list, _("Cards issued"), g_strdup_printf ("%" G_GINT64_FORMAT, issued->issued));
  mdk_result_list_add (self->result_list, _("Members skipped (they hold one)"),
                       g_strdup_printf ("%" G_GINT64_FORMAT, issued->skipped));
  mdk_result_list_add (self->result_list, _("Joining fees"), mdk_money_format (issued->fee, "¥"));
  if (issued->issued > 0)
    {
      mdk_result_list_add (self->result_list, _("First card"), g_strdup (issued->first_card_no));
      mdk_result_list_add (self->result_list, _("Last card"), g_strdup (issued->last_card_no));
    }
  gtk_widget_set_visible (self->result_group, TRUE);
  update_state (self);
}

static void
issue_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  MdkCardBatchWindow *self = MDK_CARD_BATCH_WINDOW (widget);
  const char *problem = NULL;
  const char *under;

  if (self->run_cancellable != NULL)
    {
      g_cancellable_cancel (self->run_cancellable);
      return;
    }
  under = gtk_editable_get_text (GTK_EDITABLE (self->under_row));
  if (mdk_choice_row_get_id (self->group_row) == 0)
    problem = _("Choose the group whose members get the cards.");
  else if (mdk_choice_row_get_id (self->type_row) == 0)
    problem = _("Choose the card type.");
  else if (*under != '\0' && !g_regex_match_simple ("^\\s*[0-9]{8,19}\\s*$", under, 0, 0))
    problem = _("A card number is 8 to 19 digits.");
  else if (mdk_choice_row_get_id (self->store_row) == 0)
    problem = _("Choose the store.");
  mdk_entry_row_mark_invalid (self->under_row, *under != '\0' && !g_regex_match_simple ("^\\s*[0-9]{8,19}\\s*$", under, 0, 0));
  if (problem != NULL)
    {
      mdk_banner_show (self->message_revealer, self->message_label, problem);
      return;
    }

  mdk_banner_show (self->message_revealer, self->message_label, NULL);
  if (self->batch == NULL)
    self->batch = form_batch (self);
  self->run_cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Issuing cards"));
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  update_state (self);
  mdk_card_batch_issue_async (self->database, self->batch, on_progress, self, self->run_cancellable, on_issued,
                              g_object_ref (self));
}

/* Loading the choices */

static void
on_choices_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MdkCardBatchWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lists = mdk_choice_lists_load_finish (MDK_DATABASE (source), result, &error);
  g_autoptr(GtkExpression) groups = NULL;
  g_autoptr(GtkExpression) types = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->pending--;
  update_state (self);
  if (lists == NULL)
    {
      mdk_banner_show (self->message_revealer, self->message_label, error->message);
      return;
    }
  groups = gtk_property_expression_new (MDK_TYPE_CHOICE, NULL, "label");
  types = gtk_property_expression_new (MDK_TYPE_CHOICE, NULL, "label");
  adw_combo_row_set_expression (self->group_row, groups);
  adw_combo_row_set_model (self->group_row, g_ptr_array_index (lists, 0));
  adw_combo_row_set_expression (self->type_row, types);
  adw_combo_row_set_model (self->type_row, g_ptr_array_index (lists, 1));
  if (g_list_model_get_n_items (g_ptr_array_index (lists, 0)) == 0)
    gtk_label_set_label (self->preview_label, _("There is no member group yet. Create the enterprise's group in "
                                                "Members → Groups and Fields…, and put its employees in it."));
  else
    on_field_changed (self);
}

/* GObject */

static void
mdk_card_batch_window_dispose (GObject *object)
{
  MdkCardBatchWindow *self = MDK_CARD_BATCH_WINDOW (object);

  g_clear_handle_id (&self->preview_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* A batch that runs is rolled back. */
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  g_clear_object (&self->run_cancellable);
  g_clear_object (&self->database);
  g_clear_pointer (&self->batch, mdk_card_batch_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), MDK_TYPE_CARD_BATCH_WINDOW);

  G_OBJECT_CLASS (mdk_card_batch_window_parent_class)->dispose (object);
}

static void
mdk_card_batch_window_class_init (MdkCardBatchWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mdk_card_batch_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mdk-card-batch-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MdkCardBatchWindow, issue_button);
  gtk_widget_class_bind_template_child (widget_class, MdkCardBatchWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, MdkCardBatchWindow, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, MdkCardBatchWindow, message_label);
  gtk_widget_class_bind_template_child (widget_class, MdkCardBatchWindow, form_group);
  gtk_widget_class_bind_template_child (widget_class, MdkCardBatchWindow, group_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardBatchWindow, type_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardBatchWindow, under_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardBatchWindow, store_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardBatchWindow, method_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardBatchWindow, preview_label);
  gtk_widget_class_bind_template_child (widget_class, MdkCardBatchWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, MdkCardBatchWindow, result_group);
  gtk_widget_class_bind_template_child (widget_class, MdkCardBatchWindow, result_list);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);

  gtk_widget_class_install_action (widget_class, "batch.issue", NULL, issue_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "batch.issue", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mdk_card_batch_window_init (MdkCardBatchWindow *self)
{
  g_autoptr(GtkStringList) methods = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  for (guint i = 0; mdk_payment_methods[i] != NULL; i++)
    gtk_string_list_append (methods, mdk_payment_method_label (mdk_payment_methods[i]));
  adw_combo_row_set_model (self->method_row, G_LIST_MODEL (methods));
  /* Enterprises pay by their own channel. */
  for (guint i = 0; mdk_payment_methods[i] != NULL; i++)
    if (g_str_equal (mdk_payment_methods[i], "enterprise"))
      adw_combo_row_set_selected (self->method_row, i);
}

/**
 * mdk_card_batch_window_new:
 * @database: the database
 *
 * Returns: (transfer floating): the window, loading the groups and types
 */
MdkCardBatchWindow *
mdk_card_batch_window_new (MdkDatabase *database)
{
  MdkCardBatchWindow *self;

  g_return_val_if_fail (MDK_IS_DATABASE (database), NULL);

  self = g_object_new (MDK_TYPE_CARD_BATCH_WINDOW, NULL);
  self->database = g_object_ref (database);
  self->pending++;
  mdk_choice_lists_load_async (database, self->cancellable, on_choices_loaded, g_object_ref (self),
                               mdk_choice_load_groups, mdk_choice_load_issuable_card_types, NULL);
  mdk_store_row_load (self->store_row, database, 0, self->cancellable);
  update_state (self);
  return self;
}

/**
 * mdk_card_batch_window_get_busy:
 * @self: a #MdkCardBatchWindow
 *
 * Returns: %TRUE while loading, counting or issuing
 */
gboolean
mdk_card_batch_window_get_busy (MdkCardBatchWindow *self)
{
  g_return_val_if_fail (MDK_IS_CARD_BATCH_WINDOW (self), FALSE);

  return self->pending > 0 || self->run_cancellable != NULL || self->preview_source != 0
         || adw_combo_row_get_model (self->store_row) == NULL;
}

/**
 * mdk_card_batch_window_get_done:
 * @self: a #MdkCardBatchWindow
 *
 * Returns: %TRUE once the cards were issued
 */
gboolean
mdk_card_batch_window_get_done (MdkCardBatchWindow *self)
{
  g_return_val_if_fail (MDK_IS_CARD_BATCH_WINDOW (self), FALSE);

  return self->done;
}

/**
 * mdk_card_batch_window_choose:
 * @self: a #MdkCardBatchWindow
 * @field: "group", "type" or "store"
 * @label: the item, as the list shows it
 *
 * Returns: %TRUE if it was there
 */
gboolean
mdk_card_batch_window_choose (MdkCardBatchWindow *self,
                              const char         *field,
                              const char         *label)
{
  AdwComboRow *row;

  g_return_val_if_fail (MDK_IS_CARD_BATCH_WINDOW (self), FALSE);

  row = g_str_equal (field, "group") ? self->group_row : g_str_equal (field, "type") ? self->type_row : self->store_row;
  return mdk_combo_row_select_label (row, label);
}

/**
 * mdk_card_batch_window_set_under:
 * @self: a #MdkCardBatchWindow
 * @card_no: what to type as the card they go under
 */
void
mdk_card_batch_window_set_under (MdkCardBatchWindow *self,
                                 const char         *card_no)
{
  g_return_if_fail (MDK_IS_CARD_BATCH_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->under_row), card_no);
}

/**
 * mdk_card_batch_window_get_preview:
 * @self: a #MdkCardBatchWindow
 *
 * Returns: what the window says the batch will do
 */
const char *
mdk_card_batch_window_get_preview (MdkCardBatchWindow *self)
{
  g_return_val_if_fail (MDK_IS_CARD_BATCH_WINDOW (self), NULL);

  return gtk_label_get_label (self->preview_label);
}

/**
 * mdk_card_batch_window_get_message:
 * @self: a #MdkCardBatchWindow
 *
 * Returns: (nullable): the banner's message, if it shows
 */
const char *
mdk_card_batch_window_get_message (MdkCardBatchWindow *self)
{
  g_return_val_if_fail (MDK_IS_CARD_BATCH_WINDOW (self), NULL);

  return mdk_banner_get_message (self->message_revealer, self->message_label);
}
