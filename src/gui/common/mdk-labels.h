/* mdk-labels.h: database codes as people read them, and plain text cells
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

const char *mdk_label_for_member_status (const char               *status);
void        mdk_label_cell_setup        (GtkSignalListItemFactory *factory,
                                         GtkListItem              *item,
                                         gpointer                  user_data);

G_END_DECLS
