/* mdk-window.c: the main window: a sidebar of sections and their pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "common/mdk-status-page.h"
#include "cards/mdk-cards-page.h"
#include "finance/mdk-finance-page.h"
#include "mdk-window.h"
#include "members/mdk-members-page.h"
#include "org/mdk-org-page.h"

typedef struct
{
  const char *id;
  const char *icon_name;
  const char *title;
  const char *plan;  /* what the section will do, while it is not built */
} Section;

static const Section sections[] = {
  { "members", "system-users-symbolic", N_("Members"), NULL },
  { "cards", "auth-smartcard-symbolic", N_("Cards & Card Types"), NULL },
  { "finance", "accessories-calculator-symbolic", N_("Finance"), NULL },
  { "points", "starred-symbolic", N_("Points"),
    N_("Points rules by store, terminal and purchase; accumulation, exchange, deduction and expiry.") },
  { "visits", "alarm-symbolic", N_("Visits & Reminders"),
    N_("Return visits, and birthday, anniversary and consumption reminders.") },
  { "reports", "x-office-spreadsheet-symbolic", N_("Reports"),
    N_("Figures for head office, regions and stores, exported to Excel.") },
  { "organization", "network-workgroup-symbolic", N_("Organization"), NULL },
};

struct _MdkWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkStack       *main_stack;
  AdwStatusPage  *loading_page;
  GtkSpinner     *loading_spinner;
  GtkProgressBar *progress_bar;
  GtkButton      *cancel_button;
  AdwStatusPage  *error_page;
  AdwLeaflet     *leaflet;
  GtkWidget      *leaflet_separator;
  GtkWidget      *content_box;
  GtkListBox     *sidebar;
  GtkStack       *section_stack;
  AdwWindowTitle *content_title;

  MdkOrgPage     *org_page;
  MdkMembersPage *members_page;
  MdkFinancePage *finance_page;
  MdkCardsPage   *cards_page;
  MdkContext     *context;
  GCancellable   *progress_cancellable;
  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (MdkWindow, mdk_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SECTION,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const Section *
find_section (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    if (g_strcmp0 (sections[i].id, id) == 0)
      return &sections[i];

  return NULL;
}

static GtkWidget *
create_sidebar_row (const Section *section)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name (section->icon_name);
  GtkWidget *label = gtk_label_new (_(section->title));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_name (row, section->id);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(section->title), -1);

  return row;
}

static GtkWidget *
create_placeholder_page (const Section *section)
{
  GtkWidget *page = adw_status_page_new ();
  g_autofree char *description = NULL;

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), section->icon_name);
  adw_status_page_set_title (ADW_STATUS_PAGE (page), _(section->title));
  /* Translators: the first %s says what a section will do */
  description = g_strdup_printf (_("%s This section is not built yet."), _(section->plan));
  mdk_status_page_set_text (ADW_STATUS_PAGE (page), description);

  return page;
}

static void
build_sections (MdkWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      const Section *section = &sections[i];
      GtkWidget *page;

      if (g_str_equal (section->id, "organization"))
        page = GTK_WIDGET (self->org_page = g_object_new (MDK_TYPE_ORG_PAGE, NULL));
      else if (g_str_equal (section->id, "members"))
        page = GTK_WIDGET (self->members_page = g_object_new (MDK_TYPE_MEMBERS_PAGE, NULL));
      else if (g_str_equal (section->id, "finance"))
        page = GTK_WIDGET (self->finance_page = g_object_new (MDK_TYPE_FINANCE_PAGE, NULL));
      else if (g_str_equal (section->id, "cards"))
        page = GTK_WIDGET (self->cards_page = g_object_new (MDK_TYPE_CARDS_PAGE, NULL));
      else
        page = create_placeholder_page (section);

      gtk_stack_add_named (self->section_stack, page, section->id);
      gtk_list_box_append (self->sidebar, create_sidebar_row (section));
    }
}

static void
on_sidebar_row_selected (MdkWindow     *self,
                         GtkListBoxRow *row)
{
  const Section *section;

  if (row == NULL || !(section = find_section (gtk_widget_get_name (GTK_WIDGET (row)))))
    return;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->section_stack), section->id) == 0)
    return;

  gtk_stack_set_visible_child_name (self->section_stack, section->id);
  adw_window_title_set_title (self->content_title, _(section->title));
  g_settings_set_string (self->settings, "last-section", section->id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECTION]);
}

static void
on_sidebar_row_activated (MdkWindow     *self,
                          GtkListBoxRow *row)
{
  adw_leaflet_set_visible_child (self->leaflet, self->content_box);
}

static void
on_cancel_clicked (MdkWindow *self)
{
  g_cancellable_cancel (self->progress_cancellable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), FALSE);
}

static void
show_section_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  MdkWindow *self = MDK_WINDOW (widget);

  mdk_window_set_section (self, g_variant_get_string (parameter, NULL));
  adw_leaflet_set_visible_child (self->leaflet, self->content_box);
}

static void
show_sections_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  MdkWindow *self = MDK_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MdkWindow *self = MDK_WINDOW (widget);

  mdk_window_set_section (self, "members");
  adw_leaflet_set_visible_child (self->leaflet, self->content_box);
  mdk_members_page_focus_search (self->members_page);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MdkWindow *self = MDK_WINDOW (widget);

  mdk_org_page_reload (self->org_page);
  mdk_cards_page_reload (self->cards_page);
}

static void
save_window_state (MdkWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
mdk_window_close_request (GtkWindow *window)
{
  save_window_state (MDK_WINDOW (window));

  return GTK_WINDOW_CLASS (mdk_window_parent_class)->close_request (window);
}

static void
mdk_window_dispose (GObject *object)
{
  MdkWindow *self = MDK_WINDOW (object);

  g_cancellable_cancel (self->progress_cancellable);
  g_clear_object (&self->progress_cancellable);
  g_clear_object (&self->context);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), MDK_TYPE_WINDOW);

  G_OBJECT_CLASS (mdk_window_parent_class)->dispose (object);
}

static void
mdk_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  MdkWindow *self = MDK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SECTION:
      g_value_set_string (value, mdk_window_get_section (self));
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, mdk_window_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mdk_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  MdkWindow *self = MDK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SECTION:
      mdk_window_set_section (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
on_page_loading_changed (MdkWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
add_section_shortcuts (GtkWidgetClass *widget_class)
{
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK,
                                         "win.show-section", "s", sections[i].id);
}

static void
mdk_window_class_init (MdkWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = mdk_window_dispose;
  object_class->get_property = mdk_window_get_property;
  object_class->set_property = mdk_window_set_property;
  window_class->close_request = mdk_window_close_request;

  properties[PROP_SECTION] =
    g_param_spec_string ("section", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mdk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MdkWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MdkWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, MdkWindow, loading_page);
  gtk_widget_class_bind_template_child (widget_class, MdkWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, MdkWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, MdkWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, MdkWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, MdkWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, MdkWindow, leaflet_separator);
  gtk_widget_class_bind_template_child (widget_class, MdkWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, MdkWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, MdkWindow, section_stack);
  gtk_widget_class_bind_template_child (widget_class, MdkWindow, content_title);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);

  gtk_widget_class_install_action (widget_class, "win.show-section", "s", show_section_action);
  gtk_widget_class_install_action (widget_class, "win.show-sections", NULL, show_sections_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find", NULL);
  add_section_shortcuts (widget_class);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.reload", NULL);
}

static void
mdk_window_init (MdkWindow *self)
{
  g_autofree char *last_section = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  if (DEVELOPMENT)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->settings = g_settings_new ("io.github.memberdesk.Memberdesk");
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  adw_leaflet_page_set_navigatable (adw_leaflet_get_page (self->leaflet, self->leaflet_separator), FALSE);
  build_sections (self);
  g_signal_connect_swapped (self->org_page, "notify::loading", G_CALLBACK (on_page_loading_changed), self);

  last_section = g_settings_get_string (self->settings, "last-section");
  mdk_window_set_section (self, find_section (last_section) ? last_section : "organization");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reload", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.find", FALSE);
}

MdkWindow *
mdk_window_new (GtkApplication *application)
{
  return g_object_new (MDK_TYPE_WINDOW, "application", application, NULL);
}

/**
 * mdk_window_show_loading:
 * @self: a #MdkWindow
 * @message: what is happening, for example "Starting the database"
 *
 * Covers the window with a spinner while the database is not ready.
 */
void
mdk_window_show_loading (MdkWindow  *self,
                         const char *message)
{
  g_return_if_fail (MDK_IS_WINDOW (self));

  adw_status_page_set_title (self->loading_page, message);
  gtk_widget_set_visible (GTK_WIDGET (self->loading_spinner), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);
  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/**
 * mdk_window_show_progress:
 * @self: a #MdkWindow
 * @message: what is happening
 * @fraction: how far it got, from 0 to 1
 * @cancellable: (nullable): cancelled by the window's Cancel button
 *
 * Shows the progress of long work that can be cancelled.
 */
void
mdk_window_show_progress (MdkWindow    *self,
                          const char   *message,
                          double        fraction,
                          GCancellable *cancellable)
{
  g_autofree char *percent = NULL;

  g_return_if_fail (MDK_IS_WINDOW (self));

  if (g_set_object (&self->progress_cancellable, cancellable))
    gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), TRUE);

  /* Translators: a percentage, as in "45 %" */
  percent = g_strdup_printf (_("%d %%"), (int) (fraction * 100 + 0.5));
  adw_status_page_set_title (self->loading_page, message);
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, percent);
  gtk_widget_set_visible (GTK_WIDGET (self->loading_spinner), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), cancellable != NULL);
  gtk_stack_set_visible_child_name (self->main_stack, "loading");
}

/**
 * mdk_window_show_error:
 * @self: a #MdkWindow
 * @error: why the database is not available
 *
 * Shows what went wrong, with the ways out: try again, or change the
 * connection settings.
 */
void
mdk_window_show_error (MdkWindow    *self,
                       const GError *error)
{
  g_return_if_fail (MDK_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  if (g_error_matches (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_SERVER_NOT_INSTALLED))
    adw_status_page_set_title (self->error_page, _("PostgreSQL Is Not Installed"));
  else if (g_error_matches (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_SCHEMA_TOO_NEW))
    adw_status_page_set_title (self->error_page, _("Memberdesk Needs an Update"));
  else
    adw_status_page_set_title (self->error_page, _("The Database Is Not Available"));

  mdk_status_page_set_text (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->main_stack, "error");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/**
 * mdk_window_get_context:
 * @self: a #MdkWindow
 *
 * Returns: (transfer none) (nullable): the context whose data the window shows
 */
MdkContext *
mdk_window_get_context (MdkWindow *self)
{
  g_return_val_if_fail (MDK_IS_WINDOW (self), NULL);

  return self->context;
}

/**
 * mdk_window_set_context:
 * @self: a #MdkWindow
 * @context: an open #MdkContext
 *
 * Shows the sections for the data of @context.
 */
void
mdk_window_set_context (MdkWindow  *self,
                        MdkContext *context)
{
  g_autofree char *connection = NULL;

  g_return_if_fail (MDK_IS_WINDOW (self));
  g_return_if_fail (MDK_IS_CONTEXT (context));

  g_set_object (&self->context, context);

  /* Translators: where the data is and who is connected, e.g. "This computer · alice" */
  connection = g_strdup_printf (_("%s · %s"), mdk_context_get_server_label (context),
                                mdk_context_get_role_label (context));
  adw_window_title_set_subtitle (self->content_title, connection);

  gtk_stack_set_visible_child_name (self->main_stack, "main");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reload", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.find", TRUE);
  mdk_org_page_set_database (self->org_page, mdk_context_get_database (context));
  mdk_members_page_set_database (self->members_page, mdk_context_get_database (context));
  mdk_finance_page_set_database (self->finance_page, mdk_context_get_database (context));
  mdk_cards_page_set_database (self->cards_page, mdk_context_get_database (context));
  g_signal_connect_object (mdk_members_page_get_list (self->members_page), "notify::loading",
                           G_CALLBACK (on_page_loading_changed), self, G_CONNECT_SWAPPED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

const char *
mdk_window_get_section (MdkWindow *self)
{
  g_return_val_if_fail (MDK_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->section_stack);
}

/**
 * mdk_window_set_section:
 * @self: a #MdkWindow
 * @section: a section id: members, cards, finance, points, visits,
 *   reports or organization
 *
 * Shows a section, as a click on it in the sidebar does.
 */
void
mdk_window_set_section (MdkWindow  *self,
                        const char *section)
{
  g_return_if_fail (MDK_IS_WINDOW (self));

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    if (g_strcmp0 (sections[i].id, section) == 0)
      gtk_list_box_select_row (self->sidebar, gtk_list_box_get_row_at_index (self->sidebar, i));
}

/**
 * mdk_window_get_section_page:
 * @self: a #MdkWindow
 * @section: a section id
 *
 * Returns: (transfer none) (nullable): the page that shows @section
 */
GtkWidget *
mdk_window_get_section_page (MdkWindow  *self,
                             const char *section)
{
  g_return_val_if_fail (MDK_IS_WINDOW (self), NULL);

  return gtk_stack_get_child_by_name (self->section_stack, section);
}

/**
 * mdk_window_add_toast:
 * @self: a #MdkWindow
 * @toast: (transfer full): a message for the person
 */
void
mdk_window_add_toast (MdkWindow *self,
                      AdwToast  *toast)
{
  g_return_if_fail (MDK_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * mdk_window_get_busy:
 * @self: a #MdkWindow
 *
 * Returns: %TRUE while the window waits for the database
 */
gboolean
mdk_window_get_busy (MdkWindow *self)
{
  g_return_val_if_fail (MDK_IS_WINDOW (self), FALSE);

  return g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "loading") == 0 ||
         mdk_org_page_get_loading (self->org_page) ||
         mdk_members_page_get_busy (self->members_page);
}
