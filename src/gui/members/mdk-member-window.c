/* mdk-member-window.c: one member's profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "cards/mdk-card-dialog.h"
#include "common/mdk-status-page.h"
#include "mdk-member-editor.h"
#include "mdk-member-window.h"

struct _MdkMemberWindow
{
  AdwWindow        parent_instance;

  AdwWindowTitle  *window_title;
  GtkStack        *stack;
  AdwStatusPage   *error_page;
  GtkBox          *groups_box;

  MdkDatabase     *database;
  gint64           member_id;
  MdkMemberDetail *detail;
  GCancellable    *cancellable;
  gboolean         busy;
  gboolean         loading_history;
  GtkWidget       *history_group;
};

G_DEFINE_FINAL_TYPE (MdkMemberWindow, mdk_member_window, ADW_TYPE_WINDOW)

static const char *
channel_label (const char *channel)
{
  if (g_strcmp0 (channel, "store_counter") == 0)
    return _("Store counter");
  if (g_strcmp0 (channel, "call_center") == 0)
    return _("Call center");
  if (g_strcmp0 (channel, "website") == 0)
    return _("Website");
  if (g_strcmp0 (channel, "batch_import") == 0)
    return _("Batch import");
  return channel;
}

/* Resident ID numbers are shown as people in China expect to see them on
 * screen: the region and the last four, the rest hidden. */
static char *
mask_id_number (const char *id_number)
{
  gsize length;

  if (id_number == NULL || (length = strlen (id_number)) < 10)
    return g_strdup (id_number);

  return g_strdup_printf ("%.6s%.*s%s", id_number, (int) (length - 10), "************************",
                          id_number + length - 4);
}

static GtkWidget *
add_group (MdkMemberWindow *self,
           const char      *title)
{
  GtkWidget *group = adw_preferences_group_new ();
  g_autofree char *escaped = g_markup_escape_text (title, -1);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), escaped);
  gtk_box_append (self->groups_box, group);
  return group;
}

static void
add_row (GtkWidget  *group,
         const char *title,
         const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value && *value ? value : "—");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

/* A part of the profile whose section has not landed yet says so. */
static void
add_pending_group (MdkMemberWindow *self,
                   const char      *title,
                   const char      *explanation)
{
  GtkWidget *group = add_group (self, title);
  /* The description is markup. */
  g_autofree char *escaped = g_markup_escape_text (explanation, -1);

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), escaped);
}

/* The actions a card's state allows, as a menu of "member.card-action". */
static GtkWidget *
card_actions_button (MdkCard *card)
{
  const char *allowed = mdk_card_get_field (card, MDK_CARD_FIELD_ACTIONS);
  g_auto(GStrv) actions = g_strsplit (allowed ? allowed : "", ",", -1);
  g_autoptr(GMenu) menu = g_menu_new ();
  /* In the order a counter meets them. */
  static const char * const order[] = { "report_loss", "found", "freeze", "unfreeze", "replace", "cancel" };
  static const char * const in_use[] = { "active", "lost", "frozen", NULL };
  GtkWidget *button;
  g_autofree char *tooltip = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (g_strv_contains ((const char * const *) actions, order[i]))
      {
        g_autoptr(GMenuItem) item = g_menu_item_new (mdk_card_action_label (order[i]), NULL);

        g_menu_item_set_action_and_target (item, "member.card-action", "(ss)",
                                           mdk_card_get_field (card, MDK_CARD_FIELD_CARD_NO), order[i]);
        g_menu_append_item (menu, item);
      }
  /* Not a change of state: any card in use may have one. */
  if (g_strv_contains (in_use, mdk_card_get_field (card, MDK_CARD_FIELD_STATE)))
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (mdk_card_action_label ("daily_limit"), NULL);

      g_menu_item_set_action_and_target (item, "member.card-action", "(ss)",
                                         mdk_card_get_field (card, MDK_CARD_FIELD_CARD_NO), "daily_limit");
      g_menu_append_item (menu, item);
    }
  /* Head office's tier, for a card of its own in use whose kind has tiers. */
  if (g_strv_contains (in_use, mdk_card_get_field (card, MDK_CARD_FIELD_STATE))
      && mdk_card_get_field (card, MDK_CARD_FIELD_PRIMARY_CARD_NO) == NULL
      && !g_strv_contains ((const char * const []) { "affiliate", "group", NULL },
                           mdk_card_get_field (card, MDK_CARD_FIELD_CARD_KIND)))
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (mdk_card_action_label ("set_tier"), NULL);

      g_menu_item_set_action_and_target (item, "member.card-action", "(ss)",
                                         mdk_card_get_field (card, MDK_CARD_FIELD_CARD_NO), "set_tier");
      g_menu_append_item (menu, item);
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (menu)) == 0)
    return NULL;

  button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  /* Translators: %s is a card number */
  tooltip = g_strdup_printf (_("Actions for card %s"), mdk_card_get_field (card, MDK_CARD_FIELD_CARD_NO));
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  return button;
}

static void
add_card_row (GtkWidget *group,
              MdkCard   *card)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *actions = card_actions_button (card);
  GtkWidget *state = gtk_label_new (mdk_card_state_label (mdk_card_get_field (card, MDK_CARD_FIELD_STATE)));
  const char *primary = mdk_card_get_field (card, MDK_CARD_FIELD_PRIMARY_CARD_NO);
  const char *expires = mdk_card_get_field (card, MDK_CARD_FIELD_EXPIRES_ON);
  g_autofree char *validity = expires ? g_strdup_printf (_("valid until %s"), expires) : g_strdup (_("no expiry"));
  g_autofree char *subtitle = NULL;

  /* Translators: card type, issue date and store, validity; e.g. "Gold card · issued 2021-05-01 at Shanghai Centre · valid until 2023-05-01" */
  subtitle = g_strdup_printf (_("%s · issued %s at %s · %s"), mdk_card_get_field (card, MDK_CARD_FIELD_CARD_TYPE),
                              mdk_card_get_field (card, MDK_CARD_FIELD_ISSUED_ON),
                              mdk_card_get_field (card, MDK_CARD_FIELD_ISSUED_STORE), validity);
  if (primary != NULL)
    {
      g_autofree char *with_primary = g_strdup_printf (_("%s · affiliate of %s"), subtitle, primary);

      g_free (subtitle);
      subtitle = g_steal_pointer (&with_primary);
    }
  if (mdk_card_get_field (card, MDK_CARD_FIELD_TIER_DOWN_ON) != NULL)
    {
      /* Translators: the row's other details, then a card type and a date */
      g_autofree char *with_notice = g_strdup_printf (_("%s · moves down to %s on %s unless it qualifies again"),
                                                      subtitle, mdk_card_get_field (card, MDK_CARD_FIELD_TIER_DOWN_TO),
                                                      mdk_card_get_field (card, MDK_CARD_FIELD_TIER_DOWN_ON));

      g_free (subtitle);
      subtitle = g_steal_pointer (&with_notice);
    }
  if (mdk_card_get_field (card, MDK_CARD_FIELD_TIER_HELD_UNTIL) != NULL)
    {
      const char *held = mdk_card_get_field (card, MDK_CARD_FIELD_TIER_HELD_UNTIL);
      g_autofree char *with_hold = g_str_equal (held, "infinity")
                                     ? g_strdup_printf (_("%s · tier set by head office"), subtitle)
                                     /* Translators: the row's other details, then a date */
                                     : g_strdup_printf (_("%s · tier set by head office until %s"), subtitle, held);

      g_free (subtitle);
      subtitle = g_steal_pointer (&with_hold);
    }

  /* Store names are data, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mdk_card_get_field (card, MDK_CARD_FIELD_CARD_NO));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  gtk_widget_add_css_class (state, g_strcmp0 (mdk_card_get_field (card, MDK_CARD_FIELD_STATE), "active") == 0
                                   ? "success" : "warning");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), state);
  if (actions != NULL)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), actions);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

static gint64
card_amount (MdkCard      *card,
             MdkCardField  field)
{
  const char *text = mdk_card_get_field (card, field);

  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
}

static void
add_balance_row (GtkWidget *group,
                 MdkCard   *card)
{
  GtkWidget *row = adw_action_row_new ();
  const char *primary = mdk_card_get_field (card, MDK_CARD_FIELD_PRIMARY_CARD_NO);
  g_autofree char *balance = mdk_money_format (card_amount (card, MDK_CARD_FIELD_BALANCE), "¥");
  g_autofree char *bonus = mdk_money_format (card_amount (card, MDK_CARD_FIELD_BONUS_BALANCE), "¥");
  g_autofree char *points = g_strdup_printf ("%" G_GINT64_FORMAT, card_amount (card, MDK_CARD_FIELD_POINTS_BALANCE));
  /* Translators: a card's paid value, promotional value and points */
  g_autofree char *value = g_strdup_printf (_("%s · promotional %s · %s points"), balance, bonus, points);
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mdk_card_get_field (card, MDK_CARD_FIELD_CARD_NO));
  if (primary != NULL)
    {
      gboolean own = g_strcmp0 (mdk_card_get_field (card, MDK_CARD_FIELD_OWN_ACCOUNTS), "true") == 0;
      g_autofree char *whose = own ? g_strdup_printf (_("its own, not shared with %s"), primary)
                                   : g_strdup_printf (_("shares the account of %s"), primary);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), whose);
    }
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

/* The member's latest transactions, on any of their cards. */
static gpointer
load_history_work (PGconn        *conn,
                   gpointer       work_data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  return mdk_journal_fetch (conn, work_data, NULL, 20, error);
}

static void
on_history_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MdkMemberWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) transactions = mdk_database_run_finish (MDK_DATABASE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading_history = FALSE;
  if (self->history_group == NULL)
    return;
  if (transactions == NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->history_group), escaped);
      return;
    }

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->history_group),
                                         transactions->len == 0 ? _("No recharge or sale yet.")
                                                                : _("The latest 20, newest first; all of them are "
                                                                    "in the Finance section."));
  for (guint i = 0; i < transactions->len; i++)
    {
      MdkTransaction *transaction = g_ptr_array_index (transactions, i);
      const char *amount_text = mdk_transaction_get_field (transaction, MDK_TRANSACTION_FIELD_AMOUNT);
      g_autofree char *amount = mdk_money_format (amount_text ? g_ascii_strtoll (amount_text, NULL, 10) : 0, "¥");
      g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s",
                                                   mdk_transaction_get_field (transaction, MDK_TRANSACTION_FIELD_TIME),
                                                   mdk_transaction_get_field (transaction, MDK_TRANSACTION_FIELD_STORE_NAME),
                                                   mdk_transaction_get_field (transaction, MDK_TRANSACTION_FIELD_CARD_NO));
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *label = gtk_label_new (amount);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     mdk_transaction_kind_label (mdk_transaction_get_field (transaction,
                                                                                            MDK_TRANSACTION_FIELD_KIND)));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->history_group), row);
    }
}

static void
load_history (MdkMemberWindow *self)
{
  MdkJournalQuery *query = mdk_journal_query_new ();

  query->member_id = self->member_id;
  self->loading_history = TRUE;
  mdk_database_run_async (self->database, MDK_DATABASE_RUN_READ_ONLY, load_history_work, query,
                          (GDestroyNotify) mdk_journal_query_free, (GDestroyNotify) g_ptr_array_unref,
                          self->cancellable, on_history_loaded, g_object_ref (self));
}

#define FIELD(detail, name) mdk_member_detail_get_field (detail, MDK_MEMBER_DETAIL_FIELD_##name)

static void
clear_groups (MdkMemberWindow *self)
{
  GtkWidget *child;

  self->history_group = NULL;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box))) != NULL)
    gtk_box_remove (self->groups_box, child);
}

static void
show_detail (MdkMemberWindow *self,
             MdkMemberDetail *detail)
{
  GListModel *cards = mdk_member_detail_get_cards (detail);
  g_autofree char *id_number = mask_id_number (FIELD (detail, ID_NUMBER));
  g_autofree char *number = g_strdup_printf (_("Member %s"), FIELD (detail, ID));
  GtkWidget *group;

  clear_groups (self);
  adw_window_title_set_title (self->window_title, FIELD (detail, NAME));
  adw_window_title_set_subtitle (self->window_title, number);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "member.edit", TRUE);

  group = add_group (self, _("Personal Data"));
  add_row (group, _("Name"), FIELD (detail, NAME));
  add_row (group, _("Gender"), mdk_member_gender_label (FIELD (detail, GENDER)));
  add_row (group, _("Mobile"), FIELD (detail, MOBILE));
  add_row (group, _("E-mail"), FIELD (detail, EMAIL));
  add_row (group, _("ID number"), id_number);
  add_row (group, _("Birthday"), FIELD (detail, BIRTHDAY));
  add_row (group, _("Anniversary"), FIELD (detail, ANNIVERSARY));

  group = add_group (self, _("Membership"));
  add_row (group, _("Status"), mdk_member_status_label (FIELD (detail, STATUS)));
  add_row (group, _("Home store"), FIELD (detail, STORE_NAME));
  add_row (group, _("Region"), FIELD (detail, REGION_NAME));
  add_row (group, _("Joined"), FIELD (detail, JOINED_ON));
  add_row (group, _("Entered through"), channel_label (FIELD (detail, ENTRY_CHANNEL)));
  add_row (group, _("Entered by"), FIELD (detail, ENTRY_OPERATOR));
  add_row (group, _("Last changed"), FIELD (detail, UPDATED_AT));
  add_row (group, _("Group"), FIELD (detail, GROUP_NAME));
  add_row (group, _("Tags"), FIELD (detail, TAGS));

  if (mdk_member_detail_get_custom (detail)->len > 0)
    {
      GPtrArray *custom = mdk_member_detail_get_custom (detail);

      group = add_group (self, _("More About the Member"));
      for (guint i = 0; i < custom->len; i++)
        {
          MdkMemberCustomValue *value = g_ptr_array_index (custom, i);

          add_row (group, value->label, value->value);
        }
    }

  group = add_group (self, _("Cards"));
  {
    GtkWidget *issue = gtk_button_new_with_mnemonic (_("_Issue Card…"));

    gtk_actionable_set_action_name (GTK_ACTIONABLE (issue), "member.issue-card");
    gtk_widget_add_css_class (issue, "flat");
    adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), issue);
  }
  for (guint i = 0; i < g_list_model_get_n_items (cards); i++)
    {
      g_autoptr(MdkCard) card = g_list_model_get_item (cards, i);

      add_card_row (group, card);
    }
  if (g_list_model_get_n_items (cards) == 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _("This member holds no card."));

  group = add_group (self, _("Balance and Points"));
  for (guint i = 0; i < g_list_model_get_n_items (cards); i++)
    {
      g_autoptr(MdkCard) card = g_list_model_get_item (cards, i);

      add_balance_row (group, card);
    }
  if (g_list_model_get_n_items (cards) == 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _("This member holds no card."));

  self->history_group = add_group (self, _("Consumption History"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->history_group), _("Loading…"));
  load_history (self);
  add_pending_group (self, _("Return Visits"),
                     _("Return visits are not built yet; they come with the Visits & Reminders section."));

  gtk_stack_set_visible_child_name (self->stack, "profile");
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MdkMemberWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdkMemberDetail) detail = mdk_member_repo_load_detail_finish (MDK_DATABASE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->busy = FALSE;
  if (detail == NULL)
    {
      mdk_status_page_set_text (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  g_set_object (&self->detail, detail);
  show_detail (self, detail);
}

static void
load (MdkMemberWindow *self)
{
  self->busy = TRUE;
  mdk_member_repo_load_detail_async (self->database, self->member_id, self->cancellable, on_loaded,
                                     g_object_ref (self));
}

static void
on_member_saved (MdkMemberWindow *self)
{
  load (self);
}

static void
on_card_changed (MdkMemberWindow *self)
{
  load (self);
}

static void
issue_card_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  mdk_member_window_issue_card (MDK_MEMBER_WINDOW (widget));
}

static void
card_action_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  const char *card_no, *action;

  g_variant_get (parameter, "(&s&s)", &card_no, &action);
  mdk_member_window_card_action (MDK_MEMBER_WINDOW (widget), card_no, action);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  mdk_member_window_edit (MDK_MEMBER_WINDOW (widget));
}

static void
mdk_member_window_dispose (GObject *object)
{
  MdkMemberWindow *self = MDK_MEMBER_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->detail);
  g_clear_object (&self->database);
  gtk_widget_dispose_template (GTK_WIDGET (self), MDK_TYPE_MEMBER_WINDOW);

  G_OBJECT_CLASS (mdk_member_window_parent_class)->dispose (object);
}

static void
mdk_member_window_class_init (MdkMemberWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mdk_member_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mdk-member-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MdkMemberWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, MdkMemberWindow, groups_box);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_install_action (widget_class, "member.edit", NULL, edit_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "member.edit", NULL);
  gtk_widget_class_install_action (widget_class, "member.issue-card", NULL, issue_card_action);
  gtk_widget_class_install_action (widget_class, "member.card-action", "(ss)", card_action_action);
}

static void
mdk_member_window_init (MdkMemberWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "member.edit", FALSE);
}

/**
 * mdk_member_window_new:
 * @database: where the member is
 * @member_id: the member number
 *
 * Returns: (transfer full): a window that loads and shows the member
 */
MdkMemberWindow *
mdk_member_window_new (MdkDatabase *database,
                       gint64       member_id)
{
  MdkMemberWindow *self = g_object_new (MDK_TYPE_MEMBER_WINDOW, NULL);

  self->database = g_object_ref (database);
  self->member_id = member_id;
  load (self);
  return self;
}

/**
 * mdk_member_window_edit:
 * @self: a #MdkMemberWindow
 *
 * Opens the form to edit the member shown; the profile reloads once the
 * form saves.
 *
 * Returns: (transfer none) (nullable): the form, or %NULL before the member is loaded
 */
MdkMemberEditor *
mdk_member_window_edit (MdkMemberWindow *self)
{
  MdkMemberEditor *editor;

  g_return_val_if_fail (MDK_IS_MEMBER_WINDOW (self), NULL);

  if (self->detail == NULL)
    return NULL;

  editor = mdk_member_editor_new (self->database, self->detail, NULL);
  gtk_window_set_transient_for (GTK_WINDOW (editor), GTK_WINDOW (self));
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_member_saved), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
  return editor;
}

gboolean
mdk_member_window_get_busy (MdkMemberWindow *self)
{
  g_return_val_if_fail (MDK_IS_MEMBER_WINDOW (self), FALSE);

  return self->busy || self->loading_history;
}

/**
 * mdk_member_window_get_detail:
 * @self: a #MdkMemberWindow
 *
 * Returns: (transfer none) (nullable): the member, once loaded
 */
MdkMemberDetail *
mdk_member_window_get_detail (MdkMemberWindow *self)
{
  g_return_val_if_fail (MDK_IS_MEMBER_WINDOW (self), NULL);

  return self->detail;
}

static void
present_card_dialog (MdkMemberWindow *self,
                     MdkCardDialog   *dialog)
{
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  g_signal_connect_object (dialog, "applied", G_CALLBACK (on_card_changed), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * mdk_member_window_issue_card:
 * @self: a #MdkMemberWindow
 *
 * Opens the dialog that issues the member a card; the profile reloads
 * once it is issued.
 *
 * Returns: (transfer none) (nullable): the dialog, or %NULL before the member is loaded
 */
MdkCardDialog *
mdk_member_window_issue_card (MdkMemberWindow *self)
{
  MdkCardDialog *dialog;

  g_return_val_if_fail (MDK_IS_MEMBER_WINDOW (self), NULL);

  if (self->detail == NULL)
    return NULL;

  dialog = mdk_card_dialog_new_issue (self->database, self->member_id, FIELD (self->detail, NAME));
  present_card_dialog (self, dialog);
  return dialog;
}

/**
 * mdk_member_window_card_action:
 * @self: a #MdkMemberWindow
 * @card_no: one of the member's cards
 * @action: an action its state allows (mdk.card_action)
 *
 * Opens the dialog that says what @action does to the card's money, and
 * does it; the profile reloads once it is done.
 *
 * Returns: (transfer none) (nullable): the dialog, or %NULL when the member
 *   has no such card
 */
MdkCardDialog *
mdk_member_window_card_action (MdkMemberWindow *self,
                               const char      *card_no,
                               const char      *action)
{
  GListModel *cards;

  g_return_val_if_fail (MDK_IS_MEMBER_WINDOW (self), NULL);

  if (self->detail == NULL)
    return NULL;

  cards = mdk_member_detail_get_cards (self->detail);
  for (guint i = 0; i < g_list_model_get_n_items (cards); i++)
    {
      g_autoptr(MdkCard) card = g_list_model_get_item (cards, i);

      if (g_strcmp0 (mdk_card_get_field (card, MDK_CARD_FIELD_CARD_NO), card_no) == 0)
        {
          MdkCardDialog *dialog = mdk_card_dialog_new_action (self->database, card, action);

          present_card_dialog (self, dialog);
          return dialog;
        }
    }
  return NULL;
}
