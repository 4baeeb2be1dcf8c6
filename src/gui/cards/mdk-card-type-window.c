/* mdk-card-type-window.c: head office's card type designer: identity,
 * applications, terms, discounts by category, card numbers, the card's
 * face (drawn live), tier rules, versions and history; saved with a reason
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "common/mdk-choice-widgets.h"
#include "common/mdk-form.h"
#include "mdk-card-face.h"
#include "mdk-card-type-window.h"

typedef enum
{
  FIELD_SWITCH,
  FIELD_MONEY,    /* fen, typed in yuan */
  FIELD_PERCENT,  /* basis points, typed in % */
  FIELD_RATE,     /* basis points of a point per yuan, typed in points */
  FIELD_COUNT,
  FIELD_MONTHS,   /* a count, or empty for none (-1) */
} FieldKind;

static const struct
{
  MdkCardTerm  term;
  FieldKind    kind;
  const char  *title;
  const char  *subtitle;
} term_fields[] = {
  { MDK_CARD_TERM_HAS_STORED_VALUE, FIELD_SWITCH, N_("Stored value"), N_("Recharged, and spent at every store") },
  { MDK_CARD_TERM_HAS_POINTS, FIELD_SWITCH, N_("Points"), N_("Earned on purchases, at the rate below") },
  { MDK_CARD_TERM_HAS_DISCOUNT, FIELD_SWITCH, N_("Discount"), N_("Taken off each purchase") },
  { MDK_CARD_TERM_DISCOUNT_BP, FIELD_PERCENT, N_("Discount (%)"), NULL },
  { MDK_CARD_TERM_POINTS_RATE_BP, FIELD_RATE, N_("Points per yuan spent"), NULL },
  { MDK_CARD_TERM_POINT_VALUE, FIELD_MONEY, N_("What a point pays (¥; 0: points do not pay)"), NULL },
  { MDK_CARD_TERM_JOINING_FEE, FIELD_MONEY, N_("Joining fee (¥)"), NULL },
  { MDK_CARD_TERM_ANNUAL_FEE, FIELD_MONEY, N_("Annual fee (¥)"), NULL },
  { MDK_CARD_TERM_AFFILIATE_ANNUAL_FEE, FIELD_MONEY, N_("Annual fee of each card under it (¥)"), NULL },
  { MDK_CARD_TERM_REPLACEMENT_FEE, FIELD_MONEY, N_("Replacement fee (¥)"), NULL },
  { MDK_CARD_TERM_SERVICE_FEE, FIELD_MONEY, N_("Service fee of a loss report (¥)"), NULL },
  { MDK_CARD_TERM_VALIDITY_MONTHS, FIELD_MONTHS, N_("Valid for (months; empty: no end)"), NULL },
  { MDK_CARD_TERM_MAX_AFFILIATES, FIELD_COUNT, N_("Cards under one card, at most"), NULL },
  { MDK_CARD_TERM_AFFILIATES_SHARE, FIELD_SWITCH, N_("Cards under it share its balance and points"),
    N_("Otherwise each keeps a balance and points of its own, and pays its fees from them. A card keeps the "
       "choice it was issued with.") },
  { MDK_CARD_TERM_CREDIT_LIMIT, FIELD_MONEY, N_("Credit of a group card (¥)"), NULL },
  { MDK_CARD_TERM_REFUND_ON_CANCEL, FIELD_SWITCH, N_("Refund on cancellation"),
    N_("Stored value is paid back; otherwise it is forfeited. Points are always forfeited.") },
};

static const char * const kinds[] = { "personal", "affiliate", "group", "general", "silver", "gold", "vip", "custom" };
static const char * const kind_labels[] = {
  N_("Personal"), N_("Affiliate"), N_("Group"), N_("General"), N_("Silver"), N_("Gold"), N_("VIP"), N_("Custom"),
};

struct _MdkCardTypeWindow
{
  AdwWindow            parent_instance;

  AdwToastOverlay     *toast_overlay;
  GtkSpinner          *spinner;
  GtkButton           *retire_button;
  GtkListBox          *type_list;
  GtkStack            *stack;
  AdwStatusPage       *error_page;
  GtkScrolledWindow   *form_scroller;
  GtkWidget           *form;
  GtkRevealer         *banner_revealer;
  GtkLabel            *banner_label;
  MdkCardFace         *face;
  GtkLabel            *status_label;
  AdwEntryRow         *name_row;
  AdwEntryRow         *code_row;
  AdwComboRow         *kind_row;
  AdwComboRow         *region_row;
  AdwPreferencesGroup *applications_group;
  AdwPreferencesGroup *terms_group;
  AdwPreferencesGroup *category_group;
  GtkEntry            *category_entry;
  GtkEntry            *category_discount_entry;
  AdwPreferencesGroup *number_group;
  AdwPreferencesGroup *face_group;
  AdwPreferencesGroup *tiers_group;
  AdwEntryRow         *prefix_row;
  GtkSpinButton       *length_spin;
  GtkSwitch           *luhn_switch;
  GtkColorButton      *start_button;
  GtkSwitch           *gradient_switch;
  GtkColorButton      *end_button;
  AdwActionRow        *logo_row;
  AdwComboRow         *up_type_row;
  AdwComboRow         *up_measure_row;
  AdwEntryRow         *up_threshold_row;
  GtkSpinButton       *up_months_spin;
  AdwComboRow         *down_type_row;
  AdwComboRow         *down_measure_row;
  AdwEntryRow         *down_threshold_row;
  GtkSpinButton       *down_months_spin;
  GtkSpinButton       *down_grace_spin;
  AdwPreferencesGroup *history_group;
  AdwActionRow        *move_row;

  GtkWidget           *term_widgets[MDK_CARD_TERM_N];  /* a GtkSwitch or an AdwEntryRow */
  GPtrArray           *category_rows;
  GPtrArray           *history_rows;
  GArray              *rule_type_ids;  /* the ids of the tier combos' items; 0 for none */

  MdkDatabase         *database;
  GCancellable        *cancellable;
  GPtrArray           *designs;        /* (element-type MdkCardTypeDesign): as loaded */
  GListModel          *regions;
  MdkCardTypeDesign   *before;         /* the type shown, as loaded; NULL for a new one */
  MdkCardTypeDesign   *draft;          /* its discounts by category and logo, as edited */
  GtkListBoxRow       *shown_row;
  gint64               select_after_load;
  guint                pending;
  gboolean             filling;
  gboolean             dirty;
  gboolean             closing;
  int                  last_what;      /* what the change running does */
};

G_DEFINE_FINAL_TYPE (MdkCardTypeWindow, mdk_card_type_window, ADW_TYPE_WINDOW)

static void reload (MdkCardTypeWindow *self);
static void show_design (MdkCardTypeWindow *self, const MdkCardTypeDesign *design);

static void
toast (MdkCardTypeWindow *self,
       const char        *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
set_busy (MdkCardTypeWindow *self,
          gboolean           busy)
{
  if (busy)
    self->pending++;
  else
    self->pending--;
  gtk_spinner_set_spinning (self->spinner, self->pending > 0);
  mdk_form_set_sensitive (self->form, self->pending == 0);
}

static const char *
kind_label (const char *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kinds[i], kind) == 0)
      return _(kind_labels[i]);
  return kind;
}

static const MdkCardTypeDesign *
design_by_id (MdkCardTypeWindow *self,
              gint64             id)
{
  for (guint i = 0; self->designs != NULL && i < self->designs->len; i++)
    {
      const MdkCardTypeDesign *design = g_ptr_array_index (self->designs, i);

      if (design->id == id)
        return design;
    }
  return NULL;
}

/* Numbers in entries */

static char *
format_field (FieldKind kind,
              gint64    value)
{
  switch (kind)
    {
    case FIELD_MONEY:
    case FIELD_PERCENT:
      return mdk_money_format (value, "");
    case FIELD_RATE:
      return mdk_money_format (value / 100, "");
    case FIELD_MONTHS:
      return value > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, value) : g_strdup ("");
    case FIELD_COUNT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, value);
    case FIELD_SWITCH:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
parse_field (FieldKind   kind,
             const char *text,
             gint64     *value)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  guint64 count = 0;

  switch (kind)
    {
    case FIELD_MONEY:
      return mdk_money_parse (stripped, value, NULL) && *value >= 0;
    case FIELD_PERCENT:
      return mdk_money_parse (stripped, value, NULL) && *value >= 0 && *value <= 10000;
    case FIELD_RATE:
      if (!mdk_money_parse (stripped, value, NULL) || *value < 0 || *value > G_MAXINT / 100)
        return FALSE;
      *value *= 100;
      return TRUE;
    case FIELD_MONTHS:
      if (*stripped == '\0')
        {
          *value = -1;
          return TRUE;
        }
      G_GNUC_FALLTHROUGH;
    case FIELD_COUNT:
      if (!g_ascii_string_to_unsigned (stripped, 10, kind == FIELD_MONTHS ? 1 : 0, 1200, &count, NULL))
        return FALSE;
      *value = (gint64) count;
      return TRUE;
    case FIELD_SWITCH:
    default:
      g_assert_not_reached ();
    }
}

static char *
colour_hex (const GdkRGBA *rgba)
{
  return g_strdup_printf ("#%02X%02X%02X", (int) (rgba->red * 255 + 0.5), (int) (rgba->green * 255 + 0.5),
                          (int) (rgba->blue * 255 + 0.5));
}

/* Reading the form */

static void
mark (GtkWidget *row,
      gboolean   invalid)
{
  if (ADW_IS_ENTRY_ROW (row))
    mdk_entry_row_mark_invalid (ADW_ENTRY_ROW (row), invalid);
  else if (invalid)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static gint64
selected_rule_type (MdkCardTypeWindow *self,
                    AdwComboRow       *row)
{
  guint selected = adw_combo_row_get_selected (row);

  return self->rule_type_ids != NULL && selected < self->rule_type_ids->len
           ? g_array_index (self->rule_type_ids, gint64, selected) : 0;
}

static gboolean
read_rule (MdkCardTypeWindow *self,
           AdwComboRow       *type_row,
           AdwComboRow       *measure_row,
           AdwEntryRow       *threshold_row,
           GtkSpinButton     *months_spin,
           GtkSpinButton     *grace_spin,
           MdkTierRule       *rule)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (threshold_row));
  gboolean ok = TRUE;

  rule->to_type_id = selected_rule_type (self, type_row);
  rule->points = adw_combo_row_get_selected (measure_row) == 1;
  rule->period_months = gtk_spin_button_get_value_as_int (months_spin);
  rule->grace_days = grace_spin != NULL ? gtk_spin_button_get_value_as_int (grace_spin) : 0;
  rule->threshold = 0;
  if (rule->to_type_id != 0)
    {
      if (rule->points)
        {
          guint64 points = 0;

          ok = g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &points, NULL);
          rule->threshold = (gint64) points;
        }
      else
        ok = mdk_money_parse (text, &rule->threshold, NULL) && rule->threshold > 0;
    }
  mark (GTK_WIDGET (threshold_row), !ok);
  return ok;
}

/* The form as a design; %NULL with the rows that do not hold marked, and
 * @message saying what is wrong. */
static MdkCardTypeDesign *
read_form (MdkCardTypeWindow  *self,
           const char        **message)
{
  g_autoptr(MdkCardTypeDesign) design = mdk_card_type_design_copy (self->draft);
  const char *prefix = gtk_editable_get_text (GTK_EDITABLE (self->prefix_row));
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_row));
  gboolean ok = TRUE;
  GdkRGBA rgba;
  gboolean invalid;

  *message = NULL;

  g_free (design->name);
  design->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  invalid = *design->name == '\0' || g_utf8_strlen (design->name, -1) > 100;
  mark (GTK_WIDGET (self->name_row), invalid);
  if (invalid && ok)
    *message = _("Give the type a name of 100 characters at most.");
  ok &= !invalid;

  if (self->before == NULL)
    {
      g_free (design->code);
      design->code = g_strdup (code);
      invalid = !g_regex_match_simple ("^[A-Z0-9][A-Z0-9-]{0,31}$", code, 0, 0);
      mark (GTK_WIDGET (self->code_row), invalid);
      if (invalid && ok)
        *message = _("A code is capitals, digits and dashes, 32 at most, such as GOLD-2027.");
      ok &= !invalid;
    }

  g_free (design->kind);
  design->kind = g_strdup (kinds[MIN (adw_combo_row_get_selected (self->kind_row), G_N_ELEMENTS (kinds) - 1)]);
  design->region_id = mdk_choice_row_get_id (self->region_row);

  for (guint i = 0; i < G_N_ELEMENTS (term_fields); i++)
    {
      GtkWidget *widget = self->term_widgets[term_fields[i].term];

      if (term_fields[i].kind == FIELD_SWITCH)
        design->terms[term_fields[i].term] = gtk_switch_get_active (GTK_SWITCH (widget));
      else
        {
          invalid = !parse_field (term_fields[i].kind, gtk_editable_get_text (GTK_EDITABLE (widget)),
                                  &design->terms[term_fields[i].term]);
          mark (widget, invalid);
          if (invalid && ok)
            /* xgettext:no-c-format */
            *message = _("Type amounts in yuan (such as 20 or 12.50), rates in % or points, and counts in digits.");
          ok &= !invalid;
        }
    }

  g_free (design->number_prefix);
  design->number_prefix = g_strdup (prefix);
  design->number_length = gtk_spin_button_get_value_as_int (self->length_spin);
  design->number_luhn = gtk_switch_get_active (self->luhn_switch);
  invalid = !g_regex_match_simple ("^[0-9]{1,8}$", prefix, 0, 0)
            || (int) strlen (prefix) + (design->number_luhn ? 1 : 0) >= design->number_length;
  mark (GTK_WIDGET (self->prefix_row), invalid);
  if (invalid && ok)
    *message = _("A prefix is 1 to 8 digits, leaving room in the number for a serial.");
  ok &= !invalid;

  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (self->start_button), &rgba);
  g_free (design->face_start);
  design->face_start = colour_hex (&rgba);
  g_clear_pointer (&design->face_end, g_free);
  if (gtk_switch_get_active (self->gradient_switch))
    {
      gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (self->end_button), &rgba);
      design->face_end = colour_hex (&rgba);
    }

  invalid = !read_rule (self, self->up_type_row, self->up_measure_row, self->up_threshold_row, self->up_months_spin,
                        NULL, &design->up);
  invalid |= !read_rule (self, self->down_type_row, self->down_measure_row, self->down_threshold_row,
                         self->down_months_spin, self->down_grace_spin, &design->down);
  if (invalid && ok)
    *message = _("Type a tier's threshold in yuan for spend, or in whole points.");
  ok &= !invalid;

  return ok ? g_steal_pointer (&design) : NULL;
}

/* The preview */

static void
update_preview (MdkCardTypeWindow *self)
{
  g_autoptr(MdkCardTypeDesign) sample = mdk_card_type_design_copy (self->draft);
  g_autofree char *number = NULL;
  g_autoptr(GString) caption = g_string_new (kind_label (kinds[MIN (adw_combo_row_get_selected (self->kind_row),
                                                                     G_N_ELEMENTS (kinds) - 1)]));
  const char *prefix = gtk_editable_get_text (GTK_EDITABLE (self->prefix_row));
  GdkRGBA start, end;

  g_free (sample->number_prefix);
  sample->number_prefix = g_strdup (g_regex_match_simple ("^[0-9]{0,8}$", prefix, 0, 0) ? prefix : "");
  sample->number_length = gtk_spin_button_get_value_as_int (self->length_spin);
  sample->number_luhn = gtk_switch_get_active (self->luhn_switch);
  number = mdk_card_type_design_sample_number (sample);

  if (gtk_switch_get_active (GTK_SWITCH (self->term_widgets[MDK_CARD_TERM_HAS_STORED_VALUE])))
    g_string_append_printf (caption, " · %s", _("Stored value"));
  if (gtk_switch_get_active (GTK_SWITCH (self->term_widgets[MDK_CARD_TERM_HAS_POINTS])))
    g_string_append_printf (caption, " · %s", _("Points"));
  if (gtk_switch_get_active (GTK_SWITCH (self->term_widgets[MDK_CARD_TERM_HAS_DISCOUNT])))
    {
      gint64 bp = 0;

      if (parse_field (FIELD_PERCENT, gtk_editable_get_text (GTK_EDITABLE (self->term_widgets[MDK_CARD_TERM_DISCOUNT_BP])), &bp)
          && bp > 0)
        {
          g_autofree char *percent = mdk_money_format (bp, "");

          g_string_append (caption, " · ");
          /* Translators: a discount, such as "10.00% off" */
          g_string_append_printf (caption, _("%s%% off"), percent);
        }
      else
        g_string_append_printf (caption, " · %s", _("Discount"));
    }

  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (self->start_button), &start);
  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (self->end_button), &end);
  mdk_card_face_set_colours (self->face, &start, gtk_switch_get_active (self->gradient_switch) ? &end : NULL);
  mdk_card_face_set_text (self->face, gtk_editable_get_text (GTK_EDITABLE (self->name_row)), number, caption->str);
  gtk_widget_set_sensitive (GTK_WIDGET (self->end_button), gtk_switch_get_active (self->gradient_switch));
}

static void
update_actions (MdkCardTypeWindow *self)
{
  gboolean loaded = self->draft != NULL && self->pending == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "designer.save", loaded && self->dirty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "designer.retire", loaded && self->before != NULL && !self->dirty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "designer.move-cards",
                                 loaded && self->before != NULL && self->before->n_cards_older > 0 && !self->dirty);
  gtk_button_set_label (self->retire_button, self->before != NULL && self->before->is_retired ? _("_Sell Again…")
                                                                                              : _("_Retire…"));
}

static void
on_form_changed (MdkCardTypeWindow *self)
{
  if (self->filling || self->draft == NULL)
    return;
  self->dirty = TRUE;
  update_preview (self);
  update_actions (self);
}

static void
set_logo (MdkCardTypeWindow *self,
          GBytes            *logo)
{
  g_autoptr(GdkTexture) texture = logo != NULL ? gdk_texture_new_from_bytes (logo, NULL) : NULL;

  g_clear_pointer (&self->draft->face_logo, g_bytes_unref);
  if (texture != NULL)
    self->draft->face_logo = g_bytes_ref (logo);
  mdk_card_face_set_logo (self->face, texture);
  adw_action_row_set_subtitle (self->logo_row, self->draft->face_logo != NULL
                                               ? _("A logo is on the face")
                                               : _("A PNG or JPEG image of 256 KB at most"));
}

/* Discounts by category */

static void show_categories (MdkCardTypeWindow *self);

static void
on_remove_category (GtkButton         *button,
                    MdkCardTypeWindow *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "mdk-index"));

  if (index < self->draft->category_discounts->len)
    {
      g_array_remove_index (self->draft->category_discounts, index);
      show_categories (self);
      on_form_changed (self);
    }
}

static void
show_categories (MdkCardTypeWindow *self)
{
  for (guint i = 0; i < self->category_rows->len; i++)
    adw_preferences_group_remove (self->category_group, g_ptr_array_index (self->category_rows, i));
  g_ptr_array_set_size (self->category_rows, 0);

  for (guint i = 0; i < self->draft->category_discounts->len; i++)
    {
      const MdkCategoryDiscount *d = &g_array_index (self->draft->category_discounts, MdkCategoryDiscount, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *percent = mdk_money_format (d->discount_bp, "");
      g_autofree char *subtitle = g_strdup_printf (_("%s%% off"), percent);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), d->category);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (remove, _("Remove the discount"));
      g_object_set_data (G_OBJECT (remove), "mdk-index", GUINT_TO_POINTER (i));
      g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_category), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      adw_preferences_group_add (self->category_group, row);
      g_ptr_array_add (self->category_rows, row);
    }
}

static gint
compare_categories (gconstpointer a,
                    gconstpointer b)
{
  return strcmp (((const MdkCategoryDiscount *) a)->category, ((const MdkCategoryDiscount *) b)->category);
}

static void
add_category_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  MdkCardTypeWindow *self = MDK_CARD_TYPE_WINDOW (widget);
  g_autofree char *category = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->category_entry))));
  gint64 bp = 0;
  gboolean category_ok = g_regex_match_simple ("^[A-Za-z0-9_-]{1,32}$", category, 0, 0);
  gboolean discount_ok = parse_field (FIELD_PERCENT, gtk_editable_get_text (GTK_EDITABLE (self->category_discount_entry)), &bp);

  mark (GTK_WIDGET (self->category_entry), !category_ok);
  mark (GTK_WIDGET (self->category_discount_entry), !discount_ok);
  if (!category_ok || !discount_ok)
    {
      toast (self, _("A category is letters, digits, dashes or underscores; its discount a percentage such as 8 or 12.5."));
      return;
    }

  for (guint i = 0; i < self->draft->category_discounts->len; i++)
    {
      MdkCategoryDiscount *d = &g_array_index (self->draft->category_discounts, MdkCategoryDiscount, i);

      if (g_ascii_strcasecmp (d->category, category) == 0)
        {
          g_array_remove_index (self->draft->category_discounts, i);
          break;
        }
    }
  {
    MdkCategoryDiscount d = { g_ascii_strup (category, -1), (int) bp };

    g_array_append_val (self->draft->category_discounts, d);
  }
  g_array_sort (self->draft->category_discounts, compare_categories);
  gtk_editable_set_text (GTK_EDITABLE (self->category_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->category_discount_entry), "");
  show_categories (self);
  on_form_changed (self);
}

static void
on_category_activate (MdkCardTypeWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "designer.add-category", NULL);
}

/* Showing a type */

static void
fill_rule_types (MdkCardTypeWindow       *self,
                 const MdkCardTypeDesign *design)
{
  g_autoptr(GtkStringList) up_types = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) down_types = gtk_string_list_new (NULL);
  gint64 none = 0;

  g_clear_pointer (&self->rule_type_ids, g_array_unref);
  self->rule_type_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_string_list_append (up_types, _("No rule"));
  gtk_string_list_append (down_types, _("No rule"));
  g_array_append_val (self->rule_type_ids, none);
  for (guint i = 0; self->designs != NULL && i < self->designs->len; i++)
    {
      const MdkCardTypeDesign *other = g_ptr_array_index (self->designs, i);
      g_autofree char *label = NULL;

      if (other->id == design->id || g_str_equal (other->kind, "affiliate") || g_str_equal (other->kind, "group"))
        continue;
      label = other->is_retired ? g_strdup_printf (_("%s (retired)"), other->name) : g_strdup (other->name);
      gtk_string_list_append (up_types, label);
      gtk_string_list_append (down_types, label);
      g_array_append_val (self->rule_type_ids, other->id);
    }
  adw_combo_row_set_model (self->up_type_row, G_LIST_MODEL (up_types));
  adw_combo_row_set_model (self->down_type_row, G_LIST_MODEL (down_types));
}

static void
select_rule_type (MdkCardTypeWindow *self,
                  AdwComboRow       *row,
                  gint64             id)
{
  for (guint i = 0; i < self->rule_type_ids->len; i++)
    if (g_array_index (self->rule_type_ids, gint64, i) == id)
      {
        adw_combo_row_set_selected (row, i);
        return;
      }
  adw_combo_row_set_selected (row, 0);
}

static void
fill_rule (MdkCardTypeWindow *self,
           const MdkTierRule *rule,
           AdwComboRow       *type_row,
           AdwComboRow       *measure_row,
           AdwEntryRow       *threshold_row,
           GtkSpinButton     *months_spin,
           GtkSpinButton     *grace_spin)
{
  g_autofree char *threshold = NULL;

  select_rule_type (self, type_row, rule->to_type_id);
  adw_combo_row_set_selected (measure_row, rule->points ? 1 : 0);
  if (rule->to_type_id != 0)
    threshold = rule->points ? g_strdup_printf ("%" G_GINT64_FORMAT, rule->threshold)
                             : mdk_money_format (rule->threshold, "");
  gtk_editable_set_text (GTK_EDITABLE (threshold_row), threshold ? threshold : "");
  mark (GTK_WIDGET (threshold_row), FALSE);
  gtk_spin_button_set_value (months_spin, rule->period_months > 0 ? rule->period_months : 12);
  if (grace_spin != NULL)
    gtk_spin_button_set_value (grace_spin, rule->to_type_id != 0 ? rule->grace_days : 30);
}

static char *
describe_change (const MdkCardTypeChange *change)
{
  if (g_str_equal (change->change, "created"))
    return g_strdup (_("Created"));
  if (g_str_equal (change->change, "retired"))
    return g_strdup (_("Retired: no new cards"));
  if (g_str_equal (change->change, "restored"))
    return g_strdup (_("Sold again"));
  if (g_str_equal (change->change, "tier_rules"))
    return g_strdup (_("Tier rules changed"));
  if (g_str_equal (change->change, "terms"))
    /* Translators: a version number of a card type's terms */
    return g_strdup_printf (_("Terms version %s"), change->detail ? change->detail : "");
  if (g_str_equal (change->change, "edited"))
    {
      g_autoptr(GString) what = g_string_new (NULL);
      g_auto(GStrv) fields = g_strsplit (change->detail ? change->detail : "", ",", -1);
      gboolean face = FALSE, number = FALSE;

      for (guint i = 0; fields[i] != NULL; i++)
        {
          const char *label = NULL;

          if (g_str_equal (fields[i], "name"))
            label = _("name");
          else if (g_str_equal (fields[i], "kind"))
            label = _("kind");
          else if (g_str_equal (fields[i], "region_id"))
            label = _("region");
          else if (g_str_has_prefix (fields[i], "number_") && !number)
            label = _("card numbers"), number = TRUE;
          else if (g_str_has_prefix (fields[i], "face_") && !face)
            label = _("face"), face = TRUE;
          if (label == NULL)
            continue;
          if (what->len > 0)
            /* Translators: between the parts of a type that changed */
            g_string_append (what, _(", "));
          g_string_append (what, label);
        }
      /* Translators: %s lists what changed: "name, face" */
      return g_strdup_printf (_("Changed: %s"), what->str);
    }
  return g_strdup (change->change);
}

static void
show_history (MdkCardTypeWindow *self,
              GPtrArray         *changes)
{
  for (guint i = 0; i < self->history_rows->len; i++)
    adw_preferences_group_remove (self->history_group, g_ptr_array_index (self->history_rows, i));
  g_ptr_array_set_size (self->history_rows, 0);

  for (guint i = 0; changes != NULL && i < changes->len; i++)
    {
      const MdkCardTypeChange *change = g_ptr_array_index (changes, i);
      GtkWidget *row = adw_action_row_new ();
      /* The first version's reason is the database's own words. */
      gboolean first = g_str_equal (change->change, "terms") && g_strcmp0 (change->detail, "1") == 0;
      g_autofree char *title = first ? g_strdup (_("First terms")) : describe_change (change);
      const char *reason = first ? NULL : change->reason;
      g_autofree char *subtitle = g_strdup_printf ("%s · %s%s%s", change->created_at,
                                                   change->operator ? change->operator : _("a database role"),
                                                   reason ? " · " : "", reason ? reason : "");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_preferences_group_add (self->history_group, row);
      g_ptr_array_add (self->history_rows, row);
    }
}

static gpointer
history_work (PGconn        *conn,
              gpointer       work_data,
              GCancellable  *cancellable,
              GError       **error)
{
  return mdk_card_type_changes_load (conn, *(gint64 *) work_data, error);
}

static void
on_history_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MdkCardTypeWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = mdk_database_run_finish (MDK_DATABASE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (changes == NULL)
    toast (self, error->message);
  else
    show_history (self, changes);
  update_actions (self);
}

static void
load_history (MdkCardTypeWindow *self,
              gint64             id)
{
  set_busy (self, TRUE);
  mdk_database_run_async (self->database, MDK_DATABASE_RUN_READ_ONLY, history_work, g_memdup2 (&id, sizeof id),
                          g_free, (GDestroyNotify) g_ptr_array_unref, self->cancellable, on_history_loaded,
                          g_object_ref (self));
}

static void
select_region (MdkCardTypeWindow *self,
               gint64             region_id)
{
  GListModel *model = adw_combo_row_get_model (self->region_row);

  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MdkChoice) choice = g_list_model_get_item (model, i);

      if (mdk_choice_get_id (choice) == region_id)
        {
          adw_combo_row_set_selected (self->region_row, i);
          return;
        }
    }
  adw_combo_row_set_selected (self->region_row, 0);
}

static void
show_design (MdkCardTypeWindow       *self,
             const MdkCardTypeDesign *design)
{
  gboolean has_cards = design->n_cards > 0 || (self->before != NULL && self->before->number_next > 1);
  GdkRGBA rgba;
  g_autoptr(GString) status = g_string_new (NULL);

  g_clear_pointer (&self->draft, mdk_card_type_design_free);
  self->draft = mdk_card_type_design_copy (design);
  self->filling = TRUE;

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), design->name);
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), design->code);
  gtk_editable_set_editable (GTK_EDITABLE (self->code_row), self->before == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->code_row), self->before == NULL);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kinds[i], design->kind))
      adw_combo_row_set_selected (self->kind_row, i);
  gtk_widget_set_sensitive (GTK_WIDGET (self->kind_row), !has_cards);
  select_region (self, design->region_id);

  for (guint i = 0; i < G_N_ELEMENTS (term_fields); i++)
    {
      GtkWidget *widget = self->term_widgets[term_fields[i].term];
      gint64 value = design->terms[term_fields[i].term];

      if (term_fields[i].kind == FIELD_SWITCH)
        gtk_switch_set_active (GTK_SWITCH (widget), value != 0);
      else
        {
          g_autofree char *text = format_field (term_fields[i].kind, value);

          gtk_editable_set_text (GTK_EDITABLE (widget), text);
          mark (widget, FALSE);
        }
    }
  show_categories (self);

  gtk_editable_set_text (GTK_EDITABLE (self->prefix_row), design->number_prefix);
  gtk_spin_button_set_value (self->length_spin, design->number_length);
  gtk_switch_set_active (self->luhn_switch, design->number_luhn);
  gtk_widget_set_sensitive (GTK_WIDGET (self->number_group), !has_cards);

  gdk_rgba_parse (&rgba, design->face_start);
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (self->start_button), &rgba);
  gtk_switch_set_active (self->gradient_switch, design->face_end != NULL);
  if (design->face_end == NULL || !gdk_rgba_parse (&rgba, design->face_end))
    rgba = (GdkRGBA) { 1, 1, 1, 1 };
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (self->end_button), &rgba);
  set_logo (self, design->face_logo);

  fill_rule_types (self, design);
  fill_rule (self, &design->up, self->up_type_row, self->up_measure_row, self->up_threshold_row, self->up_months_spin,
             NULL);
  fill_rule (self, &design->down, self->down_type_row, self->down_measure_row, self->down_threshold_row,
             self->down_months_spin, self->down_grace_spin);

  mark (GTK_WIDGET (self->name_row), FALSE);
  mark (GTK_WIDGET (self->code_row), FALSE);
  mark (GTK_WIDGET (self->prefix_row), FALSE);
  mdk_banner_show (self->banner_revealer, self->banner_label, NULL);

  if (self->before == NULL)
    g_string_append (status, _("A new card type: it exists once you save it."));
  else
    {
      g_autofree char *cards = g_strdup_printf ("%" G_GINT64_FORMAT, design->n_cards);
      g_autofree char *older = g_strdup_printf ("%" G_GINT64_FORMAT, design->n_cards_older);

      /* Translators: a version number, then a number of cards */
      g_string_append_printf (status, ngettext ("Terms version %d · %s card in use", "Terms version %d · %s cards in use",
                                                design->n_cards),
                              design->version, cards);
      if (design->n_cards_older > 0)
        {
          g_string_append (status, " · ");
          /* Translators: cards sold under an older version of the terms */
          g_string_append_printf (status, ngettext ("%s on older terms", "%s on older terms", design->n_cards_older),
                                  older);
        }
      if (design->is_retired)
        {
          g_string_append (status, " · ");
          g_string_append (status, _("Retired: no new cards"));
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->move_row),
                                     design->n_cards_older > 0 ? _("Cards on older terms") : _("Every card is on the current terms"));
      adw_action_row_set_subtitle (self->move_row, design->n_cards_older > 0 ? older : "");
    }
  gtk_label_set_label (self->status_label, status->str);
  gtk_widget_set_visible (GTK_WIDGET (self->history_group), self->before != NULL);

  self->filling = FALSE;
  self->dirty = self->before == NULL;
  update_preview (self);
  update_actions (self);
  gtk_stack_set_visible_child_name (self->stack, "form");
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->form_scroller), 0);
  if (self->before != NULL)
    load_history (self, self->before->id);
  else
    show_history (self, NULL);
}

/* The list of types */

static GtkWidget *
type_row_new (const MdkCardTypeDesign *design)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *face = mdk_card_face_new ();
  GtkWidget *name = gtk_label_new (design->name);
  g_autofree char *cards = g_strdup_printf ("%" G_GINT64_FORMAT, design->n_cards);
  g_autofree char *detail = NULL;
  GtkWidget *detail_label;
  GdkRGBA start, end;

  if (design->is_retired)
    /* Translators: a card type's code, and that it is retired */
    detail = g_strdup_printf (_("%s · retired"), design->code);
  else
    /* Translators: a card type's code, and how many of its cards are in use */
    detail = g_strdup_printf (ngettext ("%s · %s card", "%s · %s cards", design->n_cards), design->code, cards);
  detail_label = gtk_label_new (detail);

  gdk_rgba_parse (&start, design->face_start);
  if (design->face_end == NULL || !gdk_rgba_parse (&end, design->face_end))
    end = start;
  mdk_card_face_set_colours (MDK_CARD_FACE (face), &start, design->face_end ? &end : NULL);
  mdk_card_face_set_natural_width (MDK_CARD_FACE (face), 48);
  gtk_widget_set_valign (face, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (face), GTK_ACCESSIBLE_PROPERTY_LABEL, design->name, -1);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (detail_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (detail_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (detail_label, "dim-label");
  gtk_widget_add_css_class (detail_label, "caption");
  if (design->is_retired)
    gtk_widget_add_css_class (name, "dim-label");
  gtk_box_append (GTK_BOX (labels), name);
  gtk_box_append (GTK_BOX (labels), detail_label);
  gtk_box_append (GTK_BOX (box), face);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "mdk-id", GSIZE_TO_POINTER ((gsize) design->id));
  return row;
}

static void
show_type_of_row (MdkCardTypeWindow *self,
                  GtkListBoxRow     *row)
{
  gint64 id = row != NULL ? (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "mdk-id")) : 0;
  const MdkCardTypeDesign *design = design_by_id (self, id);

  if (design == NULL)
    return;
  self->shown_row = row;
  g_clear_pointer (&self->before, mdk_card_type_design_free);
  self->before = mdk_card_type_design_copy (design);
  show_design (self, design);
}

typedef void (*DiscardFunc) (MdkCardTypeWindow *self, gpointer data);

typedef struct
{
  MdkCardTypeWindow *self;
  DiscardFunc        func;
  gpointer           data;
} Discard;

static void
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     Discard          *discard)
{
  MdkCardTypeWindow *self = discard->self;

  if (g_str_equal (response, "discard"))
    {
      self->dirty = FALSE;
      discard->func (self, discard->data);
    }
  else if (self->shown_row != NULL)
    {
      self->filling = TRUE;
      gtk_list_box_select_row (self->type_list, self->shown_row);
      self->filling = FALSE;
    }
  else
    {
      self->filling = TRUE;
      gtk_list_box_unselect_all (self->type_list);
      self->filling = FALSE;
    }
  g_object_unref (self);
  g_free (discard);
}

/* Runs @func at once, or after asking whether to discard the changes. */
static void
unless_changes_kept (MdkCardTypeWindow *self,
                     DiscardFunc        func,
                     gpointer           data)
{
  AdwMessageDialog *dialog;
  Discard *discard;

  if (!self->dirty)
    {
      func (self, data);
      return;
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Discard the Changes?"),
                                                       _("The changes to this card type have not been saved.")));
  adw_message_dialog_add_responses (dialog, "keep", _("_Keep Editing"), "discard", _("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  discard = g_new0 (Discard, 1);
  discard->self = g_object_ref (self);
  discard->func = func;
  discard->data = data;
  g_signal_connect (dialog, "response", G_CALLBACK (on_discard_response), discard);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_row_func (MdkCardTypeWindow *self,
               gpointer           data)
{
  show_type_of_row (self, data);
}

static void
on_type_selected (MdkCardTypeWindow *self,
                  GtkListBoxRow     *row)
{
  if (self->filling || row == NULL || row == self->shown_row)
    return;
  unless_changes_kept (self, show_row_func, row);
}

static void
show_designs (MdkCardTypeWindow *self)
{
  GtkWidget *child;
  GtkListBoxRow *wanted = NULL;

  self->filling = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->type_list))) != NULL)
    gtk_list_box_remove (self->type_list, child);
  self->shown_row = NULL;
  for (guint i = 0; i < self->designs->len; i++)
    {
      const MdkCardTypeDesign *design = g_ptr_array_index (self->designs, i);
      GtkWidget *row = type_row_new (design);

      gtk_list_box_append (self->type_list, row);
      if (wanted == NULL && (design->id == self->select_after_load || self->select_after_load == 0))
        wanted = GTK_LIST_BOX_ROW (row);
    }
  if (wanted != NULL)
    gtk_list_box_select_row (self->type_list, wanted);
  self->filling = FALSE;
  self->dirty = FALSE;
  if (wanted != NULL)
    show_type_of_row (self, wanted);
}

/* Loading */

static gpointer
load_work (PGconn        *conn,
           gpointer       work_data,
           GCancellable  *cancellable,
           GError       **error)
{
  return mdk_card_type_designs_load (conn, error);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MdkCardTypeWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) designs = mdk_database_run_finish (MDK_DATABASE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (designs == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      update_actions (self);
      return;
    }
  g_clear_pointer (&self->designs, g_ptr_array_unref);
  self->designs = g_steal_pointer (&designs);
  show_designs (self);
}

static void
reload (MdkCardTypeWindow *self)
{
  set_busy (self, TRUE);
  mdk_database_run_async (self->database, MDK_DATABASE_RUN_READ_ONLY, load_work, NULL, NULL,
                          (GDestroyNotify) g_ptr_array_unref, self->cancellable, on_loaded, g_object_ref (self));
}

static void
on_regions_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MdkCardTypeWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lists = mdk_choice_lists_load_finish (MDK_DATABASE (source), result, &error);
  g_autoptr(GListStore) store = g_list_store_new (MDK_TYPE_CHOICE);
  g_autoptr(GtkExpression) expression = gtk_property_expression_new (MDK_TYPE_CHOICE, NULL, "label");
  gboolean was_filling = self->filling;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (lists == NULL)
    {
      toast (self, error->message);
      reload (self);
      return;
    }
  mdk_choice_store_fill (store, _("Every region"), g_ptr_array_index (lists, 0), "label");
  self->filling = TRUE;
  adw_combo_row_set_expression (self->region_row, expression);
  adw_combo_row_set_model (self->region_row, G_LIST_MODEL (store));
  if (self->draft != NULL)
    select_region (self, self->draft->region_id);
  self->filling = was_filling;
  reload (self);
}

/* Saving */

typedef struct
{
  MdkCardTypeDesign *before;
  MdkCardTypeDesign *after;
  char              *reason;
  gint64             id;
  gboolean           retired;
  enum { SAVE, RETIRE, MOVE } what;
} Change;

static void
change_free (Change *change)
{
  mdk_card_type_design_free (change->before);
  mdk_card_type_design_free (change->after);
  g_free (change->reason);
  g_free (change);
}

static gpointer
change_work (PGconn        *conn,
             gpointer       work_data,
             GCancellable  *cancellable,
             GError       **error)
{
  Change *change = work_data;
  gint64 *out = g_new0 (gint64, 1);

  switch (change->what)
    {
    case SAVE:
      *out = mdk_card_type_save (conn, change->before, change->after, change->reason, error);
      break;
    case RETIRE:
      *out = mdk_card_type_retire (conn, change->id, change->retired, change->reason, error) ? change->id : 0;
      break;
    case MOVE:
      *out = mdk_card_type_move_cards (conn, change->id, change->reason, error);
      break;
    default:
      g_assert_not_reached ();
    }
  if (*out <= 0 && !(change->what == MOVE && *out == 0))
    g_clear_pointer (&out, g_free);
  return out;
}

static void
on_changed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(MdkCardTypeWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *out = mdk_database_run_finish (MDK_DATABASE (source), result, &error);
  int what = self->last_what;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (out == NULL)
    {
      mdk_banner_show (self->banner_revealer, self->banner_label, error->message);
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->form_scroller), 0);
      update_actions (self);
      return;
    }
  if (what == MOVE)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, *out);
      g_autofree char *text = g_strdup_printf (ngettext ("%s card moved to the current terms",
                                                         "%s cards moved to the current terms", *out), count);

      toast (self, text);
    }
  else
    toast (self, what == SAVE ? _("Saved") : _("Done"));
  self->dirty = FALSE;
  if (what != MOVE)
    self->select_after_load = *out;
  reload (self);
}

static void
run_change (MdkCardTypeWindow *self,
            Change            *change)
{
  self->last_what = change->what;
  set_busy (self, TRUE);
  update_actions (self);
  mdk_database_run_async (self->database, MDK_DATABASE_RUN_TRANSACTION, change_work, change,
                          (GDestroyNotify) change_free, g_free, self->cancellable, on_changed, g_object_ref (self));
}

typedef struct
{
  MdkCardTypeWindow *self;
  Change            *change;
  GtkEditable       *reason;
  char              *confirm;
} Ask;

static void
on_reason_changed (GtkEditable      *reason,
                   AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (reason)));
  const char *confirm = g_object_get_data (G_OBJECT (dialog), "mdk-confirm");

  adw_message_dialog_set_response_enabled (dialog, confirm, *text != '\0');
}

static void
on_ask_response (AdwMessageDialog *dialog,
                 const char       *response,
                 Ask              *ask)
{
  if (g_str_equal (response, ask->confirm))
    {
      g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (ask->reason)));

      if (*reason != '\0')
        {
          Change *change = g_steal_pointer (&ask->change);

          change->reason = g_steal_pointer (&reason);
          run_change (ask->self, change);
        }
    }
  /* One answer: closing the dialog after a response does not answer again. */
  g_signal_handlers_disconnect_by_data (dialog, ask);
  g_clear_pointer (&ask->change, change_free);
  g_object_unref (ask->self);
  g_free (ask->confirm);
  g_free (ask);
}

static void
on_reason_activate (GtkEntry         *entry,
                    AdwMessageDialog *dialog)
{
  const char *confirm = g_object_get_data (G_OBJECT (dialog), "mdk-confirm");

  if (adw_message_dialog_get_response_enabled (dialog, confirm))
    adw_message_dialog_response (dialog, confirm);
}

/* Asks for a reason, then runs @change. */
static GtkWindow *
ask (MdkCardTypeWindow *self,
     const char        *heading,
     const char        *body,
     const char        *confirm,
     const char        *confirm_label,
     gboolean           destructive,
     Change            *change)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  GtkWidget *entry = gtk_entry_new ();
  Ask *data = g_new0 (Ask, 1);

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Why (recorded with the change)"));
  gtk_entry_set_max_length (GTK_ENTRY (entry), 200);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reason"), -1);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), confirm, confirm_label, NULL);
  adw_message_dialog_set_response_appearance (dialog, confirm, destructive ? ADW_RESPONSE_DESTRUCTIVE
                                                                           : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, confirm, FALSE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "mdk-confirm", g_strdup (confirm), g_free);
  g_signal_connect (entry, "changed", G_CALLBACK (on_reason_changed), dialog);
  g_signal_connect (entry, "activate", G_CALLBACK (on_reason_activate), dialog);

  data->self = g_object_ref (self);
  data->change = change;
  data->reason = GTK_EDITABLE (entry);
  data->confirm = g_strdup (confirm);
  g_signal_connect (dialog, "response", G_CALLBACK (on_ask_response), data);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
  return GTK_WINDOW (dialog);
}

static GtkWindow *
save (MdkCardTypeWindow *self)
{
  const char *message = NULL;
  g_autoptr(MdkCardTypeDesign) after = read_form (self, &message);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *heading = NULL;
  Change *change;

  if (after == NULL)
    {
      mdk_banner_show (self->banner_revealer, self->banner_label, message);
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->form_scroller), 0);
      return NULL;
    }
  mdk_banner_show (self->banner_revealer, self->banner_label, NULL);
  if (self->before != NULL)
    {
      if (mdk_card_type_design_equal (self->before, after))
        {
          self->dirty = FALSE;
          update_actions (self);
          toast (self, _("Nothing has changed."));
          return NULL;
        }
    }

  /* Translators: the name of a card type */
  heading = g_strdup_printf (self->before == NULL ? _("Create “%s”?") : _("Save “%s”?"), after->name);
  if (self->before == NULL)
    g_string_append (body, _("Cards of the new type can be issued as soon as it is saved."));
  else
    {
      if (!mdk_card_type_design_terms_equal (self->before, after))
        {
          if (self->before->n_cards > 0)
            {
              g_autofree char *cards = g_strdup_printf ("%" G_GINT64_FORMAT, self->before->n_cards);

              /* Translators: version numbers and a number of cards */
              g_string_append_printf (body, ngettext ("New cards are sold under terms version %d. The %s card in use keeps "
                                                      "version %d until you move it.",
                                                      "New cards are sold under terms version %d. The %s cards in use keep "
                                                      "version %d until you move them.", self->before->n_cards),
                                      self->before->version + 1, cards, self->before->version);
            }
          else
            g_string_append_printf (body, _("The terms become version %d."), self->before->version + 1);
        }
      if (!mdk_card_type_design_identity_equal (self->before, after))
        {
          if (body->len > 0)
            g_string_append_c (body, ' ');
          g_string_append (body, _("Its name, face and other details change for every card of it."));
        }
      if (!mdk_tier_rule_equal (&self->before->up, &after->up) || !mdk_tier_rule_equal (&self->before->down, &after->down))
        {
          if (body->len > 0)
            g_string_append_c (body, ' ');
          g_string_append (body, _("The new tier rules apply from the next nightly run."));
        }
    }

  change = g_new0 (Change, 1);
  change->what = SAVE;
  change->before = self->before ? mdk_card_type_design_copy (self->before) : NULL;
  change->after = g_steal_pointer (&after);
  return ask (self, heading, body->str, "save", self->before == NULL ? _("C_reate") : _("_Save"), FALSE, change);
}

/* Actions */

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  save (MDK_CARD_TYPE_WINDOW (widget));
}

static GtkWindow *
retire (MdkCardTypeWindow *self)
{
  Change *change;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *cards = NULL;

  if (self->before == NULL)
    return NULL;
  cards = g_strdup_printf ("%" G_GINT64_FORMAT, self->before->n_cards);
  change = g_new0 (Change, 1);
  change->what = RETIRE;
  change->id = self->before->id;
  change->retired = !self->before->is_retired;
  if (change->retired)
    {
      /* Translators: the name of a card type */
      heading = g_strdup_printf (_("Retire “%s”?"), self->before->name);
      /* Translators: a number of cards */
      body = g_strdup_printf (ngettext ("No new cards of this type can be issued, and tier rules no longer move cards up "
                                        "to it. Its %s card in use is still served.",
                                        "No new cards of this type can be issued, and tier rules no longer move cards up "
                                        "to it. Its %s cards in use are still served.", self->before->n_cards), cards);
      return ask (self, heading, body, "retire", _("_Retire"), TRUE, change);
    }
  heading = g_strdup_printf (_("Sell “%s” Again?"), self->before->name);
  return ask (self, heading, _("Stores can issue cards of this type again."), "retire", _("_Sell Again"), FALSE, change);
}

static void
retire_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  retire (MDK_CARD_TYPE_WINDOW (widget));
}

static GtkWindow *
move_cards (MdkCardTypeWindow *self)
{
  Change *change;
  g_autofree char *cards = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  if (self->before == NULL || self->before->n_cards_older == 0)
    return NULL;
  cards = g_strdup_printf ("%" G_GINT64_FORMAT, self->before->n_cards_older);
  change = g_new0 (Change, 1);
  change->what = MOVE;
  change->id = self->before->id;
  /* Translators: a number of cards */
  heading = g_strdup_printf (ngettext ("Move %s Card to the Current Terms?", "Move %s Cards to the Current Terms?",
                                       self->before->n_cards_older), cards);
  /* Translators: a version number */
  body = g_strdup_printf (_("From now on they are served by terms version %d: its discounts, points, fees, validity and "
                            "limits. Each card records the change; there is no going back."), self->before->version);
  return ask (self, heading, body, "move", _("_Move Cards"), TRUE, change);
}

static void
move_cards_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  move_cards (MDK_CARD_TYPE_WINDOW (widget));
}

static void
new_type_func (MdkCardTypeWindow *self,
               gpointer           data)
{
  g_autoptr(MdkCardTypeDesign) design = mdk_card_type_design_new ();

  g_clear_pointer (&self->before, mdk_card_type_design_free);
  self->filling = TRUE;
  gtk_list_box_unselect_all (self->type_list);
  self->filling = FALSE;
  self->shown_row = NULL;
  show_design (self, design);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  MdkCardTypeWindow *self = MDK_CARD_TYPE_WINDOW (widget);

  if (self->designs != NULL)
    unless_changes_kept (self, new_type_func, NULL);
}

/* The logo */

static void
on_logo_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MdkCardTypeWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  g_autoptr(GdkTexture) texture = NULL;
  const guchar *data;
  gsize size = 0;

  if (bytes == NULL)
    {
      toast (self, error->message);
      return;
    }
  data = g_bytes_get_data (bytes, &size);
  if (size > 262144)
    {
      toast (self, _("The logo is larger than 256 KB. Choose a smaller image."));
      return;
    }
  if (!(size > 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0) && !(size > 3 && memcmp (data, "\xff\xd8\xff", 3) == 0))
    {
      toast (self, _("A logo is a PNG or JPEG image."));
      return;
    }
  texture = gdk_texture_new_from_bytes (bytes, &error);
  if (texture == NULL)
    {
      toast (self, error->message);
      return;
    }
  if (self->draft == NULL)
    return;
  set_logo (self, bytes);
  on_form_changed (self);
}

static void
load_logo (MdkCardTypeWindow *self,
           GFile             *file)
{
  g_file_load_bytes_async (file, self->cancellable, on_logo_loaded, g_object_ref (self));
}

static void
on_logo_chosen (GtkNativeDialog   *chooser,
                int                response,
                MdkCardTypeWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      load_logo (self, file);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
choose_logo_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MdkCardTypeWindow *self = MDK_CARD_TYPE_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Choose a Logo"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PNG and JPEG images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_filter_add_suffix (filter, "jpg");
  gtk_file_filter_add_suffix (filter, "jpeg");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_logo_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
remove_logo_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MdkCardTypeWindow *self = MDK_CARD_TYPE_WINDOW (widget);

  if (self->draft == NULL || self->draft->face_logo == NULL)
    return;
  set_logo (self, NULL);
  on_form_changed (self);
}

/* Closing */

static void
close_func (MdkCardTypeWindow *self,
            gpointer           data)
{
  self->closing = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
mdk_card_type_window_close_request (GtkWindow *window)
{
  MdkCardTypeWindow *self = MDK_CARD_TYPE_WINDOW (window);

  if (self->dirty && !self->closing)
    {
      unless_changes_kept (self, close_func, NULL);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (mdk_card_type_window_parent_class)->close_request (window);
}

/* GObject */

static void
build_term_rows (MdkCardTypeWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (term_fields); i++)
    {
      GtkWidget *row;
      GtkWidget *widget;
      /* The applications are switches; switches that are terms go with the others. */
      AdwPreferencesGroup *group = term_fields[i].kind == FIELD_SWITCH
                                   && term_fields[i].term != MDK_CARD_TERM_REFUND_ON_CANCEL
                                   && term_fields[i].term != MDK_CARD_TERM_AFFILIATES_SHARE
                                     ? self->applications_group : self->terms_group;

      if (term_fields[i].kind == FIELD_SWITCH)
        {
          row = adw_action_row_new ();
          widget = gtk_switch_new ();
          gtk_widget_set_valign (widget, GTK_ALIGN_CENTER);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), widget);
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), widget);
          if (term_fields[i].subtitle != NULL)
            adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(term_fields[i].subtitle));
          g_signal_connect_swapped (widget, "notify::active", G_CALLBACK (on_form_changed), self);
        }
      else
        {
          row = widget = adw_entry_row_new ();
          gtk_editable_set_alignment (GTK_EDITABLE (widget), 1);
          g_signal_connect_swapped (widget, "changed", G_CALLBACK (on_form_changed), self);
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(term_fields[i].title));
      adw_preferences_group_add (group, row);
      self->term_widgets[term_fields[i].term] = widget;
    }
}

static void
mdk_card_type_window_dispose (GObject *object)
{
  MdkCardTypeWindow *self = MDK_CARD_TYPE_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->database);
  g_clear_pointer (&self->designs, g_ptr_array_unref);
  g_clear_pointer (&self->before, mdk_card_type_design_free);
  g_clear_pointer (&self->draft, mdk_card_type_design_free);
  g_clear_pointer (&self->category_rows, g_ptr_array_unref);
  g_clear_pointer (&self->history_rows, g_ptr_array_unref);
  g_clear_pointer (&self->rule_type_ids, g_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), MDK_TYPE_CARD_TYPE_WINDOW);

  G_OBJECT_CLASS (mdk_card_type_window_parent_class)->dispose (object);
}

static void
mdk_card_type_window_class_init (MdkCardTypeWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = mdk_card_type_window_dispose;
  window_class->close_request = mdk_card_type_window_close_request;

  g_type_ensure (MDK_TYPE_CARD_FACE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mdk-card-type-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, retire_button);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, type_list);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, form_scroller);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, form);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, face);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, code_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, kind_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, region_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, applications_group);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, terms_group);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, category_group);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, category_entry);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, category_discount_entry);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, number_group);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, face_group);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, tiers_group);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, prefix_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, length_spin);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, luhn_switch);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, start_button);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, gradient_switch);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, end_button);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, logo_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, up_type_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, up_measure_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, up_threshold_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, up_months_spin);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, down_type_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, down_measure_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, down_threshold_row);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, down_months_spin);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, down_grace_spin);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, history_group);
  gtk_widget_class_bind_template_child (widget_class, MdkCardTypeWindow, move_row);
  gtk_widget_class_bind_template_callback (widget_class, on_form_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_type_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_category_activate);

  gtk_widget_class_install_action (widget_class, "designer.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "designer.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "designer.retire", NULL, retire_action);
  gtk_widget_class_install_action (widget_class, "designer.move-cards", NULL, move_cards_action);
  gtk_widget_class_install_action (widget_class, "designer.add-category", NULL, add_category_action);
  gtk_widget_class_install_action (widget_class, "designer.choose-logo", NULL, choose_logo_action);
  gtk_widget_class_install_action (widget_class, "designer.remove-logo", NULL, remove_logo_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "designer.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "designer.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mdk_card_type_window_init (MdkCardTypeWindow *self)
{
  g_autoptr(GtkStringList) kind_list = gtk_string_list_new (NULL);
  const char *measures[] = { _("Spend (¥)"), _("Points earned"), NULL };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->category_rows = g_ptr_array_new ();
  self->history_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  for (guint i = 0; i < G_N_ELEMENTS (kind_labels); i++)
    gtk_string_list_append (kind_list, _(kind_labels[i]));
  self->filling = TRUE;
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kind_list));
  {
    g_autoptr(GtkStringList) up = gtk_string_list_new (measures);
    g_autoptr(GtkStringList) down = gtk_string_list_new (measures);

    adw_combo_row_set_model (self->up_measure_row, G_LIST_MODEL (up));
    adw_combo_row_set_model (self->down_measure_row, G_LIST_MODEL (down));
  }
  build_term_rows (self);
  self->filling = FALSE;
  update_actions (self);
}

/**
 * mdk_card_type_window_new:
 * @database: the database
 *
 * Returns: (transfer floating): the designer, loading the card types
 */
MdkCardTypeWindow *
mdk_card_type_window_new (MdkDatabase *database)
{
  MdkCardTypeWindow *self;

  g_return_val_if_fail (MDK_IS_DATABASE (database), NULL);

  self = g_object_new (MDK_TYPE_CARD_TYPE_WINDOW, NULL);
  self->database = g_object_ref (database);
  set_busy (self, TRUE);
  mdk_choice_lists_load_async (database, self->cancellable, on_regions_loaded, g_object_ref (self),
                               mdk_choice_load_regions, NULL);
  return self;
}

/**
 * mdk_card_type_window_get_busy:
 * @self: a #MdkCardTypeWindow
 *
 * Returns: %TRUE while loading or saving
 */
gboolean
mdk_card_type_window_get_busy (MdkCardTypeWindow *self)
{
  g_return_val_if_fail (MDK_IS_CARD_TYPE_WINDOW (self), FALSE);

  return self->pending > 0;
}

/**
 * mdk_card_type_window_get_dirty:
 * @self: a #MdkCardTypeWindow
 *
 * Returns: %TRUE when the form has changes not saved
 */
gboolean
mdk_card_type_window_get_dirty (MdkCardTypeWindow *self)
{
  g_return_val_if_fail (MDK_IS_CARD_TYPE_WINDOW (self), FALSE);

  return self->dirty;
}

/**
 * mdk_card_type_window_select:
 * @self: a #MdkCardTypeWindow
 * @code: a card type's code
 *
 * Shows the type, as clicking it in the list does.
 *
 * Returns: %TRUE if there is such a type
 */
gboolean
mdk_card_type_window_select (MdkCardTypeWindow *self,
                             const char        *code)
{
  g_return_val_if_fail (MDK_IS_CARD_TYPE_WINDOW (self), FALSE);

  for (guint i = 0; self->designs != NULL && i < self->designs->len; i++)
    {
      const MdkCardTypeDesign *design = g_ptr_array_index (self->designs, i);

      if (g_str_equal (design->code, code))
        {
          gtk_list_box_select_row (self->type_list, gtk_list_box_get_row_at_index (self->type_list, (int) i));
          return TRUE;
        }
    }
  return FALSE;
}

static GtkWidget *
field_widget (MdkCardTypeWindow *self,
              const char        *field)
{
  const struct { const char *name; gsize offset; } named[] = {
    { "name", G_STRUCT_OFFSET (MdkCardTypeWindow, name_row) },
    { "code", G_STRUCT_OFFSET (MdkCardTypeWindow, code_row) },
    { "prefix", G_STRUCT_OFFSET (MdkCardTypeWindow, prefix_row) },
    { "category", G_STRUCT_OFFSET (MdkCardTypeWindow, category_entry) },
    { "category_discount", G_STRUCT_OFFSET (MdkCardTypeWindow, category_discount_entry) },
    { "up_threshold", G_STRUCT_OFFSET (MdkCardTypeWindow, up_threshold_row) },
    { "down_threshold", G_STRUCT_OFFSET (MdkCardTypeWindow, down_threshold_row) },
    { "kind", G_STRUCT_OFFSET (MdkCardTypeWindow, kind_row) },
    { "region", G_STRUCT_OFFSET (MdkCardTypeWindow, region_row) },
    { "up_type", G_STRUCT_OFFSET (MdkCardTypeWindow, up_type_row) },
    { "up_measure", G_STRUCT_OFFSET (MdkCardTypeWindow, up_measure_row) },
    { "down_type", G_STRUCT_OFFSET (MdkCardTypeWindow, down_type_row) },
    { "down_measure", G_STRUCT_OFFSET (MdkCardTypeWindow, down_measure_row) },
    { "up_months", G_STRUCT_OFFSET (MdkCardTypeWindow, up_months_spin) },
    { "down_months", G_STRUCT_OFFSET (MdkCardTypeWindow, down_months_spin) },
    { "down_grace", G_STRUCT_OFFSET (MdkCardTypeWindow, down_grace_spin) },
    { "length", G_STRUCT_OFFSET (MdkCardTypeWindow, length_spin) },
    { "luhn", G_STRUCT_OFFSET (MdkCardTypeWindow, luhn_switch) },
    { "gradient", G_STRUCT_OFFSET (MdkCardTypeWindow, gradient_switch) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (named); i++)
    if (g_str_equal (named[i].name, field))
      return G_STRUCT_MEMBER (GtkWidget *, self, named[i].offset);
  for (guint i = 0; i < MDK_CARD_TERM_N; i++)
    if (g_str_equal (mdk_card_term_name (i), field))
      return self->term_widgets[i];
  return NULL;
}

/**
 * mdk_card_type_window_type_into:
 * @self: a #MdkCardTypeWindow
 * @field: a field: name, code, prefix, category, category_discount,
 *   up_threshold, down_threshold, a term's name (annual_fee), or for a
 *   number or a switch (up_months, length, luhn, has_points, ...) its value
 * @text: what to type, or for a switch "on" or "off"
 *
 * Types into the field, as a person would.
 */
void
mdk_card_type_window_type_into (MdkCardTypeWindow *self,
                                const char        *field,
                                const char        *text)
{
  GtkWidget *widget;

  g_return_if_fail (MDK_IS_CARD_TYPE_WINDOW (self));

  widget = field_widget (self, field);
  g_return_if_fail (widget != NULL);
  if (GTK_IS_SWITCH (widget))
    gtk_switch_set_active (GTK_SWITCH (widget), g_str_equal (text, "on"));
  else if (GTK_IS_SPIN_BUTTON (widget))
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (widget), g_ascii_strtod (text, NULL));
  else
    gtk_editable_set_text (GTK_EDITABLE (widget), text);
}

/**
 * mdk_card_type_window_choose:
 * @self: a #MdkCardTypeWindow
 * @field: kind, region, up_type, up_measure, down_type or down_measure
 * @label: the item to choose, as it reads
 *
 * Returns: %TRUE if the item was there
 */
gboolean
mdk_card_type_window_choose (MdkCardTypeWindow *self,
                             const char        *field,
                             const char        *label)
{
  GtkWidget *widget;

  g_return_val_if_fail (MDK_IS_CARD_TYPE_WINDOW (self), FALSE);

  widget = field_widget (self, field);
  g_return_val_if_fail (ADW_IS_COMBO_ROW (widget), FALSE);
  return mdk_combo_row_select_label (ADW_COMBO_ROW (widget), label);
}

/**
 * mdk_card_type_window_set_colours:
 * @self: a #MdkCardTypeWindow
 * @start: the face's colour
 * @end: (nullable): the gradient's, or %NULL for one colour
 *
 * Picks the face's colours, as the colour buttons do.
 */
void
mdk_card_type_window_set_colours (MdkCardTypeWindow *self,
                                  const char        *start,
                                  const char        *end)
{
  GdkRGBA rgba;

  g_return_if_fail (MDK_IS_CARD_TYPE_WINDOW (self));

  gdk_rgba_parse (&rgba, start);
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (self->start_button), &rgba);
  g_signal_emit_by_name (self->start_button, "color-set");
  gtk_switch_set_active (self->gradient_switch, end != NULL);
  if (end != NULL)
    {
      gdk_rgba_parse (&rgba, end);
      gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (self->end_button), &rgba);
      g_signal_emit_by_name (self->end_button, "color-set");
    }
}

/**
 * mdk_card_type_window_ask:
 * @self: a #MdkCardTypeWindow
 * @action_name: designer.save, designer.retire or designer.move-cards
 *
 * Starts the action, as its button does.
 *
 * Returns: (transfer none) (nullable): the dialog that asks for a reason,
 *   or %NULL when the action did not ask (a form that does not hold, nothing
 *   to save)
 */
GtkWindow *
mdk_card_type_window_ask (MdkCardTypeWindow *self,
                          const char        *action_name)
{
  g_return_val_if_fail (MDK_IS_CARD_TYPE_WINDOW (self), NULL);

  if (g_str_equal (action_name, "designer.save"))
    return save (self);
  if (g_str_equal (action_name, "designer.retire"))
    return retire (self);
  if (g_str_equal (action_name, "designer.move-cards"))
    return move_cards (self);
  g_return_val_if_reached (NULL);
}

/**
 * mdk_card_type_window_answer:
 * @self: a #MdkCardTypeWindow
 * @dialog: a dialog of mdk_card_type_window_ask()
 * @reason: (nullable): the reason to type
 * @response: the response to give
 *
 * Answers the dialog, as a person would.
 */
void
mdk_card_type_window_answer (MdkCardTypeWindow *self,
                             GtkWindow         *dialog,
                             const char        *reason,
                             const char        *response)
{
  GtkWidget *entry;

  g_return_if_fail (ADW_IS_MESSAGE_DIALOG (dialog));

  g_object_ref (dialog);
  entry = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog));
  if (reason != NULL && GTK_IS_EDITABLE (entry))
    gtk_editable_set_text (GTK_EDITABLE (entry), reason);
  if (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), response))
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  else
    gtk_window_close (dialog);
  g_object_unref (dialog);
}

/**
 * mdk_card_type_window_get_message:
 * @self: a #MdkCardTypeWindow
 *
 * Returns: (nullable): what the banner says, if it shows
 */
const char *
mdk_card_type_window_get_message (MdkCardTypeWindow *self)
{
  g_return_val_if_fail (MDK_IS_CARD_TYPE_WINDOW (self), NULL);

  return mdk_banner_get_message (self->banner_revealer, self->banner_label);
}

/**
 * mdk_card_type_window_get_status:
 * @self: a #MdkCardTypeWindow
 *
 * Returns: the line under the card: version and cards
 */
const char *
mdk_card_type_window_get_status (MdkCardTypeWindow *self)
{
  g_return_val_if_fail (MDK_IS_CARD_TYPE_WINDOW (self), NULL);

  return gtk_label_get_label (self->status_label);
}

/**
 * mdk_card_type_window_get_face:
 * @self: a #MdkCardTypeWindow
 *
 * Returns: (transfer none): the live preview of the card
 */
GtkWidget *
mdk_card_type_window_get_face (MdkCardTypeWindow *self)
{
  g_return_val_if_fail (MDK_IS_CARD_TYPE_WINDOW (self), NULL);

  return GTK_WIDGET (self->face);
}

/**
 * mdk_card_type_window_load_logo:
 * @self: a #MdkCardTypeWindow
 * @file: an image
 *
 * Reads @file as the type's logo, as choosing it in the file chooser does;
 * a file that is no PNG or JPEG image, or too large, is refused with a
 * toast.
 */
void
mdk_card_type_window_load_logo (MdkCardTypeWindow *self,
                                GFile             *file)
{
  g_return_if_fail (MDK_IS_CARD_TYPE_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  load_logo (self, file);
}

/**
 * mdk_card_type_window_scroll_to:
 * @self: a #MdkCardTypeWindow
 * @group: identity, terms, categories, numbers, face, tiers or history; or a
 *   term's name (mdk_card_term_name())
 *
 * Scrolls the form to the group's title, or to a term's field with the rows
 * above it, as a person would.
 */
void
mdk_card_type_window_scroll_to (MdkCardTypeWindow *self,
                                const char        *group)
{
  const struct { const char *name; gsize offset; } groups[] = {
    { "identity", G_STRUCT_OFFSET (MdkCardTypeWindow, face) },
    { "terms", G_STRUCT_OFFSET (MdkCardTypeWindow, applications_group) },
    { "categories", G_STRUCT_OFFSET (MdkCardTypeWindow, category_group) },
    { "numbers", G_STRUCT_OFFSET (MdkCardTypeWindow, number_group) },
    { "face", G_STRUCT_OFFSET (MdkCardTypeWindow, face_group) },
    { "tiers", G_STRUCT_OFFSET (MdkCardTypeWindow, tiers_group) },
    { "history", G_STRUCT_OFFSET (MdkCardTypeWindow, history_group) },
  };

  GtkWidget *widget = NULL;
  double above = 0;
  graphene_point_t point;

  g_return_if_fail (MDK_IS_CARD_TYPE_WINDOW (self));

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    if (g_str_equal (groups[i].name, group))
      widget = G_STRUCT_MEMBER (GtkWidget *, self, groups[i].offset);
  /* A term's field, with the rows above it. */
  for (guint i = 0; widget == NULL && i < MDK_CARD_TERM_N; i++)
    if (g_str_equal (mdk_card_term_name (i), group))
      {
        widget = self->term_widgets[i];
        above = 400;
      }
  g_return_if_fail (widget != NULL);

  if (gtk_widget_compute_point (widget, self->form, &GRAPHENE_POINT_INIT (0, 0), &point))
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->form_scroller), MAX (point.y - above, 0));
}
