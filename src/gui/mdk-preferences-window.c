/* mdk-preferences-window.c: where the data is kept, and how to reach it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "common/mdk-password-store.h"
#include "mdk-preferences-window.h"

enum { MODE_EMBEDDED, MODE_SERVER };

static const char * const sslmodes[] = { "prefer", "require", "verify-ca", "verify-full", "disable" };

struct _MdkPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  AdwComboRow   *mode_row;
  GtkWidget     *server_group;
  AdwEntryRow   *host_row;
  AdwEntryRow   *port_row;
  AdwEntryRow   *dbname_row;
  AdwEntryRow   *user_row;
  AdwEntryRow   *password_row;
  AdwComboRow   *sslmode_row;
  AdwEntryRow   *service_row;
  AdwEntryRow   *conninfo_row;
  GtkLabel      *status_label;
  GtkWidget     *test_button;
  GtkWidget     *apply_button;

  MdkApplication *application;
  GSettings      *settings;
  GCancellable   *cancellable;
};

G_DEFINE_FINAL_TYPE (MdkPreferencesWindow, mdk_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const char *
entry_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
set_entry_text (AdwEntryRow *row,
                const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static void
show_status (MdkPreferencesWindow *self,
             const char           *message,
             gboolean              is_error)
{
  gtk_label_set_label (self->status_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), message != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
set_busy (MdkPreferencesWindow *self,
          gboolean              busy)
{
  gtk_widget_set_sensitive (self->test_button, !busy);
  gtk_widget_set_sensitive (self->apply_button, !busy);
}

static guint
sslmode_index (const char *sslmode)
{
  for (guint i = 0; sslmode != NULL && i < G_N_ELEMENTS (sslmodes); i++)
    if (g_str_equal (sslmodes[i], sslmode))
      return i;

  return 0;
}

static char *
conninfo_from_fields (MdkPreferencesWindow *self)
{
  guint sslmode = adw_combo_row_get_selected (self->sslmode_row);

  /* "prefer" is libpq's own default: leave it out of the string. */
  return mdk_conninfo_build (entry_text (self->host_row), entry_text (self->port_row),
                             entry_text (self->dbname_row), entry_text (self->user_row),
                             entry_text (self->service_row),
                             sslmode > 0 && sslmode < G_N_ELEMENTS (sslmodes) ? sslmodes[sslmode] : NULL);
}

static void
load_settings (MdkPreferencesWindow *self)
{
  g_autofree char *conninfo = g_settings_get_string (self->settings, "connection-string");
  g_autofree char *sslmode = NULL;
  g_autofree char *rebuilt = NULL;
  static const char * const keywords[] = { "host", "port", "dbname", "user", "service" };
  AdwEntryRow *rows[] = { self->host_row, self->port_row, self->dbname_row, self->user_row, self->service_row };

  adw_combo_row_set_selected (self->mode_row, *conninfo ? MODE_SERVER : MODE_EMBEDDED);
  if (*conninfo == '\0')
    return;

  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    {
      g_autofree char *value = mdk_conninfo_get (conninfo, keywords[i]);

      set_entry_text (rows[i], value);
    }
  sslmode = mdk_conninfo_get (conninfo, "sslmode");
  adw_combo_row_set_selected (self->sslmode_row, sslmode_index (sslmode));

  /* A string with more than the fields can say stays whole. */
  rebuilt = conninfo_from_fields (self);
  if (!mdk_conninfo_equal (rebuilt, conninfo))
    set_entry_text (self->conninfo_row, conninfo);
}

static void
on_mode_changed (MdkPreferencesWindow *self)
{
  gboolean server = adw_combo_row_get_selected (self->mode_row) == MODE_SERVER;

  gtk_widget_set_sensitive (self->server_group, server);
  gtk_widget_set_sensitive (self->test_button, server);
  show_status (self, NULL, FALSE);
}

static gpointer
test_work (PGconn        *conn,
           gpointer       work_data,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(PGresult) result = mdk_pg_exec (conn, "SELECT current_user, current_setting('server_version')",
                                            0, NULL, error);

  if (result == NULL)
    return NULL;

  return g_strdup_printf (_("Connected as %s to PostgreSQL %s."),
                          PQgetvalue (result, 0, 0), PQgetvalue (result, 0, 1));
}

static void
on_tested (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MdkPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = mdk_database_run_finish (MDK_DATABASE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  show_status (self, message ? message : error->message, message == NULL);
}

/**
 * mdk_preferences_window_dup_conninfo:
 * @self: a #MdkPreferencesWindow
 *
 * Returns: (transfer full): the connection string the form describes;
 *   empty for the embedded server
 */
char *
mdk_preferences_window_dup_conninfo (MdkPreferencesWindow *self)
{
  g_return_val_if_fail (MDK_IS_PREFERENCES_WINDOW (self), NULL);

  if (adw_combo_row_get_selected (self->mode_row) == MODE_EMBEDDED)
    return g_strdup ("");
  if (*entry_text (self->conninfo_row) != '\0')
    return g_strstrip (g_strdup (entry_text (self->conninfo_row)));

  return conninfo_from_fields (self);
}

static char *
checked_conninfo (MdkPreferencesWindow *self)
{
  g_autofree char *conninfo = mdk_preferences_window_dup_conninfo (self);
  g_autoptr(GError) error = NULL;

  if (*conninfo != '\0' && !mdk_conninfo_validate (conninfo, &error))
    {
      show_status (self, error->message, TRUE);
      return NULL;
    }

  return g_steal_pointer (&conninfo);
}

static void
on_test_clicked (MdkPreferencesWindow *self)
{
  g_autofree char *conninfo = checked_conninfo (self);
  g_autoptr(MdkDatabase) database = NULL;

  if (conninfo == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());

  database = mdk_database_new (conninfo, *entry_text (self->password_row) ? entry_text (self->password_row) : NULL);
  set_busy (self, TRUE);
  show_status (self, _("Connecting…"), FALSE);
  mdk_database_run_async (database, MDK_DATABASE_RUN_READ_ONLY, test_work, NULL, NULL, g_free,
                          self->cancellable, on_tested, g_object_ref (self));
}

static void
apply (MdkPreferencesWindow *self,
       const char           *conninfo)
{
  g_settings_set_string (self->settings, "connection-string", conninfo);
  if (self->application != NULL)
    mdk_application_reconnect (self->application);
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_password_saved (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MdkPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo = NULL;

  if (!mdk_password_store_save_finish (result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      set_busy (self, FALSE);
      message = g_strdup_printf (_("The password could not be saved in the keyring (%s). "
                                   "Put it in ~/.pgpass instead, and leave the password field empty."),
                                 error->message);
      show_status (self, message, TRUE);
      return;
    }

  conninfo = mdk_preferences_window_dup_conninfo (self);
  apply (self, conninfo);
}

static void
on_apply_clicked (MdkPreferencesWindow *self)
{
  g_autofree char *conninfo = checked_conninfo (self);
  const char *password = entry_text (self->password_row);

  if (conninfo == NULL)
    return;

  if (*conninfo == '\0' || *password == '\0')
    {
      apply (self, conninfo);
      return;
    }

  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  set_busy (self, TRUE);
  mdk_password_store_save_async (conninfo, password, self->cancellable, on_password_saved, g_object_ref (self));
}

static void
mdk_preferences_window_dispose (GObject *object)
{
  MdkPreferencesWindow *self = MDK_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->application);
  gtk_widget_dispose_template (GTK_WIDGET (self), MDK_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (mdk_preferences_window_parent_class)->dispose (object);
}

static void
mdk_preferences_window_class_init (MdkPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mdk_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mdk-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MdkPreferencesWindow, mode_row);
  gtk_widget_class_bind_template_child (widget_class, MdkPreferencesWindow, server_group);
  gtk_widget_class_bind_template_child (widget_class, MdkPreferencesWindow, host_row);
  gtk_widget_class_bind_template_child (widget_class, MdkPreferencesWindow, port_row);
  gtk_widget_class_bind_template_child (widget_class, MdkPreferencesWindow, dbname_row);
  gtk_widget_class_bind_template_child (widget_class, MdkPreferencesWindow, user_row);
  gtk_widget_class_bind_template_child (widget_class, MdkPreferencesWindow, password_row);
  gtk_widget_class_bind_template_child (widget_class, MdkPreferencesWindow, sslmode_row);
  gtk_widget_class_bind_template_child (widget_class, MdkPreferencesWindow, service_row);
  gtk_widget_class_bind_template_child (widget_class, MdkPreferencesWindow, conninfo_row);
  gtk_widget_class_bind_template_child (widget_class, MdkPreferencesWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, MdkPreferencesWindow, test_button);
  gtk_widget_class_bind_template_child (widget_class, MdkPreferencesWindow, apply_button);
  gtk_widget_class_bind_template_callback (widget_class, on_mode_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_test_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_apply_clicked);
}

static void
mdk_preferences_window_init (MdkPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new ("io.github.memberdesk.Memberdesk");
  load_settings (self);
  on_mode_changed (self);
}

MdkPreferencesWindow *
mdk_preferences_window_new (MdkApplication *application)
{
  MdkPreferencesWindow *self = g_object_new (MDK_TYPE_PREFERENCES_WINDOW, NULL);

  self->application = application ? g_object_ref (application) : NULL;
  return self;
}
