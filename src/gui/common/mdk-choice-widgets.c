/* mdk-choice-widgets.c: drop-downs and combo rows of MdkChoice, and the
 * file chooser for tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mdk-choice-widgets.h"

/**
 * mdk_choice_dropdown_setup:
 * @dropdown: a drop-down
 * @store: a #GListStore of #MdkChoice, filled later
 * @all_label: the first item's label, which means "any" (id 0)
 *
 * Shows @store's choices by their label, with "any" first.
 */
void
mdk_choice_dropdown_setup (GtkDropDown *dropdown,
                           GListStore  *store,
                           const char  *all_label)
{
  g_autoptr(GtkExpression) expression = gtk_property_expression_new (MDK_TYPE_CHOICE, NULL, "label");
  g_autoptr(MdkChoice) all = mdk_choice_new (0, all_label);

  g_list_store_append (store, all);
  gtk_drop_down_set_expression (dropdown, expression);
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (store));
}

/**
 * mdk_choice_store_fill:
 * @store: a #GListStore of #MdkChoice shown by a drop-down
 * @all_label: the first item's label, which means "any" (id 0)
 * @items: (nullable): objects with an "id" and a label
 * @label_property: the property of @items that labels them
 *
 * Fills @store again: "any" first, then one choice per item.
 */
void
mdk_choice_store_fill (GListStore *store,
                       const char *all_label,
                       GListModel *items,
                       const char *label_property)
{
  g_autoptr(MdkChoice) all = mdk_choice_new (0, all_label);

  g_list_store_remove_all (store);
  g_list_store_append (store, all);
  for (guint i = 0; items != NULL && i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (items, i);
      g_autofree char *label = NULL;
      gint64 id = 0;
      g_autoptr(MdkChoice) choice = NULL;

      g_object_get (item, "id", &id, label_property, &label, NULL);
      choice = mdk_choice_new (id, label);
      g_list_store_append (store, choice);
    }
}

/**
 * mdk_choice_dropdown_get_id:
 * @dropdown: a drop-down of #MdkChoice
 *
 * Returns: the chosen id, 0 for "any" or none
 */
gint64
mdk_choice_dropdown_get_id (GtkDropDown *dropdown)
{
  MdkChoice *choice = gtk_drop_down_get_selected_item (dropdown);

  return MDK_IS_CHOICE (choice) ? mdk_choice_get_id (choice) : 0;
}

static gpointer
load_stores_work (PGconn        *conn,
                  gpointer       work_data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  return mdk_choice_load_stores (conn, error);
}

static void
on_stores_loaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(AdwComboRow) row = user_data;
  g_autoptr(GListModel) stores = mdk_database_run_finish (MDK_DATABASE (source), result, NULL);
  gint64 wanted = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "mdk-wanted-store"));

  if (stores == NULL)
    return;

  adw_combo_row_set_model (row, stores);
  for (guint i = 0; i < g_list_model_get_n_items (stores); i++)
    {
      g_autoptr(MdkChoice) store = g_list_model_get_item (stores, i);

      if (mdk_choice_get_id (store) == wanted)
        adw_combo_row_set_selected (row, i);
    }
}

/**
 * mdk_store_row_load:
 * @row: a combo row
 * @database: the database
 * @wanted_id: the store to select, or 0 for the first
 * @cancellable: (nullable): a #GCancellable
 *
 * Fills @row with the open stores, in the background. Until then its
 * model is %NULL.
 */
void
mdk_store_row_load (AdwComboRow  *row,
                    MdkDatabase  *database,
                    gint64        wanted_id,
                    GCancellable *cancellable)
{
  g_autoptr(GtkExpression) expression = gtk_property_expression_new (MDK_TYPE_CHOICE, NULL, "label");

  adw_combo_row_set_expression (row, expression);
  g_object_set_data (G_OBJECT (row), "mdk-wanted-store", GSIZE_TO_POINTER ((gsize) wanted_id));
  mdk_database_run_async (database, MDK_DATABASE_RUN_READ_ONLY, load_stores_work, NULL, NULL, g_object_unref,
                          cancellable, on_stores_loaded, g_object_ref (row));
}

/**
 * mdk_choice_row_get_id:
 * @row: a combo row of #MdkChoice, such as one filled by mdk_store_row_load()
 *
 * Returns: the chosen id, or 0
 */
gint64
mdk_choice_row_get_id (AdwComboRow *row)
{
  MdkChoice *choice = adw_combo_row_get_selected_item (row);

  return MDK_IS_CHOICE (choice) ? mdk_choice_get_id (choice) : 0;
}

static gpointer
load_lists_work (PGconn        *conn,
                 gpointer       work_data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  GArray *loaders = work_data;
  g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < loaders->len; i++)
    {
      GListModel *list = g_array_index (loaders, MdkChoiceLoader, i) (conn, error);

      if (list == NULL)
        return NULL;
      g_ptr_array_add (lists, list);
    }
  return g_steal_pointer (&lists);
}

/**
 * mdk_choice_lists_load_async:
 * @database: the database
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the lists
 * @user_data: data for @callback
 * @first_loader: a loader such as mdk_choice_load_stores()
 * @...: more loaders, then %NULL
 *
 * Loads several lists of choices at once, off the main thread.
 */
void
mdk_choice_lists_load_async (MdkDatabase         *database,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data,
                             MdkChoiceLoader      first_loader,
                             ...)
{
  GArray *loaders = g_array_new (FALSE, FALSE, sizeof (MdkChoiceLoader));
  va_list args;

  va_start (args, first_loader);
  for (MdkChoiceLoader loader = first_loader; loader != NULL; loader = va_arg (args, MdkChoiceLoader))
    g_array_append_val (loaders, loader);
  va_end (args);

  mdk_database_run_async (database, MDK_DATABASE_RUN_READ_ONLY, load_lists_work, loaders,
                          (GDestroyNotify) g_array_unref, (GDestroyNotify) g_ptr_array_unref, cancellable,
                          callback, user_data);
}

/**
 * mdk_choice_lists_load_finish:
 * @database: the database
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type GListModel): the lists, in the
 *   loaders' order, or %NULL
 */
GPtrArray *
mdk_choice_lists_load_finish (MdkDatabase   *database,
                              GAsyncResult  *result,
                              GError       **error)
{
  return mdk_database_run_finish (database, result, error);
}

typedef struct
{
  MdkTableFileFunc  func;
  GtkWidget        *widget;
} Chooser;

static void
on_table_file_chosen (GtkNativeDialog *chooser,
                      int              response,
                      Chooser         *data)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      g_autofree char *path = g_file_get_path (file);

      data->func (data->widget, path);
    }
  g_object_unref (data->widget);
  g_free (data);
  g_object_unref (chooser);
}

/**
 * mdk_table_file_open:
 * @widget: the widget that asks, over whose window the chooser opens
 * @title: the chooser's title
 * @func: called with @widget and the path of a CSV file or an Excel
 *   workbook, if the person chooses one
 *
 * Asks for a table file to open.
 */
void
mdk_table_file_open (GtkWidget        *widget,
                     const char       *title,
                     MdkTableFileFunc  func)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  Chooser *data = g_new0 (Chooser, 1);

  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("CSV files and Excel workbooks"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_suffix (filter, "txt");
  gtk_file_filter_add_suffix (filter, "xlsx");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_mime_type (filter, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  data->func = func;
  data->widget = g_object_ref (widget);
  g_signal_connect (chooser, "response", G_CALLBACK (on_table_file_chosen), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/**
 * mdk_combo_row_select_label:
 * @row: a combo row of #MdkChoice or of strings
 * @label: the item, as the row shows it
 *
 * Chooses the item, as a person would.
 *
 * Returns: %TRUE if it was there
 */
gboolean
mdk_combo_row_select_label (AdwComboRow *row,
                            const char  *label)
{
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      const char *text = GTK_IS_STRING_OBJECT (item) ? gtk_string_object_get_string (GTK_STRING_OBJECT (item))
                         : MDK_IS_CHOICE (item) ? mdk_choice_get_label (MDK_CHOICE (item)) : NULL;

      if (g_strcmp0 (text, label) == 0)
        {
          adw_combo_row_set_selected (row, i);
          return TRUE;
        }
    }
  return FALSE;
}
