/* mdk-finance-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"

G_BEGIN_DECLS

#define MDK_TYPE_FINANCE_PAGE (mdk_finance_page_get_type ())

G_DECLARE_FINAL_TYPE (MdkFinancePage, mdk_finance_page, MDK, FINANCE_PAGE, GtkWidget)

void            mdk_finance_page_set_database     (MdkFinancePage *self,
                                                   MdkDatabase    *database);
MdkJournalList *mdk_finance_page_get_list         (MdkFinancePage *self);
void            mdk_finance_page_reload           (MdkFinancePage *self);
GtkWindow      *mdk_finance_page_open_transaction (MdkFinancePage *self,
                                                   guint           position);
GtkWindow      *mdk_finance_page_open_dialog      (MdkFinancePage *self,
                                                   MdkLedgerKind   kind);
GtkWindow      *mdk_finance_page_open_batch       (MdkFinancePage *self,
                                                   const char     *path);
GtkWindow      *mdk_finance_page_open_rules       (MdkFinancePage *self);
void            mdk_finance_page_show_settlement  (MdkFinancePage *self);
gboolean        mdk_finance_page_get_busy         (MdkFinancePage *self);

G_END_DECLS
