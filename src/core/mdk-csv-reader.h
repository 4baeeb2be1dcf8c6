/* mdk-csv-reader.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MdkCsvReader MdkCsvReader;

MdkCsvReader *mdk_csv_reader_new_for_path  (const char    *path,
                                            GError       **error);
MdkCsvReader *mdk_csv_reader_new_for_data  (const char    *data,
                                            gsize          length,
                                            GError       **error);
const char   *mdk_csv_reader_get_encoding  (MdkCsvReader  *reader);
char          mdk_csv_reader_get_delimiter (MdkCsvReader  *reader);
char        **mdk_csv_reader_next          (MdkCsvReader  *reader);
guint64       mdk_csv_reader_get_line      (MdkCsvReader  *reader);
double        mdk_csv_reader_get_fraction  (MdkCsvReader  *reader);
void          mdk_csv_reader_free          (MdkCsvReader  *reader);

void          mdk_csv_append_field         (GString       *line,
                                            const char    *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdkCsvReader, mdk_csv_reader_free)

G_END_DECLS
