/* mdk-table-reader.c: the rows of a CSV file or of the first sheet of an
 * Excel workbook, whichever a file is
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mdk-csv-reader.h"
#include "mdk-table-reader.h"
#include "mdk-xlsx-reader.h"

struct _MdkTableReader
{
  MdkCsvReader  *csv;
  MdkXlsxReader *xlsx;
};

void
mdk_table_reader_free (MdkTableReader *source)
{
  if (source == NULL)
    return;

  g_clear_pointer (&source->csv, mdk_csv_reader_free);
  g_clear_pointer (&source->xlsx, mdk_xlsx_reader_free);
  g_free (source);
}

/**
 * mdk_table_reader_open:
 * @path: a CSV file (see #MdkCsvReader) or an .xlsx workbook (its first sheet)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a reader at the first row, or %NULL
 */
MdkTableReader *
mdk_table_reader_open (const char  *path,
                       GError     **error)
{
  g_autoptr(MdkTableReader) source = g_new0 (MdkTableReader, 1);
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".xls"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("This is an Excel 97–2003 workbook (.xls). Save it from the spreadsheet as .xlsx or "
                             "as “CSV UTF-8”, and import that file."));
      return NULL;
    }

  if (g_str_has_suffix (lower, ".xlsx"))
    source->xlsx = mdk_xlsx_reader_new_for_path (path, error);
  else
    source->csv = mdk_csv_reader_new_for_path (path, error);

  return source->csv != NULL || source->xlsx != NULL ? g_steal_pointer (&source) : NULL;
}

/**
 * mdk_table_reader_next:
 * @reader: a reader
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the next row's cells, or %NULL at the end or on an error
 */
char **
mdk_table_reader_next (MdkTableReader  *source,
                       GError         **error)
{
  return source->csv != NULL ? mdk_csv_reader_next (source->csv) : mdk_xlsx_reader_next (source->xlsx, error);
}

/* The line (CSV) or row (workbook) of the row read last. */
guint64
mdk_table_reader_get_line (MdkTableReader *source)
{
  return source->csv != NULL ? mdk_csv_reader_get_line (source->csv) : mdk_xlsx_reader_get_line (source->xlsx);
}

double
mdk_table_reader_get_fraction (MdkTableReader *source)
{
  return source->csv != NULL ? mdk_csv_reader_get_fraction (source->csv)
                             : mdk_xlsx_reader_get_fraction (source->xlsx);
}

const char *
mdk_table_reader_get_encoding (MdkTableReader *source)
{
  return source->csv != NULL ? mdk_csv_reader_get_encoding (source->csv) : "XLSX";
}
