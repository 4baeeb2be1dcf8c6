/* mdk-org-page.c: regions, stores and terminals as one tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "common/mdk-labels.h"
#include "common/mdk-status-page.h"
#include "mdk-org-page.h"

struct _MdkOrgPage
{
  GtkWidget       parent_instance;

  GtkStack       *stack;
  GtkColumnView  *column_view;
  GtkColumnViewColumn *name_column;
  GtkColumnViewColumn *code_column;
  GtkColumnViewColumn *detail_column;
  GtkLabel       *summary_label;
  AdwStatusPage  *error_page;

  MdkDatabase    *database;
  GCancellable   *cancellable;
  GtkTreeListModel *tree;
  gboolean        loading;
};

G_DEFINE_FINAL_TYPE (MdkOrgPage, mdk_org_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_loading (MdkOrgPage *self,
             gboolean    loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  GListModel *children = NULL;

  g_object_get (item, "children", &children, NULL);
  if (children != NULL && g_list_model_get_n_items (children) == 0)
    g_clear_object (&children);

  return children;
}

static char *
summarise (GListModel *regions)
{
  guint n_regions = g_list_model_get_n_items (regions);
  guint n_stores = 0;
  guint n_terminals = 0;
  g_autofree char *regions_text = NULL;
  g_autofree char *stores_text = NULL;
  g_autofree char *terminals_text = NULL;

  for (guint r = 0; r < n_regions; r++)
    {
      g_autoptr(MdkRegion) region = g_list_model_get_item (regions, r);
      GListModel *stores = mdk_region_get_stores (region);

      n_stores += g_list_model_get_n_items (stores);
      for (guint s = 0; s < g_list_model_get_n_items (stores); s++)
        {
          g_autoptr(MdkStore) store = g_list_model_get_item (stores, s);

          n_terminals += g_list_model_get_n_items (mdk_store_get_terminals (store));
        }
    }

  regions_text = g_strdup_printf (ngettext ("%u region", "%u regions", n_regions), n_regions);
  stores_text = g_strdup_printf (ngettext ("%u store", "%u stores", n_stores), n_stores);
  terminals_text = g_strdup_printf (ngettext ("%u terminal", "%u terminals", n_terminals), n_terminals);

  /* Translators: a list such as "7 regions · 104 stores · 312 terminals" */
  return g_strdup_printf (_("%s · %s · %s"), regions_text, stores_text, terminals_text);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MdkOrgPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) regions = NULL;
  g_autofree char *summary = NULL;

  regions = mdk_org_repo_load_finish (MDK_DATABASE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_loading (self, FALSE);

  if (regions == NULL)
    {
      mdk_status_page_set_text (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  if (g_list_model_get_n_items (regions) == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  g_clear_object (&self->tree);
  self->tree = gtk_tree_list_model_new (g_object_ref (regions), FALSE, FALSE, create_children, NULL, NULL);
  gtk_column_view_set_model (self->column_view,
                             GTK_SELECTION_MODEL (gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->tree)))));
  /* Regions open, so that the stores show at once; terminals stay folded. */
  for (guint i = g_list_model_get_n_items (regions); i > 0; i--)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree, i - 1);

      gtk_tree_list_row_set_expanded (row, TRUE);
    }

  summary = summarise (regions);
  gtk_label_set_label (self->summary_label, summary);
  gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
setup_name (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);
  gtk_list_item_set_child (item, expander);
}

static void
bind_name (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkWidget *label = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  g_autofree char *name = NULL;

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  g_object_get (gtk_tree_list_row_get_item (row), "name", &name, NULL);
  gtk_label_set_label (GTK_LABEL (label), name);
}

static void
bind_text (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           const char               *property)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  g_autoptr(GObject) object = gtk_tree_list_row_get_item (row);
  g_autofree char *text = NULL;

  g_object_get (object, property, &text, NULL);
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
attach_factory (GtkColumnViewColumn *column,
                GCallback            setup,
                GCallback            bind,
                const char          *property)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", setup, NULL);
  g_signal_connect (factory, "bind", bind, (gpointer) property);
  gtk_column_view_column_set_factory (column, factory);
}

static void
on_retry_clicked (MdkOrgPage *self)
{
  mdk_org_page_reload (self);
}

static void
mdk_org_page_dispose (GObject *object)
{
  MdkOrgPage *self = MDK_ORG_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->database);
  g_clear_object (&self->tree);
  gtk_widget_dispose_template (GTK_WIDGET (self), MDK_TYPE_ORG_PAGE);

  G_OBJECT_CLASS (mdk_org_page_parent_class)->dispose (object);
}

static void
mdk_org_page_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MdkOrgPage *self = MDK_ORG_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mdk_org_page_class_init (MdkOrgPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mdk_org_page_dispose;
  object_class->get_property = mdk_org_page_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/mdk-org-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MdkOrgPage, stack);
  gtk_widget_class_bind_template_child (widget_class, MdkOrgPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, MdkOrgPage, name_column);
  gtk_widget_class_bind_template_child (widget_class, MdkOrgPage, code_column);
  gtk_widget_class_bind_template_child (widget_class, MdkOrgPage, detail_column);
  gtk_widget_class_bind_template_child (widget_class, MdkOrgPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, MdkOrgPage, error_page);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
mdk_org_page_init (MdkOrgPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  attach_factory (self->name_column, G_CALLBACK (setup_name), G_CALLBACK (bind_name), "name");
  attach_factory (self->code_column, G_CALLBACK (mdk_label_cell_setup), G_CALLBACK (bind_text), "code");
  attach_factory (self->detail_column, G_CALLBACK (mdk_label_cell_setup), G_CALLBACK (bind_text), "detail");
}

/**
 * mdk_org_page_set_database:
 * @self: a #MdkOrgPage
 * @database: (nullable): where to read the organisation from
 *
 * Shows the organisation of @database, loading it in the background.
 */
void
mdk_org_page_set_database (MdkOrgPage  *self,
                           MdkDatabase *database)
{
  g_return_if_fail (MDK_IS_ORG_PAGE (self));

  if (g_set_object (&self->database, database))
    mdk_org_page_reload (self);
}

void
mdk_org_page_reload (MdkOrgPage *self)
{
  g_return_if_fail (MDK_IS_ORG_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->database == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  mdk_org_repo_load_async (self->database, self->cancellable, on_loaded, g_object_ref (self));
}

gboolean
mdk_org_page_get_loading (MdkOrgPage *self)
{
  g_return_val_if_fail (MDK_IS_ORG_PAGE (self), FALSE);

  return self->loading;
}

/**
 * mdk_org_page_get_n_rows:
 * @self: a #MdkOrgPage
 *
 * Returns: how many rows the list shows now (expanded rows included)
 */
guint
mdk_org_page_get_n_rows (MdkOrgPage *self)
{
  g_return_val_if_fail (MDK_IS_ORG_PAGE (self), 0);

  return self->tree ? g_list_model_get_n_items (G_LIST_MODEL (self->tree)) : 0;
}
