/* mdk-test-fixture.h: a throwaway PostgreSQL cluster for the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-core.h"

G_BEGIN_DECLS

typedef struct
{
  char        *name;
  char        *conninfo;
  MdkDatabase *database;
  PGconn      *conn;
} MdkTestDb;

void        mdk_test_init             (int          *argc,
                                       char       ***argv);
int         mdk_test_run              (void);
void        mdk_test_add_cleanup      (GDestroyNotify func,
                                       gpointer       data);
MdkEmbeddedServer *mdk_test_get_server (void);
char       *mdk_test_make_tmpdir      (void);
MdkTestDb  *mdk_test_db_new           (void);
MdkTestDb  *mdk_test_db_new_empty     (void);
MdkTestDb  *mdk_test_db_new_demo      (guint         n_members,
                                       guint64       seed);
void        mdk_test_db_free          (MdkTestDb    *db);
PGresult   *mdk_test_exec             (PGconn       *conn,
                                       const char   *sql);
char       *mdk_test_query_string     (PGconn       *conn,
                                       const char   *sql);
gint64      mdk_test_query_int        (PGconn       *conn,
                                       const char   *sql);
PGresult   *mdk_test_exec_params      (PGconn       *conn,
                                       const char   *sql,
                                       int           n_params,
                                       const char * const *params);
char       *mdk_test_query_string_params (PGconn     *conn,
                                          const char *sql,
                                          int         n_params,
                                          const char * const *params);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdkTestDb, mdk_test_db_free)

G_END_DECLS
