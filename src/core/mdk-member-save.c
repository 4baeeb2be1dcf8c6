/* mdk-member-save.c: create and edit members, find the ones already there
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mdk-custom-field.h"
#include "mdk-member-repo.h"

#define MAX_DUPLICATES 5

/* Members other than $3 that have the mobile ($1) or ID number ($2). */
static const char *find_duplicates_sql =
  "SELECT id, name, mobile IS NOT DISTINCT FROM $1 FROM mdk.members "
  "WHERE (mobile = $1 OR id_number = $2) AND id <> $3 "
  "ORDER BY id LIMIT 5";

static const char *insert_member_sql =
  "INSERT INTO mdk.members (name, gender, mobile, email, id_number, birthday, anniversary, "
  "home_store_id, entry_channel, status, group_id, entry_operator_id) "
  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::mdk.entry_channel, $10::mdk.member_status, $11, "
  "mdk.current_operator_id ()) "
  "RETURNING id";

static const char *lock_member_sql =
  "SELECT updated_at::text, birthday::text, mdk.member_birthday_next_change(id)::text, "
  "mdk.member_birthday_next_change(id) > current_date, mdk.current_operator_is_head_office () "
  "FROM mdk.members WHERE id = $1 FOR UPDATE";

static const char *update_member_sql =
  "UPDATE mdk.members SET name = $2, gender = $3, mobile = $4, email = $5, id_number = $6, "
  "anniversary = $7, home_store_id = $8, status = $9::mdk.member_status, group_id = $10 "
  "WHERE id = $1";

/* Values of retired fields stay; those of fields in use are replaced by
 * $2 (keys) and $3 (values, numbers as their digits). */
static const char *update_custom_sql =
  "UPDATE mdk.members m SET custom = "
  "coalesce((SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(m.custom) e "
  "          JOIN mdk.member_fields f ON f.key = e.key AND f.is_retired), '{}') || "
  "coalesce((SELECT jsonb_object_agg(f.key, CASE WHEN f.kind = 'number' THEN to_jsonb(u.v::numeric) "
  "                                        ELSE to_jsonb(u.v) END) "
  "          FROM unnest($2::text[], $3::text[]) AS u (k, v) JOIN mdk.member_fields f ON f.key = u.k), '{}') "
  "WHERE m.id = $1";

static const char *create_tags_sql =
  "INSERT INTO mdk.member_tags (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING";

static const char *unlink_tags_sql =
  "DELETE FROM mdk.member_tag_links WHERE member_id = $1 "
  "AND tag_id NOT IN (SELECT id FROM mdk.member_tags WHERE name = ANY ($2::text[]))";

static const char *link_tags_sql =
  "INSERT INTO mdk.member_tag_links (member_id, tag_id) "
  "SELECT $1, id FROM mdk.member_tags WHERE name = ANY ($2::text[]) ON CONFLICT DO NOTHING";

static const char *change_birthday_sql =
  "SELECT mdk.change_member_birthday($1, $2, $3, $4)";

/**
 * mdk_member_duplicate_free:
 * @duplicate: (nullable): a duplicate
 */
void
mdk_member_duplicate_free (MdkMemberDuplicate *duplicate)
{
  if (duplicate == NULL)
    return;

  g_free (duplicate->name);
  g_free (duplicate);
}

static char *
int64_param (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

/**
 * mdk_member_repo_find_duplicates:
 * @conn: a connection
 * @draft: a normalized draft
 * @error: return location for a #GError
 *
 * Finds the members, other than the draft's own, that already have its
 * mobile number or ID number. Blocks.
 *
 * Returns: (transfer full) (element-type MdkMemberDuplicate): at most five
 *   members, or %NULL with @error set
 */
GPtrArray *
mdk_member_repo_find_duplicates (PGconn                *conn,
                                 const MdkMemberDraft  *draft,
                                 GError               **error)
{
  g_autofree char *id = int64_param (draft->id);
  const char *params[] = { draft->mobile, draft->id_number, id };
  g_autoptr(PGresult) result = NULL;
  GPtrArray *duplicates;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (draft != NULL, NULL);

  result = mdk_pg_exec (conn, find_duplicates_sql, G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return NULL;

  duplicates = g_ptr_array_new_with_free_func ((GDestroyNotify) mdk_member_duplicate_free);
  for (int row = 0; row < PQntuples (result); row++)
    {
      MdkMemberDuplicate *duplicate = g_new0 (MdkMemberDuplicate, 1);

      duplicate->id = mdk_pg_get_int64 (result, row, 0);
      duplicate->name = mdk_pg_get_string (result, row, 1);
      duplicate->field = g_str_equal (PQgetvalue (result, row, 2), "t") ? MDK_MEMBER_DUPLICATE_MOBILE
                                                                         : MDK_MEMBER_DUPLICATE_ID_NUMBER;
      g_ptr_array_add (duplicates, duplicate);
    }

  return duplicates;
}

static void
set_duplicate_error (GError                   **error,
                     const MdkMemberDuplicate  *duplicate)
{
  g_autofree char *number = int64_param (duplicate->id);

  if (duplicate->field == MDK_MEMBER_DUPLICATE_MOBILE)
    g_set_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_DUPLICATE,
                 /* Translators: the first %s is a member's name, the second their member number */
                 _("%s (member %s) already has this mobile number."), duplicate->name, number);
  else
    g_set_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_DUPLICATE,
                 /* Translators: the first %s is a member's name, the second their member number */
                 _("%s (member %s) already has this ID number."), duplicate->name, number);
}

/* A unique index caught what the check before it could not see yet: a
 * member saved at the same moment elsewhere. */
static void
translate_unique_violation (GError **error)
{
  if (error == NULL || !g_error_matches (*error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_UNIQUE_VIOLATION))
    return;

  g_clear_error (error);
  g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_DUPLICATE,
                       _("Another member has just been saved with this mobile number or ID number. "
                         "Search for it before entering the member again."));
}

static gboolean
check_duplicates (PGconn                *conn,
                  const MdkMemberDraft  *draft,
                  GError               **error)
{
  g_autoptr(GPtrArray) duplicates = mdk_member_repo_find_duplicates (conn, draft, error);

  if (duplicates == NULL)
    return FALSE;
  if (duplicates->len > 0)
    {
      set_duplicate_error (error, g_ptr_array_index (duplicates, 0));
      return FALSE;
    }

  return TRUE;
}

static gint64
insert_member (PGconn                *conn,
               const MdkMemberDraft  *draft,
               GError               **error)
{
  g_autofree char *store = int64_param (draft->home_store_id);
  g_autofree char *group = draft->group_id > 0 ? int64_param (draft->group_id) : NULL;
  const char *params[] = {
    draft->name, draft->gender, draft->mobile, draft->email, draft->id_number, draft->birthday,
    draft->anniversary, store, draft->entry_channel, draft->status, group,
  };
  g_autoptr(PGresult) result = mdk_pg_exec (conn, insert_member_sql, G_N_ELEMENTS (params), params, error);

  return result == NULL ? 0 : mdk_pg_get_int64 (result, 0, 0);
}

static gboolean
check_birthday_change (const MdkMemberDraft  *draft,
                       const PGresult        *locked,
                       GError               **error)
{
  const char *old = PQgetisnull (locked, 0, 1) ? NULL : PQgetvalue (locked, 0, 1);
  gboolean too_soon = g_str_equal (PQgetvalue (locked, 0, 3), "t");
  gboolean head_office = g_str_equal (PQgetvalue (locked, 0, 4), "t");

  if (draft->birthday_reason == NULL || *g_strstrip (draft->birthday_reason) == '\0')
    {
      g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_BIRTHDAY_REASON,
                           _("Say why the birthday changes: the change is recorded."));
      return FALSE;
    }

  if (old != NULL && too_soon && !(draft->birthday_override && head_office))
    {
      g_set_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_BIRTHDAY_TOO_SOON,
                   /* Translators: %s is a date */
                   _("This birthday was changed recently. Head office’s policy allows the next change "
                     "on %s; until then only head office can override it."),
                   PQgetvalue (locked, 0, 2));
      return FALSE;
    }

  return TRUE;
}

static gboolean
update_member (PGconn                *conn,
               MdkMemberDraft        *draft,
               GError               **error)
{
  g_autofree char *id = int64_param (draft->id);
  g_autofree char *store = int64_param (draft->home_store_id);
  g_autofree char *group = draft->group_id > 0 ? int64_param (draft->group_id) : NULL;
  const char *lock_params[] = { id };
  const char *params[] = {
    id, draft->name, draft->gender, draft->mobile, draft->email, draft->id_number,
    draft->anniversary, store, draft->status, group,
  };
  g_autoptr(PGresult) locked = mdk_pg_exec (conn, lock_member_sql, 1, lock_params, error);
  const char *old_birthday;

  if (locked == NULL)
    return FALSE;
  if (PQntuples (locked) == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("This member no longer exists. Search again."));
      return FALSE;
    }
  if (g_strcmp0 (PQgetvalue (locked, 0, 0), draft->version) != 0)
    {
      g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_CHANGED,
                           _("Somebody else changed this member while you were editing. "
                             "Close the form and open the member again to see their changes."));
      return FALSE;
    }

  old_birthday = PQgetisnull (locked, 0, 1) ? NULL : PQgetvalue (locked, 0, 1);
  if (g_strcmp0 (old_birthday, draft->birthday) != 0)
    {
      const char *birthday_params[] = {
        id, draft->birthday, draft->birthday_reason, draft->birthday_override ? "true" : "false",
      };

      if (!check_birthday_change (draft, locked, error) ||
          !mdk_pg_exec_command (conn, change_birthday_sql, G_N_ELEMENTS (birthday_params),
                                birthday_params, error))
        return FALSE;
    }

  return mdk_pg_exec_command (conn, update_member_sql, G_N_ELEMENTS (params), params, error);
}

/* Checks the draft's custom values against the fields in use, in the
 * transaction that saves them, and gives them as two text[] literals. */
static gboolean
custom_arrays (PGconn          *conn,
               MdkMemberDraft  *draft,
               char           **keys,
               char           **values,
               GError         **error)
{
  g_autoptr(GListModel) fields = mdk_custom_fields_load (conn, error);
  g_autoptr(GPtrArray) key_list = g_ptr_array_new ();
  g_autoptr(GPtrArray) value_list = g_ptr_array_new_with_free_func (g_free);

  if (fields == NULL)
    return FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (fields); i++)
    {
      g_autoptr(MdkCustomField) field = g_list_model_get_item (fields, i);
      const char *typed = draft->custom ? g_hash_table_lookup (draft->custom, mdk_custom_field_get_key (field)) : NULL;
      g_autofree char *value = NULL;

      if (!mdk_custom_field_normalize_value (field, typed, &value, error))
        return FALSE;
      if (value == NULL)
        continue;
      g_ptr_array_add (key_list, (gpointer) mdk_custom_field_get_key (field));
      g_ptr_array_add (value_list, g_steal_pointer (&value));
    }

  g_ptr_array_add (key_list, NULL);
  g_ptr_array_add (value_list, NULL);
  *keys = mdk_pg_text_array ((const char * const *) key_list->pdata);
  *values = mdk_pg_text_array ((const char * const *) value_list->pdata);
  return TRUE;
}

static gboolean
save_classification (PGconn          *conn,
                     gint64           member_id,
                     MdkMemberDraft  *draft,
                     GError         **error)
{
  g_autofree char *id = int64_param (member_id);
  g_autofree char *keys = NULL;
  g_autofree char *values = NULL;
  g_autofree char *tags = mdk_pg_text_array ((const char * const *) draft->tags);
  const char *custom_params[3] = { id, NULL, NULL };
  const char *tag_params[] = { id, tags };

  if (!custom_arrays (conn, draft, &keys, &values, error))
    return FALSE;
  custom_params[1] = keys;
  custom_params[2] = values;

  return mdk_pg_exec_command (conn, update_custom_sql, 3, custom_params, error) &&
         mdk_pg_exec_command (conn, create_tags_sql, 1, &tag_params[1], error) &&
         mdk_pg_exec_command (conn, unlink_tags_sql, 2, tag_params, error) &&
         mdk_pg_exec_command (conn, link_tags_sql, 2, tag_params, error);
}

static void
translate_foreign_key_violation (GError **error)
{
  if (error == NULL || !g_error_matches (*error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_FOREIGN_KEY_VIOLATION))
    return;

  g_clear_error (error);
  g_set_error_literal (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_GROUP,
                       _("The chosen group or store no longer exists. Choose again."));
}

/**
 * mdk_member_repo_save:
 * @conn: a connection, in a transaction
 * @draft: a draft; normalized here
 * @error: return location for a #GError
 *
 * Creates the member (when @draft's id is 0) or changes it, with its
 * group, tags (a tag used for the first time is created) and custom
 * values (checked against the fields in use). A new member
 * records the session's operator (mdk.current_operator_id()). A changed
 * birthday goes through mdk.change_member_birthday(): it needs a reason and
 * follows head office's policy. Refuses a draft whose mobile or ID number
 * another member has, and an edit of a member changed since @draft was
 * read. Run it with %MDK_DATABASE_RUN_TRANSACTION. Blocks.
 *
 * Returns: the member number, or 0 with @error set (in %MDK_MEMBER_ERROR
 *   for what the person can fix)
 */
gint64
mdk_member_repo_save (PGconn          *conn,
                      MdkMemberDraft  *draft,
                      GError         **error)
{
  gint64 id;

  g_return_val_if_fail (conn != NULL, 0);
  g_return_val_if_fail (draft != NULL, 0);

  if (!mdk_member_draft_normalize (draft, NULL, error) || !check_duplicates (conn, draft, error))
    return 0;

  if (draft->id == 0)
    id = insert_member (conn, draft, error);
  else
    id = update_member (conn, draft, error) ? draft->id : 0;

  if (id != 0 && !save_classification (conn, id, draft, error))
    id = 0;

  if (id == 0)
    {
      translate_unique_violation (error);
      translate_foreign_key_violation (error);
    }

  return id;
}

static gpointer
save_work (PGconn        *conn,
           gpointer       work_data,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(MdkMemberDraft) draft = mdk_member_draft_copy (work_data);
  gint64 id = mdk_member_repo_save (conn, draft, error);

  return id == 0 ? NULL : g_memdup2 (&id, sizeof id);
}

/**
 * mdk_member_repo_save_async:
 * @database: a #MdkDatabase
 * @draft: the member to save (copied)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Does mdk_member_repo_save() in a transaction off the calling thread.
 */
void
mdk_member_repo_save_async (MdkDatabase          *database,
                            const MdkMemberDraft *draft,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  g_return_if_fail (MDK_IS_DATABASE (database));
  g_return_if_fail (draft != NULL);

  mdk_database_run_async (database, MDK_DATABASE_RUN_TRANSACTION, save_work,
                          mdk_member_draft_copy (draft), (GDestroyNotify) mdk_member_draft_free, g_free,
                          cancellable, callback, user_data);
}

/**
 * mdk_member_repo_save_finish:
 * @database: a #MdkDatabase
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: the member number, or 0 with @error set
 */
gint64
mdk_member_repo_save_finish (MdkDatabase   *database,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_autofree gint64 *id = mdk_database_run_finish (database, result, error);

  return id == NULL ? 0 : *id;
}

static gpointer
find_duplicates_work (PGconn        *conn,
                      gpointer       work_data,
                      GCancellable  *cancellable,
                      GError       **error)
{
  return mdk_member_repo_find_duplicates (conn, work_data, error);
}

/**
 * mdk_member_repo_find_duplicates_async:
 * @database: a #MdkDatabase
 * @draft: a normalized draft (copied)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Does mdk_member_repo_find_duplicates() off the calling thread.
 */
void
mdk_member_repo_find_duplicates_async (MdkDatabase          *database,
                                       const MdkMemberDraft *draft,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data)
{
  g_return_if_fail (MDK_IS_DATABASE (database));
  g_return_if_fail (draft != NULL);

  mdk_database_run_async (database, MDK_DATABASE_RUN_READ_ONLY, find_duplicates_work,
                          mdk_member_draft_copy (draft), (GDestroyNotify) mdk_member_draft_free,
                          (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * mdk_member_repo_find_duplicates_finish:
 * @database: a #MdkDatabase
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type MdkMemberDuplicate): the members
 *   found, or %NULL with @error set
 */
GPtrArray *
mdk_member_repo_find_duplicates_finish (MdkDatabase   *database,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return mdk_database_run_finish (database, result, error);
}
