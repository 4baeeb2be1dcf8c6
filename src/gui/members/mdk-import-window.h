/* mdk-import-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"

G_BEGIN_DECLS

#define MDK_TYPE_IMPORT_WINDOW (mdk_import_window_get_type ())

G_DECLARE_FINAL_TYPE (MdkImportWindow, mdk_import_window, MDK, IMPORT_WINDOW, AdwWindow)

MdkImportWindow       *mdk_import_window_new          (MdkDatabase         *database,
                                                       const char          *path);
gboolean               mdk_import_window_get_busy     (MdkImportWindow     *self);
const char            *mdk_import_window_get_page     (MdkImportWindow     *self);
const MdkImportPlan   *mdk_import_window_get_plan     (MdkImportWindow     *self);
void                   mdk_import_window_set_target   (MdkImportWindow     *self,
                                                       guint                column,
                                                       const char          *target);
void                   mdk_import_window_set_duplicates (MdkImportWindow   *self,
                                                       MdkImportDuplicates  duplicates);
const MdkImportResult *mdk_import_window_get_result   (MdkImportWindow     *self);
gboolean               mdk_import_window_save_report  (MdkImportWindow     *self,
                                                       const char          *path,
                                                       GError             **error);

G_END_DECLS
