/* mdk-card.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MDK_TYPE_CARD (mdk_card_get_type ())

G_DECLARE_FINAL_TYPE (MdkCard, mdk_card, MDK, CARD, GObject)

typedef enum
{
  MDK_CARD_FIELD_CARD_NO,
  MDK_CARD_FIELD_CARD_TYPE,
  MDK_CARD_FIELD_CARD_KIND,
  MDK_CARD_FIELD_STATE,
  MDK_CARD_FIELD_ISSUED_ON,
  MDK_CARD_FIELD_EXPIRES_ON,
  MDK_CARD_FIELD_PRIMARY_CARD_NO,
  MDK_CARD_FIELD_ISSUED_STORE,
  MDK_CARD_FIELD_BALANCE,
  MDK_CARD_FIELD_BONUS_BALANCE,
  MDK_CARD_FIELD_POINTS_BALANCE,
  MDK_CARD_FIELD_ACTIONS,
  MDK_CARD_FIELD_REPLACEMENT_FEE,
  MDK_CARD_FIELD_REFUND_ON_CANCEL,
  MDK_CARD_FIELD_N_UNDER,
  MDK_CARD_FIELD_DAILY_LIMIT,
  MDK_CARD_FIELD_TIER_DOWN_ON,
  MDK_CARD_FIELD_TIER_DOWN_TO,
  MDK_CARD_FIELD_TIER_HELD_UNTIL,
  MDK_CARD_FIELD_SERVICE_FEE,
  MDK_CARD_N_FIELDS
} MdkCardField;

MdkCard *mdk_card_new (const char * const *fields);
const char *mdk_card_get_field (MdkCard *self,
                               MdkCardField field);
const char *mdk_card_state_label (const char *state);

G_END_DECLS
