/* mdk-member-repo.c: member search, in SQL, paged by keyset
 *
 * Statements are put together from the fixed fragments below, chosen by
 * what the search text is; the text itself only ever travels as a
 * parameter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "mdk-card.h"
#include "mdk-member-detail.h"
#include "mdk-member-private.h"
#include "mdk-member-repo.h"
#include "mdk-pinyin.h"
#include "mdk-statement.h"

static const char *select_columns_sql =
  "SELECT m.id, m.name, m.gender, m.mobile, m.email, m.id_number, m.birthday::text, "
  "to_char(m.joined_at, 'YYYY-MM-DD'), m.status::text, s.name, r.name, m.main_card_no, ct.name, ";

/* Group and tags: for exports, not for lists. Written out rather than
 * called as functions, which cost more per row than the lookups. */
static const char *classification_columns_sql =
  ", (SELECT g.name FROM mdk.member_groups g WHERE g.id = m.group_id), "
  "(SELECT string_agg(t.name, ', ' ORDER BY t.name) FROM mdk.member_tag_links l "
  "JOIN mdk.member_tags t ON t.id = l.tag_id WHERE l.member_id = m.id), ";

/* Filters never need the joins, so counting can do without them. */
static const char *from_members_sql = " FROM mdk.members m";

static const char *from_sql =
  " FROM mdk.members m"
  " JOIN mdk.stores s ON s.id = m.home_store_id"
  " JOIN mdk.regions r ON r.id = s.region_id";

/* The card a list shows, kept on the member row (migration 0011). */
static const char *main_card_sql =
  " LEFT JOIN mdk.card_types ct ON ct.id = m.main_card_type_id";

/* The custom values of the fields an export asked for, in its order,
 * separated by the ASCII unit separator, '' where a member has none. */
static void
append_custom_values (MdkStatement         *statement,
                      const MdkMemberQuery *query)
{
  if (query->custom_keys == NULL || query->custom_keys[0] == NULL)
    {
      mdk_statement_append (statement, "''");
      return;
    }

  for (guint i = 0; query->custom_keys[i] != NULL; i++)
    mdk_statement_append (statement, i == 0 ? "coalesce(m.custom ->> ?, '')" : " || E'\\x1f' || coalesce(m.custom ->> ?, '')",
            g_strdup (query->custom_keys[i]));
}

static char *
escape_like (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static char *
letters_only (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    if (g_ascii_isalpha (*p))
      g_string_append_c (out, g_ascii_tolower (*p));

  return g_string_free (out, FALSE);
}

/* The grams a name must hold to contain @text: the text itself when it is
 * one or two characters, its pairs of characters when longer. */
static char *
query_grams_literal (const char *text)
{
  g_auto(GStrv) grams = mdk_name_grams (text);
  GString *out = g_string_new ("{");
  gboolean first = TRUE;
  glong length = g_utf8_strlen (text, -1);

  for (guint i = 0; grams[i] != NULL; i++)
    {
      if (length > 1 && (g_utf8_strlen (grams[i], -1) != 2 || grams[i][0] == '~'))
        continue;
      g_string_append (out, first ? "\"" : ",\"");
      for (const char *p = grams[i]; *p; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
      first = FALSE;
    }
  g_string_append_c (out, '}');

  return g_string_free (out, FALSE);
}

/* As mdk.name_search_text() spells a name: lower case, without spaces. */
static char *
compact_name (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (out, g_ascii_tolower (*p));

  return g_string_free (out, FALSE);
}

/* Latin letters (and the punctuation of Latin names), three or more:
 * what the trigram index answers. */
static gboolean
is_latin_part (const char *text)
{
  guint letters = 0;

  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isalpha (*p))
        letters++;
      else if (!strchr (" .'-", *p))
        return FALSE;
    }
  return letters >= 3;
}

/* What mdk.member_latin_names.search_text is LIKE when it has @text. */
static char *
latin_pattern (const char *text)
{
  g_autofree char *compact = compact_name (text);
  g_autofree char *escaped = escape_like (compact);

  return g_strconcat ("%", escaped, "%", NULL);
}

/* The ways a text can match, one condition each. The pinyin is two: the
 * full pinyin is a range of the name order, the initials are not. */
typedef enum
{
  BRANCH_MOBILE,
  BRANCH_MOBILE_SUFFIX,
  BRANCH_CARD,
  BRANCH_ID_NUMBER,
  BRANCH_EMAIL,
  BRANCH_PINYIN,
  BRANCH_INITIALS,
  BRANCH_NAME_FIRST,
  BRANCH_NAME_SECOND,
  BRANCH_NAME,
  N_BRANCHES
} Branch;

static char *
single_character (const char *text)
{
  g_autofree char *compact = NULL;
  g_autofree char *lower = g_utf8_strdown (text, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = lower; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      g_string_append_len (out, p, g_utf8_next_char (p) - p);
  compact = g_string_free (out, FALSE);

  return g_utf8_strlen (compact, -1) == 1 ? g_steal_pointer (&compact) : NULL;
}

static gboolean
branch_applies (Branch          branch,
                MdkMemberMatch  match,
                const char     *text)
{
  g_autofree char *letters = NULL;

  switch (branch)
    {
    case BRANCH_MOBILE: return (match & MDK_MEMBER_MATCH_MOBILE) != 0;
    case BRANCH_MOBILE_SUFFIX: return (match & MDK_MEMBER_MATCH_MOBILE_SUFFIX) != 0;
    case BRANCH_CARD: return (match & MDK_MEMBER_MATCH_CARD) != 0;
    case BRANCH_ID_NUMBER: return (match & MDK_MEMBER_MATCH_ID_NUMBER) != 0;
    case BRANCH_EMAIL: return (match & MDK_MEMBER_MATCH_EMAIL) != 0;
    case BRANCH_NAME: return (match & MDK_MEMBER_MATCH_NAME) != 0;
    case BRANCH_NAME_FIRST:
    case BRANCH_NAME_SECOND:
      {
        g_autofree char *character = single_character (text);

        return (match & MDK_MEMBER_MATCH_NAME) != 0 && character != NULL;
      }
    case BRANCH_PINYIN:
    case BRANCH_INITIALS:
      if (!(match & MDK_MEMBER_MATCH_PINYIN))
        return FALSE;
      letters = letters_only (text);
      /* One letter: the initials start with it exactly when the pinyin does. */
      return *letters != '\0' && (branch == BRANCH_PINYIN || strlen (letters) > 1);
    case N_BRANCHES:
    default:
      g_assert_not_reached ();
    }
}

static void
append_branch (MdkStatement *statement,
               Branch        branch,
               const char   *text)
{
  g_autofree char *escaped = escape_like (text);
  g_autofree char *letters = letters_only (text);
  g_autofree char *character = single_character (text);

  switch (branch)
    {
    case BRANCH_MOBILE:
      mdk_statement_append (statement, "m.mobile = ?", g_strdup (text));
      break;

    case BRANCH_MOBILE_SUFFIX:
      {
        g_autofree char *reversed = g_strreverse (g_strdup (text));

        mdk_statement_append (statement, "reverse(m.mobile) LIKE ?", g_strconcat (reversed, "%", NULL));
      }
      break;

    case BRANCH_CARD:
      /* ARRAY() runs once, so the alternatives can combine their indexes. */
      mdk_statement_append (statement, "m.id = ANY (ARRAY (SELECT c.member_id FROM mdk.cards c WHERE c.card_no = ?))", g_strdup (text));
      break;

    case BRANCH_ID_NUMBER:
      mdk_statement_append (statement, "m.id_number = ?", g_strdup (text));
      break;

    case BRANCH_EMAIL:
      mdk_statement_append (statement, "lower(m.email) LIKE ?", g_strconcat (escaped, "%", NULL));
      break;

    case BRANCH_PINYIN:
      mdk_statement_append (statement, "m.name_pinyin COLLATE \"C\" LIKE ?", g_strconcat (letters, "%", NULL));
      break;

    case BRANCH_INITIALS:
      mdk_statement_append (statement, "m.name_initials COLLATE \"C\" LIKE ?", g_strconcat (letters, "%", NULL));
      break;

    case BRANCH_NAME_FIRST:
      mdk_statement_append (statement, "left(mdk.name_search_text(m.name), 1) = ?", g_strdup (character));
      break;

    case BRANCH_NAME_SECOND:
      mdk_statement_append (statement, "substr(mdk.name_search_text(m.name), 2, 1) = ?", g_strdup (character));
      break;

    case BRANCH_NAME:
      if (character != NULL)
        {
          g_autofree char *tail = g_strdup_printf ("~%s", character);
          const char * const one[] = { tail, NULL };

          /* The names with it from their third character on: the first
           * and second are BRANCH_NAME_FIRST's and BRANCH_NAME_SECOND's. */
          mdk_statement_append (statement, "m.name_grams @> ?::text[]", mdk_pg_text_array (one));
        }
      else if (is_latin_part (text))
        mdk_statement_append (statement, "m.id = ANY (ARRAY (SELECT l.member_id FROM mdk.member_latin_names l WHERE l.search_text LIKE ?))",
                latin_pattern (text));
      else
        mdk_statement_append (statement, "(m.name_grams @> ?::text[] AND mdk.name_search_text(m.name) LIKE ?)",
                query_grams_literal (text), g_strconcat ("%", escaped, "%", NULL));
      break;

    case N_BRANCHES:
    default:
      g_assert_not_reached ();
    }
}

/* Beyond these many rows, walking the name order finds a page sooner than
 * sorting them all. */
#define SMALL_NAME_ROWS 1000

/* Whether a way of matching finds few rows. Few are best fetched through
 * their own index and sorted; many are best found by walking the list's
 * order until a page is full. Planner estimates get this wrong for rare
 * characters, so it is asked of the data, cheaply: count up to a bound. */
/* For one gram, the table's statistics say how common it is without
 * touching the table: -1 when there are no statistics yet, else an
 * estimate of the rows (0 for a gram rarer than every common one). */
static const char *gram_estimate_sql =
  "SELECT coalesce((SELECT coalesce(s.most_common_elem_freqs[array_position(s.most_common_elems::text::text[], $1)], 0)"
  "                 * greatest(c.reltuples, 0)"
  "                 FROM pg_stats s, pg_class c"
  "                 WHERE s.schemaname = 'mdk' AND s.tablename = 'members' AND s.attname = 'name_grams'"
  "                 AND c.oid = 'mdk.members'::regclass AND s.most_common_elems IS NOT NULL), -1)::bigint";

static gint64
estimate_gram (PGconn     *conn,
               const char *gram)
{
  const char *params[] = { gram };
  g_autoptr(PGresult) result = mdk_pg_exec (conn, gram_estimate_sql, 1, params, NULL);

  return result != NULL ? mdk_pg_get_int64 (result, 0, 0) : -1;
}

/* Whether a way of matching finds few rows. Few are best fetched through
 * their own index and sorted; many are best found by walking the list's
 * order until a page is full. Planner estimates get this wrong for rare
 * characters, so it is asked of the data: for one character, of the
 * statistics (the commonest grams are listed with their frequency), else
 * by counting up to a bound. */
static gboolean
branch_is_small (PGconn     *conn,
                 Branch      branch,
                 const char *text)
{
  g_auto(MdkStatement) probe = { NULL, NULL };
  g_autoptr(PGresult) result = NULL;
  g_autofree char *character = NULL;

  /* These walk an index in the name order itself. */
  if (branch == BRANCH_PINYIN || branch == BRANCH_NAME_FIRST || branch == BRANCH_NAME_SECOND)
    return FALSE;
  /* Initials are read in name order from their own index, however many;
   * Latin parts from their own table, whose rows are narrow. */
  if (branch != BRANCH_NAME || is_latin_part (text))
    return TRUE;

  if ((character = single_character (text)) != NULL)
    {
      g_autofree char *tail = g_strdup_printf ("~%s", character);
      gint64 estimate = estimate_gram (conn, tail);

      if (estimate >= 0)
        return estimate < SMALL_NAME_ROWS;
    }

  mdk_statement_init (&probe);
  mdk_statement_append (&probe, "SELECT count(*) FROM (SELECT 1 FROM mdk.members m WHERE ");
  append_branch (&probe, branch, text);
  mdk_statement_append (&probe, " LIMIT ?) probe", g_strdup_printf ("%d", SMALL_NAME_ROWS));

  result = mdk_statement_exec (conn, &probe, NULL);
  return result != NULL && mdk_pg_get_int64 (result, 0, 0) < SMALL_NAME_ROWS;
}

static guint
count_branches (MdkMemberMatch  match,
                const char     *text)
{
  guint n = 0;

  for (Branch branch = 0; branch < N_BRANCHES; branch++)
    n += branch_applies (branch, match, text);

  return n;
}

static void
append_match (MdkStatement   *statement,
              MdkMemberMatch  match,
              const char     *text)
{
  const char *or = "";

  mdk_statement_append (statement, " AND (");
  for (Branch branch = 0; branch < N_BRANCHES; branch++)
    if (branch_applies (branch, match, text))
      {
        mdk_statement_append (statement, or);
        append_branch (statement, branch, text);
        or = " OR ";
      }
  if (*or == '\0')
    mdk_statement_append (statement, "false");
  mdk_statement_append (statement, ")");
}

static void
append_filters (MdkStatement         *statement,
                const MdkMemberQuery *query)
{
  if (query->region_id > 0)
    mdk_statement_append (statement, " AND m.home_store_id = ANY (ARRAY (SELECT id FROM mdk.stores WHERE region_id = ?))",
            g_strdup_printf ("%" G_GINT64_FORMAT, query->region_id));
  if (query->store_id > 0)
    mdk_statement_append (statement, " AND m.home_store_id = ?", g_strdup_printf ("%" G_GINT64_FORMAT, query->store_id));
  if (query->card_type_id > 0)
    mdk_statement_append (statement, " AND EXISTS (SELECT 1 FROM mdk.cards c WHERE c.member_id = m.id AND c.card_type_id = ?)",
            g_strdup_printf ("%" G_GINT64_FORMAT, query->card_type_id));
  if (query->status != NULL)
    mdk_statement_append (statement, " AND m.status = ?::mdk.member_status", g_strdup (query->status));
  if (query->joined_from != NULL)
    mdk_statement_append (statement, " AND m.joined_at >= ?::date", g_strdup (query->joined_from));
  if (query->joined_to != NULL)
    mdk_statement_append (statement, " AND m.joined_at < ?::date + 1", g_strdup (query->joined_to));
  if (query->birthday_month > 0)
    mdk_statement_append (statement, " AND extract(month FROM m.birthday) = ?", g_strdup_printf ("%d", query->birthday_month));
  if (query->group_id > 0)
    mdk_statement_append (statement, " AND m.group_id = ?", g_strdup_printf ("%" G_GINT64_FORMAT, query->group_id));
  if (query->tag_id > 0)
    mdk_statement_append (statement, " AND EXISTS (SELECT 1 FROM mdk.member_tag_links l WHERE l.member_id = m.id AND l.tag_id = ?)",
            g_strdup_printf ("%" G_GINT64_FORMAT, query->tag_id));
  if (query->custom_key != NULL && query->custom_value != NULL)
    {
      /* Containment is what the GIN index on custom answers. */
      mdk_statement_append (statement, query->custom_is_number ? " AND m.custom @> jsonb_build_object(?::text, ?::numeric)"
                                                 : " AND m.custom @> jsonb_build_object(?::text, ?::text)",
              g_strdup (query->custom_key), g_strdup (query->custom_value));
    }
}

/* Returns FALSE when the text cannot match anyone (for example "12"). */
static gboolean
append_where (MdkStatement         *statement,
              const MdkMemberQuery *query)
{
  g_autofree char *text = NULL;
  MdkMemberMatch match = mdk_member_query_classify (query->text, &text);

  mdk_statement_append (statement, " WHERE true");
  if (*text != '\0' && match == 0)
    return FALSE;
  if (match != 0)
    append_match (statement, match, text);
  append_filters (statement, query);
  return TRUE;
}

/* Sorting by a group (home store, card type) walks the groups in name
 * order (pinyin for Chinese names), and each group's members in number order from the index on
 * (group, id); members without a card are last. A group's place in that
 * order, "pos", is the page key. */
static const char *
sort_groups_sql (const MdkMemberQuery *query)
{
  switch (query->sort)
    {
    case MDK_MEMBER_SORT_STORE:
      return "SELECT id, row_number() OVER (ORDER BY name COLLATE mdk.pinyin, id) AS pos FROM mdk.stores";
    case MDK_MEMBER_SORT_CARD_TYPE:
      return "SELECT id, row_number() OVER (ORDER BY name COLLATE mdk.pinyin, id) AS pos FROM mdk.card_types "
             "UNION ALL SELECT 0, 9223372036854775807";
    case MDK_MEMBER_SORT_NAME:
    case MDK_MEMBER_SORT_JOINED:
    case MDK_MEMBER_SORT_NUMBER:
    case MDK_MEMBER_SORT_MOBILE:
    case MDK_MEMBER_SORT_BIRTHDAY:
    case MDK_MEMBER_SORT_CARD_NUMBER:
    case MDK_MEMBER_SORT_STATUS:
    default:
      return NULL;
    }
}

/* The member's group, as the index on (group, id) has it. */
static const char *
sort_group_column (const MdkMemberQuery *query)
{
  return query->sort == MDK_MEMBER_SORT_STORE ? "m.home_store_id" : "coalesce(m.main_card_type_id, 0)";
}

/* The groups joined as "gs" to a statement over members m. */
static void
append_sort_groups (MdkStatement         *statement,
                    const MdkMemberQuery *query)
{
  g_autofree char *join = NULL;

  if (sort_groups_sql (query) == NULL)
    return;

  join = g_strdup_printf (" JOIN (%s) gs ON gs.id = %s", sort_groups_sql (query), sort_group_column (query));
  mdk_statement_append (statement, join);
}

static const char *
sort_expression (const MdkMemberQuery *query)
{
  switch (query->sort)
    {
    case MDK_MEMBER_SORT_JOINED:
      return "m.joined_at";
    case MDK_MEMBER_SORT_NUMBER:
      return "m.id";
    case MDK_MEMBER_SORT_MOBILE:
      /* As members_mobile_sort_idx has it. */
      return "(coalesce(m.mobile, '') COLLATE \"C\")";
    case MDK_MEMBER_SORT_BIRTHDAY:
      /* Month and day, as members_birthday_sort_idx has it. */
      return "coalesce(extract(month FROM m.birthday)::int * 100 + extract(day FROM m.birthday)::int, 9999)";
    case MDK_MEMBER_SORT_CARD_NUMBER:
      /* As members_card_no_sort_idx has it: members without a card first. */
      return "(coalesce(m.main_card_no, '') COLLATE \"C\")";
    case MDK_MEMBER_SORT_STATUS:
      /* Active, inactive, blacklisted: the enum's order. */
      return "m.status";
    case MDK_MEMBER_SORT_CARD_TYPE:
    case MDK_MEMBER_SORT_STORE:
      return "gs.pos";
    case MDK_MEMBER_SORT_NAME:
    default:
      /* Pinyin is ASCII: byte order is alphabetical, and a prefix is a range of it. */
      return "(m.name_pinyin COLLATE \"C\")";
    }
}

static const char *
sort_cast (const MdkMemberQuery *query)
{
  switch (query->sort)
    {
    case MDK_MEMBER_SORT_JOINED:
      return "timestamptz";
    case MDK_MEMBER_SORT_NUMBER:
    case MDK_MEMBER_SORT_CARD_TYPE:
    case MDK_MEMBER_SORT_STORE:
      return "bigint";
    case MDK_MEMBER_SORT_BIRTHDAY:
      return "integer";
    case MDK_MEMBER_SORT_STATUS:
      return "mdk.member_status";
    case MDK_MEMBER_SORT_MOBILE:
    case MDK_MEMBER_SORT_CARD_NUMBER:
    case MDK_MEMBER_SORT_NAME:
    default:
      return "text";
    }
}

static void
append_keyset (MdkStatement         *statement,
               const MdkMemberQuery *query,
               const MdkPageKey     *after)
{
  g_autofree char *fragment = NULL;

  if (after == NULL)
    return;

  fragment = g_strdup_printf (" AND (%s, m.id) %s (?::%s, ?::bigint)", sort_expression (query),
                              query->descending ? "<" : ">", sort_cast (query));
  mdk_statement_append (statement, fragment, g_strdup (after->sort_key), g_strdup_printf ("%" G_GINT64_FORMAT, after->id));
}

static void
append_order (MdkStatement         *statement,
              const MdkMemberQuery *query)
{
  const char *direction = query->descending ? " DESC" : "";

  g_string_append_printf (statement->sql, " ORDER BY %s%s, m.id%s", sort_expression (query), direction, direction);
}

/* The ids of the first @limit members after @after in the list's order
 * that match @branch (none: everyone) and the filters, found by walking
 * the order from an index until they are found. */
static void
append_walk (MdkStatement         *statement,
             const MdkMemberQuery *query,
             gboolean              with_branch,
             Branch                branch,
             const char           *text,
             const MdkPageKey     *after,
             guint                 limit)
{
  const char *direction = query->descending ? " DESC" : "";
  g_autofree char *head = NULL;
  g_autofree char *tail = NULL;

  if (sort_groups_sql (query) == NULL)
    {
      mdk_statement_append (statement, "(SELECT m.id FROM mdk.members m WHERE true");
      if (with_branch)
        {
          mdk_statement_append (statement, " AND ");
          append_branch (statement, branch, text);
        }
      append_filters (statement, query);
      append_keyset (statement, query, after);
      append_order (statement, query);
      mdk_statement_append (statement, " LIMIT ?)", g_strdup_printf ("%u", limit));
      return;
    }

  /* Each group gives at most a page, read from the index on (group, id);
   * the groups come in order, so the walk stops at the first full page.
   * Within the group of @after, the members after it are a range of that
   * index. */
  head = g_strdup_printf ("(SELECT m.id FROM (SELECT * FROM (%s) ranked ORDER BY pos%s) gs"
                          " CROSS JOIN LATERAL (SELECT m.id FROM mdk.members m WHERE %s = gs.id",
                          sort_groups_sql (query), direction, sort_group_column (query));
  mdk_statement_append (statement, head);
  if (with_branch)
    {
      mdk_statement_append (statement, " AND ");
      append_branch (statement, branch, text);
    }
  append_filters (statement, query);
  if (after != NULL)
    mdk_statement_append (statement, query->descending ? " AND m.id < CASE WHEN gs.pos = ?::bigint THEN ?::bigint ELSE 9223372036854775807 END"
                                                       : " AND m.id > CASE WHEN gs.pos = ?::bigint THEN ?::bigint ELSE -1 END",
                          g_strdup (after->sort_key), g_strdup_printf ("%" G_GINT64_FORMAT, after->id));
  tail = g_strdup_printf (" ORDER BY m.id%s LIMIT ?) m", direction);
  mdk_statement_append (statement, tail, g_strdup_printf ("%u", limit));
  if (after != NULL)
    mdk_statement_append (statement, query->descending ? " WHERE gs.pos <= ?::bigint" : " WHERE gs.pos >= ?::bigint",
                          g_strdup (after->sort_key));
  g_free (tail);
  tail = g_strdup_printf (" ORDER BY gs.pos%s, m.id%s LIMIT ?)", direction, direction);
  mdk_statement_append (statement, tail, g_strdup_printf ("%u", limit));
}

static gboolean
has_filters (const MdkMemberQuery *query)
{
  g_auto(MdkStatement) scratch = { NULL, NULL };

  mdk_statement_init (&scratch);
  append_filters (&scratch, query);
  return scratch.sql->len > 0;
}

/* The first members in name order whose names have a Latin @text, all
 * read from mdk.member_latin_names: its sort key is the name order's. */
static void
append_latin_names (MdkStatement         *statement,
                    const MdkMemberQuery *query,
                    const char           *text,
                    const MdkPageKey     *after,
                    guint                 limit)
{
  const char *direction = query->descending ? " DESC" : "";
  g_autofree char *order = g_strdup_printf (" ORDER BY l.sort_key%s, l.member_id%s LIMIT ?)", direction, direction);

  mdk_statement_append (statement, "(SELECT l.member_id FROM mdk.member_latin_names l WHERE l.search_text LIKE ?",
          latin_pattern (text));
  if (after != NULL)
    mdk_statement_append (statement, query->descending ? " AND (l.sort_key, l.member_id) < (?::text COLLATE \"C\", ?::bigint)"
                                         : " AND (l.sort_key, l.member_id) > (?::text COLLATE \"C\", ?::bigint)",
            g_strdup (after->sort_key), g_strdup_printf ("%" G_GINT64_FORMAT, after->id));
  mdk_statement_append (statement, order, g_strdup_printf ("%u", limit));
}

/* Each way a text can match takes its own best path to its first rows in
 * the list's order (the pinyin prefix is a range of the name order, a
 * mobile number one row, …), and the page is the first rows of their
 * union, rather than sorting everything any of them matches. */
static void
append_hits (PGconn               *conn,
             MdkStatement         *statement,
             const MdkMemberQuery *query,
             MdkMemberMatch        match,
             const char           *text,
             const MdkPageKey     *after,
             guint                 limit)
{
  const char *union_word = "";

  mdk_statement_append (statement, " WHERE m.id IN (SELECT id FROM (");
  for (Branch branch = 0; branch < N_BRANCHES; branch++)
    {
      if (!branch_applies (branch, match, text))
        continue;

      mdk_statement_append (statement, union_word);
      union_word = " UNION ";

      if (branch == BRANCH_NAME && is_latin_part (text) && query->sort == MDK_MEMBER_SORT_NAME
          && !has_filters (query))
        {
          append_latin_names (statement, query, text, after, limit);
          continue;
        }

      if (!branch_is_small (conn, branch, text))
        {
          append_walk (statement, query, TRUE, branch, text, after, limit);
          continue;
        }

      /* Few rows, but they may lie anywhere in the list's order: walking
       * that order to find them could read the whole table. OFFSET 0 keeps
       * the planner on their own index; they are sorted after. */
      {
        g_autofree char *head = g_strdup_printf ("(SELECT id FROM (SELECT m.id, %s AS key FROM mdk.members m",
                                                 sort_expression (query));
        g_autofree char *tail = g_strdup_printf (" OFFSET 0) fenced ORDER BY key%s, id%s LIMIT ?)",
                                                 query->descending ? " DESC" : "", query->descending ? " DESC" : "");

        mdk_statement_append (statement, head);
        append_sort_groups (statement, query);
        mdk_statement_append (statement, " WHERE ");
        append_branch (statement, branch, text);
        append_filters (statement, query);
        append_keyset (statement, query, after);
        mdk_statement_append (statement, tail, g_strdup_printf ("%u", limit));
      }
    }
  mdk_statement_append (statement, ") hits)");
}

static GPtrArray *
search_page (PGconn                *conn,
             const MdkMemberQuery  *query,
             MdkMemberMatch         match,
             const char            *text,
             const MdkPageKey      *after,
             guint                  limit,
             GError               **error)
{
  g_auto(MdkStatement) statement = { NULL, NULL };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *sort_select = NULL;

  mdk_statement_init (&statement);
  sort_select = g_strdup_printf ("%s::text", sort_expression (query));
  mdk_statement_append (&statement, select_columns_sql);
  mdk_statement_append (&statement, sort_select);
  if (query->with_classification)
    {
      mdk_statement_append (&statement, classification_columns_sql);
      append_custom_values (&statement, query);
    }
  else
    mdk_statement_append (&statement, ", NULL, NULL, NULL");
  mdk_statement_append (&statement, from_sql);
  mdk_statement_append (&statement, main_card_sql);
  append_sort_groups (&statement, query);

  if (count_branches (match, text) > 0)
    append_hits (conn, &statement, query, match, text, after, limit);
  else
    {
      /* The walk alone, so that its estimate cannot lead the joins astray:
       * at the end of an order (members without a birthday, say) the
       * planner expects no rows, and joined 57,000 by hash in 800 ms. */
      mdk_statement_append (&statement, " WHERE m.id IN (SELECT id FROM ");
      append_walk (&statement, query, FALSE, 0, text, after, limit);
      mdk_statement_append (&statement, " walked)");
    }
  append_order (&statement, query);
  mdk_statement_append (&statement, " LIMIT ?", g_strdup_printf ("%u", limit));

  if (!(result = mdk_statement_exec (conn, &statement, error)))
    return NULL;

  for (int row = 0; row < PQntuples (result); row++)
    {
      MdkMember *member = mdk_member_new_placeholder ();
      const char *fields[MDK_MEMBER_N_FIELDS];

      for (guint i = 0; i < MDK_MEMBER_N_FIELDS; i++)
        fields[i] = PQgetisnull (result, row, i + 1) ? NULL : PQgetvalue (result, row, i + 1);
      mdk_member_fill (member, mdk_pg_get_int64 (result, row, 0), fields);
      g_ptr_array_add (members, member);
    }

  return g_steal_pointer (&members);
}

/**
 * mdk_member_repo_search:
 * @conn: a connection
 * @query: the search
 * @after: (nullable): the last row of the previous page, or %NULL for the first page
 * @limit: the page size
 * @error: return location for a #GError
 *
 * One page of members matching @query, in its order. Blocks.
 *
 * Returns: (transfer full) (element-type MdkMember): the members, or %NULL
 */
GPtrArray *
mdk_member_repo_search (PGconn                *conn,
                        const MdkMemberQuery  *query,
                        const MdkPageKey      *after,
                        guint                  limit,
                        GError               **error)
{
  g_autofree char *text = NULL;
  MdkMemberMatch match;
  GPtrArray *members;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);

  match = mdk_member_query_classify (query->text, &text);
  if (*text != '\0' && match == 0)
    return g_ptr_array_new_with_free_func (g_object_unref);

  /* A page is the first rows of walks that stop as soon as it is full;
   * starting parallel workers for them took 40 ms here, against 2 ms for
   * the walk. The planner cannot tell, as it expects few matches. */
  if (!mdk_pg_exec_script (conn, "SET max_parallel_workers_per_gather = 0", error))
    return NULL;
  members = search_page (conn, query, match, text, after, limit, error);
  mdk_pg_exec_script (conn, "RESET max_parallel_workers_per_gather", NULL);

  return members;
}


/**
 * mdk_member_repo_count:
 * @conn: a connection
 * @query: the search
 * @error: return location for a #GError
 *
 * Returns: how many members match @query, or -1 on error
 */
gint64
mdk_member_repo_count (PGconn                *conn,
                       const MdkMemberQuery  *query,
                       GError               **error)
{
  g_auto(MdkStatement) statement = { NULL, NULL };
  g_autoptr(PGresult) result = NULL;

  mdk_statement_init (&statement);
  mdk_statement_append (&statement, "SELECT count(*)");
  mdk_statement_append (&statement, from_members_sql);
  if (!append_where (&statement, query))
    return 0;

  if (!(result = mdk_statement_exec (conn, &statement, error)))
    return -1;

  return mdk_pg_get_int64 (result, 0, 0);
}

/**
 * mdk_member_repo_page_starts:
 * @conn: a connection
 * @query: the search
 * @page_size: rows per page
 * @error: return location for a #GError
 *
 * The key before each page of the result (the first page starts at the
 * beginning and has none), so that a list can jump to any page without
 * OFFSET.
 *
 * Returns: (transfer full) (element-type MdkPageKey): one key per page
 *   after the first, or %NULL
 */
GArray *
mdk_member_repo_page_starts (PGconn                *conn,
                             const MdkMemberQuery  *query,
                             guint                  page_size,
                             GError               **error)
{
  g_auto(MdkStatement) statement = { NULL, NULL };
  g_autoptr(PGresult) result = NULL;
  g_autofree char *head = NULL;
  GArray *keys;

  g_return_val_if_fail (page_size > 0, NULL);

  mdk_statement_init (&statement);
  head = g_strdup_printf ("SELECT key, id FROM (SELECT %s::text AS key, m.id, row_number() OVER (ORDER BY %s%s, m.id%s) AS n",
                          sort_expression (query), sort_expression (query),
                          query->descending ? " DESC" : "", query->descending ? " DESC" : "");
  mdk_statement_append (&statement, head);
  mdk_statement_append (&statement, from_members_sql);
  append_sort_groups (&statement, query);
  keys = g_array_new (FALSE, TRUE, sizeof (MdkPageKey));
  g_array_set_clear_func (keys, (GDestroyNotify) mdk_page_key_clear);
  if (!append_where (&statement, query))
    return keys;
  mdk_statement_append (&statement, ") numbered WHERE n % ? = 0 ORDER BY n", g_strdup_printf ("%u", page_size));

  if (!(result = mdk_statement_exec (conn, &statement, error)))
    {
      g_array_unref (keys);
      return NULL;
    }

  for (int row = 0; row < PQntuples (result); row++)
    {
      MdkPageKey key = { mdk_pg_get_string (result, row, 0), mdk_pg_get_int64 (result, row, 1) };

      g_array_append_val (keys, key);
    }

  return keys;
}

static const char *select_detail_sql =
  "SELECT m.id::text, m.name, m.gender, m.mobile, m.email, m.id_number, m.birthday::text, m.anniversary::text, "
  "to_char(m.joined_at, 'YYYY-MM-DD'), m.status::text, s.name, r.name, m.entry_channel::text, o.name, "
  "to_char(m.updated_at, 'YYYY-MM-DD HH24:MI'), m.home_store_id::text, m.updated_at::text, "
  "mdk.member_birthday_next_change(m.id)::text, m.group_id::text, g.name, mdk.member_tag_names(m.id) "
  "FROM mdk.members m "
  "LEFT JOIN mdk.member_groups g ON g.id = m.group_id "
  "JOIN mdk.stores s ON s.id = m.home_store_id "
  "JOIN mdk.regions r ON r.id = s.region_id "
  "LEFT JOIN mdk.operators o ON o.id = m.entry_operator_id "
  "WHERE m.id = $1";

static const char *select_custom_sql =
  "SELECT f.key, f.label, m.custom ->> f.key "
  "FROM mdk.members m, mdk.member_fields f "
  "WHERE m.id = $1 AND NOT f.is_retired "
  "ORDER BY f.position, f.id";

/* The member's own cards first, then affiliates, oldest first; with the
 * balances of the accounts each uses (a card under another that shares,
 * its primary's), and what the cards under it with accounts of their own
 * hold. */
static const char *select_cards_sql =
  "SELECT c.card_no, t.name, t.kind::text, c.state::text, to_char(c.issued_at, 'YYYY-MM-DD'), "
  "c.expires_on::text, p.card_no, s.name, b ->> 'balance', b ->> 'bonus_balance', b ->> 'points_balance', "
  "(SELECT string_agg(x.action::text, ',' ORDER BY x.action) FROM mdk.card_transitions x WHERE x.from_state = c.state), "
  "terms.replacement_fee::text, terms.refund_on_cancel::text, "
  "(SELECT count(*) FROM mdk.cards u WHERE u.primary_card_id = c.id AND u.state <> ALL ('{cancelled,replaced}'))::text, "
  "c.daily_limit::text, c.tier_down_on::text, d.name, "
  "CASE WHEN c.tier_held_until > current_date THEN c.tier_held_until::text END, terms.service_fee::text, "
  "c.own_accounts::text, own.refund::text, own.forfeit::text, own.bonus::text, own.points::text "
  "FROM mdk.cards c "
  "JOIN mdk.card_types t ON t.id = c.card_type_id "
  "CROSS JOIN LATERAL mdk.card_terms(c) AS terms "
  "LEFT JOIN mdk.card_types d ON d.id = c.tier_down_to "
  "JOIN mdk.stores s ON s.id = c.issued_store_id "
  "LEFT JOIN mdk.cards p ON p.id = c.primary_card_id "
  "CROSS JOIN LATERAL mdk.card_balances(mdk.account_card(c)) AS b "
  "CROSS JOIN LATERAL (SELECT sum((ub ->> 'balance')::bigint) FILTER (WHERE ut.refund_on_cancel) AS refund, "
  "                           sum((ub ->> 'balance')::bigint) FILTER (WHERE NOT ut.refund_on_cancel) AS forfeit, "
  "                           sum((ub ->> 'bonus_balance')::bigint) AS bonus, "
  "                           sum((ub ->> 'points_balance')::bigint) AS points "
  "                    FROM mdk.cards u CROSS JOIN LATERAL mdk.card_terms(u) AS ut "
  "                    CROSS JOIN LATERAL mdk.card_balances(u.id) AS ub "
  "                    WHERE u.primary_card_id = c.id AND u.own_accounts "
  "                      AND u.state IN ('active', 'lost', 'frozen', 'expired')) AS own "
  "WHERE c.member_id = $1 "
  "ORDER BY c.primary_card_id IS NOT NULL, c.issued_at, c.id";

static gpointer
row_fields (const PGresult *result,
            int             row,
            guint           n_fields,
            gpointer      (*create) (const char * const *fields))
{
  g_autofree const char **fields = g_new0 (const char *, n_fields);

  for (guint i = 0; i < n_fields; i++)
    fields[i] = PQgetisnull (result, row, i) ? NULL : PQgetvalue (result, row, i);

  return create (fields);
}

/**
 * mdk_member_repo_load_detail:
 * @conn: a connection
 * @member_id: the member number
 * @error: return location for a #GError
 *
 * Reads one member with every card, in one snapshot. Blocks.
 *
 * Returns: (transfer full): the member, or %NULL with @error set
 *   (%G_IO_ERROR_NOT_FOUND when there is no such member)
 */
MdkMemberDetail *
mdk_member_repo_load_detail (PGconn  *conn,
                             gint64   member_id,
                             GError **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, member_id);
  const char *params[] = { id };
  g_autoptr(PGresult) member = NULL;
  g_autoptr(PGresult) cards = NULL;
  g_autoptr(PGresult) custom = NULL;
  g_autoptr(MdkMemberDetail) detail = NULL;
  g_autoptr(GListStore) card_list = g_list_store_new (MDK_TYPE_CARD);

  g_return_val_if_fail (conn != NULL, NULL);

  if (!mdk_pg_exec_command (conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, error))
    return NULL;

  member = mdk_pg_exec (conn, select_detail_sql, 1, params, error);
  cards = member ? mdk_pg_exec (conn, select_cards_sql, 1, params, error) : NULL;
  custom = cards ? mdk_pg_exec (conn, select_custom_sql, 1, params, error) : NULL;
  mdk_pg_exec_command (conn, custom ? "COMMIT" : "ROLLBACK", 0, NULL, NULL);
  if (custom == NULL)
    return NULL;

  if (PQntuples (member) == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("This member no longer exists. Search again."));
      return NULL;
    }

  detail = row_fields (member, 0, MDK_MEMBER_DETAIL_N_FIELDS, (gpointer) mdk_member_detail_new);
  for (int row = 0; row < PQntuples (cards); row++)
    {
      g_autoptr(MdkCard) card = row_fields (cards, row, MDK_CARD_N_FIELDS, (gpointer) mdk_card_new);

      g_list_store_append (card_list, card);
    }
  mdk_member_detail_set_cards (detail, G_LIST_MODEL (card_list));
  for (int row = 0; row < PQntuples (custom); row++)
    mdk_member_detail_add_custom (detail, PQgetvalue (custom, row, 0), PQgetvalue (custom, row, 1),
                                  PQgetisnull (custom, row, 2) ? NULL : PQgetvalue (custom, row, 2));

  return g_steal_pointer (&detail);
}

static gpointer
load_detail_work (PGconn        *conn,
                  gpointer       work_data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  return mdk_member_repo_load_detail (conn, *(gint64 *) work_data, error);
}

/**
 * mdk_member_repo_load_detail_async:
 * @database: a #MdkDatabase
 * @member_id: the member number
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Does mdk_member_repo_load_detail() off the calling thread.
 */
void
mdk_member_repo_load_detail_async (MdkDatabase         *database,
                                   gint64               member_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  mdk_database_run_async (database, MDK_DATABASE_RUN_READ_ONLY, load_detail_work,
                          g_memdup2 (&member_id, sizeof member_id), g_free, g_object_unref,
                          cancellable, callback, user_data);
}

/**
 * mdk_member_repo_load_detail_finish:
 * @database: a #MdkDatabase
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the member, or %NULL
 */
MdkMemberDetail *
mdk_member_repo_load_detail_finish (MdkDatabase   *database,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return mdk_database_run_finish (database, result, error);
}
