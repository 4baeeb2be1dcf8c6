/* mdk-ledger.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-database.h"

G_BEGIN_DECLS

#define MDK_LEDGER_ERROR (mdk_ledger_error_quark ())

/**
 * MdkLedgerError:
 * @MDK_LEDGER_ERROR_REQUEST_REUSED: the request id was used before with other
 *   arguments (SQLSTATE MD001)
 * @MDK_LEDGER_ERROR_CARD_UNUSABLE: the card's state, expiry or type does not
 *   allow this (MD002)
 * @MDK_LEDGER_ERROR_INSUFFICIENT: not enough stored value or points (MD003)
 * @MDK_LEDGER_ERROR_NOT_PERMITTED: this store or operator may not recharge (MD004)
 * @MDK_LEDGER_ERROR_INVALID: the amounts do not add up or are not positive (MD005)
 * @MDK_LEDGER_ERROR_REFUND_TOO_LARGE: more than what remains of the sale (MD006)
 * @MDK_LEDGER_ERROR_NOT_REVERSIBLE: the transaction cannot be reversed (MD007)
 * @MDK_LEDGER_ERROR_NOT_FOUND: an unknown card, store or transaction (P0002)
 * @MDK_LEDGER_ERROR_OVER_LIMIT: the card's own daily spending limit (MD008)
 * @MDK_LEDGER_ERROR_CARD_STATE: the card's (or its member's) state does not
 *   allow this action (MD009)
 * @MDK_LEDGER_ERROR_CARD_LIMIT: the primary card has as many cards under it
 *   as its type allows (MD010)
 * @MDK_LEDGER_ERROR_CARD_NUMBER: the card number does not fit its type, or is
 *   taken (MD011)
 *
 * Refusals of the ledger's functions. Other failures are in
 * %MDK_DATABASE_ERROR; %MDK_DATABASE_ERROR_CONNECTION_LOST after every
 * retry means the outcome is unknown: send the same request again.
 */
typedef enum
{
  MDK_LEDGER_ERROR_REQUEST_REUSED,
  MDK_LEDGER_ERROR_CARD_UNUSABLE,
  MDK_LEDGER_ERROR_INSUFFICIENT,
  MDK_LEDGER_ERROR_NOT_PERMITTED,
  MDK_LEDGER_ERROR_INVALID,
  MDK_LEDGER_ERROR_REFUND_TOO_LARGE,
  MDK_LEDGER_ERROR_NOT_REVERSIBLE,
  MDK_LEDGER_ERROR_NOT_FOUND,
  MDK_LEDGER_ERROR_OVER_LIMIT,
  MDK_LEDGER_ERROR_CARD_STATE,
  MDK_LEDGER_ERROR_CARD_LIMIT,
  MDK_LEDGER_ERROR_CARD_NUMBER,
} MdkLedgerError;

GQuark mdk_ledger_error_quark (void);

typedef enum
{
  MDK_LEDGER_RECHARGE,
  MDK_LEDGER_CONSUME,
  MDK_LEDGER_REFUND,
  MDK_LEDGER_REVERSE,
  MDK_LEDGER_ISSUE_CARD,
  MDK_LEDGER_CARD_ACTION,
  MDK_LEDGER_DAILY_LIMIT,
  MDK_LEDGER_SET_TIER,
} MdkLedgerKind;

/**
 * MdkLedgerRequest:
 * @kind: which function
 * @request_id: made when the request is made, and kept for every retry of it
 * @card_no: the card (recharge, consume)
 * @amount: fen: the recharge, the sale before discount, the part of the sale refunded,
 *   a card's daily limit (0 for none)
 * @method: (nullable): a payment method (mdk.payment_method): the recharge's, or
 *   that of @external
 * @store_id: where; 0 for a refund's or reversal's original store
 * @terminal_id: which terminal there, or 0
 * @reference: (nullable): the payment's external reference
 * @lines: (nullable): a sale's lines as JSON
 * @points: points a sale is paid with
 * @external: fen of a sale paid another way (@method)
 * @transaction_id: the sale refunded, the transaction reversed
 * @reason: (nullable): why (refund, reversal, card action)
 * @member_id: the holder of a card issued
 * @card_type_id: the type of a card issued, or a card's new tier
 * @primary_card_no: (nullable): the card a card issued is under
 * @action: (nullable): a card action (mdk.card_action): "report_loss",
 *   "found", "freeze", "unfreeze", "cancel" or "replace"
 * @new_card_no: (nullable): a pre-printed number for a card issued
 *   (@card_no is then unused) or a replacement
 * @hold_until: (nullable): the last day a tier set by head office holds
 *   (YYYY-MM-DD), %NULL for good
 *
 * One request to the ledger, or to the card lifecycle (mdk.issue_card(),
 * mdk.card_action(), mdk.set_daily_limit(), mdk.set_card_tier(); @method pays a fee or, for a
 * cancellation, pays stored value back). Money is in fen.
 */
typedef struct
{
  MdkLedgerKind  kind;
  char          *request_id;
  char          *card_no;
  gint64         amount;
  char          *method;
  gint64         store_id;
  gint64         terminal_id;
  char          *reference;
  char          *lines;
  gint64         points;
  gint64         external;
  gint64         transaction_id;
  char          *reason;
  gint64         member_id;
  gint64         card_type_id;
  char          *primary_card_no;
  char          *action;
  char          *new_card_no;
  char          *hold_until;
} MdkLedgerRequest;

/**
 * MdkLedgerResult:
 *
 * What a request did, in fen and points; fields a function does not
 * report are 0. @card_no is the card issued, or a replacement's new
 * card; @state the card's state after an action; @daily_limit a card's
 * new daily limit (0 for none); @card_type_id a card's type after a tier
 * is set, and @held_until the day the tier holds to ("infinity" for good);
 * @own_accounts whether a card issued under another keeps a balance and
 * points of its own.
 */
typedef struct
{
  gint64 transaction_id;
  gint64 amount;
  gint64 bonus;
  gint64 discount;
  gint64 due;
  gint64 stored_value;
  gint64 paid_value;
  gint64 bonus_value;
  gint64 points_used;
  gint64 points_value;
  gint64 external;
  gint64 points_earned;
  gint64 points_not_recovered;
  gint64 balance;
  gint64 bonus_balance;
  gint64 points_balance;
  gint64 fee;
  gint64 refunded;
  gint64 forfeited;
  gint64 points;
  gint64 cancelled_under;
  char   card_no[24];
  char   state[16];
  gint64 daily_limit;
  gint64 card_type_id;
  char   held_until[16];
  gboolean own_accounts;
} MdkLedgerResult;

/**
 * MdkCardSummary:
 * @card_no: the card
 * @member_name: its member
 * @type_name: its card type
 * @state: its state (mdk.card_state), "expired" once past its expiry date
 * @has_stored_value: whether its type holds stored value
 * @point_value: fen a point pays, 0 when points cannot pay
 * @balance: paid value of the account it uses, fen
 * @bonus_balance: promotional value, fen
 * @points_balance: points
 * @under_another: whether it is itself under another card
 * @affiliates_share: whether the cards issued under it share its balance
 *   and points (by the terms it was sold under)
 *
 * What a counter needs to see of a card before it moves money, or issues
 * a card under it.
 */
typedef struct
{
  char     *card_no;
  char     *member_name;
  char     *type_name;
  char     *state;
  gboolean  has_stored_value;
  gint64    point_value;
  gint64    balance;
  gint64    bonus_balance;
  gint64    points_balance;
  gboolean  under_another;
  gboolean  affiliates_share;
} MdkCardSummary;

MdkCardSummary   *mdk_ledger_load_card        (PGconn                  *conn,
                                               const char              *card_no,
                                               GError                 **error);
void              mdk_card_summary_free       (MdkCardSummary          *summary);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdkCardSummary, mdk_card_summary_free)

#define MDK_TYPE_LEDGER_REQUEST (mdk_ledger_request_get_type ())

GType             mdk_ledger_request_get_type (void) G_GNUC_CONST;
MdkLedgerRequest *mdk_ledger_request_new      (MdkLedgerKind            kind);
MdkLedgerRequest *mdk_ledger_request_copy     (const MdkLedgerRequest  *request);
void              mdk_ledger_request_free     (MdkLedgerRequest        *request);

PGresult         *mdk_ledger_exec             (PGconn                  *conn,
                                               const char              *sql,
                                               int                      n_params,
                                               const char * const      *params,
                                               GError                 **error);
MdkLedgerResult  *mdk_ledger_send             (PGconn                  *conn,
                                               const MdkLedgerRequest  *request,
                                               GError                 **error);
void              mdk_ledger_send_async       (MdkDatabase             *database,
                                               const MdkLedgerRequest  *request,
                                               GCancellable            *cancellable,
                                               GAsyncReadyCallback      callback,
                                               gpointer                 user_data);
MdkLedgerResult  *mdk_ledger_send_finish      (MdkDatabase             *database,
                                               GAsyncResult            *result,
                                               GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdkLedgerRequest, mdk_ledger_request_free)

G_END_DECLS
