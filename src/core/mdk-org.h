/* mdk-org.h: the chain's organisation: regions, their stores, their terminals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MDK_TYPE_REGION (mdk_region_get_type ())
G_DECLARE_FINAL_TYPE (MdkRegion, mdk_region, MDK, REGION, GObject)

#define MDK_TYPE_STORE (mdk_store_get_type ())
G_DECLARE_FINAL_TYPE (MdkStore, mdk_store, MDK, STORE, GObject)

#define MDK_TYPE_TERMINAL (mdk_terminal_get_type ())
G_DECLARE_FINAL_TYPE (MdkTerminal, mdk_terminal, MDK, TERMINAL, GObject)

gint64      mdk_region_get_id          (MdkRegion   *self);
const char *mdk_region_get_code        (MdkRegion   *self);
const char *mdk_region_get_name        (MdkRegion   *self);
GListModel *mdk_region_get_stores      (MdkRegion   *self);

gint64      mdk_store_get_id           (MdkStore    *self);
const char *mdk_store_get_code         (MdkStore    *self);
const char *mdk_store_get_name         (MdkStore    *self);
const char *mdk_store_get_city         (MdkStore    *self);
const char *mdk_store_get_address      (MdkStore    *self);
gboolean    mdk_store_get_is_active    (MdkStore    *self);
GListModel *mdk_store_get_terminals    (MdkStore    *self);

gint64      mdk_terminal_get_id        (MdkTerminal *self);
const char *mdk_terminal_get_code      (MdkTerminal *self);
const char *mdk_terminal_get_name      (MdkTerminal *self);
const char *mdk_terminal_get_kind      (MdkTerminal *self);
const char *mdk_terminal_get_kind_label (MdkTerminal *self);
gboolean    mdk_terminal_get_is_active (MdkTerminal *self);

G_END_DECLS
