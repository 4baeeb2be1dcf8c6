/* bench-member-scroll.c: the members list scrolled from the first to the
 * last of every member, as a person dragging down would; prints how long
 * it took and the process's resident memory along the way.
 *
 *   xvfb-run _build/tests/perf/bench-member-scroll CONNINFO [STEPS]
 *
 * CONNINFO names a database with members, for example one loaded with
 * "memberdesk-admin demo --members 1000000".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>
#include <adwaita.h>

#include "mdk-core.h"
#include "mdk-test-screenshot.h"
#include "mdk-window.h"
#include "members/mdk-members-page.h"

static double
resident_mb (void)
{
  g_autofree char *statm = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    return 0;
  fields = g_strsplit (statm, " ", -1);
  return g_ascii_strtod (fields[1], NULL) * sysconf (_SC_PAGESIZE) / (1024.0 * 1024.0);
}

/* A frame or two for the list to ask for its rows, then their pages. */
static void
wait_idle (MdkMembersPage *page)
{
  mdk_test_wait_ms (40);
  while (mdk_members_page_get_busy (page))
    mdk_test_wait_ms (5);
}

static GtkScrolledWindow *
find_scrolled_window (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkScrolledWindow *found;

      if (GTK_IS_SCROLLED_WINDOW (child))
        return GTK_SCROLLED_WINDOW (child);
      if ((found = find_scrolled_window (child)))
        return found;
    }
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  guint steps = argc > 2 ? (guint) atoi (argv[2]) : 500;
  g_autoptr(MdkDatabase) database = NULL;
  MdkMembersPage *page;
  GtkWindow *window;
  GtkAdjustment *adjustment;
  double start_mb, max_mb = 0;
  guint n_items;
  gint64 start;

  if (argc < 2)
    {
      g_printerr ("usage: %s CONNINFO [STEPS]\n", argv[0]);
      return 2;
    }

  gtk_init ();
  adw_init ();
  database = mdk_database_new (argv[1], NULL);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1100, 720);
  page = g_object_new (MDK_TYPE_MEMBERS_PAGE, NULL);
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);
  start_mb = resident_mb ();

  start = g_get_monotonic_time ();
  mdk_members_page_set_database (page, database);
  while (g_list_model_get_n_items (G_LIST_MODEL (mdk_members_page_get_list (page))) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_print ("count known after %.0f ms\n", (g_get_monotonic_time () - start) / 1000.0);
  wait_idle (page);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (mdk_members_page_get_list (page)));
  g_print ("members listed: %u (first rows shown after %.0f ms)\n", n_items, (g_get_monotonic_time () - start) / 1000.0);

  adjustment = gtk_scrolled_window_get_vadjustment (find_scrolled_window (GTK_WIDGET (page)));
  start = g_get_monotonic_time ();
  for (guint i = 1; i <= steps; i++)
    {
      double upper = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);


      gtk_adjustment_set_value (adjustment, upper * i / steps);
      wait_idle (page);
      max_mb = MAX (max_mb, resident_mb ());

    }

  g_print ("scrolled to the last member in %u steps in %.1f s (%.0f ms a step, rows fetched and shown each time)\n",
           steps, (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC,
           (g_get_monotonic_time () - start) / 1000.0 / steps);
  g_print ("resident memory: %.0f MB before the list, %.0f MB at most while scrolling (target: under 150 MB)\n",
           start_mb, max_mb);
  g_print ("rows kept by the list at the end: %u\n", mdk_paged_list_get_n_cached (MDK_PAGED_LIST (mdk_members_page_get_list (page))));

  gtk_window_destroy (window);
  return 0;
}
