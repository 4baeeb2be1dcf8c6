/* mdk-record.c: the base of rows that lists show: an id, text fields as
 * properties, filled in place when the row arrives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-record.h"

typedef struct
{
  gboolean   loaded;
  gint64     id;
  char     **fields;
} MdkRecordPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (MdkRecord, mdk_record, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADED,
  PROP_ID,
  PROP_FIRST_FIELD,
};

static GParamSpec *loaded_pspec;
static GParamSpec *id_pspec;

static void
mdk_record_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  MdkRecord *self = MDK_RECORD (object);
  MdkRecordPrivate *priv = mdk_record_get_instance_private (self);
  guint n_fields = MDK_RECORD_GET_CLASS (self)->n_fields;

  if (prop_id == PROP_LOADED)
    g_value_set_boolean (value, priv->loaded);
  else if (prop_id == PROP_ID)
    g_value_set_int64 (value, priv->id);
  else if (prop_id >= PROP_FIRST_FIELD && prop_id < PROP_FIRST_FIELD + n_fields)
    g_value_set_string (value, priv->fields != NULL ? priv->fields[prop_id - PROP_FIRST_FIELD] : NULL);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
mdk_record_finalize (GObject *object)
{
  MdkRecordPrivate *priv = mdk_record_get_instance_private (MDK_RECORD (object));
  guint n_fields = MDK_RECORD_GET_CLASS (object)->n_fields;

  for (guint i = 0; priv->fields != NULL && i < n_fields; i++)
    g_free (priv->fields[i]);
  g_free (priv->fields);

  G_OBJECT_CLASS (mdk_record_parent_class)->finalize (object);
}

static void
mdk_record_class_init (MdkRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mdk_record_get_property;
  object_class->finalize = mdk_record_finalize;

  /**
   * MdkRecord:loaded:
   *
   * %FALSE while the record is a placeholder for a row not fetched yet.
   */
  loaded_pspec = g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  id_pspec = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_property (object_class, PROP_LOADED, loaded_pspec);
  g_object_class_install_property (object_class, PROP_ID, id_pspec);
}

static void
mdk_record_init (MdkRecord *self)
{
  /* The fields come with the first fill: while this runs, the instance's
   * class is still MdkRecordClass, which has none. */
}

/**
 * mdk_record_class_install_fields:
 * @klass: a subclass's class, in its class_init
 * @names: (array length=n_fields): the fields' property names
 * @n_fields: how many
 *
 * Installs a read-only string property for each field.
 */
void
mdk_record_class_install_fields (MdkRecordClass     *klass,
                                 const char * const *names,
                                 guint               n_fields)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  /* A class's properties are read by its own get_property, which GObject
   * does not inherit. */
  object_class->get_property = mdk_record_get_property;
  klass->n_fields = n_fields;
  klass->field_pspecs = g_new0 (GParamSpec *, n_fields);
  for (guint i = 0; i < n_fields; i++)
    {
      klass->field_pspecs[i] = g_param_spec_string (names[i], NULL, NULL, NULL,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                    G_PARAM_EXPLICIT_NOTIFY);
      g_object_class_install_property (object_class, PROP_FIRST_FIELD + i, klass->field_pspecs[i]);
    }
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
 * mdk_record_fill:
 * @self: a #MdkRecord
 * @id: the row's id
 * @fields: values in the class's field order, %NULL for none
 *
 * Fills a placeholder in place, so that lists showing it update.
 */
void
mdk_record_fill (MdkRecord          *self,
                 gint64              id,
                 const char * const *fields)
{
  MdkRecordPrivate *priv = mdk_record_get_instance_private (self);
  MdkRecordClass *klass;

  g_return_if_fail (MDK_IS_RECORD (self));

  klass = MDK_RECORD_GET_CLASS (self);
  if (priv->fields == NULL)
    priv->fields = g_new0 (char *, klass->n_fields + 1);
  g_object_freeze_notify (G_OBJECT (self));
  priv->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), id_pspec);
  for (guint i = 0; i < klass->n_fields; i++)
    if (set_field (&priv->fields[i], fields[i]))
      g_object_notify_by_pspec (G_OBJECT (self), klass->field_pspecs[i]);
  if (!priv->loaded)
    {
      priv->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), loaded_pspec);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
mdk_record_get_loaded (MdkRecord *self)
{
  MdkRecordPrivate *priv = mdk_record_get_instance_private (self);

  g_return_val_if_fail (MDK_IS_RECORD (self), FALSE);

  return priv->loaded;
}

gint64
mdk_record_get_id (MdkRecord *self)
{
  MdkRecordPrivate *priv = mdk_record_get_instance_private (self);

  g_return_val_if_fail (MDK_IS_RECORD (self), 0);

  return priv->id;
}

const char *
mdk_record_get_field (MdkRecord *self,
                      guint      field)
{
  MdkRecordPrivate *priv = mdk_record_get_instance_private (self);

  g_return_val_if_fail (MDK_IS_RECORD (self), NULL);
  g_return_val_if_fail (field < MDK_RECORD_GET_CLASS (self)->n_fields, NULL);

  return priv->fields != NULL ? priv->fields[field] : NULL;
}

/**
 * mdk_record_fill_from:
 * @self: a record, a placeholder say
 * @other: a record of the same class
 *
 * Fills @self in place with @other's id and fields.
 */
void
mdk_record_fill_from (MdkRecord *self,
                      MdkRecord *other)
{
  MdkRecordPrivate *priv;

  g_return_if_fail (MDK_IS_RECORD (other));
  g_return_if_fail (G_OBJECT_TYPE (self) == G_OBJECT_TYPE (other));

  priv = mdk_record_get_instance_private (other);
  mdk_record_fill (self, priv->id, (const char * const *) priv->fields);
}
