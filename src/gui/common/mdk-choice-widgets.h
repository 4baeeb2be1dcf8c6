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
void                  mdk_choice_store_fill        (GListStore    *store,
                                                    const char    *all_label,
                                                    GListModel    *items,
                                                    const char    *label_property);
gint64                mdk_choice_dropdown_get_id   (GtkDropDown   *dropdown);
void                  mdk_store_row_load           (AdwComboRow   *row,
                                                    MdkDatabase   *database,
                                                    gint64         wanted_id,
                                                    GCancellable  *cancellable);
gint64                mdk_choice_row_get_id        (AdwComboRow   *row);
gboolean              mdk_combo_row_select_label   (AdwComboRow   *row,
                                                    const char    *label);

/**
 * MdkChoiceLoader:
 * @conn: a connection
 * @error: return location for a #GError
 *
 * One of the mdk_choice_load_*() functions.
 */
typedef GListModel *(*MdkChoiceLoader) (PGconn  *conn,
                                        GError **error);

void                  mdk_choice_lists_load_async  (MdkDatabase         *database,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data,
                                                    MdkChoiceLoader      first_loader,
                                                    ...) G_GNUC_NULL_TERMINATED;
GPtrArray            *mdk_choice_lists_load_finish (MdkDatabase         *database,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/**
 * MdkTableFileFunc:
 * @widget: the widget that asked
 * @path: the file chosen
 */
typedef void (*MdkTableFileFunc) (GtkWidget  *widget,
                                  const char *path);

void                  mdk_table_file_open          (GtkWidget        *widget,
                                                    const char       *title,
                                                    MdkTableFileFunc  func);

G_END_DECLS
