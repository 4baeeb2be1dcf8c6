/* mdk-members-page.c: find members among millions, as they type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "common/mdk-status-page.h"
#include "common/mdk-choice-widgets.h"
#include "common/mdk-paged-view.h"
#include "common/mdk-labels.h"
#include "mdk-classification-window.h"
#include "mdk-import-window.h"
#include "mdk-member-editor.h"
#include "mdk-member-window.h"
#include "mdk-members-page.h"
#include "mdk-window.h"

typedef struct
{
  const char *title;
  const char *property;
  int         width;
} Column;

static const Column columns[] = {
  { N_("Name"), "name", 100 },
  { N_("Mobile"), "mobile", 110 },
  { N_("Card number"), "card-no", 145 },
  { N_("Card type"), "card-type", 95 },
  { N_("Home store"), "store-name", 120 },
  { N_("Joined"), "joined-on", 105 },
  { N_("Birthday"), "birthday", 105 },
  { N_("Status"), "status", 70 },
};

static const char * const months[] = {
  N_("Any birthday month"), N_("January"), N_("February"), N_("March"), N_("April"), N_("May"),
  N_("June"), N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
};

enum { JOINED_ANY, JOINED_30_DAYS, JOINED_12_MONTHS, JOINED_OVER_3_YEARS, JOINED_RANGE };
/* The orders of the sort drop-down, in its order. */
static const MdkMemberSort sorts[] = {
  MDK_MEMBER_SORT_NAME, MDK_MEMBER_SORT_JOINED, MDK_MEMBER_SORT_NUMBER, MDK_MEMBER_SORT_MOBILE,
  MDK_MEMBER_SORT_BIRTHDAY, MDK_MEMBER_SORT_CARD_NUMBER, MDK_MEMBER_SORT_CARD_TYPE, MDK_MEMBER_SORT_STORE,
  MDK_MEMBER_SORT_STATUS,
};
static const char * const statuses[] = { NULL, "active", "inactive", "blacklisted" };

struct _MdkMembersPage
{
  GtkWidget          parent_instance;

  GtkSearchEntry    *search_entry;
  GtkDropDown       *region_dropdown;
  GtkDropDown       *card_type_dropdown;
  GtkDropDown       *status_dropdown;
  GtkDropDown       *joined_dropdown;
  GtkWidget         *joined_range_box;
  GtkEntry          *joined_from_entry;
  GtkEntry          *joined_to_entry;
  GtkDropDown       *store_dropdown;
  GtkDropDown       *birthday_dropdown;
  GtkDropDown       *sort_dropdown;
  GtkToggleButton   *reverse_button;
  GtkDropDown       *group_dropdown;
  GtkDropDown       *tag_dropdown;
  GtkDropDown       *field_dropdown;
  GtkEntry          *field_value_entry;
  GtkLabel          *count_label;
  GtkSpinner        *spinner;
  GtkWidget         *export_box;
  GtkProgressBar    *export_progress;
  GtkWidget         *export_button;
  GCancellable      *export_cancellable;
  char              *export_path;
  GtkStack          *stack;
  GtkScrolledWindow *scrolled_window;
  GtkColumnView     *column_view;
  AdwStatusPage     *error_page;

  MdkDatabase       *database;
  MdkMemberList     *list;
  GListStore        *regions;
  GListStore        *card_types;
  GListStore        *stores;
  GListStore        *groups;
  GListStore        *tags;
  GListModel        *fields;      /* MdkCustomField, in the order of field_dropdown after its first item */
  GCancellable      *cancellable;
};

G_DEFINE_FINAL_TYPE (MdkMembersPage, mdk_members_page, GTK_TYPE_WIDGET)

static char *
format_count (guint n)
{
  g_autofree char *digits = g_strdup_printf ("%u", n);
  GString *out = g_string_new (NULL);
  gsize length = strlen (digits);

  for (gsize i = 0; i < length; i++)
    {
      if (i > 0 && (length - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }

  return g_string_free (out, FALSE);
}

static gboolean
transform_status (GBinding     *binding,
                  const GValue *from,
                  GValue       *to,
                  gpointer      user_data)
{
  g_value_set_string (to, mdk_member_status_label (g_value_get_string (from)));
  return TRUE;
}

/* Placeholders are filled in place, so the cell follows its property. */
static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           const char               *property)
{
  GBinding *binding;

  binding = g_object_bind_property_full (gtk_list_item_get_item (item), property,
                                         gtk_list_item_get_child (item), "label",
                                         G_BINDING_SYNC_CREATE,
                                         g_str_equal (property, "status") ? transform_status : NULL,
                                         NULL, NULL, NULL);
  g_object_set_data (G_OBJECT (item), "mdk-binding", binding);
}

static void
add_columns (MdkMembersPage *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    mdk_label_column_append (self->column_view, _(columns[i].title), columns[i].width, i == 0 || i == 4,
                             G_CALLBACK (bind_cell), (gpointer) columns[i].property);
}

static void
select_choice_id (GtkDropDown *dropdown,
                  gint64       id)
{
  GListModel *choices = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; choices != NULL && i < g_list_model_get_n_items (choices); i++)
    {
      g_autoptr(MdkChoice) choice = g_list_model_get_item (choices, i);

      if (mdk_choice_get_id (choice) == id)
        {
          gtk_drop_down_set_selected (dropdown, i);
          return;
        }
    }
}

static char *
date_before (int n_days,
             int n_months,
             int n_years)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_full (now, -n_years, -n_months, -n_days, 0, 0, 0);

  return g_date_time_format (then, "%Y-%m-%d");
}

/* "Equals" means the value as the field keeps it: a date typed 2024/5/1
 * finds 2024-05-01. A value the field cannot hold finds nobody. */
static void
set_custom_filter (MdkMembersPage *self,
                   MdkMemberQuery *query)
{
  guint selected = gtk_drop_down_get_selected (self->field_dropdown);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->field_value_entry));
  g_autoptr(MdkCustomField) field = NULL;
  g_autofree char *value = NULL;
  gboolean valid;

  gtk_widget_remove_css_class (GTK_WIDGET (self->field_value_entry), "error");
  if (self->fields == NULL || selected == 0 || selected == GTK_INVALID_LIST_POSITION ||
      (field = g_list_model_get_item (self->fields, selected - 1)) == NULL)
    return;

  valid = mdk_custom_field_normalize_value (field, text, &value, NULL);
  if (valid && value == NULL)
    return;
  if (!valid)
    gtk_widget_add_css_class (GTK_WIDGET (self->field_value_entry), "error");

  query->custom_key = g_strdup (mdk_custom_field_get_key (field));
  query->custom_value = valid ? g_steal_pointer (&value) : g_strdup (text);
  query->custom_is_number = valid && g_str_equal (mdk_custom_field_get_kind (field), "number");
}

/* A date of the join range, as the member form reads dates; an entry that
 * holds no date is marked, and does not narrow the list. */
static char *
range_date (GtkEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  GDate date;

  g_date_clear (&date, 1);
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  if (*text == '\0')
    return NULL;
  if (!mdk_member_parse_date (text, &date))
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      return NULL;
    }
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&date), g_date_get_month (&date),
                          g_date_get_day (&date));
}

static MdkMemberQuery *
build_query (MdkMembersPage *self)
{
  MdkMemberQuery *query = mdk_member_query_new (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  guint status = gtk_drop_down_get_selected (self->status_dropdown);
  guint sort = gtk_drop_down_get_selected (self->sort_dropdown);

  query->region_id = mdk_choice_dropdown_get_id (self->region_dropdown);
  query->store_id = mdk_choice_dropdown_get_id (self->store_dropdown);
  query->card_type_id = mdk_choice_dropdown_get_id (self->card_type_dropdown);
  query->status = g_strdup (status < G_N_ELEMENTS (statuses) ? statuses[status] : NULL);
  query->birthday_month = (int) gtk_drop_down_get_selected (self->birthday_dropdown);
  if (query->birthday_month > 12)
    query->birthday_month = 0;

  switch (gtk_drop_down_get_selected (self->joined_dropdown))
    {
    case JOINED_30_DAYS:
      query->joined_from = date_before (30, 0, 0);
      break;
    case JOINED_12_MONTHS:
      query->joined_from = date_before (0, 12, 0);
      break;
    case JOINED_OVER_3_YEARS:
      query->joined_to = date_before (0, 0, 3);
      break;
    case JOINED_RANGE:
      query->joined_from = range_date (self->joined_from_entry);
      query->joined_to = range_date (self->joined_to_entry);
      break;
    default:
      break;
    }

  query->group_id = mdk_choice_dropdown_get_id (self->group_dropdown);
  query->tag_id = mdk_choice_dropdown_get_id (self->tag_dropdown);
  set_custom_filter (self, query);

  query->sort = sort < G_N_ELEMENTS (sorts) ? sorts[sort] : MDK_MEMBER_SORT_NAME;
  query->descending = gtk_toggle_button_get_active (self->reverse_button);
  return query;
}

static void
on_filters_changed (MdkMembersPage *self)
{
  g_autoptr(MdkMemberQuery) query = NULL;

  if (self->list == NULL)
    return;

  query = build_query (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
  mdk_member_list_set_query (self->list, query);
}

static void
update_state (MdkMembersPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  g_autofree char *number = format_count (n);
  g_autofree char *text = g_strdup_printf (ngettext ("%s member", "%s members", n), number);

  mdk_paged_view_update (MDK_PAGED_LIST (self->list), self->spinner, self->count_label, text, _("Searching…"),
                         self->stack, self->error_page);
}

static void
on_choices_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MdkMembersPage) self = user_data;
  g_autoptr(GPtrArray) lists = mdk_choice_lists_load_finish (MDK_DATABASE (source), result, NULL);

  if (lists == NULL)
    return;
  mdk_choice_store_fill (self->regions, _("All regions"), g_ptr_array_index (lists, 0), "label");
  mdk_choice_store_fill (self->card_types, _("All card types"), g_ptr_array_index (lists, 1), "label");
  mdk_choice_store_fill (self->stores, _("All stores"), g_ptr_array_index (lists, 2), "label");
}

static void
on_joined_changed (MdkMembersPage *self)
{
  gboolean range = gtk_drop_down_get_selected (self->joined_dropdown) == JOINED_RANGE;

  gtk_widget_set_visible (self->joined_range_box, range);
  if (range)
    gtk_widget_grab_focus (GTK_WIDGET (self->joined_from_entry));
  on_filters_changed (self);
}


typedef struct
{
  GListModel *groups;
  GListModel *tags;
  GListModel *fields;
} Classification;

static void
classification_free (Classification *classification)
{
  g_clear_object (&classification->groups);
  g_clear_object (&classification->tags);
  g_clear_object (&classification->fields);
  g_free (classification);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Classification, classification_free)

static gpointer
load_classification_work (PGconn        *conn,
                          gpointer       work_data,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(Classification) classification = g_new0 (Classification, 1);

  if ((classification->groups = mdk_choice_load_groups (conn, error)) == NULL ||
      (classification->tags = mdk_choice_load_tags (conn, error)) == NULL ||
      (classification->fields = mdk_custom_fields_load (conn, error)) == NULL)
    return NULL;

  return g_steal_pointer (&classification);
}

static void
fill_fields (MdkMembersPage *self,
             GListModel     *fields)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  gtk_string_list_append (labels, _("Any custom field"));
  for (guint i = 0; i < g_list_model_get_n_items (fields); i++)
    {
      g_autoptr(MdkCustomField) field = g_list_model_get_item (fields, i);

      gtk_string_list_append (labels, mdk_custom_field_get_label (field));
    }
  g_set_object (&self->fields, fields);
  gtk_drop_down_set_model (self->field_dropdown, G_LIST_MODEL (labels));
  gtk_widget_set_visible (GTK_WIDGET (self->field_dropdown), g_list_model_get_n_items (fields) > 0);
}

/* Keeps what is chosen when the choices are read again. */
static void
on_classification_loaded (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(MdkMembersPage) self = user_data;
  g_autoptr(Classification) classification = mdk_database_run_finish (MDK_DATABASE (source), result, NULL);
  gint64 group, tag;

  if (classification == NULL)
    return;

  group = mdk_choice_dropdown_get_id (self->group_dropdown);
  tag = mdk_choice_dropdown_get_id (self->tag_dropdown);
  g_signal_handlers_block_by_func (self->group_dropdown, on_filters_changed, self);
  g_signal_handlers_block_by_func (self->tag_dropdown, on_filters_changed, self);
  mdk_choice_store_fill (self->groups, _("All groups"), classification->groups, "label");
  mdk_choice_store_fill (self->tags, _("All tags"), classification->tags, "label");
  select_choice_id (self->group_dropdown, group);
  select_choice_id (self->tag_dropdown, tag);
  g_signal_handlers_unblock_by_func (self->group_dropdown, on_filters_changed, self);
  g_signal_handlers_unblock_by_func (self->tag_dropdown, on_filters_changed, self);

  if (self->fields == NULL || g_list_model_get_n_items (self->fields) != g_list_model_get_n_items (classification->fields))
    fill_fields (self, classification->fields);
  else
    g_set_object (&self->fields, classification->fields);
}

static void
load_classification (MdkMembersPage *self)
{
  mdk_database_run_async (self->database, MDK_DATABASE_RUN_READ_ONLY, load_classification_work, NULL, NULL,
                          (GDestroyNotify) classification_free, self->cancellable, on_classification_loaded,
                          g_object_ref (self));
}

static void
on_field_changed (MdkMembersPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->field_dropdown);

  gtk_widget_set_visible (GTK_WIDGET (self->field_value_entry), selected > 0 && selected != GTK_INVALID_LIST_POSITION);
  if (gtk_widget_get_visible (GTK_WIDGET (self->field_value_entry)))
    gtk_widget_grab_focus (GTK_WIDGET (self->field_value_entry));
  on_filters_changed (self);
}

static void
on_member_activated (MdkMembersPage *self,
                     guint           position)
{
  mdk_members_page_open_member (self, position);
}

static void
show_toast (MdkMembersPage *self,
            const char     *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (MDK_IS_WINDOW (root))
    mdk_window_add_toast (MDK_WINDOW (root), adw_toast_new (message));
}

static void
set_exporting (MdkMembersPage *self,
               gboolean        exporting)
{
  gtk_widget_set_visible (self->export_box, exporting);
  gtk_widget_set_visible (self->export_button, !exporting);
  gtk_progress_bar_set_fraction (self->export_progress, 0);
}

static void
on_export_progress (guint64  done,
                    guint64  total,
                    gpointer user_data)
{
  MdkMembersPage *self = user_data;

  gtk_progress_bar_set_fraction (self->export_progress, total ? (double) done / total : 1.0);
}

static void
on_exported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(MdkMembersPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *count = NULL;
  g_autofree char *message = NULL;
  guint64 n_rows = 0;

  set_exporting (self, FALSE);
  if (!mdk_member_export_finish (MDK_DATABASE (source), result, &n_rows, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, error->message);
      return;
    }

  name = g_path_get_basename (self->export_path);
  count = format_count ((guint) n_rows);
  /* Translators: "Exported 1,234 members to members.xlsx" */
  message = g_strdup_printf (ngettext ("Exported %s member to %s", "Exported %s members to %s", (gulong) n_rows),
                             count, name);
  show_toast (self, message);
}

/**
 * mdk_members_page_export_to:
 * @self: a #MdkMembersPage
 * @path: the file to write, ending in .xlsx or .csv (.xlsx is added otherwise)
 *
 * Exports the members the page finds now, in its order, in the
 * background, with progress and Cancel beside the count.
 */
void
mdk_members_page_export_to (MdkMembersPage *self,
                            const char     *path)
{
  gboolean known = FALSE;
  MdkExportFormat format;

  g_return_if_fail (MDK_IS_MEMBERS_PAGE (self));
  g_return_if_fail (path != NULL);

  if (self->list == NULL)
    return;

  format = mdk_export_format_for_path (path, &known);
  g_free (self->export_path);
  self->export_path = known ? g_strdup (path) : g_strconcat (path, ".xlsx", NULL);

  g_cancellable_cancel (self->export_cancellable);
  g_set_object (&self->export_cancellable, g_cancellable_new ());
  set_exporting (self, TRUE);
  mdk_member_export_async (self->database, mdk_member_list_get_query (self->list), self->export_path,
                           known ? format : MDK_EXPORT_XLSX, on_export_progress, self,
                           self->export_cancellable, on_exported, g_object_ref (self));
}

gboolean
mdk_members_page_get_exporting (MdkMembersPage *self)
{
  g_return_val_if_fail (MDK_IS_MEMBERS_PAGE (self), FALSE);

  return gtk_widget_get_visible (self->export_box);
}

static void
on_export_chosen (GtkNativeDialog *dialog,
                  int              response,
                  MdkMembersPage  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        mdk_members_page_export_to (self, path);
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *pattern)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
on_export_clicked (MdkMembersPage *self)
{
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Export Members"), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  /* Translators: the file name an export suggests */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), _("members.xlsx"));
  add_filter (GTK_FILE_CHOOSER (dialog), _("Excel workbook (.xlsx)"), "*.xlsx");
  add_filter (GTK_FILE_CHOOSER (dialog), _("Comma-separated values (.csv)"), "*.csv");
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_export_cancel_clicked (MdkMembersPage *self)
{
  g_cancellable_cancel (self->export_cancellable);
}

static MdkMemberWindow *
open_member_id (MdkMembersPage *self,
                gint64          member_id)
{
  MdkMemberWindow *window = mdk_member_window_new (self->database, member_id);

  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
on_member_saved (MdkMembersPage  *self,
                 gint64           member_id,
                 gboolean         created)
{
  /* The new member belongs in the list the page shows; a new tag in the filter. */
  on_filters_changed (self);
  load_classification (self);
}

/* At the counter, the next step after entering a member is their profile. */
static void
on_counter_member_saved (MdkMembersPage  *self,
                         gint64           member_id,
                         gboolean         created)
{
  if (created)
    open_member_id (self, member_id);
}

static void
on_open_member (MdkMembersPage  *self,
                gint64           member_id)
{
  open_member_id (self, member_id);
}

static void
on_classification_closed (MdkMembersPage *self)
{
  load_classification (self);
}

static void
classification_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  mdk_members_page_open_classification (MDK_MEMBERS_PAGE (widget));
}

static void
on_import_landed (MdkMembersPage *self)
{
  on_filters_changed (self);
  load_classification (self);
}

static void
import_chosen_file (GtkWidget  *widget,
                    const char *path)
{
  mdk_members_page_import_file (MDK_MEMBERS_PAGE (widget), path);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MdkMembersPage *self = MDK_MEMBERS_PAGE (widget);

  if (self->database != NULL)
    mdk_table_file_open (widget, _("Import Members"), import_chosen_file);
}

static void
new_member_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  mdk_members_page_new_member (MDK_MEMBERS_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
mdk_members_page_dispose (GObject *object)
{
  MdkMembersPage *self = MDK_MEMBERS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  g_clear_pointer (&self->export_path, g_free);
  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);
  g_clear_object (&self->list);
  g_clear_object (&self->database);
  g_clear_object (&self->regions);
  g_clear_object (&self->card_types);
  g_clear_object (&self->stores);
  g_clear_object (&self->groups);
  g_clear_object (&self->tags);
  g_clear_object (&self->fields);
  gtk_widget_dispose_template (GTK_WIDGET (self), MDK_TYPE_MEMBERS_PAGE);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))); )
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mdk_members_page_parent_class)->dispose (object);
}

static void
mdk_members_page_class_init (MdkMembersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mdk_members_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mdk-members-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, region_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, card_type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, joined_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, joined_range_box);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, joined_from_entry);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, joined_to_entry);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, store_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, birthday_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, reverse_button);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, group_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, tag_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, field_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, field_value_entry);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, export_box);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, export_progress);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, export_button);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, stack);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, MdkMembersPage, error_page);
  gtk_widget_class_bind_template_callback (widget_class, on_filters_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_joined_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_member_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_export_cancel_clicked);

  gtk_widget_class_install_action (widget_class, "members.new", "s", new_member_action);
  gtk_widget_class_install_action (widget_class, "members.classification", NULL, classification_action);
  gtk_widget_class_install_action (widget_class, "members.import", NULL, import_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "members.new", "s",
                                       "store_counter");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_N, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "members.new", "s", "call_center");

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
mdk_members_page_init (MdkMembersPage *self)
{
  g_autoptr(GtkStringList) month_names = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    gtk_string_list_append (month_names, _(months[i]));
  gtk_drop_down_set_model (self->birthday_dropdown, G_LIST_MODEL (month_names));

  self->regions = g_list_store_new (MDK_TYPE_CHOICE);
  self->card_types = g_list_store_new (MDK_TYPE_CHOICE);
  self->stores = g_list_store_new (MDK_TYPE_CHOICE);
  mdk_choice_dropdown_setup (self->store_dropdown, self->stores, _("All stores"));
  mdk_choice_dropdown_setup (self->region_dropdown, self->regions, _("All regions"));
  mdk_choice_dropdown_setup (self->card_type_dropdown, self->card_types, _("All card types"));
  self->groups = g_list_store_new (MDK_TYPE_CHOICE);
  self->tags = g_list_store_new (MDK_TYPE_CHOICE);
  mdk_choice_dropdown_setup (self->group_dropdown, self->groups, _("All groups"));
  mdk_choice_dropdown_setup (self->tag_dropdown, self->tags, _("All tags"));
  gtk_widget_set_visible (GTK_WIDGET (self->field_dropdown), FALSE);

  add_columns (self);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
}

/**
 * mdk_members_page_set_database:
 * @self: a #MdkMembersPage
 * @database: where the members are
 *
 * Lists every member of @database, and loads the filters' choices.
 */
void
mdk_members_page_set_database (MdkMembersPage *self,
                               MdkDatabase    *database)
{
  g_return_if_fail (MDK_IS_MEMBERS_PAGE (self));
  g_return_if_fail (MDK_IS_DATABASE (database));

  if (!g_set_object (&self->database, database))
    return;

  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  mdk_paged_view_set_list (self->column_view, self, (gpointer *) &self->list,
                           MDK_PAGED_LIST (mdk_member_list_new (database)), FALSE, G_CALLBACK (update_state));

  mdk_choice_lists_load_async (database, self->cancellable, on_choices_loaded, g_object_ref (self),
                               mdk_choice_load_regions, mdk_choice_load_card_types, mdk_choice_load_stores, NULL);
  load_classification (self);
  on_filters_changed (self);
}

/**
 * mdk_members_page_get_list:
 * @self: a #MdkMembersPage
 *
 * Returns: (transfer none) (nullable): the list the page shows
 */
MdkMemberList *
mdk_members_page_get_list (MdkMembersPage *self)
{
  g_return_val_if_fail (MDK_IS_MEMBERS_PAGE (self), NULL);

  return self->list;
}

/**
 * mdk_members_page_search:
 * @self: a #MdkMembersPage
 * @text: what to search for
 *
 * Searches as if @text had been typed.
 */
void
mdk_members_page_search (MdkMembersPage *self,
                         const char     *text)
{
  g_return_if_fail (MDK_IS_MEMBERS_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  on_filters_changed (self);
}

void
mdk_members_page_focus_search (MdkMembersPage *self)
{
  g_return_if_fail (MDK_IS_MEMBERS_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/**
 * mdk_members_page_get_busy:
 * @self: a #MdkMembersPage
 *
 * Returns: %TRUE while a search runs
 */
gboolean
mdk_members_page_get_busy (MdkMembersPage *self)
{
  g_return_val_if_fail (MDK_IS_MEMBERS_PAGE (self), FALSE);

  return self->list != NULL && mdk_paged_list_get_loading (MDK_PAGED_LIST (self->list));
}

/**
 * mdk_members_page_open_member:
 * @self: a #MdkMembersPage
 * @position: a row of the list
 *
 * Opens the profile of the member in that row, as activating it does.
 *
 * Returns: (transfer none) (nullable): the profile window, or %NULL when
 *   the row is not loaded yet
 */
MdkMemberWindow *
mdk_members_page_open_member (MdkMembersPage *self,
                              guint           position)
{
  g_autoptr(MdkMember) member = NULL;

  g_return_val_if_fail (MDK_IS_MEMBERS_PAGE (self), NULL);

  if (self->list == NULL)
    return NULL;
  member = g_list_model_get_item (G_LIST_MODEL (self->list), position);
  if (member == NULL || !mdk_member_get_loaded (member))
    return NULL;

  return open_member_id (self, mdk_member_get_id (member));
}

/**
 * mdk_members_page_new_member:
 * @self: a #MdkMembersPage
 * @entry_channel: "store_counter" or "call_center"
 *
 * Opens the form for a new member. A member saved from the counter's form
 * opens in its profile; the call-center form stays for the next caller.
 *
 * Returns: (transfer none) (nullable): the form, or %NULL before a database is set
 */
MdkMemberEditor *
mdk_members_page_new_member (MdkMembersPage *self,
                             const char     *entry_channel)
{
  MdkMemberEditor *editor;

  g_return_val_if_fail (MDK_IS_MEMBERS_PAGE (self), NULL);

  if (self->database == NULL)
    return NULL;

  editor = mdk_member_editor_new (self->database, NULL, entry_channel);
  gtk_window_set_transient_for (GTK_WINDOW (editor), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_member_saved), self, G_CONNECT_SWAPPED);
  if (g_strcmp0 (entry_channel, "call_center") != 0)
    g_signal_connect_object (editor, "saved", G_CALLBACK (on_counter_member_saved), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (editor, "open-member", G_CALLBACK (on_open_member), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
  return editor;
}

/**
 * mdk_members_page_open_classification:
 * @self: a #MdkMembersPage
 *
 * Opens the window where head office keeps member groups and custom
 * fields; the filters read them again when it closes.
 *
 * Returns: (transfer none) (nullable): the window, or %NULL before a database is set
 */
MdkClassificationWindow *
mdk_members_page_open_classification (MdkMembersPage *self)
{
  MdkClassificationWindow *window;

  g_return_val_if_fail (MDK_IS_MEMBERS_PAGE (self), NULL);

  if (self->database == NULL)
    return NULL;

  window = mdk_classification_window_new (self->database);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  g_signal_connect_object (window, "destroy", G_CALLBACK (on_classification_closed), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/**
 * mdk_members_page_import_file:
 * @self: a #MdkMembersPage
 * @path: a CSV file or an .xlsx workbook
 *
 * Opens the import window on @path, as *Import…* does once a file is
 * chosen; the list shows the new members once the import lands.
 *
 * Returns: (transfer none) (nullable): the window, or %NULL before a database is set
 */
MdkImportWindow *
mdk_members_page_import_file (MdkMembersPage *self,
                              const char     *path)
{
  MdkImportWindow *window;

  g_return_val_if_fail (MDK_IS_MEMBERS_PAGE (self), NULL);

  if (self->database == NULL)
    return NULL;

  window = mdk_import_window_new (self->database, path);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  g_signal_connect_object (window, "imported", G_CALLBACK (on_import_landed), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/**
 * mdk_members_page_filter_store:
 * @self: a #MdkMembersPage
 * @store_id: a home store, or 0 for all
 *
 * Chooses the store in the store filter, as a person would.
 */
void
mdk_members_page_filter_store (MdkMembersPage *self,
                               gint64          store_id)
{
  g_return_if_fail (MDK_IS_MEMBERS_PAGE (self));

  select_choice_id (self->store_dropdown, store_id);
}

/**
 * mdk_members_page_sort:
 * @self: a #MdkMembersPage
 * @sort: the order
 * @descending: whether reversed
 *
 * Chooses the order and its direction, as a person would.
 */
void
mdk_members_page_sort (MdkMembersPage *self,
                       MdkMemberSort   sort,
                       gboolean        descending)
{
  g_return_if_fail (MDK_IS_MEMBERS_PAGE (self));

  for (guint i = 0; i < G_N_ELEMENTS (sorts); i++)
    if (sorts[i] == sort)
      gtk_drop_down_set_selected (self->sort_dropdown, i);
  gtk_toggle_button_set_active (self->reverse_button, descending);
}

/**
 * mdk_members_page_filter_joined:
 * @self: a #MdkMembersPage
 * @from: (nullable): the first day, as a person types it
 * @to: (nullable): the last day
 *
 * Chooses "Joined between…" and types the dates, as a person would.
 */
void
mdk_members_page_filter_joined (MdkMembersPage *self,
                                const char     *from,
                                const char     *to)
{
  g_return_if_fail (MDK_IS_MEMBERS_PAGE (self));

  gtk_drop_down_set_selected (self->joined_dropdown, JOINED_RANGE);
  gtk_editable_set_text (GTK_EDITABLE (self->joined_from_entry), from ? from : "");
  gtk_editable_set_text (GTK_EDITABLE (self->joined_to_entry), to ? to : "");
}
