/* mdk-recharge-rules-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"

G_BEGIN_DECLS

#define MDK_TYPE_RECHARGE_RULES_WINDOW (mdk_recharge_rules_window_get_type ())

G_DECLARE_FINAL_TYPE (MdkRechargeRulesWindow, mdk_recharge_rules_window, MDK, RECHARGE_RULES_WINDOW, AdwWindow)

MdkRechargeRulesWindow *mdk_recharge_rules_window_new       (MdkDatabase            *database);
gboolean                mdk_recharge_rules_window_get_busy  (MdkRechargeRulesWindow *self);
void                    mdk_recharge_rules_window_add_bonus (MdkRechargeRulesWindow *self,
                                                             const char             *min_amount,
                                                             const char             *bonus);

G_END_DECLS
