/* mdk-custom-field.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mdk-database.h"

G_BEGIN_DECLS

#define MDK_TYPE_CUSTOM_FIELD (mdk_custom_field_get_type ())

G_DECLARE_FINAL_TYPE (MdkCustomField, mdk_custom_field, MDK, CUSTOM_FIELD, GObject)

MdkCustomField     *mdk_custom_field_new              (gint64               id,
                                                       const char          *key,
                                                       const char          *label,
                                                       const char          *kind,
                                                       const char * const  *choices);
gint64              mdk_custom_field_get_id           (MdkCustomField      *self);
const char         *mdk_custom_field_get_key          (MdkCustomField      *self);
const char         *mdk_custom_field_get_label        (MdkCustomField      *self);
const char         *mdk_custom_field_get_kind         (MdkCustomField      *self);
const char * const *mdk_custom_field_get_choices      (MdkCustomField      *self);
const char         *mdk_custom_field_kind_label       (const char          *kind);
gboolean            mdk_custom_field_normalize_value  (MdkCustomField      *self,
                                                       const char          *text,
                                                       char               **normalized,
                                                       GError             **error);

GListModel         *mdk_custom_fields_load            (PGconn              *conn,
                                                       GError             **error);
gint64              mdk_custom_fields_add             (PGconn              *conn,
                                                       const char          *label,
                                                       const char          *kind,
                                                       const char * const  *choices,
                                                       GError             **error);
gboolean            mdk_custom_fields_retire          (PGconn              *conn,
                                                       gint64               field_id,
                                                       GError             **error);
gint64              mdk_member_groups_add             (PGconn              *conn,
                                                       const char          *name,
                                                       GError             **error);

G_END_DECLS
