/* mdk-context.c: one open Memberdesk database and the services over it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mdk-context.h"
#include "mdk-migrations.h"

struct _MdkContext
{
  GObject            parent_instance;

  MdkEmbeddedServer *server;      /* NULL for a company server */
  char              *conninfo;
  char              *password;
  MdkDatabase       *database;    /* set once opened */
  gboolean           fresh;
  int                schema_version;
  char              *server_label;
  char              *role_label;
};

G_DEFINE_FINAL_TYPE (MdkContext, mdk_context, G_TYPE_OBJECT)

static void
mdk_context_dispose (GObject *object)
{
  MdkContext *self = MDK_CONTEXT (object);

  g_clear_object (&self->database);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (mdk_context_parent_class)->dispose (object);
}

static void
mdk_context_finalize (GObject *object)
{
  MdkContext *self = MDK_CONTEXT (object);

  g_clear_pointer (&self->conninfo, g_free);
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->server_label, g_free);
  g_clear_pointer (&self->role_label, g_free);

  G_OBJECT_CLASS (mdk_context_parent_class)->finalize (object);
}

static void
mdk_context_class_init (MdkContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mdk_context_dispose;
  object_class->finalize = mdk_context_finalize;
}

static void
mdk_context_init (MdkContext *self)
{
}

/**
 * mdk_context_new_embedded:
 * @server: the private cluster to start and use
 *
 * Returns: (transfer full): a context, not yet open
 */
MdkContext *
mdk_context_new_embedded (MdkEmbeddedServer *server)
{
  MdkContext *self;

  g_return_val_if_fail (MDK_IS_EMBEDDED_SERVER (server), NULL);

  self = g_object_new (MDK_TYPE_CONTEXT, NULL);
  self->server = g_object_ref (server);
  self->conninfo = mdk_embedded_server_dup_conninfo (server, NULL);
  return self;
}

/**
 * mdk_context_new_for_server:
 * @conninfo: any libpq connection string
 * @password: (nullable): a password from the keyring, kept in memory only
 *
 * Returns: (transfer full): a context, not yet open
 */
MdkContext *
mdk_context_new_for_server (const char *conninfo,
                            const char *password)
{
  MdkContext *self;

  g_return_val_if_fail (conninfo != NULL, NULL);

  self = g_object_new (MDK_TYPE_CONTEXT, NULL);
  self->conninfo = g_strdup (conninfo);
  self->password = g_strdup (password);
  return self;
}

/**
 * mdk_context_get_database:
 * @self: a #MdkContext
 *
 * Returns: (transfer none) (nullable): the database, once open
 */
MdkDatabase *
mdk_context_get_database (MdkContext *self)
{
  g_return_val_if_fail (MDK_IS_CONTEXT (self), NULL);

  return self->database;
}

/**
 * mdk_context_get_embedded_server:
 * @self: a #MdkContext
 *
 * Returns: (transfer none) (nullable): the private cluster, if this context uses one
 */
MdkEmbeddedServer *
mdk_context_get_embedded_server (MdkContext *self)
{
  g_return_val_if_fail (MDK_IS_CONTEXT (self), NULL);

  return self->server;
}

/**
 * mdk_context_get_fresh:
 * @self: a #MdkContext
 *
 * Returns: %TRUE if opening created Memberdesk's schema in an empty database
 */
gboolean
mdk_context_get_fresh (MdkContext *self)
{
  g_return_val_if_fail (MDK_IS_CONTEXT (self), FALSE);

  return self->fresh;
}

/**
 * mdk_context_get_server_label:
 * @self: a #MdkContext
 *
 * Returns: (nullable): where the data is, for people: "This computer" or
 *   the host and database
 */
const char *
mdk_context_get_server_label (MdkContext *self)
{
  g_return_val_if_fail (MDK_IS_CONTEXT (self), NULL);

  return self->server_label;
}

/**
 * mdk_context_get_role_label:
 * @self: a #MdkContext
 *
 * Returns: (nullable): the database role connected as
 */
const char *
mdk_context_get_role_label (MdkContext *self)
{
  g_return_val_if_fail (MDK_IS_CONTEXT (self), NULL);

  return self->role_label;
}

int
mdk_context_get_schema_version (MdkContext *self)
{
  g_return_val_if_fail (MDK_IS_CONTEXT (self), 0);

  return self->schema_version;
}

static char *
describe_server (MdkContext *self,
                 PGconn     *conn)
{
  const char *host = PQhost (conn);

  if (self->server != NULL)
    return g_strdup (_("This computer"));

  if (host == NULL || *host == '\0' || *host == '/')
    /* Translators: %s is a database name on this computer's PostgreSQL */
    return g_strdup_printf (_("%s on this computer"), PQdb (conn));

  return g_strdup_printf ("%s:%s/%s", host, PQport (conn), PQdb (conn));
}

static gboolean
read_session (MdkContext  *self,
              PGconn      *conn,
              GError     **error)
{
  g_autoptr(PGresult) result = NULL;

  result = mdk_pg_exec (conn,
                        "SELECT current_user, r.rolsuper FROM pg_roles r WHERE r.rolname = current_user",
                        0, NULL, error);
  if (result == NULL)
    return FALSE;

  g_free (self->server_label);
  self->server_label = describe_server (self, conn);
  g_free (self->role_label);
  if (PQntuples (result) > 0 && g_str_equal (PQgetvalue (result, 0, 1), "t"))
    /* Translators: %s is a database role name */
    self->role_label = g_strdup_printf (_("%s (administrator)"), PQgetvalue (result, 0, 0));
  else
    self->role_label = g_strdup (PQntuples (result) ? PQgetvalue (result, 0, 0) : "");

  return TRUE;
}

/**
 * mdk_context_open:
 * @self: a #MdkContext
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Starts the embedded server when the context has one, connects, and
 * brings the schema up to date. Blocks: see mdk_context_open_async().
 *
 * Returns: %TRUE when the database is ready
 */
gboolean
mdk_context_open (MdkContext    *self,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(MdkDatabase) database = NULL;
  g_autoptr(PGconn) conn = NULL;
  int before;

  g_return_val_if_fail (MDK_IS_CONTEXT (self), FALSE);

  if (self->server != NULL && !mdk_embedded_server_start (self->server, cancellable, error))
    return FALSE;

  database = mdk_database_new (self->conninfo, self->password);
  if (!(conn = mdk_database_connect (database, error)))
    return FALSE;

  if ((before = mdk_migrations_get_current_version (conn, error)) < 0 ||
      !mdk_migrations_apply (conn, NULL, NULL, error) ||
      !read_session (self, conn, error))
    return FALSE;

  self->fresh = (before == 0);
  self->schema_version = mdk_migrations_get_current_version (conn, NULL);
  g_set_object (&self->database, database);

  return TRUE;
}

static void
open_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;

  if (mdk_context_open (source_object, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * mdk_context_open_async:
 * @self: a #MdkContext
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the database is ready or could not be opened
 * @user_data: data for @callback
 *
 * Does mdk_context_open() in a worker thread.
 */
void
mdk_context_open_async (MdkContext          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MDK_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mdk_context_open_async);
  g_task_run_in_thread (task, open_in_thread);
}

gboolean
mdk_context_open_finish (MdkContext    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  guint               n_members;
  guint64             seed;
  MdkDemoProgressFunc progress;
  gpointer            progress_data;
  GMainContext       *main_context;
} DemoData;

/* Carries what it needs by value: it may run after the task is gone. */
typedef struct
{
  MdkDemoProgressFunc progress;
  gpointer            progress_data;
  double              fraction;
} ProgressReport;

static void
demo_data_free (DemoData *demo)
{
  g_main_context_unref (demo->main_context);
  g_free (demo);
}

static gboolean
deliver_progress (gpointer user_data)
{
  ProgressReport *report = user_data;

  report->progress (report->fraction, report->progress_data);
  return G_SOURCE_REMOVE;
}

/* Runs in the worker: hand the figure to the caller's main context. */
static void
forward_progress (double   fraction,
                  gpointer user_data)
{
  DemoData *demo = user_data;
  ProgressReport *report = g_new (ProgressReport, 1);

  report->progress = demo->progress;
  report->progress_data = demo->progress_data;
  report->fraction = fraction;
  g_main_context_invoke_full (demo->main_context, G_PRIORITY_DEFAULT, deliver_progress, report, g_free);
}

static gpointer
demo_work (PGconn        *conn,
           gpointer       work_data,
           GCancellable  *cancellable,
           GError       **error)
{
  DemoData *demo = work_data;

  if (!mdk_demo_generate (conn, demo->n_members, demo->seed,
                          demo->progress ? forward_progress : NULL, demo,
                          cancellable, error))
    return NULL;

  return GINT_TO_POINTER (TRUE);
}

static void
on_demo_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (mdk_database_run_finish (MDK_DATABASE (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * mdk_context_load_demo_async:
 * @self: an open #MdkContext
 * @n_members: how many members
 * @seed: the seed of the demo chain
 * @progress: (nullable): called on the caller's main context as the load goes on
 * @progress_data: data for @progress; must live until @callback
 * @cancellable: (nullable): cancels the load, which then leaves nothing behind
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Loads the demo chain (see mdk_demo_generate()) off the calling thread.
 */
void
mdk_context_load_demo_async (MdkContext          *self,
                             guint                n_members,
                             guint64              seed,
                             MdkDemoProgressFunc  progress,
                             gpointer             progress_data,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  DemoData *demo;

  g_return_if_fail (MDK_IS_CONTEXT (self));
  g_return_if_fail (self->database != NULL);

  demo = g_new0 (DemoData, 1);
  demo->n_members = n_members;
  demo->seed = seed;
  demo->progress = progress;
  demo->progress_data = progress_data;
  demo->main_context = g_main_context_ref_thread_default ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mdk_context_load_demo_async);
  mdk_database_run_async (self->database, MDK_DATABASE_RUN_DEFAULT, demo_work, demo,
                          (GDestroyNotify) demo_data_free, NULL, cancellable, on_demo_done, task);
}

gboolean
mdk_context_load_demo_finish (MdkContext    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * mdk_context_close:
 * @self: a #MdkContext
 * @error: return location for a #GError
 *
 * Closes idle connections and stops the embedded server if this context
 * started it. Blocks for as long as a clean shutdown takes.
 *
 * Returns: %TRUE on success
 */
gboolean
mdk_context_close (MdkContext  *self,
                   GError     **error)
{
  g_return_val_if_fail (MDK_IS_CONTEXT (self), FALSE);

  if (self->database != NULL)
    mdk_database_close_idle (self->database);

  if (self->server != NULL)
    return mdk_embedded_server_stop (self->server, error);

  return TRUE;
}

static void
close_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;

  if (mdk_context_close (source_object, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * mdk_context_close_async:
 * @self: a #MdkContext
 * @callback: called once closed
 * @user_data: data for @callback
 *
 * Does mdk_context_close() in a worker thread: stopping the embedded
 * server takes a moment.
 */
void
mdk_context_close_async (MdkContext          *self,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MDK_IS_CONTEXT (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, mdk_context_close_async);
  g_task_run_in_thread (task, close_in_thread);
}

gboolean
mdk_context_close_finish (MdkContext    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
