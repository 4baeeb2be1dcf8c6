/* mdk-card-lookup.h: a card looked up as its number is typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-core.h"

G_BEGIN_DECLS

/**
 * MdkCardLookupFunc:
 * @user_data: what mdk_card_lookup_new() was given
 * @card: (nullable): the card, or %NULL for no number or with @error
 * @error: (nullable): why there is no card (an unknown number, say)
 *
 * Shows what a look-up found.
 */
typedef void (*MdkCardLookupFunc) (gpointer              user_data,
                                   const MdkCardSummary *card,
                                   const GError         *error);

typedef struct _MdkCardLookup MdkCardLookup;

MdkCardLookup *mdk_card_lookup_new       (MdkDatabase       *database,
                                          MdkCardLookupFunc  func,
                                          gpointer           user_data);
void           mdk_card_lookup_schedule  (MdkCardLookup     *self,
                                          const char        *card_no);
void           mdk_card_lookup_now       (MdkCardLookup     *self,
                                          const char        *card_no);
gboolean       mdk_card_lookup_get_busy  (MdkCardLookup     *self);
void           mdk_card_lookup_free      (MdkCardLookup     *self);

G_END_DECLS
