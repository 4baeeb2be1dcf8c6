/* mdk-finance-page.c: the journal of the ledger's transactions, filtered,
 * with recharge and sale at hand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "common/mdk-choice-widgets.h"
#include "common/mdk-paged-view.h"
#include "common/mdk-labels.h"
#include "common/mdk-status-page.h"
#include "mdk-batch-recharge-window.h"
#include "mdk-finance-page.h"
#include "mdk-ledger-dialog.h"
#include "mdk-recharge-rules-window.h"
#include "mdk-transaction-window.h"
#include "mdk-window.h"

struct _MdkFinancePage
{
  GtkWidget          parent_instance;

  GtkSearchEntry    *card_entry;
  GtkDropDown       *region_dropdown;
  GtkDropDown       *store_dropdown;
  GtkDropDown       *kind_dropdown;
  GtkDropDown       *method_dropdown;
  GtkDropDown       *operator_dropdown;
  GtkDropDown       *period_dropdown;
  GtkLabel          *count_label;
  GtkSpinner        *spinner;
  GtkStack          *stack;
  GtkScrolledWindow *scrolled_window;
  GtkColumnView     *column_view;
  AdwStatusPage     *error_page;
  GtkStack          *view_stack;
  GtkDropDown       *settlement_period_dropdown;
  GtkDropDown       *settlement_region_dropdown;
  GtkLabel          *settlement_totals_label;
  GtkStack          *settlement_stack;
  GtkColumnView     *settlement_view;
  AdwStatusPage     *settlement_error_page;

  MdkDatabase       *database;
  MdkJournalList    *list;
  GListStore        *regions;
  GListStore        *stores;
  GListStore        *operators;
  GListStore        *settlement_regions;
  GCancellable      *cancellable;
  GCancellable      *settlement_cancellable;
  gboolean           settlement_loading;
  gboolean           loaded;
};

G_DEFINE_FINAL_TYPE (MdkFinancePage, mdk_finance_page, GTK_TYPE_WIDGET)

/* In the order of kind_dropdown after "All kinds". */
static const char * const kinds[] = { "recharge", "consume", "refund", "reversal", "card_fee", "card_transfer",
                                      "card_cancel" };

enum { PERIOD_ANY, PERIOD_TODAY, PERIOD_WEEK, PERIOD_MONTH, PERIOD_LAST_MONTH };

static const struct {
  const char *property;
  const char *title;
  int         width;
} columns[] = {
  { "time", N_("Time"), 150 },
  { "kind", N_("Kind"), 80 },
  { "amount", N_("Amount"), 110 },
  { "card-no", N_("Card"), 150 },
  { "member-name", N_("Member"), 110 },
  { "store-name", N_("Store"), 140 },
  { "method", N_("Channel"), 130 },
  { "operator-name", N_("Operator"), 120 },
  { "reference", N_("Reference or reason"), 160 },
};

static gboolean
transform_cell (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  const char *property = user_data;
  const char *value = g_value_get_string (from);

  if (value == NULL)
    g_value_set_string (to, NULL);
  else if (g_str_equal (property, "kind"))
    g_value_set_string (to, mdk_transaction_kind_label (value));
  else if (g_str_equal (property, "method"))
    g_value_set_string (to, mdk_payment_method_label (value));
  else if (g_str_equal (property, "amount"))
    g_value_take_string (to, mdk_money_format (g_ascii_strtoll (value, NULL, 10), "¥"));
  else
    g_value_set_string (to, value);
  return TRUE;
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           const char               *property)
{
  MdkTransaction *transaction = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  GBinding *binding;

  /* A refund or reversal shows its reason where a recharge shows its reference. */
  if (g_str_equal (property, "reference") &&
      mdk_transaction_get_field (transaction, MDK_TRANSACTION_FIELD_REASON) != NULL)
    property = "reason";

  binding = g_object_bind_property_full (transaction, property, label, "label", G_BINDING_SYNC_CREATE,
                                         transform_cell, NULL, (gpointer) property, NULL);
  gtk_label_set_xalign (GTK_LABEL (label), g_str_equal (property, "amount") ? 1.0 : 0.0);
  g_object_set_data (G_OBJECT (item), "mdk-binding", binding);
}

static void
add_columns (MdkFinancePage *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    mdk_label_column_append (self->column_view, _(columns[i].title), columns[i].width, g_str_equal (columns[i].property, "reference"),
                             G_CALLBACK (bind_cell), (gpointer) columns[i].property);
}

static void
period_dates (guint   period,
              char  **from,
              char  **to)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;

  switch (period)
    {
    case PERIOD_TODAY:
      start = g_date_time_ref (now);
      break;
    case PERIOD_WEEK:
      start = g_date_time_add_days (now, -6);
      break;
    case PERIOD_MONTH:
      start = g_date_time_add_days (now, 1 - g_date_time_get_day_of_month (now));
      break;
    case PERIOD_LAST_MONTH:
      {
        g_autoptr(GDateTime) first = g_date_time_add_days (now, 1 - g_date_time_get_day_of_month (now));

        start = g_date_time_add_months (first, -1);
        end = g_date_time_add_days (first, -1);
      }
      break;
    default:
      *from = *to = NULL;
      return;
    }

  *from = g_date_time_format (start, "%Y-%m-%d");
  *to = g_date_time_format (end != NULL ? end : now, "%Y-%m-%d");
}

static MdkJournalQuery *
build_query (MdkFinancePage *self)
{
  MdkJournalQuery *query = mdk_journal_query_new ();
  g_autofree char *card = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->card_entry))));
  guint kind = gtk_drop_down_get_selected (self->kind_dropdown);
  guint method = gtk_drop_down_get_selected (self->method_dropdown);

  query->region_id = mdk_choice_dropdown_get_id (self->region_dropdown);
  query->store_id = mdk_choice_dropdown_get_id (self->store_dropdown);
  query->operator_id = mdk_choice_dropdown_get_id (self->operator_dropdown);
  if (kind > 0 && kind <= G_N_ELEMENTS (kinds))
    query->kind = g_strdup (kinds[kind - 1]);
  if (method > 0 && method <= g_strv_length ((char **) mdk_payment_methods))
    query->method = g_strdup (mdk_payment_methods[method - 1]);
  if (*card != '\0')
    query->card_no = g_steal_pointer (&card);
  period_dates (gtk_drop_down_get_selected (self->period_dropdown), &query->from, &query->to);
  return query;
}

static void
on_filters_changed (MdkFinancePage *self)
{
  g_autoptr(MdkJournalQuery) query = NULL;

  if (self->list == NULL)
    return;

  query = build_query (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
  mdk_paged_list_set_query (MDK_PAGED_LIST (self->list), query);
}

static void
update_state (MdkFinancePage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  g_autofree char *text = g_strdup_printf (ngettext ("%u transaction, newest first", "%u transactions, newest first", n), n);

  mdk_paged_view_update (MDK_PAGED_LIST (self->list), self->spinner, self->count_label, text, _("Loading…"),
                         self->stack, self->error_page);
}

static void
on_choices_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MdkFinancePage) self = user_data;
  g_autoptr(GPtrArray) lists = mdk_choice_lists_load_finish (MDK_DATABASE (source), result, NULL);

  if (lists == NULL)
    return;

  mdk_choice_store_fill (self->regions, _("All regions"), g_ptr_array_index (lists, 0), "label");
  mdk_choice_store_fill (self->settlement_regions, _("All regions"), g_ptr_array_index (lists, 0), "label");
  mdk_choice_store_fill (self->stores, _("All stores"), g_ptr_array_index (lists, 1), "label");
  mdk_choice_store_fill (self->operators, _("All operators"), g_ptr_array_index (lists, 2), "label");
}

static void
on_transaction_activated (MdkFinancePage *self,
                          guint           position)
{
  mdk_finance_page_open_transaction (self, position);
}

static void on_settlement_changed (MdkFinancePage *self);

static void
on_ledger_changed (MdkFinancePage *self)
{
  on_filters_changed (self);
  on_settlement_changed (self);
}

static GtkWindow *
open_dialog (MdkFinancePage *self,
             MdkLedgerKind   kind)
{
  MdkLedgerDialog *dialog;

  if (self->database == NULL)
    return NULL;

  dialog = mdk_ledger_dialog_new (self->database, kind);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  g_signal_connect_object (dialog, "applied", G_CALLBACK (on_ledger_changed), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
recharge_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  open_dialog (MDK_FINANCE_PAGE (widget), MDK_LEDGER_RECHARGE);
}

static void
consume_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  open_dialog (MDK_FINANCE_PAGE (widget), MDK_LEDGER_CONSUME);
}

/* Settlement */

enum { SETTLE_THIS_MONTH, SETTLE_LAST_MONTH, SETTLE_TODAY, SETTLE_WEEK };

static const struct {
  const char *property;
  const char *title;
  int         width;
  gboolean    money;
} settlement_columns[] = {
  { "region-name", N_("Region"), 120, FALSE },
  { "store-name", N_("Store"), 180, FALSE },
  { "collected", N_("Collected"), 130, TRUE },
  { "spent", N_("Spent"), 130, TRUE },
  { "owes", N_("Owes head office"), 150, TRUE },
};

static gboolean
transform_money (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      user_data)
{
  g_value_take_string (to, mdk_money_format (g_value_get_int64 (from), "¥"));
  return TRUE;
}

static void
bind_settlement_cell (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  guint column = GPOINTER_TO_UINT (user_data);
  GtkWidget *label = gtk_list_item_get_child (item);
  GBinding *binding;

  binding = g_object_bind_property_full (gtk_list_item_get_item (item), settlement_columns[column].property,
                                         label, "label", G_BINDING_SYNC_CREATE,
                                         settlement_columns[column].money ? transform_money : NULL, NULL, NULL, NULL);
  gtk_label_set_xalign (GTK_LABEL (label), settlement_columns[column].money ? 1.0 : 0.0);
  g_object_set_data (G_OBJECT (item), "mdk-binding", binding);
}

static void
add_settlement_columns (MdkFinancePage *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (settlement_columns); i++)
    mdk_label_column_append (self->settlement_view, _(settlement_columns[i].title), settlement_columns[i].width, i == 1,
                             G_CALLBACK (bind_settlement_cell), GUINT_TO_POINTER (i));
}

static void
settlement_period (guint   period,
                   char  **from,
                   char  **to)
{
  static const guint journal_periods[] = { PERIOD_MONTH, PERIOD_LAST_MONTH, PERIOD_TODAY, PERIOD_WEEK };

  period_dates (journal_periods[MIN (period, G_N_ELEMENTS (journal_periods) - 1)], from, to);
}

static void
on_settlement_loaded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(MdkFinancePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) lines = mdk_settlement_load_finish (MDK_DATABASE (source), result, &error);
  gint64 collected = 0, spent = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->settlement_loading = FALSE;
  if (lines == NULL)
    {
      mdk_status_page_set_text (self->settlement_error_page, error->message);
      gtk_stack_set_visible_child_name (self->settlement_stack, "error");
      return;
    }

  for (guint i = 0; i < g_list_model_get_n_items (lines); i++)
    {
      g_autoptr(MdkSettlementLine) line = g_list_model_get_item (lines, i);

      collected += mdk_settlement_line_get_collected (line);
      spent += mdk_settlement_line_get_spent (line);
    }
  {
    g_autoptr(GtkNoSelection) selection = gtk_no_selection_new (g_object_ref (lines));
    g_autofree char *collected_text = mdk_money_format (collected, "¥");
    g_autofree char *spent_text = mdk_money_format (spent, "¥");
    /* Translators: the stored value collected and spent in all the stores listed */
    g_autofree char *totals = g_strdup_printf (_("Collected %s · spent %s"), collected_text, spent_text);

    gtk_column_view_set_model (self->settlement_view, GTK_SELECTION_MODEL (selection));
    gtk_label_set_label (self->settlement_totals_label, totals);
  }
  gtk_stack_set_visible_child_name (self->settlement_stack, g_list_model_get_n_items (lines) > 0 ? "list" : "empty");
}

static void
on_settlement_changed (MdkFinancePage *self)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  if (self->database == NULL || g_strcmp0 (gtk_stack_get_visible_child_name (self->view_stack), "settlement") != 0)
    return;

  g_cancellable_cancel (self->settlement_cancellable);
  g_set_object (&self->settlement_cancellable, g_cancellable_new ());
  settlement_period (gtk_drop_down_get_selected (self->settlement_period_dropdown), &from, &to);
  self->settlement_loading = TRUE;
  mdk_settlement_load_async (self->database, from, to, mdk_choice_dropdown_get_id (self->settlement_region_dropdown),
                             self->settlement_cancellable, on_settlement_loaded, g_object_ref (self));
}

static void
on_view_changed (MdkFinancePage *self)
{
  on_settlement_changed (self);
}

static void
recharge_chosen_file (GtkWidget  *widget,
                      const char *path)
{
  mdk_finance_page_open_batch (MDK_FINANCE_PAGE (widget), path);
}

static void
batch_recharge_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  MdkFinancePage *self = MDK_FINANCE_PAGE (widget);

  if (self->database != NULL)
    mdk_table_file_open (widget, _("Batch Recharge"), recharge_chosen_file);
}

static void
rules_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  mdk_finance_page_open_rules (MDK_FINANCE_PAGE (widget));
}

static void
mdk_finance_page_dispose (GObject *object)
{
  MdkFinancePage *self = MDK_FINANCE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);
  g_clear_object (&self->list);
  g_clear_object (&self->database);
  g_clear_object (&self->regions);
  g_clear_object (&self->stores);
  g_clear_object (&self->operators);
  g_clear_object (&self->settlement_regions);
  g_cancellable_cancel (self->settlement_cancellable);
  g_clear_object (&self->settlement_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), MDK_TYPE_FINANCE_PAGE);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))); )
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mdk_finance_page_parent_class)->dispose (object);
}

/* The journal and the choices are read the first time the page shows,
 * not when the window opens: most sessions never look at Finance. */
static void
load (MdkFinancePage *self)
{
  if (self->loaded || self->database == NULL)
    return;

  self->loaded = TRUE;
  mdk_choice_lists_load_async (self->database, self->cancellable, on_choices_loaded, g_object_ref (self),
                               mdk_choice_load_regions, mdk_choice_load_stores, mdk_choice_load_operators, NULL);
  on_filters_changed (self);
}

static void
mdk_finance_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (mdk_finance_page_parent_class)->map (widget);
  load (MDK_FINANCE_PAGE (widget));
}

static void
mdk_finance_page_class_init (MdkFinancePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mdk_finance_page_dispose;
  widget_class->map = mdk_finance_page_map;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mdk-finance-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, card_entry);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, region_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, store_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, operator_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, period_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, count_label);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, stack);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, column_view);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, error_page);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, settlement_period_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, settlement_region_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, settlement_totals_label);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, settlement_stack);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, settlement_view);
  gtk_widget_class_bind_template_child (widget_class, MdkFinancePage, settlement_error_page);
  gtk_widget_class_bind_template_callback (widget_class, on_filters_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_transaction_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_settlement_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_view_changed);

  gtk_widget_class_install_action (widget_class, "finance.recharge", NULL, recharge_action);
  gtk_widget_class_install_action (widget_class, "finance.consume", NULL, consume_action);
  gtk_widget_class_install_action (widget_class, "finance.batch-recharge", NULL, batch_recharge_action);
  gtk_widget_class_install_action (widget_class, "finance.rules", NULL, rules_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_R, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "finance.recharge", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "finance.consume", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
mdk_finance_page_init (MdkFinancePage *self)
{
  g_autoptr(GtkStringList) kind_names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) method_names = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_string_list_append (kind_names, _("All kinds"));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    gtk_string_list_append (kind_names, mdk_transaction_kind_label (kinds[i]));
  gtk_drop_down_set_model (self->kind_dropdown, G_LIST_MODEL (kind_names));
  gtk_string_list_append (method_names, _("All channels"));
  for (guint i = 0; mdk_payment_methods[i] != NULL; i++)
    gtk_string_list_append (method_names, mdk_payment_method_label (mdk_payment_methods[i]));
  gtk_drop_down_set_model (self->method_dropdown, G_LIST_MODEL (method_names));

  self->regions = g_list_store_new (MDK_TYPE_CHOICE);
  self->stores = g_list_store_new (MDK_TYPE_CHOICE);
  self->operators = g_list_store_new (MDK_TYPE_CHOICE);
  mdk_choice_dropdown_setup (self->region_dropdown, self->regions, _("All regions"));
  mdk_choice_dropdown_setup (self->store_dropdown, self->stores, _("All stores"));
  mdk_choice_dropdown_setup (self->operator_dropdown, self->operators, _("All operators"));
  self->settlement_regions = g_list_store_new (MDK_TYPE_CHOICE);
  mdk_choice_dropdown_setup (self->settlement_region_dropdown, self->settlement_regions, _("All regions"));

  add_columns (self);
  add_settlement_columns (self);
}

/**
 * mdk_finance_page_set_database:
 * @self: a #MdkFinancePage
 * @database: the ledger's database
 *
 * Shows @database's journal, and loads the filters' choices, as soon as
 * the page shows.
 */
void
mdk_finance_page_set_database (MdkFinancePage *self,
                               MdkDatabase    *database)
{
  g_return_if_fail (MDK_IS_FINANCE_PAGE (self));
  g_return_if_fail (MDK_IS_DATABASE (database));

  if (!g_set_object (&self->database, database))
    return;

  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  mdk_paged_view_set_list (self->column_view, self, (gpointer *) &self->list,
                           MDK_PAGED_LIST (mdk_journal_list_new (database)), TRUE, G_CALLBACK (update_state));

  self->loaded = FALSE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    load (self);
}

/**
 * mdk_finance_page_get_list:
 * @self: a #MdkFinancePage
 *
 * Returns: (transfer none) (nullable): the journal the page shows
 */
MdkJournalList *
mdk_finance_page_get_list (MdkFinancePage *self)
{
  g_return_val_if_fail (MDK_IS_FINANCE_PAGE (self), NULL);

  return self->list;
}

/**
 * mdk_finance_page_reload:
 * @self: a #MdkFinancePage
 *
 * Reads the journal again, with the same filters.
 */
void
mdk_finance_page_reload (MdkFinancePage *self)
{
  g_return_if_fail (MDK_IS_FINANCE_PAGE (self));

  on_filters_changed (self);
}

/**
 * mdk_finance_page_open_transaction:
 * @self: a #MdkFinancePage
 * @position: a row of the journal
 *
 * Returns: (transfer none) (nullable): the transaction's window, or %NULL
 *   when the row is not loaded yet
 */
GtkWindow *
mdk_finance_page_open_transaction (MdkFinancePage *self,
                                   guint           position)
{
  g_autoptr(MdkTransaction) transaction = NULL;
  MdkTransactionWindow *window;

  g_return_val_if_fail (MDK_IS_FINANCE_PAGE (self), NULL);

  transaction = g_list_model_get_item (G_LIST_MODEL (self->list), position);
  if (transaction == NULL || !mdk_transaction_get_loaded (transaction))
    return NULL;

  window = mdk_transaction_window_new (self->database, transaction);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  g_signal_connect_object (window, "applied", G_CALLBACK (on_ledger_changed), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

/**
 * mdk_finance_page_open_dialog:
 * @self: a #MdkFinancePage
 * @kind: %MDK_LEDGER_RECHARGE or %MDK_LEDGER_CONSUME
 *
 * Opens the recharge or the sale dialog, as its button does.
 *
 * Returns: (transfer none) (nullable): the dialog
 */
GtkWindow *
mdk_finance_page_open_dialog (MdkFinancePage *self,
                              MdkLedgerKind   kind)
{
  g_return_val_if_fail (MDK_IS_FINANCE_PAGE (self), NULL);

  return open_dialog (self, kind);
}

/**
 * mdk_finance_page_open_batch:
 * @self: a #MdkFinancePage
 * @path: a recharge file
 *
 * Opens the batch recharge window on @path, as choosing it does.
 *
 * Returns: (transfer none) (nullable): the window
 */
GtkWindow *
mdk_finance_page_open_batch (MdkFinancePage *self,
                             const char     *path)
{
  MdkBatchRechargeWindow *window;

  g_return_val_if_fail (MDK_IS_FINANCE_PAGE (self), NULL);

  if (self->database == NULL)
    return NULL;

  window = mdk_batch_recharge_window_new (self->database, path);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  g_signal_connect_object (window, "applied", G_CALLBACK (on_ledger_changed), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

/**
 * mdk_finance_page_show_settlement:
 * @self: a #MdkFinancePage
 *
 * Shows the settlement by store for this month, as its tab does.
 */
void
mdk_finance_page_show_settlement (MdkFinancePage *self)
{
  g_return_if_fail (MDK_IS_FINANCE_PAGE (self));

  gtk_stack_set_visible_child_name (self->view_stack, "settlement");
}

/**
 * mdk_finance_page_get_busy:
 * @self: a #MdkFinancePage
 *
 * Returns: %TRUE while the journal or the settlement loads
 */
gboolean
mdk_finance_page_get_busy (MdkFinancePage *self)
{
  g_return_val_if_fail (MDK_IS_FINANCE_PAGE (self), FALSE);

  return self->settlement_loading || (self->list != NULL && mdk_paged_list_get_loading (MDK_PAGED_LIST (self->list)));
}

/**
 * mdk_finance_page_open_rules:
 * @self: a #MdkFinancePage
 *
 * Opens head office's recharge rules, as *Rules…* does.
 *
 * Returns: (transfer none) (nullable): the window
 */
GtkWindow *
mdk_finance_page_open_rules (MdkFinancePage *self)
{
  MdkRechargeRulesWindow *window;

  g_return_val_if_fail (MDK_IS_FINANCE_PAGE (self), NULL);

  if (self->database == NULL)
    return NULL;

  window = mdk_recharge_rules_window_new (self->database);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}
