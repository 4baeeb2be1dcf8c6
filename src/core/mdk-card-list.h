/* mdk-card-list.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-paged-list.h"
#include "mdk-record.h"

G_BEGIN_DECLS

/**
 * MdkCardRecordField:
 *
 * What the card list shows of a card, all as text: the state as its
 * mdk.card_state value, the balance in fen, the member's id as a number.
 */
typedef enum
{
  MDK_CARD_RECORD_FIELD_CARD_NO,
  MDK_CARD_RECORD_FIELD_MEMBER_NAME,
  MDK_CARD_RECORD_FIELD_MEMBER_ID,
  MDK_CARD_RECORD_FIELD_TYPE_NAME,
  MDK_CARD_RECORD_FIELD_STATE,
  MDK_CARD_RECORD_FIELD_STORE_NAME,
  MDK_CARD_RECORD_FIELD_REGION_NAME,
  MDK_CARD_RECORD_FIELD_ISSUED_ON,
  MDK_CARD_RECORD_FIELD_EXPIRES_ON,
  MDK_CARD_RECORD_FIELD_PRIMARY_CARD_NO,
  MDK_CARD_RECORD_FIELD_BALANCE,
  MDK_CARD_RECORD_FIELD_POINTS,
  MDK_CARD_RECORD_N_FIELDS
} MdkCardRecordField;

#define MDK_TYPE_CARD_RECORD (mdk_card_record_get_type ())

G_DECLARE_FINAL_TYPE (MdkCardRecord, mdk_card_record, MDK, CARD_RECORD, MdkRecord)

MdkCardRecord *mdk_card_record_new_placeholder (void);
const char    *mdk_card_record_get_field       (MdkCardRecord      *self,
                                                MdkCardRecordField  field);

/**
 * MdkCardQuery:
 * @card_type_id: a card type, or 0 for all
 * @state: (nullable): a card state (mdk.card_state), or %NULL for all
 * @store_id: the store that issued the cards, or 0 for all
 * @region_id: the region of that store, or 0 for all
 *
 * Which cards the card list shows, newest first.
 */
typedef struct
{
  gint64  card_type_id;
  char   *state;
  gint64  store_id;
  gint64  region_id;
} MdkCardQuery;

#define MDK_TYPE_CARD_QUERY (mdk_card_query_get_type ())

GType         mdk_card_query_get_type (void) G_GNUC_CONST;
MdkCardQuery *mdk_card_query_new      (void);
MdkCardQuery *mdk_card_query_copy     (const MdkCardQuery  *query);
void          mdk_card_query_free     (MdkCardQuery        *query);

gint64        mdk_card_list_count       (PGconn              *conn,
                                         const MdkCardQuery  *query,
                                         GError             **error);
GPtrArray    *mdk_card_list_fetch       (PGconn              *conn,
                                         const MdkCardQuery  *query,
                                         const MdkPageKey    *after,
                                         guint                limit,
                                         GError             **error);
GArray       *mdk_card_list_page_starts (PGconn              *conn,
                                         const MdkCardQuery  *query,
                                         guint                page_size,
                                         GError             **error);

#define MDK_TYPE_CARD_LIST (mdk_card_list_get_type ())

G_DECLARE_FINAL_TYPE (MdkCardList, mdk_card_list, MDK, CARD_LIST, MdkPagedList)

MdkCardList *mdk_card_list_new (MdkDatabase *database);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdkCardQuery, mdk_card_query_free)

G_END_DECLS
