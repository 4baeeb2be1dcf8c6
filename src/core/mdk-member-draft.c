/* mdk-member-draft.c: a member before it is saved
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mdk-member-draft.h"

G_DEFINE_BOXED_TYPE (MdkMemberDraft, mdk_member_draft, mdk_member_draft_copy, mdk_member_draft_free)

/**
 * mdk_member_draft_new:
 *
 * Returns: (transfer full): an empty draft of a new, active member of
 *   unknown gender entered at a store counter
 */
MdkMemberDraft *
mdk_member_draft_new (void)
{
  MdkMemberDraft *draft = g_new0 (MdkMemberDraft, 1);

  draft->tags = g_new0 (char *, 1);
  draft->custom = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  draft->gender = g_strdup ("U");
  draft->entry_channel = g_strdup ("store_counter");
  draft->status = g_strdup ("active");

  return draft;
}

static char *
dup_field (MdkMemberDetail      *detail,
           MdkMemberDetailField  field)
{
  return g_strdup (mdk_member_detail_get_field (detail, field));
}

/**
 * mdk_member_draft_new_from_detail:
 * @detail: a member as read from the database
 *
 * Returns: (transfer full): a draft to edit @detail
 */
MdkMemberDraft *
mdk_member_draft_new_from_detail (MdkMemberDetail *detail)
{
  MdkMemberDraft *draft;
  GPtrArray *custom;
  const char *tags;
  const char *group;

  g_return_val_if_fail (MDK_IS_MEMBER_DETAIL (detail), NULL);

  draft = g_new0 (MdkMemberDraft, 1);
  tags = mdk_member_detail_get_field (detail, MDK_MEMBER_DETAIL_FIELD_TAGS);
  draft->tags = tags != NULL ? g_strsplit (tags, ", ", -1) : g_new0 (char *, 1);
  group = mdk_member_detail_get_field (detail, MDK_MEMBER_DETAIL_FIELD_GROUP_ID);
  draft->group_id = group != NULL ? g_ascii_strtoll (group, NULL, 10) : 0;
  draft->custom = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  custom = mdk_member_detail_get_custom (detail);
  for (guint i = 0; i < custom->len; i++)
    {
      MdkMemberCustomValue *value = g_ptr_array_index (custom, i);

      if (value->value != NULL)
        g_hash_table_insert (draft->custom, g_strdup (value->key), g_strdup (value->value));
    }
  draft->id = g_ascii_strtoll (mdk_member_detail_get_field (detail, MDK_MEMBER_DETAIL_FIELD_ID), NULL, 10);
  draft->version = dup_field (detail, MDK_MEMBER_DETAIL_FIELD_VERSION);
  draft->name = dup_field (detail, MDK_MEMBER_DETAIL_FIELD_NAME);
  draft->gender = dup_field (detail, MDK_MEMBER_DETAIL_FIELD_GENDER);
  draft->mobile = dup_field (detail, MDK_MEMBER_DETAIL_FIELD_MOBILE);
  draft->email = dup_field (detail, MDK_MEMBER_DETAIL_FIELD_EMAIL);
  draft->id_number = dup_field (detail, MDK_MEMBER_DETAIL_FIELD_ID_NUMBER);
  draft->birthday = dup_field (detail, MDK_MEMBER_DETAIL_FIELD_BIRTHDAY);
  draft->anniversary = dup_field (detail, MDK_MEMBER_DETAIL_FIELD_ANNIVERSARY);
  draft->home_store_id = g_ascii_strtoll (mdk_member_detail_get_field (detail, MDK_MEMBER_DETAIL_FIELD_HOME_STORE_ID),
                                          NULL, 10);
  draft->entry_channel = dup_field (detail, MDK_MEMBER_DETAIL_FIELD_ENTRY_CHANNEL);
  draft->status = dup_field (detail, MDK_MEMBER_DETAIL_FIELD_STATUS);

  return draft;
}

/**
 * mdk_member_draft_copy:
 * @draft: a draft
 *
 * Returns: (transfer full): a copy of @draft
 */
MdkMemberDraft *
mdk_member_draft_copy (const MdkMemberDraft *draft)
{
  MdkMemberDraft *copy;

  g_return_val_if_fail (draft != NULL, NULL);

  copy = g_memdup2 (draft, sizeof *draft);
  copy->version = g_strdup (draft->version);
  copy->name = g_strdup (draft->name);
  copy->gender = g_strdup (draft->gender);
  copy->mobile = g_strdup (draft->mobile);
  copy->email = g_strdup (draft->email);
  copy->id_number = g_strdup (draft->id_number);
  copy->birthday = g_strdup (draft->birthday);
  copy->anniversary = g_strdup (draft->anniversary);
  copy->entry_channel = g_strdup (draft->entry_channel);
  copy->status = g_strdup (draft->status);
  copy->birthday_reason = g_strdup (draft->birthday_reason);
  copy->tags = g_strdupv (draft->tags);
  copy->custom = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (draft->custom != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, draft->custom);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (copy->custom, g_strdup (key), g_strdup (value));
    }

  return copy;
}

/**
 * mdk_member_draft_free:
 * @draft: (nullable): a draft
 */
void
mdk_member_draft_free (MdkMemberDraft *draft)
{
  if (draft == NULL)
    return;

  g_free (draft->version);
  g_free (draft->name);
  g_free (draft->gender);
  g_free (draft->mobile);
  g_free (draft->email);
  g_free (draft->id_number);
  g_free (draft->birthday);
  g_free (draft->anniversary);
  g_free (draft->entry_channel);
  g_free (draft->status);
  g_free (draft->birthday_reason);
  g_strfreev (draft->tags);
  g_clear_pointer (&draft->custom, g_hash_table_unref);
  g_free (draft);
}

typedef gboolean (*NormalizeFunc) (const char   *text,
                                   const GDate  *today,
                                   char        **normalized,
                                   GError      **error);

static gboolean
normalize_mobile (const char   *text,
                  const GDate  *today,
                  char        **normalized,
                  GError      **error)
{
  return mdk_member_normalize_mobile (text, normalized, error);
}

static gboolean
normalize_email (const char   *text,
                 const GDate  *today,
                 char        **normalized,
                 GError      **error)
{
  return mdk_member_normalize_email (text, normalized, error);
}

static gboolean
normalize_name (const char   *text,
                const GDate  *today,
                char        **normalized,
                GError      **error)
{
  return mdk_member_normalize_name (text, normalized, error);
}

static gboolean
normalize_field (char          **field,
                 NormalizeFunc   normalize,
                 const GDate    *today,
                 GError        **error)
{
  g_autofree char *normalized = NULL;

  if (!normalize (*field, today, &normalized, error))
    return FALSE;

  g_free (*field);
  *field = g_steal_pointer (&normalized);
  return TRUE;
}

static gboolean
is_one_of (const char         *value,
           const char * const *allowed)
{
  return value != NULL && g_strv_contains (allowed, value);
}

/**
 * mdk_member_draft_normalize:
 * @draft: a draft
 * @today: (nullable): the date to judge "in the future" against, or %NULL for today
 * @error: return location for a #GError in %MDK_MEMBER_ERROR
 *
 * Checks every field in the order a form shows them and rewrites each in
 * the spelling the database keeps. The first problem found is the error;
 * its code tells which field it is.
 *
 * Returns: %TRUE when the draft may be saved
 */
gboolean
mdk_member_draft_normalize (MdkMemberDraft  *draft,
                            const GDate     *today,
                            GError         **error)
{
  static const char * const genders[] = { "F", "M", "U", NULL };
  static const char * const channels[] = { "store_counter", "call_center", "website", "batch_import", NULL };
  static const char * const statuses[] = { "active", "inactive", "blacklisted", NULL };

  g_return_val_if_fail (draft != NULL, FALSE);

  if (!normalize_field (&draft->name, normalize_name, today, error))
    return FALSE;

  if (draft->gender == NULL || *draft->gender == '\0')
    {
      g_free (draft->gender);
      draft->gender = g_strdup ("U");
    }
  if (!is_one_of (draft->gender, genders))
    {
      g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_GENDER,
                           _("Choose female, male or not given."));
      return FALSE;
    }

  if (!normalize_field (&draft->mobile, normalize_mobile, today, error) ||
      !normalize_field (&draft->email, normalize_email, today, error) ||
      !normalize_field (&draft->id_number, mdk_member_normalize_id_number, today, error) ||
      !normalize_field (&draft->birthday, mdk_member_normalize_birthday, today, error) ||
      !normalize_field (&draft->anniversary, mdk_member_normalize_anniversary, today, error))
    return FALSE;

  {
    g_autofree char *joined = draft->tags != NULL ? g_strjoinv (",", draft->tags) : NULL;
    char **tags = mdk_member_normalize_tags (joined, error);

    if (tags == NULL)
      return FALSE;
    g_strfreev (draft->tags);
    draft->tags = tags;
  }

  if (draft->mobile == NULL && draft->id_number == NULL)
    {
      g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_NO_CONTACT,
                           _("Enter a mobile number or an ID number, so that the member can be found again."));
      return FALSE;
    }

  if (draft->home_store_id <= 0)
    {
      g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_NO_STORE,
                           _("Choose the member’s home store."));
      return FALSE;
    }

  g_return_val_if_fail (is_one_of (draft->entry_channel, channels), FALSE);
  g_return_val_if_fail (is_one_of (draft->status, statuses), FALSE);

  return TRUE;
}
