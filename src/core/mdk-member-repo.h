/* mdk-member-repo.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-database.h"
#include "mdk-member.h"
#include "mdk-member-detail.h"
#include "mdk-member-draft.h"
#include "mdk-member-query.h"
#include "mdk-paged-list.h"

G_BEGIN_DECLS

GPtrArray *mdk_member_repo_search         (PGconn                *conn,
                                           const MdkMemberQuery  *query,
                                           const MdkPageKey      *after,
                                           guint                  limit,
                                           GError               **error);
gint64     mdk_member_repo_count          (PGconn                *conn,
                                           const MdkMemberQuery  *query,
                                           GError               **error);
GArray    *mdk_member_repo_page_starts    (PGconn                *conn,
                                           const MdkMemberQuery  *query,
                                           guint                  page_size,
                                           GError               **error);

MdkMemberDetail *mdk_member_repo_load_detail        (PGconn               *conn,
                                                     gint64                member_id,
                                                     GError              **error);
void             mdk_member_repo_load_detail_async  (MdkDatabase          *database,
                                                     gint64                member_id,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
MdkMemberDetail *mdk_member_repo_load_detail_finish (MdkDatabase          *database,
                                                     GAsyncResult         *result,
                                                     GError              **error);

typedef enum
{
  MDK_MEMBER_DUPLICATE_MOBILE,
  MDK_MEMBER_DUPLICATE_ID_NUMBER,
} MdkMemberDuplicateField;

/**
 * MdkMemberDuplicate:
 * @id: the member number of the member found
 * @name: their name
 * @field: which of the draft's numbers they have
 *
 * A member who already has a draft's mobile or ID number.
 */
typedef struct
{
  gint64                   id;
  char                    *name;
  MdkMemberDuplicateField  field;
} MdkMemberDuplicate;

void       mdk_member_duplicate_free              (MdkMemberDuplicate    *duplicate);
GPtrArray *mdk_member_repo_find_duplicates        (PGconn                *conn,
                                                   const MdkMemberDraft  *draft,
                                                   GError               **error);
void       mdk_member_repo_find_duplicates_async  (MdkDatabase           *database,
                                                   const MdkMemberDraft  *draft,
                                                   GCancellable          *cancellable,
                                                   GAsyncReadyCallback    callback,
                                                   gpointer               user_data);
GPtrArray *mdk_member_repo_find_duplicates_finish (MdkDatabase           *database,
                                                   GAsyncResult          *result,
                                                   GError               **error);
gint64     mdk_member_repo_save                   (PGconn                *conn,
                                                   MdkMemberDraft        *draft,
                                                   GError               **error);
void       mdk_member_repo_save_async             (MdkDatabase           *database,
                                                   const MdkMemberDraft  *draft,
                                                   GCancellable          *cancellable,
                                                   GAsyncReadyCallback    callback,
                                                   gpointer               user_data);
gint64     mdk_member_repo_save_finish            (MdkDatabase           *database,
                                                   GAsyncResult          *result,
                                                   GError               **error);

G_END_DECLS
