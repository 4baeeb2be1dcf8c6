/* mdk-context.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-database.h"
#include "mdk-demo.h"
#include "mdk-embedded-server.h"

G_BEGIN_DECLS

#define MDK_TYPE_CONTEXT (mdk_context_get_type ())

G_DECLARE_FINAL_TYPE (MdkContext, mdk_context, MDK, CONTEXT, GObject)

MdkContext        *mdk_context_new_embedded        (MdkEmbeddedServer    *server);
MdkContext        *mdk_context_new_for_server      (const char           *conninfo,
                                                    const char           *password);
MdkDatabase       *mdk_context_get_database        (MdkContext           *self);
MdkEmbeddedServer *mdk_context_get_embedded_server (MdkContext           *self);
gboolean           mdk_context_get_fresh           (MdkContext           *self);
const char        *mdk_context_get_server_label    (MdkContext           *self);
const char        *mdk_context_get_role_label      (MdkContext           *self);
int                mdk_context_get_schema_version  (MdkContext           *self);
gboolean           mdk_context_open                (MdkContext           *self,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
void               mdk_context_open_async          (MdkContext           *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean           mdk_context_open_finish         (MdkContext           *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void               mdk_context_load_demo_async     (MdkContext           *self,
                                                    guint                 n_members,
                                                    guint64               seed,
                                                    MdkDemoProgressFunc   progress,
                                                    gpointer              progress_data,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean           mdk_context_load_demo_finish    (MdkContext           *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
gboolean           mdk_context_close               (MdkContext           *self,
                                                    GError              **error);
void               mdk_context_close_async         (MdkContext           *self,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean           mdk_context_close_finish        (MdkContext           *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

G_END_DECLS
