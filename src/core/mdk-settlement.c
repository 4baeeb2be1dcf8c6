/* mdk-settlement.c: what each store owes head office, or is owed, for the
 * stored value it collected and the stored value spent with it in a period
 * (mdk.settlement())
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-settlement.h"

struct _MdkSettlementLine
{
  GObject  parent_instance;

  gint64   store_id;
  char    *store_name;
  char    *region_name;
  gint64   collected;
  gint64   spent;
  gint64   owes;
};

G_DEFINE_FINAL_TYPE (MdkSettlementLine, mdk_settlement_line, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE_NAME,
  PROP_REGION_NAME,
  PROP_COLLECTED,
  PROP_SPENT,
  PROP_OWES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mdk_settlement_line_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  MdkSettlementLine *self = MDK_SETTLEMENT_LINE (object);

  switch (prop_id)
    {
    case PROP_STORE_NAME:
      g_value_set_string (value, self->store_name);
      break;
    case PROP_REGION_NAME:
      g_value_set_string (value, self->region_name);
      break;
    case PROP_COLLECTED:
      g_value_set_int64 (value, self->collected);
      break;
    case PROP_SPENT:
      g_value_set_int64 (value, self->spent);
      break;
    case PROP_OWES:
      g_value_set_int64 (value, self->owes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mdk_settlement_line_finalize (GObject *object)
{
  MdkSettlementLine *self = MDK_SETTLEMENT_LINE (object);

  g_free (self->store_name);
  g_free (self->region_name);

  G_OBJECT_CLASS (mdk_settlement_line_parent_class)->finalize (object);
}

static void
mdk_settlement_line_class_init (MdkSettlementLineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mdk_settlement_line_get_property;
  object_class->finalize = mdk_settlement_line_finalize;

  properties[PROP_STORE_NAME] = g_param_spec_string ("store-name", NULL, NULL, NULL,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REGION_NAME] = g_param_spec_string ("region-name", NULL, NULL, NULL,
                                                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLLECTED] = g_param_spec_int64 ("collected", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPENT] = g_param_spec_int64 ("spent", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_OWES] = g_param_spec_int64 ("owes", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mdk_settlement_line_init (MdkSettlementLine *self)
{
}

gint64
mdk_settlement_line_get_store_id (MdkSettlementLine *self)
{
  g_return_val_if_fail (MDK_IS_SETTLEMENT_LINE (self), 0);
  return self->store_id;
}

const char *
mdk_settlement_line_get_store_name (MdkSettlementLine *self)
{
  g_return_val_if_fail (MDK_IS_SETTLEMENT_LINE (self), NULL);
  return self->store_name;
}

const char *
mdk_settlement_line_get_region_name (MdkSettlementLine *self)
{
  g_return_val_if_fail (MDK_IS_SETTLEMENT_LINE (self), NULL);
  return self->region_name;
}

gint64
mdk_settlement_line_get_collected (MdkSettlementLine *self)
{
  g_return_val_if_fail (MDK_IS_SETTLEMENT_LINE (self), 0);
  return self->collected;
}

gint64
mdk_settlement_line_get_spent (MdkSettlementLine *self)
{
  g_return_val_if_fail (MDK_IS_SETTLEMENT_LINE (self), 0);
  return self->spent;
}

gint64
mdk_settlement_line_get_owes (MdkSettlementLine *self)
{
  g_return_val_if_fail (MDK_IS_SETTLEMENT_LINE (self), 0);
  return self->owes;
}

/**
 * mdk_settlement_load:
 * @conn: a connection
 * @from: the first day, YYYY-MM-DD
 * @to: the last day, YYYY-MM-DD
 * @region_id: a region, or 0 for all
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a #MdkSettlementLine for each store with
 *   stored value collected or spent in the period, by region and store
 *   code; or %NULL
 */
GListModel *
mdk_settlement_load (PGconn      *conn,
                     const char  *from,
                     const char  *to,
                     gint64       region_id,
                     GError     **error)
{
  g_autofree char *region = g_strdup_printf ("%" G_GINT64_FORMAT, region_id);
  const char *params[] = { from, to, region };
  g_autoptr(PGresult) result = NULL;
  GListStore *lines;

  result = mdk_pg_exec (conn,
    "SELECT s.id, s.name, r.name, x.collected, x.spent, x.owes "
    "FROM mdk.settlement($1::date, $2::date + 1) x "
    "JOIN mdk.stores s ON s.id = x.store_id JOIN mdk.regions r ON r.id = s.region_id "
    "WHERE $3::bigint = 0 OR s.region_id = $3::bigint "
    "ORDER BY r.code, s.code", 3, params, error);
  if (result == NULL)
    return NULL;

  lines = g_list_store_new (MDK_TYPE_SETTLEMENT_LINE);
  for (int row = 0; row < PQntuples (result); row++)
    {
      g_autoptr(MdkSettlementLine) line = g_object_new (MDK_TYPE_SETTLEMENT_LINE, NULL);

      line->store_id = mdk_pg_get_int64 (result, row, 0);
      line->store_name = mdk_pg_get_string (result, row, 1);
      line->region_name = mdk_pg_get_string (result, row, 2);
      line->collected = mdk_pg_get_int64 (result, row, 3);
      line->spent = mdk_pg_get_int64 (result, row, 4);
      line->owes = mdk_pg_get_int64 (result, row, 5);
      g_list_store_append (lines, line);
    }
  return G_LIST_MODEL (lines);
}

typedef struct
{
  char   *from;
  char   *to;
  gint64  region_id;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->from);
  g_free (data->to);
  g_free (data);
}

static gpointer
load_work (PGconn        *conn,
           gpointer       work_data,
           GCancellable  *cancellable,
           GError       **error)
{
  LoadData *data = work_data;

  return mdk_settlement_load (conn, data->from, data->to, data->region_id, error);
}

void
mdk_settlement_load_async (MdkDatabase         *database,
                           const char          *from,
                           const char          *to,
                           gint64               region_id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  LoadData *data = g_new0 (LoadData, 1);

  data->from = g_strdup (from);
  data->to = g_strdup (to);
  data->region_id = region_id;
  mdk_database_run_async (database, MDK_DATABASE_RUN_READ_ONLY, load_work, data, (GDestroyNotify) load_data_free,
                          g_object_unref, cancellable, callback, user_data);
}

GListModel *
mdk_settlement_load_finish (MdkDatabase   *database,
                            GAsyncResult  *result,
                            GError       **error)
{
  return mdk_database_run_finish (database, result, error);
}
