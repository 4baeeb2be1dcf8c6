/* mdk-org-private.h: constructors for the repository that reads them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-org.h"

G_BEGIN_DECLS

MdkRegion   *mdk_region_new          (gint64       id,
                                      const char  *code,
                                      const char  *name);
void         mdk_region_add_store    (MdkRegion   *self,
                                      MdkStore    *store);
MdkStore    *mdk_store_new           (gint64       id,
                                      const char  *code,
                                      const char  *name,
                                      const char  *city,
                                      const char  *address,
                                      gboolean     is_active);
void         mdk_store_add_terminal  (MdkStore    *self,
                                      MdkTerminal *terminal);
MdkTerminal *mdk_terminal_new        (gint64       id,
                                      const char  *code,
                                      const char  *name,
                                      const char  *kind,
                                      gboolean     is_active);

G_END_DECLS
