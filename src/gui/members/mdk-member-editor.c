/* mdk-member-editor.c: the form that enters a new member or edits one
 *
 * The fields come in the order the counter and the call center ask for
 * them, mobile first, so that a member already known is found before
 * anything else is typed. Enter moves to the next field and saves from the
 * last one; Ctrl+Enter saves from anywhere. A field is judged when it is
 * left, not while it is typed, and its message says what to type instead.
 * In call-center entry the form empties after each save, ready for the
 * next caller.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mdk-member-editor.h"

#define DUPLICATE_CHECK_DELAY_MS 300

struct _MdkMemberEditor
{
  AdwWindow        parent_instance;

  AdwWindowTitle  *window_title;
  GtkWidget       *save_button;
  GtkSpinner      *spinner;
  GtkRevealer     *duplicate_revealer;
  GtkLabel        *duplicate_label;
  AdwEntryRow     *mobile_row;
  AdwEntryRow     *name_row;
  AdwComboRow     *gender_row;
  AdwEntryRow     *email_row;
  AdwEntryRow     *id_number_row;
  AdwEntryRow     *birthday_row;
  AdwEntryRow     *birthday_reason_row;
  AdwActionRow    *override_row;
  GtkSwitch       *override_switch;
  AdwEntryRow     *anniversary_row;
  AdwComboRow     *store_row;
  AdwComboRow     *channel_row;
  AdwComboRow     *status_row;
  AdwComboRow     *group_row;
  AdwEntryRow     *tags_row;
  AdwPreferencesGroup *custom_group;
  GtkLabel        *message_label;

  MdkDatabase     *database;
  MdkMemberDetail *detail;
  GPtrArray       *custom_rows;  /* CustomRow, one per custom field in use */
  char            *entry_channel;
  GSettings       *settings;
  GCancellable    *cancellable;
  GCancellable    *duplicate_cancellable;
  guint            duplicate_timeout_id;
  gint64           duplicate_id;
  gint64           saved_id;
  gboolean         busy;
  gboolean         dirty;
  gboolean         filling;
};

G_DEFINE_FINAL_TYPE (MdkMemberEditor, mdk_member_editor, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVED,
  SIGNAL_OPEN_MEMBER,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A custom field and the row that edits it: an entry row, or a combo row
 * for a choice field whose first item means "not given". */
typedef struct
{
  MdkCustomField *field;
  GtkWidget      *row;
} CustomRow;

static void
custom_row_free (CustomRow *custom)
{
  g_object_unref (custom->field);
  g_free (custom);
}

/* What the form loads before it can be used. */
typedef struct
{
  GListModel *stores;
  GListModel *groups;
  GListModel *fields;
} Choices;

static void
choices_free (Choices *choices)
{
  g_clear_object (&choices->stores);
  g_clear_object (&choices->groups);
  g_clear_object (&choices->fields);
  g_free (choices);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Choices, choices_free)

/* In the order of the combo rows' items in the template. */
static const char * const genders[] = { "U", "F", "M", NULL };
static const char * const channels[] = { "store_counter", "call_center", "website", "batch_import", NULL };
static const char * const statuses[] = { "active", "inactive", "blacklisted", NULL };

static guint
index_of (const char * const *values,
          const char         *value)
{
  for (guint i = 0; values[i] != NULL; i++)
    if (g_strcmp0 (values[i], value) == 0)
      return i;
  return 0;
}

static const char *
detail_field (MdkMemberEditor      *self,
              MdkMemberDetailField  field)
{
  return self->detail == NULL ? NULL : mdk_member_detail_get_field (self->detail, field);
}

static gboolean
is_call_center_entry (MdkMemberEditor *self)
{
  return self->detail == NULL && g_strcmp0 (self->entry_channel, "call_center") == 0;
}

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
set_row_text (AdwEntryRow *row,
              const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static void
show_message (MdkMemberEditor *self,
              const char      *text,
              gboolean         is_error)
{
  gtk_label_set_label (self->message_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), text != NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), is_error ? "success" : "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->message_label), is_error ? "error" : "success");
}

static void
mark_row (GtkWidget *row,
          gboolean   wrong)
{
  if (wrong)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

/* Judges one text row on its own; rows without a rule are always right. */
static gboolean
check_row (MdkMemberEditor  *self,
           AdwEntryRow      *row,
           char            **normalized,
           GError          **error)
{
  const char *text = row_text (row);

  if (row == self->mobile_row)
    return mdk_member_normalize_mobile (text, normalized, error);
  if (row == self->name_row)
    return mdk_member_normalize_name (text, normalized, error);
  if (row == self->email_row)
    return mdk_member_normalize_email (text, normalized, error);
  if (row == self->id_number_row)
    return mdk_member_normalize_id_number (text, NULL, normalized, error);
  if (row == self->birthday_row)
    return mdk_member_normalize_birthday (text, NULL, normalized, error);
  if (row == self->anniversary_row)
    return mdk_member_normalize_anniversary (text, NULL, normalized, error);
  for (guint i = 0; i < self->custom_rows->len; i++)
    {
      CustomRow *custom = g_ptr_array_index (self->custom_rows, i);

      if (custom->row == GTK_WIDGET (row))
        return mdk_custom_field_normalize_value (custom->field, text, normalized, error);
    }

  if (normalized != NULL)
    *normalized = g_strdup (text);
  return TRUE;
}

static GtkWidget *
row_for_error (MdkMemberEditor *self,
               int              code)
{
  switch (code)
    {
    case MDK_MEMBER_ERROR_INVALID_NAME:
      return GTK_WIDGET (self->name_row);
    case MDK_MEMBER_ERROR_INVALID_GENDER:
      return GTK_WIDGET (self->gender_row);
    case MDK_MEMBER_ERROR_INVALID_MOBILE:
    case MDK_MEMBER_ERROR_NO_CONTACT:
    case MDK_MEMBER_ERROR_DUPLICATE:
      return GTK_WIDGET (self->mobile_row);
    case MDK_MEMBER_ERROR_INVALID_EMAIL:
      return GTK_WIDGET (self->email_row);
    case MDK_MEMBER_ERROR_INVALID_ID_NUMBER:
      return GTK_WIDGET (self->id_number_row);
    case MDK_MEMBER_ERROR_INVALID_BIRTHDAY:
      return GTK_WIDGET (self->birthday_row);
    case MDK_MEMBER_ERROR_INVALID_ANNIVERSARY:
      return GTK_WIDGET (self->anniversary_row);
    case MDK_MEMBER_ERROR_NO_STORE:
      return GTK_WIDGET (self->store_row);
    case MDK_MEMBER_ERROR_BIRTHDAY_REASON:
      return GTK_WIDGET (self->birthday_reason_row);
    case MDK_MEMBER_ERROR_BIRTHDAY_TOO_SOON:
      return GTK_WIDGET (self->override_row);
    case MDK_MEMBER_ERROR_INVALID_TAG:
      return GTK_WIDGET (self->tags_row);
    case MDK_MEMBER_ERROR_INVALID_GROUP:
      return GTK_WIDGET (self->group_row);
    case MDK_MEMBER_ERROR_INVALID_CUSTOM:
      for (guint i = 0; i < self->custom_rows->len; i++)
        {
          CustomRow *custom = g_ptr_array_index (self->custom_rows, i);

          if (ADW_IS_ENTRY_ROW (custom->row) && !check_row (self, ADW_ENTRY_ROW (custom->row), NULL, NULL))
            return custom->row;
        }
      return NULL;
    default:
      return NULL;
    }
}

static void
show_error (MdkMemberEditor *self,
            const GError    *error)
{
  GtkWidget *row = error->domain == MDK_MEMBER_ERROR ? row_for_error (self, error->code) : NULL;

  show_message (self, error->message, TRUE);
  if (row != NULL)
    {
      mark_row (row, TRUE);
      gtk_widget_grab_focus (row);
    }
}

static void
set_busy (MdkMemberEditor *self,
          gboolean         busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (self->save_button, !busy);
}

/* The policy is the server's to enforce; the form only shows the rows a
 * change of birthday needs, and when the policy stands in the way. */
static void
update_birthday_rows (MdkMemberEditor *self)
{
  const char *original = detail_field (self, MDK_MEMBER_DETAIL_FIELD_BIRTHDAY);
  const char *next_change = detail_field (self, MDK_MEMBER_DETAIL_FIELD_BIRTHDAY_NEXT_CHANGE);
  g_autofree char *birthday = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  gboolean changes;
  gboolean blocked;

  changes = self->detail != NULL && check_row (self, self->birthday_row, &birthday, NULL) &&
            g_strcmp0 (birthday, original) != 0;
  blocked = changes && original != NULL && next_change != NULL && g_strcmp0 (next_change, today) > 0;

  gtk_widget_set_visible (GTK_WIDGET (self->birthday_reason_row), changes);
  gtk_widget_set_visible (GTK_WIDGET (self->override_row), blocked);
  if (blocked)
    {
      /* Translators: %s is a date */
      g_autofree char *subtitle = g_strdup_printf (_("The policy allows the next change on %s. "
                                                     "Only head office may override it."), next_change);

      adw_action_row_set_subtitle (self->override_row, subtitle);
    }
}

static void
hide_duplicate (MdkMemberEditor *self)
{
  self->duplicate_id = 0;
  gtk_revealer_set_reveal_child (self->duplicate_revealer, FALSE);
}

static void
on_duplicates_found (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(MdkMemberEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) duplicates = mdk_member_repo_find_duplicates_finish (MDK_DATABASE (source), result, &error);
  MdkMemberDuplicate *duplicate;
  g_autofree char *number = NULL;
  g_autofree char *text = NULL;

  if (duplicates == NULL || duplicates->len == 0)
    {
      /* A failed look-up is not worth a message: saving checks again. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        hide_duplicate (self);
      return;
    }

  duplicate = g_ptr_array_index (duplicates, 0);
  number = g_strdup_printf ("%" G_GINT64_FORMAT, duplicate->id);
  if (duplicate->field == MDK_MEMBER_DUPLICATE_MOBILE)
    /* Translators: the first %s is a member's name, the second their member number */
    text = g_strdup_printf (_("%s (member %s) already has this mobile number."), duplicate->name, number);
  else
    /* Translators: the first %s is a member's name, the second their member number */
    text = g_strdup_printf (_("%s (member %s) already has this ID number."), duplicate->name, number);

  self->duplicate_id = duplicate->id;
  gtk_label_set_label (self->duplicate_label, text);
  gtk_revealer_set_reveal_child (self->duplicate_revealer, TRUE);
}

static gboolean
check_duplicates_cb (gpointer user_data)
{
  MdkMemberEditor *self = user_data;
  g_autoptr(MdkMemberDraft) draft = mdk_member_draft_new ();

  self->duplicate_timeout_id = 0;
  g_cancellable_cancel (self->duplicate_cancellable);
  g_clear_object (&self->duplicate_cancellable);

  draft->id = self->detail == NULL ? 0 : g_ascii_strtoll (detail_field (self, MDK_MEMBER_DETAIL_FIELD_ID), NULL, 10);
  if (!check_row (self, self->mobile_row, &draft->mobile, NULL))
    g_clear_pointer (&draft->mobile, g_free);
  if (!check_row (self, self->id_number_row, &draft->id_number, NULL))
    g_clear_pointer (&draft->id_number, g_free);

  if (draft->mobile == NULL && draft->id_number == NULL)
    {
      hide_duplicate (self);
      return G_SOURCE_REMOVE;
    }

  self->duplicate_cancellable = g_cancellable_new ();
  mdk_member_repo_find_duplicates_async (self->database, draft, self->duplicate_cancellable,
                                         on_duplicates_found, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
schedule_duplicate_check (MdkMemberEditor *self)
{
  g_clear_handle_id (&self->duplicate_timeout_id, g_source_remove);
  self->duplicate_timeout_id = g_timeout_add (DUPLICATE_CHECK_DELAY_MS, check_duplicates_cb, self);
}

/* A valid ID number holds the birth date: a new member's empty birthday
 * takes it. */
static void
fill_birthday_from_id_number (MdkMemberEditor *self)
{
  g_autofree char *id_number = NULL;
  g_autofree char *birthday = NULL;

  if (self->detail != NULL || *row_text (self->birthday_row) != '\0' ||
      !check_row (self, self->id_number_row, &id_number, NULL) || id_number == NULL)
    return;

  birthday = mdk_member_id_number_birthday (id_number);
  set_row_text (self->birthday_row, birthday);
}

static void
on_row_changed (MdkMemberEditor *self,
                GtkEditable     *editable)
{
  AdwEntryRow *row = ADW_ENTRY_ROW (editable);

  /* Also while the form is taken apart: its rows lose focus on the way. */
  if (self->filling || self->custom_rows == NULL)
    return;

  self->dirty = TRUE;
  if (gtk_widget_has_css_class (GTK_WIDGET (row), "error") && check_row (self, row, NULL, NULL))
    {
      mark_row (GTK_WIDGET (row), FALSE);
      show_message (self, NULL, TRUE);
    }

  if (row == self->mobile_row || row == self->id_number_row)
    schedule_duplicate_check (self);
  if (row == self->id_number_row)
    fill_birthday_from_id_number (self);
  if (row == self->birthday_row)
    update_birthday_rows (self);
}

static void
on_row_left (GtkEventControllerFocus *controller,
             MdkMemberEditor         *self)
{
  AdwEntryRow *row = ADW_ENTRY_ROW (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller)));
  g_autoptr(GError) error = NULL;

  if (self->filling || self->custom_rows == NULL || check_row (self, row, NULL, &error))
    return;

  mark_row (GTK_WIDGET (row), TRUE);
  show_message (self, error->message, TRUE);
}

static void
on_combo_changed (MdkMemberEditor *self)
{
  if (!self->filling)
    self->dirty = TRUE;
}

/* Enter walks the text fields in order and saves from the last one. */
static void
on_entry_activated (MdkMemberEditor *self,
                    AdwEntryRow     *row)
{
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  AdwEntryRow *fixed[] = {
    self->mobile_row, self->name_row, self->email_row, self->id_number_row, self->birthday_row,
    self->birthday_reason_row, self->anniversary_row, self->tags_row,
  };

  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (order, fixed[i]);
  for (guint i = 0; i < self->custom_rows->len; i++)
    {
      CustomRow *custom = g_ptr_array_index (self->custom_rows, i);

      if (ADW_IS_ENTRY_ROW (custom->row))
        g_ptr_array_add (order, custom->row);
    }

  for (guint i = 0; i < order->len; i++)
    {
      if (g_ptr_array_index (order, i) != row)
        continue;
      for (guint j = i + 1; j < order->len; j++)
        if (gtk_widget_get_visible (g_ptr_array_index (order, j)))
          {
            gtk_widget_grab_focus (g_ptr_array_index (order, j));
            return;
          }
    }

  gtk_widget_activate_action (GTK_WIDGET (self), "editor.save", NULL);
}

static gint64
selected_store_id (MdkMemberEditor *self)
{
  MdkChoice *choice = adw_combo_row_get_selected_item (self->store_row);

  return choice == NULL ? 0 : mdk_choice_get_id (choice);
}

static void
select_store (MdkMemberEditor *self,
              gint64           store_id)
{
  GListModel *stores = adw_combo_row_get_model (self->store_row);

  for (guint i = 0; stores != NULL && i < g_list_model_get_n_items (stores); i++)
    {
      g_autoptr(MdkChoice) choice = g_list_model_get_item (stores, i);

      if (mdk_choice_get_id (choice) == store_id)
        {
          adw_combo_row_set_selected (self->store_row, i);
          return;
        }
    }
}

static void
clear_errors (MdkMemberEditor *self)
{
  GtkWidget *rows[] = {
    GTK_WIDGET (self->mobile_row), GTK_WIDGET (self->name_row), GTK_WIDGET (self->gender_row),
    GTK_WIDGET (self->email_row), GTK_WIDGET (self->id_number_row), GTK_WIDGET (self->birthday_row),
    GTK_WIDGET (self->birthday_reason_row), GTK_WIDGET (self->override_row),
    GTK_WIDGET (self->anniversary_row), GTK_WIDGET (self->store_row),
    GTK_WIDGET (self->group_row), GTK_WIDGET (self->tags_row),
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    mark_row (rows[i], FALSE);
  for (guint i = 0; i < self->custom_rows->len; i++)
    mark_row (((CustomRow *) g_ptr_array_index (self->custom_rows, i))->row, FALSE);
}

static void
select_choice (AdwComboRow *row,
               gint64       id)
{
  GListModel *choices = adw_combo_row_get_model (row);

  for (guint i = 0; choices != NULL && i < g_list_model_get_n_items (choices); i++)
    {
      g_autoptr(MdkChoice) choice = g_list_model_get_item (choices, i);

      if (mdk_choice_get_id (choice) == id)
        {
          adw_combo_row_set_selected (row, i);
          return;
        }
    }
  adw_combo_row_set_selected (row, 0);
}

/* Group, tags and custom values, as the member has them (or empty). */
static void
fill_classification (MdkMemberEditor *self)
{
  const char *group = detail_field (self, MDK_MEMBER_DETAIL_FIELD_GROUP_ID);

  select_choice (self->group_row, group != NULL ? g_ascii_strtoll (group, NULL, 10) : 0);
  set_row_text (self->tags_row, detail_field (self, MDK_MEMBER_DETAIL_FIELD_TAGS));
  for (guint i = 0; i < self->custom_rows->len; i++)
    {
      CustomRow *custom = g_ptr_array_index (self->custom_rows, i);
      const char *key = mdk_custom_field_get_key (custom->field);
      const char *value = self->detail ? mdk_member_detail_get_custom_value (self->detail, key) : NULL;

      if (ADW_IS_COMBO_ROW (custom->row))
        {
          const char * const *choices = mdk_custom_field_get_choices (custom->field);
          guint selected = 0;

          for (guint c = 0; value != NULL && choices != NULL && choices[c] != NULL; c++)
            if (g_str_equal (choices[c], value))
              selected = c + 1;
          adw_combo_row_set_selected (ADW_COMBO_ROW (custom->row), selected);
        }
      else
        set_row_text (ADW_ENTRY_ROW (custom->row), value);
    }
}

static void
fill_form (MdkMemberEditor *self)
{
  self->filling = TRUE;
  clear_errors (self);
  set_row_text (self->mobile_row, detail_field (self, MDK_MEMBER_DETAIL_FIELD_MOBILE));
  set_row_text (self->name_row, detail_field (self, MDK_MEMBER_DETAIL_FIELD_NAME));
  adw_combo_row_set_selected (self->gender_row, index_of (genders, detail_field (self, MDK_MEMBER_DETAIL_FIELD_GENDER)));
  set_row_text (self->email_row, detail_field (self, MDK_MEMBER_DETAIL_FIELD_EMAIL));
  set_row_text (self->id_number_row, detail_field (self, MDK_MEMBER_DETAIL_FIELD_ID_NUMBER));
  set_row_text (self->birthday_row, detail_field (self, MDK_MEMBER_DETAIL_FIELD_BIRTHDAY));
  set_row_text (self->birthday_reason_row, NULL);
  gtk_switch_set_active (self->override_switch, FALSE);
  set_row_text (self->anniversary_row, detail_field (self, MDK_MEMBER_DETAIL_FIELD_ANNIVERSARY));
  adw_combo_row_set_selected (self->channel_row,
                              index_of (channels, self->detail ? detail_field (self, MDK_MEMBER_DETAIL_FIELD_ENTRY_CHANNEL)
                                                               : self->entry_channel));
  adw_combo_row_set_selected (self->status_row, index_of (statuses, detail_field (self, MDK_MEMBER_DETAIL_FIELD_STATUS)));
  update_birthday_rows (self);
  fill_classification (self);
  hide_duplicate (self);
  self->filling = FALSE;
  self->dirty = FALSE;
}

static MdkMemberDraft *
collect_draft (MdkMemberEditor *self)
{
  MdkMemberDraft *draft = self->detail ? mdk_member_draft_new_from_detail (self->detail) : mdk_member_draft_new ();

#define TAKE(field, row) G_STMT_START { g_free (draft->field); draft->field = g_strdup (row_text (row)); } G_STMT_END
  TAKE (name, self->name_row);
  TAKE (mobile, self->mobile_row);
  TAKE (email, self->email_row);
  TAKE (id_number, self->id_number_row);
  TAKE (birthday, self->birthday_row);
  TAKE (anniversary, self->anniversary_row);
#undef TAKE

  g_free (draft->gender);
  draft->gender = g_strdup (genders[adw_combo_row_get_selected (self->gender_row)]);
  g_free (draft->status);
  draft->status = g_strdup (statuses[adw_combo_row_get_selected (self->status_row)]);
  if (self->detail == NULL)
    {
      g_free (draft->entry_channel);
      draft->entry_channel = g_strdup (channels[adw_combo_row_get_selected (self->channel_row)]);
    }
  draft->home_store_id = selected_store_id (self);
  if (gtk_widget_get_visible (GTK_WIDGET (self->birthday_reason_row)))
    draft->birthday_reason = g_strdup (row_text (self->birthday_reason_row));
  draft->birthday_override = gtk_widget_get_visible (GTK_WIDGET (self->override_row)) &&
                             gtk_switch_get_active (self->override_switch);

  {
    MdkChoice *group = adw_combo_row_get_selected_item (self->group_row);

    draft->group_id = group != NULL ? mdk_choice_get_id (group) : 0;
  }
  g_strfreev (draft->tags);
  draft->tags = g_new0 (char *, 2);
  draft->tags[0] = g_strdup (row_text (self->tags_row));
  g_hash_table_remove_all (draft->custom);
  for (guint i = 0; i < self->custom_rows->len; i++)
    {
      CustomRow *custom = g_ptr_array_index (self->custom_rows, i);
      const char *value = NULL;

      if (ADW_IS_COMBO_ROW (custom->row))
        {
          guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (custom->row));

          value = selected > 0 ? mdk_custom_field_get_choices (custom->field)[selected - 1] : NULL;
        }
      else
        value = row_text (ADW_ENTRY_ROW (custom->row));
      if (value != NULL)
        g_hash_table_insert (draft->custom, g_strdup (mdk_custom_field_get_key (custom->field)), g_strdup (value));
    }

  return draft;
}

static void
start_next_entry (MdkMemberEditor *self,
                  const char      *name)
{
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, self->saved_id);
  g_autofree char *text = NULL;
  gint64 store_id = selected_store_id (self);

  fill_form (self);
  select_store (self, store_id);
  /* Translators: the first %s is a member's name, the second their member number */
  text = g_strdup_printf (_("Saved %s as member %s. Ready for the next caller."), name, number);
  show_message (self, text, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->mobile_row));
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(MdkMemberEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id = mdk_member_repo_save_finish (MDK_DATABASE (source), result, &error);
  g_autofree char *name = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  if (id == 0)
    {
      show_error (self, error);
      if (g_error_matches (error, MDK_MEMBER_ERROR, MDK_MEMBER_ERROR_DUPLICATE))
        schedule_duplicate_check (self);
      return;
    }

  self->saved_id = id;
  g_settings_set_int64 (self->settings, "entry-store-id", selected_store_id (self));
  mdk_member_normalize_name (row_text (self->name_row), &name, NULL);
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, id, self->detail == NULL);

  if (is_call_center_entry (self))
    {
      start_next_entry (self, name);
      return;
    }

  self->dirty = FALSE;
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MdkMemberEditor *self = MDK_MEMBER_EDITOR (widget);
  g_autoptr(MdkMemberDraft) draft = NULL;
  g_autoptr(GError) error = NULL;

  if (self->busy)
    return;

  clear_errors (self);
  draft = collect_draft (self);
  if (!mdk_member_draft_normalize (draft, NULL, &error))
    {
      show_error (self, error);
      return;
    }

  show_message (self, NULL, TRUE);
  set_busy (self, TRUE);
  mdk_member_repo_save_async (self->database, draft, self->cancellable, on_saved, g_object_ref (self));
}

static void
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     MdkMemberEditor  *self)
{
  if (g_strcmp0 (response, "discard") != 0)
    return;

  self->dirty = FALSE;
  gtk_window_close (GTK_WINDOW (self));
}

static void
ask_to_discard (MdkMemberEditor *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Discard Changes?"),
                                                                         _("What you typed in this form has not been saved.")));

  adw_message_dialog_add_responses (dialog, "keep", _("_Keep Editing"), "discard", _("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
mdk_member_editor_close_request (GtkWindow *window)
{
  MdkMemberEditor *self = MDK_MEMBER_EDITOR (window);

  /* A save on its way finishes first: closing now would leave the person
   * unsure whether it landed. */
  if (self->busy)
    return TRUE;

  if (self->dirty)
    {
      ask_to_discard (self);
      return TRUE;
    }

  return GTK_WINDOW_CLASS (mdk_member_editor_parent_class)->close_request (window);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
open_duplicate_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  MdkMemberEditor *self = MDK_MEMBER_EDITOR (widget);

  if (self->duplicate_id == 0)
    return;

  g_signal_emit (self, signals[SIGNAL_OPEN_MEMBER], 0, self->duplicate_id);
  self->dirty = FALSE;
  gtk_window_close (GTK_WINDOW (self));
}

static gpointer
load_choices_work (PGconn        *conn,
                   gpointer       work_data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(Choices) choices = g_new0 (Choices, 1);

  if ((choices->stores = mdk_choice_load_stores (conn, error)) == NULL ||
      (choices->groups = mdk_choice_load_groups (conn, error)) == NULL ||
      (choices->fields = mdk_custom_fields_load (conn, error)) == NULL)
    return NULL;

  return g_steal_pointer (&choices);
}

static void connect_entry_row (MdkMemberEditor *self,
                               AdwEntryRow     *row);

static void
add_custom_rows (MdkMemberEditor *self,
                 GListModel      *fields)
{
  for (guint i = 0; i < g_list_model_get_n_items (fields); i++)
    {
      CustomRow *custom = g_new0 (CustomRow, 1);

      custom->field = g_list_model_get_item (fields, i);
      if (g_str_equal (mdk_custom_field_get_kind (custom->field), "choice"))
        {
          g_autoptr(GtkStringList) items = gtk_string_list_new (NULL);

          gtk_string_list_append (items, _("Not given"));
          gtk_string_list_splice (items, 1, 0, mdk_custom_field_get_choices (custom->field));
          custom->row = adw_combo_row_new ();
          adw_combo_row_set_model (ADW_COMBO_ROW (custom->row), G_LIST_MODEL (items));
          g_signal_connect_object (custom->row, "notify::selected", G_CALLBACK (on_combo_changed), self,
                                   G_CONNECT_SWAPPED);
        }
      else
        {
          custom->row = adw_entry_row_new ();
          connect_entry_row (self, ADW_ENTRY_ROW (custom->row));
        }
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (custom->row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (custom->row), mdk_custom_field_get_label (custom->field));
      adw_preferences_group_add (self->custom_group, custom->row);
      g_ptr_array_add (self->custom_rows, custom);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->custom_group), self->custom_rows->len > 0);
}

static void
set_group_choices (MdkMemberEditor *self,
                   GListModel      *groups)
{
  g_autoptr(GListStore) choices = g_list_store_new (MDK_TYPE_CHOICE);
  g_autoptr(MdkChoice) none = mdk_choice_new (0, _("No group"));

  g_list_store_append (choices, none);
  for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
    {
      g_autoptr(MdkChoice) group = g_list_model_get_item (groups, i);

      g_list_store_append (choices, group);
    }
  adw_combo_row_set_model (self->group_row, G_LIST_MODEL (choices));
}

static void
on_choices_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MdkMemberEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Choices) choices = mdk_database_run_finish (MDK_DATABASE (source), result, &error);
  const char *home_store = detail_field (self, MDK_MEMBER_DETAIL_FIELD_HOME_STORE_ID);
  gboolean dirty = self->dirty;
  gint64 store_id;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (choices == NULL)
    {
      show_message (self, error->message, TRUE);
      return;
    }

  self->filling = TRUE;
  adw_combo_row_set_model (self->store_row, choices->stores);
  store_id = home_store != NULL ? g_ascii_strtoll (home_store, NULL, 10)
                                : g_settings_get_int64 (self->settings, "entry-store-id");
  select_store (self, store_id);
  set_group_choices (self, choices->groups);
  add_custom_rows (self, choices->fields);
  fill_classification (self);
  self->filling = FALSE;
  /* Typing done while the choices loaded is still typing. */
  self->dirty = dirty;
  gtk_widget_set_sensitive (GTK_WIDGET (self->store_row), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->group_row), TRUE);
  if (g_list_model_get_n_items (choices->stores) == 0)
    show_message (self, _("There is no open store yet. Add stores before entering members."), TRUE);
}

static void
connect_entry_row (MdkMemberEditor *self,
                   AdwEntryRow     *row)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  g_signal_connect_object (row, "changed", G_CALLBACK (on_row_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "entry-activated", G_CALLBACK (on_entry_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (focus, "leave", G_CALLBACK (on_row_left), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (row), focus);
}

/* A form is never a batch import; a member who came by one still says so. */
static void
set_channel_choices (MdkMemberEditor *self)
{
  const char *labels[] = { _("Store counter"), _("Call center"), _("Website"), _("Batch import"), NULL };
  g_autoptr(GtkStringList) model = NULL;

  if (self->detail == NULL)
    labels[3] = NULL;
  model = gtk_string_list_new (labels);
  adw_combo_row_set_model (self->channel_row, G_LIST_MODEL (model));
}

static void
mdk_member_editor_dispose (GObject *object)
{
  MdkMemberEditor *self = MDK_MEMBER_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->duplicate_cancellable);
  g_clear_handle_id (&self->duplicate_timeout_id, g_source_remove);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->duplicate_cancellable);
  g_clear_object (&self->database);
  g_clear_object (&self->detail);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->custom_rows, g_ptr_array_unref);
  g_clear_pointer (&self->entry_channel, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), MDK_TYPE_MEMBER_EDITOR);

  G_OBJECT_CLASS (mdk_member_editor_parent_class)->dispose (object);
}

static void
mdk_member_editor_class_init (MdkMemberEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = mdk_member_editor_dispose;
  window_class->close_request = mdk_member_editor_close_request;

  /**
   * MdkMemberEditor::saved:
   * @editor: the editor
   * @member_id: the member number
   * @created: whether the member is new
   */
  signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                        NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_BOOLEAN);
  /**
   * MdkMemberEditor::open-member:
   * @editor: the editor
   * @member_id: the member the person chose to open instead of entering a duplicate
   */
  signals[SIGNAL_OPEN_MEMBER] = g_signal_new ("open-member", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                              NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mdk-member-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, spinner);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, duplicate_revealer);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, duplicate_label);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, mobile_row);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, gender_row);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, email_row);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, id_number_row);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, birthday_row);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, birthday_reason_row);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, override_row);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, override_switch);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, anniversary_row);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, store_row);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, channel_row);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, status_row);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, group_row);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, tags_row);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, custom_group);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberEditor, message_label);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "editor.open-duplicate", NULL, open_duplicate_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "editor.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_ALT_MASK, "editor.open-duplicate", NULL);
}

static void
mdk_member_editor_init (MdkMemberEditor *self)
{
  g_autoptr(GtkExpression) label = gtk_property_expression_new (MDK_TYPE_CHOICE, NULL, "label");
  GObject *combos[5];

  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new ("io.github.memberdesk.Memberdesk");
  self->cancellable = g_cancellable_new ();
  self->custom_rows = g_ptr_array_new_with_free_func ((GDestroyNotify) custom_row_free);

  connect_entry_row (self, self->mobile_row);
  connect_entry_row (self, self->name_row);
  connect_entry_row (self, self->email_row);
  connect_entry_row (self, self->id_number_row);
  connect_entry_row (self, self->birthday_row);
  connect_entry_row (self, self->birthday_reason_row);
  connect_entry_row (self, self->anniversary_row);
  connect_entry_row (self, self->tags_row);

  adw_combo_row_set_expression (self->store_row, label);
  adw_combo_row_set_expression (self->group_row, label);
  gtk_widget_set_sensitive (GTK_WIDGET (self->store_row), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->group_row), FALSE);

  combos[0] = G_OBJECT (self->gender_row);
  combos[1] = G_OBJECT (self->store_row);
  combos[2] = G_OBJECT (self->channel_row);
  combos[3] = G_OBJECT (self->status_row);
  combos[4] = G_OBJECT (self->group_row);
  for (guint i = 0; i < G_N_ELEMENTS (combos); i++)
    g_signal_connect_object (combos[i], "notify::selected", G_CALLBACK (on_combo_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->override_switch, "notify::active", G_CALLBACK (on_combo_changed), self,
                           G_CONNECT_SWAPPED);
}

/**
 * mdk_member_editor_new:
 * @database: where members are saved
 * @detail: (nullable): the member to edit, or %NULL for a new member
 * @entry_channel: (nullable): for a new member, how it arrives:
 *   "store_counter" (the default), "call_center" (mobile first, the form
 *   empties after each save) or "website"
 *
 * Returns: (transfer floating): a new editor
 */
MdkMemberEditor *
mdk_member_editor_new (MdkDatabase     *database,
                       MdkMemberDetail *detail,
                       const char      *entry_channel)
{
  MdkMemberEditor *self;

  g_return_val_if_fail (MDK_IS_DATABASE (database), NULL);
  g_return_val_if_fail (detail == NULL || MDK_IS_MEMBER_DETAIL (detail), NULL);

  self = g_object_new (MDK_TYPE_MEMBER_EDITOR, NULL);
  self->database = g_object_ref (database);
  self->detail = detail != NULL ? g_object_ref (detail) : NULL;
  self->entry_channel = g_strdup (entry_channel != NULL ? entry_channel : "store_counter");

  set_channel_choices (self);
  if (detail != NULL)
    {
      adw_window_title_set_title (self->window_title, _("Edit Member"));
      adw_window_title_set_subtitle (self->window_title, detail_field (self, MDK_MEMBER_DETAIL_FIELD_NAME));
      gtk_widget_set_sensitive (GTK_WIDGET (self->channel_row), FALSE);
    }
  else if (is_call_center_entry (self))
    {
      adw_window_title_set_title (self->window_title, _("Call-Center Entry"));
      adw_window_title_set_subtitle (self->window_title, _("Enter moves on, Ctrl+Enter saves"));
    }
  else
    adw_window_title_set_title (self->window_title, _("New Member"));

  fill_form (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->detail ? self->name_row : self->mobile_row));

  set_busy (self, TRUE);
  mdk_database_run_async (database, MDK_DATABASE_RUN_READ_ONLY, load_choices_work, NULL, NULL,
                          (GDestroyNotify) choices_free, self->cancellable, on_choices_loaded, g_object_ref (self));

  return self;
}

/**
 * mdk_member_editor_get_busy:
 * @self: a #MdkMemberEditor
 *
 * Returns: whether the form is loading its choices or saving
 */
gboolean
mdk_member_editor_get_busy (MdkMemberEditor *self)
{
  g_return_val_if_fail (MDK_IS_MEMBER_EDITOR (self), FALSE);

  return self->busy;
}

/**
 * mdk_member_editor_set_field_text:
 * @self: a #MdkMemberEditor
 * @field: "mobile", "name", "email", "id-number", "birthday",
 *   "birthday-reason", "anniversary", "tags", or a custom field's label
 * @text: what to type
 *
 * Types @text into a field, as a person would.
 */
void
mdk_member_editor_set_field_text (MdkMemberEditor *self,
                                  const char      *field,
                                  const char      *text)
{
  const struct { const char *name; AdwEntryRow *row; } fields[] = {
    { "mobile", self->mobile_row }, { "name", self->name_row }, { "email", self->email_row },
    { "id-number", self->id_number_row }, { "birthday", self->birthday_row },
    { "birthday-reason", self->birthday_reason_row }, { "anniversary", self->anniversary_row },
    { "tags", self->tags_row },
  };

  g_return_if_fail (MDK_IS_MEMBER_EDITOR (self));

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].name, field))
      {
        set_row_text (fields[i].row, text);
        return;
      }
  for (guint i = 0; i < self->custom_rows->len; i++)
    {
      CustomRow *custom = g_ptr_array_index (self->custom_rows, i);

      if (g_str_equal (mdk_custom_field_get_label (custom->field), field) && ADW_IS_ENTRY_ROW (custom->row))
        {
          set_row_text (ADW_ENTRY_ROW (custom->row), text);
          return;
        }
    }

  g_return_if_reached ();
}

/**
 * mdk_member_editor_get_message:
 * @self: a #MdkMemberEditor
 *
 * Returns: (nullable): the message the form shows under its fields
 */
const char *
mdk_member_editor_get_message (MdkMemberEditor *self)
{
  g_return_val_if_fail (MDK_IS_MEMBER_EDITOR (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->message_label)) ? gtk_label_get_label (self->message_label)
                                                                    : NULL;
}

/**
 * mdk_member_editor_get_duplicate_id:
 * @self: a #MdkMemberEditor
 *
 * Returns: the member the form offers to open instead, or 0
 */
gint64
mdk_member_editor_get_duplicate_id (MdkMemberEditor *self)
{
  g_return_val_if_fail (MDK_IS_MEMBER_EDITOR (self), 0);

  return self->duplicate_id;
}

/**
 * mdk_member_editor_get_saved_id:
 * @self: a #MdkMemberEditor
 *
 * Returns: the member number of the last member saved, or 0
 */
gint64
mdk_member_editor_get_saved_id (MdkMemberEditor *self)
{
  g_return_val_if_fail (MDK_IS_MEMBER_EDITOR (self), 0);

  return self->saved_id;
}
