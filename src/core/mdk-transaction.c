/* mdk-transaction.c: one transaction as the journal shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mdk-transaction.h"

struct _MdkTransaction
{
  MdkRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (MdkTransaction, mdk_transaction, MDK_TYPE_RECORD)

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
mdk_transaction_class_init (MdkTransactionClass *klass)
{
  mdk_record_class_install_fields (MDK_RECORD_CLASS (klass), field_names, MDK_TRANSACTION_N_FIELDS);
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

/**
 * mdk_transaction_fill:
 * @self: a #MdkTransaction
 * @id: the transaction number
 * @fields: (array fixed-size=MDK_TRANSACTION_N_FIELDS): values in #MdkTransactionField order, %NULL for none
 *
 * Fills a placeholder in place, so that lists showing it update.
 */
void
mdk_transaction_fill (MdkTransaction     *self,
                      gint64              id,
                      const char * const *fields)
{
  mdk_record_fill (MDK_RECORD (self), id, fields);
}

gboolean
mdk_transaction_get_loaded (MdkTransaction *self)
{
  return mdk_record_get_loaded (MDK_RECORD (self));
}

gint64
mdk_transaction_get_id (MdkTransaction *self)
{
  return mdk_record_get_id (MDK_RECORD (self));
}

const char *
mdk_transaction_get_field (MdkTransaction      *self,
                           MdkTransactionField  field)
{
  return mdk_record_get_field (MDK_RECORD (self), field);
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
  if (g_strcmp0 (kind, "card_fee") == 0)
    return _("Card fee");
  if (g_strcmp0 (kind, "card_transfer") == 0)
    return _("Moved to a new card");
  if (g_strcmp0 (kind, "card_cancel") == 0)
    return _("Card cancelled");
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
  if (g_strcmp0 (kind, "breakage") == 0)
    return _("Forfeited value");
  return kind;
}
