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
mdk_member_detail_init (MdkMemberDetail *self)
{
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
