/* mdk-csv-reader.c: RFC 4180 records from a CSV file as people's spreadsheets save it
 *
 * The encoding is found, not asked: a UTF-8 byte order mark or text that
 * is valid UTF-8 is UTF-8; anything else is read as GB18030, the superset
 * of GBK that Chinese Excel writes. The delimiter is a comma, or a tab
 * when the first line has tabs and no commas. Quoted fields may hold
 * delimiters, doubled quotes and line breaks; lines end in CRLF, LF or CR.
 * A stray quote inside an unquoted field is kept as it is, as spreadsheets
 * do, rather than failing the file.
 *
 * Fields are written back the same way (mdk_csv_append_field()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "mdk-csv-reader.h"

struct _MdkCsvReader
{
  GMappedFile *mapped;
  char        *converted;   /* the text as UTF-8, when the file was not */
  const char  *text;
  gsize        length;
  gsize        pos;
  guint64      line;        /* the line the next record starts on */
  guint64      record_line; /* the line the last record started on */
  const char  *encoding;
  char         delimiter;
  GString     *field;
};

static char
find_delimiter (const char *text,
                gsize       length)
{
  const char *end = memchr (text, '\n', length);
  gsize first_line = end ? (gsize) (end - text) : length;

  if (memchr (text, '\t', first_line) != NULL && memchr (text, ',', first_line) == NULL)
    return '\t';
  return ',';
}

static MdkCsvReader *
reader_new (const char  *data,
            gsize        length,
            GError     **error)
{
  g_autoptr(MdkCsvReader) reader = g_new0 (MdkCsvReader, 1);

  reader->field = g_string_new (NULL);
  reader->line = 1;

  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      length -= 3;
      reader->encoding = "UTF-8";
    }
  else if (g_utf8_validate_len (data, length, NULL))
    reader->encoding = "UTF-8";
  else
    {
      gsize written = 0;
      g_autoptr(GError) local_error = NULL;

      reader->converted = g_convert (data, length, "UTF-8", "GB18030", NULL, &written, &local_error);
      if (reader->converted == NULL)
        {
          g_set_error_literal (error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE,
                               _("This file is not text in UTF-8 or GBK. Save it from the spreadsheet as "
                                 "“CSV UTF-8” and try again."));
          return NULL;
        }
      reader->encoding = "GB18030";
      data = reader->converted;
      length = written;
    }

  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error_literal (error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE,
                           _("This file contains binary data, not text. Choose the CSV or Excel file again."));
      return NULL;
    }

  reader->text = data;
  reader->length = length;
  reader->delimiter = find_delimiter (data, length);
  return g_steal_pointer (&reader);
}

/**
 * mdk_csv_reader_new_for_path:
 * @path: a CSV file
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a reader, or %NULL when the file
 *   cannot be read or is not text
 */
MdkCsvReader *
mdk_csv_reader_new_for_path (const char  *path,
                             GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  MdkCsvReader *reader;

  g_return_val_if_fail (path != NULL, NULL);

  mapped = g_mapped_file_new (path, FALSE, error);
  if (mapped == NULL)
    return NULL;

  reader = reader_new (g_mapped_file_get_contents (mapped) ? g_mapped_file_get_contents (mapped) : "",
                       g_mapped_file_get_length (mapped), error);
  if (reader != NULL)
    reader->mapped = g_steal_pointer (&mapped);
  return reader;
}

/**
 * mdk_csv_reader_new_for_data:
 * @data: (array length=length): the file's bytes; must outlive the reader
 * @length: how many
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a reader
 */
MdkCsvReader *
mdk_csv_reader_new_for_data (const char  *data,
                             gsize        length,
                             GError     **error)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  return reader_new (data != NULL ? data : "", length, error);
}

/**
 * mdk_csv_reader_get_encoding:
 * @reader: a reader
 *
 * Returns: "UTF-8" or "GB18030"
 */
const char *
mdk_csv_reader_get_encoding (MdkCsvReader *reader)
{
  return reader->encoding;
}

char
mdk_csv_reader_get_delimiter (MdkCsvReader *reader)
{
  return reader->delimiter;
}

/* Consumes one line ending at pos, if there is one. */
static gboolean
take_line_end (MdkCsvReader *reader)
{
  if (reader->pos >= reader->length)
    return FALSE;

  if (reader->text[reader->pos] == '\r')
    {
      reader->pos++;
      if (reader->pos < reader->length && reader->text[reader->pos] == '\n')
        reader->pos++;
    }
  else if (reader->text[reader->pos] == '\n')
    reader->pos++;
  else
    return FALSE;

  reader->line++;
  return TRUE;
}

static void
read_quoted (MdkCsvReader *reader)
{
  reader->pos++;  /* the opening quote */
  while (reader->pos < reader->length)
    {
      char c = reader->text[reader->pos];

      if (c == '"')
        {
          if (reader->pos + 1 < reader->length && reader->text[reader->pos + 1] == '"')
            {
              g_string_append_c (reader->field, '"');
              reader->pos += 2;
              continue;
            }
          reader->pos++;
          return;
        }
      if (c == '\n' || (c == '\r' && !(reader->pos + 1 < reader->length && reader->text[reader->pos + 1] == '\n')))
        reader->line++;
      g_string_append_c (reader->field, c);
      reader->pos++;
    }
}

/* Reads one field up to its delimiter or the end of its line. */
static void
read_field (MdkCsvReader *reader)
{
  g_string_truncate (reader->field, 0);

  if (reader->pos < reader->length && reader->text[reader->pos] == '"')
    read_quoted (reader);

  /* After a closing quote, or in an unquoted field: up to the delimiter. */
  while (reader->pos < reader->length)
    {
      char c = reader->text[reader->pos];

      if (c == reader->delimiter || c == '\n' || c == '\r')
        break;
      g_string_append_c (reader->field, c);
      reader->pos++;
    }
}

/**
 * mdk_csv_reader_next:
 * @reader: a reader
 *
 * Reads the next record. Empty lines are skipped.
 *
 * Returns: (transfer full) (nullable) (array zero-terminated=1): the
 *   record's fields, or %NULL at the end of the file
 */
char **
mdk_csv_reader_next (MdkCsvReader *reader)
{
  GPtrArray *fields;

  g_return_val_if_fail (reader != NULL, NULL);

  while (take_line_end (reader))
    ;
  if (reader->pos >= reader->length)
    return NULL;

  reader->record_line = reader->line;
  fields = g_ptr_array_new ();
  for (;;)
    {
      read_field (reader);
      g_ptr_array_add (fields, g_strndup (reader->field->str, reader->field->len));
      if (reader->pos < reader->length && reader->text[reader->pos] == reader->delimiter)
        {
          reader->pos++;
          continue;
        }
      take_line_end (reader);
      break;
    }

  g_ptr_array_add (fields, NULL);
  return (char **) g_ptr_array_free (fields, FALSE);
}

/**
 * mdk_csv_reader_get_line:
 * @reader: a reader
 *
 * Returns: the line of the file on which the last record read began,
 *   counting from 1, as a spreadsheet numbers its rows
 */
guint64
mdk_csv_reader_get_line (MdkCsvReader *reader)
{
  return reader->record_line;
}

/**
 * mdk_csv_reader_get_fraction:
 * @reader: a reader
 *
 * Returns: how much of the file has been read, from 0 to 1
 */
double
mdk_csv_reader_get_fraction (MdkCsvReader *reader)
{
  return reader->length == 0 ? 1.0 : (double) reader->pos / (double) reader->length;
}

void
mdk_csv_reader_free (MdkCsvReader *reader)
{
  if (reader == NULL)
    return;

  g_clear_pointer (&reader->mapped, g_mapped_file_unref);
  g_free (reader->converted);
  g_string_free (reader->field, TRUE);
  g_free (reader);
}

/**
 * mdk_csv_append_field:
 * @line: the line being written
 * @value: (nullable): a field, %NULL for an empty one
 *
 * Appends a field as RFC 4180 writes it: quoted when it holds a comma, a
 * quote or a line break. A field that would start a formula in a
 * spreadsheet (=, +, -, @) gets a leading apostrophe, so that it stays
 * text when the file is opened.
 */
void
mdk_csv_append_field (GString    *line,
                      const char *value)
{
  g_autofree char *guarded = NULL;

  if (value == NULL)
    return;
  if (value[0] != '\0' && strchr ("=+-@", value[0]) != NULL)
    value = guarded = g_strconcat ("'", value, NULL);

  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (line, value);
      return;
    }

  g_string_append_c (line, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}
