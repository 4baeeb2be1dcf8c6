/* mdk-classification-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"

G_BEGIN_DECLS

#define MDK_TYPE_CLASSIFICATION_WINDOW (mdk_classification_window_get_type ())

G_DECLARE_FINAL_TYPE (MdkClassificationWindow, mdk_classification_window, MDK, CLASSIFICATION_WINDOW, AdwWindow)

MdkClassificationWindow *mdk_classification_window_new         (MdkDatabase             *database);
gboolean                 mdk_classification_window_get_busy    (MdkClassificationWindow *self);
const char              *mdk_classification_window_get_message (MdkClassificationWindow *self);
guint                    mdk_classification_window_get_n_fields (MdkClassificationWindow *self);
void                     mdk_classification_window_add_group   (MdkClassificationWindow *self,
                                                                const char              *name);
void                     mdk_classification_window_add_field   (MdkClassificationWindow *self,
                                                                const char              *label,
                                                                guint                    kind,
                                                                const char              *choices);

G_END_DECLS
