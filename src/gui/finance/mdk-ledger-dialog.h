/* mdk-ledger-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"

G_BEGIN_DECLS

#define MDK_TYPE_LEDGER_DIALOG (mdk_ledger_dialog_get_type ())

G_DECLARE_FINAL_TYPE (MdkLedgerDialog, mdk_ledger_dialog, MDK, LEDGER_DIALOG, AdwWindow)

MdkLedgerDialog *mdk_ledger_dialog_new         (MdkDatabase     *database,
                                                MdkLedgerKind    kind);
void             mdk_ledger_dialog_set_field   (MdkLedgerDialog *self,
                                                const char      *field,
                                                const char      *text);
gboolean         mdk_ledger_dialog_get_busy    (MdkLedgerDialog *self);
const char      *mdk_ledger_dialog_get_message (MdkLedgerDialog *self);

G_END_DECLS
