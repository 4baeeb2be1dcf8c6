/* mdk-choice.c: something to pick in a filter: an id and what people read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-choice.h"

struct _MdkChoice
{
  GObject  parent_instance;
  gint64   id;
  char    *label;
};

G_DEFINE_FINAL_TYPE (MdkChoice, mdk_choice, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mdk_choice_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  MdkChoice *self = MDK_CHOICE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mdk_choice_finalize (GObject *object)
{
  g_free (MDK_CHOICE (object)->label);

  G_OBJECT_CLASS (mdk_choice_parent_class)->finalize (object);
}

static void
mdk_choice_class_init (MdkChoiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mdk_choice_get_property;
  object_class->finalize = mdk_choice_finalize;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mdk_choice_init (MdkChoice *self)
{
}

/**
 * mdk_choice_new:
 * @id: the id, 0 for "any"
 * @label: what people read
 *
 * Returns: (transfer full): a new #MdkChoice
 */
MdkChoice *
mdk_choice_new (gint64      id,
                const char *label)
{
  MdkChoice *self = g_object_new (MDK_TYPE_CHOICE, NULL);

  self->id = id;
  self->label = g_strdup (label);
  return self;
}

gint64
mdk_choice_get_id (MdkChoice *self)
{
  g_return_val_if_fail (MDK_IS_CHOICE (self), 0);

  return self->id;
}

const char *
mdk_choice_get_label (MdkChoice *self)
{
  g_return_val_if_fail (MDK_IS_CHOICE (self), NULL);

  return self->label;
}

static GListModel *
load_choices (PGconn      *conn,
              const char  *sql,
              GError     **error)
{
  g_autoptr(PGresult) result = mdk_pg_exec (conn, sql, 0, NULL, error);
  GListStore *store;

  if (result == NULL)
    return NULL;

  store = g_list_store_new (MDK_TYPE_CHOICE);
  for (int row = 0; row < PQntuples (result); row++)
    {
      g_autoptr(MdkChoice) choice = mdk_choice_new (mdk_pg_get_int64 (result, row, 0), PQgetvalue (result, row, 1));

      g_list_store_append (store, choice);
    }

  return G_LIST_MODEL (store);
}

/**
 * mdk_choice_load_card_types:
 * @conn: a connection
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the card types in use, retired ones last, or %NULL
 */
GListModel *
mdk_choice_load_card_types (PGconn  *conn,
                            GError **error)
{
  return load_choices (conn, "SELECT id, name FROM mdk.card_types ORDER BY is_retired, id", error);
}

/**
 * mdk_choice_load_issuable_card_types:
 * @conn: a connection
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the card types that can be issued, in name
 *   order with affiliate cards last, each labelled with its joining fee
 *   when it has one, or %NULL
 */
GListModel *
mdk_choice_load_issuable_card_types (PGconn  *conn,
                                     GError **error)
{
  return load_choices (conn, "SELECT id, name || CASE WHEN joining_fee > 0 "
                             "THEN ' · ¥' || to_char(joining_fee / 100.0, 'FM999999999990.00') ELSE '' END "
                             "FROM mdk.card_types WHERE NOT is_retired "
                             "ORDER BY kind = 'affiliate', name COLLATE mdk.pinyin, id", error);
}

/**
 * mdk_choice_load_tier_card_types:
 * @conn: a connection
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the card types a card can be put in as its
 *   tier: not retired, not of the affiliate or group kind; in the order of
 *   the tiers' rules up (general, silver, gold, ...), then by name; or %NULL
 */
GListModel *
mdk_choice_load_tier_card_types (PGconn  *conn,
                                 GError **error)
{
  return load_choices (conn, "WITH RECURSIVE chain (id, depth) AS ("
                             "  SELECT t.id, 0 FROM mdk.card_types t "
                             "  WHERE NOT EXISTS (SELECT 1 FROM mdk.card_tier_rules r "
                             "                    WHERE r.to_type_id = t.id AND r.direction = 'up') "
                             "  UNION SELECT r.to_type_id, c.depth + 1 FROM chain c "
                             "  JOIN mdk.card_tier_rules r ON r.from_type_id = c.id AND r.direction = 'up' "
                             "  WHERE c.depth < 20) "
                             "SELECT t.id, t.name FROM mdk.card_types t "
                             "LEFT JOIN (SELECT id, max(depth) AS depth FROM chain GROUP BY id) c ON c.id = t.id "
                             "WHERE NOT t.is_retired AND t.kind NOT IN ('affiliate', 'group') "
                             "ORDER BY c.depth NULLS LAST, t.name COLLATE mdk.pinyin, t.id", error);
}

/**
 * mdk_choice_load_stores:
 * @conn: a connection
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the open stores by region and name, each
 *   labelled with its name and city, or %NULL
 */
GListModel *
mdk_choice_load_stores (PGconn  *conn,
                        GError **error)
{
  return load_choices (conn,
                       "SELECT s.id, s.name || ' · ' || s.city FROM mdk.stores s "
                       "JOIN mdk.regions r ON r.id = s.region_id "
                       "WHERE s.is_active ORDER BY r.code, s.code",
                       error);
}

/**
 * mdk_choice_load_groups:
 * @conn: a connection
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the member groups by name, or %NULL
 */
GListModel *
mdk_choice_load_groups (PGconn  *conn,
                        GError **error)
{
  return load_choices (conn, "SELECT id, name FROM mdk.member_groups ORDER BY name", error);
}

/**
 * mdk_choice_load_tags:
 * @conn: a connection
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the member tags by name, or %NULL
 */
GListModel *
mdk_choice_load_tags (PGconn  *conn,
                      GError **error)
{
  return load_choices (conn, "SELECT id, name FROM mdk.member_tags ORDER BY name", error);
}

/**
 * mdk_choice_load_regions:
 * @conn: a connection
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the regions by code, or %NULL
 */
GListModel *
mdk_choice_load_regions (PGconn  *conn,
                         GError **error)
{
  return load_choices (conn, "SELECT id, name FROM mdk.regions ORDER BY code", error);
}

/**
 * mdk_choice_load_operators:
 * @conn: a connection
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the operators by name, each labelled with
 *   their name and login, or %NULL
 */
GListModel *
mdk_choice_load_operators (PGconn  *conn,
                           GError **error)
{
  return load_choices (conn, "SELECT id, name || ' (' || login || ')' FROM mdk.operators ORDER BY name, login", error);
}
