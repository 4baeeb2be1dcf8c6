/* mdk-conninfo.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *mdk_conninfo_build    (const char  *host,
                                 const char  *port,
                                 const char  *dbname,
                                 const char  *user,
                                 const char  *service,
                                 const char  *sslmode);
gboolean  mdk_conninfo_validate (const char  *conninfo,
                                 GError     **error);
char     *mdk_conninfo_get      (const char  *conninfo,
                                 const char  *keyword);
gboolean  mdk_conninfo_equal    (const char  *a,
                                 const char  *b);

G_END_DECLS
