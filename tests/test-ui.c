/* test-ui.c: the real window under a display, driven through its actions,
 * with a PNG of every state saved for people to look at
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mdk-test-fixture.h"
#include "mdk-test-screenshot.h"
#include "mdk-preferences-window.h"
#include "mdk-window.h"
#include "finance/mdk-batch-recharge-window.h"
#include "finance/mdk-finance-page.h"
#include "finance/mdk-ledger-dialog.h"
#include "finance/mdk-recharge-rules-window.h"
#include "finance/mdk-transaction-window.h"
#include "cards/mdk-card-batch-window.h"
#include "cards/mdk-card-dialog.h"
#include "cards/mdk-card-type-window.h"
#include "cards/mdk-cards-page.h"
#include "members/mdk-members-page.h"
#include "org/mdk-org-page.h"

static const char * const section_ids[] = {
  "members", "cards", "finance", "points", "visits", "reports", "organization",
};

static void
wait_until_idle (MdkWindow *window)
{
  for (guint i = 0; i < 600 && mdk_window_get_busy (window); i++)
    mdk_test_wait_ms (50);
  g_assert_false (mdk_window_get_busy (window));
  mdk_test_wait_ms (300);
}


static MdkTestDb *
demo_db (void)
{
  MdkTestDb *db = mdk_test_db_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (mdk_demo_generate (db->conn, 500, 11, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return db;
}

static void
test_loading_and_error (void)
{
  MdkWindow *window = mdk_window_new (NULL);
  g_autofree char *dir = mdk_test_make_tmpdir ();
  g_autofree char *conninfo = g_strdup_printf ("host=%s dbname=memberdesk", dir);
  g_autoptr(MdkContext) context = mdk_context_new_for_server (conninfo, NULL);
  g_autoptr(GError) error = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  mdk_window_show_loading (window, _("Starting the Database"));
  gtk_window_present (GTK_WINDOW (window));
  mdk_test_wait_ms (500);
  g_assert_true (mdk_window_get_busy (window));
  mdk_test_save_screenshot (GTK_WIDGET (window), "window-loading");

  /* A real failure: nothing listens on that socket. */
  g_assert_false (mdk_context_open (context, NULL, &error));
  mdk_window_show_error (window, error);
  mdk_test_wait_ms (300);
  g_assert_false (mdk_window_get_busy (window));
  mdk_test_save_screenshot (GTK_WIDGET (window), "window-error");

  gtk_window_destroy (GTK_WINDOW (window));
  g_rmdir (dir);
}

static void
test_sections (void)
{
  g_autoptr(MdkTestDb) db = demo_db ();
  g_autoptr(MdkContext) context = mdk_context_new_for_server (db->conninfo, NULL);
  g_autoptr(GError) error = NULL;
  MdkWindow *window = mdk_window_new (NULL);
  MdkOrgPage *org_page;
  gint64 n_stores = mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.stores");

  g_assert_true (mdk_context_open (context, NULL, &error));
  g_assert_no_error (error);

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  mdk_window_set_context (window, context);
  wait_until_idle (window);

  /* Organization lists the real regions, with their stores unfolded. */
  org_page = MDK_ORG_PAGE (mdk_window_get_section_page (window, "organization"));
  g_assert_cmpuint (mdk_org_page_get_n_rows (org_page), ==, 7 + n_stores);

  for (guint i = 0; i < G_N_ELEMENTS (section_ids); i++)
    {
      g_autofree char *name = g_strdup_printf ("section-%u-%s", i + 1, section_ids[i]);

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", section_ids[i]));
      mdk_test_wait_ms (400);
      g_assert_cmpstr (mdk_window_get_section (window), ==, section_ids[i]);
      mdk_test_save_screenshot (GTK_WIDGET (window), name);
    }

  /* Sections not built yet say so, and show no invented data. */
  g_assert_true (ADW_IS_STATUS_PAGE (mdk_window_get_section_page (window, "points")));
  {
    g_autofree char *sentence = g_strdup_printf (_("%s This section is not built yet."), "");
    const char *description = adw_status_page_get_description (ADW_STATUS_PAGE (mdk_window_get_section_page (window, "visits")));

    /* The sentence that says so, in the person's language */
    g_assert_true (g_str_has_suffix (description, g_strstrip (sentence)));
  }

  /* Members: everyone first, then a search by the last four digits of a mobile number. */
  {
    MdkMembersPage *members = MDK_MEMBERS_PAGE (mdk_window_get_section_page (window, "members"));
    MdkMemberList *list = mdk_members_page_get_list (members);
    g_autofree char *mobile = mdk_test_query_string (db->conn, "SELECT mobile FROM mdk.members WHERE id = 321");
    g_autofree char *name = mdk_test_query_string (db->conn, "SELECT name FROM mdk.members WHERE id = 321");
    gint64 same_suffix = 0;

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 500);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL));
    mdk_members_page_search (members, mobile + 7);
    wait_until_idle (window);
    {
      const char *params[] = { mobile + 7 };
      g_autoptr(PGresult) count = mdk_pg_exec (db->conn, "SELECT count(*) FROM mdk.members WHERE mobile LIKE '%' || $1",
                                               1, params, NULL);

      same_suffix = mdk_pg_get_int64 (count, 0, 0);
    }
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, same_suffix);
    mdk_test_save_screenshot (GTK_WIDGET (window), "members-search-mobile");

    mdk_members_page_search (members, name);
    wait_until_idle (window);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), >=, 1);
    mdk_test_save_screenshot (GTK_WIDGET (window), "members-search-name");

    /* Activating a row opens the member's profile. */
    {
      MdkMemberWindow *profile = mdk_members_page_open_member (members, 0);
      MdkMemberDetail *detail;

      g_assert_nonnull (profile);
      /* Tall enough for the picture to show every group. */
      gtk_window_set_default_size (GTK_WINDOW (profile), 600, 1500);
      for (guint i = 0; i < 400 && mdk_member_window_get_busy (profile); i++)
        mdk_test_wait_ms (25);
      mdk_test_wait_ms (400);
      detail = mdk_member_window_get_detail (profile);
      g_assert_nonnull (detail);
      g_assert_cmpstr (mdk_member_detail_get_field (detail, MDK_MEMBER_DETAIL_FIELD_NAME), ==, name);
      mdk_test_save_screenshot (GTK_WIDGET (profile), "member-profile");
      gtk_window_destroy (GTK_WINDOW (profile));
    }

    /* A home store, and members who joined in a range of dates. */
    {
      g_autofree char *store = mdk_test_query_string (db->conn, "SELECT home_store_id::text FROM mdk.members "
                                                     "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1");
      g_autofree char *count_sql = g_strdup_printf ("SELECT count(*) FROM mdk.members WHERE home_store_id = %s", store);
      gint64 in_store = mdk_test_query_int (db->conn, count_sql);
      gint64 in_2024 = mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members WHERE joined_at >= '2024-01-01' "
                                           "AND joined_at < '2025-01-01'");

      mdk_members_page_search (members, "");
      mdk_members_page_filter_store (members, g_ascii_strtoll (store, NULL, 10));
      wait_until_idle (window);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, (guint) in_store);
      mdk_members_page_filter_store (members, 0);
      mdk_members_page_filter_joined (members, "2024/1/1", "2024年12月31日");
      wait_until_idle (window);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, (guint) in_2024);
      mdk_test_save_screenshot (GTK_WIDGET (window), "members-joined-range");
      mdk_members_page_filter_joined (members, NULL, NULL);
    }

    /* By home store, reversed: the last store by name comes first. */
    {
      g_autofree char *last_store = mdk_test_query_string (db->conn, "SELECT s.name FROM mdk.members m JOIN mdk.stores s "
                                                          "ON s.id = m.home_store_id ORDER BY s.name COLLATE mdk.pinyin DESC, s.id DESC LIMIT 1");
      g_autoptr(MdkMember) first = NULL;

      mdk_members_page_sort (members, MDK_MEMBER_SORT_STORE, TRUE);
      wait_until_idle (window);
      first = g_list_model_get_item (G_LIST_MODEL (list), 0);
      for (guint i = 0; i < 400 && !mdk_member_get_loaded (first); i++)
        mdk_test_wait_ms (25);
      g_assert_cmpstr (mdk_member_get_store_name (first), ==, last_store);
      mdk_test_save_screenshot (GTK_WIDGET (window), "members-by-store");
      mdk_members_page_sort (members, MDK_MEMBER_SORT_NAME, FALSE);
      wait_until_idle (window);
    }

    mdk_members_page_search (members, "没有这个人");
    wait_until_idle (window);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
    mdk_test_save_screenshot (GTK_WIDGET (window), "members-search-nobody");
    mdk_members_page_search (members, "");
    wait_until_idle (window);

    /* Export what the page finds, in the background. */
    {
      g_autofree char *dir = mdk_test_make_tmpdir ();
      g_autofree char *path = g_build_filename (dir, "members", NULL);
      g_autofree char *written = g_strconcat (path, ".xlsx", NULL);

      mdk_members_page_export_to (members, path);
      g_assert_true (mdk_members_page_get_exporting (members));
      for (guint i = 0; i < 400 && mdk_members_page_get_exporting (members); i++)
        mdk_test_wait_ms (25);
      g_assert_false (mdk_members_page_get_exporting (members));
      g_assert_true (g_file_test (written, G_FILE_TEST_IS_REGULAR));
      mdk_test_wait_ms (300);
      mdk_test_save_screenshot (GTK_WIDGET (window), "members-exported");
      g_unlink (written);
      g_rmdir (dir);
    }
  }

  /* Reloading reads the organisation again. */
  mdk_test_exec (db->conn, "INSERT INTO mdk.stores (region_id, code, name, city) VALUES (1, 'NEW-001', '新店', '北京')");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reload", NULL));
  wait_until_idle (window);
  g_assert_cmpuint (mdk_org_page_get_n_rows (org_page), ==, 7 + n_stores + 1);

  /* A narrow window folds the sidebar away, GNOME style. */
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 700);
  mdk_test_wait_ms (600);
  mdk_test_save_screenshot (GTK_WIDGET (window), "window-narrow");

  gtk_window_destroy (GTK_WINDOW (window));
}



/* The main window on @db's members, as a person finds it after start-up.
 * The window keeps the context. */
static MdkWindow *
open_members (MdkTestDb       *db,
              MdkMembersPage **members)
{
  g_autoptr(MdkContext) context = mdk_context_new_for_server (db->conninfo, NULL);
  g_autoptr(GError) error = NULL;
  MdkWindow *window = mdk_window_new (NULL);

  g_assert_true (mdk_context_open (context, NULL, &error));
  g_assert_no_error (error);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  mdk_window_set_context (window, context);
  wait_until_idle (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", "members"));
  *members = MDK_MEMBERS_PAGE (mdk_window_get_section_page (window, "members"));
  return window;
}

static void
wait_for_editor (MdkMemberEditor *editor)
{
  for (guint i = 0; i < 400 && mdk_member_editor_get_busy (editor); i++)
    mdk_test_wait_ms (25);
  g_assert_false (mdk_member_editor_get_busy (editor));
  mdk_test_wait_ms (300);
}

static gint64
member_count (MdkTestDb *db)
{
  return mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members");
}

static void
test_member_editor (void)
{
  g_autoptr(MdkTestDb) db = demo_db ();
  MdkMembersPage *members;
  MdkWindow *window = open_members (db, &members);
  MdkMemberEditor *editor;
  g_autofree char *taken_mobile = NULL;
  gint64 before;
  gint64 saved_id;

  taken_mobile = mdk_test_query_string (db->conn, "SELECT mobile FROM mdk.members WHERE id = 321");
  before = member_count (db);

  /* At the counter: an empty form, mobile first. */
  editor = mdk_members_page_new_member (members, "store_counter");
  gtk_window_set_default_size (GTK_WINDOW (editor), 560, 900);
  wait_for_editor (editor);
  mdk_test_save_screenshot (GTK_WIDGET (editor), "member-editor-new");

  /* A wrong number is named in words, and nothing is saved. */
  mdk_member_editor_set_field_text (editor, "name", "测试会员");
  mdk_member_editor_set_field_text (editor, "mobile", "138 1234");
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  wait_for_editor (editor);
  g_assert_cmpstr (mdk_member_editor_get_message (editor), ==,
                   _("Enter an 11-digit mainland mobile number, or an international number "
                     "starting with + and its country code."));
  mdk_test_save_screenshot (GTK_WIDGET (editor), "member-editor-invalid");

  /* A number another member has offers that member instead. */
  mdk_member_editor_set_field_text (editor, "mobile", taken_mobile);
  for (guint i = 0; i < 100 && mdk_member_editor_get_duplicate_id (editor) == 0; i++)
    mdk_test_wait_ms (25);
  g_assert_cmpint (mdk_member_editor_get_duplicate_id (editor), ==, 321);
  mdk_test_wait_ms (400);
  mdk_test_save_screenshot (GTK_WIDGET (editor), "member-editor-duplicate");
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  wait_for_editor (editor);
  g_assert_cmpint (member_count (db), ==, before);

  /* Closing a form with typing in it asks first. */
  g_object_ref (editor);
  gtk_window_close (GTK_WINDOW (editor));
  mdk_test_wait_ms (200);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor)));

  /* A new number saves; the ID number fills in the birthday. */
  mdk_member_editor_set_field_text (editor, "mobile", "+86 139 0000 0999");
  mdk_member_editor_set_field_text (editor, "id-number", "11010519491231002x");
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  for (guint i = 0; i < 400 && mdk_member_editor_get_saved_id (editor) == 0; i++)
    mdk_test_wait_ms (25);
  saved_id = mdk_member_editor_get_saved_id (editor);
  g_assert_cmpint (saved_id, >, 0);
  g_assert_cmpint (member_count (db), ==, before + 1);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT m.mobile || ' ' || m.birthday || ' ' || m.entry_channel || ' ' || o.login "
                                            "FROM mdk.members m JOIN mdk.operators o ON o.id = m.entry_operator_id "
                                            "WHERE m.id = %" G_GINT64_FORMAT, saved_id);
    g_autofree char *row = mdk_test_query_string (db->conn, sql);

    g_assert_cmpstr (row, ==, "13900000999 1949-12-31 store_counter admin");
  }
  mdk_test_wait_ms (300);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (editor)));
  g_object_unref (editor);

  /* The call center enters one caller after another. */
  editor = mdk_members_page_new_member (members, "call_center");
  gtk_window_set_default_size (GTK_WINDOW (editor), 560, 900);
  wait_for_editor (editor);
  mdk_member_editor_set_field_text (editor, "mobile", "13900000998");
  mdk_member_editor_set_field_text (editor, "name", "电话会员");
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  for (guint i = 0; i < 400 && mdk_member_editor_get_saved_id (editor) == 0; i++)
    mdk_test_wait_ms (25);
  g_assert_cmpint (mdk_member_editor_get_saved_id (editor), >, 0);
  mdk_test_wait_ms (300);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor)));
  g_assert_nonnull (mdk_member_editor_get_message (editor));
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members "
                                                 "WHERE mobile = '13900000998' AND entry_channel = 'call_center'"), ==, 1);
  mdk_test_save_screenshot (GTK_WIDGET (editor), "member-editor-call-center");
  gtk_window_destroy (GTK_WINDOW (editor));

  /* Editing a birthday asks why, and the profile shows the change. */
  {
    MdkMemberWindow *profile = mdk_member_window_new (mdk_context_get_database (mdk_window_get_context (window)),
                                                      saved_id);
    g_autofree char *sql = g_strdup_printf ("SELECT birthday::text FROM mdk.members WHERE id = %" G_GINT64_FORMAT,
                                            saved_id);
    g_autofree char *birthday = NULL;

    gtk_window_present (GTK_WINDOW (profile));
    for (guint i = 0; i < 400 && mdk_member_window_get_busy (profile); i++)
      mdk_test_wait_ms (25);
    editor = mdk_member_window_edit (profile);
    g_assert_nonnull (editor);
    gtk_window_set_default_size (GTK_WINDOW (editor), 560, 1000);
    wait_for_editor (editor);
    mdk_member_editor_set_field_text (editor, "birthday", "1949/12/30");
    gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
    wait_for_editor (editor);
    g_assert_cmpstr (mdk_member_editor_get_message (editor), ==,
                     _("Say why the birthday changes: the change is recorded."));
    mdk_test_save_screenshot (GTK_WIDGET (editor), "member-editor-birthday-change");

    mdk_member_editor_set_field_text (editor, "birthday-reason", "身份证核对");
    g_object_ref (editor);
    gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
    for (guint i = 0; i < 200 && gtk_widget_get_visible (GTK_WIDGET (editor)); i++)
      mdk_test_wait_ms (25);
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (editor)));
    g_object_unref (editor);
    birthday = mdk_test_query_string (db->conn, sql);
    g_assert_cmpstr (birthday, ==, "1949-12-30");
    for (guint i = 0; i < 400 && mdk_member_window_get_busy (profile); i++)
      mdk_test_wait_ms (25);
    g_assert_cmpstr (mdk_member_detail_get_field (mdk_member_window_get_detail (profile),
                                                  MDK_MEMBER_DETAIL_FIELD_BIRTHDAY), ==, "1949-12-30");
    gtk_window_destroy (GTK_WINDOW (profile));
  }

  gtk_window_destroy (GTK_WINDOW (window));
}


static void
wait_for_classification (MdkClassificationWindow *window)
{
  for (guint i = 0; i < 400 && mdk_classification_window_get_busy (window); i++)
    mdk_test_wait_ms (25);
  g_assert_false (mdk_classification_window_get_busy (window));
  mdk_test_wait_ms (200);
}

static void
test_classification (void)
{
  g_autoptr(MdkTestDb) db = demo_db ();
  MdkMembersPage *members;
  MdkWindow *window = open_members (db, &members);
  MdkClassificationWindow *classification;
  MdkMemberEditor *editor;

  /* Head office adds a group and three fields; a second field of the same
   * name is refused in words. */
  classification = mdk_members_page_open_classification (members);
  gtk_window_set_default_size (GTK_WINDOW (classification), 560, 1000);
  wait_for_classification (classification);
  mdk_classification_window_add_group (classification, "腾飞科技");
  wait_for_classification (classification);
  mdk_classification_window_add_field (classification, "职业", 0, NULL);
  wait_for_classification (classification);
  mdk_classification_window_add_field (classification, "等级", 3, "金, 银，铜");
  wait_for_classification (classification);
  mdk_classification_window_add_field (classification, "年消费", 1, NULL);
  wait_for_classification (classification);
  g_assert_null (mdk_classification_window_get_message (classification));
  g_assert_cmpuint (mdk_classification_window_get_n_fields (classification), ==, 3);
  mdk_classification_window_add_field (classification, "职业", 0, NULL);
  wait_for_classification (classification);
  g_assert_nonnull (mdk_classification_window_get_message (classification));
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT cardinality(choices) FROM mdk.member_fields "
                                                 "WHERE label = '等级'"), ==, 3);
  mdk_test_save_screenshot (GTK_WIDGET (classification), "classification");
  gtk_window_destroy (GTK_WINDOW (classification));

  /* The member form asks the new fields. */
  editor = mdk_members_page_new_member (members, "store_counter");
  gtk_window_set_default_size (GTK_WINDOW (editor), 560, 1400);
  wait_for_editor (editor);
  mdk_member_editor_set_field_text (editor, "mobile", "13900000777");
  mdk_member_editor_set_field_text (editor, "name", "分类会员");
  mdk_member_editor_set_field_text (editor, "tags", "VIP、常客");
  mdk_member_editor_set_field_text (editor, "职业", "教师");
  mdk_member_editor_set_field_text (editor, "年消费", "一千");
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  wait_for_editor (editor);
  g_assert_nonnull (strstr (mdk_member_editor_get_message (editor), "年消费"));
  mdk_test_save_screenshot (GTK_WIDGET (editor), "member-editor-classification");

  mdk_member_editor_set_field_text (editor, "年消费", "1,000");
  g_object_ref (editor);
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  for (guint i = 0; i < 400 && mdk_member_editor_get_saved_id (editor) == 0; i++)
    mdk_test_wait_ms (25);
  g_assert_cmpint (mdk_member_editor_get_saved_id (editor), >, 0);
  g_object_unref (editor);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members m "
                                                 "JOIN mdk.member_fields f ON f.label = '年消费' "
                                                 "WHERE m.mobile = '13900000777' AND m.custom ->> f.key = '1000' "
                                                 "AND mdk.member_tag_names(m.id) = 'VIP, 常客'"), ==, 1);
  mdk_test_wait_ms (500);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", "members"));
  mdk_test_wait_ms (400);
  mdk_test_save_screenshot (GTK_WIDGET (window), "members-with-classification");

  gtk_window_destroy (GTK_WINDOW (window));
}


static void
wait_for_import (MdkImportWindow *window)
{
  for (guint i = 0; i < 600 && mdk_import_window_get_busy (window); i++)
    mdk_test_wait_ms (25);
  g_assert_false (mdk_import_window_get_busy (window));
  mdk_test_wait_ms (300);
}

static void
test_import (void)
{
  g_autoptr(MdkTestDb) db = demo_db ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = mdk_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "会员导入.csv", NULL);
  g_autofree char *report = g_build_filename (dir, "report.csv", NULL);
  g_autofree char *taken = NULL;
  g_autofree char *text = NULL;
  MdkMembersPage *members;
  MdkWindow *window = open_members (db, &members);
  MdkImportWindow *import;
  const MdkImportResult *result;
  gint64 before;

  before = mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members");
  taken = mdk_test_query_string (db->conn, "SELECT mobile FROM mdk.members WHERE id = 7");

  /* A file as an enterprise sends it: Chinese headers, one column of notes. */
  text = g_strdup_printf ("\xEF\xBB\xBF姓名,手机号码,性别,出生日期,备注\r\n"
                          "导入一,13900000101,男,1990/1/1,新客户\r\n"
                          "导入二,13900000102,女,2000-02-29,\r\n"
                          "导入三,139 0000 0103,,2023-02-29,日期不对\r\n"
                          "老会员,%s,女,,已经是会员\r\n", taken);
  g_assert_true (g_file_set_contents (path, text, -1, &error));

  import = mdk_members_page_import_file (members, path);
  gtk_window_set_default_size (GTK_WINDOW (import), 720, 1100);
  wait_for_import (import);
  g_assert_cmpstr (mdk_import_window_get_page (import), ==, "mapping");
  g_assert_cmpstr (mdk_import_window_get_plan (import)->targets[1], ==, "mobile");
  g_assert_cmpstr (mdk_import_window_get_plan (import)->targets[3], ==, "birthday");
  g_assert_cmpstr (mdk_import_window_get_plan (import)->targets[4], ==, "");
  /* The person maps the notes column to tags. */
  mdk_import_window_set_target (import, 4, "tags");
  g_assert_cmpstr (mdk_import_window_get_plan (import)->targets[4], ==, "tags");
  mdk_test_save_screenshot (GTK_WIDGET (import), "import-mapping");

  g_object_ref (import);
  gtk_widget_activate_action (GTK_WIDGET (import), "import.start", NULL);
  wait_for_import (import);
  g_assert_cmpstr (mdk_import_window_get_page (import), ==, "result");
  result = mdk_import_window_get_result (import);
  g_assert_cmpuint (result->n_inserted, ==, 2);
  g_assert_cmpuint (result->n_skipped, ==, 1);
  g_assert_cmpuint (result->rejections->len, ==, 1);
  g_assert_cmpuint (((MdkImportRejection *) g_ptr_array_index (result->rejections, 0))->line, ==, 4);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members"), ==, before + 2);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members m WHERE m.mobile = '13900000101' "
                                                 "AND mdk.member_tag_names(m.id) = '新客户'"), ==, 1);
  mdk_test_save_screenshot (GTK_WIDGET (import), "import-result");

  g_assert_true (mdk_import_window_save_report (import, report, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (report, G_FILE_TEST_EXISTS));
  g_unlink (report);
  gtk_window_destroy (GTK_WINDOW (import));
  g_object_unref (import);

  g_unlink (path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.memberdesk.Memberdesk");
  MdkPreferencesWindow *preferences;
  g_autofree char *conninfo = NULL;

  g_settings_set_string (settings, "connection-string",
                         "host=db1.example.com,db2.example.com dbname=chain user=alice sslmode=verify-full");
  preferences = mdk_preferences_window_new (NULL);
  gtk_window_present (GTK_WINDOW (preferences));
  mdk_test_wait_ms (500);
  mdk_test_save_screenshot (GTK_WIDGET (preferences), "preferences-company-server");

  /* The form gives back what was saved. */
  conninfo = mdk_preferences_window_dup_conninfo (preferences);
  g_assert_cmpstr (conninfo, ==, "host='db1.example.com,db2.example.com' dbname='chain' user='alice' sslmode='verify-full'");
  gtk_window_destroy (GTK_WINDOW (preferences));
  g_settings_reset (settings, "connection-string");

  preferences = mdk_preferences_window_new (NULL);
  gtk_window_present (GTK_WINDOW (preferences));
  mdk_test_wait_ms (500);
  g_clear_pointer (&conninfo, g_free);
  conninfo = mdk_preferences_window_dup_conninfo (preferences);
  g_assert_cmpstr (conninfo, ==, "");
  mdk_test_save_screenshot (GTK_WIDGET (preferences), "preferences-this-computer");
  gtk_window_destroy (GTK_WINDOW (preferences));
}

static void
test_shortcuts_window (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_BASE "/gtk/help-overlay.ui");
  GtkWindow *overlay = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));

  g_assert_nonnull (overlay);
  gtk_window_present (overlay);
  mdk_test_wait_ms (500);
  mdk_test_save_screenshot (GTK_WIDGET (overlay), "shortcuts");
  gtk_window_destroy (overlay);
}

static GtkScrolledWindow *
find_scrolled_window (GtkWidget *widget)
{
  if (GTK_IS_SCROLLED_WINDOW (widget) && gtk_widget_get_mapped (widget))
    return GTK_SCROLLED_WINDOW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkScrolledWindow *found = find_scrolled_window (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Scrolls a window's content to its end, as a person would to read it. */
static void
scroll_to_end (GtkWidget *window)
{
  GtkScrolledWindow *scrolled = find_scrolled_window (window);
  GtkAdjustment *adjustment;

  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  mdk_test_wait_ms (400);
}

static void
wait_for_dialog (MdkLedgerDialog *dialog)
{
  for (guint i = 0; i < 400 && mdk_ledger_dialog_get_busy (dialog); i++)
    mdk_test_wait_ms (25);
  g_assert_false (mdk_ledger_dialog_get_busy (dialog));
  mdk_test_wait_ms (300);
}

static void
wait_for_journal (MdkJournalList *journal)
{
  for (guint i = 0; i < 400 && mdk_paged_list_get_loading (MDK_PAGED_LIST (journal)); i++)
    mdk_test_wait_ms (25);
  g_assert_false (mdk_paged_list_get_loading (MDK_PAGED_LIST (journal)));
  mdk_test_wait_ms (300);
}

static void
wait_for_transaction (MdkTransactionWindow *window)
{
  for (guint i = 0; i < 400 && mdk_transaction_window_get_busy (window); i++)
    mdk_test_wait_ms (25);
  g_assert_false (mdk_transaction_window_get_busy (window));
  mdk_test_wait_ms (300);
}

/* Recharge and sale from the Finance section, the journal, a transaction
 * with its postings, and a reversal with its confirmation. */
static void
test_finance (void)
{
  g_autoptr(MdkTestDb) db = demo_db ();
  MdkMembersPage *members;
  MdkWindow *window = open_members (db, &members);
  MdkFinancePage *finance = MDK_FINANCE_PAGE (mdk_window_get_section_page (window, "finance"));
  MdkJournalList *journal = mdk_finance_page_get_list (finance);
  g_autofree char *card = mdk_test_query_string (db->conn,
    "SELECT c.card_no FROM mdk.cards c JOIN mdk.card_types t ON t.id = c.card_type_id "
    "WHERE t.code = 'SILVER' AND c.state = 'active' AND (c.expires_on IS NULL OR c.expires_on > current_date) "
    "AND NOT EXISTS (SELECT 1 FROM mdk.transactions x WHERE x.card_id = c.id) ORDER BY c.id DESC LIMIT 1");
  MdkLedgerDialog *dialog;
  MdkTransactionWindow *detail;
  AdwMessageDialog *confirm;
  gint64 before;
  gint64 owed_before;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", "finance"));
  wait_for_journal (journal);
  mdk_test_save_screenshot (GTK_WIDGET (window), "finance-demo");
  before = mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.transactions");
  /* The demo chain's own first movements are today's too. */
  owed_before = mdk_test_query_int (db->conn, "SELECT coalesce(sum(owes), 0) FROM "
                                    "mdk.settlement(current_date, current_date + 1)");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (journal)), ==, (guint) before);

  /* A recharge: a bad amount first, then 500.00. */
  dialog = MDK_LEDGER_DIALOG (mdk_finance_page_open_dialog (finance, MDK_LEDGER_RECHARGE));
  wait_for_dialog (dialog);
  mdk_ledger_dialog_set_field (dialog, "card", card);
  mdk_ledger_dialog_set_field (dialog, "amount", "5,00.0.1");
  wait_for_dialog (dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "ledger.apply", NULL));
  g_assert_nonnull (mdk_ledger_dialog_get_message (dialog));
  mdk_test_save_screenshot (GTK_WIDGET (dialog), "recharge-invalid");
  mdk_ledger_dialog_set_field (dialog, "amount", "500");
  mdk_ledger_dialog_set_field (dialog, "reference", "POS-20261125-0001");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "ledger.apply", NULL));
  wait_for_dialog (dialog);
  g_assert_null (mdk_ledger_dialog_get_message (dialog));
  mdk_test_save_screenshot (GTK_WIDGET (dialog), "recharge-done");
  {
    g_autofree char *sql = g_strdup_printf ("SELECT a.balance FROM mdk.accounts a JOIN mdk.cards c ON "
                                            "a.card_id = coalesce(c.primary_card_id, c.id) WHERE c.card_no = '%s' "
                                            "AND a.kind = 'stored_value'", card);

    g_assert_cmpint (mdk_test_query_int (db->conn, sql), ==, 50000);
  }
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* A sale of 120.00 on it: 5% off, 20.00 in cash. */
  dialog = MDK_LEDGER_DIALOG (mdk_finance_page_open_dialog (finance, MDK_LEDGER_CONSUME));
  wait_for_dialog (dialog);
  mdk_ledger_dialog_set_field (dialog, "card", card);
  mdk_ledger_dialog_set_field (dialog, "amount", "120");
  mdk_ledger_dialog_set_field (dialog, "external", "20");
  wait_for_dialog (dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "ledger.apply", NULL));
  wait_for_dialog (dialog);
  g_assert_null (mdk_ledger_dialog_get_message (dialog));
  mdk_test_save_screenshot (GTK_WIDGET (dialog), "sale-done");
  {
    g_autofree char *sql = g_strdup_printf ("SELECT a.balance FROM mdk.accounts a JOIN mdk.cards c ON "
                                            "a.card_id = coalesce(c.primary_card_id, c.id) WHERE c.card_no = '%s' "
                                            "AND a.kind = 'stored_value'", card);

    g_assert_cmpint (mdk_test_query_int (db->conn, sql), ==, 50000 - 9400);
  }

  /* The member's profile shows the card's balance and the two transactions. */
  {
    MdkMemberWindow *profile;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", "members"));
    mdk_members_page_search (members, card);
    wait_until_idle (window);
    profile = mdk_members_page_open_member (members, 0);
    g_assert_nonnull (profile);
    gtk_window_set_default_size (GTK_WINDOW (profile), 600, 1800);
    for (guint i = 0; i < 400 && mdk_member_window_get_busy (profile); i++)
      mdk_test_wait_ms (25);
    g_assert_false (mdk_member_window_get_busy (profile));
    mdk_test_wait_ms (400);
    mdk_test_save_screenshot (GTK_WIDGET (profile), "member-profile-top");
    scroll_to_end (GTK_WIDGET (profile));
    mdk_test_save_screenshot (GTK_WIDGET (profile), "member-profile-balance");
    gtk_window_destroy (GTK_WINDOW (profile));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", "finance"));
  }

  /* More than the card holds is refused, and says why. */
  mdk_ledger_dialog_set_field (dialog, "amount", "100000");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "ledger.apply", NULL));
  wait_for_dialog (dialog);
  g_assert_nonnull (mdk_ledger_dialog_get_message (dialog));
  mdk_test_save_screenshot (GTK_WIDGET (dialog), "sale-refused");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The journal shows both, newest first. */
  wait_for_journal (journal);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (journal)), ==, (guint) before + 2);
  mdk_test_save_screenshot (GTK_WIDGET (window), "finance-journal");

  /* The sale, its postings, and a reversal asked for with a reason. */
  detail = MDK_TRANSACTION_WINDOW (mdk_finance_page_open_transaction (finance, 0));
  g_assert_nonnull (detail);
  wait_for_transaction (detail);
  mdk_test_save_screenshot (GTK_WIDGET (detail), "transaction-sale");
  confirm = mdk_transaction_window_ask (detail, MDK_LEDGER_REVERSE);
  mdk_test_wait_ms (400);
  mdk_test_save_screenshot (GTK_WIDGET (confirm), "transaction-reverse-confirm");
  g_assert_false (adw_message_dialog_get_response_enabled (confirm, "apply"));
  gtk_editable_set_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (confirm), "mdk-reason")), "Entered twice");
  g_assert_true (adw_message_dialog_get_response_enabled (confirm, "apply"));
  adw_message_dialog_response (confirm, "apply");
  mdk_test_wait_ms (200);
  wait_for_transaction (detail);
  mdk_test_save_screenshot (GTK_WIDGET (detail), "transaction-reversed");
  {
    g_autofree char *sql = g_strdup_printf ("SELECT a.balance FROM mdk.accounts a JOIN mdk.cards c ON "
                                            "a.card_id = coalesce(c.primary_card_id, c.id) WHERE c.card_no = '%s' "
                                            "AND a.kind = 'stored_value'", card);

    g_assert_cmpint (mdk_test_query_int (db->conn, sql), ==, 50000);
  }
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.ledger_problems()"), ==, 0);
  gtk_window_destroy (GTK_WINDOW (detail));

  wait_for_journal (journal);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (journal)), ==, (guint) before + 3);

  /* Settlement: the store took in 500.00; the sale was reversed. */
  mdk_finance_page_show_settlement (finance);
  for (guint i = 0; i < 400 && mdk_finance_page_get_busy (finance); i++)
    mdk_test_wait_ms (25);
  g_assert_false (mdk_finance_page_get_busy (finance));
  mdk_test_wait_ms (300);
  mdk_test_save_screenshot (GTK_WIDGET (window), "finance-settlement");
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT sum(owes) FROM mdk.settlement(current_date, current_date + 1)"),
                   ==, owed_before + 50000);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
wait_for_batch (MdkBatchRechargeWindow *window)
{
  for (guint i = 0; i < 400 && mdk_batch_recharge_window_get_busy (window); i++)
    mdk_test_wait_ms (25);
  g_assert_false (mdk_batch_recharge_window_get_busy (window));
  mdk_test_wait_ms (300);
}

/* An enterprise's file: previewed with its total and the line that
 * cannot be recharged, confirmed, applied. */
static void
test_batch_recharge (void)
{
  g_autoptr(MdkTestDb) db = demo_db ();
  MdkMembersPage *members;
  MdkWindow *window = open_members (db, &members);
  MdkFinancePage *finance = MDK_FINANCE_PAGE (mdk_window_get_section_page (window, "finance"));
  g_autofree char *cards = mdk_test_query_string (db->conn,
    "SELECT string_agg(c.card_no, ',' ORDER BY c.id) FROM (SELECT c.* FROM mdk.cards c "
    "JOIN mdk.card_types t ON t.id = c.card_type_id WHERE t.has_stored_value AND c.state = 'active' "
    "AND (c.expires_on IS NULL OR c.expires_on > current_date) ORDER BY c.id LIMIT 2) c");
  g_auto(GStrv) card = g_strsplit (cards, ",", 2);
  g_autofree char *dir = mdk_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "十一月福利充值.csv", NULL);
  g_autofree char *contents = g_strdup_printf ("卡号,金额,凭证号\n%s,200,HR-001\n%s,350.50,HR-002\n"
                                               "6999999999999999,100,HR-003\n", card[0], card[1]);
  MdkBatchRechargeWindow *batch;
  AdwMessageDialog *confirm;

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", "finance"));
  batch = MDK_BATCH_RECHARGE_WINDOW (mdk_finance_page_open_batch (finance, path));
  wait_for_batch (batch);
  g_assert_cmpstr (mdk_batch_recharge_window_get_page (batch), ==, "preview");
  mdk_test_save_screenshot (GTK_WIDGET (batch), "batch-recharge-preview");

  confirm = mdk_batch_recharge_window_confirm (batch);
  g_assert_nonnull (confirm);
  mdk_test_wait_ms (400);
  mdk_test_save_screenshot (GTK_WIDGET (confirm), "batch-recharge-confirm");
  adw_message_dialog_response (confirm, "recharge");
  mdk_test_wait_ms (100);
  wait_for_batch (batch);
  g_assert_cmpstr (mdk_batch_recharge_window_get_page (batch), ==, "done");
  mdk_test_save_screenshot (GTK_WIDGET (batch), "batch-recharge-done");
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT coalesce(sum(amount), 0) FROM mdk.transactions "
                                       "WHERE method = 'enterprise' AND reference LIKE 'HR-%'"), ==, 55050);

  /* Head office's rules: a bonus added from the window. */
  {
    MdkRechargeRulesWindow *rules = MDK_RECHARGE_RULES_WINDOW (mdk_finance_page_open_rules (finance));

    for (guint i = 0; i < 400 && mdk_recharge_rules_window_get_busy (rules); i++)
      mdk_test_wait_ms (25);
    mdk_recharge_rules_window_add_bonus (rules, "1000", "100");
    mdk_test_wait_ms (100);
    for (guint i = 0; i < 400 && mdk_recharge_rules_window_get_busy (rules); i++)
      mdk_test_wait_ms (25);
    g_assert_false (mdk_recharge_rules_window_get_busy (rules));
    mdk_test_wait_ms (300);
    mdk_test_save_screenshot (GTK_WIDGET (rules), "recharge-rules");
    g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.recharge_bonus_rules "
                                         "WHERE is_active AND min_amount = 100000 AND bonus = 10000"), ==, 1);
    gtk_window_destroy (GTK_WINDOW (rules));
  }
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.ledger_problems()"), ==, 0);
  gtk_window_destroy (GTK_WINDOW (batch));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Scrolls past the personal data and the membership, to the cards. */
static void
scroll_to_cards (GtkWidget *profile)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (find_scrolled_window (profile));

  gtk_adjustment_set_value (adjustment, 1010);
  mdk_test_wait_ms (400);
}

static void
wait_for_card_dialog (MdkCardDialog *dialog)
{
  for (guint i = 0; i < 400 && mdk_card_dialog_get_busy (dialog); i++)
    mdk_test_wait_ms (25);
  g_assert_false (mdk_card_dialog_get_busy (dialog));
  mdk_test_wait_ms (300);
}

static void
wait_for_profile (MdkMemberWindow *profile)
{
  for (guint i = 0; i < 400 && mdk_member_window_get_busy (profile); i++)
    mdk_test_wait_ms (25);
  g_assert_false (mdk_member_window_get_busy (profile));
  mdk_test_wait_ms (300);
}

/* The profile of the holder of card @card_no, found by a search, loaded
 * and scrolled to its cards. */
static MdkMemberWindow *
open_card_holder (MdkWindow      *window,
                  MdkMembersPage *members,
                  const char     *card_no)
{
  MdkMemberWindow *profile;

  mdk_members_page_search (members, card_no);
  wait_until_idle (window);
  profile = mdk_members_page_open_member (members, 0);
  g_assert_nonnull (profile);
  gtk_window_set_default_size (GTK_WINDOW (profile), 600, 1000);
  wait_for_profile (profile);
  scroll_to_cards (GTK_WIDGET (profile));
  return profile;
}

/* The first card of type @code in use that is not under another. */
static char *
usable_primary_card (MdkTestDb  *db,
                     const char *code)
{
  const char *params[] = { code };

  return mdk_test_query_string_params (db->conn,
    "SELECT c.card_no FROM mdk.cards c JOIN mdk.card_types t ON t.id = c.card_type_id "
    "WHERE t.code = $1 AND c.state = 'active' AND c.primary_card_id IS NULL "
    "AND (c.expires_on IS NULL OR c.expires_on > current_date) ORDER BY c.id LIMIT 1", 1, params);
}

/* The cards under a VIP card keep their own balance and points: the
 * profile says so, and cancelling the VIP card says what theirs close. */
static void
test_card_own_accounts (void)
{
  g_autoptr(MdkTestDb) db = demo_db ();
  MdkMembersPage *members;
  MdkWindow *window = open_members (db, &members);
  g_autofree char *vip = usable_primary_card (db, "VIP");
  g_autofree char *affiliate = NULL;
  g_autofree char *sql = NULL;
  MdkMemberWindow *profile;
  MdkCardDialog *dialog;

  g_assert_nonnull (vip);
  /* An affiliate card under the VIP card, issued from the profile of a
   * member with a card and none under another: it keeps its own. */
  {
    g_autofree char *holder = mdk_test_query_string (db->conn,
      "SELECT c.card_no FROM mdk.cards c WHERE c.primary_card_id IS NULL AND NOT EXISTS "
      "(SELECT 1 FROM mdk.cards x WHERE x.member_id = c.member_id AND x.primary_card_id IS NOT NULL) "
      "ORDER BY c.member_id LIMIT 1");

    profile = open_card_holder (window, members, holder);
    dialog = mdk_member_window_issue_card (profile);
    g_assert_nonnull (dialog);
    wait_for_card_dialog (dialog);
    g_assert_true (mdk_card_dialog_choose_type (dialog, "附属卡"));
    /* The card to go under is looked up as it is typed. */
    mdk_card_dialog_set_field (dialog, "under", "123");
    wait_for_card_dialog (dialog);
    g_assert_nonnull (mdk_card_dialog_get_under_info (dialog));
    g_assert_cmpstr (mdk_card_dialog_get_under_info (dialog), ==, "");
    mdk_card_dialog_set_field (dialog, "under", vip);
    wait_for_card_dialog (dialog);
    g_assert_cmpstr (mdk_card_dialog_get_under_info (dialog), ==,
                     g_dgettext (GETTEXT_PACKAGE, "The new card keeps a balance and points of its own."));
    mdk_test_save_screenshot (GTK_WIDGET (dialog), "card-issue-under");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "card.apply", NULL));
    wait_for_card_dialog (dialog);
    g_assert_true (mdk_card_dialog_get_done (dialog));
    mdk_test_save_screenshot (GTK_WIDGET (dialog), "card-issue-own");
    gtk_window_destroy (GTK_WINDOW (dialog));
    gtk_window_destroy (GTK_WINDOW (profile));
  }
  affiliate = mdk_test_query_string (db->conn, "SELECT card_no FROM mdk.cards ORDER BY id DESC LIMIT 1");
  sql = g_strdup_printf ("SELECT count(*) FROM mdk.cards c JOIN mdk.cards p ON p.id = c.primary_card_id "
                         "WHERE c.card_no = '%s' AND p.card_no = '%s' AND c.own_accounts", affiliate, vip);
  g_assert_cmpint (mdk_test_query_int (db->conn, sql), ==, 1);
  g_free (sql);
  sql = g_strdup_printf ("SELECT mdk.recharge(gen_random_uuid(), '%s', 30000, 'cash', 1), "
                         "mdk.recharge(gen_random_uuid(), '%s', 100000, 'cash', 1)", affiliate, vip);
  PQclear (mdk_test_exec (db->conn, sql));

  profile = open_card_holder (window, members, affiliate);
  mdk_test_save_screenshot (GTK_WIDGET (profile), "member-cards-own");
  /* Frozen, unfrozen, lost and found again: each dialog says its own
   * balance stays on it. */
  {
    const char *steps[] = { "freeze", "unfreeze", "report_loss", "found" };
    const char *states[] = { "frozen", "active", "lost", "active" };

    for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
      {
        g_autofree char *shot = g_strdup_printf ("card-%s", steps[i]);
        g_autofree char *state = NULL;

        wait_for_profile (profile);
        dialog = mdk_member_window_card_action (profile, affiliate, steps[i]);
        g_assert_nonnull (dialog);
        wait_for_card_dialog (dialog);
        g_assert_nonnull (strstr (mdk_card_dialog_get_explanation (dialog), "300.00"));
        mdk_card_dialog_set_field (dialog, "reason", "asked by the holder");
        mdk_test_save_screenshot (GTK_WIDGET (dialog), shot);
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "card.apply", NULL));
        wait_for_card_dialog (dialog);
        g_assert_true (mdk_card_dialog_get_done (dialog));
        gtk_window_destroy (GTK_WINDOW (dialog));
        g_free (sql);
        sql = g_strdup_printf ("SELECT state::text FROM mdk.cards WHERE card_no = '%s'", affiliate);
        state = mdk_test_query_string (db->conn, sql);
        g_assert_cmpstr (state, ==, states[i]);
      }
  }
  gtk_window_destroy (GTK_WINDOW (profile));

  profile = open_card_holder (window, members, vip);
  dialog = mdk_member_window_card_action (profile, vip, "cancel");
  g_assert_nonnull (dialog);
  wait_for_card_dialog (dialog);
  g_test_message ("%s", mdk_card_dialog_get_explanation (dialog));
  /* The affiliate's 300.00, paid back by its own type's terms. */
  g_assert_nonnull (strstr (mdk_card_dialog_get_explanation (dialog), "300.00"));
  mdk_card_dialog_set_field (dialog, "reason", "the family leaves the club");
  mdk_test_save_screenshot (GTK_WIDGET (dialog), "card-cancel-own-under");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "card.apply", NULL));
  wait_for_card_dialog (dialog);
  g_assert_true (mdk_card_dialog_get_done (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM mdk.cards c JOIN mdk.accounts a ON a.card_id = c.id "
                         "WHERE c.card_no = '%s' AND c.state = 'cancelled' AND a.balance = 0", affiliate);
  g_assert_cmpint (mdk_test_query_int (db->conn, sql), ==, 3);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.ledger_problems()"), ==, 0);
  gtk_window_destroy (GTK_WINDOW (profile));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A card's actions from the member's profile: each dialog says what
 * happens to the money before it does it. */
static void
test_card_actions (void)
{
  g_autoptr(MdkTestDb) db = demo_db ();
  MdkMembersPage *members;
  MdkWindow *window = open_members (db, &members);
  g_autofree char *card = usable_primary_card (db, "SILVER");
  g_autofree char *recharge = g_strdup_printf ("SELECT mdk.recharge(gen_random_uuid(), '%s', 88800, 'cash', 1)", card);
  g_autofree char *new_card = NULL;
  MdkMemberWindow *profile;
  MdkCardDialog *dialog;
  gint64 balance;

  PQclear (mdk_test_exec (db->conn, recharge));
  {
    g_autofree char *sql = g_strdup_printf ("SELECT a.balance FROM mdk.accounts a JOIN mdk.cards c ON c.id = a.card_id "
                                            "WHERE c.card_no = '%s' AND a.kind = 'stored_value'", card);

    balance = mdk_test_query_int (db->conn, sql);
  }
  profile = open_card_holder (window, members, card);
  mdk_test_save_screenshot (GTK_WIDGET (profile), "member-cards");

  /* A loss report says its service fee first (silver's is 10.00). */
  dialog = mdk_member_window_card_action (profile, card, "report_loss");
  g_assert_nonnull (dialog);
  wait_for_card_dialog (dialog);
  mdk_test_save_screenshot (GTK_WIDGET (dialog), "card-report-loss");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Replace: the balance moves to a new number. */
  dialog = mdk_member_window_card_action (profile, card, "replace");
  g_assert_nonnull (dialog);
  wait_for_card_dialog (dialog);
  mdk_test_save_screenshot (GTK_WIDGET (dialog), "card-replace-confirm");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "card.apply", NULL));
  g_assert_nonnull (mdk_card_dialog_get_message (dialog));
  mdk_card_dialog_set_field (dialog, "reason", "card worn out");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "card.apply", NULL));
  wait_for_card_dialog (dialog);
  g_assert_true (mdk_card_dialog_get_done (dialog));
  mdk_test_save_screenshot (GTK_WIDGET (dialog), "card-replace-done");
  gtk_window_destroy (GTK_WINDOW (dialog));
  {
    g_autofree char *sql = g_strdup_printf ("SELECT n.card_no FROM mdk.cards o JOIN mdk.cards n ON n.replaces_card_id = o.id "
                                            "WHERE o.card_no = '%s' AND o.state = 'replaced'", card);
    g_autofree char *moved = NULL;

    new_card = mdk_test_query_string (db->conn, sql);
    g_free (sql);
    sql = g_strdup_printf ("SELECT a.balance FROM mdk.accounts a JOIN mdk.cards c ON c.id = a.card_id "
                           "WHERE c.card_no = '%s' AND a.kind = 'stored_value'", new_card);
    /* The replacement fee, where the type has one, was taken from the balance. */
    g_assert_cmpint (mdk_test_query_int (db->conn, sql), ==,
                     balance - mdk_test_query_int (db->conn, "SELECT replacement_fee FROM mdk.card_types WHERE code = 'SILVER'"));
  }

  /* The profile shows the new card; cancel it: the dialog says the
   * balance is paid back, and asks how. */
  wait_for_profile (profile);
  dialog = mdk_member_window_card_action (profile, new_card, "cancel");
  g_assert_nonnull (dialog);
  wait_for_card_dialog (dialog);
  mdk_card_dialog_set_field (dialog, "reason", "member moved away");
  mdk_test_save_screenshot (GTK_WIDGET (dialog), "card-cancel-confirm");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "card.apply", NULL));
  wait_for_card_dialog (dialog);
  g_assert_true (mdk_card_dialog_get_done (dialog));
  mdk_test_save_screenshot (GTK_WIDGET (dialog), "card-cancel-done");
  gtk_window_destroy (GTK_WINDOW (dialog));
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM mdk.cards WHERE card_no = '%s' AND state = 'cancelled'",
                                            new_card);

    g_assert_cmpint (mdk_test_query_int (db->conn, sql), ==, 1);
  }

  /* A new card for the member. */
  wait_for_profile (profile);
  {
    gint64 cards_before = mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.cards");

    dialog = mdk_member_window_issue_card (profile);
    g_assert_nonnull (dialog);
    wait_for_card_dialog (dialog);
    mdk_test_save_screenshot (GTK_WIDGET (dialog), "card-issue");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "card.apply", NULL));
    wait_for_card_dialog (dialog);
    g_assert_true (mdk_card_dialog_get_done (dialog));
    mdk_test_save_screenshot (GTK_WIDGET (dialog), "card-issue-done");
    g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.cards"), ==, cards_before + 1);
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  /* A daily limit on the new card: a wrong amount first, then 200.00. */
  wait_for_profile (profile);
  {
    g_autofree char *issued = mdk_test_query_string (db->conn, "SELECT card_no FROM mdk.cards ORDER BY id DESC LIMIT 1");
    g_autofree char *sql = g_strdup_printf ("SELECT daily_limit FROM mdk.cards WHERE card_no = '%s'", issued);

    dialog = mdk_member_window_card_action (profile, issued, "daily_limit");
    g_assert_nonnull (dialog);
    wait_for_card_dialog (dialog);
    mdk_card_dialog_set_field (dialog, "limit", "2,00.0.0");
    mdk_card_dialog_set_field (dialog, "reason", "spent by a teenager");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "card.apply", NULL));
    g_assert_nonnull (mdk_card_dialog_get_message (dialog));
    mdk_card_dialog_set_field (dialog, "limit", "200");
    mdk_test_wait_ms (500);
    mdk_test_save_screenshot (GTK_WIDGET (dialog), "card-daily-limit");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "card.apply", NULL));
    wait_for_card_dialog (dialog);
    g_assert_true (mdk_card_dialog_get_done (dialog));
    g_assert_cmpint (mdk_test_query_int (db->conn, sql), ==, 20000);
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  wait_for_profile (profile);
  scroll_to_cards (GTK_WIDGET (profile));
  mdk_test_save_screenshot (GTK_WIDGET (profile), "member-cards-after");
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.ledger_problems()"), ==, 0);
  gtk_window_destroy (GTK_WINDOW (profile));

  /* The Cards section: every card, then the cancelled ones, newest first;
   * a card opens its member's profile. */
  {
    MdkCardsPage *cards = MDK_CARDS_PAGE (mdk_window_get_section_page (window, "cards"));
    MdkPagedList *list;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", "cards"));
    list = MDK_PAGED_LIST (mdk_cards_page_get_list (cards));
    for (guint i = 0; i < 400 && (mdk_paged_list_get_loading (list) || g_list_model_get_n_items (G_LIST_MODEL (list)) == 0); i++)
      mdk_test_wait_ms (25);
    mdk_test_wait_ms (400);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==,
                      mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.cards"));
    mdk_test_save_screenshot (GTK_WIDGET (window), "cards-section");
    mdk_cards_page_filter_state (cards, "cancelled");
    for (guint i = 0; i < 400 && mdk_paged_list_get_loading (list); i++)
      mdk_test_wait_ms (25);
    mdk_test_wait_ms (400);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==,
                      mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.cards WHERE state = 'cancelled'"));
    mdk_test_save_screenshot (GTK_WIDGET (window), "cards-section-cancelled");
    {
      g_autoptr(MdkCardRecord) newest = g_list_model_get_item (G_LIST_MODEL (list), 0);

      /* The card cancelled above is the newest cancelled one. */
      g_assert_cmpstr (mdk_card_record_get_field (newest, MDK_CARD_RECORD_FIELD_CARD_NO), ==, new_card);
      profile = mdk_cards_page_open_card (cards, 0);
      g_assert_nonnull (profile);
      wait_for_profile (profile);
      g_assert_cmpstr (mdk_member_detail_get_field (mdk_member_window_get_detail (profile), MDK_MEMBER_DETAIL_FIELD_NAME), ==,
                       mdk_card_record_get_field (newest, MDK_CARD_RECORD_FIELD_MEMBER_NAME));
      gtk_window_destroy (GTK_WINDOW (profile));
    }
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
wait_for_designer (MdkCardTypeWindow *designer)
{
  for (guint i = 0; i < 400 && mdk_card_type_window_get_busy (designer); i++)
    mdk_test_wait_ms (25);
  g_assert_false (mdk_card_type_window_get_busy (designer));
  mdk_test_wait_ms (300);
}

/* The card type designer: a change of terms makes a new version and the
 * cards sold before keep theirs until moved; a new type with a tier rule;
 * a form that does not hold says why; retiring. */
static void
test_card_designer (void)
{
  g_autoptr(MdkTestDb) db = demo_db ();
  MdkMembersPage *members;
  MdkWindow *window = open_members (db, &members);
  MdkCardsPage *cards = MDK_CARDS_PAGE (mdk_window_get_section_page (window, "cards"));
  MdkCardTypeWindow *designer;
  GtkWindow *dialog;
  gint64 logo_size = 0;
  gint64 gold_version = mdk_test_query_int (db->conn, "SELECT version FROM mdk.card_types WHERE code = 'GOLD'");
  gint64 gold_cards = mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.cards c JOIN mdk.card_types t "
                                          "ON t.id = c.card_type_id WHERE t.code = 'GOLD' "
                                          "AND c.state IN ('active', 'lost', 'frozen')");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", "cards"));
  designer = MDK_CARD_TYPE_WINDOW (mdk_cards_page_open_designer (cards));
  g_assert_nonnull (designer);
  gtk_window_set_default_size (GTK_WINDOW (designer), 1040, 900);
  wait_for_designer (designer);
  g_assert_true (mdk_card_type_window_select (designer, "GOLD"));
  wait_for_designer (designer);
  g_assert_false (mdk_card_type_window_get_dirty (designer));
  mdk_test_save_screenshot (GTK_WIDGET (designer), "card-designer");

  /* Gold: a higher annual fee, 15% off wine, a new face. */
  mdk_card_type_window_type_into (designer, "annual_fee", "150");
  mdk_card_type_window_type_into (designer, "category", "wine");
  mdk_card_type_window_type_into (designer, "category_discount", "15");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (designer), "designer.add-category", NULL));
  mdk_card_type_window_set_colours (designer, "#7A4E00", "#F2D16B");
  g_assert_true (mdk_card_type_window_get_dirty (designer));
  mdk_test_wait_ms (300);
  mdk_card_type_window_scroll_to (designer, "terms");
  mdk_test_wait_ms (300);
  mdk_test_save_screenshot (GTK_WIDGET (designer), "card-designer-terms");
  mdk_card_type_window_scroll_to (designer, "affiliates_share");
  mdk_test_wait_ms (300);
  mdk_test_save_screenshot (GTK_WIDGET (designer), "card-designer-sharing");
  mdk_card_type_window_scroll_to (designer, "tiers");
  mdk_test_wait_ms (300);
  mdk_test_save_screenshot (GTK_WIDGET (designer), "card-designer-tiers");

  dialog = mdk_card_type_window_ask (designer, "designer.save");
  g_assert_nonnull (dialog);
  mdk_test_wait_ms (300);
  mdk_test_save_screenshot (GTK_WIDGET (dialog), "card-designer-save");
  /* No reason, no save. */
  mdk_card_type_window_answer (designer, dialog, NULL, "save");
  wait_for_designer (designer);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT version FROM mdk.card_types WHERE code = 'GOLD'"), ==, gold_version);
  g_assert_true (mdk_card_type_window_get_dirty (designer));
  dialog = mdk_card_type_window_ask (designer, "designer.save");
  mdk_card_type_window_answer (designer, dialog, "fees for the new year", "save");
  wait_for_designer (designer);
  g_assert_null (mdk_card_type_window_get_message (designer));
  g_assert_false (mdk_card_type_window_get_dirty (designer));
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT version FROM mdk.card_types WHERE code = 'GOLD'"), ==, gold_version + 1);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT annual_fee FROM mdk.card_types WHERE code = 'GOLD'"), ==, 15000);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.card_types WHERE code = 'GOLD' "
                                       "AND face_start = '#7A4E00' AND face_end = '#F2D16B'"), ==, 1);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT d.discount_bp FROM mdk.card_type_category_discounts d "
                                       "JOIN mdk.card_types t ON t.id = d.card_type_id AND d.version = t.version "
                                       "WHERE t.code = 'GOLD' AND d.category = 'WINE'"), ==, 1500);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.cards c JOIN mdk.card_types t "
                                       "ON t.id = c.card_type_id WHERE t.code = 'GOLD' AND c.terms_version = t.version"),
                   ==, 0);
  mdk_card_type_window_scroll_to (designer, "history");
  mdk_test_wait_ms (300);
  mdk_test_save_screenshot (GTK_WIDGET (designer), "card-designer-history");

  /* The cards sold before move to the new terms when head office says so. */
  if (gold_cards > 0)
    {
      dialog = mdk_card_type_window_ask (designer, "designer.move-cards");
      g_assert_nonnull (dialog);
      mdk_test_wait_ms (300);
      mdk_test_save_screenshot (GTK_WIDGET (dialog), "card-designer-move");
      mdk_card_type_window_answer (designer, dialog, "one set of terms for everyone", "move");
      wait_for_designer (designer);
      g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.cards c JOIN mdk.card_types t "
                                           "ON t.id = c.card_type_id WHERE t.code = 'GOLD' AND c.terms_version <> t.version "
                                           "AND c.state IN ('active', 'lost', 'frozen')"), ==, 0);
    }

  /* A new type above gold, first with a prefix that does not hold. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (designer), "designer.new", NULL));
  wait_for_designer (designer);
  mdk_card_type_window_type_into (designer, "name", "白金卡");
  mdk_card_type_window_type_into (designer, "code", "PLATINUM");
  g_assert_true (mdk_card_type_window_choose (designer, "kind", g_dgettext (GETTEXT_PACKAGE, "VIP")));
  mdk_card_type_window_type_into (designer, "prefix", "69a");
  mdk_card_type_window_type_into (designer, "has_discount", "on");
  mdk_card_type_window_type_into (designer, "discount_bp", "15");
  mdk_card_type_window_type_into (designer, "luhn", "on");
  mdk_card_type_window_set_colours (designer, "#2B2D42", "#8D99AE");
  g_assert_true (mdk_card_type_window_choose (designer, "down_type", "金卡"));
  mdk_card_type_window_type_into (designer, "down_threshold", "80000");
  mdk_card_type_window_type_into (designer, "down_grace", "60");
  g_assert_null (mdk_card_type_window_ask (designer, "designer.save"));
  g_assert_nonnull (mdk_card_type_window_get_message (designer));
  mdk_test_wait_ms (300);
  mdk_test_save_screenshot (GTK_WIDGET (designer), "card-designer-invalid");
  mdk_card_type_window_type_into (designer, "prefix", "6900");
  /* A logo: a text file refused, then a PNG drawn here. */
  {
    g_autofree char *dir = g_dir_make_tmp ("mdk-logo-XXXXXX", NULL);
    g_autofree char *text_path = g_build_filename (dir, "notes.png", NULL);
    g_autofree char *png_path = g_build_filename (dir, "logo.png", NULL);
    g_autoptr(GFile) text = g_file_new_for_path (text_path);
    g_autoptr(GFile) png = g_file_new_for_path (png_path);
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 96, 96);
    cairo_t *cr = cairo_create (surface);
    gsize png_size;

    cairo_set_source_rgb (cr, 0.95, 0.85, 0.4);
    cairo_arc (cr, 48, 48, 40, 0, 2 * G_PI);
    cairo_fill (cr);
    cairo_set_source_rgb (cr, 0.17, 0.18, 0.26);
    cairo_arc (cr, 48, 48, 22, 0, 2 * G_PI);
    cairo_fill (cr);
    cairo_destroy (cr);
    g_assert_cmpint (cairo_surface_write_to_png (surface, png_path), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy (surface);
    g_assert_true (g_file_set_contents (text_path, "not an image", -1, NULL));
    {
      g_autofree char *contents = NULL;

      g_assert_true (g_file_get_contents (png_path, &contents, &png_size, NULL));
    }

    mdk_card_type_window_load_logo (designer, text);
    mdk_test_wait_ms (300);
    mdk_card_type_window_load_logo (designer, png);
    mdk_test_wait_ms (300);
    mdk_card_type_window_scroll_to (designer, "identity");
    mdk_test_wait_ms (300);
    mdk_test_save_screenshot (GTK_WIDGET (designer), "card-designer-logo");
    logo_size = png_size;
    g_unlink (text_path);
    g_unlink (png_path);
    g_rmdir (dir);
  }
  dialog = mdk_card_type_window_ask (designer, "designer.save");
  g_assert_nonnull (dialog);
  mdk_card_type_window_answer (designer, dialog, "a tier above gold", "save");
  wait_for_designer (designer);
  g_assert_null (mdk_card_type_window_get_message (designer));
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.card_types WHERE code = 'PLATINUM' "
                                       "AND name = '白金卡' AND kind = 'vip' AND discount_bp = 1500 AND number_luhn "
                                       "AND face_start = '#2B2D42'"), ==, 1);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT length(face_logo) FROM mdk.card_types WHERE code = 'PLATINUM'"),
                   ==, logo_size);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT r.threshold FROM mdk.card_tier_rules r "
                                       "JOIN mdk.card_types t ON t.id = r.from_type_id "
                                       "JOIN mdk.card_types g ON g.id = r.to_type_id "
                                       "WHERE t.code = 'PLATINUM' AND r.direction = 'down' AND g.code = 'GOLD' "
                                       "AND r.grace_days = 60"), ==, 8000000);
  mdk_test_save_screenshot (GTK_WIDGET (designer), "card-designer-new");

  /* Retired: no more cards of it. */
  dialog = mdk_card_type_window_ask (designer, "designer.retire");
  g_assert_nonnull (dialog);
  mdk_test_wait_ms (300);
  mdk_test_save_screenshot (GTK_WIDGET (dialog), "card-designer-retire");
  mdk_card_type_window_answer (designer, dialog, "launch postponed", "retire");
  wait_for_designer (designer);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.card_types WHERE code = 'PLATINUM' "
                                       "AND is_retired"), ==, 1);

  gtk_window_destroy (GTK_WINDOW (designer));

  /* Head office puts a general card in the gold tier by hand, for 90 days. */
  {
    g_autofree char *card = mdk_test_query_string (db->conn,
      "SELECT c.card_no FROM mdk.cards c JOIN mdk.card_types t ON t.id = c.card_type_id "
      "WHERE t.code = 'GENERAL' AND c.state = 'active' AND c.primary_card_id IS NULL ORDER BY c.id LIMIT 1");
    g_autofree char *hold = mdk_test_query_string (db->conn, "SELECT (current_date + 90)::text");
    g_autofree char *check = g_strdup_printf ("SELECT count(*) FROM mdk.cards c JOIN mdk.card_types t ON t.id = c.card_type_id "
                                              "WHERE c.card_no = '%s' AND t.code = 'GOLD' AND c.tier_held_until = '%s' "
                                              "AND EXISTS (SELECT 1 FROM mdk.card_events e WHERE e.card_id = c.id "
                                              "            AND e.event = 'tier_set')", card, hold);
    MdkMemberWindow *profile;
    MdkCardDialog *tier;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", "members"));
    mdk_members_page_search (members, card);
    wait_until_idle (window);
    profile = mdk_members_page_open_member (members, 0);
    g_assert_nonnull (profile);
    gtk_window_set_default_size (GTK_WINDOW (profile), 600, 1000);
    wait_for_profile (profile);
    tier = mdk_member_window_card_action (profile, card, "set_tier");
    g_assert_nonnull (tier);
    wait_for_card_dialog (tier);
    g_assert_true (mdk_card_dialog_choose_type (tier, "金卡"));
    mdk_card_dialog_set_field (tier, "hold", "2020-01-01");
    mdk_card_dialog_set_field (tier, "reason", "a valued customer");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (tier), "card.apply", NULL));
    g_assert_nonnull (mdk_card_dialog_get_message (tier));
    mdk_card_dialog_set_field (tier, "hold", hold);
    mdk_test_wait_ms (300);
    mdk_test_save_screenshot (GTK_WIDGET (tier), "card-set-tier");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (tier), "card.apply", NULL));
    wait_for_card_dialog (tier);
    g_assert_true (mdk_card_dialog_get_done (tier));
    g_assert_cmpint (mdk_test_query_int (db->conn, check), ==, 1);
    mdk_test_save_screenshot (GTK_WIDGET (tier), "card-set-tier-done");
    gtk_window_destroy (GTK_WINDOW (tier));
    wait_for_profile (profile);
    scroll_to_cards (GTK_WIDGET (profile));
    mdk_test_save_screenshot (GTK_WIDGET (profile), "member-cards-tier");
    gtk_window_destroy (GTK_WINDOW (profile));
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
wait_for_card_batch (MdkCardBatchWindow *batch)
{
  for (guint i = 0; i < 400 && mdk_card_batch_window_get_busy (batch); i++)
    mdk_test_wait_ms (25);
  g_assert_false (mdk_card_batch_window_get_busy (batch));
  mdk_test_wait_ms (300);
}

/* Batch issuance: an enterprise's employees get holder cards under its
 * group card, counted first; a card number that is no card refused. */
static void
test_card_batch (void)
{
  g_autoptr(MdkTestDb) db = demo_db ();
  MdkMembersPage *members;
  MdkWindow *window = open_members (db, &members);
  MdkCardsPage *cards = MDK_CARDS_PAGE (mdk_window_get_section_page (window, "cards"));
  g_autofree char *group_card = mdk_test_query_string (db->conn,
    "SELECT c.card_no FROM mdk.cards c JOIN mdk.card_types t ON t.id = c.card_type_id "
    "WHERE t.code = 'GROUP' AND c.state = 'active' AND c.primary_card_id IS NULL ORDER BY c.id LIMIT 1");
  g_autofree char *check = g_strdup_printf ("SELECT count(*) FROM mdk.cards c JOIN mdk.cards p ON p.id = c.primary_card_id "
                                            "JOIN mdk.members m ON m.id = c.member_id "
                                            "JOIN mdk.member_groups g ON g.id = m.group_id "
                                            "WHERE p.card_no = '%s' AND g.name = '星海科技有限公司'", group_card);
  MdkCardBatchWindow *batch;
  gint64 to_issue;

  /* The enterprise: a group of six members, and room for holders under its card. */
  PQclear (mdk_test_exec (db->conn, "INSERT INTO mdk.member_groups (name) VALUES ('星海科技有限公司')"));
  PQclear (mdk_test_exec (db->conn, "UPDATE mdk.members SET group_id = (SELECT id FROM mdk.member_groups "
                                    "WHERE name = '星海科技有限公司') WHERE id IN (SELECT id FROM mdk.members "
                                    "WHERE status = 'active' ORDER BY id DESC LIMIT 6)"));
  PQclear (mdk_test_exec (db->conn, "SELECT mdk.change_card_terms(id, '{\"max_affiliates\": 50}', 'holders'), "
                                    "mdk.move_cards_to_current_terms(id, 'holders') FROM mdk.card_types "
                                    "WHERE code = 'GROUP'"));

  to_issue = mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members m JOIN mdk.member_groups g ON g.id = m.group_id "
                                           "WHERE g.name = '星海科技有限公司' AND NOT mdk.holds_card_of_type(m.id, "
                                           "(SELECT id FROM mdk.card_types WHERE code = 'PERSONAL'))");
  g_assert_cmpint (to_issue, >, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", "cards"));
  batch = MDK_CARD_BATCH_WINDOW (mdk_cards_page_open_batch (cards));
  g_assert_nonnull (batch);
  wait_for_card_batch (batch);
  g_assert_true (mdk_card_batch_window_choose (batch, "group", "星海科技有限公司"));
  g_assert_true (mdk_card_batch_window_choose (batch, "type", "个人储值卡"));
  mdk_card_batch_window_set_under (batch, "12345");
  wait_for_card_batch (batch);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (batch), "batch.issue", NULL));
  g_assert_nonnull (mdk_card_batch_window_get_message (batch));
  mdk_card_batch_window_set_under (batch, group_card);
  wait_for_card_batch (batch);
  g_assert_nonnull (strstr (mdk_card_batch_window_get_preview (batch), "6"));
  mdk_test_save_screenshot (GTK_WIDGET (batch), "card-batch");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (batch), "batch.issue", NULL));
  wait_for_card_batch (batch);
  g_assert_null (mdk_card_batch_window_get_message (batch));
  g_assert_true (mdk_card_batch_window_get_done (batch));
  g_assert_cmpint (mdk_test_query_int (db->conn, check), ==, to_issue);
  mdk_test_save_screenshot (GTK_WIDGET (batch), "card-batch-done");
  gtk_window_destroy (GTK_WINDOW (batch));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  mdk_test_init (&argc, &argv);

  if (!gtk_init_check ())
    {
      g_test_message ("No display: the UI tests need one (run them under xvfb-run).");
      g_test_add_func ("/ui/no-display", (GTestFunc) g_test_skip);
      return g_test_run ();
    }
  adw_init ();
  {
    /* What AdwApplication loads from its resource base path in the app. */
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, RESOURCE_BASE "/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  g_test_add_func ("/ui/loading-and-error", test_loading_and_error);
  g_test_add_func ("/ui/sections", test_sections);
  g_test_add_func ("/ui/member-editor", test_member_editor);
  g_test_add_func ("/ui/classification", test_classification);
  g_test_add_func ("/ui/import", test_import);
  g_test_add_func ("/ui/finance", test_finance);
  g_test_add_func ("/ui/batch-recharge", test_batch_recharge);
  g_test_add_func ("/ui/card-actions", test_card_actions);
  g_test_add_func ("/ui/card-designer", test_card_designer);
  g_test_add_func ("/ui/card-own-accounts", test_card_own_accounts);
  g_test_add_func ("/ui/card-batch", test_card_batch);
  g_test_add_func ("/ui/preferences", test_preferences);
  g_test_add_func ("/ui/shortcuts-window", test_shortcuts_window);

  return mdk_test_run ();
}
