/* mdk-card-batch-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"

G_BEGIN_DECLS

#define MDK_TYPE_CARD_BATCH_WINDOW (mdk_card_batch_window_get_type ())

G_DECLARE_FINAL_TYPE (MdkCardBatchWindow, mdk_card_batch_window, MDK, CARD_BATCH_WINDOW, AdwWindow)

MdkCardBatchWindow *mdk_card_batch_window_new         (MdkDatabase        *database);
gboolean            mdk_card_batch_window_get_busy    (MdkCardBatchWindow *self);
gboolean            mdk_card_batch_window_get_done    (MdkCardBatchWindow *self);
gboolean            mdk_card_batch_window_choose      (MdkCardBatchWindow *self,
                                                       const char         *field,
                                                       const char         *label);
void                mdk_card_batch_window_set_under   (MdkCardBatchWindow *self,
                                                       const char         *card_no);
const char         *mdk_card_batch_window_get_preview (MdkCardBatchWindow *self);
const char         *mdk_card_batch_window_get_message (MdkCardBatchWindow *self);

G_END_DECLS
