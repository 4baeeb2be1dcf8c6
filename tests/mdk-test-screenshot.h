/* mdk-test-screenshot.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void mdk_test_save_screenshot (GtkWidget  *widget,
                               const char *name);
void mdk_test_wait_ms         (guint       ms);

G_END_DECLS
