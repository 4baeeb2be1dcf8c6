/* mdk-org.c: regions, stores and terminals as read-only GObjects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mdk-org-private.h"

struct _MdkRegion
{
  GObject     parent_instance;
  gint64      id;
  char       *code;
  char       *name;
  GListStore *stores;
};

struct _MdkStore
{
  GObject     parent_instance;
  gint64      id;
  char       *code;
  char       *name;
  char       *city;
  char       *address;
  gboolean    is_active;
  GListStore *terminals;
};

struct _MdkTerminal
{
  GObject   parent_instance;
  gint64    id;
  char     *code;
  char     *name;
  char     *kind;
  gboolean  is_active;
};

G_DEFINE_FINAL_TYPE (MdkRegion, mdk_region, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (MdkStore, mdk_store, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (MdkTerminal, mdk_terminal, G_TYPE_OBJECT)

/* All three share their property names, so that one column of a list can
 * show any of them. */
enum {
  PROP_0,
  PROP_ID,
  PROP_CODE,
  PROP_NAME,
  PROP_DETAIL,
  PROP_CHILDREN,
  N_PROPS
};

static GParamSpec *
common_property (guint prop_id)
{
  switch (prop_id)
    {
    case PROP_ID:
      return g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    case PROP_CODE:
      return g_param_spec_string ("code", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    case PROP_NAME:
      return g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    case PROP_DETAIL:
      /* What a list shows beside the name: a region's size, a store's
       * address, a terminal's kind. */
      return g_param_spec_string ("detail", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    case PROP_CHILDREN:
      return g_param_spec_object ("children", NULL, NULL, G_TYPE_LIST_MODEL,
                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    default:
      g_assert_not_reached ();
    }
}

static void
install_common_properties (GObjectClass *object_class)
{
  for (guint prop_id = PROP_ID; prop_id < N_PROPS; prop_id++)
    g_object_class_install_property (object_class, prop_id, common_property (prop_id));
}

/* Region */

static char *
region_detail (MdkRegion *self)
{
  guint n_stores = g_list_model_get_n_items (G_LIST_MODEL (self->stores));

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u store", "%u stores", n_stores), n_stores);
}

static void
mdk_region_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  MdkRegion *self = MDK_REGION (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_int64 (value, self->id); break;
    case PROP_CODE: g_value_set_string (value, self->code); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_DETAIL: g_value_take_string (value, region_detail (self)); break;
    case PROP_CHILDREN: g_value_set_object (value, self->stores); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mdk_region_finalize (GObject *object)
{
  MdkRegion *self = MDK_REGION (object);

  g_clear_pointer (&self->code, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_object (&self->stores);

  G_OBJECT_CLASS (mdk_region_parent_class)->finalize (object);
}

static void
mdk_region_class_init (MdkRegionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mdk_region_get_property;
  object_class->finalize = mdk_region_finalize;
  install_common_properties (object_class);
}

static void
mdk_region_init (MdkRegion *self)
{
  self->stores = g_list_store_new (MDK_TYPE_STORE);
}

MdkRegion *
mdk_region_new (gint64      id,
                const char *code,
                const char *name)
{
  MdkRegion *self = g_object_new (MDK_TYPE_REGION, NULL);

  self->id = id;
  self->code = g_strdup (code);
  self->name = g_strdup (name);
  return self;
}

void
mdk_region_add_store (MdkRegion *self,
                      MdkStore  *store)
{
  g_list_store_append (self->stores, store);
}

gint64 mdk_region_get_id (MdkRegion *self) { g_return_val_if_fail (MDK_IS_REGION (self), 0); return self->id; }
const char *mdk_region_get_code (MdkRegion *self) { g_return_val_if_fail (MDK_IS_REGION (self), NULL); return self->code; }
const char *mdk_region_get_name (MdkRegion *self) { g_return_val_if_fail (MDK_IS_REGION (self), NULL); return self->name; }

/**
 * mdk_region_get_stores:
 * @self: a #MdkRegion
 *
 * Returns: (transfer none): the region's #MdkStore list
 */
GListModel *
mdk_region_get_stores (MdkRegion *self)
{
  g_return_val_if_fail (MDK_IS_REGION (self), NULL);

  return G_LIST_MODEL (self->stores);
}

/* Store */

static void
mdk_store_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  MdkStore *self = MDK_STORE (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_int64 (value, self->id); break;
    case PROP_CODE: g_value_set_string (value, self->code); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_DETAIL: g_value_set_string (value, self->address ? self->address : self->city); break;
    case PROP_CHILDREN: g_value_set_object (value, self->terminals); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mdk_store_finalize (GObject *object)
{
  MdkStore *self = MDK_STORE (object);

  g_clear_pointer (&self->code, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->city, g_free);
  g_clear_pointer (&self->address, g_free);
  g_clear_object (&self->terminals);

  G_OBJECT_CLASS (mdk_store_parent_class)->finalize (object);
}

static void
mdk_store_class_init (MdkStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mdk_store_get_property;
  object_class->finalize = mdk_store_finalize;
  install_common_properties (object_class);
}

static void
mdk_store_init (MdkStore *self)
{
  self->terminals = g_list_store_new (MDK_TYPE_TERMINAL);
}

MdkStore *
mdk_store_new (gint64      id,
               const char *code,
               const char *name,
               const char *city,
               const char *address,
               gboolean    is_active)
{
  MdkStore *self = g_object_new (MDK_TYPE_STORE, NULL);

  self->id = id;
  self->code = g_strdup (code);
  self->name = g_strdup (name);
  self->city = g_strdup (city);
  self->address = g_strdup (address);
  self->is_active = is_active;
  return self;
}

void
mdk_store_add_terminal (MdkStore    *self,
                        MdkTerminal *terminal)
{
  g_list_store_append (self->terminals, terminal);
}

gint64 mdk_store_get_id (MdkStore *self) { g_return_val_if_fail (MDK_IS_STORE (self), 0); return self->id; }
const char *mdk_store_get_code (MdkStore *self) { g_return_val_if_fail (MDK_IS_STORE (self), NULL); return self->code; }
const char *mdk_store_get_name (MdkStore *self) { g_return_val_if_fail (MDK_IS_STORE (self), NULL); return self->name; }
const char *mdk_store_get_city (MdkStore *self) { g_return_val_if_fail (MDK_IS_STORE (self), NULL); return self->city; }
const char *mdk_store_get_address (MdkStore *self) { g_return_val_if_fail (MDK_IS_STORE (self), NULL); return self->address; }
gboolean mdk_store_get_is_active (MdkStore *self) { g_return_val_if_fail (MDK_IS_STORE (self), FALSE); return self->is_active; }

/**
 * mdk_store_get_terminals:
 * @self: a #MdkStore
 *
 * Returns: (transfer none): the store's #MdkTerminal list
 */
GListModel *
mdk_store_get_terminals (MdkStore *self)
{
  g_return_val_if_fail (MDK_IS_STORE (self), NULL);

  return G_LIST_MODEL (self->terminals);
}

/* Terminal */

static void
mdk_terminal_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MdkTerminal *self = MDK_TERMINAL (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_int64 (value, self->id); break;
    case PROP_CODE: g_value_set_string (value, self->code); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_DETAIL: g_value_set_string (value, mdk_terminal_get_kind_label (self)); break;
    case PROP_CHILDREN: g_value_set_object (value, NULL); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mdk_terminal_finalize (GObject *object)
{
  MdkTerminal *self = MDK_TERMINAL (object);

  g_clear_pointer (&self->code, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->kind, g_free);

  G_OBJECT_CLASS (mdk_terminal_parent_class)->finalize (object);
}

static void
mdk_terminal_class_init (MdkTerminalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mdk_terminal_get_property;
  object_class->finalize = mdk_terminal_finalize;
  install_common_properties (object_class);
}

static void
mdk_terminal_init (MdkTerminal *self)
{
}

MdkTerminal *
mdk_terminal_new (gint64      id,
                  const char *code,
                  const char *name,
                  const char *kind,
                  gboolean    is_active)
{
  MdkTerminal *self = g_object_new (MDK_TYPE_TERMINAL, NULL);

  self->id = id;
  self->code = g_strdup (code);
  self->name = g_strdup (name);
  self->kind = g_strdup (kind);
  self->is_active = is_active;
  return self;
}

gint64 mdk_terminal_get_id (MdkTerminal *self) { g_return_val_if_fail (MDK_IS_TERMINAL (self), 0); return self->id; }
const char *mdk_terminal_get_code (MdkTerminal *self) { g_return_val_if_fail (MDK_IS_TERMINAL (self), NULL); return self->code; }
const char *mdk_terminal_get_name (MdkTerminal *self) { g_return_val_if_fail (MDK_IS_TERMINAL (self), NULL); return self->name; }
const char *mdk_terminal_get_kind (MdkTerminal *self) { g_return_val_if_fail (MDK_IS_TERMINAL (self), NULL); return self->kind; }
gboolean mdk_terminal_get_is_active (MdkTerminal *self) { g_return_val_if_fail (MDK_IS_TERMINAL (self), FALSE); return self->is_active; }

/**
 * mdk_terminal_get_kind_label:
 * @self: a #MdkTerminal
 *
 * Returns: the kind of terminal in the user's language
 */
const char *
mdk_terminal_get_kind_label (MdkTerminal *self)
{
  g_return_val_if_fail (MDK_IS_TERMINAL (self), NULL);

  if (g_strcmp0 (self->kind, "pos") == 0)
    return _("Point of sale");
  if (g_strcmp0 (self->kind, "self_service") == 0)
    return _("Self-service kiosk");
  if (g_strcmp0 (self->kind, "call_center") == 0)
    return _("Call center");
  if (g_strcmp0 (self->kind, "website") == 0)
    return _("Website");

  return self->kind;
}
