/* mdk-member-list.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-member-query.h"
#include "mdk-paged-list.h"

G_BEGIN_DECLS

#define MDK_TYPE_MEMBER_LIST (mdk_member_list_get_type ())

G_DECLARE_FINAL_TYPE (MdkMemberList, mdk_member_list, MDK, MEMBER_LIST, MdkPagedList)

MdkMemberList        *mdk_member_list_new       (MdkDatabase          *database);
void                  mdk_member_list_set_query (MdkMemberList        *self,
                                                 const MdkMemberQuery *query);
const MdkMemberQuery *mdk_member_list_get_query (MdkMemberList        *self);

G_END_DECLS
