/* mdk-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"

G_BEGIN_DECLS

#define MDK_TYPE_APPLICATION (mdk_application_get_type ())

G_DECLARE_FINAL_TYPE (MdkApplication, mdk_application, MDK, APPLICATION, AdwApplication)

MdkApplication *mdk_application_new         (void);
MdkContext     *mdk_application_get_context (MdkApplication *self);
void            mdk_application_reconnect   (MdkApplication *self);

G_END_DECLS
