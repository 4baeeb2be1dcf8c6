/* mdk-transaction.c: one transaction as the journal shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mdk-transaction.h"

struct _MdkTransaction
{
  GObject   parent_instance;

  gboolean  loaded;
  gint64    id;
  char     *fields[MDK_TRANSACTION_N_FIELDS];
};

G_DEFINE_FINAL_TYPE (MdkTransaction, mdk_transaction, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADED,
  PROP_ID,
  PROP_FIRST_FIELD,
  N_PROPS = PROP_FIRST_FIELD + MDK_TRANSACTION_N_FIELDS
};

static GParamSpec *properties[N_PROPS];

/* In the order of MdkTransactionField. */
static const char * const field_names[MDK_TRANSACTION_N_FIELDS] = {
  "time",
  "kind",
  "card-no",
  "member-name",
  "store-name",
  "region-name",
  "operator-name",
  "method",
  "amount",
  "reference",
  "reason",
  "original-id",
  "reversed-by",
};

static void
mdk_transaction_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  MdkTransaction *self = MDK_TRANSACTION (object);

  if (prop_id == PROP_LOADED)
    g_value_set_boolean (value, self->loaded);
  else if (prop_id == PROP_ID)
    g_value_set_int64 (value, self->id);
  else if (prop_id >= PROP_FIRST_FIELD && prop_id < N_PROPS)
    g_value_set_string (value, self->fields[prop_id - PROP_FIRST_FIELD]);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
mdk_transaction_finalize (GObject *object)
{
  MdkTransaction *self = MDK_TRANSACTION (object);

  for (guint i = 0; i < MDK_TRANSACTION_N_FIELDS; i++)
    g_free (self->fields[i]);

  G_OBJECT_CLASS (mdk_transaction_parent_class)->finalize (object);
}

static void
mdk_transaction_class_init (MdkTransactionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mdk_transaction_get_property;
  object_class->finalize = mdk_transaction_finalize;

  /**
   * MdkTransaction:loaded:
   *
   * %FALSE while the transaction is a placeholder for a row not fetched yet.
   */
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  for (guint i = 0; i < MDK_TRANSACTION_N_FIELDS; i++)
    properties[PROP_FIRST_FIELD + i] =
      g_param_spec_string (field_names[i], NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mdk_transaction_init (MdkTransaction *self)
{
}

/**
 * mdk_transaction_new_placeholder:
 *
 * Returns: (transfer full): an empty transaction, to be filled when its row arrives
 */
MdkTransaction *
mdk_transaction_new_placeholder (void)
{
  return g_object_new (MDK_TYPE_TRANSACTION, NULL);
}

static gboolean
set_field (char       **field,
           const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/**
 * mdk_transaction_fill:
 * @self: a #MdkTransaction
 * @id: the transaction number
 * @fields: (array fixed-size=MDK_TRANSACTION_N_FIELDS): values in #MdkTransactionField order, %NULL for none
 *
 * Fills a placeholder in place, so that lists showing it update.
 */
void
mdk_transaction_fill (MdkTransaction          *self,
                 gint64              id,
                 const char * const *fields)
{
  g_return_if_fail (MDK_IS_TRANSACTION (self));

  g_object_freeze_notify (G_OBJECT (self));
  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
  for (guint i = 0; i < MDK_TRANSACTION_N_FIELDS; i++)
    if (set_field (&self->fields[i], fields[i]))
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIRST_FIELD + i]);
  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
mdk_transaction_get_loaded (MdkTransaction *self)
{
  g_return_val_if_fail (MDK_IS_TRANSACTION (self), FALSE);

  return self->loaded;
}

gint64
mdk_transaction_get_id (MdkTransaction *self)
{
  g_return_val_if_fail (MDK_IS_TRANSACTION (self), 0);

  return self->id;
}

const char *
mdk_transaction_get_field (MdkTransaction      *self,
                      MdkTransactionField  field)
{
  g_return_val_if_fail (MDK_IS_TRANSACTION (self), NULL);
  g_return_val_if_fail (field < MDK_TRANSACTION_N_FIELDS, NULL);

  return self->fields[field];
}


/* The values of mdk.payment_method, in the order lists show them. */
const char * const mdk_payment_methods[] = {
  "cash", "bank_card", "prepaid_card", "telecom_card", "internet", "enterprise", NULL,
};

/**
 * mdk_payment_method_label:
 * @method: (nullable): a value of `mdk.payment_method`
 *
 * Returns: the method in the person's language
 */
const char *
mdk_payment_method_label (const char *method)
{
  if (g_strcmp0 (method, "cash") == 0)
    return _("Cash at a store terminal");
  if (g_strcmp0 (method, "bank_card") == 0)
    return _("Bank card");
  if (g_strcmp0 (method, "prepaid_card") == 0)
    return _("Prepaid card");
  if (g_strcmp0 (method, "telecom_card") == 0)
    return _("Telecom card");
  if (g_strcmp0 (method, "internet") == 0)
    return _("Internet self-service");
  if (g_strcmp0 (method, "enterprise") == 0)
    return _("Enterprise batch");
  return method;
}

/**
 * mdk_transaction_kind_label:
 * @kind: (nullable): a value of `mdk.transaction_kind`
 *
 * Returns: the kind in the person's language
 */
const char *
mdk_transaction_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "recharge") == 0)
    return _("Recharge");
  if (g_strcmp0 (kind, "consume") == 0)
    return _("Sale");
  if (g_strcmp0 (kind, "refund") == 0)
    return _("Refund");
  if (g_strcmp0 (kind, "reversal") == 0)
    return _("Reversal");
  return kind;
}

/**
 * mdk_account_kind_label:
 * @kind: (nullable): a value of `mdk.account_kind`
 *
 * Returns: the account in the person's language
 */
const char *
mdk_account_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "stored_value") == 0)
    return _("Stored value (paid)");
  if (g_strcmp0 (kind, "bonus") == 0)
    return _("Stored value (bonus)");
  if (g_strcmp0 (kind, "points") == 0)
    return _("Points");
  if (g_strcmp0 (kind, "clearing") == 0)
    return _("Money received");
  if (g_strcmp0 (kind, "revenue") == 0)
    return _("Sales");
  if (g_strcmp0 (kind, "promotion") == 0)
    return _("Promotions");
  if (g_strcmp0 (kind, "points_issued") == 0)
    return _("Points given");
  if (g_strcmp0 (kind, "fees") == 0)
    return _("Card fees");
  return kind;
}
