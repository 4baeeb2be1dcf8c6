/* mdk-member-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"
#include "cards/mdk-card-dialog.h"
#include "mdk-member-editor.h"

G_BEGIN_DECLS

#define MDK_TYPE_MEMBER_WINDOW (mdk_member_window_get_type ())

G_DECLARE_FINAL_TYPE (MdkMemberWindow, mdk_member_window, MDK, MEMBER_WINDOW, AdwWindow)

MdkMemberWindow *mdk_member_window_new      (MdkDatabase     *database,
                                             gint64           member_id);
gboolean         mdk_member_window_get_busy (MdkMemberWindow *self);
MdkMemberDetail *mdk_member_window_get_detail (MdkMemberWindow *self);

MdkMemberEditor *mdk_member_window_edit     (MdkMemberWindow *self);
MdkCardDialog   *mdk_member_window_issue_card (MdkMemberWindow *self);
MdkCardDialog   *mdk_member_window_card_action (MdkMemberWindow *self,
                                                const char      *card_no,
                                                const char      *action);

G_END_DECLS
