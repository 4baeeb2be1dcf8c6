/* mdk-labels.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-labels.h"

/**
 * mdk_label_cell_setup:
 * @factory: a list item factory
 * @item: the item to set up
 * @user_data: unused
 *
 * A "setup" handler: a left-aligned label that ellipsizes.
 */
void
mdk_label_cell_setup (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}
