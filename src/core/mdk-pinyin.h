/* mdk-pinyin.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char  *mdk_name_syllables (const char *name);
char  *mdk_name_pinyin    (const char *name);
char  *mdk_name_initials  (const char *name);
GStrv  mdk_name_grams     (const char *name);

G_END_DECLS
