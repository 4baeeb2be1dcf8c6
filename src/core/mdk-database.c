/* mdk-database.c: libpq connections, used off the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "mdk-database.h"

#define MAX_IDLE_CONNECTIONS 8
#define MAX_TRANSACTION_ATTEMPTS 6

struct _MdkDatabase
{
  GObject  parent_instance;

  char    *conninfo;
  char    *password;

  GMutex   pool_lock;
  GQueue   idle;  /* PGconn*, ready for use */
};

G_DEFINE_FINAL_TYPE (MdkDatabase, mdk_database, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNINFO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  MdkDatabaseRunFlags flags;
  MdkDatabaseWorkFunc func;
  gpointer            work_data;
  GDestroyNotify      work_data_destroy;
  GDestroyNotify      result_destroy;
} RunData;

static void
run_data_free (RunData *data)
{
  if (data->work_data_destroy != NULL)
    data->work_data_destroy (data->work_data);
  g_free (data);
}

/* Notices such as "relation already exists, skipping" are for developers. */
static void
on_notice (void       *arg,
           const char *message)
{
  g_debug ("PostgreSQL: %s", message);
}

static void
free_idle_connection (gpointer conn)
{
  PQfinish (conn);
}

static PGconn *
take_connection (MdkDatabase  *self,
                 GError      **error)
{
  PGconn *conn;

  g_mutex_lock (&self->pool_lock);
  conn = g_queue_pop_head (&self->idle);
  g_mutex_unlock (&self->pool_lock);

  if (conn != NULL && PQstatus (conn) == CONNECTION_OK)
    return conn;

  g_clear_pointer (&conn, PQfinish);
  return mdk_database_connect (self, error);
}

static void
give_back_connection (MdkDatabase *self,
                      PGconn      *conn)
{
  if (PQstatus (conn) != CONNECTION_OK || PQtransactionStatus (conn) != PQTRANS_IDLE)
    {
      PQfinish (conn);
      return;
    }

  g_mutex_lock (&self->pool_lock);
  if (self->idle.length < MAX_IDLE_CONNECTIONS)
    g_queue_push_head (&self->idle, g_steal_pointer (&conn));
  g_mutex_unlock (&self->pool_lock);

  g_clear_pointer (&conn, PQfinish);
}

static void
on_cancelled (GCancellable *cancellable,
              PGcancel     *pgcancel)
{
  char message[256];

  if (!PQcancel (pgcancel, message, sizeof message))
    g_debug ("Could not cancel the query: %s", message);
}

static gpointer
run_transaction (PGconn         *conn,
                 RunData        *data,
                 GCancellable   *cancellable,
                 GError        **error)
{
  gpointer result;

  if (!mdk_pg_exec_command (conn, "BEGIN", 0, NULL, error))
    return NULL;

  result = data->func (conn, data->work_data, cancellable, error);

  if (result != NULL && !g_cancellable_set_error_if_cancelled (cancellable, error) &&
      mdk_pg_exec_command (conn, "COMMIT", 0, NULL, error))
    return result;

  if (result != NULL && data->result_destroy != NULL)
    data->result_destroy (result);
  if (PQstatus (conn) == CONNECTION_OK && PQtransactionStatus (conn) != PQTRANS_IDLE)
    mdk_pg_exec_command (conn, "ROLLBACK", 0, NULL, NULL);

  return NULL;
}

/* One attempt on one connection, with the server-side query cancelled
 * when @cancellable is. */
static gpointer
run_once (PGconn        *conn,
          RunData       *data,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  PGcancel *pgcancel = PQgetCancel (conn);
  gulong handler_id = 0;
  gpointer result;

  if (cancellable != NULL && pgcancel != NULL)
    handler_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), pgcancel, NULL);

  if (data->flags & MDK_DATABASE_RUN_TRANSACTION)
    result = run_transaction (conn, data, cancellable, &local_error);
  else
    result = data->func (conn, data->work_data, cancellable, &local_error);

  if (handler_id != 0)
    g_cancellable_disconnect (cancellable, handler_id);
  g_clear_pointer (&pgcancel, PQfreeCancel);

  if (local_error != NULL && g_cancellable_is_cancelled (cancellable))
    {
      g_clear_error (&local_error);
      g_cancellable_set_error_if_cancelled (cancellable, &local_error);
    }

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return result;
}

static gboolean
should_retry (const GError        *error,
              MdkDatabaseRunFlags  flags,
              guint                attempt)
{
  if (attempt + 1 >= MAX_TRANSACTION_ATTEMPTS)
    return FALSE;

  if ((flags & MDK_DATABASE_RUN_TRANSACTION) && mdk_database_error_is_retryable (error))
    return TRUE;

  /* The server tells a request it has seen by its id. */
  if ((flags & MDK_DATABASE_RUN_IDEMPOTENT) &&
      (mdk_database_error_is_retryable (error) ||
       g_error_matches (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_CONNECTION_LOST)))
    return TRUE;

  /* A read can be repeated once on a fresh connection; a write can't,
   * because nobody knows whether it committed. */
  return (flags & MDK_DATABASE_RUN_READ_ONLY) && attempt == 0 &&
         g_error_matches (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_CONNECTION_LOST);
}

static void
back_off (guint attempt)
{
  guint max_ms = 10u << MIN (attempt, 5u);

  g_usleep (1000 * g_random_int_range (1, max_ms + 1));
}

static void
mdk_database_finalize (GObject *object)
{
  MdkDatabase *self = (MdkDatabase *)object;

  g_queue_clear_full (&self->idle, free_idle_connection);
  g_mutex_clear (&self->pool_lock);
  g_clear_pointer (&self->conninfo, g_free);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);

  G_OBJECT_CLASS (mdk_database_parent_class)->finalize (object);
}

static void
mdk_database_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MdkDatabase *self = MDK_DATABASE (object);

  switch (prop_id)
    {
    case PROP_CONNINFO:
      g_value_set_string (value, self->conninfo);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mdk_database_class_init (MdkDatabaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mdk_database_finalize;
  object_class->get_property = mdk_database_get_property;

  /**
   * MdkDatabase:conninfo:
   *
   * The libpq connection string, without a password.
   */
  properties[PROP_CONNINFO] =
    g_param_spec_string ("conninfo", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mdk_database_init (MdkDatabase *self)
{
  g_mutex_init (&self->pool_lock);
  g_queue_init (&self->idle);
}

/**
 * mdk_database_new:
 * @conninfo: a libpq connection string or URI: anything `psql` accepts,
 *   service names, multiple hosts and `target_session_attrs` included
 * @password: (nullable): a password kept in memory only, or %NULL to let
 *   libpq find one (`.pgpass`, `PGPASSWORD`, peer authentication)
 *
 * Returns: (transfer full): a new #MdkDatabase
 */
MdkDatabase *
mdk_database_new (const char *conninfo,
                  const char *password)
{
  MdkDatabase *self;

  g_return_val_if_fail (conninfo != NULL, NULL);

  self = g_object_new (MDK_TYPE_DATABASE, NULL);
  self->conninfo = g_strdup (conninfo);
  self->password = g_strdup (password);

  return self;
}

/**
 * mdk_database_get_conninfo:
 * @self: a #MdkDatabase
 *
 * Returns: the connection string, without a password
 */
const char *
mdk_database_get_conninfo (MdkDatabase *self)
{
  g_return_val_if_fail (MDK_IS_DATABASE (self), NULL);

  return self->conninfo;
}

/**
 * mdk_database_connect:
 * @self: a #MdkDatabase
 * @error: return location for a #GError
 *
 * Opens a new connection. This blocks: call it off the main thread.
 *
 * Returns: (transfer full): a connection in UTF-8, or %NULL with @error set
 */
PGconn *
mdk_database_connect (MdkDatabase  *self,
                      GError      **error)
{
  const char *keywords[] = { "fallback_application_name", "client_encoding", "connect_timeout",
                             "dbname", self->password ? "password" : NULL, NULL };
  const char *values[] = { "memberdesk", "UTF8", "10", self->conninfo, self->password, NULL };
  g_autoptr(PGconn) conn = NULL;

  g_return_val_if_fail (MDK_IS_DATABASE (self), NULL);

  conn = PQconnectdbParams (keywords, values, TRUE);

  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strstrip (g_strdup (PQerrorMessage (conn)));

      g_set_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_CONNECTION_FAILED,
                   /* Translators: %s is libpq's explanation, in English */
                   _("Could not connect to the database server. Check that it is running and that the connection settings in Preferences are right. (%s)"),
                   message);
      return NULL;
    }

  PQsetNoticeProcessor (conn, on_notice, NULL);

  return g_steal_pointer (&conn);
}

/**
 * mdk_database_run_sync:
 * @self: a #MdkDatabase
 * @flags: how to run @func
 * @func: (scope call): the work
 * @work_data: data for @func
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Runs @func on a pooled connection in the calling thread, with the
 * retries that @flags allow. Never call it on the main thread of an
 * application; mdk_database_run_async() is for that.
 *
 * Returns: (transfer full) (nullable): what @func returned
 */
gpointer
mdk_database_run_sync (MdkDatabase          *self,
                       MdkDatabaseRunFlags   flags,
                       MdkDatabaseWorkFunc   func,
                       gpointer              work_data,
                       GCancellable         *cancellable,
                       GError              **error)
{
  RunData data = { flags, func, work_data, NULL, NULL };

  g_return_val_if_fail (MDK_IS_DATABASE (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      PGconn *conn;
      gpointer result;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      if (!(conn = take_connection (self, error)))
        return NULL;

      result = run_once (conn, &data, cancellable, &local_error);

      /* A cancel request may still be on its way to the server: don't let
       * it hit the next user of this connection. */
      if (g_cancellable_is_cancelled (cancellable))
        PQfinish (conn);
      else
        give_back_connection (self, conn);

      if (local_error == NULL)
        return result;

      if (!should_retry (local_error, flags, attempt))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      g_debug ("Running again after: %s", local_error->message);
      back_off (attempt);
    }
}

static void
run_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RunData *data = task_data;
  GError *error = NULL;
  gpointer result;

  result = mdk_database_run_sync (source_object, data->flags, data->func, data->work_data,
                                  cancellable, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, data->result_destroy);
}

/**
 * mdk_database_run_async:
 * @self: a #MdkDatabase
 * @flags: how to run @func
 * @func: the work, run in a worker thread
 * @work_data: (transfer full): data for @func
 * @work_data_destroy: (nullable): frees @work_data
 * @result_destroy: (nullable): frees what @func returns if nobody takes it
 * @cancellable: (nullable): cancels the work and its running query
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * Runs @func off the calling thread on a pooled connection, so the UI
 * never waits on the network.
 */
void
mdk_database_run_async (MdkDatabase          *self,
                        MdkDatabaseRunFlags   flags,
                        MdkDatabaseWorkFunc   func,
                        gpointer              work_data,
                        GDestroyNotify        work_data_destroy,
                        GDestroyNotify        result_destroy,
                        GCancellable         *cancellable,
                        GAsyncReadyCallback   callback,
                        gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  RunData *data;

  g_return_if_fail (MDK_IS_DATABASE (self));
  g_return_if_fail (func != NULL);

  data = g_new0 (RunData, 1);
  data->flags = flags;
  data->func = func;
  data->work_data = work_data;
  data->work_data_destroy = work_data_destroy;
  data->result_destroy = result_destroy;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mdk_database_run_async);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  g_task_run_in_thread (task, run_in_thread);
}

/**
 * mdk_database_run_finish:
 * @self: a #MdkDatabase
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): what the work returned
 */
gpointer
mdk_database_run_finish (MdkDatabase   *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (MDK_IS_DATABASE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mdk_database_close_idle:
 * @self: a #MdkDatabase
 *
 * Closes the pooled connections that are not in use, for example before
 * the embedded server stops.
 */
void
mdk_database_close_idle (MdkDatabase *self)
{
  g_return_if_fail (MDK_IS_DATABASE (self));

  g_mutex_lock (&self->pool_lock);
  g_queue_clear_full (&self->idle, free_idle_connection);
  g_mutex_unlock (&self->pool_lock);
}

/**
 * mdk_pg_exec:
 * @conn: a connection
 * @sql: one statement with `$1`… placeholders
 * @n_params: the number of parameters
 * @params: (array length=n_params) (nullable): parameter values as text; %NULL for SQL NULL
 * @error: return location for a #GError
 *
 * Runs one parameterised statement; user text only ever goes in @params.
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
PGresult *
mdk_pg_exec (PGconn              *conn,
             const char          *sql,
             int                  n_params,
             const char * const  *params,
             GError             **error)
{
  g_autoptr(PGresult) result = NULL;
  ExecStatusType status;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  result = PQexecParams (conn, sql, n_params, NULL, (const char * const *) params, NULL, NULL, 0);
  status = PQresultStatus (result);

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return g_steal_pointer (&result);

  g_propagate_error (error, mdk_database_error_new_from_result (conn, result));
  return NULL;
}

/**
 * mdk_pg_exec_command:
 * @conn: a connection
 * @sql: one statement with `$1`… placeholders
 * @n_params: the number of parameters
 * @params: (array length=n_params) (nullable): parameter values as text
 * @error: return location for a #GError
 *
 * Like mdk_pg_exec() for statements whose result is not needed.
 *
 * Returns: %TRUE on success
 */
gboolean
mdk_pg_exec_command (PGconn              *conn,
                     const char          *sql,
                     int                  n_params,
                     const char * const  *params,
                     GError             **error)
{
  g_autoptr(PGresult) result = mdk_pg_exec (conn, sql, n_params, params, error);

  return result != NULL;
}

/**
 * mdk_pg_exec_script:
 * @conn: a connection
 * @script: several statements of the application's own, never user text
 * @error: return location for a #GError
 *
 * Runs a script such as a migration, which cannot be parameterised.
 *
 * Returns: %TRUE on success
 */
gboolean
mdk_pg_exec_script (PGconn      *conn,
                    const char  *script,
                    GError     **error)
{
  g_autoptr(PGresult) result = NULL;
  ExecStatusType status;

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (script != NULL, FALSE);

  result = PQexec (conn, script);
  status = PQresultStatus (result);

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return TRUE;

  g_propagate_error (error, mdk_database_error_new_from_result (conn, result));
  return FALSE;
}

/**
 * mdk_pg_get_string:
 * @result: a result
 * @row: a row
 * @column: a column
 *
 * Returns: (transfer full) (nullable): the value as text, %NULL for SQL NULL
 */
char *
mdk_pg_get_string (const PGresult *result,
                   int             row,
                   int             column)
{
  if (PQgetisnull (result, row, column))
    return NULL;

  return g_strdup (PQgetvalue (result, row, column));
}

/**
 * mdk_pg_get_int64:
 * @result: a result
 * @row: a row
 * @column: a column
 *
 * Returns: the value as an integer, 0 for SQL NULL
 */
gint64
mdk_pg_get_int64 (const PGresult *result,
                  int             row,
                  int             column)
{
  if (PQgetisnull (result, row, column))
    return 0;

  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

/**
 * mdk_pg_text_array:
 * @items: (array zero-terminated=1): strings
 *
 * Spells @items as a PostgreSQL text[] literal, to pass as one parameter.
 *
 * Returns: (transfer full): the literal
 */
char *
mdk_pg_text_array (const char * const *items)
{
  GString *literal = g_string_new ("{");

  g_return_val_if_fail (items != NULL, NULL);

  for (guint i = 0; items[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (literal, ',');
      g_string_append_c (literal, '"');
      for (const char *p = items[i]; *p != '\0'; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (literal, '\\');
          g_string_append_c (literal, *p);
        }
      g_string_append_c (literal, '"');
    }
  g_string_append_c (literal, '}');

  return g_string_free (literal, FALSE);
}
