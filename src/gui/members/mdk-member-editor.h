/* mdk-member-editor.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"

G_BEGIN_DECLS

#define MDK_TYPE_MEMBER_EDITOR (mdk_member_editor_get_type ())

G_DECLARE_FINAL_TYPE (MdkMemberEditor, mdk_member_editor, MDK, MEMBER_EDITOR, AdwWindow)

MdkMemberEditor *mdk_member_editor_new             (MdkDatabase      *database,
                                                    MdkMemberDetail  *detail,
                                                    const char       *entry_channel);
gboolean         mdk_member_editor_get_busy        (MdkMemberEditor  *self);
void             mdk_member_editor_set_field_text  (MdkMemberEditor  *self,
                                                    const char       *field,
                                                    const char       *text);
const char      *mdk_member_editor_get_message     (MdkMemberEditor  *self);
gint64           mdk_member_editor_get_duplicate_id (MdkMemberEditor *self);
gint64           mdk_member_editor_get_saved_id    (MdkMemberEditor  *self);

G_END_DECLS
