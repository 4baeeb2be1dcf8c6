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
