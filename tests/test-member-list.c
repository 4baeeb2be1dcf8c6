/* test-member-list.c: the lazy member list: bounds, paging by keyset,
 * jumping, bounded memory, and a query replaced while it loads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-test-fixture.h"

#define N_MEMBERS 12000

static MdkTestDb *db;

typedef struct
{
  guint n_signals;
  guint last_removed;
  guint last_added;
} Changes;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->n_signals++;
  changes->last_removed = removed;
  changes->last_added = added;
}

static void
wait_idle (MdkMemberList *list)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (mdk_paged_list_get_loading (MDK_PAGED_LIST (list)))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_null (mdk_paged_list_get_error (MDK_PAGED_LIST (list)));
}

static MdkMember *
loaded_item (MdkMemberList *list,
             guint          position)
{
  MdkMember *member = g_list_model_get_item (G_LIST_MODEL (list), position);

  g_assert_nonnull (member);
  wait_idle (list);
  g_assert_true (mdk_member_get_loaded (member));
  return member;
}

static GArray *
expected_ids (const char *sql)
{
  g_autoptr(PGresult) result = mdk_test_exec (db->conn, sql);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (int row = 0; row < PQntuples (result); row++)
    {
      gint64 id = mdk_pg_get_int64 (result, row, 0);

      g_array_append_val (ids, id);
    }
  return ids;
}

static void
test_walk_everyone (void)
{
  g_autoptr(MdkMemberList) list = mdk_member_list_new (db->database);
  g_autoptr(MdkMemberQuery) query = mdk_member_query_new (NULL);
  g_autoptr(GArray) ids = expected_ids ("SELECT id FROM mdk.members ORDER BY name_pinyin COLLATE \"C\", id");
  Changes changes = { 0 };
  guint max_cached = 0;

  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), &changes);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == MDK_TYPE_MEMBER);

  mdk_member_list_set_query (list, query);
  wait_idle (list);

  /* The count comes in one batch: one signal, every row. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N_MEMBERS);
  g_assert_cmpuint (changes.n_signals, ==, 1);
  g_assert_cmpuint (changes.last_added, ==, N_MEMBERS);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), N_MEMBERS));
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), G_MAXUINT));

  for (guint i = 0; i < N_MEMBERS; i++)
    {
      g_autoptr(MdkMember) member = g_list_model_get_item (G_LIST_MODEL (list), i);

      if (!mdk_member_get_loaded (member))
        wait_idle (list);
      g_assert_true (mdk_member_get_loaded (member));
      g_assert_cmpint (mdk_member_get_id (member), ==, g_array_index (ids, gint64, i));
      max_cached = MAX (max_cached, mdk_paged_list_get_n_cached (MDK_PAGED_LIST (list)));
    }

  /* Memory stays bounded: never all rows at once. */
  g_assert_cmpuint (max_cached, <=, 8000);
  g_assert_cmpuint (changes.n_signals, ==, 1);
}

static void
test_jump (void)
{
  g_autoptr(MdkMemberList) list = mdk_member_list_new (db->database);
  g_autoptr(MdkMemberQuery) query = mdk_member_query_new (NULL);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(MdkMember) last = NULL;
  g_autoptr(MdkMember) middle = NULL;

  query->sort = MDK_MEMBER_SORT_JOINED;
  query->descending = TRUE;
  ids = expected_ids ("SELECT id FROM mdk.members ORDER BY joined_at DESC, id DESC");
  mdk_member_list_set_query (list, query);
  wait_idle (list);

  /* Straight to the end and the middle, as a dragged scroll bar does. */
  last = loaded_item (list, N_MEMBERS - 1);
  g_assert_cmpint (mdk_member_get_id (last), ==, g_array_index (ids, gint64, N_MEMBERS - 1));
  middle = loaded_item (list, N_MEMBERS / 2 + 7);
  g_assert_cmpint (mdk_member_get_id (middle), ==, g_array_index (ids, gint64, N_MEMBERS / 2 + 7));
  g_assert_cmpuint (mdk_paged_list_get_n_cached (MDK_PAGED_LIST (list)), <=, 2 * 200);
}

static void
test_search_and_replace (void)
{
  g_autoptr(MdkMemberList) list = mdk_member_list_new (db->database);
  g_autoptr(MdkMemberQuery) everyone = mdk_member_query_new (NULL);
  g_autoptr(MdkMemberQuery) february = mdk_member_query_new (NULL);
  g_autofree char *mobile = mdk_test_query_string (db->conn, "SELECT mobile FROM mdk.members WHERE id = 42");
  g_autoptr(MdkMemberQuery) one = mdk_member_query_new (mobile);
  g_autoptr(MdkMember) found = NULL;
  g_autoptr(MdkMember) placeholder = NULL;

  /* Typing goes on while the previous search still loads. */
  mdk_member_list_set_query (list, everyone);
  placeholder = g_list_model_get_item (G_LIST_MODEL (list), 0);
  february->birthday_month = 2;
  mdk_member_list_set_query (list, february);
  mdk_member_list_set_query (list, one);
  wait_idle (list);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  found = loaded_item (list, 0);
  g_assert_cmpint (mdk_member_get_id (found), ==, 42);

  /* Nothing matches: an empty list, and no error. */
  {
    g_autoptr(MdkMemberQuery) nobody = mdk_member_query_new ("zzzzzzzz");

    mdk_member_list_set_query (list, nobody);
    wait_idle (list);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  mdk_test_init (&argc, &argv);

  db = mdk_test_db_new_demo (N_MEMBERS, 9);

  g_test_add_func ("/member-list/walk-everyone", test_walk_everyone);
  g_test_add_func ("/member-list/jump", test_jump);
  g_test_add_func ("/member-list/search-and-replace", test_search_and_replace);

  return mdk_test_run ();
}
