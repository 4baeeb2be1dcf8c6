/* mdk-member-query.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * MdkMemberMatch:
 * @MDK_MEMBER_MATCH_MOBILE: the whole mobile number
 * @MDK_MEMBER_MATCH_MOBILE_SUFFIX: the last four or more digits of the mobile number
 * @MDK_MEMBER_MATCH_CARD: a card number
 * @MDK_MEMBER_MATCH_ID_NUMBER: a resident ID number
 * @MDK_MEMBER_MATCH_EMAIL: the start of an e-mail address
 * @MDK_MEMBER_MATCH_PINYIN: the start of the name's pinyin, or of its initials
 * @MDK_MEMBER_MATCH_NAME: any part of the name
 *
 * What a search text is taken to be; it can be several at once.
 */
typedef enum
{
  MDK_MEMBER_MATCH_MOBILE        = 1 << 0,
  MDK_MEMBER_MATCH_MOBILE_SUFFIX = 1 << 1,
  MDK_MEMBER_MATCH_CARD          = 1 << 2,
  MDK_MEMBER_MATCH_ID_NUMBER     = 1 << 3,
  MDK_MEMBER_MATCH_EMAIL         = 1 << 4,
  MDK_MEMBER_MATCH_PINYIN        = 1 << 5,
  MDK_MEMBER_MATCH_NAME          = 1 << 6,
} MdkMemberMatch;

typedef enum
{
  MDK_MEMBER_SORT_NAME,
  MDK_MEMBER_SORT_JOINED,
  MDK_MEMBER_SORT_NUMBER,
  MDK_MEMBER_SORT_MOBILE,
  MDK_MEMBER_SORT_BIRTHDAY,
  MDK_MEMBER_SORT_CARD_NUMBER,
  MDK_MEMBER_SORT_CARD_TYPE,
  MDK_MEMBER_SORT_STORE,
  MDK_MEMBER_SORT_STATUS,
} MdkMemberSort;

/**
 * MdkMemberQuery:
 * @text: (nullable): what was typed in the search field
 * @region_id: a region, or 0 for all
 * @store_id: a home store, or 0 for all
 * @card_type_id: members holding a card of this type, or 0 for all
 * @status: (nullable): "active", "inactive" or "blacklisted", or %NULL for all
 * @joined_from: (nullable): first join date, YYYY-MM-DD
 * @joined_to: (nullable): last join date, YYYY-MM-DD
 * @birthday_month: 1 to 12, or 0 for all
 * @sort: the order
 * @descending: reverse the order
 *
 * A member search: the text and the filters.
 */
typedef struct
{
  char          *text;
  gint64         region_id;
  gint64         store_id;
  gint64         card_type_id;
  char          *status;
  char          *joined_from;
  char          *joined_to;
  int            birthday_month;
  MdkMemberSort  sort;
  gboolean       descending;
  gint64         group_id;
  gint64         tag_id;
  char          *custom_key;
  char          *custom_value;
  gboolean       custom_is_number;
  gboolean       with_classification;
  char         **custom_keys;
} MdkMemberQuery;

#define MDK_TYPE_MEMBER_QUERY (mdk_member_query_get_type ())

GType           mdk_member_query_get_type  (void) G_GNUC_CONST;
MdkMemberQuery *mdk_member_query_new       (const char           *text);
MdkMemberQuery *mdk_member_query_copy      (const MdkMemberQuery *query);
void            mdk_member_query_free      (MdkMemberQuery       *query);
MdkMemberMatch  mdk_member_query_classify  (const char           *text,
                                            char                **normalized);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdkMemberQuery, mdk_member_query_free)

G_END_DECLS
