/* mdk-member.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-record.h"

G_BEGIN_DECLS

#define MDK_TYPE_MEMBER (mdk_member_get_type ())

G_DECLARE_FINAL_TYPE (MdkMember, mdk_member, MDK, MEMBER, MdkRecord)

MdkMember  *mdk_member_new_placeholder (void);
gboolean    mdk_member_get_loaded      (MdkMember *self);
gint64      mdk_member_get_id          (MdkMember *self);
const char *mdk_member_get_name        (MdkMember *self);
const char *mdk_member_get_gender      (MdkMember *self);
const char *mdk_member_get_mobile      (MdkMember *self);
const char *mdk_member_get_email       (MdkMember *self);
const char *mdk_member_get_id_number   (MdkMember *self);
const char *mdk_member_get_birthday    (MdkMember *self);
const char *mdk_member_get_joined_on   (MdkMember *self);
const char *mdk_member_get_status      (MdkMember *self);
const char *mdk_member_get_store_name  (MdkMember *self);
const char *mdk_member_get_region_name (MdkMember *self);
const char *mdk_member_get_card_no     (MdkMember *self);
const char *mdk_member_get_card_type   (MdkMember *self);
const char *mdk_member_get_sort_key    (MdkMember *self);

const char *mdk_member_status_label    (const char *status);
const char *mdk_member_gender_label    (const char *gender);

G_END_DECLS
