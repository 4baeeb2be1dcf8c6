/* mdk-member-query.c: a member search, and what its text is taken to be
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "mdk-member-query.h"

G_DEFINE_BOXED_TYPE (MdkMemberQuery, mdk_member_query, mdk_member_query_copy, mdk_member_query_free)

/**
 * mdk_member_query_new:
 * @text: (nullable): the search text
 *
 * Returns: (transfer full): a query without filters, sorted by name
 */
MdkMemberQuery *
mdk_member_query_new (const char *text)
{
  MdkMemberQuery *query = g_new0 (MdkMemberQuery, 1);

  query->text = g_strdup (text);
  return query;
}

MdkMemberQuery *
mdk_member_query_copy (const MdkMemberQuery *query)
{
  MdkMemberQuery *copy;

  g_return_val_if_fail (query != NULL, NULL);

  copy = g_memdup2 (query, sizeof *query);
  copy->text = g_strdup (query->text);
  copy->status = g_strdup (query->status);
  copy->joined_from = g_strdup (query->joined_from);
  copy->joined_to = g_strdup (query->joined_to);
  copy->custom_key = g_strdup (query->custom_key);
  copy->custom_value = g_strdup (query->custom_value);
  copy->custom_keys = g_strdupv (query->custom_keys);
  return copy;
}

void
mdk_member_query_free (MdkMemberQuery *query)
{
  if (query == NULL)
    return;

  g_free (query->text);
  g_free (query->status);
  g_free (query->joined_from);
  g_free (query->joined_to);
  g_free (query->custom_key);
  g_free (query->custom_value);
  g_strfreev (query->custom_keys);
  g_free (query);
}

static gboolean
all_digits (const char *text)
{
  if (*text == '\0')
    return FALSE;
  for (; *text; text++)
    if (!g_ascii_isdigit (*text))
      return FALSE;
  return TRUE;
}

static gboolean
is_latin_name (const char *text)
{
  gboolean letter = FALSE;

  for (; *text; text++)
    {
      if (g_ascii_isalpha (*text))
        letter = TRUE;
      else if (!strchr (" .'-", *text))
        return FALSE;
    }
  return letter;
}

/* Phone and card numbers are typed with spaces and dashes; +86 is the
 * mainland's own code and is dropped. */
static char *
compact_number (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    if (!strchr (" -()", *p))
      g_string_append_c (out, *p);

  if (g_str_has_prefix (out->str, "+86") && out->len == 14)
    g_string_erase (out, 0, 3);

  return g_string_free (out, FALSE);
}

static MdkMemberMatch
classify_number (const char *number)
{
  gsize length = strlen (number);

  if (number[0] == '+')
    return all_digits (number + 1) && length >= 8 ? MDK_MEMBER_MATCH_MOBILE : 0;
  if (length == 18 && all_digits (number))
    return MDK_MEMBER_MATCH_ID_NUMBER | MDK_MEMBER_MATCH_CARD;
  if (length == 18 && (number[17] == 'X' || number[17] == 'x'))
    {
      g_autofree char *first17 = g_strndup (number, 17);

      return all_digits (first17) ? MDK_MEMBER_MATCH_ID_NUMBER : 0;
    }
  if (!all_digits (number))
    return 0;
  if (length == 11 && number[0] == '1')
    return MDK_MEMBER_MATCH_MOBILE | MDK_MEMBER_MATCH_CARD;
  if (length >= 4 && length <= 10)
    return MDK_MEMBER_MATCH_MOBILE_SUFFIX | (length >= 8 ? MDK_MEMBER_MATCH_CARD : 0);
  if (length >= 8 && length <= 19)
    return MDK_MEMBER_MATCH_CARD;

  return 0;
}

/**
 * mdk_member_query_classify:
 * @text: what was typed in the search field
 * @normalized: (out) (optional) (transfer full): the text as the search
 *   uses it: lower case without white space, numbers without separators
 *
 * Decides what a search text can be: `13812345678` a mobile number,
 * `5678` the end of one, `李明` or `明` part of a name, `lm` or `liming`
 * the pinyin of one, `li@` an e-mail address.
 *
 * Returns: the kinds of match to look for; 0 when there is nothing to search
 */
MdkMemberMatch
mdk_member_query_classify (const char  *text,
                           char       **normalized)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text ? text : ""));
  g_autofree char *number = compact_number (trimmed);
  g_autofree char *lower = g_utf8_strdown (trimmed, -1);
  GString *compact = g_string_new (NULL);
  MdkMemberMatch match;

  for (const char *p = lower; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      g_string_append_len (compact, p, g_utf8_next_char (p) - p);

  if ((match = classify_number (number)) != 0)
    {
      g_string_assign (compact, number);
      g_string_ascii_up (compact);
    }
  else if (compact->len == 0)
    match = 0;
  else if (strchr (compact->str, '@'))
    match = MDK_MEMBER_MATCH_EMAIL;
  else if (is_latin_name (trimmed))
    match = MDK_MEMBER_MATCH_PINYIN | MDK_MEMBER_MATCH_NAME |
            (strchr (trimmed, ' ') ? 0 : MDK_MEMBER_MATCH_EMAIL);
  else if (!all_digits (number))
    match = MDK_MEMBER_MATCH_NAME;
  else
    match = 0;

  if (normalized != NULL)
    *normalized = g_string_free (g_steal_pointer (&compact), FALSE);
  else
    g_string_free (compact, TRUE);

  return match;
}
