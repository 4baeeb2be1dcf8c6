/* mdk-card-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"

G_BEGIN_DECLS

#define MDK_TYPE_CARD_DIALOG (mdk_card_dialog_get_type ())

G_DECLARE_FINAL_TYPE (MdkCardDialog, mdk_card_dialog, MDK, CARD_DIALOG, AdwWindow)

MdkCardDialog *mdk_card_dialog_new_issue   (MdkDatabase   *database,
                                            gint64         member_id,
                                            const char    *member_name);
MdkCardDialog *mdk_card_dialog_new_action  (MdkDatabase   *database,
                                            MdkCard       *card,
                                            const char    *action);
void           mdk_card_dialog_set_field   (MdkCardDialog *self,
                                            const char    *field,
                                            const char    *text);
gboolean       mdk_card_dialog_get_busy    (MdkCardDialog *self);
gboolean       mdk_card_dialog_get_done    (MdkCardDialog *self);
const char    *mdk_card_dialog_get_message (MdkCardDialog *self);
const char    *mdk_card_dialog_get_explanation (MdkCardDialog *self);
const char    *mdk_card_dialog_get_under_info  (MdkCardDialog *self);

const char    *mdk_card_action_label       (const char    *action);
gboolean       mdk_card_dialog_choose_type (MdkCardDialog *self,
                                            const char    *name);

G_END_DECLS
