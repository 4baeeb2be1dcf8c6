/* mdk-card-dialog.c: issue a card to a member, or change a card's state
 * (report it lost, found again, freeze, unfreeze, cancel, replace)
 *
 * The dialog is the confirmation: it says what will happen to the card's
 * money before the button that does it. As in the ledger dialog, a request
 * keeps its id until it is answered, and "Send Again" after a lost
 * connection sends the same request, which lands at most once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "common/mdk-card-lookup.h"
#include "common/mdk-choice-widgets.h"
#include "common/mdk-form.h"
#include "mdk-card-dialog.h"

struct _MdkCardDialog
{
  AdwWindow          parent_instance;

  AdwWindowTitle    *window_title;
  GtkButton         *apply_button;
  GtkSpinner        *spinner;
  GtkRevealer       *message_revealer;
  GtkLabel          *message_label;
  GtkWidget         *result_group;
  GtkListBox        *result_list;
  GtkLabel          *explain_label;
  GtkWidget         *issue_group;
  AdwComboRow       *type_row;
  AdwEntryRow       *under_row;
  AdwActionRow      *under_info_row;
  AdwEntryRow       *number_row;
  AdwEntryRow       *limit_row;
  AdwEntryRow       *hold_row;
  AdwComboRow       *method_row;
  AdwComboRow       *store_row;
  AdwEntryRow       *reason_row;

  MdkDatabase       *database;
  MdkLedgerKind      kind;
  gint64             member_id;
  MdkCard           *card;
  char              *action;
  /* Replacement: the first method is "from the card's stored value". */
  gboolean           method_from_card;
  MdkLedgerRequest  *request;      /* sent, and not answered yet */
  gboolean           sending;
  /* The connection dropped before the answer: only the same request may go. */
  gboolean           outcome_unknown;
  gboolean           done;
  gboolean           disposed;
  GCancellable      *cancellable;
  GSettings         *settings;
  /* The card typed as the one to go under, looked up as typing pauses. */
  MdkCardLookup     *under_lookup;
};

G_DEFINE_FINAL_TYPE (MdkCardDialog, mdk_card_dialog, ADW_TYPE_WINDOW)

enum {
  APPLIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct {
  const char *action;
  const char *title;
  const char *button;
  gboolean    destructive;
} actions[] = {
  { "report_loss", N_("Report Card Lost"), N_("_Report Lost"), TRUE },
  { "found", N_("Card Found Again"), N_("_Found Again"), FALSE },
  { "freeze", N_("Freeze Card"), N_("_Freeze"), TRUE },
  { "unfreeze", N_("Unfreeze Card"), N_("_Unfreeze"), FALSE },
  /* Not "_Cancel": Close has C. */
  { "cancel", N_("Cancel Card"), N_("C_ancel Card"), TRUE },
  { "replace", N_("Replace Card"), N_("_Replace Card"), FALSE },
  { "daily_limit", N_("Daily Limit"), N_("_Set Limit"), FALSE },
  { "set_tier", N_("Set Tier"), N_("_Set Tier"), FALSE },
};

static guint
action_index (const char *action)
{
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_strcmp0 (actions[i].action, action) == 0)
      return i;
  g_return_val_if_reached (0);
}

/**
 * mdk_card_action_label:
 * @action: a card action (mdk.card_action)
 *
 * Returns: the action as a menu item says it
 */
const char *
mdk_card_action_label (const char *action)
{
  static const struct { const char *action; const char *label; } labels[] = {
    { "report_loss", N_("Report Lost…") }, { "found", N_("Found Again…") }, { "freeze", N_("Freeze…") },
    { "unfreeze", N_("Unfreeze…") }, { "cancel", N_("Cancel Card…") }, { "replace", N_("Replace Card…") },
    { "daily_limit", N_("Daily Limit…") }, { "set_tier", N_("Set Tier…") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].action, action) == 0)
      return _(labels[i].label);
  return action;
}

static const char *
card_field (MdkCardDialog *self,
            MdkCardField   field)
{
  return mdk_card_get_field (self->card, field);
}

static gint64
card_amount (MdkCardDialog *self,
             MdkCardField   field)
{
  const char *text = card_field (self, field);

  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
}

static char *
format_money (gint64 fen)
{
  return mdk_money_format (fen, "¥");
}

static gboolean
refunds_on_cancel (MdkCardDialog *self)
{
  return g_strcmp0 (card_field (self, MDK_CARD_FIELD_REFUND_ON_CANCEL), "true") == 0;
}

static gboolean
is_primary (MdkCardDialog *self)
{
  return card_field (self, MDK_CARD_FIELD_PRIMARY_CARD_NO) == NULL;
}

/* Whether its balances are its own: a primary's, or those of a card under
 * another that does not share. */
static gboolean
uses_own_accounts (MdkCardDialog *self)
{
  return is_primary (self) || g_strcmp0 (card_field (self, MDK_CARD_FIELD_OWN_ACCOUNTS), "true") == 0;
}

/* Stored value a cancellation pays back: the card's own, and that of the
 * cards under it that keep their own, by each one's terms. */
static gint64
refund_due_on_cancel (MdkCardDialog *self)
{
  gint64 own = uses_own_accounts (self) && refunds_on_cancel (self) ? card_amount (self, MDK_CARD_FIELD_BALANCE) : 0;

  return own + (is_primary (self) ? card_amount (self, MDK_CARD_FIELD_UNDER_REFUND) : 0);
}

/* What the action does to the card and its money, in a sentence or three. */
static char *
explain_action (MdkCardDialog *self)
{
  g_autofree char *balance = format_money (card_amount (self, MDK_CARD_FIELD_BALANCE));
  g_autofree char *bonus = format_money (card_amount (self, MDK_CARD_FIELD_BONUS_BALANCE));
  g_autofree char *points = g_strdup_printf ("%" G_GINT64_FORMAT, card_amount (self, MDK_CARD_FIELD_POINTS_BALANCE));
  gint64 under = card_amount (self, MDK_CARD_FIELD_N_UNDER);
  const char *primary = card_field (self, MDK_CARD_FIELD_PRIMARY_CARD_NO);
  GString *text = g_string_new (NULL);

  if (g_str_equal (self->action, "report_loss"))
    {
      gint64 fee = card_amount (self, MDK_CARD_FIELD_SERVICE_FEE);

      if (fee > 0)
        {
          g_autofree char *money = format_money (fee);

          g_string_append_printf (text, _("The card is blocked at once: it cannot pay or be recharged until it is "
                                          "found again or replaced. The service fee for the report is %s, from the "
                                          "card's stored value or at the counter, as chosen below. Otherwise nothing "
                                          "moves: "), money);
        }
      else
        g_string_append (text, _("The card is blocked at once: it cannot pay or be recharged until it is found again "
                                 "or replaced. Nothing moves: "));
    }
  else if (g_str_equal (self->action, "freeze") && under > 0)
    g_string_append (text, _("The card cannot pay or be recharged until it is unfrozen, nor can the cards under "
                             "it that share its balance. Nothing moves: "));
  else if (g_str_equal (self->action, "freeze"))
    g_string_append (text, _("The card cannot pay or be recharged until it is unfrozen. Nothing moves: "));
  else if (g_str_equal (self->action, "found") || g_str_equal (self->action, "unfreeze"))
    g_string_append (text, _("The card can pay and be recharged again. Nothing moves: "));

  if (g_str_equal (self->action, "set_tier"))
    {
      const char *down_on = card_field (self, MDK_CARD_FIELD_TIER_DOWN_ON);

      g_string_append_printf (text, _("Head office puts the card in a tier by hand: it becomes a card of the type "
                                      "chosen below, with that type's current terms, from now on. Its number, "
                                      "stored value of %s, promotional value of %s, %s points and the cards under it "
                                      "stay. The tier rules leave it alone until the day below, or for good; the "
                                      "card's history records the change as head office's."),
                              balance, bonus, points);
      if (down_on != NULL)
        g_string_append_c (text, ' ');
      if (down_on != NULL)
        /* Translators: a card type and a date */
        g_string_append_printf (text, _("The notice to move it down to %s on %s is withdrawn."),
                                card_field (self, MDK_CARD_FIELD_TIER_DOWN_TO), down_on);
    }
  else if (g_str_equal (self->action, "daily_limit"))
    {
      gint64 limit = card_amount (self, MDK_CARD_FIELD_DAILY_LIMIT);
      g_autofree char *today = format_money (limit);

      g_string_append (text, _("Limits the stored value this card may spend in a day, at any store, so that a "
                               "holder of a group card or an affiliate does not spend the whole account. "));
      if (limit > 0)
        g_string_append_printf (text, _("Its limit is %s a day now."), today);
      else
        g_string_append (text, _("It has no limit now."));
    }
  else if (g_str_equal (self->action, "cancel"))
    {
      g_string_append (text, _("This cannot be undone: the card and its number are closed for good. "));
      if (!uses_own_accounts (self))
        g_string_append_printf (text, _("The card stops drawing on the account of %s, which is not touched."), primary);
      else
        {
          gint64 paid = card_amount (self, MDK_CARD_FIELD_BALANCE);

          if (paid > 0 && refunds_on_cancel (self))
            g_string_append_printf (text, _("Its stored value of %s is paid back to the member, as chosen below. "),
                                    balance);
          else if (paid > 0)
            g_string_append_printf (text, _("Its stored value of %s is forfeited: this card type does not pay it back. "),
                                    balance);
          g_string_append_printf (text, _("Promotional value of %s and %s points are forfeited."), bonus, points);
          if (under > 0)
            g_string_append_printf (text, " %s",
                                    g_dngettext (GETTEXT_PACKAGE, "The card under it is cancelled too.",
                                                 "The cards under it are cancelled too.", under));
          /* The cards under it that keep their own balance close it too. */
          if (card_amount (self, MDK_CARD_FIELD_UNDER_REFUND) > 0)
            {
              g_autofree char *back = format_money (card_amount (self, MDK_CARD_FIELD_UNDER_REFUND));

              g_string_append_c (text, ' ');
              g_string_append_printf (text, _("%s of stored value on the cards under it is paid back too."), back);
            }
          if (card_amount (self, MDK_CARD_FIELD_UNDER_FORFEIT) > 0)
            {
              g_autofree char *lost = format_money (card_amount (self, MDK_CARD_FIELD_UNDER_FORFEIT));

              g_string_append_c (text, ' ');
              g_string_append_printf (text, _("%s of stored value on the cards under it is forfeited: their type "
                                              "does not pay it back."), lost);
            }
          if (card_amount (self, MDK_CARD_FIELD_UNDER_BONUS) + card_amount (self, MDK_CARD_FIELD_UNDER_POINTS) > 0)
            {
              g_autofree char *under_bonus = format_money (card_amount (self, MDK_CARD_FIELD_UNDER_BONUS));
              g_autofree char *under_points = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                               card_amount (self, MDK_CARD_FIELD_UNDER_POINTS));

              g_string_append_c (text, ' ');
              g_string_append_printf (text, _("Promotional value of %s and %s points on the cards under it are "
                                              "forfeited."),
                                      under_bonus, under_points);
            }
        }
    }
  else if (g_str_equal (self->action, "replace"))
    {
      gint64 fee = card_amount (self, MDK_CARD_FIELD_REPLACEMENT_FEE);

      g_string_append (text, _("A new card of the same type, with a new number, takes this card's place. "));
      if (is_primary (self))
        g_string_append_printf (text, _("Its stored value of %s, promotional value of %s and %s points move to "
                                        "the new card exactly, with the cards under it. "),
                                balance, bonus, points);
      else if (uses_own_accounts (self))
        /* Translators: money, money, points, a card number */
        g_string_append_printf (text, _("Its own stored value of %s, promotional value of %s and %s points move "
                                        "to the new card exactly, which stays under %s. "),
                                balance, bonus, points, primary);
      else
        g_string_append_printf (text, _("The new card draws on the account of %s, as this one does. "), primary);
      g_string_append (text, _("This number can never be used again. "));
      if (fee > 0)
        {
          g_autofree char *money = format_money (fee);

          g_string_append_printf (text, _("The replacement fee is %s."), money);
        }
      else
        g_string_append (text, _("There is no replacement fee."));
    }
  else if (uses_own_accounts (self))
    /* Translators: the end of a sentence that starts "Nothing moves: " */
    g_string_append_printf (text, _("its stored value of %s, promotional value of %s and %s points stay on it."),
                            balance, bonus, points);
  else
    g_string_append_printf (text, _("it draws on the account of %s."), primary);

  return g_string_free (text, FALSE);
}

static void
update_apply_button (MdkCardDialog *self)
{
  const char *label;

  if (self->request != NULL && !self->sending)
    label = _("Send _Again");
  else if (self->kind == MDK_LEDGER_ISSUE_CARD)
    label = _("_Issue Card");
  else
    label = _(actions[action_index (self->action)].button);
  gtk_button_set_label (self->apply_button, label);
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), !self->sending && !self->done);
  gtk_spinner_set_spinning (self->spinner, self->sending);
}

static const char *
selected_method (MdkCardDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->method_row);

  if (self->method_from_card)
    {
      if (selected == 0)
        return NULL;
      selected--;
    }
  return selected < g_strv_length ((char **) mdk_payment_methods) ? mdk_payment_methods[selected] : NULL;
}

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* The form as a request; NULL, with a message, when it is not complete. */
static MdkLedgerRequest *
build_request (MdkCardDialog *self)
{
  g_autoptr(MdkLedgerRequest) request = mdk_ledger_request_new (self->kind);
  g_autofree char *reason = g_strstrip (g_strdup (row_text (self->reason_row)));
  g_autofree char *under = g_strstrip (g_strdup (row_text (self->under_row)));
  g_autofree char *number = g_strstrip (g_strdup (row_text (self->number_row)));
  const char *problem = NULL;
  gint64 limit = 0;

  if (self->kind == MDK_LEDGER_ISSUE_CARD)
    {
      if (mdk_choice_row_get_id (self->type_row) == 0)
        problem = _("Choose the card type.");
    }
  else
    {
      if (self->kind == MDK_LEDGER_DAILY_LIMIT)
        {
          const char *text = row_text (self->limit_row);
          gboolean ok = *text == '\0' || (mdk_money_parse (text, &limit, NULL) && limit > 0);

          mdk_entry_row_mark_invalid (self->limit_row, !ok);
          if (!ok)
            problem = _("Type the limit in yuan, such as 200, or leave it empty for none.");
        }
      if (self->kind == MDK_LEDGER_SET_TIER)
        {
          const char *text = row_text (self->hold_row);
          g_autoptr(GDateTime) now = g_date_time_new_now_local ();
          g_autoptr(GDate) today = g_date_new_dmy (g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                                                   g_date_time_get_year (now));
          gboolean ok = TRUE;

          if (*text != '\0')
            {
              int year = 0, month = 0, day = 0;

              ok = sscanf (text, "%4d-%2d-%2d", &year, &month, &day) == 3
                   && g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", text, 0, 0)
                   && g_date_valid_dmy (day, month, year);
              if (ok)
                {
                  g_autoptr(GDate) date = g_date_new_dmy (day, month, year);

                  ok = g_date_compare (date, today) > 0;
                }
            }
          mdk_entry_row_mark_invalid (self->hold_row, !ok);
          if (!ok)
            problem = _("Type the last day the tier holds as YYYY-MM-DD, after today, or leave it empty.");
          else if (mdk_choice_row_get_id (self->type_row) == 0)
            problem = _("Choose the tier.");
        }
      mdk_entry_row_mark_invalid (self->reason_row, *reason == '\0');
      if (problem == NULL && *reason == '\0')
        problem = _("Say why: the reason is kept with the card's history.");
    }
  if (problem == NULL && mdk_choice_row_get_id (self->store_row) == 0)
    problem = _("Choose the store.");
  if (problem != NULL)
    {
      mdk_banner_show (self->message_revealer, self->message_label, problem);
      return NULL;
    }

  request->store_id = mdk_choice_row_get_id (self->store_row);
  if (gtk_widget_get_visible (GTK_WIDGET (self->method_row)))
    request->method = g_strdup (selected_method (self));
  if (self->kind == MDK_LEDGER_ISSUE_CARD)
    {
      request->member_id = self->member_id;
      request->card_type_id = mdk_choice_row_get_id (self->type_row);
      request->primary_card_no = *under ? g_steal_pointer (&under) : NULL;
      request->new_card_no = *number ? g_steal_pointer (&number) : NULL;
    }
  else
    {
      request->card_no = g_strdup (card_field (self, MDK_CARD_FIELD_CARD_NO));
      request->action = g_strdup (self->action);
      request->reason = g_steal_pointer (&reason);
      request->amount = limit;
      if (self->kind == MDK_LEDGER_SET_TIER)
        {
          const char *hold = row_text (self->hold_row);

          request->card_type_id = mdk_choice_row_get_id (self->type_row);
          request->hold_until = *hold != '\0' ? g_strdup (hold) : NULL;
        }
    }
  return g_steal_pointer (&request);
}

static void
show_result (MdkCardDialog         *self,
             const MdkLedgerResult *result)
{
  if (self->kind == MDK_LEDGER_ISSUE_CARD)
    {
      const char *under = self->request != NULL ? self->request->primary_card_no : NULL;

      mdk_result_list_add (self->result_list, _("Card issued"), g_strdup (result->card_no));
      if (under != NULL)
        mdk_result_list_add (self->result_list, _("Balance and points"),
                             result->own_accounts ? g_strdup (_("Its own"))
                                                  /* Translators: a card number */
                                                  : g_strdup_printf (_("Those of %s"), under));
    }
  else if (g_str_equal (self->action, "replace"))
    mdk_result_list_add (self->result_list, _("New card"), g_strdup (result->card_no));
  else if (self->kind == MDK_LEDGER_SET_TIER)
    {
      MdkChoice *tier = adw_combo_row_get_selected_item (self->type_row);

      mdk_result_list_add (self->result_list, _("Tier now"), g_strdup (tier ? mdk_choice_get_label (tier) : ""));
      mdk_result_list_add (self->result_list, _("Rules leave it alone"),
                           g_str_equal (result->held_until, "infinity")
                             ? g_strdup (_("For good"))
                             /* Translators: a date */
                             : g_strdup_printf (_("Until %s"), result->held_until));
    }
  else if (self->kind == MDK_LEDGER_DAILY_LIMIT)
    mdk_result_list_add (self->result_list, _("Daily limit now"),
                         result->daily_limit > 0 ? format_money (result->daily_limit) : g_strdup (_("None")));
  else
    mdk_result_list_add (self->result_list, _("State now"), g_strdup (mdk_card_state_label (result->state)));
  if (result->fee > 0)
    mdk_result_list_add (self->result_list, _("Fee"), format_money (result->fee));
  if (result->refunded > 0)
    mdk_result_list_add (self->result_list, _("Paid back"), format_money (result->refunded));
  if (result->forfeited > 0)
    mdk_result_list_add (self->result_list, _("Stored value forfeited"), format_money (result->forfeited));
  if (result->cancelled_under > 0)
    mdk_result_list_add (self->result_list, _("Cards under it cancelled"), g_strdup_printf ("%" G_GINT64_FORMAT, result->cancelled_under));
  if (self->kind == MDK_LEDGER_CARD_ACTION)
    {
      mdk_result_list_add (self->result_list, _("Balance now"), format_money (result->balance));
      mdk_result_list_add (self->result_list, _("Promotional value now"), format_money (result->bonus_balance));
      mdk_result_list_add (self->result_list, _("Points now"), g_strdup_printf ("%" G_GINT64_FORMAT, result->points_balance));
    }
  gtk_widget_set_visible (self->result_group, TRUE);
}

/* The form can change while no request is in doubt. */
static void
set_form_sensitive (MdkCardDialog *self,
                    gboolean       sensitive)
{
  gtk_widget_set_sensitive (self->issue_group, sensitive);
  gtk_widget_set_sensitive (GTK_WIDGET (self->limit_row), sensitive);
  gtk_widget_set_sensitive (GTK_WIDGET (self->method_row), sensitive);
  gtk_widget_set_sensitive (GTK_WIDGET (self->store_row), sensitive);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reason_row), sensitive);
}

static void
on_field_changed (MdkCardDialog *self)
{
  /* Another request now: a new id; but never while one may have landed. */
  if (!self->sending && !self->outcome_unknown)
    g_clear_pointer (&self->request, mdk_ledger_request_free);
  update_apply_button (self);
}

/* The card to go under: whose it is, and what the new card gets of it. */
static void
show_under (MdkCardDialog        *self,
            const MdkCardSummary *card,
            const GError         *error)
{
  g_autofree char *title = NULL;
  const char *subtitle;

  gtk_widget_set_visible (GTK_WIDGET (self->under_info_row), card != NULL || error != NULL);
  if (card == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->under_info_row), error ? error->message : "");
      adw_action_row_set_subtitle (self->under_info_row, "");
      return;
    }

  /* Translators: a member's name and a card type */
  title = g_strdup_printf (_("%s · %s"), card->member_name, card->type_name);
  if (card->under_another)
    subtitle = _("It is itself under another card: no card can go under it.");
  else if (g_str_equal (card->state, "expired"))
    subtitle = _("It has expired: no card can go under it.");
  else if (!g_str_equal (card->state, "active"))
    subtitle = _("It is not active: no card can go under it.");
  else if (card->affiliates_share)
    subtitle = _("The new card shares its balance and points.");
  else
    subtitle = _("The new card keeps a balance and points of its own.");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->under_info_row), title);
  adw_action_row_set_subtitle (self->under_info_row, subtitle);
}

static void
on_under_changed (MdkCardDialog *self)
{
  on_field_changed (self);
  if (self->under_lookup == NULL)
    self->under_lookup = mdk_card_lookup_new (self->database, (MdkCardLookupFunc) show_under, self);
  mdk_card_lookup_schedule (self->under_lookup, row_text (self->under_row));
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(MdkCardDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree MdkLedgerResult *answer = mdk_ledger_send_finish (MDK_DATABASE (source), result, &error);

  /* Closed while it was on its way: the database answered all the same. */
  if (self->disposed)
    return;

  self->sending = FALSE;
  if (answer != NULL)
    {
      self->outcome_unknown = FALSE;
      self->done = TRUE;
      mdk_banner_show (self->message_revealer, self->message_label, NULL);
      /* The result says what was sent, before the request goes. */
      show_result (self, answer);
      g_clear_pointer (&self->request, mdk_ledger_request_free);
      /* What was going to happen has happened: the result says it. */
      gtk_widget_set_visible (GTK_WIDGET (self->explain_label), FALSE);
      set_form_sensitive (self, FALSE);
      g_signal_emit (self, signals[APPLIED], 0, answer->card_no);
    }
  else if (g_error_matches (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_CONNECTION_LOST) ||
           g_error_matches (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_CONNECTION_FAILED))
    {
      g_autofree char *message = g_strdup_printf ("%s %s", error->message,
                                                  _("It is not known whether this was done. Press Send Again: "
                                                    "the same request is sent, and it is never done twice."));

      /* A changed form would be a new request, and could be done twice. */
      self->outcome_unknown = TRUE;
      set_form_sensitive (self, FALSE);
      mdk_banner_show (self->message_revealer, self->message_label, message);
    }
  else
    {
      g_clear_pointer (&self->request, mdk_ledger_request_free);
      self->outcome_unknown = FALSE;
      set_form_sensitive (self, TRUE);
      mdk_banner_show (self->message_revealer, self->message_label, error->message);
    }
  update_apply_button (self);
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  MdkCardDialog *self = MDK_CARD_DIALOG (widget);

  if (self->sending || self->done)
    return;
  if (self->request == NULL && !(self->request = build_request (self)))
    return;

  self->sending = TRUE;
  g_settings_set_int64 (self->settings, "entry-store-id", self->request->store_id);
  mdk_banner_show (self->message_revealer, self->message_label, NULL);
  update_apply_button (self);
  /* Not cancelled when the dialog closes: a card action is not half done. */
  mdk_ledger_send_async (self->database, self->request, NULL, on_sent, g_object_ref (self));
}

static void
on_entry_activated (MdkCardDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "card.apply", NULL);
}

static void
on_types_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MdkCardDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lists = mdk_choice_lists_load_finish (MDK_DATABASE (source), result, &error);
  g_autoptr(GtkExpression) expression = NULL;

  if (lists == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        mdk_banner_show (self->message_revealer, self->message_label, error->message);
      return;
    }

  expression = gtk_property_expression_new (MDK_TYPE_CHOICE, NULL, "label");
  adw_combo_row_set_expression (self->type_row, expression);
  adw_combo_row_set_model (self->type_row, g_ptr_array_index (lists, 0));
  update_apply_button (self);
}

/* Fills the method row: for a replacement, the card's own stored value
 * first. */
static void
set_methods (MdkCardDialog *self,
             gboolean       from_card)
{
  g_autoptr(GtkStringList) methods = gtk_string_list_new (NULL);

  self->method_from_card = from_card;
  if (from_card)
    gtk_string_list_append (methods, _("From the card's stored value"));
  for (guint i = 0; mdk_payment_methods[i] != NULL; i++)
    gtk_string_list_append (methods, mdk_payment_method_label (mdk_payment_methods[i]));
  adw_combo_row_set_model (self->method_row, G_LIST_MODEL (methods));
  /* The card's stored value, or cash (the first method). */
  adw_combo_row_set_selected (self->method_row, 0);
}

static void
setup (MdkCardDialog *self)
{
  g_autofree char *subtitle = NULL;

  if (self->kind == MDK_LEDGER_ISSUE_CARD)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Issue Card"));
      adw_window_title_set_title (self->window_title, _("Issue Card"));
      gtk_label_set_label (self->explain_label,
                           _("The card is active at once. A joining fee, where the type has one, is taken at "
                             "the counter. A card under another card (an affiliate's, or a group card's holder) "
                             "spends from that card's account, unless that card's type gives the cards under it "
                             "a balance and points of their own."));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->method_row), _("Joining fee paid by"));
      set_methods (self, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->reason_row), FALSE);
      gtk_widget_add_css_class (GTK_WIDGET (self->apply_button), "suggested-action");
      mdk_choice_lists_load_async (self->database, self->cancellable, on_types_loaded, g_object_ref (self),
                                   mdk_choice_load_issuable_card_types, NULL);
    }
  else
    {
      guint i = action_index (self->action);
      g_autofree char *explanation = explain_action (self);
      gboolean cancel = g_str_equal (self->action, "cancel");
      gboolean replace = g_str_equal (self->action, "replace");

      gtk_window_set_title (GTK_WINDOW (self), _(actions[i].title));
      adw_window_title_set_title (self->window_title, _(actions[i].title));
      /* Translators: a card's number and type */
      subtitle = g_strdup_printf (_("%s · %s"), card_field (self, MDK_CARD_FIELD_CARD_NO),
                                  card_field (self, MDK_CARD_FIELD_CARD_TYPE));
      adw_window_title_set_subtitle (self->window_title, subtitle);
      gtk_label_set_label (self->explain_label, explanation);
      gtk_widget_set_visible (self->issue_group, self->kind == MDK_LEDGER_SET_TIER);
      gtk_widget_set_visible (GTK_WIDGET (self->limit_row), g_str_equal (self->action, "daily_limit"));
      gtk_widget_set_visible (GTK_WIDGET (self->hold_row), self->kind == MDK_LEDGER_SET_TIER);
      if (self->kind == MDK_LEDGER_SET_TIER)
        {
          gtk_widget_set_visible (GTK_WIDGET (self->under_row), FALSE);
          gtk_widget_set_visible (GTK_WIDGET (self->number_row), FALSE);
          adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->issue_group), _("Tier"));
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->type_row), _("New tier"));
          mdk_choice_lists_load_async (self->database, self->cancellable, on_types_loaded, g_object_ref (self),
                                       mdk_choice_load_tier_card_types, NULL);
        }
      gtk_widget_add_css_class (GTK_WIDGET (self->apply_button),
                                actions[i].destructive ? "destructive-action" : "suggested-action");
      if (cancel && refund_due_on_cancel (self) > 0)
        {
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->method_row), _("Paid back by"));
          set_methods (self, FALSE);
        }
      else if (replace && card_amount (self, MDK_CARD_FIELD_REPLACEMENT_FEE) > 0)
        {
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->method_row), _("Replacement fee paid"));
          set_methods (self, TRUE);
        }
      else if (g_str_equal (self->action, "report_loss") && card_amount (self, MDK_CARD_FIELD_SERVICE_FEE) > 0)
        {
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->method_row), _("Service fee paid"));
          set_methods (self, TRUE);
        }
      else
        gtk_widget_set_visible (GTK_WIDGET (self->method_row), FALSE);
    }

  mdk_store_row_load (self->store_row, self->database, g_settings_get_int64 (self->settings, "entry-store-id"),
                      self->cancellable);
  update_apply_button (self);
}

static void
mdk_card_dialog_dispose (GObject *object)
{
  MdkCardDialog *self = MDK_CARD_DIALOG (object);

  /* A request on its way still lands; its answer finds the dialog closed. */
  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->under_lookup, mdk_card_lookup_free);
  g_clear_object (&self->database);
  g_clear_object (&self->settings);
  g_clear_object (&self->card);
  g_clear_pointer (&self->action, g_free);
  g_clear_pointer (&self->request, mdk_ledger_request_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), MDK_TYPE_CARD_DIALOG);

  G_OBJECT_CLASS (mdk_card_dialog_parent_class)->dispose (object);
}

static void
mdk_card_dialog_class_init (MdkCardDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mdk_card_dialog_dispose;

  /**
   * MdkCardDialog::applied:
   * @self: the dialog
   * @card_no: the card issued, the new card of a replacement, or the card changed
   *
   * The database did what was asked.
   */
  signals[APPLIED] = g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mdk-card-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, apply_button);
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, result_group);
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, result_list);
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, explain_label);
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, issue_group);
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, type_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, under_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, under_info_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, number_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, limit_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, hold_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, method_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, store_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardDialog, reason_row);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_under_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "card.apply", NULL, apply_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "card.apply", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mdk_card_dialog_init (MdkCardDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new ("io.github.memberdesk.Memberdesk");
}

/**
 * mdk_card_dialog_new_issue:
 * @database: the database
 * @member_id: the member who gets the card
 * @member_name: their name, for the title
 *
 * Returns: (transfer floating): a dialog that issues a card
 */
MdkCardDialog *
mdk_card_dialog_new_issue (MdkDatabase *database,
                           gint64       member_id,
                           const char  *member_name)
{
  MdkCardDialog *self;

  g_return_val_if_fail (MDK_IS_DATABASE (database), NULL);

  self = g_object_new (MDK_TYPE_CARD_DIALOG, NULL);
  self->database = g_object_ref (database);
  self->kind = MDK_LEDGER_ISSUE_CARD;
  self->member_id = member_id;
  setup (self);
  adw_window_title_set_subtitle (self->window_title, member_name);
  return self;
}

/**
 * mdk_card_dialog_new_action:
 * @database: the database
 * @card: the card, as the member's profile shows it
 * @action: a card action (mdk.card_action) allowed in the card's state, or
 *   "daily_limit" for a card in use
 *
 * Returns: (transfer floating): a dialog that says what @action will do,
 *   and does it
 */
MdkCardDialog *
mdk_card_dialog_new_action (MdkDatabase *database,
                            MdkCard     *card,
                            const char  *action)
{
  MdkCardDialog *self;

  g_return_val_if_fail (MDK_IS_DATABASE (database), NULL);
  g_return_val_if_fail (MDK_IS_CARD (card), NULL);

  self = g_object_new (MDK_TYPE_CARD_DIALOG, NULL);
  self->database = g_object_ref (database);
  self->kind = g_str_equal (action, "daily_limit") ? MDK_LEDGER_DAILY_LIMIT
               : g_str_equal (action, "set_tier") ? MDK_LEDGER_SET_TIER : MDK_LEDGER_CARD_ACTION;
  self->card = g_object_ref (card);
  self->action = g_strdup (action);
  setup (self);
  return self;
}

/**
 * mdk_card_dialog_set_field:
 * @self: a #MdkCardDialog
 * @field: "reason", "under", "number" or "limit"
 * @text: what to type there
 *
 * Types into a field, as a person would.
 */
void
mdk_card_dialog_set_field (MdkCardDialog *self,
                           const char    *field,
                           const char    *text)
{
  AdwEntryRow *row = NULL;

  g_return_if_fail (MDK_IS_CARD_DIALOG (self));

  if (g_str_equal (field, "reason"))
    row = self->reason_row;
  else if (g_str_equal (field, "under"))
    row = self->under_row;
  else if (g_str_equal (field, "number"))
    row = self->number_row;
  else if (g_str_equal (field, "limit"))
    row = self->limit_row;
  else if (g_str_equal (field, "hold"))
    row = self->hold_row;
  g_return_if_fail (row != NULL);

  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/**
 * mdk_card_dialog_get_busy:
 * @self: a #MdkCardDialog
 *
 * Returns: %TRUE while a request or a list is on its way, or the card to
 *   go under is being looked up
 */
gboolean
mdk_card_dialog_get_busy (MdkCardDialog *self)
{
  g_return_val_if_fail (MDK_IS_CARD_DIALOG (self), FALSE);

  return self->sending || mdk_card_lookup_get_busy (self->under_lookup) || adw_combo_row_get_model (self->store_row) == NULL ||
         ((self->kind == MDK_LEDGER_ISSUE_CARD || self->kind == MDK_LEDGER_SET_TIER)
          && adw_combo_row_get_model (self->type_row) == NULL);
}

/**
 * mdk_card_dialog_get_done:
 * @self: a #MdkCardDialog
 *
 * Returns: %TRUE once the database did what was asked
 */
gboolean
mdk_card_dialog_get_done (MdkCardDialog *self)
{
  g_return_val_if_fail (MDK_IS_CARD_DIALOG (self), FALSE);

  return self->done;
}

/**
 * mdk_card_dialog_get_message:
 * @self: a #MdkCardDialog
 *
 * Returns: (nullable): the message shown, if any
 */
const char *
mdk_card_dialog_get_message (MdkCardDialog *self)
{
  g_return_val_if_fail (MDK_IS_CARD_DIALOG (self), NULL);

  return mdk_banner_get_message (self->message_revealer, self->message_label);
}

/**
 * mdk_card_dialog_get_explanation:
 * @self: a #MdkCardDialog
 *
 * Returns: what the dialog says the action does, before it is done
 */
const char *
mdk_card_dialog_get_explanation (MdkCardDialog *self)
{
  g_return_val_if_fail (MDK_IS_CARD_DIALOG (self), NULL);

  return gtk_label_get_label (self->explain_label);
}

/**
 * mdk_card_dialog_get_under_info:
 * @self: a #MdkCardDialog
 *
 * Returns: (nullable): what the dialog says of the card the new one goes
 *   under: whether it shares its balance, or why no card can go under it;
 *   %NULL while none is typed
 */
const char *
mdk_card_dialog_get_under_info (MdkCardDialog *self)
{
  g_return_val_if_fail (MDK_IS_CARD_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->under_info_row)))
    return NULL;
  return adw_action_row_get_subtitle (self->under_info_row);
}

/**
 * mdk_card_dialog_choose_type:
 * @self: a #MdkCardDialog
 * @name: a card type's name, as the list shows it
 *
 * Chooses the card type (or the tier), as a person would.
 *
 * Returns: %TRUE if it was there
 */
gboolean
mdk_card_dialog_choose_type (MdkCardDialog *self,
                             const char    *name)
{
  g_return_val_if_fail (MDK_IS_CARD_DIALOG (self), FALSE);

  return mdk_combo_row_select_label (self->type_row, name);
}
