/* mdk-statement.h: SQL put together from fixed fragments, with every value
 * a parameter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-database.h"

G_BEGIN_DECLS

typedef struct
{
  GString   *sql;
  GPtrArray *params;
} MdkStatement;

void      mdk_statement_init   (MdkStatement  *statement);
void      mdk_statement_clear  (MdkStatement  *statement);
void      mdk_statement_append (MdkStatement  *statement,
                                const char    *fragment,
                                ...);
PGresult *mdk_statement_exec   (PGconn        *conn,
                                MdkStatement  *statement,
                                GError       **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MdkStatement, mdk_statement_clear)

G_END_DECLS
