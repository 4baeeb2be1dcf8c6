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
 * mdk_store_row_get_id:
 * @row: a combo row filled by mdk_store_row_load()
 *
 * Returns: the chosen store, or 0
 */
gint64
mdk_store_row_get_id (AdwComboRow *row)
{
  MdkChoice *choice = adw_combo_row_get_selected_item (row);

  return MDK_IS_CHOICE (choice) ? mdk_choice_get_id (choice) : 0;
}

/**
 * mdk_table_file_chooser_new:
 * @parent: a widget of the window to put it over
 * @title: the chooser's title
 *
 * Returns: (transfer full): a chooser to open a CSV file or an Excel workbook
 */
GtkFileChooserNative *
mdk_table_file_chooser_new (GtkWidget  *parent,
                            const char *title)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (gtk_widget_get_root (parent)),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("CSV files and Excel workbooks"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_suffix (filter, "txt");
  gtk_file_filter_add_suffix (filter, "xlsx");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_mime_type (filter, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  return chooser;
}
