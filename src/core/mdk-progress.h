/* mdk-progress.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * MdkProgressFunc:
 * @fraction: how far the work got, 0 to 1
 * @stage: (nullable): what it is doing, for people
 * @user_data: the data given with the function
 */
typedef void (*MdkProgressFunc) (double       fraction,
                                 const char  *stage,
                                 gpointer     user_data);

typedef struct _MdkProgressRelay MdkProgressRelay;

MdkProgressRelay *mdk_progress_relay_new    (MdkProgressFunc    func,
                                             gpointer           user_data);
void              mdk_progress_relay_report (double             fraction,
                                             const char        *stage,
                                             gpointer           relay);
void              mdk_progress_relay_free   (MdkProgressRelay  *relay);

G_END_DECLS
