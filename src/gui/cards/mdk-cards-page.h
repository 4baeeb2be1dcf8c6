/* mdk-cards-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"
#include "members/mdk-member-window.h"

G_BEGIN_DECLS

#define MDK_TYPE_CARDS_PAGE (mdk_cards_page_get_type ())

G_DECLARE_FINAL_TYPE (MdkCardsPage, mdk_cards_page, MDK, CARDS_PAGE, GtkWidget)

void             mdk_cards_page_set_database (MdkCardsPage *self,
                                              MdkDatabase  *database);
MdkCardList     *mdk_cards_page_get_list     (MdkCardsPage *self);
void             mdk_cards_page_filter_state (MdkCardsPage *self,
                                              const char   *state);
void             mdk_cards_page_reload       (MdkCardsPage *self);
MdkMemberWindow *mdk_cards_page_open_card    (MdkCardsPage *self,
                                              guint         position);
GtkWindow       *mdk_cards_page_open_designer (MdkCardsPage *self);
GtkWindow       *mdk_cards_page_open_batch    (MdkCardsPage *self);

G_END_DECLS
