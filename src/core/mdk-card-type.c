/* mdk-card-type.c: card types as head office designs them: identity,
 * terms, discounts by category, tier rules and face, loaded whole and
 * saved through the database's functions (mdk.create_card_type(),
 * mdk.edit_card_type(), mdk.change_card_terms(), mdk.set_card_tier_rules())
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "mdk-card-type.h"
#include "mdk-database-error.h"

/* As mdk.card_term_names(). */
static const char * const term_names[MDK_CARD_TERM_N] = {
  "has_stored_value", "has_points", "has_discount", "discount_bp", "points_rate_bp", "point_value",
  "joining_fee", "annual_fee", "affiliate_annual_fee", "replacement_fee", "validity_months",
  "max_affiliates", "credit_limit", "refund_on_cancel", "service_fee", "affiliates_share",
};

static gboolean
term_is_boolean (MdkCardTerm term)
{
  return term == MDK_CARD_TERM_HAS_STORED_VALUE || term == MDK_CARD_TERM_HAS_POINTS
         || term == MDK_CARD_TERM_HAS_DISCOUNT || term == MDK_CARD_TERM_REFUND_ON_CANCEL
         || term == MDK_CARD_TERM_AFFILIATES_SHARE;
}

/**
 * mdk_card_term_name:
 * @term: a term
 *
 * Returns: its name in the database
 */
const char *
mdk_card_term_name (MdkCardTerm term)
{
  g_return_val_if_fail (term < MDK_CARD_TERM_N, NULL);

  return term_names[term];
}

static void
category_discount_clear (MdkCategoryDiscount *discount)
{
  g_free (discount->category);
}

static GArray *
category_discounts_new (void)
{
  GArray *discounts = g_array_new (FALSE, TRUE, sizeof (MdkCategoryDiscount));

  g_array_set_clear_func (discounts, (GDestroyNotify) category_discount_clear);
  return discounts;
}

/**
 * mdk_card_type_design_new:
 *
 * Returns: (transfer full): a new type's design: stored value and points,
 *   refunds on cancellation, cards under its cards sharing their balance
 *   and points, numbers of 16 digits, unlimited validity
 */
MdkCardTypeDesign *
mdk_card_type_design_new (void)
{
  MdkCardTypeDesign *design = g_new0 (MdkCardTypeDesign, 1);

  design->code = g_strdup ("");
  design->name = g_strdup ("");
  design->kind = g_strdup ("custom");
  design->number_prefix = g_strdup ("");
  design->number_length = 16;
  design->number_next = 1;
  design->face_start = g_strdup ("#3D5A80");
  design->face_end = g_strdup ("#98C1D9");
  design->terms[MDK_CARD_TERM_HAS_STORED_VALUE] = 1;
  design->terms[MDK_CARD_TERM_HAS_POINTS] = 1;
  design->terms[MDK_CARD_TERM_REFUND_ON_CANCEL] = 1;
  design->terms[MDK_CARD_TERM_AFFILIATES_SHARE] = 1;
  design->terms[MDK_CARD_TERM_VALIDITY_MONTHS] = -1;
  design->category_discounts = category_discounts_new ();
  design->up.period_months = 12;
  design->down.period_months = 12;
  design->down.grace_days = 30;
  return design;
}

/**
 * mdk_card_type_design_copy:
 * @design: a design
 *
 * Returns: (transfer full): a deep copy
 */
MdkCardTypeDesign *
mdk_card_type_design_copy (const MdkCardTypeDesign *design)
{
  MdkCardTypeDesign *copy = g_memdup2 (design, sizeof *design);

  copy->code = g_strdup (design->code);
  copy->name = g_strdup (design->name);
  copy->kind = g_strdup (design->kind);
  copy->number_prefix = g_strdup (design->number_prefix);
  copy->face_start = g_strdup (design->face_start);
  copy->face_end = g_strdup (design->face_end);
  copy->face_logo = design->face_logo ? g_bytes_ref (design->face_logo) : NULL;
  copy->category_discounts = category_discounts_new ();
  for (guint i = 0; i < design->category_discounts->len; i++)
    {
      const MdkCategoryDiscount *d = &g_array_index (design->category_discounts, MdkCategoryDiscount, i);
      MdkCategoryDiscount c = { g_strdup (d->category), d->discount_bp };

      g_array_append_val (copy->category_discounts, c);
    }
  return copy;
}

void
mdk_card_type_design_free (MdkCardTypeDesign *design)
{
  if (design == NULL)
    return;

  g_free (design->code);
  g_free (design->name);
  g_free (design->kind);
  g_free (design->number_prefix);
  g_free (design->face_start);
  g_free (design->face_end);
  g_clear_pointer (&design->face_logo, g_bytes_unref);
  g_clear_pointer (&design->category_discounts, g_array_unref);
  g_free (design);
}

static char
luhn_digit (const char *digits)
{
  int total = 0;
  gboolean twice = TRUE;

  for (gssize i = (gssize) strlen (digits) - 1; i >= 0; i--)
    {
      int digit = digits[i] - '0';

      if (twice)
        {
          digit *= 2;
          if (digit > 9)
            digit -= 9;
        }
      total += digit;
      twice = !twice;
    }
  return '0' + (10 - total % 10) % 10;
}

/**
 * mdk_card_type_design_sample_number:
 * @design: a design
 *
 * Returns: (transfer full): the number the type's next card would get,
 *   as mdk.next_card_no() makes it, in groups of four digits
 */
char *
mdk_card_type_design_sample_number (const MdkCardTypeDesign *design)
{
  int body = design->number_length - (int) strlen (design->number_prefix) - (design->number_luhn ? 1 : 0);
  g_autofree char *serial = g_strdup_printf ("%0*" G_GINT64_FORMAT, MAX (body, 1), MAX (design->number_next, 1));
  g_autofree char *number = g_strconcat (design->number_prefix, serial, NULL);
  GString *grouped = g_string_new (NULL);

  if (design->number_luhn)
    {
      char check[2] = { luhn_digit (number), '\0' };
      char *with_check = g_strconcat (number, check, NULL);

      g_free (number);
      number = with_check;
    }
  for (guint i = 0; number[i] != '\0'; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (grouped, ' ');
      g_string_append_c (grouped, number[i]);
    }
  return g_string_free (grouped, FALSE);
}

static gboolean
category_discounts_equal (GArray *a,
                          GArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const MdkCategoryDiscount *x = &g_array_index (a, MdkCategoryDiscount, i);
      const MdkCategoryDiscount *y = &g_array_index (b, MdkCategoryDiscount, i);

      if (g_strcmp0 (x->category, y->category) != 0 || x->discount_bp != y->discount_bp)
        return FALSE;
    }
  return TRUE;
}

/**
 * mdk_card_type_design_terms_equal:
 * @a: a design
 * @b: another
 *
 * Returns: whether @a and @b have the same terms and discounts by
 *   category: a difference makes a new version
 */
gboolean
mdk_card_type_design_terms_equal (const MdkCardTypeDesign *a,
                                  const MdkCardTypeDesign *b)
{
  return memcmp (a->terms, b->terms, sizeof a->terms) == 0
         && category_discounts_equal (a->category_discounts, b->category_discounts);
}

/**
 * mdk_tier_rule_equal:
 * @a: a rule
 * @b: another
 *
 * Returns: whether they are the same rule; two "no rule"s are, whatever
 *   their other fields
 */
gboolean
mdk_tier_rule_equal (const MdkTierRule *a,
                     const MdkTierRule *b)
{
  if (a->to_type_id == 0 || b->to_type_id == 0)
    return a->to_type_id == b->to_type_id;
  return a->to_type_id == b->to_type_id && a->points == b->points && a->threshold == b->threshold
         && a->period_months == b->period_months && a->grace_days == b->grace_days;
}

/**
 * mdk_card_type_design_identity_equal:
 * @a: a design
 * @b: another
 *
 * Returns: whether they have the same name, kind, region, number format
 *   and face: a difference is a change of mdk.edit_card_type()
 */
gboolean
mdk_card_type_design_identity_equal (const MdkCardTypeDesign *a,
                                     const MdkCardTypeDesign *b)
{
  return g_strcmp0 (a->name, b->name) == 0 && g_strcmp0 (a->kind, b->kind) == 0 && a->region_id == b->region_id
         && g_strcmp0 (a->number_prefix, b->number_prefix) == 0 && a->number_length == b->number_length
         && a->number_luhn == b->number_luhn && g_strcmp0 (a->face_start, b->face_start) == 0
         && g_strcmp0 (a->face_end, b->face_end) == 0
         && (a->face_logo == b->face_logo
             || (a->face_logo != NULL && b->face_logo != NULL && g_bytes_equal (a->face_logo, b->face_logo)));
}

/**
 * mdk_card_type_design_equal:
 * @a: a design
 * @b: another
 *
 * Returns: whether saving @b over @a would change nothing
 */
gboolean
mdk_card_type_design_equal (const MdkCardTypeDesign *a,
                            const MdkCardTypeDesign *b)
{
  return mdk_card_type_design_identity_equal (a, b) && mdk_card_type_design_terms_equal (a, b)
         && mdk_tier_rule_equal (&a->up, &b->up) && mdk_tier_rule_equal (&a->down, &b->down);
}

/* Loading */

static void
read_rule (const PGresult *result,
           int             row,
           int             column,
           MdkTierRule    *rule)
{
  if (PQgetisnull (result, row, column))
    return;
  rule->to_type_id = mdk_pg_get_int64 (result, row, column);
  rule->points = g_str_equal (PQgetvalue (result, row, column + 1), "points");
  rule->threshold = mdk_pg_get_int64 (result, row, column + 2);
  rule->period_months = (int) mdk_pg_get_int64 (result, row, column + 3);
  rule->grace_days = (int) mdk_pg_get_int64 (result, row, column + 4);
}

/**
 * mdk_card_type_designs_load:
 * @conn: a connection
 * @error: return location for a #GError
 *
 * Every card type, the ones sold first, each with its current terms,
 * rules and how many cards are in use.
 *
 * Returns: (transfer full) (element-type MdkCardTypeDesign): the types, or %NULL
 */
GPtrArray *
mdk_card_type_designs_load (PGconn  *conn,
                            GError **error)
{
  g_autoptr(GPtrArray) designs = g_ptr_array_new_with_free_func ((GDestroyNotify) mdk_card_type_design_free);
  g_autoptr(GString) sql = g_string_new ("SELECT t.id, t.code, t.name, t.kind::text, coalesce(t.region_id, 0), "
                                         "t.number_prefix, t.number_length, t.number_luhn::int, t.number_next, "
                                         "t.face_start, t.face_end, translate(encode(t.face_logo, 'base64'), E'\\n', ''), "
                                         "t.is_retired::int, t.version, "
                                         "coalesce((SELECT max(x.id) FROM mdk.card_type_changes x "
                                         "          WHERE x.card_type_id = t.id), 0), "
                                         "coalesce(n.in_use, 0), coalesce(n.older, 0), "
                                         "(SELECT string_agg(d.category || '=' || d.discount_bp, ',' ORDER BY d.category) "
                                         " FROM mdk.card_type_category_discounts d "
                                         " WHERE d.card_type_id = t.id AND d.version = t.version), "
                                         "u.to_type_id, u.measure, u.threshold, u.period_months, u.grace_days, "
                                         "w.to_type_id, w.measure, w.threshold, w.period_months, w.grace_days");
  g_autoptr(PGresult) result = NULL;
  const int first_term = 28;

  for (guint i = 0; i < MDK_CARD_TERM_N; i++)
    g_string_append_printf (sql, term_is_boolean (i) ? ", t.%s::int" : ", coalesce(t.%s, -1)", term_names[i]);
  g_string_append (sql, " FROM mdk.card_types t "
                        "LEFT JOIN (SELECT c.card_type_id, count(*) AS in_use, "
                        "                  count(*) FILTER (WHERE c.terms_version <> y.version) AS older "
                        "           FROM mdk.cards c JOIN mdk.card_types y ON y.id = c.card_type_id "
                        "           WHERE c.state IN ('active', 'lost', 'frozen') GROUP BY c.card_type_id) n "
                        "  ON n.card_type_id = t.id "
                        "LEFT JOIN mdk.card_tier_rules u ON u.from_type_id = t.id AND u.direction = 'up' "
                        "LEFT JOIN mdk.card_tier_rules w ON w.from_type_id = t.id AND w.direction = 'down' "
                        "ORDER BY t.is_retired, t.id");

  result = mdk_pg_exec (conn, sql->str, 0, NULL, error);
  if (result == NULL)
    return NULL;

  for (int row = 0; row < PQntuples (result); row++)
    {
      MdkCardTypeDesign *d = g_new0 (MdkCardTypeDesign, 1);

      d->id = mdk_pg_get_int64 (result, row, 0);
      d->code = mdk_pg_get_string (result, row, 1);
      d->name = mdk_pg_get_string (result, row, 2);
      d->kind = mdk_pg_get_string (result, row, 3);
      d->region_id = mdk_pg_get_int64 (result, row, 4);
      d->number_prefix = mdk_pg_get_string (result, row, 5);
      d->number_length = (int) mdk_pg_get_int64 (result, row, 6);
      d->number_luhn = mdk_pg_get_int64 (result, row, 7) != 0;
      d->number_next = mdk_pg_get_int64 (result, row, 8);
      d->face_start = mdk_pg_get_string (result, row, 9);
      d->face_end = PQgetisnull (result, row, 10) ? NULL : mdk_pg_get_string (result, row, 10);
      if (!PQgetisnull (result, row, 11))
        {
          gsize len = 0;
          guchar *logo = g_base64_decode (PQgetvalue (result, row, 11), &len);

          d->face_logo = g_bytes_new_take (logo, len);
        }
      d->is_retired = mdk_pg_get_int64 (result, row, 12) != 0;
      d->version = (int) mdk_pg_get_int64 (result, row, 13);
      d->last_change = mdk_pg_get_int64 (result, row, 14);
      d->n_cards = mdk_pg_get_int64 (result, row, 15);
      d->n_cards_older = mdk_pg_get_int64 (result, row, 16);
      d->category_discounts = category_discounts_new ();
      if (!PQgetisnull (result, row, 17))
        {
          g_auto(GStrv) pairs = g_strsplit (PQgetvalue (result, row, 17), ",", -1);

          for (guint i = 0; pairs[i] != NULL; i++)
            {
              const char *equals = strchr (pairs[i], '=');
              MdkCategoryDiscount c = { g_strndup (pairs[i], equals - pairs[i]), atoi (equals + 1) };

              g_array_append_val (d->category_discounts, c);
            }
        }
      read_rule (result, row, 18, &d->up);
      read_rule (result, row, 23, &d->down);
      for (guint i = 0; i < MDK_CARD_TERM_N; i++)
        d->terms[i] = mdk_pg_get_int64 (result, row, first_term + i);
      g_ptr_array_add (designs, d);
    }

  return g_steal_pointer (&designs);
}

/* Saving */

/* Fields as three parallel arrays: names, values (JSON literals, or the
 * text of a string), and whether each value is a string. */
typedef struct
{
  GPtrArray *names;
  GPtrArray *values;
  GPtrArray *strings;
} Fields;

static void
fields_init (Fields *fields)
{
  fields->names = g_ptr_array_new_with_free_func (g_free);
  fields->values = g_ptr_array_new_with_free_func (g_free);
  fields->strings = g_ptr_array_new_with_free_func (g_free);
}

static void
fields_clear (Fields *fields)
{
  g_ptr_array_unref (fields->names);
  g_ptr_array_unref (fields->values);
  g_ptr_array_unref (fields->strings);
}

static void
fields_add (Fields     *fields,
            const char *name,
            char       *value,
            gboolean    string)
{
  g_ptr_array_add (fields->names, g_strdup (name));
  g_ptr_array_add (fields->values, value != NULL ? value : g_strdup ("null"));
  g_ptr_array_add (fields->strings, g_strdup (value != NULL && string ? "t" : "f"));
}

static void
fields_add_int (Fields     *fields,
                const char *name,
                gint64      value)
{
  fields_add (fields, name, g_strdup_printf ("%" G_GINT64_FORMAT, value), FALSE);
}

static void
fields_add_string (Fields     *fields,
                   const char *name,
                   const char *value)
{
  fields_add (fields, name, g_strdup (value), TRUE);
}

/* The identity fields of @after that differ from @before (all, without). */
static void
identity_fields (const MdkCardTypeDesign *before,
                 const MdkCardTypeDesign *after,
                 Fields                  *fields)
{
  if (before == NULL || g_strcmp0 (before->name, after->name) != 0)
    fields_add_string (fields, "name", after->name);
  if (before == NULL || g_strcmp0 (before->kind, after->kind) != 0)
    fields_add_string (fields, "kind", after->kind);
  if (before == NULL || before->region_id != after->region_id)
    fields_add (fields, "region_id", after->region_id > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, after->region_id) : NULL,
                FALSE);
  if (before == NULL || g_strcmp0 (before->number_prefix, after->number_prefix) != 0)
    fields_add_string (fields, "number_prefix", after->number_prefix);
  if (before == NULL || before->number_length != after->number_length)
    fields_add_int (fields, "number_length", after->number_length);
  if (before == NULL || before->number_luhn != after->number_luhn)
    fields_add (fields, "number_luhn", g_strdup (after->number_luhn ? "true" : "false"), FALSE);
  if (before == NULL || g_strcmp0 (before->face_start, after->face_start) != 0)
    fields_add_string (fields, "face_start", after->face_start);
  if (before == NULL || g_strcmp0 (before->face_end, after->face_end) != 0)
    fields_add_string (fields, "face_end", after->face_end);
  if (before == NULL ? after->face_logo != NULL
                     : !(before->face_logo == after->face_logo
                         || (before->face_logo != NULL && after->face_logo != NULL
                             && g_bytes_equal (before->face_logo, after->face_logo))))
    fields_add (fields, "face_logo",
                after->face_logo ? g_base64_encode (g_bytes_get_data (after->face_logo, NULL),
                                                    g_bytes_get_size (after->face_logo))
                                 : NULL,
                after->face_logo != NULL);
}

static void
term_fields (const MdkCardTypeDesign *before,
             const MdkCardTypeDesign *after,
             Fields                  *fields)
{
  for (guint i = 0; i < MDK_CARD_TERM_N; i++)
    {
      gint64 value = after->terms[i];

      if (before != NULL && before->terms[i] == value)
        continue;
      if (term_is_boolean (i))
        fields_add (fields, term_names[i], g_strdup (value ? "true" : "false"), FALSE);
      else if (i == MDK_CARD_TERM_VALIDITY_MONTHS && value <= 0)
        fields_add (fields, term_names[i], NULL, FALSE);
      else
        fields_add_int (fields, term_names[i], value);
    }
}

static char *
array_param (GPtrArray *items)
{
  g_ptr_array_add (items, NULL);
  {
    char *literal = mdk_pg_text_array ((const char * const *) items->pdata);

    g_ptr_array_remove_index (items, items->len - 1);
    return literal;
  }
}

/* The SQL of a jsonb of fields, from parameters $n (names), $n+1 (values),
 * $n+2 (strings), and with $n+3 ("t" to add them) "category_discounts"
 * from $n+4 (categories) and $n+5 (basis points). */
static char *
fields_sql (int n)
{
  return g_strdup_printf ("((SELECT coalesce(jsonb_object_agg(u.n, CASE WHEN u.s THEN to_jsonb(u.v) ELSE u.v::jsonb END), '{}') "
                          "  FROM unnest($%d::text[], $%d::text[], $%d::boolean[]) AS u (n, v, s)) "
                          " || CASE WHEN $%d::boolean THEN jsonb_build_object('category_discounts', "
                          "      (SELECT coalesce(jsonb_object_agg(x.c, x.b), '{}') "
                          "       FROM unnest($%d::text[], $%d::integer[]) AS x (c, b))) ELSE '{}' END)",
                          n, n + 1, n + 2, n + 3, n + 4, n + 5);
}

/* The parameters fields_sql() reads, appended to @params. */
static void
fields_params (Fields                  *fields,
               const MdkCardTypeDesign *after,
               gboolean                 with_discounts,
               GPtrArray               *params)
{
  g_autoptr(GPtrArray) categories = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rates = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < after->category_discounts->len; i++)
    {
      const MdkCategoryDiscount *d = &g_array_index (after->category_discounts, MdkCategoryDiscount, i);

      g_ptr_array_add (categories, g_strdup (d->category));
      g_ptr_array_add (rates, g_strdup_printf ("%d", d->discount_bp));
    }
  g_ptr_array_add (params, array_param (fields->names));
  g_ptr_array_add (params, array_param (fields->values));
  g_ptr_array_add (params, array_param (fields->strings));
  g_ptr_array_add (params, g_strdup (with_discounts ? "t" : "f"));
  g_ptr_array_add (params, array_param (categories));
  g_ptr_array_add (params, array_param (rates));
}

static gboolean
save_rules (PGconn                  *conn,
            gint64                   id,
            const MdkCardTypeDesign *after,
            const char              *reason,
            GError                 **error)
{
  g_autoptr(GPtrArray) directions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) measures = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) thresholds = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) months = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) graces = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  const MdkTierRule *rules[] = { &after->up, &after->down };

  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      if (rules[i]->to_type_id == 0)
        continue;
      g_ptr_array_add (directions, g_strdup (i == 0 ? "up" : "down"));
      g_ptr_array_add (types, g_strdup_printf ("%" G_GINT64_FORMAT, rules[i]->to_type_id));
      g_ptr_array_add (measures, g_strdup (rules[i]->points ? "points" : "spend"));
      g_ptr_array_add (thresholds, g_strdup_printf ("%" G_GINT64_FORMAT, rules[i]->threshold));
      g_ptr_array_add (months, g_strdup_printf ("%d", rules[i]->period_months));
      g_ptr_array_add (graces, g_strdup_printf ("%d", i == 0 ? 0 : rules[i]->grace_days));
    }
  g_ptr_array_add (params, g_strdup_printf ("%" G_GINT64_FORMAT, id));
  g_ptr_array_add (params, array_param (directions));
  g_ptr_array_add (params, array_param (types));
  g_ptr_array_add (params, array_param (measures));
  g_ptr_array_add (params, array_param (thresholds));
  g_ptr_array_add (params, array_param (months));
  g_ptr_array_add (params, array_param (graces));
  g_ptr_array_add (params, g_strdup (reason));

  return mdk_pg_exec_command (conn,
                              "SELECT mdk.set_card_tier_rules($1, "
                              "  (SELECT coalesce(jsonb_agg(jsonb_build_object('direction', u.d, 'to_type', u.t, "
                              "                   'measure', u.m, 'threshold', u.th, 'period_months', u.pm, "
                              "                   'grace_days', u.g)), '[]') "
                              "   FROM unnest($2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::integer[], "
                              "               $7::integer[]) AS u (d, t, m, th, pm, g)), $8)",
                              (int) params->len, (const char * const *) params->pdata, error);
}

/**
 * mdk_card_type_save:
 * @conn: a connection, in a transaction
 * @before: (nullable): the type as it was loaded, %NULL for a new one
 * @after: the type as head office wants it
 * @reason: why, recorded with each change
 * @error: return location for a #GError
 *
 * Creates the type, or changes what differs: its identity and face
 * (mdk.edit_card_type()), its terms and discounts by category, as a new
 * version (mdk.change_card_terms()), its tier rules. A type someone
 * changed since @before was loaded is refused
 * (%MDK_DATABASE_ERROR_SERIALIZATION_FAILURE), nothing saved.
 *
 * Returns: the type's id, or 0
 */
gint64
mdk_card_type_save (PGconn                  *conn,
                    const MdkCardTypeDesign *before,
                    const MdkCardTypeDesign *after,
                    const char              *reason,
                    GError                 **error)
{
  gint64 id = before != NULL ? before->id : 0;
  gboolean terms_changed = before == NULL || !mdk_card_type_design_terms_equal (before, after);
  gboolean discounts_changed = before == NULL
                               || !category_discounts_equal (before->category_discounts, after->category_discounts);

  g_return_val_if_fail (reason != NULL, 0);

  if (before != NULL)
    {
      g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      const char *params[] = { id_text };
      g_autoptr(PGresult) now = mdk_pg_exec (conn,
                                             "SELECT t.version, coalesce((SELECT max(x.id) FROM mdk.card_type_changes x "
                                             "                            WHERE x.card_type_id = t.id), 0) "
                                             "FROM mdk.card_types t WHERE t.id = $1 FOR UPDATE",
                                             1, params, error);

      if (now == NULL)
        return 0;
      if (PQntuples (now) != 1 || mdk_pg_get_int64 (now, 0, 0) != before->version
          || mdk_pg_get_int64 (now, 0, 1) != before->last_change)
        {
          g_set_error_literal (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_SERIALIZATION_FAILURE,
                               _("Someone changed this card type since it was opened. Reload it and make the changes again."));
          return 0;
        }
    }

  if (before == NULL)
    {
      Fields fields;
      g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *sql = NULL;
      g_autofree char *json = fields_sql (3);
      g_autoptr(PGresult) created = NULL;

      fields_init (&fields);
      identity_fields (NULL, after, &fields);
      term_fields (NULL, after, &fields);
      g_ptr_array_add (params, g_strdup (after->code));
      g_ptr_array_add (params, g_strdup (reason));
      fields_params (&fields, after, TRUE, params);
      fields_clear (&fields);
      sql = g_strdup_printf ("SELECT mdk.create_card_type($1, %s, $2)", json);
      created = mdk_pg_exec (conn, sql, (int) params->len, (const char * const *) params->pdata, error);
      if (created == NULL)
        return 0;
      id = mdk_pg_get_int64 (created, 0, 0);
    }
  else
    {
      Fields identity;
      gboolean ok = TRUE;

      fields_init (&identity);
      identity_fields (before, after, &identity);
      if (identity.names->len > 0)
        {
          g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
          g_autofree char *json = fields_sql (3);
          g_autofree char *sql = g_strdup_printf ("SELECT mdk.edit_card_type($1, %s, $2)", json);

          g_ptr_array_add (params, g_strdup_printf ("%" G_GINT64_FORMAT, id));
          g_ptr_array_add (params, g_strdup (reason));
          fields_params (&identity, after, FALSE, params);
          ok = mdk_pg_exec_command (conn, sql, (int) params->len, (const char * const *) params->pdata, error);
        }
      fields_clear (&identity);
      if (!ok)
        return 0;

      if (terms_changed)
        {
          Fields terms;
          g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
          g_autofree char *json = fields_sql (3);
          g_autofree char *sql = g_strdup_printf ("SELECT mdk.change_card_terms($1, %s, $2)", json);

          fields_init (&terms);
          term_fields (before, after, &terms);
          g_ptr_array_add (params, g_strdup_printf ("%" G_GINT64_FORMAT, id));
          g_ptr_array_add (params, g_strdup (reason));
          fields_params (&terms, after, discounts_changed, params);
          fields_clear (&terms);
          if (!mdk_pg_exec_command (conn, sql, (int) params->len, (const char * const *) params->pdata, error))
            return 0;
        }
    }

  if ((before == NULL && (after->up.to_type_id != 0 || after->down.to_type_id != 0))
      || (before != NULL && (!mdk_tier_rule_equal (&before->up, &after->up) || !mdk_tier_rule_equal (&before->down, &after->down))))
    {
      if (!save_rules (conn, id, after, reason, error))
        return 0;
    }

  return id;
}

/**
 * mdk_card_type_retire:
 * @conn: a connection
 * @id: a card type
 * @retired: %TRUE to stop selling it, %FALSE to sell it again
 * @reason: why
 * @error: return location for a #GError
 *
 * Returns: %TRUE when done
 */
gboolean
mdk_card_type_retire (PGconn      *conn,
                      gint64       id,
                      gboolean     retired,
                      const char  *reason,
                      GError     **error)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { id_text, retired ? "t" : "f", reason };

  return mdk_pg_exec_command (conn, "SELECT mdk.retire_card_type($1, $2, $3)", 3, params, error);
}

/**
 * mdk_card_type_move_cards:
 * @conn: a connection
 * @id: a card type
 * @reason: why
 * @error: return location for a #GError
 *
 * Moves the type's cards sold under older terms to the current ones.
 *
 * Returns: how many moved, or -1
 */
gint64
mdk_card_type_move_cards (PGconn      *conn,
                          gint64       id,
                          const char  *reason,
                          GError     **error)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { id_text, reason };
  g_autoptr(PGresult) result = mdk_pg_exec (conn, "SELECT mdk.move_cards_to_current_terms($1, $2)", 2, params, error);

  return result != NULL ? mdk_pg_get_int64 (result, 0, 0) : -1;
}

static void
change_free (MdkCardTypeChange *change)
{
  g_free (change->created_at);
  g_free (change->operator);
  g_free (change->change);
  g_free (change->detail);
  g_free (change->reason);
  g_free (change);
}

/**
 * mdk_card_type_changes_load:
 * @conn: a connection
 * @id: a card type
 * @error: return location for a #GError
 *
 * The type's history, newest first: its changes and its versions of terms.
 *
 * Returns: (transfer full) (element-type MdkCardTypeChange): the changes, or %NULL
 */
GPtrArray *
mdk_card_type_changes_load (PGconn  *conn,
                            gint64   id,
                            GError **error)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { id_text };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);

  result = mdk_pg_exec (conn,
                        "SELECT to_char(h.at, 'YYYY-MM-DD HH24:MI'), o.name, h.change, h.detail, h.reason "
                        "FROM (SELECT x.created_at AS at, x.id AS n, x.operator_id, x.change::text AS change, "
                        "             CASE WHEN x.change = 'edited' THEN "
                        "               (SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys(x.details) k) END AS detail, "
                        "             x.reason "
                        "      FROM mdk.card_type_changes x WHERE x.card_type_id = $1 "
                        "      UNION ALL "
                        "      SELECT v.created_at, 0, v.operator_id, 'terms', v.version::text, v.reason "
                        "      FROM mdk.card_type_versions v WHERE v.card_type_id = $1 "
                        "        AND (v.version > 1 OR NOT EXISTS (SELECT 1 FROM mdk.card_type_changes x "
                        "                                          WHERE x.card_type_id = $1 AND x.change = 'created'))) h "
                        "LEFT JOIN mdk.operators o ON o.id = h.operator_id "
                        "ORDER BY h.at DESC, h.n DESC LIMIT 100",
                        1, params, error);
  if (result == NULL)
    return NULL;

  for (int row = 0; row < PQntuples (result); row++)
    {
      MdkCardTypeChange *change = g_new0 (MdkCardTypeChange, 1);

      change->created_at = mdk_pg_get_string (result, row, 0);
      change->operator = PQgetisnull (result, row, 1) ? NULL : mdk_pg_get_string (result, row, 1);
      change->change = mdk_pg_get_string (result, row, 2);
      change->detail = PQgetisnull (result, row, 3) ? NULL : mdk_pg_get_string (result, row, 3);
      change->reason = PQgetisnull (result, row, 4) ? NULL : mdk_pg_get_string (result, row, 4);
      g_ptr_array_add (changes, change);
    }
  return g_steal_pointer (&changes);
}
