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

/**
 * mdk_label_cell_unbind:
 * @factory: a list item factory
 * @item: the item to unbind
 * @user_data: unused
 *
 * An "unbind" handler: undoes the #GBinding a "bind" handler kept on
 * @item as "mdk-binding".
 */
void
mdk_label_cell_unbind (GtkSignalListItemFactory *factory,
                       GtkListItem              *item,
                       gpointer                  user_data)
{
  GBinding *binding = g_object_get_data (G_OBJECT (item), "mdk-binding");

  if (binding != NULL)
    g_binding_unbind (binding);
  g_object_set_data (G_OBJECT (item), "mdk-binding", NULL);
}
