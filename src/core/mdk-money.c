/* mdk-money.c: amounts of money as integer minor units (fen, cents)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "mdk-money.h"

G_DEFINE_QUARK (mdk-money-error-quark, mdk_money_error)

/**
 * mdk_money_format:
 * @minor_units: the amount in minor units (1/100 of the currency unit)
 * @symbol: (nullable): the currency symbol, for example "¥"; %NULL for none
 *
 * Formats an amount with thousands separators and two decimals:
 * `¥1,234.56`, `-¥0.05`. Works for the whole #gint64 range.
 *
 * Returns: (transfer full): the formatted amount
 */
char *
mdk_money_format (gint64      minor_units,
                  const char *symbol)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  g_autoptr(GString) out = g_string_new (NULL);
  /* Negate in unsigned arithmetic so that G_MININT64 does not overflow. */
  guint64 magnitude = minor_units < 0 ? -(guint64) minor_units : (guint64) minor_units;
  guint64 units = magnitude / 100;
  guint cents = magnitude % 100;

  g_string_printf (digits, "%" G_GUINT64_FORMAT, units);

  if (minor_units < 0)
    g_string_append_c (out, '-');
  if (symbol != NULL)
    g_string_append (out, symbol);

  for (gsize i = 0; i < digits->len; i++)
    {
      if (i > 0 && (digits->len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits->str[i]);
    }

  g_string_append_printf (out, ".%02u", cents);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static const char *
skip_spaces (const char *p)
{
  while (g_ascii_isspace (*p))
    p++;
  return p;
}

static const char *
skip_symbol (const char *p)
{
  static const char * const symbols[] = { "¥", "￥", "CN¥", "RMB", "CNY", "$", NULL };

  for (guint i = 0; symbols[i] != NULL; i++)
    if (g_str_has_prefix (p, symbols[i]))
      return skip_spaces (p + strlen (symbols[i]));

  return p;
}

static gboolean
set_invalid (GError     **error,
             const char  *text)
{
  g_set_error (error, MDK_MONEY_ERROR, MDK_MONEY_ERROR_INVALID,
               /* Translators: %s is what the person typed */
               _("“%s” is not an amount of money. Type digits, for example 1,234.56."),
               text);
  return FALSE;
}

static gboolean
accumulate_digit (guint64  *value,
                  char      digit)
{
  guint d = digit - '0';

  if (*value > ((guint64) G_MAXINT64 - d) / 10)
    return FALSE;
  *value = *value * 10 + d;
  return TRUE;
}

static gboolean
set_overflow (GError **error)
{
  g_set_error_literal (error, MDK_MONEY_ERROR, MDK_MONEY_ERROR_OVERFLOW,
                       _("The amount is too large."));
  return FALSE;
}

/**
 * mdk_money_parse:
 * @text: what a person typed: `1234.5`, `¥1,234.56`, `-12`, `(12.00)` is not accepted
 * @minor_units: (out): where to store the amount in minor units
 * @error: return location for a #GError in %MDK_MONEY_ERROR
 *
 * Parses an amount exactly, without floating point. Thousands separators
 * must be commas in groups of three; at most two decimals are accepted.
 *
 * Returns: %TRUE on success
 */
gboolean
mdk_money_parse (const char  *text,
                 gint64      *minor_units,
                 GError     **error)
{
  const char *p;
  gboolean negative = FALSE;
  guint64 value = 0;
  guint n_int_digits = 0;
  gint group_len = -1;
  guint n_decimals = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (minor_units != NULL, FALSE);

  p = skip_spaces (text);
  if (*p == '-' || *p == '+')
    {
      negative = (*p == '-');
      p = skip_spaces (p + 1);
    }
  p = skip_symbol (p);
  if (!negative && *p == '-')
    {
      negative = TRUE;
      p = skip_spaces (p + 1);
    }

  for (; *p != '\0' && *p != '.'; p++)
    {
      if (*p == ',')
        {
          if (n_int_digits == 0 || (group_len >= 0 && group_len != 3) ||
              (group_len < 0 && n_int_digits > 3))
            return set_invalid (error, text);
          group_len = 0;
          continue;
        }
      if (!g_ascii_isdigit (*p))
        break;
      if (!accumulate_digit (&value, *p))
        return set_overflow (error);
      n_int_digits++;
      if (group_len >= 0)
        group_len++;
    }

  if (group_len >= 0 && group_len != 3)
    return set_invalid (error, text);

  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++)
        {
          if (++n_decimals > 2)
            {
              g_set_error (error, MDK_MONEY_ERROR, MDK_MONEY_ERROR_TOO_PRECISE,
                           _("“%s” has more than two decimals; amounts are kept to the fen."),
                           text);
              return FALSE;
            }
          if (!accumulate_digit (&value, *p))
            return set_overflow (error);
        }
    }

  if (n_int_digits == 0 && n_decimals == 0)
    return set_invalid (error, text);
  if (*skip_spaces (p) != '\0')
    return set_invalid (error, text);

  for (; n_decimals < 2; n_decimals++)
    if (!accumulate_digit (&value, '0'))
      return set_overflow (error);

  *minor_units = negative ? -(gint64) value : (gint64) value;
  return TRUE;
}
