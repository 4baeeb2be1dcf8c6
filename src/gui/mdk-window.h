/* mdk-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"

G_BEGIN_DECLS

#define MDK_TYPE_WINDOW (mdk_window_get_type ())

G_DECLARE_FINAL_TYPE (MdkWindow, mdk_window, MDK, WINDOW, AdwApplicationWindow)

MdkWindow  *mdk_window_new              (GtkApplication *application);
void        mdk_window_show_loading     (MdkWindow      *self,
                                         const char     *message);
void        mdk_window_show_progress    (MdkWindow      *self,
                                         const char     *message,
                                         double          fraction,
                                         GCancellable   *cancellable);
void        mdk_window_show_error       (MdkWindow      *self,
                                         const GError   *error);
void        mdk_window_set_context      (MdkWindow      *self,
                                         MdkContext     *context);
MdkContext *mdk_window_get_context      (MdkWindow      *self);
const char *mdk_window_get_section      (MdkWindow      *self);
void        mdk_window_set_section      (MdkWindow      *self,
                                         const char     *section);
GtkWidget  *mdk_window_get_section_page (MdkWindow      *self,
                                         const char     *section);
void        mdk_window_add_toast        (MdkWindow      *self,
                                         AdwToast       *toast);
gboolean    mdk_window_get_busy         (MdkWindow      *self);

G_END_DECLS
