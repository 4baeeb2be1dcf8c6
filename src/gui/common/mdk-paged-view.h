/* mdk-paged-view.h: what a page showing an MdkPagedList shows of its state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"

G_BEGIN_DECLS

void mdk_paged_view_update (MdkPagedList  *list,
                            GtkSpinner    *spinner,
                            GtkLabel      *count_label,
                            const char    *count_text,
                            const char    *loading_text,
                            GtkStack      *stack,
                            AdwStatusPage *error_page);

void mdk_paged_view_set_list (GtkColumnView *column_view,
                              gpointer       page,
                              gpointer      *list_slot,
                              MdkPagedList  *list,
                              gboolean       selectable,
                              GCallback      on_changed);

G_END_DECLS
