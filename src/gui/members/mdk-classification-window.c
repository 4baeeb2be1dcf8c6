/* mdk-classification-window.c: head office keeps member groups and custom fields
 *
 * A field is retired, never deleted: members keep what was recorded, and
 * the field leaves forms, filters and exports.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mdk-classification-window.h"

struct _MdkClassificationWindow
{
  AdwWindow            parent_instance;

  GtkSpinner          *spinner;
  GtkLabel            *message_label;
  AdwPreferencesGroup *groups_group;
  AdwPreferencesGroup *fields_group;
  AdwEntryRow         *new_group_row;
  AdwEntryRow         *new_field_row;
  AdwComboRow         *kind_row;
  AdwEntryRow         *choices_row;

  MdkDatabase         *database;
  GCancellable        *cancellable;
  GPtrArray           *rows;       /* the rows that show groups and fields */
  guint                n_fields;
  guint                busy;
};

G_DEFINE_FINAL_TYPE (MdkClassificationWindow, mdk_classification_window, ADW_TYPE_WINDOW)

/* In the order of kind_row's items. */
static const char * const kinds[] = { "text", "number", "date", "choice" };

typedef enum { ADD_GROUP, ADD_FIELD, RETIRE_FIELD } ChangeKind;

typedef struct
{
  ChangeKind   kind;
  char        *name;
  char        *field_kind;
  char       **choices;
  gint64       id;
} Change;

typedef struct
{
  GListModel *groups;
  GListModel *fields;
} Lists;

static void
change_free (Change *change)
{
  g_free (change->name);
  g_free (change->field_kind);
  g_strfreev (change->choices);
  g_free (change);
}

static void
lists_free (Lists *lists)
{
  g_clear_object (&lists->groups);
  g_clear_object (&lists->fields);
  g_free (lists);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lists, lists_free)

static void
show_message (MdkClassificationWindow *self,
              const char              *text)
{
  gtk_label_set_label (self->message_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), text != NULL);
}

static void
set_busy (MdkClassificationWindow *self,
          gboolean                 busy)
{
  self->busy += busy ? 1 : -1;
  gtk_spinner_set_spinning (self->spinner, self->busy > 0);
}

static void reload (MdkClassificationWindow *self);

static void
on_retire_response (AdwMessageDialog        *dialog,
                    const char              *response,
                    MdkClassificationWindow *self);

static void
ask_to_retire (MdkClassificationWindow *self,
               GtkButton               *button)
{
  MdkCustomField *field = g_object_get_data (G_OBJECT (button), "field");
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Retire the Field?"), NULL));
  /* Translators: %s is a custom field's name */
  adw_message_dialog_format_body (dialog, _("“%s” leaves member forms, filters and exports. "
                                            "Members keep the values already recorded."),
                                  mdk_custom_field_get_label (field));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "retire", _("_Retire"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "retire", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "field", g_object_ref (field), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_retire_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
clear_rows (MdkClassificationWindow *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static void
add_row (MdkClassificationWindow *self,
         AdwPreferencesGroup     *group,
         GtkWidget               *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

static void
show_lists (MdkClassificationWindow *self,
            Lists                   *lists)
{
  clear_rows (self);

  for (guint i = 0; i < g_list_model_get_n_items (lists->groups); i++)
    {
      g_autoptr(MdkChoice) group = g_list_model_get_item (lists->groups, i);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mdk_choice_get_label (group));
      add_row (self, self->groups_group, row);
    }

  self->n_fields = g_list_model_get_n_items (lists->fields);
  for (guint i = 0; i < self->n_fields; i++)
    {
      g_autoptr(MdkCustomField) field = g_list_model_get_item (lists->fields, i);
      g_autofree char *description = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *retire = gtk_button_new_with_mnemonic (_("_Retire…"));

      g_object_get (field, "description", &description, NULL);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mdk_custom_field_get_label (field));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), description);
      gtk_widget_set_valign (retire, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (retire, "flat");
      g_object_set_data_full (G_OBJECT (retire), "field", g_object_ref (field), g_object_unref);
      g_signal_connect_object (retire, "clicked", G_CALLBACK (ask_to_retire), self, G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), retire);
      add_row (self, self->fields_group, row);
    }

  if (self->n_fields == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No custom fields yet"));
      gtk_widget_add_css_class (row, "dim-label");
      add_row (self, self->fields_group, row);
    }
}

static gpointer
load_work (PGconn        *conn,
           gpointer       work_data,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(Lists) lists = g_new0 (Lists, 1);

  if ((lists->groups = mdk_choice_load_groups (conn, error)) == NULL ||
      (lists->fields = mdk_custom_fields_load (conn, error)) == NULL)
    return NULL;

  return g_steal_pointer (&lists);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MdkClassificationWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Lists) lists = mdk_database_run_finish (MDK_DATABASE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  if (lists == NULL)
    show_message (self, error->message);
  else
    show_lists (self, lists);
}

static void
reload (MdkClassificationWindow *self)
{
  set_busy (self, TRUE);
  mdk_database_run_async (self->database, MDK_DATABASE_RUN_READ_ONLY, load_work, NULL, NULL,
                          (GDestroyNotify) lists_free, self->cancellable, on_loaded, g_object_ref (self));
}

static gpointer
change_work (PGconn        *conn,
             gpointer       work_data,
             GCancellable  *cancellable,
             GError       **error)
{
  Change *change = work_data;
  gboolean ok;

  switch (change->kind)
    {
    case ADD_GROUP:
      ok = mdk_member_groups_add (conn, change->name, error) > 0;
      break;
    case ADD_FIELD:
      ok = mdk_custom_fields_add (conn, change->name, change->field_kind,
                                  (const char * const *) change->choices, error) > 0;
      break;
    case RETIRE_FIELD:
    default:
      ok = mdk_custom_fields_retire (conn, change->id, error);
      break;
    }

  return ok ? GINT_TO_POINTER (change->kind + 1) : NULL;
}

static void
on_changed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(MdkClassificationWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gpointer done = mdk_database_run_finish (MDK_DATABASE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  if (done == NULL)
    {
      show_message (self, error->message);
      return;
    }

  show_message (self, NULL);
  if (GPOINTER_TO_INT (done) - 1 == ADD_GROUP)
    gtk_editable_set_text (GTK_EDITABLE (self->new_group_row), "");
  else if (GPOINTER_TO_INT (done) - 1 == ADD_FIELD)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->new_field_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->choices_row), "");
    }
  reload (self);
}

static void
run_change (MdkClassificationWindow *self,
            Change                  *change)
{
  set_busy (self, TRUE);
  mdk_database_run_async (self->database, MDK_DATABASE_RUN_TRANSACTION, change_work, change,
                          (GDestroyNotify) change_free, NULL, self->cancellable, on_changed, g_object_ref (self));
}

static void
on_retire_response (AdwMessageDialog        *dialog,
                    const char              *response,
                    MdkClassificationWindow *self)
{
  MdkCustomField *field = g_object_get_data (G_OBJECT (dialog), "field");
  Change *change;

  if (g_strcmp0 (response, "retire") != 0)
    return;

  change = g_new0 (Change, 1);
  change->kind = RETIRE_FIELD;
  change->id = mdk_custom_field_get_id (field);
  run_change (self, change);
}

static void
on_add_group (MdkClassificationWindow *self)
{
  mdk_classification_window_add_group (self, gtk_editable_get_text (GTK_EDITABLE (self->new_group_row)));
}

static void
on_kind_changed (MdkClassificationWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->choices_row), adw_combo_row_get_selected (self->kind_row) == 3);
}

static void
add_field_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MdkClassificationWindow *self = MDK_CLASSIFICATION_WINDOW (widget);

  mdk_classification_window_add_field (self, gtk_editable_get_text (GTK_EDITABLE (self->new_field_row)),
                                       adw_combo_row_get_selected (self->kind_row),
                                       gtk_editable_get_text (GTK_EDITABLE (self->choices_row)));
}

static void
mdk_classification_window_dispose (GObject *object)
{
  MdkClassificationWindow *self = MDK_CLASSIFICATION_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->database);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), MDK_TYPE_CLASSIFICATION_WINDOW);

  G_OBJECT_CLASS (mdk_classification_window_parent_class)->dispose (object);
}

static void
mdk_classification_window_class_init (MdkClassificationWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mdk_classification_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mdk-classification-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MdkClassificationWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, MdkClassificationWindow, message_label);
  gtk_widget_class_bind_template_child (widget_class, MdkClassificationWindow, groups_group);
  gtk_widget_class_bind_template_child (widget_class, MdkClassificationWindow, fields_group);
  gtk_widget_class_bind_template_child (widget_class, MdkClassificationWindow, new_group_row);
  gtk_widget_class_bind_template_child (widget_class, MdkClassificationWindow, new_field_row);
  gtk_widget_class_bind_template_child (widget_class, MdkClassificationWindow, kind_row);
  gtk_widget_class_bind_template_child (widget_class, MdkClassificationWindow, choices_row);
  gtk_widget_class_bind_template_callback (widget_class, on_add_group);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_changed);

  gtk_widget_class_install_action (widget_class, "classification.add-field", NULL, add_field_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mdk_classification_window_init (MdkClassificationWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
}

/**
 * mdk_classification_window_new:
 * @database: where the groups and fields are
 *
 * Returns: (transfer floating): a new window
 */
MdkClassificationWindow *
mdk_classification_window_new (MdkDatabase *database)
{
  MdkClassificationWindow *self;

  g_return_val_if_fail (MDK_IS_DATABASE (database), NULL);

  self = g_object_new (MDK_TYPE_CLASSIFICATION_WINDOW, NULL);
  self->database = g_object_ref (database);
  reload (self);
  return self;
}

gboolean
mdk_classification_window_get_busy (MdkClassificationWindow *self)
{
  g_return_val_if_fail (MDK_IS_CLASSIFICATION_WINDOW (self), FALSE);

  return self->busy > 0;
}

/**
 * mdk_classification_window_get_message:
 * @self: a #MdkClassificationWindow
 *
 * Returns: (nullable): the error the window shows
 */
const char *
mdk_classification_window_get_message (MdkClassificationWindow *self)
{
  g_return_val_if_fail (MDK_IS_CLASSIFICATION_WINDOW (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->message_label)) ? gtk_label_get_label (self->message_label)
                                                                    : NULL;
}

guint
mdk_classification_window_get_n_fields (MdkClassificationWindow *self)
{
  g_return_val_if_fail (MDK_IS_CLASSIFICATION_WINDOW (self), 0);

  return self->n_fields;
}

/**
 * mdk_classification_window_add_group:
 * @self: a #MdkClassificationWindow
 * @name: the new group's name
 *
 * Adds a group, as typing its name and pressing Apply does.
 */
void
mdk_classification_window_add_group (MdkClassificationWindow *self,
                                     const char              *name)
{
  Change *change;

  g_return_if_fail (MDK_IS_CLASSIFICATION_WINDOW (self));

  change = g_new0 (Change, 1);
  change->kind = ADD_GROUP;
  change->name = g_strdup (name);
  run_change (self, change);
}

/**
 * mdk_classification_window_add_field:
 * @self: a #MdkClassificationWindow
 * @label: the new field's name
 * @kind: 0 text, 1 number, 2 date, 3 choice (the kind list's order)
 * @choices: (nullable): for a choice field, its choices separated by commas
 *
 * Adds a custom field, as the New Field form does.
 */
void
mdk_classification_window_add_field (MdkClassificationWindow *self,
                                     const char              *label,
                                     guint                    kind,
                                     const char              *choices)
{
  Change *change;

  g_return_if_fail (MDK_IS_CLASSIFICATION_WINDOW (self));
  g_return_if_fail (kind < G_N_ELEMENTS (kinds));

  change = g_new0 (Change, 1);
  change->kind = ADD_FIELD;
  change->name = g_strdup (label);
  change->field_kind = g_strdup (kinds[kind]);
  change->choices = kind == 3 ? g_regex_split_simple ("[,，、]", choices != NULL ? choices : "", 0, 0) : NULL;
  run_change (self, change);
}
