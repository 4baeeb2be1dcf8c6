/* mdk-cards-page.c: the Cards section: every card of the chain, newest
 * first, filtered by type, state, region and issuing store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "common/mdk-choice-widgets.h"
#include "common/mdk-labels.h"
#include "common/mdk-paged-view.h"
#include "mdk-card-batch-window.h"
#include "mdk-card-type-window.h"
#include "mdk-cards-page.h"

struct _MdkCardsPage
{
  GtkWidget          parent_instance;

  GtkDropDown       *type_dropdown;
  GtkDropDown       *state_dropdown;
  GtkDropDown       *region_dropdown;
  GtkDropDown       *store_dropdown;
  GtkLabel          *count_label;
  GtkSpinner        *spinner;
  GtkStack          *stack;
  GtkScrolledWindow *scrolled_window;
  GtkColumnView     *column_view;
  AdwStatusPage     *error_page;

  MdkDatabase       *database;
  MdkCardList       *list;
  GListStore        *types;
  GListStore        *regions;
  GListStore        *stores;
  GCancellable      *cancellable;
  gboolean           loaded;
};

G_DEFINE_FINAL_TYPE (MdkCardsPage, mdk_cards_page, GTK_TYPE_WIDGET)

/* In the order of state_dropdown after "All states". */
static const char * const states[] = { "active", "lost", "frozen", "cancelled", "replaced", "expired" };

static const struct {
  const char *property;
  const char *title;
  int         width;
} columns[] = {
  { "card-no", N_("Card number"), 150 },
  { "member-name", N_("Member"), 100 },
  { "type-name", N_("Card type"), 100 },
  { "state", N_("State"), 90 },
  { "balance", N_("Balance"), 90 },
  { "points", N_("Points"), 60 },
  { "store-name", N_("Issued at"), 120 },
  { "issued-on", N_("Issued"), 105 },
  { "expires-on", N_("Valid until"), 105 },
  { "primary-card-no", N_("Under card"), 150 },
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
  else if (g_str_equal (property, "state"))
    g_value_set_string (to, mdk_card_state_label (value));
  else if (g_str_equal (property, "balance"))
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
  GtkWidget *label = gtk_list_item_get_child (item);
  GBinding *binding = g_object_bind_property_full (gtk_list_item_get_item (item), property, label, "label",
                                                   G_BINDING_SYNC_CREATE, transform_cell, NULL,
                                                   (gpointer) property, NULL);
  gboolean numeric = g_str_equal (property, "balance") || g_str_equal (property, "points");

  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1.0 : 0.0);
  g_object_set_data (G_OBJECT (item), "mdk-binding", binding);
}

static void
add_columns (MdkCardsPage *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    mdk_label_column_append (self->column_view, _(columns[i].title), columns[i].width, g_str_equal (columns[i].property, "primary-card-no"),
                             G_CALLBACK (bind_cell), (gpointer) columns[i].property);
}

static MdkCardQuery *
build_query (MdkCardsPage *self)
{
  MdkCardQuery *query = mdk_card_query_new ();
  guint state = gtk_drop_down_get_selected (self->state_dropdown);

  query->card_type_id = mdk_choice_dropdown_get_id (self->type_dropdown);
  query->region_id = mdk_choice_dropdown_get_id (self->region_dropdown);
  query->store_id = mdk_choice_dropdown_get_id (self->store_dropdown);
  if (state > 0 && state <= G_N_ELEMENTS (states))
    query->state = g_strdup (states[state - 1]);
  return query;
}

static void
on_filters_changed (MdkCardsPage *self)
{
  g_autoptr(MdkCardQuery) query = NULL;

  if (self->list == NULL || !self->loaded)
    return;

  query = build_query (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
  mdk_paged_list_set_query (MDK_PAGED_LIST (self->list), query);
}

static void
update_state (MdkCardsPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  g_autofree char *text = g_strdup_printf (ngettext ("%u card, newest first", "%u cards, newest first", n), n);

  mdk_paged_view_update (MDK_PAGED_LIST (self->list), self->spinner, self->count_label, text, _("Loading…"),
                         self->stack, self->error_page);
}

static void
on_choices_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MdkCardsPage) self = user_data;
  g_autoptr(GPtrArray) lists = mdk_choice_lists_load_finish (MDK_DATABASE (source), result, NULL);

  if (lists == NULL)
    return;

  mdk_choice_store_fill (self->types, _("All card types"), g_ptr_array_index (lists, 0), "label");
  mdk_choice_store_fill (self->regions, _("All regions"), g_ptr_array_index (lists, 1), "label");
  mdk_choice_store_fill (self->stores, _("All stores"), g_ptr_array_index (lists, 2), "label");
}

static void
on_card_activated (MdkCardsPage *self,
                   guint         position)
{
  mdk_cards_page_open_card (self, position);
}

/* The list and the choices are read the first time the page shows. */
static void
load (MdkCardsPage *self)
{
  if (self->loaded || self->database == NULL)
    return;

  self->loaded = TRUE;
  mdk_choice_lists_load_async (self->database, self->cancellable, on_choices_loaded, g_object_ref (self),
                               mdk_choice_load_card_types, mdk_choice_load_regions, mdk_choice_load_stores, NULL);
  on_filters_changed (self);
}

/* Types may have changed and cards been issued: read them again. */
static void
on_window_hidden (MdkCardsPage *self)
{
  if (!self->loaded)
    return;
  self->loaded = FALSE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    load (self);
}

static void
batch_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  mdk_cards_page_open_batch (MDK_CARDS_PAGE (widget));
}

static void
designer_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  mdk_cards_page_open_designer (MDK_CARDS_PAGE (widget));
}

static void
mdk_cards_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (mdk_cards_page_parent_class)->map (widget);
  load (MDK_CARDS_PAGE (widget));
}

static void
mdk_cards_page_dispose (GObject *object)
{
  MdkCardsPage *self = MDK_CARDS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);
  g_clear_object (&self->list);
  g_clear_object (&self->database);
  g_clear_object (&self->types);
  g_clear_object (&self->regions);
  g_clear_object (&self->stores);
  gtk_widget_dispose_template (GTK_WIDGET (self), MDK_TYPE_CARDS_PAGE);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))); )
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mdk_cards_page_parent_class)->dispose (object);
}

static void
mdk_cards_page_class_init (MdkCardsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mdk_cards_page_dispose;
  widget_class->map = mdk_cards_page_map;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mdk-cards-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MdkCardsPage, type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkCardsPage, state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkCardsPage, region_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkCardsPage, store_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MdkCardsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, MdkCardsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, MdkCardsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, MdkCardsPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, MdkCardsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, MdkCardsPage, error_page);
  gtk_widget_class_bind_template_callback (widget_class, on_filters_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_card_activated);
  gtk_widget_class_install_action (widget_class, "cards.designer", NULL, designer_action);
  gtk_widget_class_install_action (widget_class, "cards.batch", NULL, batch_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
mdk_cards_page_init (MdkCardsPage *self)
{
  g_autoptr(GtkStringList) state_names = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_string_list_append (state_names, _("All states"));
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    gtk_string_list_append (state_names, mdk_card_state_label (states[i]));
  gtk_drop_down_set_model (self->state_dropdown, G_LIST_MODEL (state_names));

  self->types = g_list_store_new (MDK_TYPE_CHOICE);
  self->regions = g_list_store_new (MDK_TYPE_CHOICE);
  self->stores = g_list_store_new (MDK_TYPE_CHOICE);
  mdk_choice_dropdown_setup (self->type_dropdown, self->types, _("All card types"));
  mdk_choice_dropdown_setup (self->region_dropdown, self->regions, _("All regions"));
  mdk_choice_dropdown_setup (self->store_dropdown, self->stores, _("All stores"));
  self->cancellable = g_cancellable_new ();

  add_columns (self);
}

/**
 * mdk_cards_page_set_database:
 * @self: a #MdkCardsPage
 * @database: the database
 *
 * Shows @database's cards as soon as the page shows.
 */
void
mdk_cards_page_set_database (MdkCardsPage *self,
                             MdkDatabase  *database)
{
  g_return_if_fail (MDK_IS_CARDS_PAGE (self));
  g_return_if_fail (MDK_IS_DATABASE (database));

  if (!g_set_object (&self->database, database))
    return;

  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  mdk_paged_view_set_list (self->column_view, self, (gpointer *) &self->list,
                           MDK_PAGED_LIST (mdk_card_list_new (database)), TRUE, G_CALLBACK (update_state));

  self->loaded = FALSE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    load (self);
}

/**
 * mdk_cards_page_get_list:
 * @self: a #MdkCardsPage
 *
 * Returns: (transfer none) (nullable): the cards the page shows
 */
MdkCardList *
mdk_cards_page_get_list (MdkCardsPage *self)
{
  g_return_val_if_fail (MDK_IS_CARDS_PAGE (self), NULL);

  return self->list;
}

/**
 * mdk_cards_page_filter_state:
 * @self: a #MdkCardsPage
 * @state: (nullable): a card state, or %NULL for all
 *
 * Chooses the state in the state filter, as a person would.
 */
void
mdk_cards_page_filter_state (MdkCardsPage *self,
                             const char   *state)
{
  guint position = 0;

  g_return_if_fail (MDK_IS_CARDS_PAGE (self));

  for (guint i = 0; state != NULL && i < G_N_ELEMENTS (states); i++)
    if (g_str_equal (states[i], state))
      position = i + 1;
  gtk_drop_down_set_selected (self->state_dropdown, position);
}

/**
 * mdk_cards_page_reload:
 * @self: a #MdkCardsPage
 *
 * Reads the cards again, with the same filters.
 */
void
mdk_cards_page_reload (MdkCardsPage *self)
{
  g_return_if_fail (MDK_IS_CARDS_PAGE (self));

  on_filters_changed (self);
}

static void
on_member_card_changed (MdkCardsPage *self)
{
  mdk_cards_page_reload (self);
}

/**
 * mdk_cards_page_open_card:
 * @self: a #MdkCardsPage
 * @position: a row of the list
 *
 * Opens the profile of the card's member, where the card is served; the
 * list reads the cards again when the profile closes.
 *
 * Returns: (transfer none) (nullable): the profile, or %NULL when the row
 *   is not loaded yet
 */
MdkMemberWindow *
mdk_cards_page_open_card (MdkCardsPage *self,
                          guint         position)
{
  g_autoptr(MdkCardRecord) card = NULL;
  MdkMemberWindow *window;
  const char *member;

  g_return_val_if_fail (MDK_IS_CARDS_PAGE (self), NULL);

  if (self->list == NULL)
    return NULL;
  card = g_list_model_get_item (G_LIST_MODEL (self->list), position);
  if (card == NULL || !mdk_record_get_loaded (MDK_RECORD (card)))
    return NULL;

  member = mdk_card_record_get_field (card, MDK_CARD_RECORD_FIELD_MEMBER_ID);
  window = mdk_member_window_new (self->database, g_ascii_strtoll (member, NULL, 10));
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  g_signal_connect_object (window, "destroy", G_CALLBACK (on_member_card_changed), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/**
 * mdk_cards_page_open_designer:
 * @self: a #MdkCardsPage
 *
 * Opens the card type designer, as *Card Types…* does.
 *
 * Returns: (transfer none) (nullable): the designer
 */
GtkWindow *
mdk_cards_page_open_designer (MdkCardsPage *self)
{
  MdkCardTypeWindow *window;

  g_return_val_if_fail (MDK_IS_CARDS_PAGE (self), NULL);

  if (self->database == NULL)
    return NULL;

  window = mdk_card_type_window_new (self->database);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  g_signal_connect_object (window, "hide", G_CALLBACK (on_window_hidden), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

/**
 * mdk_cards_page_open_batch:
 * @self: a #MdkCardsPage
 *
 * Opens batch issuance, as *Issue in Bulk…* does. The list reads again
 * when it closes.
 *
 * Returns: (transfer none) (nullable): the window
 */
GtkWindow *
mdk_cards_page_open_batch (MdkCardsPage *self)
{
  MdkCardBatchWindow *window;

  g_return_val_if_fail (MDK_IS_CARDS_PAGE (self), NULL);

  if (self->database == NULL)
    return NULL;

  window = mdk_card_batch_window_new (self->database);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  g_signal_connect_object (window, "hide", G_CALLBACK (on_window_hidden), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}
