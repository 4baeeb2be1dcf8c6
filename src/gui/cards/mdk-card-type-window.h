/* mdk-card-type-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"

G_BEGIN_DECLS

#define MDK_TYPE_CARD_TYPE_WINDOW (mdk_card_type_window_get_type ())

G_DECLARE_FINAL_TYPE (MdkCardTypeWindow, mdk_card_type_window, MDK, CARD_TYPE_WINDOW, AdwWindow)

MdkCardTypeWindow *mdk_card_type_window_new          (MdkDatabase       *database);
gboolean           mdk_card_type_window_get_busy     (MdkCardTypeWindow *self);
gboolean           mdk_card_type_window_get_dirty    (MdkCardTypeWindow *self);
gboolean           mdk_card_type_window_select       (MdkCardTypeWindow *self,
                                                      const char        *code);
void               mdk_card_type_window_type_into    (MdkCardTypeWindow *self,
                                                      const char        *field,
                                                      const char        *text);
gboolean           mdk_card_type_window_choose       (MdkCardTypeWindow *self,
                                                      const char        *field,
                                                      const char        *label);
void               mdk_card_type_window_set_colours  (MdkCardTypeWindow *self,
                                                      const char        *start,
                                                      const char        *end);
GtkWindow         *mdk_card_type_window_ask          (MdkCardTypeWindow *self,
                                                      const char        *action_name);
void               mdk_card_type_window_answer       (MdkCardTypeWindow *self,
                                                      GtkWindow         *dialog,
                                                      const char        *reason,
                                                      const char        *response);
const char        *mdk_card_type_window_get_message  (MdkCardTypeWindow *self);
const char        *mdk_card_type_window_get_status   (MdkCardTypeWindow *self);
GtkWidget         *mdk_card_type_window_get_face     (MdkCardTypeWindow *self);
void               mdk_card_type_window_load_logo    (MdkCardTypeWindow *self,
                                                      GFile             *file);
void               mdk_card_type_window_scroll_to    (MdkCardTypeWindow *self,
                                                      const char        *group);

G_END_DECLS
