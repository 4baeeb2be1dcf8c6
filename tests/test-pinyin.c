/* test-pinyin.c: search keys of names, the same in C and in the database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-test-fixture.h"

static const struct {
  const char *name;
  const char *pinyin;
  const char *initials;
} names[] = {
  { "李明", "liming", "lm" },
  { "王芳", "wangfang", "wf" },
  { "张伟", "zhangwei", "zw" },
  { "欧阳娜娜", "ouyangnana", "oynn" },
  { "诸葛亮", "zhugeliang", "zgl" },
  { "曾小明", "zengxiaoming", "zxm" },
  { "单田芳", "shantianfang", "stf" },
  { "尉迟恭", "yuchigong", "ycg" },
  { "Emily Chen", "emilychen", "ec" },
  { "  David  WONG ", "davidwong", "dw" },
  { "王 Emily", "wangemily", "we" },
  { "李-明", "liming", "lm" },
  { "O'Brien 李", "obrienli", "obl" },
  { "李明2", "liming2", "lm2" },
  { "Zoë 😀", "zo", "z" },
  { "曾", "zeng", "z" },
};

static void
test_c_keys (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *pinyin = mdk_name_pinyin (names[i].name);
      g_autofree char *initials = mdk_name_initials (names[i].name);

      g_assert_cmpstr (pinyin, ==, names[i].pinyin);
      g_assert_cmpstr (initials, ==, names[i].initials);
    }
}

static void
test_grams (void)
{
  g_auto(GStrv) two = mdk_name_grams ("李明");
  g_auto(GStrv) latin = mdk_name_grams ("Ann Anna");
  const char * const expected_two[] = { "明", "李", "李明", NULL };

  g_assert_cmpstrv (two, expected_two);
  /* "annanna": a, an, n, nn, na, and ~n, ~a from the third on; each once */
  g_assert_cmpuint (g_strv_length (latin), ==, 7);
  g_assert_true (g_strv_contains ((const char * const *) latin, "nn"));
}

static void
test_database_agrees (void)
{
  g_autoptr(MdkTestDb) db = mdk_test_db_new ();
  g_autoptr(GError) error = NULL;

  mdk_test_exec (db->conn, "INSERT INTO mdk.regions (id, code, name) VALUES (1, 'R', 'R')");
  mdk_test_exec (db->conn, "INSERT INTO mdk.stores (id, region_id, code, name, city) VALUES (1, 1, 'S', 'S', 'C')");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *params[] = { names[i].name };
      g_autoptr(PGresult) row = NULL;
      g_auto(GStrv) grams = mdk_name_grams (names[i].name);
      g_autoptr(PGresult) same = NULL;

      /* No keys given: the trigger computes them. */
      row = mdk_pg_exec (db->conn,
                         "INSERT INTO mdk.members (name, home_store_id, entry_channel) VALUES ($1, 1, 'website') "
                         "RETURNING name_pinyin, name_initials, name_grams::text",
                         1, params, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (PQgetvalue (row, 0, 0), ==, names[i].pinyin);
      g_assert_cmpstr (PQgetvalue (row, 0, 1), ==, names[i].initials);

      /* The C grams are the same set as the database's. */
      {
        g_autoptr(GPtrArray) p = g_ptr_array_new ();
        g_autoptr(GString) literal = g_string_new ("{");

        for (guint g = 0; grams[g] != NULL; g++)
          g_string_append_printf (literal, "%s\"%s\"", g ? "," : "", grams[g]);
        g_string_append_c (literal, '}');
        g_ptr_array_add (p, (gpointer) names[i].name);
        g_ptr_array_add (p, literal->str);
        same = mdk_pg_exec (db->conn, "SELECT mdk.name_grams($1) @> $2::text[] AND mdk.name_grams($1) <@ $2::text[]",
                            2, (const char * const *) p->pdata, &error);
        g_assert_no_error (error);
        g_assert_cmpstr (PQgetvalue (same, 0, 0), ==, "t");
      }
    }

  /* A changed name gets new keys. */
  mdk_test_exec (db->conn, "UPDATE mdk.members SET name = '欧阳娜娜' WHERE name = '李明'");
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members WHERE name_pinyin = 'ouyangnana'"), ==, 2);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members WHERE name_pinyin = 'liming'"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  mdk_test_init (&argc, &argv);

  g_test_add_func ("/pinyin/c-keys", test_c_keys);
  g_test_add_func ("/pinyin/grams", test_grams);
  g_test_add_func ("/pinyin/database-agrees", test_database_agrees);

  return mdk_test_run ();
}
