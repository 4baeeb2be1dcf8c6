/* mdk-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-application.h"

G_BEGIN_DECLS

#define MDK_TYPE_PREFERENCES_WINDOW (mdk_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (MdkPreferencesWindow, mdk_preferences_window, MDK, PREFERENCES_WINDOW, AdwPreferencesWindow)

MdkPreferencesWindow *mdk_preferences_window_new          (MdkApplication       *application);
char                 *mdk_preferences_window_dup_conninfo (MdkPreferencesWindow *self);

G_END_DECLS
