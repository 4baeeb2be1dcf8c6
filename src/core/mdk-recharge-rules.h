/* mdk-recharge-rules.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-database.h"

G_BEGIN_DECLS

/**
 * MdkRechargePermission:
 * @id: the row of mdk.recharge_permissions
 * @store_name: (nullable): the store, %NULL for any
 * @operator_name: (nullable): the operator, %NULL for any
 */
typedef struct
{
  gint64  id;
  char   *store_name;
  char   *operator_name;
} MdkRechargePermission;

/**
 * MdkBonusRule:
 * @id: the row of mdk.recharge_bonus_rules
 * @min_amount: fen a recharge must reach
 * @bonus: fen of promotional value it gives
 * @card_type_name: (nullable): the card type, %NULL for all
 * @starts_on: (nullable): the first day, YYYY-MM-DD
 * @ends_on: (nullable): the last day
 */
typedef struct
{
  gint64  id;
  gint64  min_amount;
  gint64  bonus;
  char   *card_type_name;
  char   *starts_on;
  char   *ends_on;
} MdkBonusRule;

/**
 * MdkRechargeRules:
 * @permissions: (element-type MdkRechargePermission): who may recharge where
 * @bonus_rules: (element-type MdkBonusRule): the bonuses in force, largest first
 */
typedef struct
{
  GArray *permissions;
  GArray *bonus_rules;
} MdkRechargeRules;

MdkRechargeRules *mdk_recharge_rules_load            (PGconn            *conn,
                                                      GError           **error);
void              mdk_recharge_rules_free            (MdkRechargeRules  *rules);
gboolean          mdk_recharge_rules_allow           (PGconn            *conn,
                                                      gint64             store_id,
                                                      gint64             operator_id,
                                                      GError           **error);
gboolean          mdk_recharge_rules_disallow        (PGconn            *conn,
                                                      gint64             permission_id,
                                                      GError           **error);
gboolean          mdk_recharge_rules_add_bonus       (PGconn            *conn,
                                                      gint64             min_amount,
                                                      gint64             bonus,
                                                      gint64             card_type_id,
                                                      GError           **error);
gboolean          mdk_recharge_rules_end_bonus       (PGconn            *conn,
                                                      gint64             rule_id,
                                                      GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdkRechargeRules, mdk_recharge_rules_free)

G_END_DECLS
