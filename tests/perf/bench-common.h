/* bench-common.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-core.h"

G_BEGIN_DECLS

PGconn *mdk_bench_connect  (MdkEmbeddedServer *server,
                            const char        *dbname);
void    mdk_bench_exec     (PGconn            *conn,
                            const char        *sql);
double  mdk_bench_run_psql (MdkEmbeddedServer *server,
                            const char        *dbname,
                            const char        *command);

G_END_DECLS
