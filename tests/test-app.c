/* test-app.c: the whole application, as a person starts it for the first
 * time and again: the embedded server is created and started, the first
 * run asks about demo data, and quitting stops the server cleanly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "mdk-application.h"
#include "mdk-test-fixture.h"
#include "mdk-test-screenshot.h"
#include "mdk-window.h"
#include "org/mdk-org-page.h"

typedef struct
{
  MdkApplication *app;
  gboolean        expect_question;
  gboolean        asked;
  guint           ticks;
  gint64          members;
  guint           org_rows;
  guint           ready_at;
  gboolean        reconnect;      /* Try Again once, as after a lost server */
  gboolean        reconnected;
} Run;


static AdwMessageDialog *
find_question (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;

  return NULL;
}

static gint64
count_members (MdkContext *context)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = mdk_database_connect (mdk_context_get_database (context), &error);

  g_assert_no_error (error);
  return mdk_test_query_int (conn, "SELECT count(*) FROM mdk.members");
}

/* Drives the application from its own main loop, as a person would. */
static gboolean
tick (gpointer user_data)
{
  Run *run = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (run->app));
  AdwMessageDialog *question = find_question ();

  g_assert_cmpuint (++run->ticks, <, 1200);

  if (question != NULL && !run->asked)
    {
      if (gtk_widget_get_width (GTK_WIDGET (question)) == 0)
        return G_SOURCE_CONTINUE;

      g_assert_true (run->expect_question);
      run->asked = TRUE;
      mdk_test_save_screenshot (GTK_WIDGET (question), "first-run-question");
      adw_message_dialog_response (question, "demo");
      return G_SOURCE_CONTINUE;
    }

  if (!MDK_IS_WINDOW (window) || mdk_window_get_busy (MDK_WINDOW (window)) ||
      mdk_application_get_context (run->app) == NULL || run->expect_question != run->asked)
    return G_SOURCE_CONTINUE;

  run->org_rows = mdk_org_page_get_n_rows (MDK_ORG_PAGE (mdk_window_get_section_page (MDK_WINDOW (window), "organization")));
  if (run->org_rows == 0)
    return G_SOURCE_CONTINUE;

  if (run->reconnect && !run->reconnected)
    {
      run->reconnected = TRUE;
      g_action_group_activate_action (G_ACTION_GROUP (run->app), "reconnect", NULL);
      return G_SOURCE_CONTINUE;
    }

  /* Let the page transition finish before the picture. */
  if (run->ready_at == 0)
    run->ready_at = run->ticks;
  if (run->ticks < run->ready_at + 6)
    return G_SOURCE_CONTINUE;

  run->members = count_members (mdk_application_get_context (run->app));
  mdk_test_save_screenshot (GTK_WIDGET (window), run->expect_question ? "first-run-ready" : "second-run-ready");
  g_action_group_activate_action (G_ACTION_GROUP (run->app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static void
on_activate (GApplication *app,
             Run          *run)
{
  g_timeout_add (100, tick, run);
}

static Run
run_application (gboolean expect_question,
                 gboolean reconnect)
{
  Run run = { mdk_application_new (), expect_question };

  run.reconnect = reconnect;

  g_application_set_flags (G_APPLICATION (run.app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (run.app, "activate", G_CALLBACK (on_activate), &run);
  g_assert_cmpint (g_application_run (G_APPLICATION (run.app), 0, NULL), ==, 0);
  g_clear_object (&run.app);

  return run;
}

static void
assert_server_stopped (void)
{
  g_autofree char *pid_file = g_build_filename (g_get_user_data_dir (), "memberdesk", "postgres", "postmaster.pid", NULL);
  g_autofree char *version = g_build_filename (g_get_user_data_dir (), "memberdesk", "postgres", "PG_VERSION", NULL);

  g_assert_true (g_file_test (version, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (pid_file, G_FILE_TEST_EXISTS));
}

static void
test_first_run_and_again (void)
{
  Run first = run_application (TRUE, FALSE);
  Run second;

  g_assert_true (first.asked);
  g_assert_cmpint (first.members, ==, 20000);
  g_assert_cmpuint (first.org_rows, >, 7);
  assert_server_stopped ();

  /* The second start asks nothing and finds the same data, also after
   * closing and opening the database again. */
  second = run_application (FALSE, TRUE);
  g_assert_false (second.asked);
  g_assert_true (second.reconnected);
  g_assert_cmpint (second.members, ==, 20000);
  assert_server_stopped ();
}


int
main (int   argc,
      char *argv[])
{
  /* A home of its own, short enough for the server's socket path. */
  g_autofree char *home = mdk_test_make_tmpdir ();
  g_autofree char *data = g_build_filename (home, "d", NULL);
  g_autofree char *runtime = g_build_filename (home, "r", NULL);
  g_autofree char *command = NULL;
  int status;

  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  g_mkdir_with_parents (runtime, 0700);

  mdk_test_init (&argc, &argv);

  if (!gtk_init_check ())
    {
      g_test_message ("No display: the UI tests need one (run them under xvfb-run).");
      g_test_add_func ("/app/no-display", (GTestFunc) g_test_skip);
      return g_test_run ();
    }

  g_test_add_func ("/app/first-run-and-again", test_first_run_and_again);
  status = mdk_test_run ();

  command = g_strdup_printf ("rm -rf '%s'", home);
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  return status;
}
