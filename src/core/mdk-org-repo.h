/* mdk-org-repo.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-database.h"
#include "mdk-org.h"

G_BEGIN_DECLS

GListModel *mdk_org_repo_load        (PGconn               *conn,
                                      GError              **error);
void        mdk_org_repo_load_async  (MdkDatabase          *database,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
GListModel *mdk_org_repo_load_finish (MdkDatabase          *database,
                                      GAsyncResult         *result,
                                      GError              **error);

G_END_DECLS
