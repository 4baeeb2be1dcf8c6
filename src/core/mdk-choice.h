/* mdk-choice.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-database.h"

G_BEGIN_DECLS

#define MDK_TYPE_CHOICE (mdk_choice_get_type ())

G_DECLARE_FINAL_TYPE (MdkChoice, mdk_choice, MDK, CHOICE, GObject)

MdkChoice  *mdk_choice_new                 (gint64       id,
                                            const char  *label);
gint64      mdk_choice_get_id              (MdkChoice   *self);
const char *mdk_choice_get_label           (MdkChoice   *self);
GListModel *mdk_choice_load_card_types     (PGconn      *conn,
                                            GError     **error);

GListModel *mdk_choice_load_issuable_card_types (PGconn *conn,
                                                 GError **error);
GListModel *mdk_choice_load_stores         (PGconn      *conn,
                                            GError     **error);

GListModel *mdk_choice_load_groups         (PGconn      *conn,
                                            GError     **error);
GListModel *mdk_choice_load_tags           (PGconn      *conn,
                                            GError     **error);
GListModel *mdk_choice_load_tier_card_types (PGconn     *conn,
                                            GError     **error);
GListModel *mdk_choice_load_regions        (PGconn      *conn,
                                            GError     **error);
GListModel *mdk_choice_load_operators      (PGconn      *conn,
                                            GError     **error);

G_END_DECLS
