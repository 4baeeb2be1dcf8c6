/* mdk-org-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"

G_BEGIN_DECLS

#define MDK_TYPE_ORG_PAGE (mdk_org_page_get_type ())

G_DECLARE_FINAL_TYPE (MdkOrgPage, mdk_org_page, MDK, ORG_PAGE, GtkWidget)

void     mdk_org_page_set_database (MdkOrgPage  *self,
                                    MdkDatabase *database);
void     mdk_org_page_reload       (MdkOrgPage  *self);
gboolean mdk_org_page_get_loading  (MdkOrgPage  *self);
guint    mdk_org_page_get_n_rows   (MdkOrgPage  *self);

G_END_DECLS
