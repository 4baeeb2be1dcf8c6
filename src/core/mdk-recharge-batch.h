/* mdk-recharge-batch.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-database.h"
#include "mdk-progress.h"

G_BEGIN_DECLS

/**
 * MdkRechargeLine:
 * @line: the line (CSV) or row (workbook) in the file
 * @card_no: the card
 * @amount: fen
 * @reference: (nullable): the line's reference
 * @fields: the line's cells as read
 */
typedef struct
{
  guint64   line;
  char     *card_no;
  gint64    amount;
  char     *reference;
  char    **fields;
} MdkRechargeLine;

/**
 * MdkRechargeRejection:
 * @line: the line in the file
 * @fields: the line's cells as read
 * @reason: why it is not applied, for people
 */
typedef struct
{
  guint64   line;
  char    **fields;
  char     *reason;
} MdkRechargeRejection;

/**
 * MdkRechargeBatch:
 * @path: the file
 * @digest: its SHA-256, which identifies it
 * @encoding: how it was read (a CSV encoding, or "XLSX")
 * @header: its header row
 * @card_column: the card number's column
 * @amount_column: the amount's column (yuan)
 * @reference_column: the reference's column, or -1
 * @lines: (element-type MdkRechargeLine): the lines that will be applied
 * @rejections: (element-type MdkRechargeRejection): the lines that will not, and why
 * @total: fen: the sum of @lines
 * @earlier_batch: the batch this file was applied as before, or 0
 * @earlier_at: (nullable): when
 *
 * A batch recharge file, read and checked, before it is applied.
 */
typedef struct
{
  char       *path;
  char       *digest;
  char       *encoding;
  char      **header;
  int         card_column;
  int         amount_column;
  int         reference_column;
  GArray     *lines;
  GPtrArray  *rejections;
  gint64      total;
  gint64      earlier_batch;
  char       *earlier_at;
} MdkRechargeBatch;

/**
 * MdkRechargeBatchResult:
 * @batch_id: the batch
 * @lines: lines applied
 * @total: fen recharged
 * @bonus: fen of promotional value given by bonus rules
 * @again: %TRUE when the file had been applied before: nothing was charged twice
 */
typedef struct
{
  gint64   batch_id;
  guint    lines;
  gint64   total;
  gint64   bonus;
  gboolean again;
} MdkRechargeBatchResult;

MdkRechargeBatch       *mdk_recharge_batch_read         (const char              *path,
                                                         GCancellable            *cancellable,
                                                         GError                 **error);
gboolean                mdk_recharge_batch_check        (PGconn                  *conn,
                                                         MdkRechargeBatch        *batch,
                                                         GError                 **error);
MdkRechargeBatchResult *mdk_recharge_batch_apply        (PGconn                  *conn,
                                                         const MdkRechargeBatch  *batch,
                                                         gint64                   store_id,
                                                         MdkProgressFunc          progress,
                                                         gpointer                 progress_data,
                                                         GCancellable            *cancellable,
                                                         GError                 **error);
gboolean                mdk_recharge_batch_write_report (const MdkRechargeBatch  *batch,
                                                         const char              *path,
                                                         GError                 **error);
void                    mdk_recharge_batch_free         (MdkRechargeBatch        *batch);

void                    mdk_recharge_batch_prepare_async  (MdkDatabase            *database,
                                                           const char             *path,
                                                           GCancellable           *cancellable,
                                                           GAsyncReadyCallback     callback,
                                                           gpointer                user_data);
MdkRechargeBatch       *mdk_recharge_batch_prepare_finish (MdkDatabase            *database,
                                                           GAsyncResult           *result,
                                                           GError                **error);
void                    mdk_recharge_batch_apply_async    (MdkDatabase            *database,
                                                           MdkRechargeBatch       *batch,
                                                           gint64                  store_id,
                                                           MdkProgressFunc         progress,
                                                           gpointer                progress_data,
                                                           GCancellable           *cancellable,
                                                           GAsyncReadyCallback     callback,
                                                           gpointer                user_data);
MdkRechargeBatchResult *mdk_recharge_batch_apply_finish   (MdkDatabase            *database,
                                                           GAsyncResult           *result,
                                                           GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdkRechargeBatch, mdk_recharge_batch_free)

G_END_DECLS
