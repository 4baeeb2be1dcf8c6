/* mdk-xlsx-reader.c: the rows of the first sheet of an .xlsx workbook
 *
 * An .xlsx file is a zip archive (read with libzip) of XML parts (read
 * with libxml2's streaming reader): the sheet is read row by row, in
 * bounded memory whatever its size; only the shared strings are held.
 * Cells come back as text as a person sees them: shared and inline
 * strings as they are, numbers without a needless exponent, and numbers
 * formatted as dates as YYYY-MM-DD.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <libxml/xmlreader.h>
#include <zip.h>

#include "mdk-xlsx-reader.h"

typedef struct
{
  zip_file_t *file;
  guint64    *counter;
} Stream;

struct _MdkXlsxReader
{
  Stream            sheet_stream;
  zip_t            *archive;
  zip_file_t       *sheet_file;
  xmlTextReaderPtr  sheet;
  guint64           sheet_size;
  guint64           sheet_read;
  GPtrArray        *shared;        /* shared strings, by index */
  GArray           *date_styles;   /* gboolean per cell style: a date format */
  guint64           row;           /* the row number of the last row read */
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlChar, xmlFree)

static void
set_format_error (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("This is not an Excel workbook Memberdesk can read. Save it again from the spreadsheet "
                         "as .xlsx, or as “CSV UTF-8”."));
}

static int
read_zip (void *context,
          char *buffer,
          int   length)
{
  Stream *stream = context;
  zip_int64_t n = zip_fread (stream->file, buffer, length);

  if (n > 0 && stream->counter != NULL)
    *stream->counter += n;
  return n < 0 ? -1 : (int) n;
}

static int
close_nothing (void *context)
{
  return 0;
}

/* A reader over one part of the archive; @file stays open for it. */
static xmlTextReaderPtr
open_part (MdkXlsxReader  *reader,
           const char     *name,
           zip_file_t    **file,
           Stream         *stream,
           guint64        *counter)
{
  xmlTextReaderPtr xml;

  *file = zip_fopen (reader->archive, name, 0);
  if (*file == NULL)
    return NULL;

  stream->file = *file;
  stream->counter = counter;
  xml = xmlReaderForIO (read_zip, close_nothing, stream, name, NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
  if (xml == NULL)
    g_clear_pointer (file, zip_fclose);
  return xml;
}

static gboolean
is_element (xmlTextReaderPtr  xml,
            const char       *name)
{
  return xmlTextReaderNodeType (xml) == XML_READER_TYPE_ELEMENT &&
         g_strcmp0 ((const char *) xmlTextReaderConstLocalName (xml), name) == 0;
}

static gboolean
is_end (xmlTextReaderPtr  xml,
        const char       *name)
{
  return xmlTextReaderNodeType (xml) == XML_READER_TYPE_END_ELEMENT &&
         g_strcmp0 ((const char *) xmlTextReaderConstLocalName (xml), name) == 0;
}

/* The text of every <t> inside the element the reader is on (a shared
 * string or an inline one, rich text runs included). */
static char *
read_text_runs (xmlTextReaderPtr  xml,
                const char       *element)
{
  GString *text = g_string_new (NULL);
  int depth = xmlTextReaderDepth (xml);
  gboolean in_t = FALSE;

  if (xmlTextReaderIsEmptyElement (xml))
    return g_string_free (text, FALSE);

  while (xmlTextReaderRead (xml) == 1)
    {
      int type = xmlTextReaderNodeType (xml);

      if (is_element (xml, "t") && !xmlTextReaderIsEmptyElement (xml))
        in_t = TRUE;
      else if (is_end (xml, "t"))
        in_t = FALSE;
      else if (in_t && (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE))
        g_string_append (text, (const char *) xmlTextReaderConstValue (xml));
      else if (is_end (xml, element) && xmlTextReaderDepth (xml) == depth)
        break;
    }

  return g_string_free (text, FALSE);
}

static gboolean
load_shared_strings (MdkXlsxReader  *reader,
                     GError        **error)
{
  zip_file_t *file = NULL;
  Stream stream;
  xmlTextReaderPtr xml = open_part (reader, "xl/sharedStrings.xml", &file, &stream, NULL);
  int status = 1;

  if (xml == NULL)
    {
      if (file != NULL)
        zip_fclose (file);
      return TRUE;  /* a workbook without strings has no such part */
    }

  while ((status = xmlTextReaderRead (xml)) == 1)
    if (is_element (xml, "si"))
      g_ptr_array_add (reader->shared, read_text_runs (xml, "si"));

  xmlFreeTextReader (xml);
  zip_fclose (file);
  if (status < 0)
    {
      set_format_error (error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_date_format (int         id,
                const char *code)
{
  g_autoptr(GString) bare = NULL;

  /* The built-in date and time formats. */
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58))
    return TRUE;
  if (code == NULL)
    return FALSE;

  /* A custom format is a date when, outside quotes and brackets, it has
   * day or year parts (m alone could be minutes). */
  bare = g_string_new (NULL);
  for (const char *p = code; *p != '\0'; p++)
    {
      if (*p == '"')
        {
          for (p++; *p != '\0' && *p != '"'; p++)
            ;
          if (*p == '\0')
            break;
        }
      else if (*p == '[')
        {
          for (p++; *p != '\0' && *p != ']'; p++)
            ;
          if (*p == '\0')
            break;
        }
      else if (*p == '\\' && p[1] != '\0')
        p++;
      else
        g_string_append_c (bare, g_ascii_tolower (*p));
    }

  return strchr (bare->str, 'd') != NULL || strchr (bare->str, 'y') != NULL;
}

static gboolean
load_styles (MdkXlsxReader  *reader,
             GError        **error)
{
  g_autoptr(GHashTable) codes = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, xmlFree);
  zip_file_t *file = NULL;
  Stream stream;
  xmlTextReaderPtr xml = open_part (reader, "xl/styles.xml", &file, &stream, NULL);
  gboolean in_cell_xfs = FALSE;
  int status = 1;

  if (xml == NULL)
    {
      if (file != NULL)
        zip_fclose (file);
      return TRUE;
    }

  while ((status = xmlTextReaderRead (xml)) == 1)
    {
      if (is_element (xml, "numFmt"))
        {
          g_autoptr(xmlChar) id = xmlTextReaderGetAttribute (xml, (const xmlChar *) "numFmtId");

          if (id != NULL)
            g_hash_table_insert (codes, GINT_TO_POINTER (atoi ((const char *) id)),
                                 xmlTextReaderGetAttribute (xml, (const xmlChar *) "formatCode"));
        }
      else if (is_element (xml, "cellXfs"))
        in_cell_xfs = !xmlTextReaderIsEmptyElement (xml);
      else if (is_end (xml, "cellXfs"))
        in_cell_xfs = FALSE;
      else if (in_cell_xfs && is_element (xml, "xf"))
        {
          g_autoptr(xmlChar) id = xmlTextReaderGetAttribute (xml, (const xmlChar *) "numFmtId");
          int number = id != NULL ? atoi ((const char *) id) : 0;
          gboolean date = is_date_format (number, g_hash_table_lookup (codes, GINT_TO_POINTER (number)));

          g_array_append_val (reader->date_styles, date);
        }
    }

  xmlFreeTextReader (xml);
  zip_fclose (file);
  if (status < 0)
    {
      set_format_error (error);
      return FALSE;
    }
  return TRUE;
}

/* The first sheet as the workbook lists it, through its relationship. */
static char *
first_sheet_part (MdkXlsxReader *reader)
{
  zip_file_t *file = NULL;
  Stream stream;
  xmlTextReaderPtr xml = open_part (reader, "xl/workbook.xml", &file, &stream, NULL);
  g_autofree char *relation = NULL;
  char *part = NULL;

  while (xml != NULL && relation == NULL && xmlTextReaderRead (xml) == 1)
    if (is_element (xml, "sheet"))
      {
        g_autoptr(xmlChar) id = xmlTextReaderGetAttributeNs (xml, (const xmlChar *) "id",
                                                             (const xmlChar *) "http://schemas.openxmlformats.org/officeDocument/2006/relationships");
        relation = g_strdup (id != NULL ? (const char *) id : "");
      }
  if (xml != NULL)
    xmlFreeTextReader (xml);
  if (file != NULL)
    zip_fclose (file);
  file = NULL;

  xml = relation ? open_part (reader, "xl/_rels/workbook.xml.rels", &file, &stream, NULL) : NULL;
  while (xml != NULL && part == NULL && xmlTextReaderRead (xml) == 1)
    if (is_element (xml, "Relationship"))
      {
        g_autoptr(xmlChar) id = xmlTextReaderGetAttribute (xml, (const xmlChar *) "Id");
        g_autoptr(xmlChar) target = xmlTextReaderGetAttribute (xml, (const xmlChar *) "Target");

        if (id != NULL && target != NULL && g_str_equal ((const char *) id, relation))
          part = target[0] == '/' ? g_strdup ((const char *) target + 1)
                                  : g_strconcat ("xl/", (const char *) target, NULL);
      }
  if (xml != NULL)
    xmlFreeTextReader (xml);
  if (file != NULL)
    zip_fclose (file);

  return part != NULL ? part : g_strdup ("xl/worksheets/sheet1.xml");
}

/**
 * mdk_xlsx_reader_new_for_path:
 * @path: an .xlsx file
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a reader of the workbook's first sheet
 */
MdkXlsxReader *
mdk_xlsx_reader_new_for_path (const char  *path,
                              GError     **error)
{
  g_autoptr(MdkXlsxReader) reader = g_new0 (MdkXlsxReader, 1);
  g_autofree char *part = NULL;
  zip_stat_t stat;
  int zip_error = 0;

  g_return_val_if_fail (path != NULL, NULL);

  reader->shared = g_ptr_array_new_with_free_func (g_free);
  reader->date_styles = g_array_new (FALSE, FALSE, sizeof (gboolean));
  reader->archive = zip_open (path, ZIP_RDONLY, &zip_error);
  if (reader->archive == NULL)
    {
      if (zip_error == ZIP_ER_NOENT || zip_error == ZIP_ER_OPEN || zip_error == ZIP_ER_READ)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not open %s."), path);
      else
        set_format_error (error);
      return NULL;
    }

  if (!load_shared_strings (reader, error) || !load_styles (reader, error))
    return NULL;

  part = first_sheet_part (reader);
  zip_stat_init (&stat);
  if (zip_stat (reader->archive, part, 0, &stat) == 0 && (stat.valid & ZIP_STAT_SIZE))
    reader->sheet_size = stat.size;
  reader->sheet = open_part (reader, part, &reader->sheet_file, &reader->sheet_stream, &reader->sheet_read);
  if (reader->sheet == NULL)
    {
      set_format_error (error);
      return NULL;
    }

  return g_steal_pointer (&reader);
}

/* "C12" → 2 */
static guint
column_of_reference (const char *reference)
{
  guint column = 0;

  for (const char *p = reference; *p >= 'A' && *p <= 'Z'; p++)
    column = column * 26 + (*p - 'A' + 1);
  return column > 0 ? column - 1 : 0;
}

static char *
number_text (const char *value,
             gboolean    date)
{
  double number = g_ascii_strtod (value, NULL);

  if (date && number >= 1 && number < 2958466)
    {
      /* Serial days since 1899-12-30 (Excel's 1900 leap-year bug included). */
      GDate day;

      g_date_clear (&day, 1);
      g_date_set_dmy (&day, 30, G_DATE_DECEMBER, 1899);
      g_date_add_days (&day, (guint) floor (number));
      return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&day), g_date_get_month (&day),
                              g_date_get_day (&day));
    }

  /* Whole numbers as their digits: 1.38E10 is a mobile number. */
  if (strpbrk (value, "eE") != NULL && number == floor (number) && fabs (number) < 1e15)
    return g_strdup_printf ("%.0f", number);
  return g_strdup (value);
}

static char *
read_cell (MdkXlsxReader    *reader,
           xmlTextReaderPtr  xml)
{
  g_autoptr(xmlChar) type = xmlTextReaderGetAttribute (xml, (const xmlChar *) "t");
  g_autoptr(xmlChar) style = xmlTextReaderGetAttribute (xml, (const xmlChar *) "s");
  g_autofree char *value = NULL;
  int depth = xmlTextReaderDepth (xml);
  guint style_index = style != NULL ? (guint) atoi ((const char *) style) : 0;
  gboolean date = style_index < reader->date_styles->len && g_array_index (reader->date_styles, gboolean, style_index);

  if (xmlTextReaderIsEmptyElement (xml))
    return g_strdup ("");

  if (type != NULL && g_str_equal ((const char *) type, "inlineStr"))
    return read_text_runs (xml, "c");

  while (xmlTextReaderRead (xml) == 1)
    {
      if (is_element (xml, "v") && !xmlTextReaderIsEmptyElement (xml))
        {
          xmlChar *text = xmlTextReaderReadString (xml);

          g_free (value);
          value = g_strdup ((const char *) text);
          xmlFree (text);
        }
      else if (is_end (xml, "c") && xmlTextReaderDepth (xml) == depth)
        break;
    }

  if (value == NULL)
    return g_strdup ("");
  if (type != NULL && g_str_equal ((const char *) type, "s"))
    {
      guint index = (guint) atoi (value);

      return g_strdup (index < reader->shared->len ? g_ptr_array_index (reader->shared, index) : "");
    }
  if (type != NULL && g_str_equal ((const char *) type, "b"))
    return g_strdup (g_str_equal (value, "1") ? "TRUE" : "FALSE");
  if (type == NULL || g_str_equal ((const char *) type, "n"))
    return number_text (value, date);
  return g_steal_pointer (&value);  /* "str" (a formula's text) and "e" (an error) */
}

/**
 * mdk_xlsx_reader_next:
 * @reader: a reader
 * @error: return location for a #GError
 *
 * Reads the next row that has cells; missing cells are empty strings.
 *
 * Returns: (transfer full) (nullable) (array zero-terminated=1): the row,
 *   or %NULL at the end of the sheet or with @error set
 */
char **
mdk_xlsx_reader_next (MdkXlsxReader  *reader,
                      GError        **error)
{
  int status;

  g_return_val_if_fail (reader != NULL, NULL);

  while ((status = xmlTextReaderRead (reader->sheet)) == 1)
    {
      g_autoptr(xmlChar) number = NULL;
      GPtrArray *cells;
      int depth;

      if (!is_element (reader->sheet, "row"))
        continue;

      number = xmlTextReaderGetAttribute (reader->sheet, (const xmlChar *) "r");
      reader->row = number != NULL ? g_ascii_strtoull ((const char *) number, NULL, 10) : reader->row + 1;
      if (xmlTextReaderIsEmptyElement (reader->sheet))
        continue;

      cells = g_ptr_array_new_with_free_func (g_free);
      depth = xmlTextReaderDepth (reader->sheet);
      while (xmlTextReaderRead (reader->sheet) == 1 && !(is_end (reader->sheet, "row") &&
                                                          xmlTextReaderDepth (reader->sheet) == depth))
        if (is_element (reader->sheet, "c"))
          {
            g_autoptr(xmlChar) reference = xmlTextReaderGetAttribute (reader->sheet, (const xmlChar *) "r");
            guint column = reference != NULL ? column_of_reference ((const char *) reference) : cells->len;

            while (cells->len < column)
              g_ptr_array_add (cells, g_strdup (""));
            if (column < cells->len)
              g_free (g_ptr_array_steal_index (cells, column));
            g_ptr_array_insert (cells, column, read_cell (reader, reader->sheet));
          }

      if (cells->len == 0)
        {
          g_ptr_array_unref (cells);
          continue;
        }
      g_ptr_array_set_free_func (cells, NULL);
      g_ptr_array_add (cells, NULL);
      return (char **) g_ptr_array_free (cells, FALSE);
    }

  if (status < 0)
    set_format_error (error);
  return NULL;
}

/**
 * mdk_xlsx_reader_get_line:
 * @reader: a reader
 *
 * Returns: the sheet row number of the last row read, as Excel shows it
 */
guint64
mdk_xlsx_reader_get_line (MdkXlsxReader *reader)
{
  return reader->row;
}

double
mdk_xlsx_reader_get_fraction (MdkXlsxReader *reader)
{
  return reader->sheet_size == 0 ? 0 : MIN (1.0, (double) reader->sheet_read / (double) reader->sheet_size);
}

void
mdk_xlsx_reader_free (MdkXlsxReader *reader)
{
  if (reader == NULL)
    return;

  g_clear_pointer (&reader->sheet, xmlFreeTextReader);
  g_clear_pointer (&reader->sheet_file, zip_fclose);
  g_clear_pointer (&reader->archive, zip_discard);
  g_clear_pointer (&reader->shared, g_ptr_array_unref);
  g_clear_pointer (&reader->date_styles, g_array_unref);
  g_free (reader);
}
