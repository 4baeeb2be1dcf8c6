/* mdk-transaction.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-record.h"

G_BEGIN_DECLS

/**
 * MdkTransactionField:
 *
 * What the journal shows of a transaction, all as text: the kind and
 * method as their mdk enum values, the amount in fen, ids as numbers,
 * the reversal's id (or %NULL) in @MDK_TRANSACTION_FIELD_REVERSED_BY.
 */
typedef enum
{
  MDK_TRANSACTION_FIELD_TIME,
  MDK_TRANSACTION_FIELD_KIND,
  MDK_TRANSACTION_FIELD_CARD_NO,
  MDK_TRANSACTION_FIELD_MEMBER_NAME,
  MDK_TRANSACTION_FIELD_STORE_NAME,
  MDK_TRANSACTION_FIELD_REGION_NAME,
  MDK_TRANSACTION_FIELD_OPERATOR_NAME,
  MDK_TRANSACTION_FIELD_METHOD,
  MDK_TRANSACTION_FIELD_AMOUNT,
  MDK_TRANSACTION_FIELD_REFERENCE,
  MDK_TRANSACTION_FIELD_REASON,
  MDK_TRANSACTION_FIELD_ORIGINAL_ID,
  MDK_TRANSACTION_FIELD_REVERSED_BY,
  MDK_TRANSACTION_N_FIELDS
} MdkTransactionField;

#define MDK_TYPE_TRANSACTION (mdk_transaction_get_type ())

G_DECLARE_FINAL_TYPE (MdkTransaction, mdk_transaction, MDK, TRANSACTION, MdkRecord)

MdkTransaction *mdk_transaction_new_placeholder (void);
void            mdk_transaction_fill            (MdkTransaction      *self,
                                                 gint64               id,
                                                 const char * const  *fields);
gboolean        mdk_transaction_get_loaded      (MdkTransaction      *self);
gint64          mdk_transaction_get_id          (MdkTransaction      *self);
const char     *mdk_transaction_get_field       (MdkTransaction      *self,
                                                 MdkTransactionField  field);

extern const char * const mdk_payment_methods[];

const char     *mdk_payment_method_label        (const char          *method);
const char     *mdk_transaction_kind_label      (const char          *kind);
const char     *mdk_account_kind_label          (const char          *kind);

G_END_DECLS
