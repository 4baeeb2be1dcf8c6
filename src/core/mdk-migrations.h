/* mdk-migrations.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

#define MDK_MIGRATIONS_RESOURCE_PATH "/io/github/memberdesk/Memberdesk/sql"

int      mdk_migrations_get_latest_version  (const char  *resource_path);
int      mdk_migrations_get_current_version (PGconn      *conn,
                                             GError     **error);
gboolean mdk_migrations_apply               (PGconn      *conn,
                                             const char  *resource_path,
                                             guint       *n_applied,
                                             GError     **error);

G_END_DECLS
