/* mdk-pg-copy.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-database.h"

G_BEGIN_DECLS

/* Rows are sent to the server in batches of about this many bytes. */
#define MDK_PG_COPY_BUFFER_SIZE (1 << 20)

/**
 * MdkPgCopy:
 * @conn: the connection the COPY runs on
 * @buffer: rows not sent yet, in COPY's text format
 * @cancellable: (nullable): what the caller checks between rows
 *
 * A COPY … FROM STDIN in progress.
 */
typedef struct
{
  PGconn       *conn;
  GString      *buffer;
  GCancellable *cancellable;
} MdkPgCopy;

void     mdk_pg_copy_field    (GString     *buffer,
                               const char  *value,
                               gboolean     last);
gboolean mdk_pg_copy_begin    (MdkPgCopy   *copy,
                               const char  *statement,
                               GError     **error);
gboolean mdk_pg_copy_row_done (MdkPgCopy   *copy,
                               GError     **error);
gboolean mdk_pg_copy_end      (MdkPgCopy   *copy,
                               gboolean     ok,
                               GError     **error);

G_END_DECLS
