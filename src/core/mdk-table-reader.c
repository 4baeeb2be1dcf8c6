/* mdk-table-reader.c: the rows of a CSV file or of the first sheet of an
 * Excel workbook, whichever a file is
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
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

/**
 * mdk_table_fold_header:
 * @header: (nullable): a column header
 *
 * A header as it is compared: NFKC (full-width letters as ASCII), lower
 * case, without spaces, the byte-order mark and punctuation that headers
 * carry ("Card No." and "card_no" are both "cardno").
 *
 * Returns: (transfer full): the folded header
 */
char *
mdk_table_fold_header (const char *header)
{
  g_autofree char *nfkc = g_utf8_normalize (header != NULL ? header : "", -1, G_NORMALIZE_NFKC);
  g_autofree char *lower = g_utf8_strdown (nfkc != NULL ? nfkc : "", -1);
  GString *folded = g_string_new (NULL);

  for (const char *p = lower; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c) && !strchr ("_-.*:()[]", (int) (c < 128 ? c : ' ')) &&
          c != 0xFEFF && c != 0x3010 && c != 0x3011)
        g_string_append_unichar (folded, c);
    }

  return g_string_free (folded, FALSE);
}

/**
 * mdk_table_has_text:
 * @value: (nullable): a cell
 *
 * Returns: %TRUE when @value has more than white space
 */
gboolean
mdk_table_has_text (const char *value)
{
  if (value == NULL)
    return FALSE;
  for (; *value != '\0'; value = g_utf8_next_char (value))
    if (!g_unichar_isspace (g_utf8_get_char (value)))
      return TRUE;
  return FALSE;
}

/**
 * mdk_table_row_is_blank:
 * @fields: a row's cells
 *
 * Returns: %TRUE when no cell has text
 */
gboolean
mdk_table_row_is_blank (char **fields)
{
  for (guint i = 0; fields[i] != NULL; i++)
    if (mdk_table_has_text (fields[i]))
      return FALSE;
  return TRUE;
}

/**
 * mdk_table_row_field:
 * @fields: a row's cells
 * @column: a column, or -1
 *
 * Returns: (nullable): the cell in @column; %NULL for -1 or a short row
 */
const char *
mdk_table_row_field (char **fields,
                     int    column)
{
  if (column < 0)
    return NULL;
  for (int i = 0; i < column; i++)
    if (fields[i] == NULL)
      return NULL;
  return fields[column];
}
