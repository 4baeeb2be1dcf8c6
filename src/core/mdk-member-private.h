/* mdk-member-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-member.h"

G_BEGIN_DECLS

typedef enum
{
  MDK_MEMBER_FIELD_NAME,
  MDK_MEMBER_FIELD_GENDER,
  MDK_MEMBER_FIELD_MOBILE,
  MDK_MEMBER_FIELD_EMAIL,
  MDK_MEMBER_FIELD_ID_NUMBER,
  MDK_MEMBER_FIELD_BIRTHDAY,
  MDK_MEMBER_FIELD_JOINED_ON,
  MDK_MEMBER_FIELD_STATUS,
  MDK_MEMBER_FIELD_STORE_NAME,
  MDK_MEMBER_FIELD_REGION_NAME,
  MDK_MEMBER_FIELD_CARD_NO,
  MDK_MEMBER_FIELD_CARD_TYPE,
  MDK_MEMBER_FIELD_SORT_KEY,
  MDK_MEMBER_FIELD_GROUP_NAME,
  MDK_MEMBER_FIELD_TAGS,
  MDK_MEMBER_FIELD_CUSTOM_VALUES,
  MDK_MEMBER_N_FIELDS
} MdkMemberField;

void        mdk_member_fill      (MdkMember          *self,
                                  gint64              id,
                                  const char * const *fields);
const char *mdk_member_get_field (MdkMember          *self,
                                  MdkMemberField      field);

G_END_DECLS
