/* mdk-card-batch.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-database.h"
#include "mdk-progress.h"

G_BEGIN_DECLS

/**
 * MdkCardBatch:
 * @request_id: the batch's id, made once and kept for every retry of it
 * @member_group_id: the members: every member of this group
 * @card_type_id: the type of their cards
 * @store_id: where the cards are issued
 * @method: (nullable): how joining fees are paid (mdk.payment_method)
 * @primary_card_no: (nullable): the card they are all under, such as an
 *   enterprise's group card for its holders
 */
typedef struct
{
  char   *request_id;
  gint64  member_group_id;
  gint64  card_type_id;
  gint64  store_id;
  char   *method;
  char   *primary_card_no;
} MdkCardBatch;

/**
 * MdkCardBatchPreview:
 * @members: members in the group
 * @holding: of them, members who hold a card of the type in use already
 * @joining_fee: the type's joining fee, in fen, for each card
 * @room: cards the primary card has room for under it, -1 without one
 */
typedef struct
{
  gint64 members;
  gint64 holding;
  gint64 joining_fee;
  gint64 room;
} MdkCardBatchPreview;

/**
 * MdkCardBatchResult:
 * @issued: cards issued
 * @skipped: members skipped: they held a card of the type
 * @fee: joining fees taken, in fen
 * @first_card_no: the first card issued, "" for none
 * @last_card_no: the last
 */
typedef struct
{
  gint64 issued;
  gint64 skipped;
  gint64 fee;
  char   first_card_no[24];
  char   last_card_no[24];
} MdkCardBatchResult;

MdkCardBatch        *mdk_card_batch_new           (void);
void                 mdk_card_batch_free          (MdkCardBatch         *batch);
MdkCardBatchPreview *mdk_card_batch_preview       (PGconn               *conn,
                                                   const MdkCardBatch   *batch,
                                                   GError              **error);
MdkCardBatchResult  *mdk_card_batch_issue         (PGconn               *conn,
                                                   const MdkCardBatch   *batch,
                                                   MdkProgressFunc       progress,
                                                   gpointer              progress_data,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
void                 mdk_card_batch_issue_async   (MdkDatabase          *database,
                                                   const MdkCardBatch   *batch,
                                                   MdkProgressFunc       progress,
                                                   gpointer              progress_data,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
MdkCardBatchResult  *mdk_card_batch_issue_finish  (MdkDatabase          *database,
                                                   GAsyncResult         *result,
                                                   GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdkCardBatch, mdk_card_batch_free)

G_END_DECLS
