/* mdk-custom-field.c: the custom member fields head office defines
 *
 * A field is text, a number, a date or one of a list of choices. Values
 * live in members.custom under the field's key; the database checks them
 * too (mdk.member_custom_problem), for writers other than this one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "mdk-custom-field.h"
#include "mdk-member-validate.h"

#define MAX_TEXT_CHARS 200
#define MAX_NUMBER_DIGITS 15

struct _MdkCustomField
{
  GObject   parent_instance;
  gint64    id;
  char     *key;
  char     *label;
  char     *kind;
  char    **choices;
};

G_DEFINE_FINAL_TYPE (MdkCustomField, mdk_custom_field, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_KEY,
  PROP_LABEL,
  PROP_KIND,
  PROP_DESCRIPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
describe (MdkCustomField *self)
{
  g_autofree char *choices = NULL;

  if (self->choices == NULL)
    return g_strdup (mdk_custom_field_kind_label (self->kind));

  /* Translators: what separates a choice field's choices in a list */
  choices = g_strjoinv (_(", "), self->choices);
  /* Translators: a field's kind and its choices, e.g. "Choice: gold, silver" */
  return g_strdup_printf (_("%s: %s"), mdk_custom_field_kind_label (self->kind), choices);
}

static void
mdk_custom_field_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MdkCustomField *self = MDK_CUSTOM_FIELD (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;
    case PROP_DESCRIPTION:
      g_value_take_string (value, describe (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mdk_custom_field_finalize (GObject *object)
{
  MdkCustomField *self = MDK_CUSTOM_FIELD (object);

  g_free (self->key);
  g_free (self->label);
  g_free (self->kind);
  g_strfreev (self->choices);

  G_OBJECT_CLASS (mdk_custom_field_parent_class)->finalize (object);
}

static void
mdk_custom_field_class_init (MdkCustomFieldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mdk_custom_field_get_property;
  object_class->finalize = mdk_custom_field_finalize;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEY] = g_param_spec_string ("key", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* What a list of fields shows under the label: the kind and the choices. */
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL,
                                                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mdk_custom_field_init (MdkCustomField *self)
{
}

/**
 * mdk_custom_field_new:
 * @id: the field's number
 * @key: its key in members.custom
 * @label: what people read
 * @kind: "text", "number", "date" or "choice"
 * @choices: (nullable) (array zero-terminated=1): a choice field's choices
 *
 * Returns: (transfer full): a new field
 */
MdkCustomField *
mdk_custom_field_new (gint64              id,
                      const char         *key,
                      const char         *label,
                      const char         *kind,
                      const char * const *choices)
{
  MdkCustomField *self = g_object_new (MDK_TYPE_CUSTOM_FIELD, NULL);

  self->id = id;
  self->key = g_strdup (key);
  self->label = g_strdup (label);
  self->kind = g_strdup (kind);
  self->choices = g_strdupv ((char **) choices);

  return self;
}

gint64
mdk_custom_field_get_id (MdkCustomField *self)
{
  g_return_val_if_fail (MDK_IS_CUSTOM_FIELD (self), 0);

  return self->id;
}

const char *
mdk_custom_field_get_key (MdkCustomField *self)
{
  g_return_val_if_fail (MDK_IS_CUSTOM_FIELD (self), NULL);

  return self->key;
}

const char *
mdk_custom_field_get_label (MdkCustomField *self)
{
  g_return_val_if_fail (MDK_IS_CUSTOM_FIELD (self), NULL);

  return self->label;
}

const char *
mdk_custom_field_get_kind (MdkCustomField *self)
{
  g_return_val_if_fail (MDK_IS_CUSTOM_FIELD (self), NULL);

  return self->kind;
}

/**
 * mdk_custom_field_get_choices:
 * @self: a #MdkCustomField
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): a choice
 *   field's choices
 */
const char * const *
mdk_custom_field_get_choices (MdkCustomField *self)
{
  g_return_val_if_fail (MDK_IS_CUSTOM_FIELD (self), NULL);

  return (const char * const *) self->choices;
}

/**
 * mdk_custom_field_kind_label:
 * @kind: "text", "number", "date" or "choice"
 *
 * Returns: the kind in the person's language
 */
const char *
mdk_custom_field_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "number") == 0)
    return C_("field kind", "Number");
  if (g_strcmp0 (kind, "date") == 0)
    return C_("field kind", "Date");
  if (g_strcmp0 (kind, "choice") == 0)
    return C_("field kind", "Choice");
  return C_("field kind", "Text");
}

static gboolean
is_decimal (const char *text)
{
  guint digits = 0;
  gboolean point = FALSE;

  if (*text == '-')
    text++;
  for (; *text != '\0'; text++)
    {
      if (*text == '.' && !point && digits > 0 && text[1] != '\0')
        point = TRUE;
      else if (g_ascii_isdigit (*text))
        digits++;
      else
        return FALSE;
    }

  return digits > 0 && digits <= MAX_NUMBER_DIGITS;
}

static gboolean
set_value_error (MdkCustomField  *self,
                 GError         **error,
                 const char      *problem)
{
  /* Translators: a custom field's label, then what is wrong with its value */
  g_set_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_CUSTOM, _("%s: %s"), self->label, problem);
  return FALSE;
}

/**
 * mdk_custom_field_normalize_value:
 * @self: a #MdkCustomField
 * @text: (nullable): a value as typed
 * @normalized: (out) (transfer full) (optional): the value as kept, %NULL for blank
 * @error: return location for a #GError in %MDK_MEMBER_ERROR
 *
 * Returns: %TRUE when @text is blank or a value of the field's kind
 */
gboolean
mdk_custom_field_normalize_value (MdkCustomField  *self,
                                  const char      *text,
                                  char           **normalized,
                                  GError         **error)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (MDK_IS_CUSTOM_FIELD (self), FALSE);

  if (normalized != NULL)
    *normalized = NULL;
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return text == NULL;

  value = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  g_strstrip (value);
  if (*value == '\0')
    return TRUE;

  if (g_str_equal (self->kind, "number"))
    {
      char *out = value;

      /* Thousands separators and spaces are how people write numbers. */
      for (const char *in = value; *in != '\0'; in++)
        if (*in != ',' && *in != ' ')
          *out++ = *in;
      *out = '\0';
      if (!is_decimal (value))
        return set_value_error (self, error, _("enter a number, such as 12 or 3.5."));
    }
  else if (g_str_equal (self->kind, "date"))
    {
      GDate date;

      if (!mdk_member_parse_date (value, &date))
        return set_value_error (self, error, _("enter a date with the year first, such as 2024-05-17."));
      g_free (value);
      value = g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&date), g_date_get_month (&date),
                               g_date_get_day (&date));
    }
  else if (g_str_equal (self->kind, "choice"))
    {
      if (self->choices == NULL || !g_strv_contains ((const char * const *) self->choices, value))
        return set_value_error (self, error, _("choose one of the listed values."));
    }
  else
    {
      for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
        if (g_unichar_iscntrl (g_utf8_get_char (p)))
          return set_value_error (self, error, _("remove the control characters."));
      if (g_utf8_strlen (value, -1) > MAX_TEXT_CHARS)
        return set_value_error (self, error, _("at most 200 characters."));
    }

  if (normalized != NULL)
    *normalized = g_steal_pointer (&value);
  return TRUE;
}

/**
 * mdk_custom_fields_load:
 * @conn: a connection
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the fields in use, in the order forms show them,
 *   or %NULL
 */
GListModel *
mdk_custom_fields_load (PGconn  *conn,
                        GError **error)
{
  g_autoptr(PGresult) result = mdk_pg_exec (conn,
                                            "SELECT id, key, label, kind::text, array_to_string(choices, E'\\x1f') "
                                            "FROM mdk.member_fields WHERE NOT is_retired ORDER BY position, id",
                                            0, NULL, error);
  GListStore *fields;

  if (result == NULL)
    return NULL;

  fields = g_list_store_new (MDK_TYPE_CUSTOM_FIELD);
  for (int row = 0; row < PQntuples (result); row++)
    {
      g_auto(GStrv) choices = PQgetisnull (result, row, 4) ? NULL : g_strsplit (PQgetvalue (result, row, 4), "\x1f", -1);
      g_autoptr(MdkCustomField) field = mdk_custom_field_new (mdk_pg_get_int64 (result, row, 0),
                                                              PQgetvalue (result, row, 1),
                                                              PQgetvalue (result, row, 2),
                                                              PQgetvalue (result, row, 3),
                                                              (const char * const *) choices);

      g_list_store_append (fields, field);
    }

  return G_LIST_MODEL (fields);
}

/**
 * mdk_custom_fields_add:
 * @conn: a connection
 * @label: what people read
 * @kind: "text", "number", "date" or "choice"
 * @choices: (nullable) (array zero-terminated=1): for a choice field, its choices
 * @error: return location for a #GError
 *
 * Adds a field after the others. Blank choices are dropped; a choice
 * field needs at least one.
 *
 * Returns: the new field's number, or 0 with @error set
 */
gint64
mdk_custom_fields_add (PGconn              *conn,
                       const char          *label,
                       const char          *kind,
                       const char * const  *choices,
                       GError             **error)
{
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = NULL;
  g_autofree char *array = NULL;
  g_autoptr(PGresult) result = NULL;
  const char *params[3];

  g_return_val_if_fail (conn != NULL, 0);
  g_return_val_if_fail (kind != NULL, 0);

  name = g_strstrip (g_strdup (label != NULL ? label : ""));
  if (*name == '\0' || g_utf8_strlen (name, -1) > 40)
    {
      g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_CUSTOM,
                           _("A field needs a name of at most 40 characters."));
      return 0;
    }

  for (guint i = 0; choices != NULL && choices[i] != NULL; i++)
    {
      g_autofree char *choice = g_strstrip (g_strdup (choices[i]));

      if (*choice != '\0' && !g_ptr_array_find_with_equal_func (kept, choice, g_str_equal, NULL))
        g_ptr_array_add (kept, g_steal_pointer (&choice));
    }
  if (g_str_equal (kind, "choice") && kept->len == 0)
    {
      g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_CUSTOM,
                           _("A choice field needs its choices, separated by commas."));
      return 0;
    }
  g_ptr_array_add (kept, NULL);

  array = g_str_equal (kind, "choice") ? mdk_pg_text_array ((const char * const *) kept->pdata) : NULL;
  params[0] = name;
  params[1] = kind;
  params[2] = array;
  result = mdk_pg_exec (conn,
                        "INSERT INTO mdk.member_fields (label, kind, choices, position) "
                        "SELECT $1, $2::mdk.member_field_kind, $3::text[], coalesce(max(position), 0) + 1 "
                        "FROM mdk.member_fields RETURNING id",
                        3, params, error);
  if (result == NULL)
    {
      if (error != NULL && g_error_matches (*error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_UNIQUE_VIOLATION))
        {
          g_clear_error (error);
          g_set_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_CUSTOM,
                       _("There is already a field named “%s”."), name);
        }
      return 0;
    }

  return mdk_pg_get_int64 (result, 0, 0);
}

/**
 * mdk_custom_fields_retire:
 * @conn: a connection
 * @field_id: a field's number
 * @error: return location for a #GError
 *
 * Takes a field out of forms, filters and exports. Members keep their
 * values, so nothing recorded is lost.
 *
 * Returns: %TRUE on success
 */
gboolean
mdk_custom_fields_retire (PGconn  *conn,
                          gint64   field_id,
                          GError **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, field_id);
  const char *params[] = { id };

  g_return_val_if_fail (conn != NULL, FALSE);

  return mdk_pg_exec_command (conn, "UPDATE mdk.member_fields SET is_retired = true WHERE id = $1",
                              1, params, error);
}

/**
 * mdk_member_groups_add:
 * @conn: a connection
 * @name: the group's name
 * @error: return location for a #GError
 *
 * Returns: the new group's number, or 0 with @error set
 */
gint64
mdk_member_groups_add (PGconn      *conn,
                       const char  *name,
                       GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (name != NULL ? name : ""));
  const char *params[] = { trimmed };
  g_autoptr(PGresult) result = NULL;

  g_return_val_if_fail (conn != NULL, 0);

  if (*trimmed == '\0' || g_utf8_strlen (trimmed, -1) > 60)
    {
      g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_GROUP,
                           _("A group needs a name of at most 60 characters."));
      return 0;
    }

  result = mdk_pg_exec (conn, "INSERT INTO mdk.member_groups (name) VALUES ($1) RETURNING id", 1, params, error);
  if (result == NULL)
    {
      if (error != NULL && g_error_matches (*error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_UNIQUE_VIOLATION))
        {
          g_clear_error (error);
          g_set_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_GROUP,
                       _("There is already a group named “%s”."), trimmed);
        }
      return 0;
    }

  return mdk_pg_get_int64 (result, 0, 0);
}
