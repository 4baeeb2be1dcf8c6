/* mdk-member-detail.c: everything a member profile shows of one member
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-member-detail.h"

struct _MdkMemberDetail
{
  GObject     parent_instance;
  char       *fields[MDK_MEMBER_DETAIL_N_FIELDS];
  GListModel *cards;
  GPtrArray  *custom;
};

G_DEFINE_FINAL_TYPE (MdkMemberDetail, mdk_member_detail, G_TYPE_OBJECT)

static const char * const field_names[MDK_MEMBER_DETAIL_N_FIELDS] = {
  "id",
  "name",
  "gender",
  "mobile",
  "email",
  "id-number",
  "birthday",
  "anniversary",
  "joined-on",
  "status",
  "store-name",
  "region-name",
  "entry-channel",
  "entry-operator",
  "updated-at",
  "home-store-id",
  "version",
  "birthday-next-change",
  "group-id",
  "group-name",
  "tags",
};

static GParamSpec *properties[MDK_MEMBER_DETAIL_N_FIELDS + 2];

static void
mdk_member_detail_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MdkMemberDetail *self = (MdkMemberDetail *) object;

  if (prop_id >= 1 && prop_id <= MDK_MEMBER_DETAIL_N_FIELDS)
    g_value_set_string (value, self->fields[prop_id - 1]);
  else if (prop_id == MDK_MEMBER_DETAIL_N_FIELDS + 1)
    g_value_set_object (value, self->cards);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
mdk_member_detail_finalize (GObject *object)
{
  MdkMemberDetail *self = (MdkMemberDetail *) object;

  for (guint i = 0; i < MDK_MEMBER_DETAIL_N_FIELDS; i++)
    g_free (self->fields[i]);
  g_clear_object (&self->cards);
  g_clear_pointer (&self->custom, g_ptr_array_unref);

  G_OBJECT_CLASS (mdk_member_detail_parent_class)->finalize (object);
}

static void
mdk_member_detail_class_init (MdkMemberDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mdk_member_detail_get_property;
  object_class->finalize = mdk_member_detail_finalize;

  for (guint i = 0; i < MDK_MEMBER_DETAIL_N_FIELDS; i++)
    properties[i + 1] = g_param_spec_string (field_names[i], NULL, NULL, NULL,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[MDK_MEMBER_DETAIL_N_FIELDS + 1] = g_param_spec_object ("cards", NULL, NULL, G_TYPE_LIST_MODEL,
                                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, MDK_MEMBER_DETAIL_N_FIELDS + 2, properties);
}

static void
custom_value_free (MdkMemberCustomValue *value)
{
  g_free (value->key);
  g_free (value->label);
  g_free (value->value);
  g_free (value);
}

static void
mdk_member_detail_init (MdkMemberDetail *self)
{
  self->custom = g_ptr_array_new_with_free_func ((GDestroyNotify) custom_value_free);
}

/**
 * mdk_member_detail_new:
 * @fields: (array fixed-size=MDK_MEMBER_DETAIL_N_FIELDS): values in #MdkMemberDetailField order, %NULL for none
 *
 * Returns: (transfer full): a new #MdkMemberDetail
 */
MdkMemberDetail *
mdk_member_detail_new (const char * const *fields)
{
  MdkMemberDetail *self = g_object_new (MDK_TYPE_MEMBER_DETAIL, NULL);

  for (guint i = 0; i < MDK_MEMBER_DETAIL_N_FIELDS; i++)
    self->fields[i] = g_strdup (fields[i]);
  return self;
}

/**
 * mdk_member_detail_get_field:
 * @self: a #MdkMemberDetail
 * @field: which
 *
 * Returns: (nullable): the value, %NULL when there is none
 */
const char *
mdk_member_detail_get_field (MdkMemberDetail      *self,
                             MdkMemberDetailField  field)
{
  g_return_val_if_fail (MDK_IS_MEMBER_DETAIL (self), NULL);
  g_return_val_if_fail (field < MDK_MEMBER_DETAIL_N_FIELDS, NULL);

  return self->fields[field];
}

/**
 * mdk_member_detail_get_cards:
 * @self: a #MdkMemberDetail
 *
 * Returns: (transfer none): the member's cards, as #MdkCard
 */
GListModel *
mdk_member_detail_get_cards (MdkMemberDetail *self)
{
  g_return_val_if_fail (MDK_IS_MEMBER_DETAIL (self), NULL);

  return self->cards;
}

void
mdk_member_detail_set_cards (MdkMemberDetail *self,
                      GListModel *cards)
{
  g_return_if_fail (MDK_IS_MEMBER_DETAIL (self));

  g_set_object (&self->cards, cards);
}

/**
 * mdk_member_detail_get_custom:
 * @self: a #MdkMemberDetail
 *
 * Returns: (transfer none) (element-type MdkMemberCustomValue): the custom
 *   fields in use, in form order, with the member's values
 */
GPtrArray *
mdk_member_detail_get_custom (MdkMemberDetail *self)
{
  g_return_val_if_fail (MDK_IS_MEMBER_DETAIL (self), NULL);

  return self->custom;
}

/**
 * mdk_member_detail_get_custom_value:
 * @self: a #MdkMemberDetail
 * @key: a field's key
 *
 * Returns: (nullable): the member's value of that field
 */
const char *
mdk_member_detail_get_custom_value (MdkMemberDetail *self,
                                    const char      *key)
{
  g_return_val_if_fail (MDK_IS_MEMBER_DETAIL (self), NULL);

  for (guint i = 0; i < self->custom->len; i++)
    {
      MdkMemberCustomValue *value = g_ptr_array_index (self->custom, i);

      if (g_strcmp0 (value->key, key) == 0)
        return value->value;
    }
  return NULL;
}

void
mdk_member_detail_add_custom (MdkMemberDetail *self,
                              const char      *key,
                              const char      *label,
                              const char      *value)
{
  MdkMemberCustomValue *custom = g_new0 (MdkMemberCustomValue, 1);

  g_return_if_fail (MDK_IS_MEMBER_DETAIL (self));

  custom->key = g_strdup (key);
  custom->label = g_strdup (label);
  custom->value = g_strdup (value);
  g_ptr_array_add (self->custom, custom);
}
