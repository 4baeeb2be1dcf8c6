/* mdk-paged-view.c: what a page showing an MdkPagedList shows of its state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-paged-view.h"
#include "mdk-status-page.h"

/**
 * mdk_paged_view_update:
 * @list: the list a page shows
 * @spinner: spins while it loads
 * @count_label: says how many rows there are
 * @count_text: how many, in words
 * @loading_text: what @count_label says while the first rows load
 * @stack: a stack with the pages "list", "empty" and "error"
 * @error_page: the "error" page
 *
 * Shows the list, its error, or that it is empty.
 */
void
mdk_paged_view_update (MdkPagedList  *list,
                       GtkSpinner    *spinner,
                       GtkLabel      *count_label,
                       const char    *count_text,
                       const char    *loading_text,
                       GtkStack      *stack,
                       AdwStatusPage *error_page)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  gboolean loading = mdk_paged_list_get_loading (list);
  const GError *error = mdk_paged_list_get_error (list);

  gtk_spinner_set_spinning (spinner, loading);
  gtk_label_set_label (count_label, loading && n == 0 ? loading_text : count_text);

  if (error != NULL)
    {
      mdk_status_page_set_text (error_page, error->message);
      gtk_stack_set_visible_child_name (stack, "error");
    }
  else if (n == 0 && !loading)
    gtk_stack_set_visible_child_name (stack, "empty");
  else
    gtk_stack_set_visible_child_name (stack, "list");
}

/**
 * mdk_paged_view_set_list:
 * @column_view: the page's view of the list
 * @page: the page
 * @list_slot: (inout): where the page keeps its list; the list there before
 *   is let go, with the page's handlers on it
 * @list: (transfer full): the list to show now
 * @selectable: whether a row can be chosen (one at a time) or none
 * @on_changed: called with @page, swapped, when @list starts or stops
 *   loading and when its count changes
 *
 * Shows @list in @column_view in place of the page's list before.
 */
void
mdk_paged_view_set_list (GtkColumnView *column_view,
                         gpointer       page,
                         gpointer      *list_slot,
                         MdkPagedList  *list,
                         gboolean       selectable,
                         GCallback      on_changed)
{
  g_autoptr(GtkSelectionModel) selection = NULL;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (column_view));
  g_return_if_fail (list_slot != NULL);
  g_return_if_fail (MDK_IS_PAGED_LIST (list));

  if (*list_slot != NULL)
    g_signal_handlers_disconnect_by_data (*list_slot, page);
  g_clear_object (list_slot);
  *list_slot = list;
  g_signal_connect_swapped (list, "notify::loading", on_changed, page);
  g_signal_connect_swapped (list, "notify::n-items", on_changed, page);

  if (selectable)
    {
      GtkSingleSelection *single = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (list)));

      gtk_single_selection_set_autoselect (single, FALSE);
      selection = GTK_SELECTION_MODEL (single);
    }
  else
    selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (list))));
  gtk_column_view_set_model (column_view, selection);
}
