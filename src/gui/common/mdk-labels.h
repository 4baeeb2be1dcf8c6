/* mdk-labels.h: plain text cells for lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void        mdk_label_cell_setup        (GtkSignalListItemFactory *factory,
                                         GtkListItem              *item,
                                         gpointer                  user_data);

void        mdk_label_cell_unbind       (GtkSignalListItemFactory *factory,
                                         GtkListItem              *item,
                                         gpointer                  user_data);

void        mdk_label_column_append     (GtkColumnView            *column_view,
                                         const char               *title,
                                         int                       width,
                                         gboolean                  expand,
                                         GCallback                 bind,
                                         gpointer                  bind_data);

G_END_DECLS
