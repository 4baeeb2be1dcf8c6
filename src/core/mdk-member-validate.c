/* mdk-member-validate.c: what a member's fields may hold, and their one spelling
 *
 * Every entry channel, the form and the batch import included, passes a
 * member's fields through these functions: each accepts what people type
 * (full-width digits, spaces and dashes in numbers, +86, a lower-case x,
 * 2024/2/29 or 2024年2月29日) and gives back the one spelling the database
 * keeps, or an error that says what to type instead. Blank input is valid
 * and gives %NULL: whether a field is required is the caller's rule.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mdk-member-validate.h"

#define MAX_NAME_CHARS 100
#define MAX_EMAIL_BYTES 254
#define FIRST_YEAR 1900

G_DEFINE_QUARK (mdk-member-error-quark, mdk_member_error)

/* NFKC turns full-width digits and letters (１３８, ＠) into ASCII and
 * composes what can be composed; surrounding white space goes. */
static char *
canonical_text (const char *text)
{
  g_autofree char *nfkc = NULL;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;

  nfkc = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  if (nfkc == NULL)
    return NULL;
  g_strstrip (nfkc);
  if (*nfkc == '\0')
    return NULL;

  return g_steal_pointer (&nfkc);
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return FALSE;
  return TRUE;
}

/**
 * mdk_member_normalize_name:
 * @text: (nullable): a name as typed
 * @normalized: (out) (transfer full) (optional): the name trimmed, with
 *   each run of white space made one space
 * @error: return location for a #GError
 *
 * A name has 1 to 100 characters and no control characters.
 *
 * Returns: %TRUE when @text is a name
 */
gboolean
mdk_member_normalize_name (const char  *text,
                           char       **normalized,
                           GError     **error)
{
  g_autoptr(GString) name = g_string_new (NULL);
  gboolean space = FALSE;

  if (is_blank (text) || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_NAME,
                           _("Enter the member’s name."));
      return FALSE;
    }

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        space = name->len > 0;
      else if (g_unichar_iscntrl (c) || (g_unichar_type (c) == G_UNICODE_FORMAT && c != 0x200D))
        {
          g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_NAME,
                               _("The name contains a control character. Type it again."));
          return FALSE;
        }
      else
        {
          if (space)
            g_string_append_c (name, ' ');
          space = FALSE;
          g_string_append_unichar (name, c);
        }
    }

  if (g_utf8_strlen (name->str, -1) > MAX_NAME_CHARS)
    {
      g_set_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_NAME,
                   /* Translators: %d is a number of characters */
                   _("A name has at most %d characters."), MAX_NAME_CHARS);
      return FALSE;
    }

  if (normalized != NULL)
    *normalized = g_string_free (g_steal_pointer (&name), FALSE);
  return TRUE;
}

static gboolean
all_digits (const char *text,
            gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_mainland_mobile (const char *digits)
{
  return strlen (digits) == 11 && all_digits (digits, 11) &&
         digits[0] == '1' && digits[1] >= '3' && digits[1] <= '9';
}

/* Digits with an optional leading + (or 00 for it); spaces, dashes, dots
 * and parentheses as people write numbers are dropped. */
static char *
dialled_number (const char *text)
{
  g_autofree char *canonical = canonical_text (text);
  g_autoptr(GString) number = g_string_new (NULL);

  if (canonical == NULL)
    return NULL;

  for (const char *p = canonical; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p) || (*p == '+' && number->len == 0))
        g_string_append_c (number, *p);
      else if (!strchr (" -.()", *p))
        return NULL;
    }

  if (g_str_has_prefix (number->str, "00"))
    g_string_overwrite_len (g_string_erase (number, 0, 1), 0, "+", 1);

  return g_string_free (g_steal_pointer (&number), FALSE);
}

/**
 * mdk_member_normalize_mobile:
 * @text: (nullable): a mobile number as typed
 * @normalized: (out) (transfer full) (optional): 11 digits for a mainland
 *   number (without +86), E.164 with its + otherwise, %NULL for blank
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @text is blank or a mobile number
 */
gboolean
mdk_member_normalize_mobile (const char  *text,
                             char       **normalized,
                             GError     **error)
{
  g_autofree char *number = NULL;
  const char *national;
  gsize length;

  if (normalized != NULL)
    *normalized = NULL;
  if (is_blank (text))
    return TRUE;

  number = dialled_number (text);
  national = number == NULL ? NULL : g_str_has_prefix (number, "+86") ? number + 3 : number;

  if (national != NULL && is_mainland_mobile (national))
    {
      if (normalized != NULL)
        *normalized = g_strdup (national);
      return TRUE;
    }

  length = number == NULL ? 0 : strlen (number);
  if (number != NULL && number[0] == '+' && !g_str_has_prefix (number, "+86") &&
      length >= 8 && length <= 16 && number[1] != '0' && all_digits (number + 1, length - 1))
    {
      if (normalized != NULL)
        *normalized = g_steal_pointer (&number);
      return TRUE;
    }

  g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_MOBILE,
                       _("Enter an 11-digit mainland mobile number, or an international number "
                         "starting with + and its country code."));
  return FALSE;
}

/**
 * mdk_member_normalize_email:
 * @text: (nullable): an e-mail address as typed
 * @normalized: (out) (transfer full) (optional): the address with its
 *   domain in lower case, %NULL for blank
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @text is blank or looks like an e-mail address
 */
gboolean
mdk_member_normalize_email (const char  *text,
                            char       **normalized,
                            GError     **error)
{
  g_autofree char *address = NULL;
  const char *at;
  const char *domain;

  if (normalized != NULL)
    *normalized = NULL;
  if (is_blank (text))
    return TRUE;

  address = canonical_text (text);
  at = address == NULL ? NULL : strchr (address, '@');
  domain = at == NULL ? NULL : at + 1;

  if (at == NULL || at == address || strchr (domain, '@') != NULL ||
      strchr (domain, '.') == NULL || domain[0] == '.' || g_str_has_suffix (domain, ".") ||
      strstr (domain, "..") != NULL || strlen (address) > MAX_EMAIL_BYTES ||
      strpbrk (address, " \t\r\n,;<>\"") != NULL)
    {
      g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_EMAIL,
                           _("Enter an e-mail address such as name@example.com."));
      return FALSE;
    }

  if (normalized != NULL)
    {
      g_autofree char *lower_domain = g_utf8_strdown (domain, -1);

      *normalized = g_strdup_printf ("%.*s@%s", (int) (at - address), address, lower_domain);
    }
  return TRUE;
}

static char
id_number_check_character (const char *digits)
{
  static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  int sum = 0;

  for (int i = 0; i < 17; i++)
    sum += (digits[i] - '0') * weights[i];

  return "10X98765432"[sum % 11];
}

static gboolean
set_date_from_digits (GDate      *date,
                      const char *yyyymmdd)
{
  guint year = 0, month = 0, day = 0;

  if (sscanf (yyyymmdd, "%4u%2u%2u", &year, &month, &day) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return FALSE;

  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

static gboolean
is_future (const GDate *date,
           const GDate *today)
{
  GDate now;

  if (today == NULL)
    {
      g_date_clear (&now, 1);
      g_date_set_time_t (&now, time (NULL));
      today = &now;
    }

  return g_date_compare (date, today) > 0;
}

/**
 * mdk_member_normalize_id_number:
 * @text: (nullable): a resident ID number as typed
 * @today: (nullable): the date to judge "in the future" against, or %NULL for today
 * @normalized: (out) (transfer full) (optional): 18 characters with an
 *   upper-case X, %NULL for blank
 * @error: return location for a #GError
 *
 * An ID number of the People's Republic (GB 11643) has 17 digits, of which
 * 7–14 are a birth date that has happened, and a check character.
 *
 * Returns: %TRUE when @text is blank or a valid ID number
 */
gboolean
mdk_member_normalize_id_number (const char   *text,
                                const GDate  *today,
                                char        **normalized,
                                GError      **error)
{
  g_autofree char *number = NULL;
  GDate birth;

  if (normalized != NULL)
    *normalized = NULL;
  if (is_blank (text))
    return TRUE;

  number = canonical_text (text);
  if (number != NULL)
    {
      char *out = number;

      /* People group the digits with spaces or dashes; the number is without. */
      for (const char *in = number; *in != '\0'; in++)
        if (*in != ' ' && *in != '-')
          *out++ = *in == 'x' ? 'X' : *in;
      *out = '\0';
    }

  if (number == NULL || strlen (number) != 18 || !all_digits (number, 17) ||
      !(g_ascii_isdigit (number[17]) || number[17] == 'X'))
    {
      g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_ID_NUMBER,
                           _("A resident ID number has 18 characters: 17 digits and a digit or X."));
      return FALSE;
    }

  g_date_clear (&birth, 1);
  if (!set_date_from_digits (&birth, number + 6) || g_date_get_year (&birth) < FIRST_YEAR ||
      is_future (&birth, today))
    {
      g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_ID_NUMBER,
                           _("The birth date inside this ID number is not possible. Check the number."));
      return FALSE;
    }

  if (id_number_check_character (number) != number[17])
    {
      g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_ID_NUMBER,
                           _("The last character of this ID number does not match the others. "
                             "Check the number for a typing mistake."));
      return FALSE;
    }

  if (normalized != NULL)
    *normalized = g_steal_pointer (&number);
  return TRUE;
}

/**
 * mdk_member_id_number_birthday:
 * @id_number: a normalized ID number
 *
 * Returns: (transfer full) (nullable): the birth date it holds, as YYYY-MM-DD
 */
char *
mdk_member_id_number_birthday (const char *id_number)
{
  GDate birth;

  g_return_val_if_fail (id_number != NULL, NULL);

  g_date_clear (&birth, 1);
  if (strlen (id_number) != 18 || !set_date_from_digits (&birth, id_number + 6))
    return NULL;

  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&birth),
                          g_date_get_month (&birth), g_date_get_day (&birth));
}

/**
 * mdk_member_parse_date:
 * @text: a date as typed: 2024-02-29, 2024/2/29, 2024.2.29, 20240229 or 2024年2月29日
 * @date: (out caller-allocates): set to the date
 *
 * The year comes first, as in every Chinese and ISO way of writing dates;
 * day-first and month-first forms are refused rather than guessed.
 *
 * Returns: %TRUE when @text is a date that exists
 */
gboolean
mdk_member_parse_date (const char *text,
                       GDate      *date)
{
  g_autofree char *canonical = canonical_text (text);
  guint year = 0, month = 0, day = 0;
  int end = 0;

  g_return_val_if_fail (date != NULL, FALSE);

  if (canonical == NULL)
    return FALSE;

  if (strlen (canonical) == 8 && all_digits (canonical, 8))
    {
      g_date_clear (date, 1);
      return set_date_from_digits (date, canonical);
    }

  if (!((sscanf (canonical, "%4u-%2u-%2u%n", &year, &month, &day, &end) == 3 ||
         sscanf (canonical, "%4u/%2u/%2u%n", &year, &month, &day, &end) == 3 ||
         sscanf (canonical, "%4u.%2u.%2u%n", &year, &month, &day, &end) == 3 ||
         sscanf (canonical, "%4u年%2u月%2u日%n", &year, &month, &day, &end) == 3) &&
        canonical[end] == '\0' && year >= 1000 && g_date_valid_dmy (day, month, year)))
    return FALSE;

  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

static char *
format_date (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

static void
set_date_error (GError     **error,
                int          code,
                const char  *text)
{
  g_autofree char *canonical = canonical_text (text);
  guint year = 0;

  /* 29 February of a year that has none deserves its own words. */
  if (canonical != NULL &&
      g_regex_match_simple ("^[0-9]{4}([-/.]0?2[-/.]29|年0?2月29日|0229)$", canonical, 0, 0) &&
      sscanf (canonical, "%4u", &year) == 1 && year >= 1000 && !g_date_is_leap_year (year))
    g_set_error (error, MDK_MEMBER_ERROR, code,
                 /* Translators: %u is a year that is not a leap year */
                 _("%u is not a leap year: it has no 29 February."), year);
  else
    g_set_error_literal (error, MDK_MEMBER_ERROR, code,
                         _("Enter a date with the year first, such as 1990-05-17."));
}

/* A date that has happened, from 1900 on, written year first. */
static gboolean
normalize_past_date (const char   *text,
                     const GDate  *today,
                     int           code,
                     const char   *future_message,
                     const char   *early_message,
                     char        **normalized,
                     GError      **error)
{
  GDate date;

  if (normalized != NULL)
    *normalized = NULL;
  if (is_blank (text))
    return TRUE;

  if (!mdk_member_parse_date (text, &date))
    {
      set_date_error (error, code, text);
      return FALSE;
    }
  if (is_future (&date, today) || g_date_get_year (&date) < FIRST_YEAR)
    {
      g_set_error_literal (error, MDK_MEMBER_ERROR, code,
                           is_future (&date, today) ? future_message : early_message);
      return FALSE;
    }

  if (normalized != NULL)
    *normalized = format_date (&date);
  return TRUE;
}

/**
 * mdk_member_normalize_birthday:
 * @text: (nullable): a birthday as typed
 * @today: (nullable): the date to judge "in the future" against, or %NULL for today
 * @normalized: (out) (transfer full) (optional): YYYY-MM-DD, %NULL for blank
 * @error: return location for a #GError
 *
 * A birthday is a date from 1900 on that has happened; 29 February only in
 * a leap year.
 *
 * Returns: %TRUE when @text is blank or such a date
 */
gboolean
mdk_member_normalize_birthday (const char   *text,
                               const GDate  *today,
                               char        **normalized,
                               GError      **error)
{
  /* Translators: %d is a year */
  g_autofree char *early = g_strdup_printf (_("A birthday is in %d or later. Check the year."), FIRST_YEAR);

  return normalize_past_date (text, today, MDK_MEMBER_ERROR_INVALID_BIRTHDAY,
                              _("A birthday cannot be in the future."), early, normalized, error);
}

/**
 * mdk_member_normalize_anniversary:
 * @text: (nullable): an anniversary (a wedding, say) as typed
 * @today: (nullable): the date to judge "in the future" against, or %NULL for today
 * @normalized: (out) (transfer full) (optional): YYYY-MM-DD, %NULL for blank
 * @error: return location for a #GError
 *
 * An anniversary is a date from 1900 on that has happened.
 *
 * Returns: %TRUE when @text is blank or such a date
 */
gboolean
mdk_member_normalize_anniversary (const char   *text,
                                  const GDate  *today,
                                  char        **normalized,
                                  GError      **error)
{
  const char *message = _("An anniversary is a date that has already happened.");

  return normalize_past_date (text, today, MDK_MEMBER_ERROR_INVALID_ANNIVERSARY, message, message,
                              normalized, error);
}

/**
 * mdk_member_normalize_tags:
 * @text: (nullable): tags as typed, separated by commas (, ， or 、)
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (array zero-terminated=1) (nullable): the tags,
 *   trimmed, each once, in the order typed; %NULL with @error set when a
 *   tag is longer than 40 characters or has a control character
 */
char **
mdk_member_normalize_tags (const char  *text,
                           GError     **error)
{
  g_autoptr(GPtrArray) tags = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *canonical = canonical_text (text);
  g_auto(GStrv) parts = NULL;

  if (canonical == NULL)
    return g_new0 (char *, 1);

  /* NFKC made the full-width comma ASCII; the ideographic one stays. */
  parts = g_regex_split_simple ("[,、]", canonical, 0, 0);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *tag = NULL;

      if (is_blank (parts[i]))
        continue;
      if (!mdk_member_normalize_name (parts[i], &tag, NULL) || g_utf8_strlen (tag, -1) > 40)
        {
          g_set_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_TAG,
                       /* Translators: %d is a number of characters */
                       _("A tag has at most %d characters and no control characters."), 40);
          return NULL;
        }
      if (!g_ptr_array_find_with_equal_func (tags, tag, g_str_equal, NULL))
        g_ptr_array_add (tags, g_steal_pointer (&tag));
    }

  g_ptr_array_add (tags, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&tags), FALSE);
}

/**
 * mdk_member_normalize_gender:
 * @text: (nullable): a gender as spreadsheets hold it: 男, 女, M, F, male,
 *   female, 先生, 女士…
 * @normalized: (out) (transfer full) (optional): "M", "F" or "U" (not given)
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @text is blank or a gender Memberdesk knows
 */
gboolean
mdk_member_normalize_gender (const char  *text,
                             char       **normalized,
                             GError     **error)
{
  static const struct { const char *text; const char *gender; } genders[] = {
    { "m", "M" }, { "male", "M" }, { "man", "M" }, { "男", "M" }, { "男性", "M" }, { "先生", "M" },
    { "f", "F" }, { "female", "F" }, { "woman", "F" }, { "女", "F" }, { "女性", "F" }, { "女士", "F" },
    { "u", "U" }, { "unknown", "U" }, { "未知", "U" }, { "保密", "U" }, { "不详", "U" },
  };
  g_autofree char *canonical = canonical_text (text);
  g_autofree char *lower = canonical ? g_utf8_strdown (canonical, -1) : NULL;

  if (normalized != NULL)
    *normalized = NULL;

  if (lower == NULL)
    {
      if (normalized != NULL)
        *normalized = g_strdup ("U");
      return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (genders); i++)
    if (g_str_equal (lower, genders[i].text))
      {
        if (normalized != NULL)
          *normalized = g_strdup (genders[i].gender);
        return TRUE;
      }

  g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_GENDER,
                       _("Write the gender as 男 or 女, M or F, or leave it empty."));
  return FALSE;
}
