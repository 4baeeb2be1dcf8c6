/* mdk-settlement.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-database.h"

G_BEGIN_DECLS

#define MDK_TYPE_SETTLEMENT_LINE (mdk_settlement_line_get_type ())

G_DECLARE_FINAL_TYPE (MdkSettlementLine, mdk_settlement_line, MDK, SETTLEMENT_LINE, GObject)

gint64      mdk_settlement_line_get_store_id    (MdkSettlementLine *self);
const char *mdk_settlement_line_get_store_name  (MdkSettlementLine *self);
const char *mdk_settlement_line_get_region_name (MdkSettlementLine *self);
gint64      mdk_settlement_line_get_collected   (MdkSettlementLine *self);
gint64      mdk_settlement_line_get_spent       (MdkSettlementLine *self);
gint64      mdk_settlement_line_get_owes        (MdkSettlementLine *self);

GListModel *mdk_settlement_load       (PGconn               *conn,
                                       const char           *from,
                                       const char           *to,
                                       gint64                region_id,
                                       GError              **error);
void        mdk_settlement_load_async (MdkDatabase          *database,
                                       const char           *from,
                                       const char           *to,
                                       gint64                region_id,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
GListModel *mdk_settlement_load_finish (MdkDatabase         *database,
                                        GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
