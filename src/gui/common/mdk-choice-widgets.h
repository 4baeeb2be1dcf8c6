/* mdk-choice-widgets.h: drop-downs and combo rows of MdkChoice, and the
 * file chooser for tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"

G_BEGIN_DECLS

void                  mdk_choice_dropdown_setup    (GtkDropDown   *dropdown,
                                                    GListStore    *store,
                                                    const char    *all_label);
gint64                mdk_choice_dropdown_get_id   (GtkDropDown   *dropdown);
void                  mdk_store_row_load           (AdwComboRow   *row,
                                                    MdkDatabase   *database,
                                                    gint64         wanted_id,
                                                    GCancellable  *cancellable);
gint64                mdk_store_row_get_id         (AdwComboRow   *row);
GtkFileChooserNative *mdk_table_file_chooser_new   (GtkWidget     *parent,
                                                    const char    *title);

G_END_DECLS
