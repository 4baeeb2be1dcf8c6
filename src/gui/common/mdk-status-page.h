/* mdk-status-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void mdk_status_page_set_text (AdwStatusPage *page,
                               const char    *text);

G_END_DECLS
