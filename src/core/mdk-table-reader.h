/* mdk-table-reader.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _MdkTableReader MdkTableReader;

MdkTableReader *mdk_table_reader_open         (const char      *path,
                                               GError         **error);
char          **mdk_table_reader_next         (MdkTableReader  *reader,
                                               GError         **error);
guint64         mdk_table_reader_get_line     (MdkTableReader  *reader);
double          mdk_table_reader_get_fraction (MdkTableReader  *reader);
const char     *mdk_table_reader_get_encoding (MdkTableReader  *reader);
void            mdk_table_reader_free         (MdkTableReader  *reader);

char           *mdk_table_fold_header         (const char      *header);
gboolean        mdk_table_has_text            (const char      *value);
gboolean        mdk_table_row_is_blank        (char           **fields);
const char     *mdk_table_row_field           (char           **fields,
                                               int              column);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdkTableReader, mdk_table_reader_free)

G_END_DECLS
