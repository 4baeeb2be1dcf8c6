/* mdk-member-import.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mdk-database.h"
#include "mdk-progress.h"

G_BEGIN_DECLS

/**
 * MdkImportDuplicates:
 * @MDK_IMPORT_SKIP: a row whose mobile or ID number a member has leaves that member alone
 * @MDK_IMPORT_UPDATE: the row's non-empty values replace the member's
 * @MDK_IMPORT_MERGE: the row's values fill only what the member lacks
 *
 * What an import does with a row for somebody who is already a member.
 * Either way an existing birthday is never changed by an import: head
 * office's birthday policy applies to people, through the member form.
 */
typedef enum
{
  MDK_IMPORT_SKIP,
  MDK_IMPORT_UPDATE,
  MDK_IMPORT_MERGE,
} MdkImportDuplicates;

/**
 * MdkImportPlan:
 * @path: the file
 * @header: (array zero-terminated=1): the file's header row
 * @targets: (array zero-terminated=1): for each column, what it holds:
 *   "name", "mobile", "gender", "email", "id_number", "birthday",
 *   "anniversary", "store", "group", "tags", "custom:KEY", or "" to ignore it
 * @preview: (element-type GStrv): the first rows after the header
 * @encoding: "UTF-8", "GB18030" or "XLSX"
 * @default_store_id: the home store of rows without a store column or value
 * @duplicates: what to do with rows for existing members
 *
 * What an import will read and how.
 */
typedef struct
{
  char                *path;
  char               **header;
  char               **targets;
  GPtrArray           *preview;
  char                *encoding;
  gint64               default_store_id;
  MdkImportDuplicates  duplicates;
} MdkImportPlan;

/**
 * MdkImportRejection:
 * @line: the line (CSV) or row (Excel) of the file, counting the header as 1
 * @reason: what is wrong, in the person's language
 * @fields: (array zero-terminated=1): the row as read
 *
 * A row that did not land.
 */
typedef struct
{
  guint64   line;
  char     *reason;
  char    **fields;
} MdkImportRejection;

/**
 * MdkImportResult:
 * @import_id: the import's number in mdk.member_imports
 * @n_rows: the rows read, header and blank rows not counted
 * @n_inserted: new members
 * @n_updated: existing members changed (update or merge)
 * @n_skipped: rows for existing members left alone
 * @n_birthdays_kept: existing members whose birthday differs from the file's, kept
 * @rejections: (element-type MdkImportRejection): the rows that did not land
 *
 * What an import did.
 */
typedef struct
{
  gint64     import_id;
  guint64    n_rows;
  guint64    n_inserted;
  guint64    n_updated;
  guint64    n_skipped;
  guint64    n_birthdays_kept;
  GPtrArray *rejections;
} MdkImportResult;

typedef MdkProgressFunc MdkImportProgressFunc;

MdkImportPlan   *mdk_import_plan_new          (const char          *path,
                                               GListModel          *custom_fields,
                                               GError             **error);
MdkImportPlan   *mdk_import_plan_copy         (const MdkImportPlan *plan);
void             mdk_import_plan_free         (MdkImportPlan       *plan);
const char      *mdk_import_target_for_header (const char          *header,
                                               GListModel          *custom_fields);
gboolean         mdk_import_plan_check        (const MdkImportPlan *plan,
                                               GError             **error);

MdkImportResult *mdk_member_import            (PGconn                 *conn,
                                               const MdkImportPlan    *plan,
                                               MdkImportProgressFunc   progress,
                                               gpointer                progress_data,
                                               GCancellable           *cancellable,
                                               GError                **error);
void             mdk_member_import_async      (MdkDatabase            *database,
                                               const MdkImportPlan    *plan,
                                               MdkImportProgressFunc   progress,
                                               gpointer                progress_data,
                                               GCancellable           *cancellable,
                                               GAsyncReadyCallback     callback,
                                               gpointer                user_data);
MdkImportResult *mdk_member_import_finish     (MdkDatabase            *database,
                                               GAsyncResult           *result,
                                               GError                **error);
void             mdk_import_result_free       (MdkImportResult        *result);
gboolean         mdk_import_result_write_report (const MdkImportResult *result,
                                               const MdkImportPlan    *plan,
                                               const char             *path,
                                               GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdkImportPlan, mdk_import_plan_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdkImportResult, mdk_import_result_free)

G_END_DECLS
