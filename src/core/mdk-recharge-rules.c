/* mdk-recharge-rules.c: head office's rules for recharges: the stores and
 * operators that may recharge (mdk.recharge_permissions), and the bonuses
 * a recharge earns (mdk.recharge_bonus_rules)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mdk-recharge-rules.h"

static void
permission_clear (MdkRechargePermission *permission)
{
  g_free (permission->store_name);
  g_free (permission->operator_name);
}

static void
bonus_rule_clear (MdkBonusRule *rule)
{
  g_free (rule->card_type_name);
  g_free (rule->starts_on);
  g_free (rule->ends_on);
}

void
mdk_recharge_rules_free (MdkRechargeRules *rules)
{
  if (rules == NULL)
    return;

  g_clear_pointer (&rules->permissions, g_array_unref);
  g_clear_pointer (&rules->bonus_rules, g_array_unref);
  g_free (rules);
}

/**
 * mdk_recharge_rules_load:
 * @conn: a connection
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the rules, or %NULL
 */
MdkRechargeRules *
mdk_recharge_rules_load (PGconn  *conn,
                         GError **error)
{
  g_autoptr(MdkRechargeRules) rules = g_new0 (MdkRechargeRules, 1);
  g_autoptr(PGresult) permissions = NULL;
  g_autoptr(PGresult) bonuses = NULL;

  permissions = mdk_pg_exec (conn,
    "SELECT p.id, s.name || ' · ' || s.city, o.name || ' (' || o.login || ')' "
    "FROM mdk.recharge_permissions p LEFT JOIN mdk.stores s ON s.id = p.store_id "
    "LEFT JOIN mdk.operators o ON o.id = p.operator_id "
    "ORDER BY p.store_id IS NOT NULL, p.operator_id IS NOT NULL, s.code, o.login", 0, NULL, error);
  if (permissions == NULL)
    return NULL;
  bonuses = mdk_pg_exec (conn,
    "SELECT r.id, r.min_amount, r.bonus, t.name, r.starts_on::text, r.ends_on::text "
    "FROM mdk.recharge_bonus_rules r LEFT JOIN mdk.card_types t ON t.id = r.card_type_id "
    "WHERE r.is_active AND (r.ends_on IS NULL OR r.ends_on >= current_date) "
    "ORDER BY r.min_amount DESC, r.bonus DESC, r.id", 0, NULL, error);
  if (bonuses == NULL)
    return NULL;

  rules->permissions = g_array_new (FALSE, TRUE, sizeof (MdkRechargePermission));
  g_array_set_clear_func (rules->permissions, (GDestroyNotify) permission_clear);
  for (int row = 0; row < PQntuples (permissions); row++)
    {
      MdkRechargePermission permission = {
        mdk_pg_get_int64 (permissions, row, 0),
        PQgetisnull (permissions, row, 1) ? NULL : mdk_pg_get_string (permissions, row, 1),
        PQgetisnull (permissions, row, 2) ? NULL : mdk_pg_get_string (permissions, row, 2),
      };

      g_array_append_val (rules->permissions, permission);
    }

  rules->bonus_rules = g_array_new (FALSE, TRUE, sizeof (MdkBonusRule));
  g_array_set_clear_func (rules->bonus_rules, (GDestroyNotify) bonus_rule_clear);
  for (int row = 0; row < PQntuples (bonuses); row++)
    {
      MdkBonusRule rule = {
        mdk_pg_get_int64 (bonuses, row, 0),
        mdk_pg_get_int64 (bonuses, row, 1),
        mdk_pg_get_int64 (bonuses, row, 2),
        PQgetisnull (bonuses, row, 3) ? NULL : mdk_pg_get_string (bonuses, row, 3),
        PQgetisnull (bonuses, row, 4) ? NULL : mdk_pg_get_string (bonuses, row, 4),
        PQgetisnull (bonuses, row, 5) ? NULL : mdk_pg_get_string (bonuses, row, 5),
      };

      g_array_append_val (rules->bonus_rules, rule);
    }

  return g_steal_pointer (&rules);
}

static char *
id_or_null (gint64 id)
{
  return id > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, id) : NULL;
}

/**
 * mdk_recharge_rules_allow:
 * @conn: a connection
 * @store_id: a store, or 0 for any
 * @operator_id: an operator, or 0 for any
 * @error: return location for a #GError
 *
 * Lets the operator recharge at the store (both 0: everyone everywhere).
 * Allowing what is allowed already changes nothing. Only head office may
 * (%MDK_DATABASE_ERROR_PERMISSION_DENIED), as for every change of the rules.
 *
 * Returns: %TRUE when done
 */
gboolean
mdk_recharge_rules_allow (PGconn  *conn,
                          gint64   store_id,
                          gint64   operator_id,
                          GError **error)
{
  g_autofree char *store = id_or_null (store_id);
  g_autofree char *operator = id_or_null (operator_id);
  const char *params[] = { store, operator };

  return mdk_pg_exec_command (conn, "SELECT mdk.allow_recharge($1, $2)", 2, params, error);
}

/**
 * mdk_recharge_rules_disallow:
 * @conn: a connection
 * @permission_id: a row of mdk.recharge_permissions
 * @error: return location for a #GError
 *
 * Returns: %TRUE when done
 */
gboolean
mdk_recharge_rules_disallow (PGconn  *conn,
                             gint64   permission_id,
                             GError **error)
{
  g_autofree char *id = id_or_null (permission_id);
  const char *params[] = { id };

  return mdk_pg_exec_command (conn, "SELECT mdk.disallow_recharge($1)", 1, params, error);
}

/**
 * mdk_recharge_rules_add_bonus:
 * @conn: a connection
 * @min_amount: fen a recharge must reach, > 0
 * @bonus: fen of promotional value, > 0
 * @card_type_id: a card type, or 0 for all
 * @error: return location for a #GError
 *
 * "Recharge @min_amount, get @bonus", from today.
 *
 * Returns: %TRUE when done
 */
gboolean
mdk_recharge_rules_add_bonus (PGconn  *conn,
                              gint64   min_amount,
                              gint64   bonus,
                              gint64   card_type_id,
                              GError **error)
{
  g_autofree char *min_text = g_strdup_printf ("%" G_GINT64_FORMAT, min_amount);
  g_autofree char *bonus_text = g_strdup_printf ("%" G_GINT64_FORMAT, bonus);
  g_autofree char *type = id_or_null (card_type_id);
  const char *params[] = { min_text, bonus_text, type };

  return mdk_pg_exec_command (conn, "SELECT mdk.add_recharge_bonus($1, $2, $3)", 3, params, error);
}

/**
 * mdk_recharge_rules_end_bonus:
 * @conn: a connection
 * @rule_id: a row of mdk.recharge_bonus_rules
 * @error: return location for a #GError
 *
 * Ends a bonus: recharges from now on do not earn it. Its row stays, for
 * the recharges that did.
 *
 * Returns: %TRUE when done
 */
gboolean
mdk_recharge_rules_end_bonus (PGconn  *conn,
                              gint64   rule_id,
                              GError **error)
{
  g_autofree char *id = id_or_null (rule_id);
  const char *params[] = { id };

  return mdk_pg_exec_command (conn, "SELECT mdk.end_recharge_bonus($1)", 1, params, error);
}
