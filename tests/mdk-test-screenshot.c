/* mdk-test-screenshot.c: what a person would see, saved as PNG
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "mdk-test-screenshot.h"

/**
 * mdk_test_save_screenshot:
 * @widget: a mapped widget, usually a window
 * @name: the file name, without ".png"
 *
 * Renders @widget as it is on screen into `$MDK_SCREENSHOT_DIR/NAME.png`.
 */
void
mdk_test_save_screenshot (GtkWidget  *widget,
                          const char *name)
{
  const char *dir = g_getenv ("MDK_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  /* A window that has not drawn its first frame yet has nothing to show:
   * on a busy machine that frame can come late. */
  for (guint attempt = 0; node == NULL && attempt < 100; attempt++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

      if (attempt > 0)
        mdk_test_wait_ms (50);
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_to_node (snapshot);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (dir == NULL)
    dir = ".";
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s", path);
}

static gboolean
quit_loop (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/**
 * mdk_test_wait_ms:
 * @ms: how long
 *
 * Runs the main loop for @ms milliseconds, so that the widgets settle.
 */
void
mdk_test_wait_ms (guint ms)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add (ms, quit_loop, loop);
  g_main_loop_run (loop);
}
