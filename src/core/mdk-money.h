/* mdk-money.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MDK_MONEY_ERROR (mdk_money_error_quark ())

typedef enum
{
  MDK_MONEY_ERROR_INVALID,
  MDK_MONEY_ERROR_TOO_PRECISE,
  MDK_MONEY_ERROR_OVERFLOW,
} MdkMoneyError;

GQuark   mdk_money_error_quark (void);

char    *mdk_money_format      (gint64       minor_units,
                                const char  *symbol);
gboolean mdk_money_parse       (const char  *text,
                                gint64      *minor_units,
                                GError     **error);

G_END_DECLS
