/* mdk-member-import.c: enterprise batch import of members, as one unit
 *
 * The file is read and every row checked here, with the same rules as the
 * member form; the rows that pass are sent with COPY into a temporary
 * table, and everything else happens in SQL, in the transaction the
 * caller runs: rows repeating a mobile or ID number of an earlier row are
 * refused, rows for existing members are skipped, updated or merged, the
 * rest become members. Nothing lands unless all of it does: a cancel, a
 * crash or a killed process leave the database as it was. Run again, the
 * same file finds its members already there and creates nobody twice.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mdk-choice.h"
#include "mdk-csv-reader.h"
#include "mdk-custom-field.h"
#include "mdk-database-error.h"
#include "mdk-member-draft.h"
#include "mdk-member-import.h"
#include "mdk-pg-copy.h"
#include "mdk-pinyin.h"
#include "mdk-progress.h"
#include "mdk-table-reader.h"

#define N_PREVIEW_ROWS 8
/* Reading and checking the file is this share of the progress bar. */
#define READ_SHARE 0.6

/* Header spellings, compared after folding case and dropping spaces,
 * underscores, dashes, dots, asterisks, colons and brackets. */
static const struct {
  const char *header;
  const char *target;
} synonyms[] = {
  { "name", "name" }, { "fullname", "name" }, { "membername", "name" }, { "customername", "name" },
  { "姓名", "name" }, { "名字", "name" }, { "会员姓名", "name" }, { "客户姓名", "name" }, { "会员名称", "name" },
  { "mobile", "mobile" }, { "mobilenumber", "mobile" }, { "mobilephone", "mobile" }, { "phone", "mobile" },
  { "phonenumber", "mobile" }, { "cellphone", "mobile" }, { "cell", "mobile" }, { "tel", "mobile" },
  { "telephone", "mobile" }, { "手机", "mobile" }, { "手机号", "mobile" }, { "手机号码", "mobile" },
  { "电话", "mobile" }, { "联系电话", "mobile" }, { "移动电话", "mobile" }, { "电话号码", "mobile" },
  { "gender", "gender" }, { "sex", "gender" }, { "性别", "gender" },
  { "email", "email" }, { "mail", "email" }, { "emailaddress", "email" }, { "邮箱", "email" },
  { "电子邮箱", "email" }, { "电子邮件", "email" }, { "邮件", "email" },
  { "idnumber", "id_number" }, { "idcard", "id_number" }, { "idcardnumber", "id_number" },
  { "residentid", "id_number" }, { "身份证", "id_number" }, { "身份证号", "id_number" },
  { "身份证号码", "id_number" }, { "证件号", "id_number" }, { "证件号码", "id_number" },
  { "birthday", "birthday" }, { "birthdate", "birthday" }, { "dateofbirth", "birthday" }, { "dob", "birthday" },
  { "生日", "birthday" }, { "出生日期", "birthday" }, { "出生年月日", "birthday" },
  { "anniversary", "anniversary" }, { "纪念日", "anniversary" }, { "结婚纪念日", "anniversary" },
  { "store", "store" }, { "storecode", "store" }, { "homestore", "store" }, { "shop", "store" },
  { "门店", "store" }, { "所属门店", "store" }, { "门店编码", "store" }, { "门店代码", "store" },
  { "门店名称", "store" }, { "开卡门店", "store" },
  { "group", "group" }, { "membergroup", "group" }, { "分组", "group" }, { "会员分组", "group" },
  { "tags", "tags" }, { "tag", "tags" }, { "labels", "tags" }, { "标签", "tags" }, { "会员标签", "tags" },
};

static const char * const known_targets[] = {
  "name", "mobile", "gender", "email", "id_number", "birthday", "anniversary", "store", "group", "tags", NULL,
};

/**
 * mdk_import_target_for_header:
 * @header: a column header, English or Chinese
 * @custom_fields: (nullable): the custom fields in use, as #MdkCustomField
 *
 * Returns: the column's target ("name", "mobile", …, "custom:KEY"), or ""
 *   when the header means nothing Memberdesk knows
 */
const char *
mdk_import_target_for_header (const char *header,
                              GListModel *custom_fields)
{
  g_autofree char *folded = mdk_table_fold_header (header);

  for (guint i = 0; i < G_N_ELEMENTS (synonyms); i++)
    if (g_str_equal (folded, synonyms[i].header))
      return synonyms[i].target;

  for (guint i = 0; custom_fields != NULL && i < g_list_model_get_n_items (custom_fields); i++)
    {
      g_autoptr(MdkCustomField) field = g_list_model_get_item (custom_fields, i);
      g_autofree char *label = mdk_table_fold_header (mdk_custom_field_get_label (field));

      if (g_str_equal (folded, label))
        {
          g_autofree char *target = g_strconcat ("custom:", mdk_custom_field_get_key (field), NULL);

          return g_intern_string (target);
        }
    }

  return "";
}

/**
 * mdk_import_plan_new:
 * @path: a CSV file or an .xlsx workbook (its first sheet)
 * @custom_fields: (nullable): the custom fields in use, to recognise their columns
 * @error: return location for a #GError
 *
 * Reads the header and the first rows, and proposes what each column
 * holds. Duplicates are skipped unless the caller says otherwise.
 *
 * Returns: (transfer full) (nullable): the plan
 */
MdkImportPlan *
mdk_import_plan_new (const char  *path,
                     GListModel  *custom_fields,
                     GError     **error)
{
  g_autoptr(MdkTableReader) source = NULL;
  g_autoptr(MdkImportPlan) plan = g_new0 (MdkImportPlan, 1);
  g_autoptr(GError) local_error = NULL;
  char **row;
  guint n_columns;

  g_return_val_if_fail (path != NULL, NULL);

  if ((source = mdk_table_reader_open (path, error)) == NULL)
    return NULL;

  plan->path = g_strdup (path);
  plan->encoding = g_strdup (mdk_table_reader_get_encoding (source));
  plan->preview = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  plan->header = mdk_table_reader_next (source, &local_error);
  if (plan->header == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                             _("This file is empty. Choose the file with the members."));
      return NULL;
    }

  n_columns = g_strv_length (plan->header);
  plan->targets = g_new0 (char *, n_columns + 1);
  for (guint i = 0; i < n_columns; i++)
    {
      const char *target = mdk_import_target_for_header (plan->header[i], custom_fields);
      gboolean taken = FALSE;

      /* A second column of the same meaning is left for the person to map. */
      for (guint j = 0; j < i && *target != '\0'; j++)
        taken |= g_str_equal (plan->targets[j], target);
      plan->targets[i] = g_strdup (taken ? "" : target);
    }

  while (plan->preview->len < N_PREVIEW_ROWS && (row = mdk_table_reader_next (source, NULL)) != NULL)
    {
      if (mdk_table_row_is_blank (row))
        g_strfreev (row);
      else
        g_ptr_array_add (plan->preview, row);
    }

  return g_steal_pointer (&plan);
}

/**
 * mdk_import_plan_copy:
 * @plan: a plan
 *
 * Returns: (transfer full): a copy
 */
MdkImportPlan *
mdk_import_plan_copy (const MdkImportPlan *plan)
{
  MdkImportPlan *copy = g_new0 (MdkImportPlan, 1);

  copy->path = g_strdup (plan->path);
  copy->header = g_strdupv (plan->header);
  copy->targets = g_strdupv (plan->targets);
  copy->preview = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (guint i = 0; plan->preview != NULL && i < plan->preview->len; i++)
    g_ptr_array_add (copy->preview, g_strdupv (g_ptr_array_index (plan->preview, i)));
  copy->encoding = g_strdup (plan->encoding);
  copy->default_store_id = plan->default_store_id;
  copy->duplicates = plan->duplicates;
  return copy;
}

void
mdk_import_plan_free (MdkImportPlan *plan)
{
  if (plan == NULL)
    return;

  g_free (plan->path);
  g_strfreev (plan->header);
  g_strfreev (plan->targets);
  g_clear_pointer (&plan->preview, g_ptr_array_unref);
  g_free (plan->encoding);
  g_free (plan);
}

static int
column_of (const MdkImportPlan *plan,
           const char          *target)
{
  for (int i = 0; plan->targets[i] != NULL; i++)
    if (g_str_equal (plan->targets[i], target))
      return i;
  return -1;
}

/**
 * mdk_import_plan_check:
 * @plan: a plan
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the mapping can import members: a name column, a
 *   mobile or ID number column, a home store for every row, and no
 *   meaning given to two columns
 */
gboolean
mdk_import_plan_check (const MdkImportPlan  *plan,
                       GError              **error)
{
  g_return_val_if_fail (plan != NULL, FALSE);

  for (guint i = 0; plan->targets[i] != NULL; i++)
    {
      if (*plan->targets[i] == '\0')
        continue;
      if (!g_str_has_prefix (plan->targets[i], "custom:") && !g_strv_contains (known_targets, plan->targets[i]))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” is not something a column can hold."),
                       plan->targets[i]);
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        if (g_str_equal (plan->targets[i], plan->targets[j]))
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         /* Translators: the two %s are column headers of the file */
                         _("The columns “%s” and “%s” are both mapped to the same field. Map one of them to "
                           "something else or ignore it."), plan->header[j], plan->header[i]);
            return FALSE;
          }
    }

  if (column_of (plan, "name") < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Choose the column that holds the members’ names."));
      return FALSE;
    }
  if (column_of (plan, "mobile") < 0 && column_of (plan, "id_number") < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Choose the column with the mobile numbers or the one with the ID numbers: "
                             "members are found again by them."));
      return FALSE;
    }
  if (column_of (plan, "store") < 0 && plan->default_store_id <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Choose the home store for the imported members, or the column that names it."));
      return FALSE;
    }

  return TRUE;
}

static void
rejection_free (MdkImportRejection *rejection)
{
  g_free (rejection->reason);
  g_strfreev (rejection->fields);
  g_free (rejection);
}

void
mdk_import_result_free (MdkImportResult *result)
{
  if (result == NULL)
    return;

  g_clear_pointer (&result->rejections, g_ptr_array_unref);
  g_free (result);
}

/* Import state */

typedef struct
{
  const MdkImportPlan   *plan;
  PGconn                *conn;
  MdkImportResult       *result;
  GListModel            *fields;
  GHashTable            *fields_by_key;   /* key → MdkCustomField */
  GHashTable            *stores;          /* code or name → id */
  GHashTable            *groups;          /* name → id */
  MdkImportProgressFunc  progress;
  gpointer               progress_data;
  GCancellable          *cancellable;
} Import;

static void
reject (Import      *import,
        guint64      line,
        const char  *reason,
        char       **fields)
{
  MdkImportRejection *rejection = g_new0 (MdkImportRejection, 1);

  rejection->line = line;
  rejection->reason = g_strdup (reason);
  rejection->fields = g_strdupv (fields);
  g_ptr_array_add (import->result->rejections, rejection);
}

static void
report (Import     *import,
        double      fraction,
        const char *stage)
{
  if (import->progress != NULL)
    import->progress (fraction, stage, import->progress_data);
}

static gboolean
load_lookups (Import  *import,
              GError **error)
{
  g_autoptr(PGresult) stores = NULL;
  g_autoptr(GListModel) groups = NULL;

  import->fields = mdk_custom_fields_load (import->conn, error);
  if (import->fields == NULL)
    return FALSE;
  import->fields_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (import->fields); i++)
    {
      MdkCustomField *field = g_list_model_get_item (import->fields, i);

      g_hash_table_insert (import->fields_by_key, (gpointer) mdk_custom_field_get_key (field), field);
    }

  stores = mdk_pg_exec (import->conn, "SELECT id, code, name FROM mdk.stores WHERE is_active", 0, NULL, error);
  if (stores == NULL)
    return FALSE;
  import->stores = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int row = 0; row < PQntuples (stores); row++)
    {
      gint64 id = mdk_pg_get_int64 (stores, row, 0);

      g_hash_table_insert (import->stores, mdk_table_fold_header (PQgetvalue (stores, row, 1)), GSIZE_TO_POINTER (id));
      g_hash_table_insert (import->stores, mdk_table_fold_header (PQgetvalue (stores, row, 2)), GSIZE_TO_POINTER (id));
    }

  if ((groups = mdk_choice_load_groups (import->conn, error)) == NULL)
    return FALSE;
  import->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
    {
      g_autoptr(MdkChoice) group = g_list_model_get_item (groups, i);

      g_hash_table_insert (import->groups, mdk_table_fold_header (mdk_choice_get_label (group)),
                           GSIZE_TO_POINTER (mdk_choice_get_id (group)));
    }

  return TRUE;
}

static void
json_string (GString    *out,
             const char *value)
{
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* Checks one row as the member form would. Returns the draft, the custom
 * values as a JSON object and the store and group, or %NULL with the
 * reason in @error. */
static MdkMemberDraft *
row_draft (Import      *import,
           char       **fields,
           char       **custom_json,
           GError     **error)
{
  const MdkImportPlan *plan = import->plan;
  g_autoptr(MdkMemberDraft) draft = mdk_member_draft_new ();
  g_autoptr(GString) custom = g_string_new ("{");
  const char *store = mdk_table_row_field (fields, column_of (plan, "store"));
  const char *group = mdk_table_row_field (fields, column_of (plan, "group"));
  const char *tags = mdk_table_row_field (fields, column_of (plan, "tags"));

#define TAKE(member, target) G_STMT_START { draft->member = g_strdup (mdk_table_row_field (fields, column_of (plan, target))); } G_STMT_END
  TAKE (name, "name");
  TAKE (mobile, "mobile");
  TAKE (email, "email");
  TAKE (id_number, "id_number");
  TAKE (birthday, "birthday");
  TAKE (anniversary, "anniversary");
#undef TAKE

  g_free (draft->gender);
  draft->gender = NULL;
  if (!mdk_member_normalize_gender (mdk_table_row_field (fields, column_of (plan, "gender")), &draft->gender, error))
    return NULL;

  g_free (draft->entry_channel);
  draft->entry_channel = g_strdup ("batch_import");

  if (mdk_table_has_text (store))
    {
      g_autofree char *folded = mdk_table_fold_header (store);

      draft->home_store_id = GPOINTER_TO_SIZE (g_hash_table_lookup (import->stores, folded));
      if (draft->home_store_id == 0)
        {
          g_set_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_NO_STORE,
                       _("There is no open store with the code or name “%s”."), store);
          return NULL;
        }
    }
  else
    draft->home_store_id = plan->default_store_id;

  if (mdk_table_has_text (group))
    {
      g_autofree char *folded = mdk_table_fold_header (group);

      draft->group_id = GPOINTER_TO_SIZE (g_hash_table_lookup (import->groups, folded));
      if (draft->group_id == 0)
        {
          g_set_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_GROUP,
                       _("There is no member group named “%s”. Head office adds groups in Groups and Fields."),
                       group);
          return NULL;
        }
    }

  g_strfreev (draft->tags);
  draft->tags = g_new0 (char *, 2);
  draft->tags[0] = g_strdup (tags);

  if (!mdk_member_draft_normalize (draft, NULL, error))
    return NULL;

  for (guint i = 0; plan->targets[i] != NULL; i++)
    {
      MdkCustomField *field;
      g_autofree char *value = NULL;

      if (!g_str_has_prefix (plan->targets[i], "custom:"))
        continue;
      field = g_hash_table_lookup (import->fields_by_key, plan->targets[i] + strlen ("custom:"));
      if (field == NULL || !mdk_custom_field_normalize_value (field, mdk_table_row_field (fields, i), &value, error))
        {
          if (field == NULL)
            g_set_error (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_INVALID_CUSTOM,
                         _("The custom field of column “%s” is no longer in use."), plan->header[i]);
          return NULL;
        }
      if (value == NULL)
        continue;
      if (custom->len > 1)
        g_string_append_c (custom, ',');
      json_string (custom, mdk_custom_field_get_key (field));
      g_string_append_c (custom, ':');
      if (g_str_equal (mdk_custom_field_get_kind (field), "number"))
        g_string_append (custom, value);
      else
        json_string (custom, value);
    }
  g_string_append_c (custom, '}');

  *custom_json = g_string_free (g_steal_pointer (&custom), FALSE);
  return g_steal_pointer (&draft);
}

static const char *create_staging_sql =
  "CREATE TEMPORARY TABLE import_rows ("
  "  line bigint PRIMARY KEY, name text, gender char(1), mobile text, email text, id_number text,"
  "  birthday date, anniversary date, store_id bigint, group_id bigint, tags text[], custom jsonb,"
  "  name_pinyin text, name_initials text, name_grams text[], raw text[], member_id bigint"
  ") ON COMMIT DROP";

static const char *copy_staging_sql =
  "COPY import_rows (line, name, gender, mobile, email, id_number, birthday, anniversary, store_id, group_id,"
  " tags, custom, name_pinyin, name_initials, name_grams, raw) FROM STDIN";

static void
copy_row (GString              *buffer,
          guint64               line,
          const MdkMemberDraft *draft,
          const char           *custom,
          char                **fields)
{
  char number[32];
  g_autofree char *store = g_strdup_printf ("%" G_GINT64_FORMAT, draft->home_store_id);
  g_autofree char *group = draft->group_id > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, draft->group_id) : NULL;
  g_autofree char *tags = mdk_pg_text_array ((const char * const *) draft->tags);
  g_autofree char *pinyin = mdk_name_pinyin (draft->name);
  g_autofree char *initials = mdk_name_initials (draft->name);
  g_auto(GStrv) grams = mdk_name_grams (draft->name);
  g_autofree char *grams_literal = mdk_pg_text_array ((const char * const *) grams);
  g_autofree char *raw = mdk_pg_text_array ((const char * const *) fields);

  g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, line);
  mdk_pg_copy_field (buffer, number, FALSE);
  mdk_pg_copy_field (buffer, draft->name, FALSE);
  mdk_pg_copy_field (buffer, draft->gender, FALSE);
  mdk_pg_copy_field (buffer, draft->mobile, FALSE);
  mdk_pg_copy_field (buffer, draft->email, FALSE);
  mdk_pg_copy_field (buffer, draft->id_number, FALSE);
  mdk_pg_copy_field (buffer, draft->birthday, FALSE);
  mdk_pg_copy_field (buffer, draft->anniversary, FALSE);
  mdk_pg_copy_field (buffer, store, FALSE);
  mdk_pg_copy_field (buffer, group, FALSE);
  mdk_pg_copy_field (buffer, tags, FALSE);
  mdk_pg_copy_field (buffer, custom, FALSE);
  mdk_pg_copy_field (buffer, pinyin, FALSE);
  mdk_pg_copy_field (buffer, initials, FALSE);
  mdk_pg_copy_field (buffer, grams_literal, FALSE);
  mdk_pg_copy_field (buffer, raw, TRUE);
}

/* Reads the file into import_rows; rows that fail their checks are
 * rejected on the way. */
static gboolean
read_rows (Import  *import,
           GError **error)
{
  g_autoptr(MdkTableReader) reader = mdk_table_reader_open (import->plan->path, error);
  g_autoptr(GString) buffer = NULL;
  g_autoptr(GError) read_error = NULL;
  MdkPgCopy copy = { import->conn, NULL, import->cancellable };
  char **fields;
  gboolean ok = TRUE;
  guint n_header = g_strv_length (import->plan->header);

  if (reader == NULL)
    return FALSE;

  buffer = g_string_sized_new (MDK_PG_COPY_BUFFER_SIZE + 4096);
  copy.buffer = buffer;
  g_strfreev (mdk_table_reader_next (reader, &read_error));  /* the header */
  if (!mdk_pg_copy_begin (&copy, copy_staging_sql, error))
    return FALSE;

  while (ok && read_error == NULL && (fields = mdk_table_reader_next (reader, &read_error)) != NULL)
    {
      g_auto(GStrv) row = fields;
      g_autoptr(GError) row_error = NULL;
      g_autoptr(MdkMemberDraft) draft = NULL;
      g_autofree char *custom = NULL;
      guint64 line = mdk_table_reader_get_line (reader);

      if (mdk_table_row_is_blank (row))
        continue;
      import->result->n_rows++;

      if (g_strv_length (row) > n_header)
        {
          reject (import, line, _("This row has more cells than the header: a comma in a value may be missing "
                                  "its quotes."), row);
          continue;
        }

      draft = row_draft (import, row, &custom, &row_error);
      if (draft == NULL)
        {
          reject (import, line, row_error->message, row);
          continue;
        }

      copy_row (buffer, line, draft, custom, row);
      ok = mdk_pg_copy_row_done (&copy, error);

      if (ok && import->result->n_rows % 4096 == 0)
        {
          ok = !g_cancellable_set_error_if_cancelled (import->cancellable, error);
          report (import, READ_SHARE * mdk_table_reader_get_fraction (reader), _("Reading the file"));
        }
    }

  if (ok && read_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&read_error));
      ok = FALSE;
    }
  return mdk_pg_copy_end (&copy, ok, ok ? error : NULL) && ok;
}

/* Rows after the first with the same mobile or ID number in the file. */
static const char *repeated_in_file_sql =
  "WITH firsts AS ("
  "  SELECT line, first_value(line) OVER (PARTITION BY mobile ORDER BY line) AS first, 'mobile' AS what"
  "  FROM import_rows WHERE mobile IS NOT NULL"
  "  UNION ALL"
  "  SELECT line, first_value(line) OVER (PARTITION BY id_number ORDER BY line), 'id_number'"
  "  FROM import_rows WHERE id_number IS NOT NULL"
  "), repeated AS ("
  "  SELECT DISTINCT ON (line) line, first, what FROM firsts WHERE first <> line ORDER BY line, what"
  ") "
  "DELETE FROM import_rows r USING repeated d WHERE r.line = d.line "
  "RETURNING r.line, d.first, d.what, r.raw";

/* A row whose mobile is one member's and ID number another's. */
static const char *conflicting_sql =
  "WITH conflicts AS ("
  "  SELECT r.line, a.id AS by_mobile, b.id AS by_id FROM import_rows r"
  "  JOIN mdk.members a ON a.mobile = r.mobile"
  "  JOIN mdk.members b ON b.id_number = r.id_number"
  "  WHERE a.id <> b.id"
  ") "
  "DELETE FROM import_rows r USING conflicts c WHERE r.line = c.line "
  "RETURNING r.line, c.by_mobile, c.by_id, r.raw";

static const char *match_by_mobile_sql =
  "UPDATE import_rows r SET member_id = m.id FROM mdk.members m WHERE m.mobile = r.mobile";

static const char *match_by_id_number_sql =
  "UPDATE import_rows r SET member_id = m.id FROM mdk.members m "
  "WHERE r.member_id IS NULL AND m.id_number = r.id_number";

static const char *skip_existing_sql =
  "DELETE FROM import_rows WHERE member_id IS NOT NULL";

static const char *count_birthdays_kept_sql =
  "SELECT count(*) FROM import_rows r JOIN mdk.members m ON m.id = r.member_id "
  "WHERE m.birthday IS NOT NULL AND r.birthday IS NOT NULL AND m.birthday <> r.birthday";

/* Update: the row's values replace the member's, where the row has one. */
static const char *update_existing_sql =
  "UPDATE mdk.members m SET "
  "  name = r.name, name_pinyin = r.name_pinyin, name_initials = r.name_initials, name_grams = r.name_grams,"
  "  gender = CASE WHEN r.gender <> 'U' THEN r.gender ELSE m.gender END,"
  "  mobile = coalesce(r.mobile, m.mobile), email = coalesce(r.email, m.email),"
  "  id_number = coalesce(r.id_number, m.id_number), anniversary = coalesce(r.anniversary, m.anniversary),"
  "  group_id = coalesce(r.group_id, m.group_id), custom = m.custom || r.custom "
  "FROM import_rows r WHERE m.id = r.member_id";

/* Merge: the row fills only what the member lacks. */
static const char *merge_existing_sql =
  "UPDATE mdk.members m SET "
  "  gender = CASE WHEN m.gender = 'U' THEN r.gender ELSE m.gender END,"
  "  mobile = coalesce(m.mobile, r.mobile), email = coalesce(m.email, r.email),"
  "  id_number = coalesce(m.id_number, r.id_number), anniversary = coalesce(m.anniversary, r.anniversary),"
  "  group_id = coalesce(m.group_id, r.group_id), custom = r.custom || m.custom "
  "FROM import_rows r WHERE m.id = r.member_id";

/* A birthday the member did not have yet is recorded as any birthday is. */
static const char *set_missing_birthdays_sql =
  "SELECT count(mdk.change_member_birthday(m.id, r.birthday, $1)) "
  "FROM import_rows r JOIN mdk.members m ON m.id = r.member_id "
  "WHERE m.birthday IS NULL AND r.birthday IS NOT NULL";

static const char *insert_new_sql =
  "INSERT INTO mdk.members (name, gender, mobile, email, id_number, birthday, anniversary, home_store_id,"
  " entry_channel, entry_operator_id, group_id, custom, name_pinyin, name_initials, name_grams, import_id) "
  "SELECT name, gender, mobile, email, id_number, birthday, anniversary, store_id, 'batch_import',"
  " mdk.current_operator_id (), group_id, custom, name_pinyin, name_initials, name_grams, $1 "
  "FROM import_rows WHERE member_id IS NULL ORDER BY line "
  "ON CONFLICT DO NOTHING";

static const char *find_inserted_by_mobile_sql =
  "UPDATE import_rows r SET member_id = m.id FROM mdk.members m "
  "WHERE r.member_id IS NULL AND m.import_id = $1 AND m.mobile = r.mobile";

static const char *find_inserted_by_id_number_sql =
  "UPDATE import_rows r SET member_id = m.id FROM mdk.members m "
  "WHERE r.member_id IS NULL AND m.import_id = $1 AND m.id_number = r.id_number";

/* Rows another channel entered while the import ran. */
static const char *lost_race_sql =
  "DELETE FROM import_rows WHERE member_id IS NULL RETURNING line, raw";

static const char *create_tags_sql =
  "INSERT INTO mdk.member_tags (name) SELECT DISTINCT unnest(tags) FROM import_rows "
  "ON CONFLICT (name) DO NOTHING";

static const char *link_tags_sql =
  "INSERT INTO mdk.member_tag_links (member_id, tag_id) "
  "SELECT r.member_id, t.id FROM import_rows r CROSS JOIN LATERAL unnest(r.tags) AS n (name) "
  "JOIN mdk.member_tags t ON t.name = n.name "
  "ON CONFLICT DO NOTHING";

static const char *start_import_sql =
  "INSERT INTO mdk.member_imports (file_name, duplicates, operator_id) "
  "VALUES ($1, $2::mdk.import_duplicates, mdk.current_operator_id ()) RETURNING id";

static const char *finish_import_sql =
  "UPDATE mdk.member_imports SET n_rows = $2, n_inserted = $3, n_updated = $4, n_skipped = $5, "
  "n_rejected = $6, finished_at = clock_timestamp() WHERE id = $1";

static char **
raw_fields (const PGresult *result,
            int             row,
            int             column)
{
  /* The raw cells come back as a text[] literal; the staging table kept
   * them only for this report, so parse them with the server's help. */
  const char *literal = PQgetvalue (result, row, column);
  GPtrArray *fields = g_ptr_array_new ();
  const char *p = literal + 1;

  while (*p != '\0' && *p != '}')
    {
      GString *field = g_string_new (NULL);

      if (*p == '"')
        {
          for (p++; *p != '\0' && *p != '"'; p++)
            {
              if (*p == '\\' && p[1] != '\0')
                p++;
              g_string_append_c (field, *p);
            }
          if (*p == '"')
            p++;
        }
      else
        {
          for (; *p != '\0' && *p != ',' && *p != '}'; p++)
            g_string_append_c (field, *p);
          if (g_str_equal (field->str, "NULL"))
            g_string_truncate (field, 0);
        }
      g_ptr_array_add (fields, g_string_free (field, FALSE));
      if (*p == ',')
        p++;
    }

  g_ptr_array_add (fields, NULL);
  return (char **) g_ptr_array_free (fields, FALSE);
}

static gboolean
reject_repeated (Import  *import,
                 GError **error)
{
  g_autoptr(PGresult) result = mdk_pg_exec (import->conn, repeated_in_file_sql, 0, NULL, error);

  if (result == NULL)
    return FALSE;

  for (int row = 0; row < PQntuples (result); row++)
    {
      g_auto(GStrv) fields = raw_fields (result, row, 3);
      g_autofree char *reason = NULL;

      if (g_str_equal (PQgetvalue (result, row, 2), "mobile"))
        /* Translators: %s is a line number of the file */
        reason = g_strdup_printf (_("The same mobile number as line %s of the file."), PQgetvalue (result, row, 1));
      else
        /* Translators: %s is a line number of the file */
        reason = g_strdup_printf (_("The same ID number as line %s of the file."), PQgetvalue (result, row, 1));
      reject (import, g_ascii_strtoull (PQgetvalue (result, row, 0), NULL, 10), reason, fields);
    }

  return TRUE;
}

static gboolean
reject_conflicting (Import  *import,
                    GError **error)
{
  g_autoptr(PGresult) result = mdk_pg_exec (import->conn, conflicting_sql, 0, NULL, error);

  if (result == NULL)
    return FALSE;

  for (int row = 0; row < PQntuples (result); row++)
    {
      g_auto(GStrv) fields = raw_fields (result, row, 3);
      /* Translators: the two %s are member numbers */
      g_autofree char *reason = g_strdup_printf (_("The mobile number belongs to member %s and the ID number to "
                                                   "member %s. Correct the row or the members."),
                                                 PQgetvalue (result, row, 1), PQgetvalue (result, row, 2));

      reject (import, g_ascii_strtoull (PQgetvalue (result, row, 0), NULL, 10), reason, fields);
    }

  return TRUE;
}

static gint64
exec_count (PGconn      *conn,
            const char  *sql,
            int          n_params,
            const char **params,
            gboolean     rows_affected,
            GError     **error)
{
  g_autoptr(PGresult) result = mdk_pg_exec (conn, sql, n_params, params, error);

  if (result == NULL)
    return -1;
  if (rows_affected)
    return g_ascii_strtoll (PQcmdTuples (result), NULL, 10);
  return mdk_pg_get_int64 (result, 0, 0);
}

static gboolean
apply_existing (Import  *import,
                GError **error)
{
  const MdkImportPlan *plan = import->plan;
  g_autofree char *base = g_path_get_basename (plan->path);
  /* Translators: the reason recorded for a birthday an import set; %s is a file name */
  g_autofree char *reason = g_strdup_printf (_("batch import of %s"), base);
  const char *params[] = { reason };
  gint64 n;

  if (exec_count (import->conn, match_by_mobile_sql, 0, NULL, TRUE, error) < 0 ||
      exec_count (import->conn, match_by_id_number_sql, 0, NULL, TRUE, error) < 0)
    return FALSE;

  if (plan->duplicates == MDK_IMPORT_SKIP)
    {
      n = exec_count (import->conn, skip_existing_sql, 0, NULL, TRUE, error);
      import->result->n_skipped = MAX (n, 0);
      return n >= 0;
    }

  if ((n = exec_count (import->conn, count_birthdays_kept_sql, 0, NULL, FALSE, error)) < 0)
    return FALSE;
  import->result->n_birthdays_kept = n;

  n = exec_count (import->conn, plan->duplicates == MDK_IMPORT_UPDATE ? update_existing_sql : merge_existing_sql,
                  0, NULL, TRUE, error);
  if (n < 0)
    return FALSE;
  import->result->n_updated = n;

  return exec_count (import->conn, set_missing_birthdays_sql, 1, params, FALSE, error) >= 0;
}

static gboolean
insert_new (Import  *import,
            GError **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, import->result->import_id);
  const char *params[] = { id };
  g_autoptr(PGresult) lost = NULL;
  gint64 n;

  n = exec_count (import->conn, insert_new_sql, 1, params, TRUE, error);
  if (n < 0)
    return FALSE;
  import->result->n_inserted = n;

  if (exec_count (import->conn, find_inserted_by_mobile_sql, 1, params, TRUE, error) < 0 ||
      exec_count (import->conn, find_inserted_by_id_number_sql, 1, params, TRUE, error) < 0 ||
      (lost = mdk_pg_exec (import->conn, lost_race_sql, 0, NULL, error)) == NULL)
    return FALSE;

  for (int row = 0; row < PQntuples (lost); row++)
    {
      g_auto(GStrv) fields = raw_fields (lost, row, 1);

      reject (import, g_ascii_strtoull (PQgetvalue (lost, row, 0), NULL, 10),
              _("Somebody entered a member with this mobile or ID number while the import ran. "
                "Import the file again to skip or update that member."), fields);
    }

  return mdk_pg_exec_command (import->conn, create_tags_sql, 0, NULL, error) &&
         mdk_pg_exec_command (import->conn, link_tags_sql, 0, NULL, error);
}

static int
compare_rejections (gconstpointer a,
                    gconstpointer b)
{
  const MdkImportRejection *ra = *(MdkImportRejection * const *) a;
  const MdkImportRejection *rb = *(MdkImportRejection * const *) b;

  return ra->line < rb->line ? -1 : ra->line > rb->line;
}

static gboolean
start_import (Import  *import,
              GError **error)
{
  static const char * const policies[] = { "skip", "update", "merge" };
  g_autofree char *base = g_path_get_basename (import->plan->path);
  const char *params[] = { base, policies[import->plan->duplicates] };
  g_autoptr(PGresult) result = NULL;

  /* One import at a time: two imports of overlapping files would each miss
   * the other's members. */
  if (!mdk_pg_exec_command (import->conn, "SELECT pg_advisory_xact_lock(hashtext('mdk.member_import'))",
                            0, NULL, error))
    return FALSE;

  result = mdk_pg_exec (import->conn, start_import_sql, 2, params, error);
  if (result == NULL)
    return FALSE;
  import->result->import_id = mdk_pg_get_int64 (result, 0, 0);

  return mdk_pg_exec_command (import->conn, create_staging_sql, 0, NULL, error);
}

static gboolean
finish_import (Import  *import,
               GError **error)
{
  MdkImportResult *r = import->result;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, r->import_id);
  g_autofree char *rows = g_strdup_printf ("%" G_GUINT64_FORMAT, r->n_rows);
  g_autofree char *inserted = g_strdup_printf ("%" G_GUINT64_FORMAT, r->n_inserted);
  g_autofree char *updated = g_strdup_printf ("%" G_GUINT64_FORMAT, r->n_updated);
  g_autofree char *skipped = g_strdup_printf ("%" G_GUINT64_FORMAT, r->n_skipped);
  g_autofree char *rejected = g_strdup_printf ("%u", r->rejections->len);
  const char *params[] = { id, rows, inserted, updated, skipped, rejected };

  g_ptr_array_sort (r->rejections, compare_rejections);
  return mdk_pg_exec_command (import->conn, finish_import_sql, G_N_ELEMENTS (params), params, error);
}

/**
 * mdk_member_import:
 * @conn: a connection, in a transaction (%MDK_DATABASE_RUN_TRANSACTION)
 * @plan: what to read and how; see mdk_import_plan_check()
 * @progress: (nullable) (scope call): told how far it got, from 0 to 1, and the stage
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Imports the members of a CSV file. Every row is checked as the member
 * form checks a member; a row that fails, or repeats a mobile or ID number
 * of an earlier row, or names one member by mobile and another by ID
 * number, is rejected and reported. Rows for existing members are handled
 * as @plan says. New members record the channel "batch_import", the
 * session's operator and the import. The caller commits; until then
 * nothing is visible, and a rollback leaves nothing behind.
 *
 * Returns: (transfer full) (nullable): what the import did, or %NULL with
 *   @error set (the caller must then roll back)
 */
MdkImportResult *
mdk_member_import (PGconn                 *conn,
                   const MdkImportPlan    *plan,
                   MdkImportProgressFunc   progress,
                   gpointer                progress_data,
                   GCancellable           *cancellable,
                   GError                **error)
{
  g_autoptr(MdkImportResult) result = g_new0 (MdkImportResult, 1);
  Import import = { plan, conn, result, NULL, NULL, NULL, NULL, progress, progress_data, cancellable };
  gboolean ok;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (plan != NULL, NULL);

  result->rejections = g_ptr_array_new_with_free_func ((GDestroyNotify) rejection_free);
  if (!mdk_import_plan_check (plan, error))
    return NULL;

  report (&import, 0, _("Reading the file"));
  ok = load_lookups (&import, error) &&
       start_import (&import, error) &&
       read_rows (&import, error);
  if (ok)
    report (&import, READ_SHARE, _("Finding members already there"));
  ok = ok && mdk_pg_exec_command (conn, "ANALYZE import_rows", 0, NULL, error) &&
       reject_repeated (&import, error) &&
       reject_conflicting (&import, error) &&
       apply_existing (&import, error);
  if (ok)
    report (&import, READ_SHARE + 0.1, _("Adding the new members"));
  ok = ok && insert_new (&import, error) &&
       !g_cancellable_set_error_if_cancelled (cancellable, error) &&
       finish_import (&import, error);

  g_clear_object (&import.fields);
  g_clear_pointer (&import.fields_by_key, g_hash_table_unref);
  g_clear_pointer (&import.stores, g_hash_table_unref);
  g_clear_pointer (&import.groups, g_hash_table_unref);

  if (!ok)
    return NULL;
  report (&import, 1, _("Done"));
  return g_steal_pointer (&result);
}

/* Async: progress travels to the thread that asked. */

typedef struct
{
  MdkImportPlan    *plan;
  MdkProgressRelay *relay;
  gboolean          has_progress;
} ImportData;

static void
import_data_free (ImportData *data)
{
  mdk_import_plan_free (data->plan);
  mdk_progress_relay_free (data->relay);
  g_free (data);
}

static gpointer
import_work (PGconn        *conn,
             gpointer       work_data,
             GCancellable  *cancellable,
             GError       **error)
{
  ImportData *data = work_data;

  return mdk_member_import (conn, data->plan, data->has_progress ? mdk_progress_relay_report : NULL, data->relay,
                            cancellable, error);
}

/**
 * mdk_member_import_async:
 * @database: a #MdkDatabase
 * @plan: what to read and how (copied)
 * @progress: (nullable): told how far it got, on the calling thread's main context
 * @progress_data: data for @progress; must live until @callback runs
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Does mdk_member_import() in a transaction off the calling thread.
 */
void
mdk_member_import_async (MdkDatabase           *database,
                         const MdkImportPlan   *plan,
                         MdkImportProgressFunc  progress,
                         gpointer               progress_data,
                         GCancellable          *cancellable,
                         GAsyncReadyCallback    callback,
                         gpointer               user_data)
{
  ImportData *data = g_new0 (ImportData, 1);

  g_return_if_fail (MDK_IS_DATABASE (database));
  g_return_if_fail (plan != NULL);

  data->plan = mdk_import_plan_copy (plan);
  data->relay = mdk_progress_relay_new (progress, progress_data);
  data->has_progress = progress != NULL;
  mdk_database_run_async (database, MDK_DATABASE_RUN_TRANSACTION, import_work, data,
                          (GDestroyNotify) import_data_free, (GDestroyNotify) mdk_import_result_free,
                          cancellable, callback, user_data);
}

/**
 * mdk_member_import_finish:
 * @database: a #MdkDatabase
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): what the import did; it has landed
 */
MdkImportResult *
mdk_member_import_finish (MdkDatabase   *database,
                          GAsyncResult  *result,
                          GError       **error)
{
  return mdk_database_run_finish (database, result, error);
}

/**
 * mdk_import_result_write_report:
 * @result: what an import did
 * @plan: the plan it ran
 * @path: the CSV file to write
 * @error: return location for a #GError
 *
 * Writes every rejected row with its line and its reason, followed by the
 * row as it was, under the file's own header: a file to correct and import
 * again.
 *
 * Returns: %TRUE on success
 */
gboolean
mdk_import_result_write_report (const MdkImportResult  *result,
                                const MdkImportPlan    *plan,
                                const char             *path,
                                GError                **error)
{
  g_autoptr(GString) text = g_string_new ("\xEF\xBB\xBF");

  g_return_val_if_fail (result != NULL && plan != NULL && path != NULL, FALSE);

  mdk_csv_append_field (text, _("Line"));
  g_string_append_c (text, ',');
  mdk_csv_append_field (text, _("Reason"));
  for (guint i = 0; plan->header[i] != NULL; i++)
    {
      g_string_append_c (text, ',');
      mdk_csv_append_field (text, plan->header[i]);
    }
  g_string_append (text, "\r\n");

  for (guint r = 0; r < result->rejections->len; r++)
    {
      MdkImportRejection *rejection = g_ptr_array_index (result->rejections, r);
      char number[32];

      g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, rejection->line);
      g_string_append (text, number);
      g_string_append_c (text, ',');
      mdk_csv_append_field (text, rejection->reason);
      for (guint i = 0; rejection->fields[i] != NULL; i++)
        {
          g_string_append_c (text, ',');
          mdk_csv_append_field (text, rejection->fields[i]);
        }
      g_string_append (text, "\r\n");
    }

  return g_file_set_contents (path, text->str, text->len, error);
}
