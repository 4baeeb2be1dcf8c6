/* mdk-member.c: one member as the member list shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mdk-member-private.h"

struct _MdkMember
{
  MdkRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (MdkMember, mdk_member, MDK_TYPE_RECORD)

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
mdk_member_class_init (MdkMemberClass *klass)
{
  mdk_record_class_install_fields (MDK_RECORD_CLASS (klass), field_names, MDK_MEMBER_N_FIELDS);
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
  mdk_record_fill (MDK_RECORD (self), id, fields);
}

gboolean
mdk_member_get_loaded (MdkMember *self)
{
  return mdk_record_get_loaded (MDK_RECORD (self));
}

gint64
mdk_member_get_id (MdkMember *self)
{
  return mdk_record_get_id (MDK_RECORD (self));
}

const char *
mdk_member_get_field (MdkMember      *self,
                      MdkMemberField  field)
{
  return mdk_record_get_field (MDK_RECORD (self), field);
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
