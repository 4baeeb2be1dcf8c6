/* mdk-member-export.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

#include "mdk-database.h"
#include "mdk-member-query.h"

G_BEGIN_DECLS

typedef enum
{
  MDK_EXPORT_CSV,
  MDK_EXPORT_XLSX,
} MdkExportFormat;

/* Excel's limit, header row included. */
#define MDK_XLSX_MAX_ROWS 1048576

typedef void (*MdkExportProgressFunc) (guint64  done,
                                       guint64  total,
                                       gpointer user_data);

MdkExportFormat mdk_export_format_for_path (const char             *path,
                                            gboolean               *known);
gboolean        mdk_member_export          (PGconn                 *conn,
                                            const MdkMemberQuery   *query,
                                            const char             *path,
                                            MdkExportFormat         format,
                                            guint                   rows_per_sheet,
                                            MdkExportProgressFunc   progress,
                                            gpointer                progress_data,
                                            GCancellable           *cancellable,
                                            guint64                *n_rows,
                                            GError                **error);

void            mdk_member_export_async    (MdkDatabase            *database,
                                            const MdkMemberQuery   *query,
                                            const char             *path,
                                            MdkExportFormat         format,
                                            MdkExportProgressFunc   progress,
                                            gpointer                progress_data,
                                            GCancellable           *cancellable,
                                            GAsyncReadyCallback     callback,
                                            gpointer                user_data);
gboolean        mdk_member_export_finish   (MdkDatabase            *database,
                                            GAsyncResult           *result,
                                            guint64                *n_rows,
                                            GError                **error);

G_END_DECLS
