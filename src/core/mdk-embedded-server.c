/* mdk-embedded-server.c: a private PostgreSQL cluster for one desktop user
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>
#include <libpq-fe.h>

#include "mdk-conninfo.h"
#include "mdk-database.h"
#include "mdk-embedded-server.h"

#define SERVER_PORT "5432"
#define START_TIMEOUT_SECONDS "120"

struct _MdkEmbeddedServer
{
  GObject   parent_instance;

  char     *data_dir;
  char     *socket_dir;
  char     *bindir;
  gboolean  durable;
  gboolean  created;    /* initdb ran during the last start */
  gboolean  recovered;  /* a stale lock was cleared during the last start */
  gboolean  started;    /* this object started the server and will stop it */
};

G_DEFINE_FINAL_TYPE (MdkEmbeddedServer, mdk_embedded_server, G_TYPE_OBJECT)

static gboolean
set_not_installed (GError **error)
{
  g_set_error_literal (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_SERVER_NOT_INSTALLED,
                       _("Memberdesk keeps its data in PostgreSQL, but no PostgreSQL server is installed on this computer. "
                         "Install it (on Debian or Ubuntu: sudo apt install postgresql), or connect to your company’s server in Preferences."));
  return FALSE;
}

static gboolean
bindir_has_server (const char *dir)
{
  g_autofree char *initdb = g_build_filename (dir, "initdb", NULL);
  g_autofree char *pg_ctl = g_build_filename (dir, "pg_ctl", NULL);

  return g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE) &&
         g_file_test (pg_ctl, G_FILE_TEST_IS_EXECUTABLE);
}

static char *
bindir_from_pg_config (void)
{
  g_autofree char *out = NULL;
  const char *argv[] = { "pg_config", "--bindir", NULL };

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, NULL, NULL))
    return NULL;

  g_strstrip (out);
  return bindir_has_server (out) ? g_steal_pointer (&out) : NULL;
}

/* Debian installs each major version under /usr/lib/postgresql/N/bin. */
static char *
bindir_from_debian (const char *major_version)
{
  g_autoptr(GDir) dir = g_dir_open ("/usr/lib/postgresql", 0, NULL);
  g_autofree char *best = NULL;
  gint64 best_version = -1;
  const char *name;

  if (dir == NULL)
    return NULL;

  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *bin = g_build_filename ("/usr/lib/postgresql", name, "bin", NULL);
      gint64 version = g_ascii_strtoll (name, NULL, 10);

      if (!bindir_has_server (bin))
        continue;
      if (major_version != NULL && g_strcmp0 (name, major_version) == 0)
        return g_steal_pointer (&bin);
      if (version > best_version)
        {
          best_version = version;
          g_free (best);
          best = g_steal_pointer (&bin);
        }
    }

  return g_steal_pointer (&best);
}

/**
 * mdk_embedded_server_find_bindir:
 * @major_version: (nullable): the PostgreSQL major version an existing
 *   cluster needs, for example "15"; %NULL for the newest
 * @error: return location for a #GError
 *
 * Finds the PostgreSQL server programs: `$MDK_PG_BINDIR`, Debian's
 * `/usr/lib/postgresql/N/bin`, `pg_config --bindir`, then `$PATH`.
 *
 * Returns: (transfer full): the directory holding `initdb` and `pg_ctl`
 */
char *
mdk_embedded_server_find_bindir (const char  *major_version,
                                 GError     **error)
{
  const char *env = g_getenv ("MDK_PG_BINDIR");
  g_autofree char *initdb = NULL;
  char *dir;

  /* Set, it is the only place looked at: packagers and tests rely on that. */
  if (env != NULL)
    {
      if (bindir_has_server (env))
        return g_strdup (env);
      set_not_installed (error);
      return NULL;
    }
  if ((dir = bindir_from_debian (major_version)))
    return dir;
  if ((dir = bindir_from_pg_config ()))
    return dir;
  if ((initdb = g_find_program_in_path ("initdb")))
    return g_path_get_dirname (initdb);

  set_not_installed (error);
  return NULL;
}

static char *
program_path (MdkEmbeddedServer *self,
              const char        *name)
{
  return g_build_filename (self->bindir, name, NULL);
}

/* Runs a server program and turns a failure into an error that carries
 * what the program said. */
static gboolean
run_program (const char * const  *argv,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *err_text = NULL;
  g_autofree char *out_text = NULL;
  g_autoptr(GError) local_error = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &local_error);
  if (process == NULL ||
      !g_subprocess_communicate_utf8 (process, NULL, cancellable, &out_text, &err_text, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_SERVER_FAILED,
                     _("Could not run %s: %s"), argv[0], local_error->message);
      return FALSE;
    }

  if (!g_subprocess_get_successful (process))
    {
      g_autofree char *base = g_path_get_basename (argv[0]);

      g_set_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_SERVER_FAILED,
                   /* Translators: %s is a program name, then what it printed */
                   _("The embedded database server could not be started: %s failed. %s"),
                   base, g_strstrip (err_text ? err_text : out_text));
      return FALSE;
    }

  return TRUE;
}

static char *
read_pg_version (MdkEmbeddedServer *self)
{
  g_autofree char *path = g_build_filename (self->data_dir, "PG_VERSION", NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;

  return g_strstrip (contents);
}

static gboolean
ensure_directory (const char  *path,
                  GError     **error)
{
  if (g_mkdir_with_parents (path, 0700) == 0)
    return TRUE;

  g_set_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_SERVER_FAILED,
               _("Could not create the folder %s: %s"), path, g_strerror (errno));
  return FALSE;
}

static gboolean
init_cluster (MdkEmbeddedServer  *self,
              GCancellable       *cancellable,
              GError            **error)
{
  g_autofree char *initdb = program_path (self, "initdb");
  g_autofree char *parent = g_path_get_dirname (self->data_dir);
  const char *argv[] = { initdb, "-D", self->data_dir, "-E", "UTF8", "--locale=C.UTF-8",
                         "--auth-local=peer", "--auth-host=reject", "--no-instructions",
                         self->durable ? NULL : "--no-sync", NULL };

  if (!ensure_directory (parent, error))
    return FALSE;

  if (!run_program (argv, cancellable, error))
    return FALSE;

  self->created = TRUE;
  return TRUE;
}

static gboolean
process_is_postgres (GPid pid)
{
  g_autofree char *comm_path = g_strdup_printf ("/proc/%d/comm", (int) pid);
  g_autofree char *comm = NULL;

  if (kill (pid, 0) != 0 && errno == ESRCH)
    return FALSE;

  /* Without /proc, trust that a live pid is the server. */
  if (!g_file_get_contents (comm_path, &comm, NULL, NULL))
    return TRUE;

  return g_str_has_prefix (g_strstrip (comm), "postgres");
}

static GPid
read_lock_pid (const char *path)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;

  /* A postmaster lock stores the pid first; a negative one is a single-user backend. */
  return (GPid) ABS (g_ascii_strtoll (contents, NULL, 10));
}

/* After a crash the lock files name a process that is gone, or whose pid
 * now belongs to something else. Remove them so that the server starts. */
static gboolean
recover_stale_lock (MdkEmbeddedServer *self,
                    const char        *lock_path)
{
  GPid pid = read_lock_pid (lock_path);

  if (pid == 0 || process_is_postgres (pid))
    return FALSE;

  g_message ("Removing the stale lock %s of process %d", lock_path, (int) pid);
  g_unlink (lock_path);
  return TRUE;
}

static char *
pid_file_path (MdkEmbeddedServer *self)
{
  return g_build_filename (self->data_dir, "postmaster.pid", NULL);
}

static char *
socket_lock_path (MdkEmbeddedServer *self)
{
  return g_build_filename (self->socket_dir, ".s.PGSQL." SERVER_PORT ".lock", NULL);
}

static gboolean
server_answers (MdkEmbeddedServer *self)
{
  g_autofree char *conninfo = mdk_embedded_server_dup_conninfo (self, "postgres");

  return PQping (conninfo) == PQPING_OK;
}

static char *
server_options (MdkEmbeddedServer *self)
{
  g_autofree char *quoted_socket_dir = g_shell_quote (self->socket_dir);
  GString *options = g_string_new (NULL);

  g_string_append_printf (options, "-k %s -p " SERVER_PORT, quoted_socket_dir);
  g_string_append (options, " -c listen_addresses='' -c unix_socket_permissions=0700");
  if (!self->durable)
    g_string_append (options, " -c fsync=off -c full_page_writes=off -c synchronous_commit=off");

  return g_string_free (options, FALSE);
}

static gboolean
start_cluster (MdkEmbeddedServer  *self,
               GCancellable       *cancellable,
               GError            **error)
{
  g_autofree char *pg_ctl = program_path (self, "pg_ctl");
  g_autofree char *parent = g_path_get_dirname (self->data_dir);
  g_autofree char *log_path = g_build_filename (parent, "postgres.log", NULL);
  g_autofree char *options = server_options (self);
  const char *argv[] = { pg_ctl, "start", "-D", self->data_dir, "-l", log_path, "-w",
                         "-t", START_TIMEOUT_SECONDS, "-s", "-o", options, NULL };

  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *whole_log = NULL;
      const char *log = NULL;
      GStatBuf before = { 0 };
      gsize length = 0;

      /* Only what this attempt wrote to the log counts. */
      if (g_stat (log_path, &before) != 0)
        before.st_size = 0;

      if (run_program (argv, cancellable, &local_error))
        break;

      if (g_file_get_contents (log_path, &whole_log, &length, NULL))
        log = whole_log + MIN ((gsize) before.st_size, length);

      /* After a crash, the old server's processes take a moment to notice
       * and leave; until then its shared memory is still in use. */
      if (attempt < 20 && log != NULL && strstr (log, "shared memory block is still in use") != NULL)
        {
          g_usleep (G_USEC_PER_SEC / 2);
          continue;
        }

      if (log != NULL)
        g_prefix_error (&local_error, "%s\n", log + (strlen (log) > 2000 ? strlen (log) - 2000 : 0));
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  self->started = TRUE;
  return TRUE;
}

static gboolean
create_database (MdkEmbeddedServer  *self,
                 GError            **error)
{
  g_autofree char *conninfo = mdk_embedded_server_dup_conninfo (self, "postgres");
  g_autoptr(MdkDatabase) database = mdk_database_new (conninfo, NULL);
  g_autoptr(PGconn) conn = mdk_database_connect (database, error);
  g_autoptr(PGresult) exists = NULL;
  const char *params[] = { MDK_EMBEDDED_DATABASE_NAME };

  if (conn == NULL)
    return FALSE;

  exists = mdk_pg_exec (conn, "SELECT 1 FROM pg_database WHERE datname = $1", 1, params, error);
  if (exists == NULL)
    return FALSE;
  if (PQntuples (exists) > 0)
    return TRUE;

  return mdk_pg_exec_command (conn, "CREATE DATABASE " MDK_EMBEDDED_DATABASE_NAME, 0, NULL, error);
}

static void
mdk_embedded_server_finalize (GObject *object)
{
  MdkEmbeddedServer *self = (MdkEmbeddedServer *)object;

  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->socket_dir, g_free);
  g_clear_pointer (&self->bindir, g_free);

  G_OBJECT_CLASS (mdk_embedded_server_parent_class)->finalize (object);
}

static void
mdk_embedded_server_class_init (MdkEmbeddedServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mdk_embedded_server_finalize;
}

static void
mdk_embedded_server_init (MdkEmbeddedServer *self)
{
  self->durable = TRUE;
}

/**
 * mdk_embedded_server_new:
 * @data_dir: the cluster's data directory (created when missing)
 * @socket_dir: the directory of its Unix socket, private to the user
 *
 * Returns: (transfer full): a new #MdkEmbeddedServer, not started
 */
MdkEmbeddedServer *
mdk_embedded_server_new (const char *data_dir,
                         const char *socket_dir)
{
  MdkEmbeddedServer *self;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (socket_dir != NULL, NULL);

  self = g_object_new (MDK_TYPE_EMBEDDED_SERVER, NULL);
  self->data_dir = g_strdup (data_dir);
  self->socket_dir = g_strdup (socket_dir);

  return self;
}

/**
 * mdk_embedded_server_new_default:
 *
 * The user's own cluster: data in `$XDG_DATA_HOME/memberdesk/postgres`,
 * socket in `$XDG_RUNTIME_DIR/memberdesk`.
 *
 * Returns: (transfer full): a new #MdkEmbeddedServer, not started
 */
MdkEmbeddedServer *
mdk_embedded_server_new_default (void)
{
  g_autofree char *data_dir = g_build_filename (g_get_user_data_dir (), "memberdesk", "postgres", NULL);
  g_autofree char *socket_dir = g_build_filename (g_get_user_runtime_dir (), "memberdesk", NULL);

  return mdk_embedded_server_new (data_dir, socket_dir);
}

const char *
mdk_embedded_server_get_data_dir (MdkEmbeddedServer *self)
{
  g_return_val_if_fail (MDK_IS_EMBEDDED_SERVER (self), NULL);

  return self->data_dir;
}

const char *
mdk_embedded_server_get_socket_dir (MdkEmbeddedServer *self)
{
  g_return_val_if_fail (MDK_IS_EMBEDDED_SERVER (self), NULL);

  return self->socket_dir;
}

/**
 * mdk_embedded_server_set_durable:
 * @self: a #MdkEmbeddedServer
 * @durable: %FALSE to turn fsync off, for throwaway test clusters
 */
void
mdk_embedded_server_set_durable (MdkEmbeddedServer *self,
                                 gboolean           durable)
{
  g_return_if_fail (MDK_IS_EMBEDDED_SERVER (self));

  self->durable = !!durable;
}

/**
 * mdk_embedded_server_get_created:
 * @self: a #MdkEmbeddedServer
 *
 * Returns: %TRUE if the last start created the cluster
 */
gboolean
mdk_embedded_server_get_created (MdkEmbeddedServer *self)
{
  g_return_val_if_fail (MDK_IS_EMBEDDED_SERVER (self), FALSE);

  return self->created;
}

/**
 * mdk_embedded_server_get_recovered:
 * @self: a #MdkEmbeddedServer
 *
 * Returns: %TRUE if the last start cleared a lock left by a crash
 */
gboolean
mdk_embedded_server_get_recovered (MdkEmbeddedServer *self)
{
  g_return_val_if_fail (MDK_IS_EMBEDDED_SERVER (self), FALSE);

  return self->recovered;
}

/**
 * mdk_embedded_server_get_started:
 * @self: a #MdkEmbeddedServer
 *
 * Returns: %TRUE if this object started the server (and so will stop it);
 *   %FALSE when it found it already running, for example started by
 *   `memberdesk-admin`
 */
gboolean
mdk_embedded_server_get_started (MdkEmbeddedServer *self)
{
  g_return_val_if_fail (MDK_IS_EMBEDDED_SERVER (self), FALSE);

  return self->started;
}

/**
 * mdk_embedded_server_dup_conninfo:
 * @self: a #MdkEmbeddedServer
 * @dbname: (nullable): a database name; %NULL for the application's
 *
 * Returns: (transfer full): a libpq connection string for the socket
 */
char *
mdk_embedded_server_dup_conninfo (MdkEmbeddedServer *self,
                                  const char        *dbname)
{
  g_return_val_if_fail (MDK_IS_EMBEDDED_SERVER (self), NULL);

  return mdk_conninfo_build (self->socket_dir, SERVER_PORT, dbname ? dbname : MDK_EMBEDDED_DATABASE_NAME,
                             NULL, NULL, NULL);
}

static gboolean
find_programs (MdkEmbeddedServer  *self,
               GError            **error)
{
  g_autofree char *version = read_pg_version (self);
  g_autofree char *suffix = NULL;

  if (self->bindir != NULL)
    return TRUE;

  self->bindir = mdk_embedded_server_find_bindir (version, error);
  if (self->bindir == NULL)
    return FALSE;

  /* A cluster made by one major version cannot be run by another. */
  suffix = g_strconcat ("/", version, "/bin", NULL);
  if (version != NULL && strstr (self->bindir, "/postgresql/") != NULL &&
      !g_str_has_suffix (self->bindir, suffix))
    {
      g_set_error (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_SERVER_FAILED,
                   _("The data in %s was made by PostgreSQL %s, which is not installed. Install it (on Debian or Ubuntu: sudo apt install postgresql-%s)."),
                   self->data_dir, version, version);
      g_clear_pointer (&self->bindir, g_free);
      return FALSE;
    }

  return TRUE;
}

/**
 * mdk_embedded_server_start:
 * @self: a #MdkEmbeddedServer
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Creates the cluster when it does not exist, clears a lock left by a
 * crash, starts the server on its private socket (unless it is already
 * running) and makes sure the application's database exists. This
 * blocks for seconds: see mdk_embedded_server_start_async().
 *
 * Returns: %TRUE when the server answers
 */
gboolean
mdk_embedded_server_start (MdkEmbeddedServer  *self,
                           GCancellable       *cancellable,
                           GError            **error)
{
  g_autofree char *pid_path = NULL;
  g_autofree char *socket_lock = NULL;
  g_autofree char *version_path = NULL;

  g_return_val_if_fail (MDK_IS_EMBEDDED_SERVER (self), FALSE);

  self->created = FALSE;
  self->recovered = FALSE;

  if (!find_programs (self, error) || !ensure_directory (self->socket_dir, error))
    return FALSE;

  version_path = g_build_filename (self->data_dir, "PG_VERSION", NULL);
  if (!g_file_test (version_path, G_FILE_TEST_EXISTS) && !init_cluster (self, cancellable, error))
    return FALSE;

  pid_path = pid_file_path (self);
  socket_lock = socket_lock_path (self);
  self->recovered = recover_stale_lock (self, pid_path);
  self->recovered |= recover_stale_lock (self, socket_lock);

  if (!g_file_test (pid_path, G_FILE_TEST_EXISTS) || !server_answers (self))
    if (!start_cluster (self, cancellable, error))
      return FALSE;

  return create_database (self, error);
}

static void
start_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;

  if (mdk_embedded_server_start (source_object, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * mdk_embedded_server_start_async:
 * @self: a #MdkEmbeddedServer
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server answers or could not be started
 * @user_data: data for @callback
 *
 * Does mdk_embedded_server_start() in a worker thread.
 */
void
mdk_embedded_server_start_async (MdkEmbeddedServer   *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MDK_IS_EMBEDDED_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mdk_embedded_server_start_async);
  g_task_run_in_thread (task, start_in_thread);
}

gboolean
mdk_embedded_server_start_finish (MdkEmbeddedServer  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * mdk_embedded_server_stop:
 * @self: a #MdkEmbeddedServer
 * @error: return location for a #GError
 *
 * Stops the server cleanly ("fast" shutdown: sessions are ended,
 * committed work is kept) if this object started it.
 *
 * Returns: %TRUE if the server is stopped or was not ours to stop
 */
gboolean
mdk_embedded_server_stop (MdkEmbeddedServer  *self,
                          GError            **error)
{
  g_autofree char *pg_ctl = NULL;

  g_return_val_if_fail (MDK_IS_EMBEDDED_SERVER (self), FALSE);

  if (!self->started)
    return TRUE;

  pg_ctl = program_path (self, "pg_ctl");
  {
    const char *argv[] = { pg_ctl, "stop", "-D", self->data_dir, "-m", "fast", "-w",
                           "-t", START_TIMEOUT_SECONDS, "-s", NULL };

    if (!run_program (argv, NULL, error))
      return FALSE;
  }

  self->started = FALSE;
  return TRUE;
}

/**
 * mdk_embedded_server_get_postmaster_pid:
 * @self: a #MdkEmbeddedServer
 *
 * Returns: the pid in the cluster's lock file, or 0
 */
GPid
mdk_embedded_server_get_postmaster_pid (MdkEmbeddedServer *self)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (MDK_IS_EMBEDDED_SERVER (self), 0);

  path = pid_file_path (self);
  return read_lock_pid (path);
}
