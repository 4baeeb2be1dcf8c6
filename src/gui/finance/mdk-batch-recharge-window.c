/* mdk-batch-recharge-window.c: an enterprise's recharge file, checked and
 * previewed with its total, then applied as one batch with progress and
 * Cancel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "common/mdk-choice-widgets.h"
#include "common/mdk-status-page.h"
#include "mdk-batch-recharge-window.h"

#define N_PREVIEW_LINES 20
#define N_SHOWN_REJECTIONS 50

struct _MdkBatchRechargeWindow
{
  AdwWindow            parent_instance;

  AdwWindowTitle      *window_title;
  GtkButton           *apply_button;
  GtkWidget           *report_button;
  GtkStack            *stack;
  AdwStatusPage       *busy_page;
  GtkProgressBar      *progress_bar;
  GtkWidget           *cancel_button;
  GtkLabel            *earlier_label;
  AdwActionRow        *lines_row;
  AdwActionRow        *total_row;
  AdwActionRow        *rejected_row;
  AdwComboRow         *store_row;
  AdwPreferencesGroup *rejections_group;
  AdwPreferencesGroup *lines_group;
  AdwStatusPage       *done_page;
  AdwStatusPage       *error_page;

  MdkDatabase         *database;
  char                *path;
  MdkRechargeBatch    *batch;
  gboolean             busy;
  gboolean             done;
  GCancellable        *cancellable;
  GSettings           *settings;
};

G_DEFINE_FINAL_TYPE (MdkBatchRechargeWindow, mdk_batch_recharge_window, ADW_TYPE_WINDOW)

enum {
  APPLIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_suffix (AdwActionRow *row,
            const char   *text)
{
  GtkWidget *label = g_object_get_data (G_OBJECT (row), "mdk-suffix");

  if (label == NULL)
    {
      label = gtk_label_new (NULL);
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (row, label);
      g_object_set_data (G_OBJECT (row), "mdk-suffix", label);
    }
  gtk_label_set_label (GTK_LABEL (label), text);
}

static void
add_row (AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle,
         const char          *suffix)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (suffix != NULL)
    set_suffix (ADW_ACTION_ROW (row), suffix);
  adw_preferences_group_add (group, row);
}

static void
update_buttons (MdkBatchRechargeWindow *self)
{
  gboolean can_apply = !self->busy && !self->done && self->batch != NULL && self->batch->lines->len > 0;

  gtk_widget_set_visible (GTK_WIDGET (self->apply_button), can_apply);
  gtk_widget_set_visible (self->report_button,
                          !self->busy && self->batch != NULL && self->batch->rejections->len > 0);
  if (self->batch != NULL)
    {
      g_autofree char *label = g_strdup_printf (ngettext ("_Recharge %u Card", "_Recharge %u Cards",
                                                          self->batch->lines->len),
                                                self->batch->lines->len);

      gtk_button_set_label (self->apply_button, label);
    }
}

static void
show_busy (MdkBatchRechargeWindow *self,
           const char             *title,
           gboolean                cancellable)
{
  self->busy = TRUE;
  adw_status_page_set_title (self->busy_page, title);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), cancellable);
  gtk_widget_set_visible (self->cancel_button, cancellable);
  gtk_stack_set_visible_child_name (self->stack, "busy");
  update_buttons (self);
}

static void
show_error (MdkBatchRechargeWindow *self,
            const GError           *error)
{
  self->busy = FALSE;
  mdk_status_page_set_text (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
  update_buttons (self);
}

static void
show_preview (MdkBatchRechargeWindow *self)
{
  MdkRechargeBatch *batch = self->batch;
  g_autofree char *lines = g_strdup_printf ("%u", batch->lines->len);
  g_autofree char *total = mdk_money_format (batch->total, "¥");
  g_autofree char *rejected = g_strdup_printf ("%u", batch->rejections->len);
  g_autofree char *name = g_path_get_basename (batch->path);

  self->busy = FALSE;
  adw_window_title_set_subtitle (self->window_title, name);
  set_suffix (self->lines_row, lines);
  set_suffix (self->total_row, total);
  set_suffix (self->rejected_row, rejected);

  if (batch->earlier_batch > 0)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, batch->earlier_batch);
      /* Translators: a batch number and a date */
      g_autofree char *text = g_strdup_printf (_("This file was recharged as batch %s on %s. Recharging it again "
                                                 "charges nobody twice: every line is found already done."),
                                               number, batch->earlier_at);

      gtk_label_set_label (self->earlier_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->earlier_label), TRUE);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->rejections_group), batch->rejections->len > 0);
  for (guint i = 0; i < MIN (batch->rejections->len, N_SHOWN_REJECTIONS); i++)
    {
      const MdkRechargeRejection *rejection = g_ptr_array_index (batch->rejections, i);
      g_autofree char *line = g_strdup_printf ("%" G_GUINT64_FORMAT, rejection->line);
      /* Translators: %s is a line number in a file */
      g_autofree char *title = g_strdup_printf (_("Line %s"), line);
      g_autofree char *cells = g_strjoinv (" · ", rejection->fields);

      add_row (self->rejections_group, title, rejection->reason, cells);
    }
  if (batch->rejections->len > N_SHOWN_REJECTIONS)
    adw_preferences_group_set_description (self->rejections_group, _("Save the report to see them all."));

  gtk_widget_set_visible (GTK_WIDGET (self->lines_group), batch->lines->len > 0);
  for (guint i = 0; i < MIN (batch->lines->len, N_PREVIEW_LINES); i++)
    {
      const MdkRechargeLine *line = &g_array_index (batch->lines, MdkRechargeLine, i);
      g_autofree char *amount = mdk_money_format (line->amount, "¥");

      add_row (self->lines_group, line->card_no, line->reference, amount);
    }

  gtk_stack_set_visible_child_name (self->stack, "preview");
  update_buttons (self);
}

static void
on_prepared (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(MdkBatchRechargeWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  MdkRechargeBatch *batch = mdk_recharge_batch_prepare_finish (MDK_DATABASE (source), result, &error);

  if (batch == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }
  self->batch = batch;
  show_preview (self);
}

/* Applying */

static void
on_progress (double      fraction,
             const char *stage,
             gpointer    user_data)
{
  MdkBatchRechargeWindow *self = user_data;

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

static void
on_applied (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(MdkBatchRechargeWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree MdkRechargeBatchResult *applied = mdk_recharge_batch_apply_finish (MDK_DATABASE (source), result, &error);

  if (applied == NULL)
    {
      show_error (self, error);
      return;
    }

  self->busy = FALSE;
  self->done = TRUE;
  {
    g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, applied->batch_id);
    g_autofree char *total = mdk_money_format (applied->total, "¥");
    g_autofree char *bonus = mdk_money_format (applied->bonus, "¥");
    /* Translators: a batch number */
    g_autofree char *title = g_strdup_printf (_("Batch %s Recharged"), number);
    g_autofree char *text = NULL;

    if (applied->again)
      /* Translators: a number of lines and an amount */
      text = g_strdup_printf (ngettext ("%1$u line, %2$s, had been recharged before: nothing was charged twice.",
                                        "All %1$u lines, %2$s, had been recharged before: nothing was charged twice.",
                                        applied->lines),
                              applied->lines, total);
    else if (applied->bonus > 0)
      /* Translators: a number of lines, an amount, and an amount */
      text = g_strdup_printf (ngettext ("%1$u line, %2$s, is usable now. Bonus rules gave %3$s of promotional value.",
                                        "%1$u lines, %2$s, are usable now. Bonus rules gave %3$s of promotional value.",
                                        applied->lines),
                              applied->lines, total, bonus);
    else
      /* Translators: a number of lines and an amount */
      text = g_strdup_printf (ngettext ("%1$u line, %2$s, is usable now.", "%1$u lines, %2$s, are usable now.",
                                        applied->lines),
                              applied->lines, total);
    adw_status_page_set_title (self->done_page, title);
    mdk_status_page_set_text (self->done_page, text);
  }
  gtk_stack_set_visible_child_name (self->stack, "done");
  update_buttons (self);
  g_signal_emit (self, signals[APPLIED], 0);
}


static void
on_confirmed (AdwMessageDialog       *dialog,
              const char             *response,
              MdkBatchRechargeWindow *self)
{
  if (!g_str_equal (response, "recharge"))
    return;

  g_settings_set_int64 (self->settings, "entry-store-id", mdk_choice_row_get_id (self->store_row));
  g_set_object (&self->cancellable, g_cancellable_new ());
  show_busy (self, _("Recharging"), TRUE);
  mdk_recharge_batch_apply_async (self->database, self->batch, mdk_choice_row_get_id (self->store_row), on_progress, self,
                                  self->cancellable, on_applied, g_object_ref (self));
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  MdkBatchRechargeWindow *self = MDK_BATCH_RECHARGE_WINDOW (widget);

  mdk_batch_recharge_window_confirm (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MdkBatchRechargeWindow *self = MDK_BATCH_RECHARGE_WINDOW (widget);

  g_cancellable_cancel (self->cancellable);
}

/* The report */

static void
on_report_chosen (GtkNativeDialog        *chooser,
                  int                     response,
                  MdkBatchRechargeWindow *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (!mdk_recharge_batch_write_report (self->batch, path, &error))
        show_error (self, error);
    }
  g_object_unref (chooser);
}

static void
save_report_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MdkBatchRechargeWindow *self = MDK_BATCH_RECHARGE_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *base = g_path_get_basename (self->path);
  /* Translators: the name of a report file; %s is the recharge file's name */
  g_autofree char *name = g_strdup_printf (_("%s — not recharged.csv"), base);

  chooser = gtk_file_chooser_native_new (_("Save Report"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_report_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* GObject */

static void
mdk_batch_recharge_window_dispose (GObject *object)
{
  MdkBatchRechargeWindow *self = MDK_BATCH_RECHARGE_WINDOW (object);

  /* Closing while it runs cancels it: then nothing is recharged. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->database);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->batch, mdk_recharge_batch_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), MDK_TYPE_BATCH_RECHARGE_WINDOW);

  G_OBJECT_CLASS (mdk_batch_recharge_window_parent_class)->dispose (object);
}

static gboolean
mdk_batch_recharge_window_close_request (GtkWindow *window)
{
  MdkBatchRechargeWindow *self = MDK_BATCH_RECHARGE_WINDOW (window);

  /* The batch still references the file's lines: wait for the cancel to land. */
  if (self->busy)
    {
      g_cancellable_cancel (self->cancellable);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (mdk_batch_recharge_window_parent_class)->close_request (window);
}

static void
mdk_batch_recharge_window_class_init (MdkBatchRechargeWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = mdk_batch_recharge_window_dispose;
  window_class->close_request = mdk_batch_recharge_window_close_request;

  /**
   * MdkBatchRechargeWindow::applied:
   *
   * The batch was recharged.
   */
  signals[APPLIED] = g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mdk-batch-recharge-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MdkBatchRechargeWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MdkBatchRechargeWindow, apply_button);
  gtk_widget_class_bind_template_child (widget_class, MdkBatchRechargeWindow, report_button);
  gtk_widget_class_bind_template_child (widget_class, MdkBatchRechargeWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MdkBatchRechargeWindow, busy_page);
  gtk_widget_class_bind_template_child (widget_class, MdkBatchRechargeWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, MdkBatchRechargeWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, MdkBatchRechargeWindow, earlier_label);
  gtk_widget_class_bind_template_child (widget_class, MdkBatchRechargeWindow, lines_row);
  gtk_widget_class_bind_template_child (widget_class, MdkBatchRechargeWindow, total_row);
  gtk_widget_class_bind_template_child (widget_class, MdkBatchRechargeWindow, rejected_row);
  gtk_widget_class_bind_template_child (widget_class, MdkBatchRechargeWindow, store_row);
  gtk_widget_class_bind_template_child (widget_class, MdkBatchRechargeWindow, rejections_group);
  gtk_widget_class_bind_template_child (widget_class, MdkBatchRechargeWindow, lines_group);
  gtk_widget_class_bind_template_child (widget_class, MdkBatchRechargeWindow, done_page);
  gtk_widget_class_bind_template_child (widget_class, MdkBatchRechargeWindow, error_page);

  gtk_widget_class_install_action (widget_class, "batch.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "batch.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "batch.save-report", NULL, save_report_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mdk_batch_recharge_window_init (MdkBatchRechargeWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new ("io.github.memberdesk.Memberdesk");
}

/**
 * mdk_batch_recharge_window_new:
 * @database: the ledger's database
 * @path: the recharge file, CSV or .xlsx
 *
 * Returns: (transfer floating): a window that reads and checks @path at once
 */
MdkBatchRechargeWindow *
mdk_batch_recharge_window_new (MdkDatabase *database,
                               const char  *path)
{
  MdkBatchRechargeWindow *self;

  g_return_val_if_fail (MDK_IS_DATABASE (database), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (MDK_TYPE_BATCH_RECHARGE_WINDOW, NULL);
  self->database = g_object_ref (database);
  self->path = g_strdup (path);
  self->cancellable = g_cancellable_new ();
  show_busy (self, _("Reading the File"), FALSE);
  mdk_store_row_load (self->store_row, database, g_settings_get_int64 (self->settings, "entry-store-id"),
                      self->cancellable);
  mdk_recharge_batch_prepare_async (database, path, self->cancellable, on_prepared, g_object_ref (self));
  return self;
}

/**
 * mdk_batch_recharge_window_confirm:
 * @self: a #MdkBatchRechargeWindow
 *
 * Asks, with the total and the store, before recharging, as the button does.
 *
 * Returns: (transfer none) (nullable): the confirmation, or %NULL when
 *   there is nothing to recharge
 */
AdwMessageDialog *
mdk_batch_recharge_window_confirm (MdkBatchRechargeWindow *self)
{
  g_autofree char *total = NULL;
  g_autofree char *body = NULL;
  MdkChoice *store;
  GtkWidget *dialog;

  g_return_val_if_fail (MDK_IS_BATCH_RECHARGE_WINDOW (self), NULL);

  if (self->busy || self->batch == NULL || self->batch->lines->len == 0)
    return NULL;

  store = adw_combo_row_get_selected_item (self->store_row);
  total = mdk_money_format (self->batch->total, "¥");
  /* Translators: an amount, a number of cards, a store */
  body = g_strdup_printf (_("%s goes onto %u cards at once, recharged at %s by enterprise batch. The lines land "
                            "together or not at all; a mistake is undone by reversing its transaction."),
                          total, self->batch->lines->len,
                          MDK_IS_CHOICE (store) ? mdk_choice_get_label (store) : "");
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Recharge These Cards?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "recharge", _("_Recharge"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "recharge", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "recharge", MDK_IS_CHOICE (store));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "recharge");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_confirmed), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return ADW_MESSAGE_DIALOG (dialog);
}

/**
 * mdk_batch_recharge_window_get_busy:
 * @self: a #MdkBatchRechargeWindow
 *
 * Returns: %TRUE while reading, checking or recharging
 */
gboolean
mdk_batch_recharge_window_get_busy (MdkBatchRechargeWindow *self)
{
  g_return_val_if_fail (MDK_IS_BATCH_RECHARGE_WINDOW (self), FALSE);

  return self->busy || adw_combo_row_get_model (self->store_row) == NULL;
}

/**
 * mdk_batch_recharge_window_get_page:
 * @self: a #MdkBatchRechargeWindow
 *
 * Returns: busy, preview, done or error
 */
const char *
mdk_batch_recharge_window_get_page (MdkBatchRechargeWindow *self)
{
  g_return_val_if_fail (MDK_IS_BATCH_RECHARGE_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}
