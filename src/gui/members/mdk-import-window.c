/* mdk-import-window.c: batch import, from the file to the report
 *
 * The window reads the file's header and first rows, proposes what each
 * column holds, shows the preview, imports with progress and Cancel, and
 * ends with what landed and each row that did not, which can be saved as
 * a CSV file to correct and import again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mdk-import-window.h"

#define MAX_LISTED_REJECTIONS 200
#define N_SAMPLE_VALUES 3

struct _MdkImportWindow
{
  AdwWindow            parent_instance;

  AdwWindowTitle      *window_title;
  GtkWidget           *cancel_button;
  GtkButton           *import_button;
  GtkStack            *stack;
  GtkLabel            *plan_message;
  AdwPreferencesGroup *columns_group;
  AdwComboRow         *store_row;
  AdwComboRow         *duplicates_row;
  GtkGrid             *preview_grid;
  GtkProgressBar      *progress_bar;
  GtkLabel            *result_title;
  GtkLabel            *result_summary;
  AdwPreferencesGroup *rejections_group;
  AdwStatusPage       *error_page;

  MdkDatabase         *database;
  char                *path;
  MdkImportPlan       *plan;
  GPtrArray           *targets;       /* what each choice of a column's list means */
  GPtrArray           *column_rows;
  MdkImportResult     *result;
  GSettings           *settings;
  GCancellable        *cancellable;
  GCancellable        *import_cancellable;
  gboolean             busy;
};

G_DEFINE_FINAL_TYPE (MdkImportWindow, mdk_import_window, ADW_TYPE_WINDOW)

enum {
  SIGNAL_IMPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct {
  const char *target;
  const char *label;
} base_targets[] = {
  { "", N_("Ignore") }, { "name", N_("Name") }, { "mobile", N_("Mobile") }, { "gender", N_("Gender") },
  { "email", N_("E-mail") }, { "id_number", N_("Resident ID number") }, { "birthday", N_("Birthday") },
  { "anniversary", N_("Anniversary") }, { "store", N_("Home store (code or name)") }, { "group", N_("Group") },
  { "tags", N_("Tags") },
};

typedef struct
{
  GListModel    *fields;
  GListModel    *stores;
  MdkImportPlan *plan;
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_object (&loaded->fields);
  g_clear_object (&loaded->stores);
  g_clear_pointer (&loaded->plan, mdk_import_plan_free);
  g_free (loaded);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Loaded, loaded_free)

static void
show_error_page (MdkImportWindow *self,
                 const char      *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);

  adw_status_page_set_description (self->error_page, escaped);
  gtk_stack_set_visible_child_name (self->stack, "error");
  gtk_widget_set_visible (GTK_WIDGET (self->import_button), FALSE);
}

static void
set_plan_message (MdkImportWindow *self,
                  const char      *message)
{
  gtk_label_set_label (self->plan_message, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->plan_message), message != NULL);
}

static char *
sample_values (MdkImportWindow *self,
               guint            column)
{
  g_autoptr(GPtrArray) values = g_ptr_array_new ();

  for (guint r = 0; r < self->plan->preview->len && values->len < N_SAMPLE_VALUES; r++)
    {
      char **row = g_ptr_array_index (self->plan->preview, r);

      if (column < g_strv_length (row) && *row[column] != '\0')
        g_ptr_array_add (values, row[column]);
    }
  g_ptr_array_add (values, NULL);

  /* Translators: separates sample values of a column */
  return g_strjoinv (_(", "), (char **) values->pdata);
}

static void
check_plan (MdkImportWindow *self)
{
  MdkChoice *store = adw_combo_row_get_selected_item (self->store_row);
  g_autoptr(GError) error = NULL;

  if (self->plan == NULL)
    return;
  self->plan->default_store_id = store != NULL ? mdk_choice_get_id (store) : 0;

  if (mdk_import_plan_check (self->plan, &error))
    set_plan_message (self, NULL);
  else
    set_plan_message (self, error->message);
}

static void
on_column_changed (AdwComboRow     *row,
                   GParamSpec      *pspec,
                   MdkImportWindow *self)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "column"));
  guint selected = adw_combo_row_get_selected (row);

  if (selected >= self->targets->len)
    return;
  g_free (self->plan->targets[column]);
  self->plan->targets[column] = g_strdup (g_ptr_array_index (self->targets, selected));
  check_plan (self);
}

static void
build_columns (MdkImportWindow *self,
               GListModel      *fields)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (base_targets); i++)
    {
      g_ptr_array_add (self->targets, g_strdup (base_targets[i].target));
      gtk_string_list_append (labels, _(base_targets[i].label));
    }
  for (guint i = 0; i < g_list_model_get_n_items (fields); i++)
    {
      g_autoptr(MdkCustomField) field = g_list_model_get_item (fields, i);

      g_ptr_array_add (self->targets, g_strconcat ("custom:", mdk_custom_field_get_key (field), NULL));
      gtk_string_list_append (labels, mdk_custom_field_get_label (field));
    }

  for (guint c = 0; self->plan->header[c] != NULL; c++)
    {
      GtkWidget *row = adw_combo_row_new ();
      g_autofree char *samples = sample_values (self, c);
      guint selected = 0;

      for (guint t = 0; t < self->targets->len; t++)
        if (g_str_equal (g_ptr_array_index (self->targets, t), self->plan->targets[c]))
          selected = t;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     *self->plan->header[c] ? self->plan->header[c] : _("(no header)"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), samples);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
      g_object_set_data (G_OBJECT (row), "column", GUINT_TO_POINTER (c));
      g_signal_connect_object (row, "notify::selected", G_CALLBACK (on_column_changed), self, 0);
      adw_preferences_group_add (self->columns_group, row);
      g_ptr_array_add (self->column_rows, row);
    }
}

static GtkWidget *
cell_label (const char *text,
            gboolean    header)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 18);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (header)
    gtk_widget_add_css_class (label, "heading");
  return label;
}

static void
build_preview (MdkImportWindow *self)
{
  for (guint c = 0; self->plan->header[c] != NULL; c++)
    gtk_grid_attach (self->preview_grid, cell_label (self->plan->header[c], TRUE), c, 0, 1, 1);

  for (guint r = 0; r < self->plan->preview->len; r++)
    {
      char **row = g_ptr_array_index (self->plan->preview, r);

      for (guint c = 0; row[c] != NULL; c++)
        gtk_grid_attach (self->preview_grid, cell_label (row[c], FALSE), c, r + 1, 1, 1);
    }
}

static void
select_store (MdkImportWindow *self,
              GListModel      *stores)
{
  gint64 wanted = g_settings_get_int64 (self->settings, "entry-store-id");

  adw_combo_row_set_model (self->store_row, stores);
  for (guint i = 0; i < g_list_model_get_n_items (stores); i++)
    {
      g_autoptr(MdkChoice) store = g_list_model_get_item (stores, i);

      if (mdk_choice_get_id (store) == wanted)
        adw_combo_row_set_selected (self->store_row, i);
    }
}

static gpointer
load_work (PGconn        *conn,
           gpointer       work_data,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(Loaded) loaded = g_new0 (Loaded, 1);

  if ((loaded->fields = mdk_custom_fields_load (conn, error)) == NULL ||
      (loaded->stores = mdk_choice_load_stores (conn, error)) == NULL ||
      (loaded->plan = mdk_import_plan_new (work_data, loaded->fields, error)) == NULL)
    return NULL;

  return g_steal_pointer (&loaded);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MdkImportWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Loaded) loaded = mdk_database_run_finish (MDK_DATABASE (source), result, &error);
  g_autofree char *base = g_path_get_basename (self->path);
  g_autofree char *subtitle = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->busy = FALSE;
  if (loaded == NULL)
    {
      show_error_page (self, error->message);
      return;
    }

  self->plan = g_steal_pointer (&loaded->plan);
  /* Translators: a file name and its encoding, e.g. "members.csv · GB18030" */
  subtitle = g_strdup_printf (_("%s · %s"), base, self->plan->encoding);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  build_columns (self, loaded->fields);
  build_preview (self);
  select_store (self, loaded->stores);
  check_plan (self);
  gtk_stack_set_visible_child_name (self->stack, "mapping");
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), TRUE);
}

static void
on_progress (double      fraction,
             const char *stage,
             gpointer    user_data)
{
  MdkImportWindow *self = user_data;

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, stage);
}

static void
add_rejection_row (MdkImportWindow    *self,
                   MdkImportRejection *rejection)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, rejection->line);
  /* Translators: %s is a line number of the imported file */
  g_autofree char *title = g_strdup_printf (_("Line %s"), number);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), rejection->reason);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  adw_preferences_group_add (self->rejections_group, row);
}

static void
show_result (MdkImportWindow *self)
{
  MdkImportResult *result = self->result;
  guint n_rejected = result->rejections->len;
  g_autofree char *inserted = g_strdup_printf ("%" G_GUINT64_FORMAT, result->n_inserted);
  g_autofree char *updated = g_strdup_printf ("%" G_GUINT64_FORMAT, result->n_updated);
  g_autofree char *skipped = g_strdup_printf ("%" G_GUINT64_FORMAT, result->n_skipped);
  g_autofree char *rejected = g_strdup_printf ("%u", n_rejected);
  g_autoptr(GString) summary = g_string_new (NULL);

  gtk_label_set_label (self->result_title, n_rejected == 0 ? _("Every Row Was Imported")
                                                           : _("Imported, With Rows Left Out"));
  /* Translators: counts of an import's outcome */
  g_string_printf (summary, _("New members: %s · Updated: %s · Already members, left alone: %s · Not imported: %s"),
                   inserted, updated, skipped, rejected);
  if (result->n_birthdays_kept > 0)
    {
      g_autofree char *kept = g_strdup_printf ("%" G_GUINT64_FORMAT, result->n_birthdays_kept);

      g_string_append_c (summary, '\n');
      /* Translators: %s is a number of members */
      g_string_append_printf (summary, _("%s members kept their birthday, which differs from the file: change it "
                                         "in the member form, where head office’s policy applies."), kept);
    }
  gtk_label_set_label (self->result_summary, summary->str);

  for (guint i = 0; i < MIN (n_rejected, MAX_LISTED_REJECTIONS); i++)
    add_rejection_row (self, g_ptr_array_index (result->rejections, i));
  if (n_rejected > MAX_LISTED_REJECTIONS)
    {
      g_autofree char *more = g_strdup_printf ("%u", n_rejected - MAX_LISTED_REJECTIONS);
      /* Translators: %s is a number of rows */
      g_autofree char *text = g_strdup_printf (_("%s more rows are in the report."), more);

      adw_preferences_group_set_description (self->rejections_group, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->rejections_group), n_rejected > 0);

  gtk_widget_set_visible (self->cancel_button, FALSE);
  gtk_button_set_label (self->import_button, _("_Close"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->import_button), "window.close");
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "result");
}

static void
on_imported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(MdkImportWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->result = mdk_member_import_finish (MDK_DATABASE (source), result, &error);
  self->busy = FALSE;
  g_clear_object (&self->import_cancellable);
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  if (self->result != NULL)
    {
      g_signal_emit (self, signals[SIGNAL_IMPORTED], 0, self->result->n_inserted + self->result->n_updated);
      show_result (self);
      return;
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), TRUE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      gtk_stack_set_visible_child_name (self->stack, "mapping");
      set_plan_message (self, _("The import was cancelled. Nothing was imported."));
      return;
    }
  show_error_page (self, error->message);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  MdkImportWindow *self = MDK_IMPORT_WINDOW (widget);
  MdkChoice *store = adw_combo_row_get_selected_item (self->store_row);
  g_autoptr(GError) error = NULL;

  if (self->busy || self->plan == NULL)
    return;

  self->plan->default_store_id = store != NULL ? mdk_choice_get_id (store) : 0;
  self->plan->duplicates = (MdkImportDuplicates) adw_combo_row_get_selected (self->duplicates_row);
  if (!mdk_import_plan_check (self->plan, &error))
    {
      set_plan_message (self, error->message);
      return;
    }
  if (store != NULL)
    g_settings_set_int64 (self->settings, "entry-store-id", mdk_choice_get_id (store));

  self->busy = TRUE;
  self->import_cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_stack_set_visible_child_name (self->stack, "progress");
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), FALSE);
  mdk_member_import_async (self->database, self->plan, on_progress, self, self->import_cancellable,
                           on_imported, g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MdkImportWindow *self = MDK_IMPORT_WINDOW (widget);

  /* Cancelling an import on its way rolls it back; the window stays to say so. */
  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
  else
    gtk_window_close (GTK_WINDOW (self));
}

static gboolean
mdk_import_window_close_request (GtkWindow *window)
{
  MdkImportWindow *self = MDK_IMPORT_WINDOW (window);

  if (self->import_cancellable != NULL)
    {
      g_cancellable_cancel (self->import_cancellable);
      return TRUE;
    }

  return GTK_WINDOW_CLASS (mdk_import_window_parent_class)->close_request (window);
}

static void
write_report_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  MdkImportWindow *self = source_object;
  g_autoptr(GError) error = NULL;

  if (mdk_import_window_save_report (self, task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
on_report_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  MdkImportWindow *self = MDK_IMPORT_WINDOW (source);
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    return;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Could Not Save the Report"),
                                                       error->message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_report_chosen (GtkNativeDialog *chooser,
                  int              response,
                  MdkImportWindow *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GTask) task = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      task = g_task_new (self, NULL, on_report_written, NULL);
      g_task_set_source_tag (task, on_report_chosen);
      g_task_set_task_data (task, g_file_get_path (file), g_free);
      g_task_run_in_thread (task, write_report_thread);
    }
  g_object_unref (chooser);
}

static void
save_report_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MdkImportWindow *self = MDK_IMPORT_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *base = g_path_get_basename (self->path);
  g_autofree char *stem = g_strndup (base, strrchr (base, '.') ? (gsize) (strrchr (base, '.') - base) : strlen (base));
  /* Translators: the report's file name; %s is the imported file's name without its ending */
  g_autofree char *name = g_strdup_printf (_("%s - rows not imported.csv"), stem);

  if (self->result == NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Save the Report"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_report_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
mdk_import_window_dispose (GObject *object)
{
  MdkImportWindow *self = MDK_IMPORT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->import_cancellable);
  g_clear_object (&self->database);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->plan, mdk_import_plan_free);
  g_clear_pointer (&self->result, mdk_import_result_free);
  g_clear_pointer (&self->targets, g_ptr_array_unref);
  g_clear_pointer (&self->column_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), MDK_TYPE_IMPORT_WINDOW);

  G_OBJECT_CLASS (mdk_import_window_parent_class)->dispose (object);
}

static void
mdk_import_window_class_init (MdkImportWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = mdk_import_window_dispose;
  window_class->close_request = mdk_import_window_close_request;

  /**
   * MdkImportWindow::imported:
   * @window: the window
   * @n_changed: how many members were added or changed
   *
   * The import landed.
   */
  signals[SIGNAL_IMPORTED] = g_signal_new ("imported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mdk-import-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MdkImportWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MdkImportWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, MdkImportWindow, import_button);
  gtk_widget_class_bind_template_child (widget_class, MdkImportWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MdkImportWindow, plan_message);
  gtk_widget_class_bind_template_child (widget_class, MdkImportWindow, columns_group);
  gtk_widget_class_bind_template_child (widget_class, MdkImportWindow, store_row);
  gtk_widget_class_bind_template_child (widget_class, MdkImportWindow, duplicates_row);
  gtk_widget_class_bind_template_child (widget_class, MdkImportWindow, preview_grid);
  gtk_widget_class_bind_template_child (widget_class, MdkImportWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, MdkImportWindow, result_title);
  gtk_widget_class_bind_template_child (widget_class, MdkImportWindow, result_summary);
  gtk_widget_class_bind_template_child (widget_class, MdkImportWindow, rejections_group);
  gtk_widget_class_bind_template_child (widget_class, MdkImportWindow, error_page);

  gtk_widget_class_install_action (widget_class, "import.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "import.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "import.save-report", NULL, save_report_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "import.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "import.start", NULL);
}

static void
mdk_import_window_init (MdkImportWindow *self)
{
  g_autoptr(GtkExpression) label = gtk_property_expression_new (MDK_TYPE_CHOICE, NULL, "label");

  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new ("io.github.memberdesk.Memberdesk");
  self->cancellable = g_cancellable_new ();
  self->targets = g_ptr_array_new_with_free_func (g_free);
  self->column_rows = g_ptr_array_new ();
  adw_combo_row_set_expression (self->store_row, label);
  g_signal_connect_object (self->store_row, "notify::selected", G_CALLBACK (check_plan), self, G_CONNECT_SWAPPED);
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), FALSE);
}

/**
 * mdk_import_window_new:
 * @database: where the members go
 * @path: a CSV file or an .xlsx workbook
 *
 * Returns: (transfer floating): a window that reads the file and proposes
 *   how to import it
 */
MdkImportWindow *
mdk_import_window_new (MdkDatabase *database,
                       const char  *path)
{
  MdkImportWindow *self;

  g_return_val_if_fail (MDK_IS_DATABASE (database), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (MDK_TYPE_IMPORT_WINDOW, NULL);
  self->database = g_object_ref (database);
  self->path = g_strdup (path);
  self->busy = TRUE;
  mdk_database_run_async (database, MDK_DATABASE_RUN_READ_ONLY, load_work, g_strdup (path), g_free,
                          (GDestroyNotify) loaded_free, self->cancellable, on_loaded, g_object_ref (self));
  return self;
}

gboolean
mdk_import_window_get_busy (MdkImportWindow *self)
{
  g_return_val_if_fail (MDK_IS_IMPORT_WINDOW (self), FALSE);

  return self->busy;
}

/**
 * mdk_import_window_get_page:
 * @self: a #MdkImportWindow
 *
 * Returns: "loading", "mapping", "progress", "result" or "error"
 */
const char *
mdk_import_window_get_page (MdkImportWindow *self)
{
  g_return_val_if_fail (MDK_IS_IMPORT_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * mdk_import_window_get_plan:
 * @self: a #MdkImportWindow
 *
 * Returns: (transfer none) (nullable): the plan, once the file is read
 */
const MdkImportPlan *
mdk_import_window_get_plan (MdkImportWindow *self)
{
  g_return_val_if_fail (MDK_IS_IMPORT_WINDOW (self), NULL);

  return self->plan;
}

/**
 * mdk_import_window_set_target:
 * @self: a #MdkImportWindow
 * @column: a column of the file
 * @target: what it holds, as in #MdkImportPlan
 *
 * Chooses what a column holds, as its list does.
 */
void
mdk_import_window_set_target (MdkImportWindow *self,
                              guint            column,
                              const char      *target)
{
  g_return_if_fail (MDK_IS_IMPORT_WINDOW (self));
  g_return_if_fail (column < self->column_rows->len);

  for (guint t = 0; t < self->targets->len; t++)
    if (g_str_equal (g_ptr_array_index (self->targets, t), target))
      adw_combo_row_set_selected (g_ptr_array_index (self->column_rows, column), t);
}

void
mdk_import_window_set_duplicates (MdkImportWindow     *self,
                                  MdkImportDuplicates  duplicates)
{
  g_return_if_fail (MDK_IS_IMPORT_WINDOW (self));

  adw_combo_row_set_selected (self->duplicates_row, duplicates);
}

/**
 * mdk_import_window_get_result:
 * @self: a #MdkImportWindow
 *
 * Returns: (transfer none) (nullable): what the import did, once it landed
 */
const MdkImportResult *
mdk_import_window_get_result (MdkImportWindow *self)
{
  g_return_val_if_fail (MDK_IS_IMPORT_WINDOW (self), NULL);

  return self->result;
}

/**
 * mdk_import_window_save_report:
 * @self: a #MdkImportWindow
 * @path: the CSV file to write
 * @error: return location for a #GError
 *
 * Writes the rows not imported, as *Save Report…* does. Blocks.
 *
 * Returns: %TRUE on success
 */
gboolean
mdk_import_window_save_report (MdkImportWindow  *self,
                               const char       *path,
                               GError          **error)
{
  g_return_val_if_fail (MDK_IS_IMPORT_WINDOW (self), FALSE);
  g_return_val_if_fail (self->result != NULL, FALSE);

  return mdk_import_result_write_report (self->result, self->plan, path, error);
}
