/* mdk-embedded-server.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MDK_EMBEDDED_DATABASE_NAME "memberdesk"

#define MDK_TYPE_EMBEDDED_SERVER (mdk_embedded_server_get_type ())

G_DECLARE_FINAL_TYPE (MdkEmbeddedServer, mdk_embedded_server, MDK, EMBEDDED_SERVER, GObject)

MdkEmbeddedServer *mdk_embedded_server_new             (const char          *data_dir,
                                                        const char          *socket_dir);
MdkEmbeddedServer *mdk_embedded_server_new_default     (void);
const char        *mdk_embedded_server_get_data_dir    (MdkEmbeddedServer   *self);
const char        *mdk_embedded_server_get_socket_dir  (MdkEmbeddedServer   *self);
void               mdk_embedded_server_set_durable     (MdkEmbeddedServer   *self,
                                                        gboolean             durable);
gboolean           mdk_embedded_server_get_created     (MdkEmbeddedServer   *self);
gboolean           mdk_embedded_server_get_recovered   (MdkEmbeddedServer   *self);
gboolean           mdk_embedded_server_get_started     (MdkEmbeddedServer   *self);
char              *mdk_embedded_server_dup_conninfo    (MdkEmbeddedServer   *self,
                                                        const char          *dbname);
gboolean           mdk_embedded_server_start           (MdkEmbeddedServer   *self,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
void               mdk_embedded_server_start_async     (MdkEmbeddedServer   *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean           mdk_embedded_server_start_finish    (MdkEmbeddedServer   *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
gboolean           mdk_embedded_server_stop            (MdkEmbeddedServer   *self,
                                                        GError             **error);
GPid               mdk_embedded_server_get_postmaster_pid (MdkEmbeddedServer *self);

char              *mdk_embedded_server_find_bindir     (const char          *major_version,
                                                        GError             **error);

G_END_DECLS
