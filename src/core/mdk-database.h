/* mdk-database.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

#include "mdk-database-error.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)

/**
 * MdkDatabaseRunFlags:
 * @MDK_DATABASE_RUN_DEFAULT: run the work once, as it is
 * @MDK_DATABASE_RUN_READ_ONLY: the work changes nothing, so it is run again
 *   on a fresh connection when the connection drops
 * @MDK_DATABASE_RUN_TRANSACTION: run the work between BEGIN and COMMIT, and
 *   run the whole transaction again on a serialization failure or deadlock
 * @MDK_DATABASE_RUN_IDEMPOTENT: the work carries its own request id, which
 *   the server applies once: it is sent again on a fresh connection when the
 *   connection drops, and after a serialization failure or deadlock
 */
typedef enum
{
  MDK_DATABASE_RUN_DEFAULT = 0,
  MDK_DATABASE_RUN_READ_ONLY = 1 << 0,
  MDK_DATABASE_RUN_TRANSACTION = 1 << 1,
  MDK_DATABASE_RUN_IDEMPOTENT = 1 << 2,
} MdkDatabaseRunFlags;

/**
 * MdkDatabaseWorkFunc:
 * @conn: a connection of the database's own, for the time of the call
 * @work_data: the data given to mdk_database_run_async()
 * @cancellable: (nullable): cancels the work; a running query is cancelled on the server
 * @error: return location for a #GError
 *
 * Work done off the main thread on one connection. It may be called more
 * than once (see #MdkDatabaseRunFlags), so it must not consume @work_data.
 *
 * Returns: (nullable) (transfer full): the result, or %NULL with @error set
 */
typedef gpointer (*MdkDatabaseWorkFunc) (PGconn        *conn,
                                         gpointer       work_data,
                                         GCancellable  *cancellable,
                                         GError       **error);

#define MDK_TYPE_DATABASE (mdk_database_get_type ())

G_DECLARE_FINAL_TYPE (MdkDatabase, mdk_database, MDK, DATABASE, GObject)

MdkDatabase *mdk_database_new            (const char           *conninfo,
                                          const char           *password);
const char  *mdk_database_get_conninfo   (MdkDatabase          *self);
PGconn      *mdk_database_connect        (MdkDatabase          *self,
                                          GError              **error);
gpointer     mdk_database_run_sync       (MdkDatabase          *self,
                                          MdkDatabaseRunFlags   flags,
                                          MdkDatabaseWorkFunc   func,
                                          gpointer              work_data,
                                          GCancellable         *cancellable,
                                          GError              **error);
void         mdk_database_run_async      (MdkDatabase          *self,
                                          MdkDatabaseRunFlags   flags,
                                          MdkDatabaseWorkFunc   func,
                                          gpointer              work_data,
                                          GDestroyNotify        work_data_destroy,
                                          GDestroyNotify        result_destroy,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gpointer     mdk_database_run_finish     (MdkDatabase          *self,
                                          GAsyncResult         *result,
                                          GError              **error);
void         mdk_database_close_idle     (MdkDatabase          *self);

PGresult    *mdk_pg_exec                 (PGconn               *conn,
                                          const char           *sql,
                                          int                   n_params,
                                          const char * const   *params,
                                          GError              **error);
gboolean     mdk_pg_exec_command         (PGconn               *conn,
                                          const char           *sql,
                                          int                   n_params,
                                          const char * const   *params,
                                          GError              **error);
gboolean     mdk_pg_exec_script          (PGconn               *conn,
                                          const char           *script,
                                          GError              **error);
char        *mdk_pg_get_string           (const PGresult       *result,
                                          int                   row,
                                          int                   column);
gint64       mdk_pg_get_int64            (const PGresult       *result,
                                          int                   row,
                                          int                   column);
char        *mdk_pg_text_array           (const char * const   *items);

G_END_DECLS
