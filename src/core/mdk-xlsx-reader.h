/* mdk-xlsx-reader.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MdkXlsxReader MdkXlsxReader;

MdkXlsxReader *mdk_xlsx_reader_new_for_path (const char     *path,
                                             GError        **error);
char         **mdk_xlsx_reader_next         (MdkXlsxReader  *reader,
                                             GError        **error);
guint64        mdk_xlsx_reader_get_line     (MdkXlsxReader  *reader);
double         mdk_xlsx_reader_get_fraction (MdkXlsxReader  *reader);
void           mdk_xlsx_reader_free         (MdkXlsxReader  *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdkXlsxReader, mdk_xlsx_reader_free)

G_END_DECLS
