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

/**
 * mdk_label_column_append:
 * @column_view: a column view
 * @title: the column's title, translated
 * @width: its width, in pixels; it can be resized
 * @expand: whether it takes the width left
 * @bind: a "bind" handler that binds a label to the item and keeps the
 *   binding as "mdk-binding" (see mdk_label_cell_unbind())
 * @bind_data: @bind's user data
 *
 * Appends a column of plain text cells.
 */
void
mdk_label_column_append (GtkColumnView *column_view,
                         const char    *title,
                         int            width,
                         gboolean       expand,
                         GCallback      bind,
                         gpointer       bind_data)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (column_view));

  g_signal_connect (factory, "setup", G_CALLBACK (mdk_label_cell_setup), NULL);
  g_signal_connect (factory, "bind", bind, bind_data);
  g_signal_connect (factory, "unbind", G_CALLBACK (mdk_label_cell_unbind), NULL);
  column = gtk_column_view_column_new (title, g_object_ref (factory));
  gtk_column_view_column_set_fixed_width (column, width);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_append_column (column_view, column);
}
