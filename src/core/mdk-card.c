/* mdk-card.c: one membership card, as a member profile shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mdk-card.h"

struct _MdkCard
{
  GObject     parent_instance;
  char       *fields[MDK_CARD_N_FIELDS];

};

G_DEFINE_FINAL_TYPE (MdkCard, mdk_card, G_TYPE_OBJECT)

static const char * const field_names[MDK_CARD_N_FIELDS] = {
  "card-no",
  "card-type",
  "card-kind",
  "state",
  "issued-on",
  "expires-on",
  "primary-card-no",
  "issued-store",
  "balance",
  "bonus-balance",
  "points-balance",
  /* What can be done with it now (mdk.card_transitions), comma-separated. */
  "actions",
  "replacement-fee",
  /* "t" when its stored value is paid back on cancellation. */
  "refund-on-cancel",
  /* The cards under it still in use or expired. */
  "n-under",
  /* Fen of stored value it may spend in a day, or NULL. */
  "daily-limit",
  /* A move down noticed: the day, and the name of the type it goes to. */
  "tier-down-on",
  "tier-down-to",
  /* The last day a tier head office set holds ("infinity" for good), or NULL. */
  "tier-held-until",
  /* Fen its terms charge for a loss report. */
  "service-fee",
  /* "true" for a card under another with accounts of its own. */
  "own-accounts",
  /* What the cards under it with accounts of their own would close if it
   * were cancelled: stored value paid back and forfeited by their terms
   * (fen), promotional value (fen) and points. */
  "under-refund",
  "under-forfeit",
  "under-bonus",
  "under-points",
};

static GParamSpec *properties[MDK_CARD_N_FIELDS + 2];

static void
mdk_card_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  MdkCard *self = (MdkCard *) object;

  if (prop_id >= 1 && prop_id <= MDK_CARD_N_FIELDS)
    g_value_set_string (value, self->fields[prop_id - 1]);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
mdk_card_finalize (GObject *object)
{
  MdkCard *self = (MdkCard *) object;

  for (guint i = 0; i < MDK_CARD_N_FIELDS; i++)
    g_free (self->fields[i]);


  G_OBJECT_CLASS (mdk_card_parent_class)->finalize (object);
}

static void
mdk_card_class_init (MdkCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mdk_card_get_property;
  object_class->finalize = mdk_card_finalize;

  for (guint i = 0; i < MDK_CARD_N_FIELDS; i++)
    properties[i + 1] = g_param_spec_string (field_names[i], NULL, NULL, NULL,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, MDK_CARD_N_FIELDS + 1, properties);
}

static void
mdk_card_init (MdkCard *self)
{
}

/**
 * mdk_card_new:
 * @fields: (array fixed-size=MDK_CARD_N_FIELDS): values in #MdkCardField order, %NULL for none
 *
 * Returns: (transfer full): a new #MdkCard
 */
MdkCard *
mdk_card_new (const char * const *fields)
{
  MdkCard *self = g_object_new (MDK_TYPE_CARD, NULL);

  for (guint i = 0; i < MDK_CARD_N_FIELDS; i++)
    self->fields[i] = g_strdup (fields[i]);
  return self;
}

/**
 * mdk_card_get_field:
 * @self: a #MdkCard
 * @field: which
 *
 * Returns: (nullable): the value, %NULL when there is none
 */
const char *
mdk_card_get_field (MdkCard      *self,
                    MdkCardField  field)
{
  g_return_val_if_fail (MDK_IS_CARD (self), NULL);
  g_return_val_if_fail (field < MDK_CARD_N_FIELDS, NULL);

  return self->fields[field];
}

/**
 * mdk_card_state_label:
 * @state: (nullable): a value of `mdk.card_state`
 *
 * Returns: the state in the person's language
 */
const char *
mdk_card_state_label (const char *state)
{
  static const struct { const char *state; const char *label; } states[] = {
    { "active", N_("Active") }, { "lost", N_("Reported lost") }, { "frozen", N_("Frozen") },
    { "cancelled", N_("Cancelled") }, { "replaced", N_("Replaced") }, { "expired", N_("Expired") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    if (g_strcmp0 (state, states[i].state) == 0)
      return _(states[i].label);
  return state;
}
