/* mdk-member-draft.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "mdk-member-detail.h"
#include "mdk-member-validate.h"

G_BEGIN_DECLS

#define MDK_TYPE_MEMBER_DRAFT (mdk_member_draft_get_type ())

/**
 * MdkMemberDraft:
 * @id: the member number, 0 for a new member
 * @version: the member's updated_at as read, to notice changes made
 *   meanwhile; %NULL for a new member
 * @name: the name
 * @gender: "F", "M" or "U"
 * @mobile: (nullable): a mobile number
 * @email: (nullable): an e-mail address
 * @id_number: (nullable): a resident ID number
 * @birthday: (nullable): YYYY-MM-DD
 * @anniversary: (nullable): YYYY-MM-DD
 * @home_store_id: the member's home store
 * @entry_channel: "store_counter", "call_center", "website" or "batch_import";
 *   kept as first recorded when a member is edited
 * @status: "active", "inactive" or "blacklisted"
 * @birthday_reason: (nullable): why the birthday changes, when it does
 * @birthday_override: a head-office override of the birthday policy
 * @group_id: the member's group, 0 for none
 * @tags: (array zero-terminated=1): tag names; a tag used for the first time is created
 * @custom: (element-type utf8 utf8): custom field key to value as typed;
 *   a field left out, or blank, has no value
 *
 * A member as an editor or an import row holds it before it is saved.
 */
typedef struct
{
  gint64    id;
  char     *version;
  char     *name;
  char     *gender;
  char     *mobile;
  char     *email;
  char     *id_number;
  char     *birthday;
  char     *anniversary;
  gint64    home_store_id;
  char     *entry_channel;
  char     *status;
  char     *birthday_reason;
  gboolean  birthday_override;
  gint64      group_id;
  char      **tags;
  GHashTable *custom;
} MdkMemberDraft;

GType           mdk_member_draft_get_type        (void) G_GNUC_CONST;
MdkMemberDraft *mdk_member_draft_new             (void);
MdkMemberDraft *mdk_member_draft_new_from_detail (MdkMemberDetail      *detail);
MdkMemberDraft *mdk_member_draft_copy            (const MdkMemberDraft *draft);
void            mdk_member_draft_free            (MdkMemberDraft       *draft);
gboolean        mdk_member_draft_normalize       (MdkMemberDraft       *draft,
                                                  const GDate          *today,
                                                  GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdkMemberDraft, mdk_member_draft_free)

G_END_DECLS
