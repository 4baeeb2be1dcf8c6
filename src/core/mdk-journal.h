/* mdk-journal.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-paged-list.h"
#include "mdk-transaction.h"

G_BEGIN_DECLS

/**
 * MdkJournalQuery:
 * @region_id: a region, or 0 for all
 * @store_id: a store, or 0 for all
 * @operator_id: an operator, or 0 for all
 * @kind: (nullable): recharge, consume, refund or reversal
 * @method: (nullable): a payment method (mdk.payment_method)
 * @card_no: (nullable): one card's transactions
 * @member_id: one member's transactions, on any of their cards, or 0
 * @from: (nullable): the first day, YYYY-MM-DD
 * @to: (nullable): the last day, YYYY-MM-DD
 *
 * Which transactions the journal shows, latest first.
 */
typedef struct
{
  gint64  region_id;
  gint64  store_id;
  gint64  operator_id;
  char   *kind;
  char   *method;
  char   *card_no;
  gint64  member_id;
  char   *from;
  char   *to;
} MdkJournalQuery;

/**
 * MdkPosting:
 * @account: what the account is, as text ("stored_value", "clearing", ...)
 * @owner: whose: a card number, or a store's name
 * @method: (nullable): a clearing account's payment method
 * @is_points: %TRUE when @amount is points, not fen
 * @amount: what was posted
 */
typedef struct
{
  char     *account;
  char     *owner;
  char     *method;
  gboolean  is_points;
  gint64    amount;
} MdkPosting;

#define MDK_TYPE_JOURNAL_QUERY (mdk_journal_query_get_type ())

GType            mdk_journal_query_get_type (void) G_GNUC_CONST;
MdkJournalQuery *mdk_journal_query_new      (void);
MdkJournalQuery *mdk_journal_query_copy     (const MdkJournalQuery  *query);
void             mdk_journal_query_free     (MdkJournalQuery        *query);

gint64      mdk_journal_count         (PGconn                 *conn,
                                       const MdkJournalQuery  *query,
                                       GError                **error);
GPtrArray  *mdk_journal_fetch         (PGconn                 *conn,
                                       const MdkJournalQuery  *query,
                                       const MdkPageKey       *after,
                                       guint                   limit,
                                       GError                **error);
GArray     *mdk_journal_page_starts   (PGconn                 *conn,
                                       const MdkJournalQuery  *query,
                                       guint                   page_size,
                                       GError                **error);
MdkTransaction *mdk_journal_load_transaction (PGconn          *conn,
                                              gint64           transaction_id,
                                              GError         **error);
GArray     *mdk_journal_load_postings (PGconn                 *conn,
                                       gint64                  transaction_id,
                                       GError                **error);

#define MDK_TYPE_JOURNAL_LIST (mdk_journal_list_get_type ())

G_DECLARE_FINAL_TYPE (MdkJournalList, mdk_journal_list, MDK, JOURNAL_LIST, MdkPagedList)

MdkJournalList *mdk_journal_list_new (MdkDatabase *database);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdkJournalQuery, mdk_journal_query_free)

G_END_DECLS
