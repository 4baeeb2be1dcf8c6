/* memberdesk-admin.c: the command-line companion, for scripts and servers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "mdk-core.h"

static char *opt_dbname;
static int opt_members = 1000;
static char *opt_on;
static gint64 opt_seed = 1;
static char *opt_query;
static char *opt_output;
static char *opt_store;
static char *opt_duplicates;
static char *opt_report;
static char **opt_map;
static gboolean opt_dry_run;
static const char *opt_file;

static const GOptionEntry entries[] = {
  { "dbname", 'd', 0, G_OPTION_ARG_STRING, &opt_dbname,
    N_("Database to use: a name or any libpq connection string (default: the PG* variables, or else your embedded server)"), N_("CONNINFO") },
  { "members", 0, 0, G_OPTION_ARG_INT, &opt_members, N_("demo: how many members to create (default 1000)"), "N" },
  { "seed", 0, 0, G_OPTION_ARG_INT64, &opt_seed, N_("demo: the seed; the same seed gives the same data (default 1)"), "S" },
  { "query", 0, 0, G_OPTION_ARG_STRING, &opt_query, N_("export: what to search for, as in the search field (default: every member)"), N_("TEXT") },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, N_("export: the file to write, .xlsx or .csv"), N_("FILE") },
  { "store", 0, 0, G_OPTION_ARG_STRING, &opt_store, N_("import: the home store (code or name) of rows that name none; recharge-batch: the store the batch is recharged at"), N_("STORE") },
  { "duplicates", 0, 0, G_OPTION_ARG_STRING, &opt_duplicates, N_("import: what to do with rows for existing members: skip (default), update or merge"), N_("POLICY") },
  { "report", 0, 0, G_OPTION_ARG_FILENAME, &opt_report, N_("import, recharge-batch: write the rejected rows, with their reasons, to this CSV file"), N_("FILE") },
  { "on", 0, 0, G_OPTION_ARG_STRING, &opt_on, N_("card-jobs: the day to run them for (default: today)"), N_("DATE") },
  { "dry-run", 0, 0, G_OPTION_ARG_NONE, &opt_dry_run, N_("recharge-batch: check the file and print its total, and apply nothing"), NULL },
  { "map", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_map, N_("import: what a column holds, overriding its header: COLUMN=name|mobile|gender|email|id_number|birthday|anniversary|store|group|tags|custom:KEY, or COLUMN= to ignore it"), N_("COLUMN=FIELD") },
  { NULL }
};

typedef struct
{
  MdkEmbeddedServer *server;  /* NULL for a server given by -d or PG* */
  MdkDatabase       *database;
  PGconn            *conn;
} Session;

static gboolean
pg_environment_is_set (void)
{
  static const char * const variables[] = { "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGSERVICE", "PGUSER" };

  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    if (g_getenv (variables[i]) != NULL)
      return TRUE;

  return FALSE;
}

/* Like psql: -d first, then the PG* variables; with neither, the user's
 * own embedded cluster, which is started if it is not running. */
static gboolean
session_open (Session  *session,
              GError  **error)
{
  g_autofree char *conninfo = NULL;

  if (opt_dbname != NULL)
    conninfo = g_strdup (opt_dbname);
  else if (pg_environment_is_set ())
    conninfo = g_strdup ("");
  else
    {
      session->server = mdk_embedded_server_new_default ();
      if (!mdk_embedded_server_start (session->server, NULL, error))
        return FALSE;
      conninfo = mdk_embedded_server_dup_conninfo (session->server, NULL);
    }

  session->database = mdk_database_new (conninfo, NULL);
  session->conn = mdk_database_connect (session->database, error);
  return session->conn != NULL;
}

static void
session_close (Session *session)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&session->conn, PQfinish);
  g_clear_object (&session->database);
  if (session->server != NULL && !mdk_embedded_server_stop (session->server, &error))
    g_printerr ("%s\n", error->message);
  g_clear_object (&session->server);
}

static gboolean
command_init (Session  *session,
              GError  **error)
{
  guint n_applied = 0;

  if (!mdk_migrations_apply (session->conn, NULL, &n_applied, error))
    return FALSE;

  g_print (ngettext ("Applied %u migration; the schema is at version %d.\n",
                     "Applied %u migrations; the schema is at version %d.\n", n_applied),
           n_applied, mdk_migrations_get_current_version (session->conn, NULL));
  return TRUE;
}

static void
print_progress (double   fraction,
                gpointer user_data)
{
  g_printerr ("\r%s %3d%%", _("Loading demo data…"), (int) (fraction * 100));
}

static gboolean
command_demo (Session  *session,
              GError  **error)
{
  gint64 start;
  double seconds;

  if (opt_members < 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("--members must not be negative"));
      return FALSE;
    }

  if (!mdk_migrations_apply (session->conn, NULL, NULL, error))
    return FALSE;

  start = g_get_monotonic_time ();
  if (!mdk_demo_generate (session->conn, opt_members, opt_seed,
                          isatty (STDERR_FILENO) ? print_progress : NULL, NULL, NULL, error))
    {
      if (isatty (STDERR_FILENO))
        g_printerr ("\n");
      return FALSE;
    }

  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  if (isatty (STDERR_FILENO))
    g_printerr ("\n");
  {
    g_autofree char *seed = g_strdup_printf ("%" G_GINT64_FORMAT, opt_seed);

    g_print (_("Loaded %d members (seed %s) in %.1f s: %.0f members/s.\n"),
             opt_members, seed, seconds, opt_members / MAX (seconds, 1e-6));
  }
  return TRUE;
}

static gboolean
command_status (Session  *session,
                GError  **error)
{
  g_autoptr(PGresult) server = NULL;
  g_autoptr(PGresult) counts = NULL;
  int version = mdk_migrations_get_current_version (session->conn, error);
  int latest = mdk_migrations_get_latest_version (NULL);

  if (version < 0)
    return FALSE;

  server = mdk_pg_exec (session->conn, "SELECT current_user, current_database(), current_setting('server_version')",
                        0, NULL, error);
  if (server == NULL)
    return FALSE;

  if (session->server != NULL)
    g_print (_("Server: this computer (embedded, data in %s)\n"), mdk_embedded_server_get_data_dir (session->server));
  else
    g_print (_("Server: %s\n"), PQhost (session->conn) ? PQhost (session->conn) : "");
  g_print (_("Database: %s, as %s, PostgreSQL %s\n"), PQgetvalue (server, 0, 1),
           PQgetvalue (server, 0, 0), PQgetvalue (server, 0, 2));
  g_print (_("Schema version: %d (this Memberdesk knows up to %d)\n"), version, latest);

  if (version == 0)
    {
      g_print (_("No Memberdesk schema here yet: run “memberdesk-admin init”.\n"));
      return TRUE;
    }
  if (version > latest)
    g_print (_("This database is newer than this Memberdesk: update Memberdesk.\n"));

  counts = mdk_pg_exec (session->conn,
                        "SELECT (SELECT count(*) FROM mdk.regions), (SELECT count(*) FROM mdk.stores), "
                        "(SELECT count(*) FROM mdk.terminals), (SELECT count(*) FROM mdk.operators), "
                        "(SELECT count(*) FROM mdk.card_types), (SELECT count(*) FROM mdk.members), "
                        "(SELECT count(*) FROM mdk.cards)", 0, NULL, error);
  if (counts == NULL)
    return FALSE;

  g_print (_("Regions: %s  Stores: %s  Terminals: %s  Operators: %s\n"),
           PQgetvalue (counts, 0, 0), PQgetvalue (counts, 0, 1), PQgetvalue (counts, 0, 2), PQgetvalue (counts, 0, 3));
  g_print (_("Card types: %s  Members: %s  Cards: %s\n"),
           PQgetvalue (counts, 0, 4), PQgetvalue (counts, 0, 5), PQgetvalue (counts, 0, 6));
  return TRUE;
}

static void
print_export_progress (guint64  done,
                       guint64  total,
                       gpointer user_data)
{
  g_printerr ("\r%s %3d%%", _("Exporting…"), total ? (int) (done * 100 / total) : 100);
}

static gboolean
command_export (Session  *session,
                GError  **error)
{
  g_autoptr(MdkMemberQuery) query = mdk_member_query_new (opt_query);
  gboolean known = FALSE;
  MdkExportFormat format;
  guint64 n_rows = 0;

  if (opt_output == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("Say where to write with --output FILE.xlsx or --output FILE.csv"));
      return FALSE;
    }
  format = mdk_export_format_for_path (opt_output, &known);
  if (!known)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("The output file must end in .xlsx or .csv"));
      return FALSE;
    }

  if (!mdk_member_export (session->conn, query, opt_output, format, 0,
                          isatty (STDERR_FILENO) ? print_export_progress : NULL, NULL, NULL, &n_rows, error))
    return FALSE;

  if (isatty (STDERR_FILENO))
    g_printerr ("\n");
  {
    g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, n_rows);

    g_print (ngettext ("Exported %s member to %s.\n", "Exported %s members to %s.\n", (gulong) n_rows),
             count, opt_output);
  }
  return TRUE;
}

static void
print_import_progress (double      fraction,
                       const char *stage,
                       gpointer    user_data)
{
  g_printerr ("\r%-40s %3d%%", stage, (int) (fraction * 100));
}

static gboolean
apply_mappings (MdkImportPlan  *plan,
                GError        **error)
{
  for (guint m = 0; opt_map != NULL && opt_map[m] != NULL; m++)
    {
      const char *equals = strrchr (opt_map[m], '=');
      g_autofree char *column = equals ? g_strndup (opt_map[m], equals - opt_map[m]) : NULL;
      gboolean found = FALSE;

      for (guint i = 0; column != NULL && plan->header[i] != NULL; i++)
        if (g_str_equal (plan->header[i], column))
          {
            g_free (plan->targets[i]);
            plan->targets[i] = g_strdup (equals + 1);
            found = TRUE;
          }
      if (!found)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--map %s: the file has no column with that header"), opt_map[m]);
          return FALSE;
        }
    }
  return TRUE;
}

/* The store --store names, by code or name; 0 when none is named. */
static gboolean
find_store (Session  *session,
            gint64   *store_id,
            GError  **error)
{
  const char *params[] = { opt_store };
  g_autoptr(PGresult) result = NULL;

  *store_id = 0;
  if (opt_store == NULL)
    return TRUE;

  result = mdk_pg_exec (session->conn, "SELECT id FROM mdk.stores WHERE is_active AND (code = $1 OR name = $1)",
                        1, params, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--store %s: there is no open store with that code or name"), opt_store);
      return FALSE;
    }
  *store_id = mdk_pg_get_int64 (result, 0, 0);
  return TRUE;
}

static gboolean
resolve_store (Session        *session,
               MdkImportPlan  *plan,
               GError        **error)
{
  gint64 store_id;

  if (!find_store (session, &store_id, error))
    return FALSE;
  if (store_id > 0)
    plan->default_store_id = store_id;
  return TRUE;
}

static void
print_rejections (const MdkImportResult *result)
{
  for (guint i = 0; i < result->rejections->len; i++)
    {
      MdkImportRejection *rejection = g_ptr_array_index (result->rejections, i);
      g_autofree char *line = g_strdup_printf ("%" G_GUINT64_FORMAT, rejection->line);

      /* Translators: a rejected row of an import: its line, then why */
      g_printerr (_("line %s: %s\n"), line, rejection->reason);
    }
}

static gboolean
command_import (Session  *session,
                GError  **error)
{
  g_autoptr(GListModel) fields = NULL;
  g_autoptr(MdkImportPlan) plan = NULL;
  g_autoptr(MdkImportResult) result = NULL;
  g_autofree char *summary = NULL;

  if ((fields = mdk_custom_fields_load (session->conn, error)) == NULL ||
      (plan = mdk_import_plan_new (opt_file, fields, error)) == NULL ||
      !apply_mappings (plan, error) ||
      !resolve_store (session, plan, error))
    return FALSE;

  if (opt_duplicates == NULL || g_str_equal (opt_duplicates, "skip"))
    plan->duplicates = MDK_IMPORT_SKIP;
  else if (g_str_equal (opt_duplicates, "update"))
    plan->duplicates = MDK_IMPORT_UPDATE;
  else if (g_str_equal (opt_duplicates, "merge"))
    plan->duplicates = MDK_IMPORT_MERGE;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--duplicates %s: say skip, update or merge"), opt_duplicates);
      return FALSE;
    }

  if (!mdk_pg_exec_command (session->conn, "BEGIN", 0, NULL, error))
    return FALSE;
  result = mdk_member_import (session->conn, plan, isatty (STDERR_FILENO) ? print_import_progress : NULL, NULL,
                              NULL, error);
  if (result == NULL || !mdk_pg_exec_command (session->conn, "COMMIT", 0, NULL, error))
    {
      mdk_pg_exec_command (session->conn, "ROLLBACK", 0, NULL, NULL);
      return FALSE;
    }
  if (isatty (STDERR_FILENO))
    g_printerr ("\n");

  {
    g_autofree char *rows = g_strdup_printf ("%" G_GUINT64_FORMAT, result->n_rows);
    g_autofree char *inserted = g_strdup_printf ("%" G_GUINT64_FORMAT, result->n_inserted);
    g_autofree char *updated = g_strdup_printf ("%" G_GUINT64_FORMAT, result->n_updated);
    g_autofree char *skipped = g_strdup_printf ("%" G_GUINT64_FORMAT, result->n_skipped);
    g_autofree char *rejected = g_strdup_printf ("%u", result->rejections->len);
    g_autofree char *kept = g_strdup_printf ("%" G_GUINT64_FORMAT, result->n_birthdays_kept);

    /* Translators: a file name, then counts of rows */
    summary = g_strdup_printf (_("%s: rows read: %s · new members: %s · updated: %s · skipped: %s · rejected: %s\n"),
                               opt_file, rows, inserted, updated, skipped, rejected);
    g_print ("%s", summary);
    if (result->n_birthdays_kept > 0)
      /* Translators: %s is a number of members */
      g_print (_("%s existing birthdays differ from the file and were kept: change them in the member form, "
                 "where head office’s policy applies.\n"), kept);
  }

  if (opt_report != NULL && !mdk_import_result_write_report (result, plan, opt_report, error))
    return FALSE;
  if (result->rejections->len == 0)
    return TRUE;

  print_rejections (result);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
               ngettext ("%u row was rejected; the others landed.", "%u rows were rejected; the others landed.",
                         result->rejections->len),
               result->rejections->len);
  return FALSE;
}

static gboolean
command_recharge_batch (Session  *session,
                        GError  **error)
{
  g_autoptr(MdkRechargeBatch) batch = NULL;
  g_autofree MdkRechargeBatchResult *result = NULL;
  g_autofree char *total = NULL;
  gint64 store_id;

  if (!find_store (session, &store_id, error) ||
      !(batch = mdk_recharge_batch_read (opt_file, NULL, error)) ||
      !mdk_recharge_batch_check (session->conn, batch, error))
    return FALSE;
  if (store_id == 0 && batch->earlier_batch == 0 && !opt_dry_run)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("Say which store the batch is recharged at with --store"));
      return FALSE;
    }

  total = mdk_money_format (batch->total, "¥");
  /* Translators: a file name, a number of lines, a total amount, a number of lines */
  g_print (_("%s: %u lines to recharge, %s in all; %u lines rejected\n"), opt_file, batch->lines->len, total,
           batch->rejections->len);
  if (batch->earlier_batch > 0)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, batch->earlier_batch);

      /* Translators: a batch number and a date */
      g_print (_("This file was applied as batch %s on %s: applying it again charges nobody twice.\n"), number,
               batch->earlier_at);
    }

  if (!opt_dry_run && batch->lines->len > 0)
    {
      if (!mdk_pg_exec_command (session->conn, "BEGIN", 0, NULL, error))
        return FALSE;
      result = mdk_recharge_batch_apply (session->conn, batch, store_id, NULL, NULL, NULL, error);
      if (result == NULL || !mdk_pg_exec_command (session->conn, "COMMIT", 0, NULL, error))
        {
          mdk_pg_exec_command (session->conn, "ROLLBACK", 0, NULL, NULL);
          return FALSE;
        }
      {
        g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, result->batch_id);
        g_autofree char *bonus = mdk_money_format (result->bonus, "¥");

        /* Translators: a batch number, a number of lines, an amount, an amount */
        g_print (_("Batch %s: %u lines recharged, %s, with %s of bonus\n"), number, result->lines, total, bonus);
      }
    }

  if (opt_report != NULL && !mdk_recharge_batch_write_report (batch, opt_report, error))
    return FALSE;
  if (batch->rejections->len == 0)
    return TRUE;

  for (guint i = 0; i < batch->rejections->len; i++)
    {
      MdkRechargeRejection *rejection = g_ptr_array_index (batch->rejections, i);
      g_autofree char *line = g_strdup_printf ("%" G_GUINT64_FORMAT, rejection->line);

      g_printerr (_("line %s: %s\n"), line, rejection->reason);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
               ngettext ("%u line was rejected; the others were recharged.",
                         "%u lines were rejected; the others were recharged.", batch->rejections->len),
               batch->rejections->len);
  return FALSE;
}

/* The nightly card jobs: expiry, annual fees, then tiers, each safe to
 * run any number of times. */
static gboolean
command_card_jobs (Session  *session,
                   GError  **error)
{
  const char *params[] = { opt_on };
  g_autoptr(PGresult) expired = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(PGresult) tiers = NULL;
  g_autofree char *amount = NULL;

  if (opt_on != NULL && !g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", opt_on, 0, 0))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("--on takes a date such as 2026-11-25"));
      return FALSE;
    }
  expired = mdk_pg_exec (session->conn, "SELECT mdk.expire_cards(coalesce($1::date, current_date))", 1, params, error);
  if (expired == NULL)
    return FALSE;
  result = mdk_pg_exec (session->conn,
                        "SELECT (f ->> 'charged')::bigint, (f ->> 'amount')::bigint, (f ->> 'due')::bigint "
                        "FROM mdk.charge_annual_fees(coalesce($1::date, current_date)) AS f",
                        1, params, error);
  if (result == NULL)
    return FALSE;

  tiers = mdk_pg_exec (session->conn,
                       "SELECT (t ->> 'up'), (t ->> 'noticed'), (t ->> 'kept'), (t ->> 'down') "
                       "FROM mdk.apply_tier_rules(coalesce($1::date, current_date)) AS t",
                       1, params, error);
  if (tiers == NULL)
    return FALSE;

  amount = mdk_money_format (mdk_pg_get_int64 (result, 0, 1), "¥");
  /* Translators: numbers of cards and fees, and an amount */
  g_print (_("%s cards expired; %s annual fees charged (%s); %s fees due, to be paid at a counter\n"),
           PQgetvalue (expired, 0, 0), PQgetvalue (result, 0, 0), amount, PQgetvalue (result, 0, 2));
  /* Translators: numbers of cards */
  g_print (_("Tiers: %s cards moved up; %s given notice of a move down; %s kept their tier; %s moved down\n"),
           PQgetvalue (tiers, 0, 0), PQgetvalue (tiers, 0, 1), PQgetvalue (tiers, 0, 2), PQgetvalue (tiers, 0, 3));
  return TRUE;
}

static const struct {
  const char *name;
  gboolean (*run) (Session *, GError **);
  const char *help;
} commands[] = {
  { "init", command_init, N_("Create or update Memberdesk’s schema") },
  { "demo", command_demo, N_("Load a demo chain into an empty database") },
  { "status", command_status, N_("Show the server, the schema version and how much data there is") },
  { "export", command_export, N_("“export members --output FILE [--query TEXT]”: members to Excel or CSV") },
  { "import", command_import, N_("“import members FILE [--store STORE] [--duplicates skip|update|merge] [--report FILE]”: "
                                 "members from CSV or .xlsx, as one unit; exits with 0 only when every row landed") },
  { "recharge-batch", command_recharge_batch,
    N_("“recharge-batch FILE --store STORE [--dry-run] [--report FILE]”: recharge the cards of a CSV or .xlsx file "
       "(card, amount in yuan, reference) as one batch; the same file never charges twice; exits with 0 only when "
       "every line was recharged") },
  { "card-jobs", command_card_jobs,
    N_("“card-jobs [--on DATE]”: expire the cards whose validity ended, charge the annual fees that came due and apply the tier rules; "
       "safe to run any number of times, for a nightly job") },
};

static char *
describe_commands (void)
{
  GString *text = g_string_new (_("Commands:"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "\n  %-15s %s", commands[i].name, _(commands[i].help));

  return g_string_free (text, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) options = g_option_context_new (_("COMMAND — manage a Memberdesk database"));
  g_autofree char *commands_text = NULL;
  g_autoptr(GError) error = NULL;
  Session session = { NULL };
  gboolean ok;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  commands_text = describe_commands ();
  g_option_context_add_main_entries (options, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (options, commands_text);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  /* "export" and "import" take what to export or import, so far only
   * "members"; "import" then takes the file, as "recharge-batch" does. */
  for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name) &&
        (g_str_equal (argv[1], "recharge-batch") ? argc == 3 :
         argc == (g_str_equal (argv[1], "export") ? 3 : g_str_equal (argv[1], "import") ? 4 : 2) &&
         (argc == 2 || g_str_equal (argv[2], "members"))))
      {
        opt_file = argc == 4 ? argv[3] : g_str_equal (argv[1], "recharge-batch") ? argv[2] : NULL;
        ok = session_open (&session, &error) && commands[i].run (&session, &error);
        session_close (&session);
        if (!ok)
          g_printerr ("memberdesk-admin: %s\n", error->message);
        return ok ? 0 : 1;
      }

  g_printerr ("%s\n", g_option_context_get_help (options, TRUE, NULL));
  return 2;
}
