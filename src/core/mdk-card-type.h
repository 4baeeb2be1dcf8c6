/* mdk-card-type.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-database.h"

G_BEGIN_DECLS

/**
 * MdkCardTerm:
 *
 * The terms of a card type, in the order of mdk.card_term_names(). Booleans
 * are 0 or 1; money is in fen, rates in basis points; validity is
 * -1 for unlimited.
 */
typedef enum
{
  MDK_CARD_TERM_HAS_STORED_VALUE,
  MDK_CARD_TERM_HAS_POINTS,
  MDK_CARD_TERM_HAS_DISCOUNT,
  MDK_CARD_TERM_DISCOUNT_BP,
  MDK_CARD_TERM_POINTS_RATE_BP,
  MDK_CARD_TERM_POINT_VALUE,
  MDK_CARD_TERM_JOINING_FEE,
  MDK_CARD_TERM_ANNUAL_FEE,
  MDK_CARD_TERM_AFFILIATE_ANNUAL_FEE,
  MDK_CARD_TERM_REPLACEMENT_FEE,
  MDK_CARD_TERM_VALIDITY_MONTHS,
  MDK_CARD_TERM_MAX_AFFILIATES,
  MDK_CARD_TERM_CREDIT_LIMIT,
  MDK_CARD_TERM_REFUND_ON_CANCEL,
  MDK_CARD_TERM_SERVICE_FEE,
  MDK_CARD_TERM_AFFILIATES_SHARE,
  MDK_CARD_TERM_N
} MdkCardTerm;

const char *mdk_card_term_name (MdkCardTerm term);

/**
 * MdkTierRule:
 * @to_type_id: the type cards move to, 0 for no rule
 * @points: %TRUE to measure points earned, %FALSE spend in fen
 * @threshold: fen or points: reach it to move up, fall below it to move down
 * @period_months: the months measured, to the day of the run
 * @grace_days: days from the notice to the move down (rules down only)
 */
typedef struct
{
  gint64   to_type_id;
  gboolean points;
  gint64   threshold;
  int      period_months;
  int      grace_days;
} MdkTierRule;

/**
 * MdkCategoryDiscount:
 * @category: a category of goods (FOOD)
 * @discount_bp: its discount, in basis points
 */
typedef struct
{
  char *category;
  int   discount_bp;
} MdkCategoryDiscount;

/**
 * MdkCardTypeDesign:
 * @id: the type, 0 for a new one
 * @code: its code (GOLD), set once
 * @name: what people call it
 * @kind: personal, affiliate, group, general, silver, gold, vip or custom
 * @region_id: the region it is limited to, 0 for head-office-wide
 * @number_prefix: the digits numbers start with
 * @number_length: how many digits numbers have
 * @number_luhn: whether numbers end in a Luhn check digit
 * @number_next: the next number to give, without prefix and check digit
 * @face_start: the face's colour, #RRGGBB
 * @face_end: (nullable): where the gradient goes, %NULL for one colour
 * @face_logo: (nullable): a PNG or JPEG logo
 * @is_retired: no new cards are sold
 * @version: the version of the current terms
 * @last_change: the last row of mdk.card_type_changes, to see whether
 *   someone changed the type since it was loaded
 * @terms: the terms, by #MdkCardTerm
 * @category_discounts: (element-type MdkCategoryDiscount): discounts by category
 * @up: the rule up
 * @down: the rule down
 * @n_cards: cards of the type in use (active, lost, frozen)
 * @n_cards_older: of those, cards sold under older terms
 */
typedef struct
{
  gint64       id;
  char        *code;
  char        *name;
  char        *kind;
  gint64       region_id;
  char        *number_prefix;
  int          number_length;
  gboolean     number_luhn;
  gint64       number_next;
  char        *face_start;
  char        *face_end;
  GBytes      *face_logo;
  gboolean     is_retired;
  int          version;
  gint64       last_change;
  gint64       terms[MDK_CARD_TERM_N];
  GArray      *category_discounts;
  MdkTierRule  up;
  MdkTierRule  down;
  gint64       n_cards;
  gint64       n_cards_older;
} MdkCardTypeDesign;

/**
 * MdkCardTypeChange:
 * @created_at: when, YYYY-MM-DD HH:MM
 * @operator: (nullable): who
 * @change: created, edited, retired, restored, tier_rules or terms
 * @detail: (nullable): for edited, the fields changed, comma-separated;
 *   for terms, the version
 * @reason: (nullable): why
 */
typedef struct
{
  char *created_at;
  char *operator;
  char *change;
  char *detail;
  char *reason;
} MdkCardTypeChange;

MdkCardTypeDesign *mdk_card_type_design_new          (void);
MdkCardTypeDesign *mdk_card_type_design_copy         (const MdkCardTypeDesign  *design);
void               mdk_card_type_design_free         (MdkCardTypeDesign        *design);
char              *mdk_card_type_design_sample_number (const MdkCardTypeDesign *design);
gboolean           mdk_card_type_design_terms_equal  (const MdkCardTypeDesign  *a,
                                                      const MdkCardTypeDesign  *b);
gboolean           mdk_card_type_design_identity_equal (const MdkCardTypeDesign *a,
                                                        const MdkCardTypeDesign *b);
gboolean           mdk_card_type_design_equal        (const MdkCardTypeDesign  *a,
                                                      const MdkCardTypeDesign  *b);
gboolean           mdk_tier_rule_equal               (const MdkTierRule        *a,
                                                      const MdkTierRule        *b);

GPtrArray         *mdk_card_type_designs_load        (PGconn                   *conn,
                                                      GError                  **error);
gint64             mdk_card_type_save                (PGconn                   *conn,
                                                      const MdkCardTypeDesign  *before,
                                                      const MdkCardTypeDesign  *after,
                                                      const char               *reason,
                                                      GError                  **error);
gboolean           mdk_card_type_retire              (PGconn                   *conn,
                                                      gint64                    id,
                                                      gboolean                  retired,
                                                      const char               *reason,
                                                      GError                  **error);
gint64             mdk_card_type_move_cards          (PGconn                   *conn,
                                                      gint64                    id,
                                                      const char               *reason,
                                                      GError                  **error);
GPtrArray         *mdk_card_type_changes_load        (PGconn                   *conn,
                                                      gint64                    id,
                                                      GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdkCardTypeDesign, mdk_card_type_design_free)

G_END_DECLS
