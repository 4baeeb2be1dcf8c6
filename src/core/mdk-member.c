/* mdk-member.c: one member as the member list shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mdk-member-private.h"

struct _MdkMember
{
  GObject   parent_instance;

  gboolean  loaded;
  gint64    id;
  char     *fields[MDK_MEMBER_N_FIELDS];
};

G_DEFINE_FINAL_TYPE (MdkMember, mdk_member, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADED,
  PROP_ID,
  PROP_FIRST_FIELD,
  N_PROPS = PROP_FIRST_FIELD + MDK_MEMBER_N_FIELDS
};

static GParamSpec *properties[N_PROPS];

/* In the order of MdkMemberField. */
static const char * const field_names[MDK_MEMBER_N_FIELDS] = {
  "name",
  "gender",
  "mobile",
  "email",
  "id-number",
  "birthday",
  "joined-on",
  "status",
  "store-name",
  "region-name",
  "card-no",
  "card-type",
  "sort-key",
  "group-name",
  "tags",
  "custom-values",
};

static void
mdk_member_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  MdkMember *self = MDK_MEMBER (object);

  if (prop_id == PROP_LOADED)
    g_value_set_boolean (value, self->loaded);
  else if (prop_id == PROP_ID)
    g_value_set_int64 (value, self->id);
  else if (prop_id >= PROP_FIRST_FIELD && prop_id < N_PROPS)
    g_value_set_string (value, self->fields[prop_id - PROP_FIRST_FIELD]);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
mdk_member_finalize (GObject *object)
{
  MdkMember *self = MDK_MEMBER (object);

  for (guint i = 0; i < MDK_MEMBER_N_FIELDS; i++)
    g_free (self->fields[i]);

  G_OBJECT_CLASS (mdk_member_parent_class)->finalize (object);
}

static void
mdk_member_class_init (MdkMemberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mdk_member_get_property;
  object_class->finalize = mdk_member_finalize;

  /**
   * MdkMember:loaded:
   *
   * %FALSE while the member is a placeholder for a row not fetched yet.
   */
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  for (guint i = 0; i < MDK_MEMBER_N_FIELDS; i++)
    properties[PROP_FIRST_FIELD + i] =
      g_param_spec_string (field_names[i], NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mdk_member_init (MdkMember *self)
{
}

/**
 * mdk_member_new_placeholder:
 *
 * Returns: (transfer full): an empty member, to be filled when its row arrives
 */
MdkMember *
mdk_member_new_placeholder (void)
{
  return g_object_new (MDK_TYPE_MEMBER, NULL);
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
 * mdk_member_fill:
 * @self: a #MdkMember
 * @id: the member number
 * @fields: (array fixed-size=MDK_MEMBER_N_FIELDS): values in #MdkMemberField order, %NULL for none
 *
 * Fills a placeholder in place, so that lists showing it update.
 */
void
mdk_member_fill (MdkMember          *self,
                 gint64              id,
                 const char * const *fields)
{
  g_return_if_fail (MDK_IS_MEMBER (self));

  g_object_freeze_notify (G_OBJECT (self));
  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
  for (guint i = 0; i < MDK_MEMBER_N_FIELDS; i++)
    if (set_field (&self->fields[i], fields[i]))
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIRST_FIELD + i]);
  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
mdk_member_get_loaded (MdkMember *self)
{
  g_return_val_if_fail (MDK_IS_MEMBER (self), FALSE);

  return self->loaded;
}

gint64
mdk_member_get_id (MdkMember *self)
{
  g_return_val_if_fail (MDK_IS_MEMBER (self), 0);

  return self->id;
}

const char *
mdk_member_get_field (MdkMember      *self,
                      MdkMemberField  field)
{
  g_return_val_if_fail (MDK_IS_MEMBER (self), NULL);
  g_return_val_if_fail (field < MDK_MEMBER_N_FIELDS, NULL);

  return self->fields[field];
}

const char *
mdk_member_get_name (MdkMember *self)
{
  return mdk_member_get_field (self, MDK_MEMBER_FIELD_NAME);
}

const char *
mdk_member_get_gender (MdkMember *self)
{
  return mdk_member_get_field (self, MDK_MEMBER_FIELD_GENDER);
}

const char *
mdk_member_get_mobile (MdkMember *self)
{
  return mdk_member_get_field (self, MDK_MEMBER_FIELD_MOBILE);
}

const char *
mdk_member_get_email (MdkMember *self)
{
  return mdk_member_get_field (self, MDK_MEMBER_FIELD_EMAIL);
}

const char *
mdk_member_get_id_number (MdkMember *self)
{
  return mdk_member_get_field (self, MDK_MEMBER_FIELD_ID_NUMBER);
}

const char *
mdk_member_get_birthday (MdkMember *self)
{
  return mdk_member_get_field (self, MDK_MEMBER_FIELD_BIRTHDAY);
}

const char *
mdk_member_get_joined_on (MdkMember *self)
{
  return mdk_member_get_field (self, MDK_MEMBER_FIELD_JOINED_ON);
}

const char *
mdk_member_get_status (MdkMember *self)
{
  return mdk_member_get_field (self, MDK_MEMBER_FIELD_STATUS);
}

const char *
mdk_member_get_store_name (MdkMember *self)
{
  return mdk_member_get_field (self, MDK_MEMBER_FIELD_STORE_NAME);
}

const char *
mdk_member_get_region_name (MdkMember *self)
{
  return mdk_member_get_field (self, MDK_MEMBER_FIELD_REGION_NAME);
}

const char *
mdk_member_get_card_no (MdkMember *self)
{
  return mdk_member_get_field (self, MDK_MEMBER_FIELD_CARD_NO);
}

const char *
mdk_member_get_card_type (MdkMember *self)
{
  return mdk_member_get_field (self, MDK_MEMBER_FIELD_CARD_TYPE);
}

const char *
mdk_member_get_sort_key (MdkMember *self)
{
  return mdk_member_get_field (self, MDK_MEMBER_FIELD_SORT_KEY);
}

/**
 * mdk_member_status_label:
 * @status: (nullable): a value of `mdk.member_status`
 *
 * Returns: the status in the person's language
 */
const char *
mdk_member_status_label (const char *status)
{
  if (g_strcmp0 (status, "active") == 0)
    return _("Active");
  if (g_strcmp0 (status, "inactive") == 0)
    return _("Inactive");
  if (g_strcmp0 (status, "blacklisted") == 0)
    return _("Blacklisted");
  return status;
}

/**
 * mdk_member_gender_label:
 * @gender: (nullable): F, M or U
 *
 * Returns: the gender in the person's language
 */
const char *
mdk_member_gender_label (const char *gender)
{
  if (g_strcmp0 (gender, "F") == 0)
    return _("Female");
  if (g_strcmp0 (gender, "M") == 0)
    return _("Male");
  return _("Not given");
}
