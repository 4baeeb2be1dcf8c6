/* mdk-recharge-rules-window.c: head office's recharge rules: who may
 * recharge where, and the bonuses a recharge earns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "common/mdk-choice-widgets.h"
#include "mdk-recharge-rules-window.h"

struct _MdkRechargeRulesWindow
{
  AdwWindow            parent_instance;

  AdwToastOverlay     *toast_overlay;
  AdwPreferencesGroup *permissions_group;
  AdwComboRow         *store_row;
  AdwComboRow         *operator_row;
  AdwPreferencesGroup *bonuses_group;
  AdwEntryRow         *min_amount_row;
  AdwEntryRow         *bonus_row;
  AdwComboRow         *card_type_row;

  MdkDatabase         *database;
  GPtrArray           *rule_rows;   /* the rows shown for the rules, removed on reload */
  GCancellable        *cancellable;
  guint                pending;
};

G_DEFINE_FINAL_TYPE (MdkRechargeRulesWindow, mdk_recharge_rules_window, ADW_TYPE_WINDOW)

static void reload (MdkRechargeRulesWindow *self);

static void
toast (MdkRechargeRulesWindow *self,
       const char             *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/* Changing a rule */

typedef struct
{
  enum { ALLOW, DISALLOW, ADD_BONUS, END_BONUS } what;
  gint64 a;
  gint64 b;
  gint64 c;
} Change;

static gpointer
change_work (PGconn        *conn,
             gpointer       work_data,
             GCancellable  *cancellable,
             GError       **error)
{
  Change *change = work_data;
  gboolean ok = FALSE;

  switch (change->what)
    {
    case ALLOW:
      ok = mdk_recharge_rules_allow (conn, change->a, change->b, error);
      break;
    case DISALLOW:
      ok = mdk_recharge_rules_disallow (conn, change->a, error);
      break;
    case ADD_BONUS:
      ok = mdk_recharge_rules_add_bonus (conn, change->a, change->b, change->c, error);
      break;
    case END_BONUS:
      ok = mdk_recharge_rules_end_bonus (conn, change->a, error);
      break;
    default:
      g_assert_not_reached ();
    }
  return ok ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
on_changed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(MdkRechargeRulesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->pending--;
  if (mdk_database_run_finish (MDK_DATABASE (source), result, &error) == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  reload (self);
}

static void
change (MdkRechargeRulesWindow *self,
        int                     what,
        gint64                  a,
        gint64                  b,
        gint64                  c)
{
  Change *data = g_new0 (Change, 1);

  data->what = what;
  data->a = a;
  data->b = b;
  data->c = c;
  self->pending++;
  mdk_database_run_async (self->database, MDK_DATABASE_RUN_TRANSACTION, change_work, data, g_free, NULL,
                          self->cancellable, on_changed, g_object_ref (self));
}

static void
on_remove_clicked (GtkButton              *button,
                   MdkRechargeRulesWindow *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "mdk-id"));
  gboolean bonus = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "mdk-bonus"));

  change (self, bonus ? END_BONUS : DISALLOW, id, 0, 0);
}

/* Showing the rules */

static void
add_rule_row (MdkRechargeRulesWindow *self,
              AdwPreferencesGroup    *group,
              const char             *title,
              const char             *subtitle,
              const char             *button_label,
              gint64                  id,
              gboolean                bonus)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  /* Without a button label, the row is a note. */
  if (button_label != NULL)
    {
      GtkWidget *button = gtk_button_new_with_label (button_label);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_object_set_data (G_OBJECT (button), "mdk-id", GSIZE_TO_POINTER ((gsize) id));
      g_object_set_data (G_OBJECT (button), "mdk-bonus", GINT_TO_POINTER (bonus));
      g_signal_connect (button, "clicked", G_CALLBACK (on_remove_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rule_rows, row);
}

static void
show_rules (MdkRechargeRulesWindow *self,
            MdkRechargeRules       *rules)
{
  for (guint i = 0; i < self->rule_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rule_rows, i);

      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP)),
                                    row);
    }
  g_ptr_array_set_size (self->rule_rows, 0);

  for (guint i = 0; i < rules->permissions->len; i++)
    {
      const MdkRechargePermission *permission = &g_array_index (rules->permissions, MdkRechargePermission, i);
      const char *store = permission->store_name ? permission->store_name : _("Any store");
      const char *operator = permission->operator_name ? permission->operator_name : _("any operator");
      /* Translators: a store, then an operator, who may recharge there */
      g_autofree char *title = g_strdup_printf (_("%s · %s"), store, operator);

      add_rule_row (self, self->permissions_group, title, NULL, _("Remove"), permission->id, FALSE);
    }
  if (rules->permissions->len == 0)
    add_rule_row (self, self->permissions_group, _("Only head office may recharge"), NULL, NULL, 0, FALSE);

  for (guint i = 0; i < rules->bonus_rules->len; i++)
    {
      const MdkBonusRule *rule = &g_array_index (rules->bonus_rules, MdkBonusRule, i);
      g_autofree char *min_amount = mdk_money_format (rule->min_amount, "¥");
      g_autofree char *bonus = mdk_money_format (rule->bonus, "¥");
      /* Translators: "Recharge ¥1,000.00 or more, get ¥100.00" */
      g_autofree char *title = g_strdup_printf (_("Recharge %s or more, get %s"), min_amount, bonus);
      g_autofree char *since = rule->starts_on ? g_strdup_printf (_("since %s"), rule->starts_on) : NULL;
      g_autofree char *subtitle = g_strdup_printf ("%s%s%s", rule->card_type_name ? rule->card_type_name
                                                                                  : _("Every card type"),
                                                   since ? " · " : "", since ? since : "");

      add_rule_row (self, self->bonuses_group, title, subtitle, _("End"), rule->id, TRUE);
    }
  if (rules->bonus_rules->len == 0)
    add_rule_row (self, self->bonuses_group, _("No bonus for now"), NULL, NULL, 0, TRUE);
}

static gpointer
load_work (PGconn        *conn,
           gpointer       work_data,
           GCancellable  *cancellable,
           GError       **error)
{
  return mdk_recharge_rules_load (conn, error);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MdkRechargeRulesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdkRechargeRules) rules = mdk_database_run_finish (MDK_DATABASE (source), result, &error);

  self->pending--;
  if (rules == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  show_rules (self, rules);
}

static void
reload (MdkRechargeRulesWindow *self)
{
  self->pending++;
  mdk_database_run_async (self->database, MDK_DATABASE_RUN_READ_ONLY, load_work, NULL, NULL,
                          (GDestroyNotify) mdk_recharge_rules_free, self->cancellable, on_loaded,
                          g_object_ref (self));
}

/* Choices */

static void
set_choices (AdwComboRow *row,
             const char  *any_label,
             GListModel  *choices)
{
  g_autoptr(GListStore) store = g_list_store_new (MDK_TYPE_CHOICE);
  g_autoptr(MdkChoice) any = mdk_choice_new (0, any_label);
  g_autoptr(GtkExpression) expression = gtk_property_expression_new (MDK_TYPE_CHOICE, NULL, "label");

  g_list_store_append (store, any);
  for (guint i = 0; i < g_list_model_get_n_items (choices); i++)
    {
      g_autoptr(MdkChoice) choice = g_list_model_get_item (choices, i);

      g_list_store_append (store, choice);
    }
  adw_combo_row_set_expression (row, expression);
  adw_combo_row_set_model (row, G_LIST_MODEL (store));
}

static void
on_choices_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MdkRechargeRulesWindow) self = user_data;
  g_autoptr(GPtrArray) lists = mdk_choice_lists_load_finish (MDK_DATABASE (source), result, NULL);

  self->pending--;
  if (lists == NULL)
    return;
  set_choices (self->store_row, _("Any store"), g_ptr_array_index (lists, 0));
  set_choices (self->operator_row, _("Any operator"), g_ptr_array_index (lists, 1));
  set_choices (self->card_type_row, _("Every card type"), g_ptr_array_index (lists, 2));
}

/* Actions */

static void
allow_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  MdkRechargeRulesWindow *self = MDK_RECHARGE_RULES_WINDOW (widget);

  change (self, ALLOW, mdk_choice_row_get_id (self->store_row), mdk_choice_row_get_id (self->operator_row), 0);
}

static void
add_bonus_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MdkRechargeRulesWindow *self = MDK_RECHARGE_RULES_WINDOW (widget);
  gint64 min_amount = 0, bonus = 0;
  gboolean min_ok = mdk_money_parse (gtk_editable_get_text (GTK_EDITABLE (self->min_amount_row)), &min_amount, NULL)
                    && min_amount > 0;
  gboolean bonus_ok = mdk_money_parse (gtk_editable_get_text (GTK_EDITABLE (self->bonus_row)), &bonus, NULL)
                      && bonus > 0;

  if (!min_ok)
    gtk_widget_add_css_class (GTK_WIDGET (self->min_amount_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->min_amount_row), "error");
  if (!bonus_ok)
    gtk_widget_add_css_class (GTK_WIDGET (self->bonus_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->bonus_row), "error");
  if (!min_ok || !bonus_ok)
    {
      toast (self, _("Type both amounts in yuan, such as 1000 and 100."));
      return;
    }

  change (self, ADD_BONUS, min_amount, bonus, mdk_choice_row_get_id (self->card_type_row));
  gtk_editable_set_text (GTK_EDITABLE (self->min_amount_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->bonus_row), "");
}

/* GObject */

static void
mdk_recharge_rules_window_dispose (GObject *object)
{
  MdkRechargeRulesWindow *self = MDK_RECHARGE_RULES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->database);
  g_clear_pointer (&self->rule_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), MDK_TYPE_RECHARGE_RULES_WINDOW);

  G_OBJECT_CLASS (mdk_recharge_rules_window_parent_class)->dispose (object);
}

static void
mdk_recharge_rules_window_class_init (MdkRechargeRulesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mdk_recharge_rules_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mdk-recharge-rules-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MdkRechargeRulesWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MdkRechargeRulesWindow, permissions_group);
  gtk_widget_class_bind_template_child (widget_class, MdkRechargeRulesWindow, store_row);
  gtk_widget_class_bind_template_child (widget_class, MdkRechargeRulesWindow, operator_row);
  gtk_widget_class_bind_template_child (widget_class, MdkRechargeRulesWindow, bonuses_group);
  gtk_widget_class_bind_template_child (widget_class, MdkRechargeRulesWindow, min_amount_row);
  gtk_widget_class_bind_template_child (widget_class, MdkRechargeRulesWindow, bonus_row);
  gtk_widget_class_bind_template_child (widget_class, MdkRechargeRulesWindow, card_type_row);

  gtk_widget_class_install_action (widget_class, "rules.allow", NULL, allow_action);
  gtk_widget_class_install_action (widget_class, "rules.add-bonus", NULL, add_bonus_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mdk_recharge_rules_window_init (MdkRechargeRulesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rule_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
}

/**
 * mdk_recharge_rules_window_new:
 * @database: the database
 *
 * Returns: (transfer floating): the window, loading the rules
 */
MdkRechargeRulesWindow *
mdk_recharge_rules_window_new (MdkDatabase *database)
{
  MdkRechargeRulesWindow *self;

  g_return_val_if_fail (MDK_IS_DATABASE (database), NULL);

  self = g_object_new (MDK_TYPE_RECHARGE_RULES_WINDOW, NULL);
  self->database = g_object_ref (database);
  self->pending++;
  mdk_choice_lists_load_async (database, self->cancellable, on_choices_loaded, g_object_ref (self),
                               mdk_choice_load_stores, mdk_choice_load_operators, mdk_choice_load_card_types, NULL);
  reload (self);
  return self;
}

/**
 * mdk_recharge_rules_window_get_busy:
 * @self: a #MdkRechargeRulesWindow
 *
 * Returns: %TRUE while loading or changing
 */
gboolean
mdk_recharge_rules_window_get_busy (MdkRechargeRulesWindow *self)
{
  g_return_val_if_fail (MDK_IS_RECHARGE_RULES_WINDOW (self), FALSE);

  return self->pending > 0;
}

/**
 * mdk_recharge_rules_window_add_bonus:
 * @self: a #MdkRechargeRulesWindow
 * @min_amount: what to type as the minimum, in yuan
 * @bonus: what to type as the bonus, in yuan
 *
 * Types a bonus and adds it, as a person would.
 */
void
mdk_recharge_rules_window_add_bonus (MdkRechargeRulesWindow *self,
                                     const char             *min_amount,
                                     const char             *bonus)
{
  g_return_if_fail (MDK_IS_RECHARGE_RULES_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->min_amount_row), min_amount);
  gtk_editable_set_text (GTK_EDITABLE (self->bonus_row), bonus);
  gtk_widget_activate_action (GTK_WIDGET (self), "rules.add-bonus", NULL);
}
