/* mdk-form.h: the message banner, invalid rows and result lists that
 * dialogs share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void        mdk_banner_show             (GtkRevealer *revealer,
                                         GtkLabel    *label,
                                         const char  *message);
const char *mdk_banner_get_message      (GtkRevealer *revealer,
                                         GtkLabel    *label);
void        mdk_entry_row_mark_invalid  (AdwEntryRow *row,
                                         gboolean     invalid);
void        mdk_result_list_add         (GtkListBox  *list,
                                         const char  *title,
                                         char        *value);
void        mdk_result_list_clear       (GtkListBox  *list);
void        mdk_form_set_sensitive      (GtkWidget   *form,
                                         gboolean     sensitive);

G_END_DECLS
