/* mdk-database-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

#define MDK_DATABASE_ERROR (mdk_database_error_quark ())

/**
 * MdkDatabaseError:
 * @MDK_DATABASE_ERROR_FAILED: anything not listed below
 * @MDK_DATABASE_ERROR_CONNECTION_FAILED: no connection could be made
 * @MDK_DATABASE_ERROR_CONNECTION_LOST: the connection dropped during a request;
 *   whether a write took effect is unknown and must be resolved by request id
 * @MDK_DATABASE_ERROR_UNIQUE_VIOLATION: SQLSTATE 23505
 * @MDK_DATABASE_ERROR_FOREIGN_KEY_VIOLATION: SQLSTATE 23503
 * @MDK_DATABASE_ERROR_CHECK_VIOLATION: SQLSTATE 23514
 * @MDK_DATABASE_ERROR_NOT_NULL_VIOLATION: SQLSTATE 23502
 * @MDK_DATABASE_ERROR_INVALID_DATA: SQLSTATE class 22 (bad input value)
 * @MDK_DATABASE_ERROR_PERMISSION_DENIED: SQLSTATE 42501 and class 28
 * @MDK_DATABASE_ERROR_SERIALIZATION_FAILURE: SQLSTATE 40001
 * @MDK_DATABASE_ERROR_DEADLOCK: SQLSTATE 40P01
 * @MDK_DATABASE_ERROR_RESOURCES: SQLSTATE class 53 (disk full, out of memory, too many connections)
 * @MDK_DATABASE_ERROR_REFUSED: an `mdk` function refused the request (SQLSTATE P0001)
 * @MDK_DATABASE_ERROR_SCHEMA_TOO_NEW: the database was migrated by a newer Memberdesk
 * @MDK_DATABASE_ERROR_SCHEMA_MISSING: the database has no Memberdesk schema
 * @MDK_DATABASE_ERROR_SERVER_NOT_INSTALLED: no PostgreSQL server binaries were found
 * @MDK_DATABASE_ERROR_SERVER_FAILED: the embedded server did not start or stop
 *
 * Error codes a caller can act on.
 */
typedef enum
{
  MDK_DATABASE_ERROR_FAILED,
  MDK_DATABASE_ERROR_CONNECTION_FAILED,
  MDK_DATABASE_ERROR_CONNECTION_LOST,
  MDK_DATABASE_ERROR_UNIQUE_VIOLATION,
  MDK_DATABASE_ERROR_FOREIGN_KEY_VIOLATION,
  MDK_DATABASE_ERROR_CHECK_VIOLATION,
  MDK_DATABASE_ERROR_NOT_NULL_VIOLATION,
  MDK_DATABASE_ERROR_INVALID_DATA,
  MDK_DATABASE_ERROR_PERMISSION_DENIED,
  MDK_DATABASE_ERROR_SERIALIZATION_FAILURE,
  MDK_DATABASE_ERROR_DEADLOCK,
  MDK_DATABASE_ERROR_RESOURCES,
  MDK_DATABASE_ERROR_REFUSED,
  MDK_DATABASE_ERROR_SCHEMA_TOO_NEW,
  MDK_DATABASE_ERROR_SCHEMA_MISSING,
  MDK_DATABASE_ERROR_SERVER_NOT_INSTALLED,
  MDK_DATABASE_ERROR_SERVER_FAILED,
} MdkDatabaseError;

GQuark           mdk_database_error_quark        (void);
MdkDatabaseError mdk_database_error_from_sqlstate (const char *sqlstate);
GError          *mdk_database_error_new_from_result (PGconn         *conn,
                                                     const PGresult *result);
gboolean         mdk_database_error_is_retryable  (const GError  *error);

G_END_DECLS
