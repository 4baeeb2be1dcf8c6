/* mdk-member-export.c: the result of a member search to CSV or Excel,
 * page by page, in bounded memory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>
#include <xlsxwriter.h>

#include "mdk-database.h"
#include "mdk-database-error.h"
#include "mdk-member-export.h"
#include "mdk-csv-reader.h"
#include "mdk-custom-field.h"
#include "mdk-member-private.h"
#include "mdk-member-repo.h"

#define PAGE_SIZE 2000

typedef enum { TEXT, DATE, NUMBER } Kind;

static const struct {
  const char *title;
  int         field;  /* an MdkCustomField, or -1 for the member number */
  Kind        kind;
  double      width;
} columns[] = {
  { N_("Member number"), -1, TEXT, 14 },
  { N_("Name"), MDK_MEMBER_FIELD_NAME, TEXT, 18 },
  { N_("Gender"), MDK_MEMBER_FIELD_GENDER, TEXT, 8 },
  { N_("Mobile"), MDK_MEMBER_FIELD_MOBILE, TEXT, 16 },
  { N_("E-mail"), MDK_MEMBER_FIELD_EMAIL, TEXT, 28 },
  { N_("ID number"), MDK_MEMBER_FIELD_ID_NUMBER, TEXT, 21 },
  { N_("Birthday"), MDK_MEMBER_FIELD_BIRTHDAY, DATE, 12 },
  { N_("Joined"), MDK_MEMBER_FIELD_JOINED_ON, DATE, 12 },
  { N_("Status"), MDK_MEMBER_FIELD_STATUS, TEXT, 12 },
  { N_("Home store"), MDK_MEMBER_FIELD_STORE_NAME, TEXT, 20 },
  { N_("Region"), MDK_MEMBER_FIELD_REGION_NAME, TEXT, 12 },
  { N_("Card number"), MDK_MEMBER_FIELD_CARD_NO, TEXT, 21 },
  { N_("Card type"), MDK_MEMBER_FIELD_CARD_TYPE, TEXT, 14 },
  { N_("Group"), MDK_MEMBER_FIELD_GROUP_NAME, TEXT, 16 },
  { N_("Tags"), MDK_MEMBER_FIELD_TAGS, TEXT, 24 },
};

#define N_FIXED_COLUMNS G_N_ELEMENTS (columns)

typedef struct
{
  MdkExportFormat  format;
  FILE            *csv;
  lxw_workbook    *workbook;
  lxw_worksheet   *sheet;
  lxw_format      *header_format;
  lxw_format      *date_format;
  lxw_format      *text_format;
  guint            rows_per_sheet;
  guint            n_sheets;
  lxw_row_t        row;       /* next row of the current sheet */
  GListModel      *fields;    /* custom fields, one column each after the fixed ones */
  guint            n_columns;
} Writer;

static Kind
column_kind (Writer *writer,
             guint   column)
{
  g_autoptr(MdkCustomField) field = NULL;
  const char *kind;

  if (column < N_FIXED_COLUMNS)
    return columns[column].kind;

  field = g_list_model_get_item (writer->fields, column - N_FIXED_COLUMNS);
  kind = mdk_custom_field_get_kind (field);
  return g_str_equal (kind, "date") ? DATE : g_str_equal (kind, "number") ? NUMBER : TEXT;
}

static char *
column_title (Writer *writer,
              guint   column)
{
  g_autoptr(MdkCustomField) field = NULL;

  if (column < N_FIXED_COLUMNS)
    return g_strdup (_(columns[column].title));

  field = g_list_model_get_item (writer->fields, column - N_FIXED_COLUMNS);
  return g_strdup (mdk_custom_field_get_label (field));
}

/* A member's custom values, one per custom column: the query gives them
 * for the fields read when the export began, separated by the ASCII unit
 * separator, which no custom value may hold. */
static char **
custom_cells (MdkMember *member)
{
  const char *joined = mdk_member_get_field (member, MDK_MEMBER_FIELD_CUSTOM_VALUES);

  return g_strsplit (joined != NULL ? joined : "", "\x1f", -1);
}
/**
 * mdk_export_format_for_path:
 * @path: a file name
 * @known: (out) (optional): whether the ending was recognised
 *
 * Returns: the format its ending names: .xlsx, else CSV
 */
MdkExportFormat
mdk_export_format_for_path (const char *path,
                            gboolean   *known)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  gboolean xlsx = g_str_has_suffix (lower, ".xlsx");

  if (known != NULL)
    *known = xlsx || g_str_has_suffix (lower, ".csv");
  return xlsx ? MDK_EXPORT_XLSX : MDK_EXPORT_CSV;
}

/* What a person reads: codes become words in their language. */
static const char *
cell_text (MdkMember *member,
           guint      column,
           char       number[32])
{
  if (columns[column].field < 0)
    {
      g_snprintf (number, 32, "%" G_GINT64_FORMAT, mdk_member_get_id (member));
      return number;
    }
  if (columns[column].field == MDK_MEMBER_FIELD_STATUS)
    return mdk_member_status_label (mdk_member_get_status (member));
  if (columns[column].field == MDK_MEMBER_FIELD_GENDER)
    return mdk_member_gender_label (mdk_member_get_gender (member));
  return mdk_member_get_field (member, columns[column].field);
}

/* CSV */

static gboolean
csv_line (Writer      *writer,
          GString     *line,
          GError     **error)
{
  g_string_append (line, "\r\n");
  if (fwrite (line->str, 1, line->len, writer->csv) == line->len)
    return TRUE;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
               _("Could not write the file: %s"), g_strerror (errno));
  return FALSE;
}

/* Excel */

static gboolean
check_lxw (lxw_error   status,
           GError    **error)
{
  if (status == LXW_NO_ERROR)
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _("Could not write the Excel file: %s"), lxw_strerror (status));
  return FALSE;
}

static gboolean
xlsx_new_sheet (Writer  *writer,
                GError **error)
{
  g_autofree char *name = NULL;

  writer->n_sheets++;
  /* Translators: the name of a worksheet of an export; %u is its number */
  name = g_strdup_printf (_("Members %u"), writer->n_sheets);
  writer->sheet = workbook_add_worksheet (writer->workbook, name);
  if (writer->sheet == NULL)
    return check_lxw (LXW_ERROR_MEMORY_MALLOC_FAILED, error);

  for (guint c = 0; c < writer->n_columns; c++)
    worksheet_set_column (writer->sheet, c, c, c < N_FIXED_COLUMNS ? columns[c].width : 16,
                          column_kind (writer, c) == DATE ? writer->date_format : writer->text_format);
  worksheet_freeze_panes (writer->sheet, 1, 0);

  for (guint c = 0; c < writer->n_columns; c++)
    {
      g_autofree char *title = column_title (writer, c);

      if (!check_lxw (worksheet_write_string (writer->sheet, 0, c, title, writer->header_format), error))
        return FALSE;
    }

  writer->row = 1;
  return TRUE;
}

static gboolean
xlsx_close_sheet (Writer  *writer,
                  GError **error)
{
  if (writer->sheet == NULL)
    return TRUE;

  return check_lxw (worksheet_autofilter (writer->sheet, 0, 0, writer->row - 1, writer->n_columns - 1), error);
}

static gboolean
xlsx_date (Writer     *writer,
           guint       column,
           const char *iso,
           GError    **error)
{
  lxw_datetime date = { 0 };

  if (sscanf (iso, "%d-%d-%d", &date.year, &date.month, &date.day) != 3)
    return check_lxw (worksheet_write_string (writer->sheet, writer->row, column, iso, NULL), error);

  return check_lxw (worksheet_write_datetime (writer->sheet, writer->row, column, &date, writer->date_format), error);
}

/* Rows */

static gboolean
write_header (Writer  *writer,
              GError **error)
{
  g_autoptr(GString) line = g_string_new ("\xEF\xBB\xBF");  /* a BOM, so that Excel reads UTF-8 */

  if (writer->format == MDK_EXPORT_XLSX)
    return xlsx_new_sheet (writer, error);

  for (guint c = 0; c < writer->n_columns; c++)
    {
      g_autofree char *title = column_title (writer, c);

      if (c > 0)
        g_string_append_c (line, ',');
      mdk_csv_append_field (line, title);
    }
  return csv_line (writer, line, error);
}

static const char *
cell (MdkMember   *member,
      char       **custom,
      guint        column,
      char         number[32])
{
  if (column < N_FIXED_COLUMNS)
    return cell_text (member, column, number);

  /* An empty last value leaves no field after the last separator. */
  return column - N_FIXED_COLUMNS < g_strv_length (custom) ? custom[column - N_FIXED_COLUMNS] : NULL;
}

static gboolean
xlsx_cell (Writer      *writer,
           guint        column,
           const char  *value,
           GError     **error)
{
  switch (column_kind (writer, column))
    {
    case DATE:
      return xlsx_date (writer, column, value, error);
    case NUMBER:
      return check_lxw (worksheet_write_number (writer->sheet, writer->row, column, g_ascii_strtod (value, NULL),
                                                NULL), error);
    case TEXT:
    default:
      /* Phone, card and ID numbers stay text: as numbers, Excel would drop
       * leading zeros and digits past the fifteenth. */
      return check_lxw (worksheet_write_string (writer->sheet, writer->row, column, value, NULL), error);
    }
}

static gboolean
write_member (Writer     *writer,
              MdkMember  *member,
              GError    **error)
{
  g_auto(GStrv) custom = custom_cells (member);
  char number[32];

  if (writer->format == MDK_EXPORT_CSV)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint c = 0; c < writer->n_columns; c++)
        {
          if (c > 0)
            g_string_append_c (line, ',');
          mdk_csv_append_field (line, cell (member, custom, c, number));
        }
      return csv_line (writer, line, error);
    }

  if (writer->row >= writer->rows_per_sheet &&
      (!xlsx_close_sheet (writer, error) || !xlsx_new_sheet (writer, error)))
    return FALSE;

  for (guint c = 0; c < writer->n_columns; c++)
    {
      const char *value = cell (member, custom, c, number);

      if (value == NULL || *value == '\0')
        continue;
      if (!xlsx_cell (writer, c, value, error))
        return FALSE;
    }
  writer->row++;
  return TRUE;
}

static gboolean
writer_open (Writer      *writer,
             const char  *path,
             GError     **error)
{
  if (writer->format == MDK_EXPORT_CSV)
    {
      writer->csv = g_fopen (path, "wb");
      if (writer->csv == NULL)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not create %s: %s"), path, g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }

  {
    lxw_workbook_options options = { .constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE };

    writer->workbook = workbook_new_opt (path, &options);
  }
  if (writer->workbook == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not create %s."), path);
      return FALSE;
    }

  writer->header_format = workbook_add_format (writer->workbook);
  format_set_bold (writer->header_format);
  format_set_bg_color (writer->header_format, 0xDDE7F0);
  format_set_bottom (writer->header_format, LXW_BORDER_THIN);
  writer->date_format = workbook_add_format (writer->workbook);
  format_set_num_format (writer->date_format, "yyyy-mm-dd");
  writer->text_format = workbook_add_format (writer->workbook);
  format_set_num_format (writer->text_format, "@");
  return TRUE;
}

static gboolean
writer_close (Writer  *writer,
              gboolean ok,
              GError **error)
{
  if (writer->csv != NULL)
    {
      if (fclose (writer->csv) != 0 && ok)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                       _("Could not write the file: %s"), g_strerror (errno));
          ok = FALSE;
        }
      writer->csv = NULL;
    }

  if (writer->workbook != NULL)
    {
      ok = ok && xlsx_close_sheet (writer, error);
      /* Closing also frees the workbook, whatever happened. */
      if (!check_lxw (workbook_close (writer->workbook), ok ? error : NULL))
        ok = FALSE;
      writer->workbook = NULL;
    }

  return ok;
}

static gboolean
export_rows (PGconn                *conn,
             const MdkMemberQuery  *query,
             Writer                *writer,
             guint64                total,
             MdkExportProgressFunc  progress,
             gpointer               progress_data,
             GCancellable          *cancellable,
             guint64               *n_rows,
             GError               **error)
{
  MdkPageKey after = { NULL, 0 };
  gboolean first = TRUE;
  gboolean ok = TRUE;

  while (ok)
    {
      g_autoptr(GPtrArray) page = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }

      page = mdk_member_repo_search (conn, query, first ? NULL : &after, PAGE_SIZE, error);
      if (page == NULL)
        {
          ok = FALSE;
          break;
        }

      for (guint i = 0; ok && i < page->len; i++)
        ok = write_member (writer, g_ptr_array_index (page, i), error);
      *n_rows += page->len;
      if (progress != NULL)
        progress (*n_rows, total, progress_data);

      if (page->len < PAGE_SIZE)
        break;

      mdk_page_key_clear (&after);
      after.sort_key = g_strdup (mdk_member_get_sort_key (g_ptr_array_index (page, page->len - 1)));
      after.id = mdk_member_get_id (g_ptr_array_index (page, page->len - 1));
      first = FALSE;
    }

  mdk_page_key_clear (&after);
  return ok;
}

/**
 * mdk_member_export:
 * @conn: a connection
 * @query: the search whose members to export, in its order
 * @path: the file to write
 * @format: CSV (UTF-8 with a BOM, RFC 4180) or Excel
 * @rows_per_sheet: Excel rows per sheet, header included; 0 for
 *   %MDK_XLSX_MAX_ROWS, Excel's limit
 * @progress: (nullable) (scope call): told how far it got
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @n_rows: (out) (optional): how many members were written
 * @error: return location for a #GError
 *
 * Writes every member the search finds, fetching them page by page, so
 * that memory stays bounded whatever the size. The Excel file has a
 * styled, frozen header row with an autofilter, dates as Excel dates,
 * numbers that identify (phone, card, ID) as text, the group, the tags and
 * a column for each custom field in use, and a new sheet
 * wherever Excel's row limit would be passed. The file appears only when
 * complete: a failure or a cancel leaves nothing at @path.
 *
 * Returns: %TRUE on success
 */
gboolean
mdk_member_export (PGconn                 *conn,
                   const MdkMemberQuery   *query,
                   const char             *path,
                   MdkExportFormat         format,
                   guint                   rows_per_sheet,
                   MdkExportProgressFunc   progress,
                   gpointer                progress_data,
                   GCancellable           *cancellable,
                   guint64                *n_rows,
                   GError                **error)
{
  g_autofree char *partial = g_strconcat (path, ".part", NULL);
  g_autoptr(MdkMemberQuery) full = NULL;
  g_autoptr(GListModel) fields = NULL;
  Writer writer = { format };
  guint64 written = 0;
  gint64 total;
  gboolean ok;

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (query != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  writer.rows_per_sheet = rows_per_sheet >= 2 && rows_per_sheet <= MDK_XLSX_MAX_ROWS ? rows_per_sheet : MDK_XLSX_MAX_ROWS;

  if ((total = mdk_member_repo_count (conn, query, error)) < 0 ||
      (fields = mdk_custom_fields_load (conn, error)) == NULL)
    return FALSE;
  writer.fields = fields;
  writer.n_columns = N_FIXED_COLUMNS + g_list_model_get_n_items (fields);
  full = mdk_member_query_copy (query);
  full->with_classification = TRUE;
  g_strfreev (full->custom_keys);
  full->custom_keys = g_new0 (char *, g_list_model_get_n_items (fields) + 1);
  for (guint i = 0; i < g_list_model_get_n_items (fields); i++)
    {
      g_autoptr(MdkCustomField) field = g_list_model_get_item (fields, i);

      full->custom_keys[i] = g_strdup (mdk_custom_field_get_key (field));
    }

  ok = writer_open (&writer, partial, error) &&
       write_header (&writer, error) &&
       export_rows (conn, full, &writer, total, progress, progress_data, cancellable, &written, error);
  ok = writer_close (&writer, ok, ok ? error : NULL) && ok;

  if (ok && g_rename (partial, path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create %s: %s"), path, g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (partial);

  if (n_rows != NULL)
    *n_rows = written;
  return ok;
}

typedef struct
{
  MdkMemberQuery        *query;
  char                  *path;
  MdkExportFormat        format;
  MdkExportProgressFunc  progress;
  gpointer               progress_data;
  GMainContext          *main_context;
} ExportData;

/* Carries what it needs by value: it may run after the export is gone. */
typedef struct
{
  MdkExportProgressFunc progress;
  gpointer              progress_data;
  guint64               done;
  guint64               total;
} ExportProgress;

static void
export_data_free (ExportData *data)
{
  mdk_member_query_free (data->query);
  g_free (data->path);
  g_main_context_unref (data->main_context);
  g_free (data);
}

static gboolean
deliver_export_progress (gpointer user_data)
{
  ExportProgress *report = user_data;

  report->progress (report->done, report->total, report->progress_data);
  return G_SOURCE_REMOVE;
}

static void
forward_export_progress (guint64  done,
                         guint64  total,
                         gpointer user_data)
{
  ExportData *data = user_data;
  ExportProgress *report = g_new (ExportProgress, 1);

  report->progress = data->progress;
  report->progress_data = data->progress_data;
  report->done = done;
  report->total = total;
  g_main_context_invoke_full (data->main_context, G_PRIORITY_DEFAULT, deliver_export_progress, report, g_free);
}

static gpointer
export_work (PGconn        *conn,
             gpointer       work_data,
             GCancellable  *cancellable,
             GError       **error)
{
  ExportData *data = work_data;
  guint64 n_rows = 0;

  if (!mdk_member_export (conn, data->query, data->path, data->format, 0,
                          data->progress ? forward_export_progress : NULL, data, cancellable, &n_rows, error))
    return NULL;

  return g_memdup2 (&n_rows, sizeof n_rows);
}

/**
 * mdk_member_export_async:
 * @database: a #MdkDatabase
 * @query: the search whose members to export
 * @path: the file to write
 * @format: the file's format
 * @progress: (nullable): called on the caller's main context as rows are written
 * @progress_data: data for @progress; must live until @callback
 * @cancellable: (nullable): cancels the export, which then leaves no file
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Does mdk_member_export() off the calling thread.
 */
void
mdk_member_export_async (MdkDatabase           *database,
                         const MdkMemberQuery  *query,
                         const char            *path,
                         MdkExportFormat        format,
                         MdkExportProgressFunc  progress,
                         gpointer               progress_data,
                         GCancellable          *cancellable,
                         GAsyncReadyCallback    callback,
                         gpointer               user_data)
{
  ExportData *data = g_new0 (ExportData, 1);

  data->query = mdk_member_query_copy (query);
  data->path = g_strdup (path);
  data->format = format;
  data->progress = progress;
  data->progress_data = progress_data;
  data->main_context = g_main_context_ref_thread_default ();

  mdk_database_run_async (database, MDK_DATABASE_RUN_READ_ONLY, export_work, data,
                          (GDestroyNotify) export_data_free, g_free, cancellable, callback, user_data);
}

/**
 * mdk_member_export_finish:
 * @database: a #MdkDatabase
 * @result: the #GAsyncResult
 * @n_rows: (out) (optional): how many members were written
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the file is complete
 */
gboolean
mdk_member_export_finish (MdkDatabase   *database,
                          GAsyncResult  *result,
                          guint64       *n_rows,
                          GError       **error)
{
  g_autofree guint64 *count = mdk_database_run_finish (database, result, error);

  if (count == NULL)
    return FALSE;
  if (n_rows != NULL)
    *n_rows = *count;
  return TRUE;
}
