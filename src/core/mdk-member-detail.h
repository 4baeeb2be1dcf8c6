/* mdk-member-detail.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MDK_TYPE_MEMBER_DETAIL (mdk_member_detail_get_type ())

G_DECLARE_FINAL_TYPE (MdkMemberDetail, mdk_member_detail, MDK, MEMBER_DETAIL, GObject)

typedef enum
{
  MDK_MEMBER_DETAIL_FIELD_ID,
  MDK_MEMBER_DETAIL_FIELD_NAME,
  MDK_MEMBER_DETAIL_FIELD_GENDER,
  MDK_MEMBER_DETAIL_FIELD_MOBILE,
  MDK_MEMBER_DETAIL_FIELD_EMAIL,
  MDK_MEMBER_DETAIL_FIELD_ID_NUMBER,
  MDK_MEMBER_DETAIL_FIELD_BIRTHDAY,
  MDK_MEMBER_DETAIL_FIELD_ANNIVERSARY,
  MDK_MEMBER_DETAIL_FIELD_JOINED_ON,
  MDK_MEMBER_DETAIL_FIELD_STATUS,
  MDK_MEMBER_DETAIL_FIELD_STORE_NAME,
  MDK_MEMBER_DETAIL_FIELD_REGION_NAME,
  MDK_MEMBER_DETAIL_FIELD_ENTRY_CHANNEL,
  MDK_MEMBER_DETAIL_FIELD_ENTRY_OPERATOR,
  MDK_MEMBER_DETAIL_FIELD_UPDATED_AT,
  MDK_MEMBER_DETAIL_FIELD_HOME_STORE_ID,
  MDK_MEMBER_DETAIL_FIELD_VERSION,
  MDK_MEMBER_DETAIL_FIELD_BIRTHDAY_NEXT_CHANGE,
  MDK_MEMBER_DETAIL_FIELD_GROUP_ID,
  MDK_MEMBER_DETAIL_FIELD_GROUP_NAME,
  MDK_MEMBER_DETAIL_FIELD_TAGS,
  MDK_MEMBER_DETAIL_N_FIELDS
} MdkMemberDetailField;

MdkMemberDetail *mdk_member_detail_new (const char * const *fields);
const char *mdk_member_detail_get_field (MdkMemberDetail *self,
                                        MdkMemberDetailField field);
GListModel *mdk_member_detail_get_cards (MdkMemberDetail *self);
void        mdk_member_detail_set_cards (MdkMemberDetail *self,
                                         GListModel      *cards);

/**
 * MdkMemberCustomValue:
 * @key: the field's key
 * @label: the field's label
 * @value: (nullable): the member's value, as kept
 *
 * A member's value of one custom field.
 */
typedef struct
{
  char *key;
  char *label;
  char *value;
} MdkMemberCustomValue;

GPtrArray  *mdk_member_detail_get_custom       (MdkMemberDetail *self);
const char *mdk_member_detail_get_custom_value (MdkMemberDetail *self,
                                                const char      *key);
void        mdk_member_detail_add_custom       (MdkMemberDetail *self,
                                                const char      *key,
                                                const char      *label,
                                                const char      *value);

G_END_DECLS
