/* mdk-status-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-status-page.h"

/**
 * mdk_status_page_set_text:
 * @page: a status page
 * @text: plain text, such as an error message from the server
 *
 * Sets the description, which is markup, from text that may hold "&" or
 * "<" (server messages and names often do).
 */
void
mdk_status_page_set_text (AdwStatusPage *page,
                          const char    *text)
{
  g_autofree char *escaped = g_markup_escape_text (text ? text : "", -1);

  adw_status_page_set_description (page, escaped);
}
