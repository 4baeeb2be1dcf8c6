/* mdk-transaction-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"

G_BEGIN_DECLS

#define MDK_TYPE_TRANSACTION_WINDOW (mdk_transaction_window_get_type ())

G_DECLARE_FINAL_TYPE (MdkTransactionWindow, mdk_transaction_window, MDK, TRANSACTION_WINDOW, AdwWindow)

MdkTransactionWindow *mdk_transaction_window_new      (MdkDatabase          *database,
                                                       MdkTransaction       *transaction);
gboolean              mdk_transaction_window_get_busy (MdkTransactionWindow *self);
AdwMessageDialog     *mdk_transaction_window_ask      (MdkTransactionWindow *self,
                                                       MdkLedgerKind         kind);

G_END_DECLS
