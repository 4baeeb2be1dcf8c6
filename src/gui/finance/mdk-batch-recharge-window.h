/* mdk-batch-recharge-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"

G_BEGIN_DECLS

#define MDK_TYPE_BATCH_RECHARGE_WINDOW (mdk_batch_recharge_window_get_type ())

G_DECLARE_FINAL_TYPE (MdkBatchRechargeWindow, mdk_batch_recharge_window, MDK, BATCH_RECHARGE_WINDOW, AdwWindow)

MdkBatchRechargeWindow *mdk_batch_recharge_window_new      (MdkDatabase            *database,
                                                            const char             *path);
AdwMessageDialog       *mdk_batch_recharge_window_confirm  (MdkBatchRechargeWindow *self);
gboolean                mdk_batch_recharge_window_get_busy (MdkBatchRechargeWindow *self);
const char             *mdk_batch_recharge_window_get_page (MdkBatchRechargeWindow *self);

G_END_DECLS
