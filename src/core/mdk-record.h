/* mdk-record.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MDK_TYPE_RECORD (mdk_record_get_type ())

G_DECLARE_DERIVABLE_TYPE (MdkRecord, mdk_record, MDK, RECORD, GObject)

/**
 * MdkRecordClass:
 * @n_fields: how many text fields a record of the class has
 * @field_pspecs: the fields' properties, set by mdk_record_class_install_fields()
 *
 * A row as a list shows it: an id, text fields that are properties, and
 * whether it is loaded yet. A placeholder is filled in place when its row
 * arrives, so that what shows it updates.
 */
struct _MdkRecordClass
{
  GObjectClass   parent_class;

  guint          n_fields;
  GParamSpec   **field_pspecs;
};

void        mdk_record_class_install_fields (MdkRecordClass      *klass,
                                             const char * const  *names,
                                             guint                n_fields);
void        mdk_record_fill                 (MdkRecord           *self,
                                             gint64               id,
                                             const char * const  *fields);
void        mdk_record_fill_from            (MdkRecord           *self,
                                             MdkRecord           *other);
gboolean    mdk_record_get_loaded           (MdkRecord           *self);
gint64      mdk_record_get_id               (MdkRecord           *self);
const char *mdk_record_get_field            (MdkRecord           *self,
                                             guint                field);

G_END_DECLS
