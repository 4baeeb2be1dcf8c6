/* mdk-password-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     mdk_password_store_lookup_async  (const char          *conninfo,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
char    *mdk_password_store_lookup_finish (GAsyncResult        *result,
                                           GError             **error);
void     mdk_password_store_save_async    (const char          *conninfo,
                                           const char          *password,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean mdk_password_store_save_finish   (GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
