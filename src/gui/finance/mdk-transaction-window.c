/* mdk-transaction-window.c: one transaction, its postings, and what can
 * be done to it: refund a sale, reverse a mistake
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mdk-transaction-window.h"

struct _MdkTransactionWindow
{
  AdwWindow            parent_instance;

  AdwToastOverlay     *toast_overlay;
  AdwWindowTitle      *window_title;
  GtkWidget           *refund_button;
  GtkWidget           *reverse_button;
  GtkSpinner          *spinner;
  GtkLabel            *message_label;
  AdwPreferencesGroup *details_group;
  AdwPreferencesGroup *postings_group;

  MdkDatabase         *database;
  gint64               transaction_id;
  MdkTransaction      *transaction;   /* as last loaded */
  GPtrArray           *rows;          /* the rows added to the groups */
  MdkLedgerRequest    *request;       /* a refund or reversal on its way or unanswered */
  gboolean             disposed;
  GCancellable        *cancellable;
  gboolean             loading;
};

G_DEFINE_FINAL_TYPE (MdkTransactionWindow, mdk_transaction_window, ADW_TYPE_WINDOW)

enum {
  APPLIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void reload (MdkTransactionWindow *self);

static const char *
field (MdkTransactionWindow *self,
       MdkTransactionField   which)
{
  return self->transaction != NULL ? mdk_transaction_get_field (self->transaction, which) : NULL;
}

static gint64
amount (MdkTransactionWindow *self)
{
  const char *text = field (self, MDK_TRANSACTION_FIELD_AMOUNT);

  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
}

static void
show_message (MdkTransactionWindow *self,
              const char           *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
add_row (MdkTransactionWindow *self,
         AdwPreferencesGroup  *group,
         const char           *title,
         const char           *value,
         const char           *subtitle)
{
  GtkWidget *row;
  GtkWidget *label;

  if (value == NULL || *value == '\0')
    return;

  row = adw_action_row_new ();
  label = gtk_label_new (value);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

static void
clear_rows (MdkTransactionWindow *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static void
show_transaction (MdkTransactionWindow *self,
                  GArray               *postings)
{
  const char *kind = field (self, MDK_TRANSACTION_FIELD_KIND);
  const char *reversed_by = field (self, MDK_TRANSACTION_FIELD_REVERSED_BY);
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, self->transaction_id);
  g_autofree char *money = mdk_money_format (amount (self), "¥");
  /* Translators: a transaction's kind and number: "Recharge 42" */
  g_autofree char *title = g_strdup_printf (_("%s %s"), mdk_transaction_kind_label (kind), number);
  /* What a card's replacement or cancellation moved stays moved. */
  gboolean reversible = reversed_by == NULL && g_strcmp0 (kind, "reversal") != 0
                        && g_strcmp0 (kind, "card_transfer") != 0 && g_strcmp0 (kind, "card_cancel") != 0;

  clear_rows (self);
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, field (self, MDK_TRANSACTION_FIELD_TIME));
  gtk_window_set_title (GTK_WINDOW (self), title);

  add_row (self, self->details_group, _("Amount"), money, NULL);
  add_row (self, self->details_group, _("Card"), field (self, MDK_TRANSACTION_FIELD_CARD_NO),
           field (self, MDK_TRANSACTION_FIELD_MEMBER_NAME));
  add_row (self, self->details_group, _("Store"), field (self, MDK_TRANSACTION_FIELD_STORE_NAME),
           field (self, MDK_TRANSACTION_FIELD_REGION_NAME));
  add_row (self, self->details_group, _("Channel"),
           mdk_payment_method_label (field (self, MDK_TRANSACTION_FIELD_METHOD)), NULL);
  add_row (self, self->details_group, _("Payment reference"), field (self, MDK_TRANSACTION_FIELD_REFERENCE), NULL);
  add_row (self, self->details_group, _("Operator"), field (self, MDK_TRANSACTION_FIELD_OPERATOR_NAME), NULL);
  add_row (self, self->details_group, _("Reason"), field (self, MDK_TRANSACTION_FIELD_REASON), NULL);
  add_row (self, self->details_group, g_strcmp0 (kind, "refund") == 0 ? _("Refund of sale") : _("Reverses"),
           field (self, MDK_TRANSACTION_FIELD_ORIGINAL_ID), NULL);
  add_row (self, self->details_group, _("Reversed by"), reversed_by, NULL);

  for (guint i = 0; postings != NULL && i < postings->len; i++)
    {
      const MdkPosting *posting = &g_array_index (postings, MdkPosting, i);
      g_autofree char *value = posting->is_points ? g_strdup_printf ("%+" G_GINT64_FORMAT, posting->amount)
                                                  : mdk_money_format (posting->amount, "¥");
      g_autofree char *owner = posting->method != NULL
                               ? g_strdup_printf ("%s · %s", posting->owner, mdk_payment_method_label (posting->method))
                               : g_strdup (posting->owner);

      add_row (self, self->postings_group, mdk_account_kind_label (posting->account), value, owner);
    }

  gtk_widget_set_visible (self->refund_button, g_strcmp0 (kind, "consume") == 0 && reversed_by == NULL);
  gtk_widget_set_visible (self->reverse_button, reversible);
}

/* Loading */

typedef struct
{
  MdkTransaction *transaction;
  GArray         *postings;
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_object (&loaded->transaction);
  g_clear_pointer (&loaded->postings, g_array_unref);
  g_free (loaded);
}

static gpointer
load_work (PGconn        *conn,
           gpointer       work_data,
           GCancellable  *cancellable,
           GError       **error)
{
  gint64 id = *(gint64 *) work_data;
  Loaded *loaded = g_new0 (Loaded, 1);

  if (!(loaded->transaction = mdk_journal_load_transaction (conn, id, error)) ||
      !(loaded->postings = mdk_journal_load_postings (conn, id, error)))
    {
      loaded_free (loaded);
      return NULL;
    }
  return loaded;
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MdkTransactionWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  Loaded *loaded = mdk_database_run_finish (MDK_DATABASE (source), result, &error);

  self->loading = FALSE;
  gtk_spinner_set_spinning (self->spinner, FALSE);
  if (loaded == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (self, error->message);
      return;
    }

  g_set_object (&self->transaction, loaded->transaction);
  show_transaction (self, loaded->postings);
  loaded_free (loaded);
}

static void
reload (MdkTransactionWindow *self)
{
  self->loading = TRUE;
  gtk_spinner_set_spinning (self->spinner, TRUE);
  mdk_database_run_async (self->database, MDK_DATABASE_RUN_READ_ONLY, load_work,
                          g_memdup2 (&self->transaction_id, sizeof self->transaction_id), g_free,
                          (GDestroyNotify) loaded_free, self->cancellable, on_loaded, g_object_ref (self));
}

/* Refund and reversal */

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(MdkTransactionWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree MdkLedgerResult *answer = mdk_ledger_send_finish (MDK_DATABASE (source), result, &error);
  MdkLedgerKind kind;

  /* Closed while it was on its way: the database answered all the same. */
  if (self->disposed)
    return;

  kind = self->request != NULL ? self->request->kind : MDK_LEDGER_REVERSE;
  gtk_spinner_set_spinning (self->spinner, FALSE);
  if (answer == NULL)
    {
      if (g_error_matches (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_CONNECTION_LOST))
        {
          /* Kept: the same request goes again from the same dialog. */
          g_autofree char *message = g_strdup_printf ("%s %s", error->message,
                                                      _("It is not known whether this was applied. Do it again: the "
                                                        "same request is sent, and it is never applied twice."));

          show_message (self, message);
        }
      else
        {
          g_clear_pointer (&self->request, mdk_ledger_request_free);
          show_message (self, error->message);
        }
      return;
    }

  g_clear_pointer (&self->request, mdk_ledger_request_free);
  show_message (self, NULL);
  {
    g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, answer->transaction_id);
    g_autofree char *balance = mdk_money_format (answer->balance, "¥");
    /* Translators: the first %s is a transaction number, the second a card's balance */
    g_autofree char *text = g_strdup_printf (kind == MDK_LEDGER_REFUND ? _("Refunded as transaction %s. Balance now %s.")
                                                                      : _("Reversed by transaction %s. Balance now %s."),
                                             number, balance);

    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
  }
  g_signal_emit (self, signals[APPLIED], 0, answer->transaction_id);
  reload (self);
}

static void
send (MdkTransactionWindow *self)
{
  gtk_spinner_set_spinning (self->spinner, TRUE);
  show_message (self, NULL);
  /* Not cancelled when the window closes: the request lands or not as a whole. */
  mdk_ledger_send_async (self->database, self->request, NULL, on_sent, g_object_ref (self));
}

static void
on_reason_changed (GtkEditable      *entry,
                   AdwMessageDialog *dialog)
{
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  GtkEditable *amount_entry = g_object_get_data (G_OBJECT (dialog), "mdk-amount");
  gint64 fen = 1;

  if (amount_entry != NULL && !mdk_money_parse (gtk_editable_get_text (amount_entry), &fen, NULL))
    fen = 0;
  adw_message_dialog_set_response_enabled (dialog, "apply", *reason != '\0' && fen > 0);
}

static void
on_dialog_response (AdwMessageDialog     *dialog,
                    const char           *response,
                    MdkTransactionWindow *self)
{
  GtkEditable *reason_entry = g_object_get_data (G_OBJECT (dialog), "mdk-reason");
  GtkEditable *amount_entry = g_object_get_data (G_OBJECT (dialog), "mdk-amount");
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (reason_entry)));
  MdkLedgerKind kind = amount_entry != NULL ? MDK_LEDGER_REFUND : MDK_LEDGER_REVERSE;
  gint64 fen = 0;

  if (!g_str_equal (response, "apply"))
    return;
  if (amount_entry != NULL && (!mdk_money_parse (gtk_editable_get_text (amount_entry), &fen, NULL) || fen <= 0))
    return;

  /* The same request again after an unknown outcome; otherwise a new one. */
  if (self->request == NULL || self->request->kind != kind || g_strcmp0 (self->request->reason, reason) != 0 ||
      self->request->amount != fen)
    {
      g_clear_pointer (&self->request, mdk_ledger_request_free);
      self->request = mdk_ledger_request_new (kind);
      self->request->transaction_id = self->transaction_id;
      self->request->amount = fen;
      self->request->reason = g_steal_pointer (&reason);
    }
  send (self);
}

static GtkWidget *
add_entry (GtkWidget  *box,
           const char *label_text,
           const char *text)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (label_text);
  GtkWidget *entry = gtk_entry_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text ? text : "");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), entry);
  return entry;
}

/* Asks for a reason (and, for a refund, an amount) and says what will
 * happen to the money before anything does. */
static AdwMessageDialog *
ask (MdkTransactionWindow *self,
     MdkLedgerKind         kind)
{
  g_autofree char *money = mdk_money_format (amount (self), "¥");
  const char *card = field (self, MDK_TRANSACTION_FIELD_CARD_NO);
  const char *kind_name = field (self, MDK_TRANSACTION_FIELD_KIND);
  g_autofree char *body = NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *dialog;
  GtkWidget *reason;

  if (kind == MDK_LEDGER_REFUND)
    /* Translators: %s is an amount of money */
    body = g_strdup_printf (_("The sale was %s before discount. Type how much of it is returned: the stored value, "
                              "points and other payment it took come back in proportion, and the points it earned "
                              "are taken back."), money);
  else if (g_strcmp0 (kind_name, "recharge") == 0)
    body = g_strdup_printf (_("%s comes off card %s again, with any bonus it gave. This is refused if the card has "
                              "spent it. The reversal is kept in the journal with your reason."), money, card);
  else if (g_strcmp0 (kind_name, "consume") == 0)
    body = g_strdup_printf (_("Everything this sale took from card %s comes back to it, and the points it earned "
                              "are taken back. The reversal is kept in the journal with your reason."), card);
  else
    body = g_strdup_printf (_("What this refund gave back to card %s is taken from it again. The reversal is kept in "
                              "the journal with your reason."), card);

  dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                   kind == MDK_LEDGER_REFUND ? _("Refund This Sale?") : _("Reverse This Transaction?"),
                                   body);
  if (kind == MDK_LEDGER_REFUND)
    {
      GtkWidget *amount_entry = add_entry (box, _("_Amount returned (¥)"), NULL);

      g_object_set_data (G_OBJECT (dialog), "mdk-amount", amount_entry);
      g_signal_connect (amount_entry, "changed", G_CALLBACK (on_reason_changed), dialog);
    }
  reason = add_entry (box, _("_Reason"), NULL);
  g_object_set_data (G_OBJECT (dialog), "mdk-reason", reason);
  g_signal_connect (reason, "changed", G_CALLBACK (on_reason_changed), dialog);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "apply", kind == MDK_LEDGER_REFUND ? _("_Refund") : _("_Reverse"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              kind == MDK_LEDGER_REFUND ? ADW_RESPONSE_SUGGESTED
                                                                        : ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "apply", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_dialog_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (kind == MDK_LEDGER_REFUND ? g_object_get_data (G_OBJECT (dialog), "mdk-amount") : reason);
  return ADW_MESSAGE_DIALOG (dialog);
}

static void
refund_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ask (MDK_TRANSACTION_WINDOW (widget), MDK_LEDGER_REFUND);
}

static void
reverse_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ask (MDK_TRANSACTION_WINDOW (widget), MDK_LEDGER_REVERSE);
}

/* GObject */

static void
mdk_transaction_window_dispose (GObject *object)
{
  MdkTransactionWindow *self = MDK_TRANSACTION_WINDOW (object);

  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->database);
  g_clear_object (&self->transaction);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->request, mdk_ledger_request_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), MDK_TYPE_TRANSACTION_WINDOW);

  G_OBJECT_CLASS (mdk_transaction_window_parent_class)->dispose (object);
}

static void
mdk_transaction_window_class_init (MdkTransactionWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mdk_transaction_window_dispose;

  /**
   * MdkTransactionWindow::applied:
   * @self: the window
   * @transaction_id: the refund or reversal made
   */
  signals[APPLIED] = g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mdk-transaction-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MdkTransactionWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MdkTransactionWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MdkTransactionWindow, refund_button);
  gtk_widget_class_bind_template_child (widget_class, MdkTransactionWindow, reverse_button);
  gtk_widget_class_bind_template_child (widget_class, MdkTransactionWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, MdkTransactionWindow, message_label);
  gtk_widget_class_bind_template_child (widget_class, MdkTransactionWindow, details_group);
  gtk_widget_class_bind_template_child (widget_class, MdkTransactionWindow, postings_group);

  gtk_widget_class_install_action (widget_class, "transaction.refund", NULL, refund_action);
  gtk_widget_class_install_action (widget_class, "transaction.reverse", NULL, reverse_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mdk_transaction_window_init (MdkTransactionWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
}

/**
 * mdk_transaction_window_new:
 * @database: the ledger's database
 * @transaction: a loaded journal row
 *
 * Returns: (transfer floating): a window showing @transaction and its postings
 */
MdkTransactionWindow *
mdk_transaction_window_new (MdkDatabase    *database,
                            MdkTransaction *transaction)
{
  MdkTransactionWindow *self;

  g_return_val_if_fail (MDK_IS_DATABASE (database), NULL);
  g_return_val_if_fail (MDK_IS_TRANSACTION (transaction), NULL);

  self = g_object_new (MDK_TYPE_TRANSACTION_WINDOW, NULL);
  self->database = g_object_ref (database);
  self->transaction_id = mdk_transaction_get_id (transaction);
  self->transaction = g_object_ref (transaction);
  show_transaction (self, NULL);
  reload (self);
  return self;
}

/**
 * mdk_transaction_window_get_busy:
 * @self: a #MdkTransactionWindow
 *
 * Returns: %TRUE while loading or sending
 */
gboolean
mdk_transaction_window_get_busy (MdkTransactionWindow *self)
{
  g_return_val_if_fail (MDK_IS_TRANSACTION_WINDOW (self), FALSE);

  return self->loading || gtk_spinner_get_spinning (self->spinner);
}

/**
 * mdk_transaction_window_ask:
 * @self: a #MdkTransactionWindow
 * @kind: %MDK_LEDGER_REFUND or %MDK_LEDGER_REVERSE
 *
 * Opens the confirmation that its button opens.
 *
 * Returns: (transfer none): the confirmation
 */
AdwMessageDialog *
mdk_transaction_window_ask (MdkTransactionWindow *self,
                            MdkLedgerKind         kind)
{
  g_return_val_if_fail (MDK_IS_TRANSACTION_WINDOW (self), NULL);

  return ask (self, kind);
}
