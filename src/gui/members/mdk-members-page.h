/* mdk-members-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mdk-core.h"
#include "mdk-classification-window.h"
#include "mdk-import-window.h"
#include "mdk-member-editor.h"
#include "mdk-member-window.h"

G_BEGIN_DECLS

#define MDK_TYPE_MEMBERS_PAGE (mdk_members_page_get_type ())

G_DECLARE_FINAL_TYPE (MdkMembersPage, mdk_members_page, MDK, MEMBERS_PAGE, GtkWidget)

void           mdk_members_page_set_database (MdkMembersPage *self,
                                              MdkDatabase    *database);
MdkMemberList *mdk_members_page_get_list     (MdkMembersPage *self);
void           mdk_members_page_filter_store (MdkMembersPage *self,
                                              gint64          store_id);
void           mdk_members_page_filter_joined (MdkMembersPage *self,
                                               const char     *from,
                                               const char     *to);
void           mdk_members_page_sort         (MdkMembersPage *self,
                                              MdkMemberSort   sort,
                                              gboolean        descending);
void           mdk_members_page_search       (MdkMembersPage *self,
                                              const char     *text);
void           mdk_members_page_focus_search (MdkMembersPage *self);
gboolean       mdk_members_page_get_busy     (MdkMembersPage *self);
MdkMemberWindow *mdk_members_page_open_member (MdkMembersPage *self,
                                               guint           position);
void           mdk_members_page_export_to    (MdkMembersPage *self,
                                              const char     *path);
gboolean       mdk_members_page_get_exporting (MdkMembersPage *self);

MdkMemberEditor *mdk_members_page_new_member (MdkMembersPage *self,
                                              const char     *entry_channel);
MdkClassificationWindow *mdk_members_page_open_classification (MdkMembersPage *self);
MdkImportWindow *mdk_members_page_import_file (MdkMembersPage *self,
                                               const char     *path);

G_END_DECLS
