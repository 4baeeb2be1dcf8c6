/* mdk-demo.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

/**
 * MdkDemoProgressFunc:
 * @fraction: how much is done, from 0 to 1
 * @user_data: data given with the function
 *
 * Called from the thread that generates the data.
 */
typedef void (*MdkDemoProgressFunc) (double   fraction,
                                     gpointer user_data);

/* The last day of the demo chain's ten years, so that a seed always gives
 * the same data whatever the date it is loaded on. */
#define MDK_DEMO_ANCHOR_DATE "2026-10-31"

gboolean mdk_demo_generate (PGconn               *conn,
                            guint                 n_members,
                            guint64               seed,
                            MdkDemoProgressFunc   progress,
                            gpointer              progress_data,
                            GCancellable         *cancellable,
                            GError              **error);

char    *mdk_demo_luhn_complete (const char *digits);
gboolean mdk_demo_id_number_is_valid (const char *id_number);

G_END_DECLS
