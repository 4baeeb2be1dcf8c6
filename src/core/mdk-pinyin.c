/* mdk-pinyin.c: the search keys of a name, exactly as the database's
 * mdk.name_pinyin(), mdk.name_initials() and mdk.name_grams() compute them
 * (data/sql/0003-member-search.sql), from the same generated table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mdk-pinyin.h"
#include "mdk-pinyin-table.h"

static int
compare_codepoint (const void *key,
                   const void *entry)
{
  gunichar c = *(const gunichar *) key;
  gunichar e = ((const MdkPinyinEntry *) entry)->codepoint;

  return (c > e) - (c < e);
}

static const char *
lookup_syllable (gunichar c)
{
  const MdkPinyinEntry *entry = bsearch (&c, mdk_pinyin_table, G_N_ELEMENTS (mdk_pinyin_table),
                                         sizeof mdk_pinyin_table[0], compare_codepoint);

  return entry ? entry->syllable : NULL;
}

/* Like PostgreSQL's btrim(): spaces only. */
static const char *
skip_leading_spaces (const char *name)
{
  while (*name == ' ')
    name++;
  return name;
}

static const MdkPinyinSurname *
find_surname (const char *name)
{
  const MdkPinyinSurname *best = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (mdk_pinyin_surnames); i++)
    if (g_str_has_prefix (name, mdk_pinyin_surnames[i].surname) &&
        (best == NULL || strlen (mdk_pinyin_surnames[i].surname) > strlen (best->surname)))
      best = &mdk_pinyin_surnames[i];

  return best;
}

static void
flush_word (GString *out,
            GString *word)
{
  if (word->len == 0)
    return;

  g_string_append_c (out, ' ');
  g_string_append_len (out, word->str, word->len);
  g_string_truncate (word, 0);
}

/**
 * mdk_name_syllables:
 * @name: a member's name
 *
 * CJK characters become their pinyin (a compound or polyphonic surname its
 * surname reading), ASCII letters and digits make lower-case words, and
 * anything else separates.
 *
 * Returns: (transfer full): the syllables, separated by single spaces
 */
char *
mdk_name_syllables (const char *name)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) word = g_string_new (NULL);
  const MdkPinyinSurname *surname;
  const char *p;

  g_return_val_if_fail (name != NULL, NULL);

  p = skip_leading_spaces (name);
  if ((surname = find_surname (p)))
    {
      g_string_append (out, surname->syllables);
      p += strlen (surname->surname);
    }

  for (; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *syllable = lookup_syllable (c);

      if (syllable != NULL)
        {
          flush_word (out, word);
          g_string_append_c (out, ' ');
          g_string_append (out, syllable);
        }
      else if (c < 0x80 && g_ascii_isalnum (c))
        g_string_append_c (word, g_ascii_tolower (c));
      else
        flush_word (out, word);
    }
  flush_word (out, word);

  return g_strstrip (g_string_free (g_steal_pointer (&out), FALSE));
}

/**
 * mdk_name_pinyin:
 * @name: a member's name
 *
 * Returns: (transfer full): the full pinyin without spaces: 李明 → "liming"
 */
char *
mdk_name_pinyin (const char *name)
{
  g_autofree char *syllables = mdk_name_syllables (name);
  GString *out = g_string_new (NULL);

  for (const char *p = syllables; *p; p++)
    if (*p != ' ')
      g_string_append_c (out, *p);

  return g_string_free (out, FALSE);
}

/**
 * mdk_name_initials:
 * @name: a member's name
 *
 * Returns: (transfer full): the first letter of each syllable or word: 李明 → "lm"
 */
char *
mdk_name_initials (const char *name)
{
  g_autofree char *syllables = mdk_name_syllables (name);
  g_auto(GStrv) parts = g_strsplit (syllables, " ", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_string_append_c (out, parts[i][0]);

  return g_string_free (out, FALSE);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
add_gram (GHashTable *seen,
          GPtrArray  *grams,
          const char *start,
          const char *end)
{
  char *gram = g_strndup (start, end - start);

  if (g_hash_table_contains (seen, gram))
    {
      g_free (gram);
      return;
    }

  g_hash_table_add (seen, gram);
  g_ptr_array_add (grams, gram);
}

/**
 * mdk_name_grams:
 * @name: a member's name
 *
 * Returns: (transfer full): every character and every pair of adjacent
 *   characters of the name in lower case without white space, and each
 *   character from the third on marked with a leading "~", each once
 */
GStrv
mdk_name_grams (const char *name)
{
  g_autofree char *lower = g_utf8_strdown (name, -1);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) grams = g_ptr_array_new ();
  const char *p;
  guint position;

  for (p = lower; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      g_string_append_len (text, p, g_utf8_next_char (p) - p);

  for (p = text->str, position = 0; *p; p = g_utf8_next_char (p), position++)
    {
      const char *next = g_utf8_next_char (p);

      add_gram (seen, grams, p, next);
      if (*next)
        add_gram (seen, grams, p, g_utf8_next_char (next));
      if (position >= 2)
        {
          g_autofree char *tail = g_strdup_printf ("~%.*s", (int) (next - p), p);

          add_gram (seen, grams, tail, tail + strlen (tail));
        }
    }

  g_ptr_array_sort (grams, compare_strings);
  g_ptr_array_add (grams, NULL);
  return (GStrv) g_ptr_array_steal (grams, NULL);
}
