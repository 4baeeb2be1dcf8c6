/* mdk-ledger-dialog.c: recharge a card, or record a sale paid with one
 *
 * A request keeps its id until it is answered: when the connection drops
 * before the answer, "Send Again" sends the same request, which the
 * database applies at most once. Any change to the form makes a new one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "common/mdk-card-lookup.h"
#include "common/mdk-choice-widgets.h"
#include "common/mdk-form.h"
#include "mdk-ledger-dialog.h"


struct _MdkLedgerDialog
{
  AdwWindow          parent_instance;

  AdwWindowTitle    *window_title;
  GtkButton         *apply_button;
  GtkSpinner        *spinner;
  GtkRevealer       *message_revealer;
  GtkLabel          *message_label;
  AdwEntryRow       *card_row;
  AdwActionRow      *card_info_row;
  AdwPreferencesGroup *payment_group;
  AdwEntryRow       *amount_row;
  AdwEntryRow       *points_row;
  AdwEntryRow       *external_row;
  AdwComboRow       *method_row;
  AdwEntryRow       *reference_row;
  AdwComboRow       *store_row;
  GtkWidget         *result_group;
  GtkListBox        *result_list;

  MdkDatabase       *database;
  MdkLedgerKind      kind;
  MdkLedgerRequest  *request;      /* sent, and not answered yet */
  gboolean           sending;
  /* The connection dropped before the answer: only the same request may go. */
  gboolean           outcome_unknown;
  gboolean           disposed;
  MdkCardLookup     *card_lookup;  /* the card typed, looked up as typing pauses */
  GCancellable      *cancellable;
  GSettings         *settings;
};

G_DEFINE_FINAL_TYPE (MdkLedgerDialog, mdk_ledger_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_DATABASE,
  PROP_KIND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  APPLIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
format_money (gint64 fen)
{
  return mdk_money_format (fen, "¥");
}

static void
update_apply_button (MdkLedgerDialog *self)
{
  const char *label;

  if (self->request != NULL && !self->sending)
    label = _("Send _Again");
  else
    label = self->kind == MDK_LEDGER_RECHARGE ? _("_Recharge") : _("_Record Sale");
  gtk_button_set_label (self->apply_button, label);
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), !self->sending);
  gtk_spinner_set_spinning (self->spinner, self->sending);
}

static const char *
selected_method (MdkLedgerDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->method_row);

  return selected < g_strv_length ((char **) mdk_payment_methods) ? mdk_payment_methods[selected] : NULL;
}

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
update_rows (MdkLedgerDialog *self)
{
  gboolean sale = self->kind == MDK_LEDGER_CONSUME;
  gint64 external = 0;

  mdk_money_parse (row_text (self->external_row), &external, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->points_row), sale);
  gtk_widget_set_visible (GTK_WIDGET (self->external_row), sale);
  gtk_widget_set_visible (GTK_WIDGET (self->method_row), !sale || external > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->reference_row), !sale || external > 0);
}

/* The form as a request; NULL, with the rows at fault marked and a message
 * shown, when it is not complete. */
static MdkLedgerRequest *
build_request (MdkLedgerDialog *self)
{
  g_autoptr(MdkLedgerRequest) request = mdk_ledger_request_new (self->kind);
  g_autofree char *card = g_strstrip (g_strdup (row_text (self->card_row)));
  g_autofree char *reference = g_strstrip (g_strdup (row_text (self->reference_row)));
  gboolean sale = self->kind == MDK_LEDGER_CONSUME;
  const char *problem = NULL;
  gint64 amount = 0, external = 0;
  guint64 points = 0;

  mdk_entry_row_mark_invalid (self->card_row, *card == '\0');
  if (*card == '\0')
    problem = _("Type the card number.");

  mdk_entry_row_mark_invalid (self->amount_row, !mdk_money_parse (row_text (self->amount_row), &amount, NULL) || amount <= 0);
  if (problem == NULL && amount <= 0)
    problem = sale ? _("Type the amount of the sale, in yuan, such as 128.50.")
                   : _("Type the amount to recharge, in yuan, such as 500 or 99.90.");

  if (sale)
    {
      const char *points_text = row_text (self->points_row);
      gboolean points_ok = *points_text == '\0' || g_ascii_string_to_unsigned (points_text, 10, 0, G_MAXINT32,
                                                                                &points, NULL);
      gboolean external_ok = *row_text (self->external_row) == '\0' ||
                             (mdk_money_parse (row_text (self->external_row), &external, NULL) && external >= 0);

      mdk_entry_row_mark_invalid (self->points_row, !points_ok);
      mdk_entry_row_mark_invalid (self->external_row, !external_ok);
      if (problem == NULL && !points_ok)
        problem = _("Points are a whole number, such as 200.");
      if (problem == NULL && !external_ok)
        problem = _("Type what was paid another way in yuan, such as 20, or leave it empty.");
    }

  if (problem == NULL && mdk_choice_row_get_id (self->store_row) == 0)
    problem = _("Choose the store.");

  if (problem != NULL)
    {
      mdk_banner_show (self->message_revealer, self->message_label, problem);
      return NULL;
    }

  request->card_no = g_steal_pointer (&card);
  request->amount = amount;
  request->store_id = mdk_choice_row_get_id (self->store_row);
  request->points = (gint64) points;
  request->external = external;
  if (!sale || external > 0)
    {
      request->method = g_strdup (selected_method (self));
      request->reference = *reference ? g_steal_pointer (&reference) : NULL;
    }
  return g_steal_pointer (&request);
}

static void
show_result (MdkLedgerDialog       *self,
             const MdkLedgerResult *result)
{
  mdk_result_list_clear (self->result_list);

  if (self->kind == MDK_LEDGER_RECHARGE)
    {
      mdk_result_list_add (self->result_list, _("Recharged"), format_money (result->amount));
      if (result->bonus > 0)
        mdk_result_list_add (self->result_list, _("Bonus (promotional value)"), format_money (result->bonus));
    }
  else
    {
      mdk_result_list_add (self->result_list, _("Sale"), format_money (result->amount));
      mdk_result_list_add (self->result_list, _("Discount"), format_money (result->discount));
      mdk_result_list_add (self->result_list, _("Due"), format_money (result->due));
      mdk_result_list_add (self->result_list, _("From stored value"), format_money (result->stored_value));
      if (result->bonus_value > 0)
        mdk_result_list_add (self->result_list, _("  of it promotional value"), format_money (result->bonus_value));
      if (result->points_used > 0)
        mdk_result_list_add (self->result_list, _("Points paid with"), g_strdup_printf ("%" G_GINT64_FORMAT " (%s)", result->points_used,
                                                                      format_money (result->points_value)));
      if (result->external > 0)
        mdk_result_list_add (self->result_list, _("Paid another way"), format_money (result->external));
      mdk_result_list_add (self->result_list, _("Points earned"), g_strdup_printf ("%" G_GINT64_FORMAT, result->points_earned));
    }
  mdk_result_list_add (self->result_list, _("Balance now"), format_money (result->balance));
  mdk_result_list_add (self->result_list, _("Promotional value now"), format_money (result->bonus_balance));
  mdk_result_list_add (self->result_list, _("Points now"), g_strdup_printf ("%" G_GINT64_FORMAT, result->points_balance));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->result_group), NULL);
  {
    g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, result->transaction_id);
    /* Translators: %s is a transaction's number */
    g_autofree char *title = g_strdup_printf (_("Transaction %s"), number);

    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->result_group), title);
  }
  gtk_widget_set_visible (self->result_group, TRUE);
}

/* The card */

static void
show_card (MdkLedgerDialog      *self,
           const MdkCardSummary *card,
           const GError         *error)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  if (card == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->card_info_row),
                                     error ? error->message : _("Type a card number"));
      adw_action_row_set_subtitle (self->card_info_row, "");
      return;
    }

  title = g_strdup_printf ("%s · %s", card->member_name, card->type_name);
  if (!card->has_stored_value)
    subtitle = g_strdup (_("This type of card holds no stored value."));
  else
    {
      g_autofree char *balance = format_money (card->balance);
      g_autofree char *bonus = format_money (card->bonus_balance);
      g_autofree char *points = g_strdup_printf ("%" G_GINT64_FORMAT, card->points_balance);

      /* Translators: a card's paid value, promotional value and points */
      subtitle = g_strdup_printf (_("Balance %s · promotional value %s · %s points"), balance, bonus, points);
    }
  if (!g_str_equal (card->state, "active"))
    {
      g_autofree char *with_state = NULL;

      if (g_str_equal (card->state, "lost"))
        with_state = g_strdup_printf ("%s\n%s", subtitle, _("Reported lost: it cannot be used."));
      else if (g_str_equal (card->state, "frozen"))
        with_state = g_strdup_printf ("%s\n%s", subtitle, _("Frozen: it cannot be used until it is unfrozen."));
      else
        with_state = g_strdup_printf ("%s\n%s", subtitle, _("Not active: it cannot be used."));
      g_free (subtitle);
      subtitle = g_steal_pointer (&with_state);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->card_info_row), title);
  adw_action_row_set_subtitle (self->card_info_row, subtitle);
}

/* The form can change while no request is in doubt. */
static void
set_form_sensitive (MdkLedgerDialog *self,
                    gboolean         sensitive)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->card_row), sensitive);
  gtk_widget_set_sensitive (GTK_WIDGET (self->payment_group), sensitive);
}

static void
on_field_changed (MdkLedgerDialog *self)
{
  /* Another request now: a new id; but never while one may have landed. */
  if (!self->sending && !self->outcome_unknown)
    g_clear_pointer (&self->request, mdk_ledger_request_free);
  update_rows (self);
  update_apply_button (self);
}

static void
on_card_changed (MdkLedgerDialog *self)
{
  on_field_changed (self);
  mdk_card_lookup_schedule (self->card_lookup, row_text (self->card_row));
}

/* Sending */

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(MdkLedgerDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree MdkLedgerResult *answer = mdk_ledger_send_finish (MDK_DATABASE (source), result, &error);

  /* Closed while it was on its way: the database answered all the same. */
  if (self->disposed)
    return;

  self->sending = FALSE;
  self->outcome_unknown = FALSE;
  set_form_sensitive (self, TRUE);

  if (answer != NULL)
    {
      g_clear_pointer (&self->request, mdk_ledger_request_free);
      mdk_banner_show (self->message_revealer, self->message_label, NULL);
      show_result (self, answer);
      /* Ready for the next one at the same counter. */
      gtk_editable_set_text (GTK_EDITABLE (self->amount_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->points_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->external_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->reference_row), "");
      mdk_card_lookup_now (self->card_lookup, row_text (self->card_row));
      g_signal_emit (self, signals[APPLIED], 0, answer->transaction_id);
    }
  else if (g_error_matches (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_CONNECTION_LOST) ||
           g_error_matches (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_CONNECTION_FAILED))
    {
      /* Nobody knows whether it landed: the same request, with the same id, settles it. */
      g_autofree char *message = g_strdup_printf ("%s %s", error->message,
                                                  _("It is not known whether this was applied. Press Send Again: "
                                                    "the same request is sent, and it is never applied twice."));

      /* A changed form would be a new request, and could be applied twice. */
      self->outcome_unknown = TRUE;
      set_form_sensitive (self, FALSE);
      mdk_banner_show (self->message_revealer, self->message_label, message);
    }
  else
    {
      g_clear_pointer (&self->request, mdk_ledger_request_free);
      mdk_banner_show (self->message_revealer, self->message_label, error->message);
    }
  update_apply_button (self);
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  MdkLedgerDialog *self = MDK_LEDGER_DIALOG (widget);

  if (self->sending)
    return;
  if (self->request == NULL && !(self->request = build_request (self)))
    return;

  self->sending = TRUE;
  g_settings_set_int64 (self->settings, "entry-store-id", self->request->store_id);
  mdk_banner_show (self->message_revealer, self->message_label, NULL);
  update_apply_button (self);
  /* Not cancelled when the dialog closes: the request lands or not as a whole. */
  mdk_ledger_send_async (self->database, self->request, NULL, on_sent, g_object_ref (self));
}

static void
on_entry_activated (MdkLedgerDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "ledger.apply", NULL);
}

/* GObject */

static void
mdk_ledger_dialog_constructed (GObject *object)
{
  MdkLedgerDialog *self = MDK_LEDGER_DIALOG (object);
  gboolean sale = self->kind == MDK_LEDGER_CONSUME;

  G_OBJECT_CLASS (mdk_ledger_dialog_parent_class)->constructed (object);

  self->card_lookup = mdk_card_lookup_new (self->database, (MdkCardLookupFunc) show_card, self);
  gtk_window_set_title (GTK_WINDOW (self), sale ? _("Sale") : _("Recharge"));
  adw_window_title_set_title (self->window_title, sale ? _("Sale") : _("Recharge"));
  adw_window_title_set_subtitle (self->window_title,
                                 sale ? _("Discount and points by the card's type") : _("Usable at once"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->amount_row),
                                 sale ? _("Sale before discount (¥)") : _("Amount (¥)"));
  adw_preferences_group_set_title (self->payment_group, sale ? _("Sale") : _("Recharge"));
  if (sale)
    adw_combo_row_set_selected (self->method_row, 0);
  else
    adw_combo_row_set_selected (self->method_row, 1);

  mdk_store_row_load (self->store_row, self->database, g_settings_get_int64 (self->settings, "entry-store-id"),
                      self->cancellable);
  update_rows (self);
  update_apply_button (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->card_row));
}

static void
mdk_ledger_dialog_dispose (GObject *object)
{
  MdkLedgerDialog *self = MDK_LEDGER_DIALOG (object);

  g_clear_pointer (&self->card_lookup, mdk_card_lookup_free);
  /* A request on its way still lands; its answer finds the dialog closed. */
  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->database);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->request, mdk_ledger_request_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), MDK_TYPE_LEDGER_DIALOG);

  G_OBJECT_CLASS (mdk_ledger_dialog_parent_class)->dispose (object);
}

static void
mdk_ledger_dialog_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  MdkLedgerDialog *self = MDK_LEDGER_DIALOG (object);

  switch (prop_id)
    {
    case PROP_DATABASE:
      self->database = g_value_dup_object (value);
      break;

    case PROP_KIND:
      self->kind = g_value_get_int (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mdk_ledger_dialog_class_init (MdkLedgerDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mdk_ledger_dialog_constructed;
  object_class->dispose = mdk_ledger_dialog_dispose;
  object_class->set_property = mdk_ledger_dialog_set_property;

  properties[PROP_DATABASE] =
    g_param_spec_object ("database", NULL, NULL, MDK_TYPE_DATABASE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL, MDK_LEDGER_RECHARGE, MDK_LEDGER_CONSUME, MDK_LEDGER_RECHARGE,
                      G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MdkLedgerDialog::applied:
   * @self: the dialog
   * @transaction_id: the transaction made
   *
   * The database took a request.
   */
  signals[APPLIED] = g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mdk-ledger-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MdkLedgerDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, MdkLedgerDialog, apply_button);
  gtk_widget_class_bind_template_child (widget_class, MdkLedgerDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, MdkLedgerDialog, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, MdkLedgerDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, MdkLedgerDialog, card_row);
  gtk_widget_class_bind_template_child (widget_class, MdkLedgerDialog, card_info_row);
  gtk_widget_class_bind_template_child (widget_class, MdkLedgerDialog, payment_group);
  gtk_widget_class_bind_template_child (widget_class, MdkLedgerDialog, amount_row);
  gtk_widget_class_bind_template_child (widget_class, MdkLedgerDialog, points_row);
  gtk_widget_class_bind_template_child (widget_class, MdkLedgerDialog, external_row);
  gtk_widget_class_bind_template_child (widget_class, MdkLedgerDialog, method_row);
  gtk_widget_class_bind_template_child (widget_class, MdkLedgerDialog, reference_row);
  gtk_widget_class_bind_template_child (widget_class, MdkLedgerDialog, store_row);
  gtk_widget_class_bind_template_child (widget_class, MdkLedgerDialog, result_group);
  gtk_widget_class_bind_template_child (widget_class, MdkLedgerDialog, result_list);
  gtk_widget_class_bind_template_callback (widget_class, on_card_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "ledger.apply", NULL, apply_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "ledger.apply", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mdk_ledger_dialog_init (MdkLedgerDialog *self)
{
  g_autoptr(GtkStringList) methods = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; mdk_payment_methods[i] != NULL; i++)
    gtk_string_list_append (methods, mdk_payment_method_label (mdk_payment_methods[i]));
  adw_combo_row_set_model (self->method_row, G_LIST_MODEL (methods));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new ("io.github.memberdesk.Memberdesk");
}

/**
 * mdk_ledger_dialog_new:
 * @database: the ledger's database
 * @kind: %MDK_LEDGER_RECHARGE or %MDK_LEDGER_CONSUME
 *
 * Returns: (transfer floating): a new dialog
 */
MdkLedgerDialog *
mdk_ledger_dialog_new (MdkDatabase   *database,
                       MdkLedgerKind  kind)
{
  g_return_val_if_fail (MDK_IS_DATABASE (database), NULL);
  g_return_val_if_fail (kind == MDK_LEDGER_RECHARGE || kind == MDK_LEDGER_CONSUME, NULL);

  return g_object_new (MDK_TYPE_LEDGER_DIALOG, "database", database, "kind", kind, NULL);
}

/**
 * mdk_ledger_dialog_set_field:
 * @self: a #MdkLedgerDialog
 * @field: card, amount, points, external or reference
 * @text: what to type there
 *
 * Types into a field, as a person would (for tests and for opening the
 * dialog on a card).
 */
void
mdk_ledger_dialog_set_field (MdkLedgerDialog *self,
                             const char      *field,
                             const char      *text)
{
  AdwEntryRow *row = NULL;

  g_return_if_fail (MDK_IS_LEDGER_DIALOG (self));

  if (g_str_equal (field, "card"))
    row = self->card_row;
  else if (g_str_equal (field, "amount"))
    row = self->amount_row;
  else if (g_str_equal (field, "points"))
    row = self->points_row;
  else if (g_str_equal (field, "external"))
    row = self->external_row;
  else if (g_str_equal (field, "reference"))
    row = self->reference_row;
  g_return_if_fail (row != NULL);

  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/**
 * mdk_ledger_dialog_get_busy:
 * @self: a #MdkLedgerDialog
 *
 * Returns: %TRUE while a request or the card's summary is on its way
 */
gboolean
mdk_ledger_dialog_get_busy (MdkLedgerDialog *self)
{
  g_return_val_if_fail (MDK_IS_LEDGER_DIALOG (self), FALSE);

  return self->sending || mdk_card_lookup_get_busy (self->card_lookup) || adw_combo_row_get_model (self->store_row) == NULL;
}

/**
 * mdk_ledger_dialog_get_message:
 * @self: a #MdkLedgerDialog
 *
 * Returns: (nullable): the message shown, if any
 */
const char *
mdk_ledger_dialog_get_message (MdkLedgerDialog *self)
{
  g_return_val_if_fail (MDK_IS_LEDGER_DIALOG (self), NULL);

  return mdk_banner_get_message (self->message_revealer, self->message_label);
}
