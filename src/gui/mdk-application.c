/* mdk-application.c: starts the database, opens the window, stops the database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "common/mdk-password-store.h"
#include "mdk-application.h"
#include "mdk-preferences-window.h"
#include "mdk-window.h"

/* Enough to look around without a long wait on first start. */
#define FIRST_RUN_DEMO_MEMBERS 20000
#define FIRST_RUN_DEMO_SEED 2026

struct _MdkApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  MdkContext     *context;       /* the open one, or NULL */
  MdkContext     *opening;       /* the one being opened, or NULL */
  GCancellable   *cancellable;   /* cancels opening and demo loading */
  gint64          started_at;    /* monotonic time of creation, for the start-up benchmark */
  gboolean        loading_demo;
};

G_DEFINE_FINAL_TYPE (MdkApplication, mdk_application, ADW_TYPE_APPLICATION)

static MdkWindow *
get_window (MdkApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (MDK_IS_WINDOW (window))
    return MDK_WINDOW (window);

  return mdk_window_new (GTK_APPLICATION (self));
}

/* tests/perf/bench-startup.sh sets MDK_STARTUP_BENCHMARK: print how long
 * it took until the window was usable, and quit. */
static void
on_window_busy_changed (MdkWindow      *window,
                        GParamSpec     *pspec,
                        MdkApplication *self)
{
  if (mdk_window_get_busy (window))
    return;

  g_signal_handlers_disconnect_by_func (window, on_window_busy_changed, self);
  g_print ("startup: %.0f ms\n", (g_get_monotonic_time () - self->started_at) / 1000.0);
  g_application_quit (G_APPLICATION (self));
}

static void
show_ready (MdkApplication *self)
{
  MdkWindow *window = get_window (self);

  if (g_getenv ("MDK_STARTUP_BENCHMARK") != NULL)
    g_signal_connect (window, "notify::busy", G_CALLBACK (on_window_busy_changed), self);

  mdk_window_set_context (window, self->context);
}

static void
on_demo_progress (double   fraction,
                  gpointer user_data)
{
  MdkApplication *self = user_data;

  /* A last report may arrive after the load finished; the window has moved on. */
  if (self->loading_demo)
    mdk_window_show_progress (get_window (self), _("Loading Demo Data"), fraction, self->cancellable);
}

static void
on_demo_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MdkApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  self->loading_demo = FALSE;
  if (!mdk_context_load_demo_finish (MDK_CONTEXT (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      AdwToast *toast = adw_toast_new (error->message);

      adw_toast_set_timeout (toast, 0);
      show_ready (self);
      mdk_window_add_toast (get_window (self), toast);
      return;
    }

  show_ready (self);
}

static void
on_first_run_response (AdwMessageDialog *dialog,
                       const char       *response,
                       gpointer          user_data)
{
  MdkApplication *self = user_data;

  if (g_strcmp0 (response, "demo") != 0)
    {
      show_ready (self);
      return;
    }

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading_demo = TRUE;
  on_demo_progress (0, self);
  mdk_context_load_demo_async (self->context, FIRST_RUN_DEMO_MEMBERS, FIRST_RUN_DEMO_SEED,
                               on_demo_progress, self, self->cancellable,
                               on_demo_loaded, g_object_ref (self));
}

static void
ask_first_run (MdkApplication *self)
{
  MdkWindow *window = get_window (self);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  body = g_strdup_printf (_("Memberdesk has created its database on this computer. Start with a demo chain "
                            "(regions and stores across China, card types and %d members) to look around, "
                            "or start empty to set up your own organization."),
                          FIRST_RUN_DEMO_MEMBERS);
  dialog = adw_message_dialog_new (GTK_WINDOW (window), _("Welcome to Memberdesk"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "empty", _("Start _Empty"),
                                    "demo", _("Load _Demo Data"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "demo", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "demo");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "empty");
  g_signal_connect (dialog, "response", G_CALLBACK (on_first_run_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MdkApplication) self = user_data;
  MdkContext *context = MDK_CONTEXT (source);
  g_autoptr(GError) error = NULL;

  if (self->opening == context)
    g_clear_object (&self->opening);

  if (!mdk_context_open_finish (context, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        mdk_window_show_error (get_window (self), error);
      return;
    }

  g_set_object (&self->context, context);

  if (mdk_context_get_fresh (context) && mdk_context_get_embedded_server (context) != NULL)
    ask_first_run (self);
  else
    show_ready (self);
}

static void
open_context (MdkApplication *self,
              MdkContext     *context)
{
  g_set_object (&self->opening, context);
  mdk_context_open_async (context, self->cancellable, on_opened, g_object_ref (self));
}

static void
on_password_found (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MdkApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo = g_settings_get_string (self->settings, "connection-string");
  g_autofree char *password = mdk_password_store_lookup_finish (result, &error);
  g_autoptr(MdkContext) context = NULL;

  /* Without a keyring, libpq still finds .pgpass and PGPASSWORD. */
  if (error != NULL)
    g_debug ("No password from the keyring: %s", error->message);

  context = mdk_context_new_for_server (conninfo, password);
  open_context (self, context);
}

static void open_configured (MdkApplication *self);

static void
on_closed_for_reconnect (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(MdkApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!mdk_context_close_finish (MDK_CONTEXT (source), result, &error))
    g_warning ("The database did not stop cleanly: %s", error->message);

  open_configured (self);
}

/**
 * mdk_application_reconnect:
 * @self: a #MdkApplication
 *
 * Closes the current database (in the background: stopping the embedded
 * server takes a moment) and opens the one the settings name: the
 * embedded server when no connection string is set.
 */
void
mdk_application_reconnect (MdkApplication *self)
{
  g_autoptr(MdkContext) old = NULL;

  g_return_if_fail (MDK_IS_APPLICATION (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  old = g_steal_pointer (&self->context);
  if (old != NULL)
    {
      mdk_window_show_loading (get_window (self), _("Closing the Database"));
      mdk_context_close_async (old, on_closed_for_reconnect, g_object_ref (self));
      return;
    }

  open_configured (self);
}

static void
open_configured (MdkApplication *self)
{
  g_autofree char *conninfo = NULL;

  conninfo = g_settings_get_string (self->settings, "connection-string");
  if (*conninfo == '\0')
    {
      mdk_window_show_loading (get_window (self), _("Starting the Database"));
      {
        g_autoptr(MdkEmbeddedServer) server = mdk_embedded_server_new_default ();
        g_autoptr(MdkContext) context = mdk_context_new_embedded (server);

        open_context (self, context);
      }
      return;
    }

  mdk_window_show_loading (get_window (self), _("Connecting to the Server"));
  mdk_password_store_lookup_async (conninfo, self->cancellable, on_password_found, g_object_ref (self));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  MdkApplication *self = user_data;
  /* Closing a window takes it off the application's list: walk a copy. */
  g_autoptr(GPtrArray) windows = g_ptr_array_new_with_free_func (g_object_unref);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    g_ptr_array_add (windows, g_object_ref (l->data));
  for (guint i = 0; i < windows->len; i++)
    gtk_window_close (g_ptr_array_index (windows, i));

  g_application_quit (G_APPLICATION (self));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  MdkApplication *self = user_data;
  const char *developers[] = { "Memberdesk developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", "Memberdesk",
                         "application-icon", APPLICATION_ID,
                         "developer-name", _("Memberdesk developers"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Membership management for chain stores"),
                         "website", "https://github.com/memberdesk/memberdesk",
                         "issue-url", "https://github.com/memberdesk/memberdesk/issues",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         /* Translators: your names, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  MdkApplication *self = user_data;
  MdkPreferencesWindow *preferences = mdk_preferences_window_new (self);

  gtk_window_set_transient_for (GTK_WINDOW (preferences), GTK_WINDOW (get_window (self)));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
reconnect_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  mdk_application_reconnect (MDK_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
  { "reconnect", reconnect_action },
};

static void
mdk_application_startup (GApplication *application)
{
  MdkApplication *self = MDK_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (mdk_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  gtk_window_set_default_icon_name (APPLICATION_ID);
}

static void
mdk_application_activate (GApplication *application)
{
  MdkApplication *self = MDK_APPLICATION (application);
  gboolean first = gtk_application_get_active_window (GTK_APPLICATION (self)) == NULL;
  MdkWindow *window = get_window (self);

  gtk_window_present (GTK_WINDOW (window));

  if (first && self->context == NULL && self->opening == NULL)
    mdk_application_reconnect (self);
}

/* The embedded server stops with the application, cleanly. */
static void
mdk_application_shutdown (GApplication *application)
{
  MdkApplication *self = MDK_APPLICATION (application);
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (self->cancellable);
  if (self->context != NULL && !mdk_context_close (self->context, &error))
    g_warning ("The database did not stop cleanly: %s", error->message);

  G_APPLICATION_CLASS (mdk_application_parent_class)->shutdown (application);
}

static void
mdk_application_dispose (GObject *object)
{
  MdkApplication *self = MDK_APPLICATION (object);

  g_clear_object (&self->context);
  g_clear_object (&self->opening);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (mdk_application_parent_class)->dispose (object);
}

static void
mdk_application_class_init (MdkApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = mdk_application_dispose;
  app_class->startup = mdk_application_startup;
  app_class->activate = mdk_application_activate;
  app_class->shutdown = mdk_application_shutdown;
}

static void
mdk_application_init (MdkApplication *self)
{
  self->settings = g_settings_new ("io.github.memberdesk.Memberdesk");
  self->cancellable = g_cancellable_new ();
  self->started_at = g_get_monotonic_time ();
}

MdkApplication *
mdk_application_new (void)
{
  return g_object_new (MDK_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "resource-base-path", RESOURCE_BASE,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

/**
 * mdk_application_get_context:
 * @self: a #MdkApplication
 *
 * Returns: (transfer none) (nullable): the open database context
 */
MdkContext *
mdk_application_get_context (MdkApplication *self)
{
  g_return_val_if_fail (MDK_IS_APPLICATION (self), NULL);

  return self->context;
}
