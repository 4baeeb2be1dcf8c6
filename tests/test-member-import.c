/* test-member-import.c: the CSV reader, header recognition, and importing a
 * deliberately nasty file with exact outcomes, again, in GBK, cancelled
 * and killed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>
#include <string.h>
#include <glib/gstdio.h>
#include <xlsxwriter.h>

#include "mdk-test-fixture.h"

static char *dir;

static char **
read_all (const char *data,
          gsize       length,
          guint64    *lines,
          guint      *n_records)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdkCsvReader) reader = mdk_csv_reader_new_for_data (data, length, &error);
  g_autoptr(GPtrArray) joined = g_ptr_array_new ();
  char **record;
  guint n = 0;

  g_assert_no_error (error);
  while ((record = mdk_csv_reader_next (reader)) != NULL)
    {
      g_ptr_array_add (joined, g_strjoinv ("|", record));
      if (lines != NULL)
        lines[n] = mdk_csv_reader_get_line (reader);
      n++;
      g_strfreev (record);
    }
  *n_records = n;
  g_ptr_array_add (joined, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&joined), FALSE);
}

static void
test_csv_reader (void)
{
  static const char text[] =
    "\xEF\xBB\xBF" "a,b,c\r\n"
    "1,\"two, too\",3\r\n"
    "\"say \"\"hi\"\"\",\"line\r\nbreak\",\r\n"
    "\r\n"
    "x\"y,\"\",z\n"
    "last,row,\"no newline\"";
  guint64 lines[8];
  guint n = 0;
  g_auto(GStrv) records = read_all (text, sizeof text - 1, lines, &n);

  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpstr (records[0], ==, "a|b|c");
  g_assert_cmpstr (records[1], ==, "1|two, too|3");
  g_assert_cmpstr (records[2], ==, "say \"hi\"|line\r\nbreak|");
  g_assert_cmpstr (records[3], ==, "x\"y||z");
  g_assert_cmpstr (records[4], ==, "last|row|no newline");
  /* Line numbers as a spreadsheet shows them: the quoted break counts. */
  g_assert_cmpuint (lines[0], ==, 1);
  g_assert_cmpuint (lines[2], ==, 3);
  g_assert_cmpuint (lines[3], ==, 6);
  g_assert_cmpuint (lines[4], ==, 7);
}

static void
test_csv_reader_encodings (void)
{
  static const char utf8[] = "姓名,手机号\r名字,1\r";
  static const char tabs[] = "name\tmobile\nLi, Ming\t138\n";
  g_autofree char *gbk = NULL;
  gsize gbk_length = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdkCsvReader) reader = NULL;
  g_auto(GStrv) first = NULL;
  g_auto(GStrv) second = NULL;
  guint n = 0;

  /* Old Mac line ends (CR alone) are lines too. */
  {
    g_auto(GStrv) records = read_all (utf8, sizeof utf8 - 1, NULL, &n);

    g_assert_cmpuint (n, ==, 2);
    g_assert_cmpstr (records[1], ==, "名字|1");
  }

  /* What Chinese Excel saves: GBK, no byte order mark. */
  gbk = g_convert (utf8, -1, "GB18030", "UTF-8", NULL, &gbk_length, &error);
  g_assert_no_error (error);
  reader = mdk_csv_reader_new_for_data (gbk, gbk_length, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mdk_csv_reader_get_encoding (reader), ==, "GB18030");
  first = mdk_csv_reader_next (reader);
  g_assert_cmpstr (first[0], ==, "姓名");

  /* A tab-separated file is read as one. */
  g_clear_pointer (&reader, mdk_csv_reader_free);
  reader = mdk_csv_reader_new_for_data (tabs, sizeof tabs - 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mdk_csv_reader_get_delimiter (reader), ==, '\t');
  g_strfreev (mdk_csv_reader_next (reader));
  second = mdk_csv_reader_next (reader);
  g_assert_cmpstr (second[0], ==, "Li, Ming");

  /* Binary data is refused in words. */
  g_clear_pointer (&reader, mdk_csv_reader_free);
  reader = mdk_csv_reader_new_for_data ("PK\x03\x04\0\0\xff\xfe", 8, &error);
  g_assert_null (reader);
  g_assert_nonnull (error);
}

static void
test_headers (void)
{
  static const struct { const char *header; const char *target; } cases[] = {
    { "姓名", "name" }, { " Name ", "name" }, { "手机号码", "mobile" }, { "Mobile Phone", "mobile" },
    { "性别", "gender" }, { "E-mail", "email" }, { "邮箱", "email" }, { "身份证号", "id_number" },
    { "ID_Number", "id_number" }, { "出生日期", "birthday" }, { "生日*", "birthday" }, { "门店编码", "store" },
    { "标签", "tags" }, { "会员分组", "group" }, { "备注", "" }, { "", "" },
  };
  g_autoptr(MdkCustomField) field = mdk_custom_field_new (7, "f7", "职业", "text", NULL);
  g_autoptr(GListStore) fields = g_list_store_new (MDK_TYPE_CUSTOM_FIELD);

  g_list_store_append (fields, field);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpstr (mdk_import_target_for_header (cases[i].header, G_LIST_MODEL (fields)), ==, cases[i].target);
  g_assert_cmpstr (mdk_import_target_for_header ("职业", G_LIST_MODEL (fields)), ==, "custom:f7");
}

static MdkTestDb *
chain_db (void)
{
  MdkTestDb *db = mdk_test_db_new ();

  PQclear (mdk_test_exec (db->conn, "INSERT INTO mdk.regions (id, code, name) VALUES (1, 'EAST', '华东')"));
  PQclear (mdk_test_exec (db->conn, "INSERT INTO mdk.stores (id, region_id, code, name, city) VALUES "
                                    "(1, 1, 'SH-001', '上海徐汇店', '上海'), (2, 1, 'BJ-001', '北京国贸店', '北京')"));
  PQclear (mdk_test_exec (db->conn, "INSERT INTO mdk.operators (id, login, name, scope, role) "
                                    "VALUES (1, 'admin', '系统管理员', 'head_office', 'administrator')"));
  return db;
}

static char *
nasty_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "data", "members-nasty.csv", NULL);
}

static MdkImportPlan *
plan_for (const char           *path,
          MdkImportDuplicates   duplicates)
{
  g_autoptr(GError) error = NULL;
  MdkImportPlan *plan = mdk_import_plan_new (path, NULL, &error);

  g_assert_no_error (error);
  plan->default_store_id = 2;
  plan->duplicates = duplicates;
  return plan;
}

static gpointer
import_work (PGconn        *conn,
             gpointer       work_data,
             GCancellable  *cancellable,
             GError       **error)
{
  return mdk_member_import (conn, work_data, NULL, NULL, cancellable, error);
}

static MdkImportResult *
run_import (MdkTestDb     *db,
            MdkImportPlan *plan)
{
  g_autoptr(GError) error = NULL;
  MdkImportResult *result = mdk_database_run_sync (db->database, MDK_DATABASE_RUN_TRANSACTION, import_work, plan,
                                                   NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static const struct {
  guint64     line;
  const char *reason;  /* a part of the reason, in English */
} expected_rejections[] = {
  { 7, "same mobile number as line 2" },
  { 8, "not a leap year" },
  { 9, "11-digit mainland mobile number" },
  { 10, "at most 100 characters" },
  { 12, "year first" },
  { 13, "e-mail address" },
  { 15, "same ID number as line 14" },
  { 16, "mobile number or an ID number" },
  { 17, "member’s name" },
  { 19, "no open store" },
  { 21, "more cells than the header" },
  { 22, "gender" },
  { 23, "future" },
};

static void
check_nasty_outcome (MdkTestDb       *db,
                     MdkImportResult *result)
{
  g_assert_cmpuint (result->n_rows, ==, 21);
  g_assert_cmpuint (result->n_inserted, ==, 8);
  g_assert_cmpuint (result->rejections->len, ==, G_N_ELEMENTS (expected_rejections));
  for (guint i = 0; i < G_N_ELEMENTS (expected_rejections); i++)
    {
      MdkImportRejection *rejection = g_ptr_array_index (result->rejections, i);

      g_test_message ("line %" G_GUINT64_FORMAT ": %s", rejection->line, rejection->reason);
      g_assert_cmpuint (rejection->line, ==, expected_rejections[i].line);
      g_assert_nonnull (strstr (rejection->reason, expected_rejections[i].reason));
      g_assert_nonnull (rejection->fields[0]);
    }

  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members"), ==, 8);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members WHERE entry_channel = 'batch_import' "
                                                 "AND import_id IS NOT NULL AND entry_operator_id = 1"), ==, 8);
  {
    g_autofree char *names = mdk_test_query_string (db->conn, "SELECT string_agg(name, '|' ORDER BY mobile) FROM mdk.members");

    g_assert_cmpstr (names, ==, "李明|王, 芳|张\"三\"|Multi Line|😀 Emoji 会员 👩‍👩‍👧|郑十一|=cmd|' /C calc'!A0|朱十八");
  }
  {
    g_autofree char *wang = mdk_test_query_string (db->conn, "SELECT birthday || ' ' || gender || ' ' || home_store_id || ' ' "
                                                             "|| mdk.member_tag_names(id) FROM mdk.members "
                                                             "WHERE mobile = '13800000002'");
    g_autofree char *zhu = mdk_test_query_string (db->conn, "SELECT home_store_id::text FROM mdk.members "
                                                            "WHERE mobile = '13800000018'");
    g_autofree char *zheng = mdk_test_query_string (db->conn, "SELECT id_number FROM mdk.members "
                                                              "WHERE mobile = '13800000010'");

    g_assert_cmpstr (wang, ==, "2000-02-29 F 2 VIP, 常客");
    g_assert_cmpstr (zhu, ==, "1");
    g_assert_cmpstr (zheng, ==, "11010519491231002X");
  }
  /* The search keys were computed on the way in. */
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members WHERE name = '李明' "
                                                 "AND name_pinyin = 'liming' AND name_initials = 'lm'"), ==, 1);
}

static void
test_nasty_file (void)
{
  g_autoptr(MdkTestDb) db = chain_db ();
  g_autofree char *path = nasty_path ();
  g_autoptr(MdkImportPlan) plan = plan_for (path, MDK_IMPORT_SKIP);
  g_autoptr(MdkImportResult) result = NULL;
  g_autoptr(MdkImportResult) again = NULL;
  g_autofree char *report = g_build_filename (dir, "rejected.csv", NULL);
  g_autofree char *report_text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (plan->encoding, ==, "UTF-8");
  g_assert_cmpstr (plan->targets[0], ==, "name");
  g_assert_cmpstr (plan->targets[7], ==, "store");
  g_assert_cmpuint (plan->preview->len, ==, 8);
  g_assert_true (mdk_import_plan_check (plan, &error));

  result = run_import (db, plan);
  check_nasty_outcome (db, result);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT n_rows * 1000000 + n_inserted * 10000 + n_rejected "
                                                 "FROM mdk.member_imports"), ==, 21 * 1000000 + 8 * 10000 + 13);

  /* The report lists each rejected row under the file's own header. */
  g_assert_true (mdk_import_result_write_report (result, plan, report, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (report, &report_text, NULL, NULL));
  g_assert_true (g_str_has_prefix (report_text, "\xEF\xBB\xBFLine,Reason,姓名,手机号,性别"));
  g_assert_nonnull (strstr (report_text, "\r\n7,The same mobile number as line 2 of the file.,赵六,13800000001,男"));
  g_assert_nonnull (strstr (report_text, "\r\n21,"));
  g_unlink (report);

  /* The same file again creates nobody twice. */
  again = run_import (db, plan);
  g_assert_cmpuint (again->n_inserted, ==, 0);
  g_assert_cmpuint (again->n_skipped, ==, 8);
  g_assert_cmpuint (again->rejections->len, ==, G_N_ELEMENTS (expected_rejections));
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members"), ==, 8);
}

static void
test_gbk_file (void)
{
  g_autoptr(MdkTestDb) db = chain_db ();
  g_autofree char *path = nasty_path ();
  g_autofree char *gbk_path = g_build_filename (dir, "members-gbk.csv", NULL);
  g_autofree char *text = NULL;
  g_autofree char *gbk = NULL;
  gsize length = 0, gbk_length = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdkImportPlan) plan = NULL;
  g_autoptr(MdkImportResult) result = NULL;
  g_autoptr(GString) without_emoji = NULL;

  /* GB18030 can hold the emoji too; GBK itself cannot, so the file as
   * Chinese Excel saves it has them replaced, as Excel does, by "?". */
  g_assert_true (g_file_get_contents (path, &text, &length, NULL));
  without_emoji = g_string_new (text + 3);
  g_string_replace (without_emoji, "😀 Emoji 会员 👩‍👩‍👧", "Emoji 会员", 1);
  gbk = g_convert (without_emoji->str, without_emoji->len, "GBK", "UTF-8", NULL, &gbk_length, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (gbk_path, gbk, gbk_length, &error));

  plan = plan_for (gbk_path, MDK_IMPORT_SKIP);
  g_assert_cmpstr (plan->encoding, ==, "GB18030");
  g_assert_cmpstr (plan->header[0], ==, "姓名");
  result = run_import (db, plan);
  g_assert_cmpuint (result->n_inserted, ==, 8);
  g_assert_cmpuint (result->rejections->len, ==, G_N_ELEMENTS (expected_rejections));
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members WHERE name = 'Emoji 会员'"), ==, 1);
  g_unlink (gbk_path);
}

static char *
write_file (const char *name,
            const char *text)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  return path;
}

static void
test_update_and_merge (void)
{
  g_autoptr(MdkTestDb) db = chain_db ();
  g_autofree char *first = write_file ("first.csv",
                                       "name,mobile,email,birthday,gender\n"
                                       "Li Ming,13900000001,,1990-01-01,M\n"
                                       "Wang Fang,13900000002,wang@example.com,,\n");
  g_autofree char *second = write_file ("second.csv",
                                        "name,mobile,email,birthday,gender\n"
                                        "Li Ming Jr,13900000001,li@example.com,1991-01-01,\n"
                                        "Wang F.,13900000002,new@example.com,1992-02-02,F\n");
  g_autoptr(MdkImportPlan) plan = plan_for (first, MDK_IMPORT_SKIP);
  g_autoptr(MdkImportResult) result = run_import (db, plan);
  g_autoptr(MdkImportPlan) merge = plan_for (second, MDK_IMPORT_MERGE);
  g_autoptr(MdkImportPlan) update = plan_for (second, MDK_IMPORT_UPDATE);
  g_autoptr(MdkImportResult) merged = NULL;
  g_autoptr(MdkImportResult) updated = NULL;
  g_autofree char *li = NULL;
  g_autofree char *wang = NULL;

  g_assert_cmpuint (result->n_inserted, ==, 2);

  /* Merge fills what is missing and keeps the rest. */
  merged = run_import (db, merge);
  g_assert_cmpuint (merged->n_updated, ==, 2);
  g_assert_cmpuint (merged->n_birthdays_kept, ==, 1);
  li = mdk_test_query_string (db->conn, "SELECT name || ' ' || email || ' ' || birthday FROM mdk.members WHERE mobile = '13900000001'");
  wang = mdk_test_query_string (db->conn, "SELECT name || ' ' || email || ' ' || birthday || ' ' || gender FROM mdk.members WHERE mobile = '13900000002'");
  g_assert_cmpstr (li, ==, "Li Ming li@example.com 1990-01-01");
  g_assert_cmpstr (wang, ==, "Wang Fang wang@example.com 1992-02-02 F");
  /* A birthday set by an import is in the audit trail, with its reason. */
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.member_birthday_changes "
                                                 "WHERE reason = 'batch import of second.csv' AND old_birthday IS NULL"), ==, 1);

  /* Update replaces, but never an existing birthday. */
  updated = run_import (db, update);
  g_assert_cmpuint (updated->n_updated, ==, 2);
  g_clear_pointer (&li, g_free);
  g_clear_pointer (&wang, g_free);
  li = mdk_test_query_string (db->conn, "SELECT name || ' ' || name_pinyin || ' ' || email || ' ' || birthday FROM mdk.members WHERE mobile = '13900000001'");
  wang = mdk_test_query_string (db->conn, "SELECT name || ' ' || email FROM mdk.members WHERE mobile = '13900000002'");
  g_assert_cmpstr (li, ==, "Li Ming Jr limingjr li@example.com 1990-01-01");
  g_assert_cmpstr (wang, ==, "Wang F. new@example.com");
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members"), ==, 2);
  g_unlink (first);
  g_unlink (second);
}


static void
write_workbook (const char *path,
                gboolean    constant_memory)
{
  lxw_workbook_options options = { .constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE };
  lxw_workbook *workbook = workbook_new_opt (path, &options);
  lxw_worksheet *sheet = workbook_add_worksheet (workbook, "会员");
  lxw_format *date = workbook_add_format (workbook);
  lxw_datetime birthday = { 2000, 2, 29, 0, 0, 0 };
  lxw_datetime other = { 1985, 7, 1, 0, 0, 0 };

  format_set_num_format (date, "yyyy\"年\"m\"月\"d\"日\"");
  worksheet_write_string (sheet, 0, 0, "姓名", NULL);
  worksheet_write_string (sheet, 0, 1, "手机号", NULL);
  worksheet_write_string (sheet, 0, 2, "生日", NULL);
  worksheet_write_string (sheet, 0, 3, "性别", NULL);
  /* A mobile number kept as a number, a date kept as a date. */
  worksheet_write_string (sheet, 1, 0, "表格一", NULL);
  worksheet_write_number (sheet, 1, 1, 13700000001.0, NULL);
  worksheet_write_datetime (sheet, 1, 2, &birthday, date);
  worksheet_write_string (sheet, 1, 3, "女", NULL);
  /* Row 3 is left empty; row 4 has its date as text and a gap before gender. */
  worksheet_write_string (sheet, 3, 0, "表格二 👩‍👩‍👧", NULL);
  worksheet_write_string (sheet, 3, 1, "137 0000 0002", NULL);
  worksheet_write_string (sheet, 3, 2, "1990/5/17", NULL);
  worksheet_write_string (sheet, 4, 0, "表格三", NULL);
  worksheet_write_number (sheet, 4, 1, 13700000003.0, NULL);
  worksheet_write_datetime (sheet, 4, 2, &other, date);
  worksheet_write_string (sheet, 4, 3, "男", NULL);
  /* And one bad row. */
  worksheet_write_string (sheet, 5, 0, "表格四", NULL);
  worksheet_write_number (sheet, 5, 1, 12345, NULL);
  g_assert_cmpint (workbook_close (workbook), ==, LXW_NO_ERROR);
}

static void
test_xlsx_file (void)
{
  for (guint mode = 0; mode < 2; mode++)
    {
      g_autoptr(MdkTestDb) db = chain_db ();
      g_autofree char *path = g_build_filename (dir, mode ? "inline.xlsx" : "shared.xlsx", NULL);
      g_autoptr(MdkImportPlan) plan = NULL;
      g_autoptr(MdkImportResult) result = NULL;
      g_autofree char *rows = NULL;
      MdkImportRejection *rejection;

      write_workbook (path, mode == 1);
      plan = plan_for (path, MDK_IMPORT_SKIP);
      g_assert_cmpstr (plan->encoding, ==, "XLSX");
      g_assert_cmpstr (plan->targets[2], ==, "birthday");
      g_assert_cmpuint (plan->preview->len, ==, 4);

      result = run_import (db, plan);
      g_assert_cmpuint (result->n_rows, ==, 4);
      g_assert_cmpuint (result->n_inserted, ==, 3);
      g_assert_cmpuint (result->rejections->len, ==, 1);
      rejection = g_ptr_array_index (result->rejections, 0);
      g_assert_cmpuint (rejection->line, ==, 6);  /* the sheet's row number */
      g_assert_cmpstr (rejection->fields[1], ==, "12345");

      rows = mdk_test_query_string (db->conn, "SELECT string_agg(name || ' ' || mobile || ' ' || coalesce(birthday::text, '-') "
                                              "|| ' ' || gender, '|' ORDER BY mobile) FROM mdk.members");
      g_assert_cmpstr (rows, ==, "表格一 13700000001 2000-02-29 F|表格二 👩‍👩‍👧 13700000002 1990-05-17 U|"
                                 "表格三 13700000003 1985-07-01 M");
      g_unlink (path);
    }

  /* Not a workbook at all. */
  {
    g_autofree char *fake = write_file ("fake.xlsx", "name,mobile\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(MdkImportPlan) plan = mdk_import_plan_new (fake, NULL, &error);

    g_assert_null (plan);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_unlink (fake);
  }
}

static void
cancel_when_reading (double      fraction,
                     const char *stage,
                     gpointer    user_data)
{
  if (fraction > 0.1)
    g_cancellable_cancel (user_data);
}

static char *
write_big_file (guint n_rows)
{
  g_autoptr(GString) text = g_string_new ("姓名,手机号,生日\n");
  char *path = g_build_filename (dir, "big.csv", NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (text, "会员%u,139%08u,1990-01-%02u\n", i, i, i % 28 + 1);
  g_assert_true (g_file_set_contents (path, text->str, text->len, &error));
  return path;
}

static void
test_cancel_leaves_nothing (void)
{
  g_autoptr(MdkTestDb) db = chain_db ();
  g_autofree char *path = write_big_file (50000);
  g_autoptr(MdkImportPlan) plan = plan_for (path, MDK_IMPORT_SKIP);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  MdkImportResult *result;

  g_assert_true (mdk_pg_exec_command (db->conn, "BEGIN", 0, NULL, &error));
  result = mdk_member_import (db->conn, plan, cancel_when_reading, cancellable, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  mdk_pg_exec_command (db->conn, "ROLLBACK", 0, NULL, NULL);

  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members"), ==, 0);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.member_imports"), ==, 0);
  g_unlink (path);
}

/* memberdesk-admin killed with SIGKILL in the middle of an import: the
 * server rolls the transaction back, and no member of it is left. */
static void
test_killed_import_leaves_nothing (void)
{
  g_autoptr(MdkTestDb) db = chain_db ();
  g_autofree char *path = write_big_file (200000);
  const char *admin = g_getenv ("MDK_ADMIN");
  g_autoptr(GError) error = NULL;
  GPid pid = 0;
  gboolean copying = FALSE;
  int status = 0;

  if (admin == NULL)
    {
      g_test_skip ("MDK_ADMIN does not name memberdesk-admin");
      return;
    }

  {
    const char *argv[] = { admin, "-d", db->conninfo, "--store", "SH-001", "import", "members", path, NULL };

    g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                  NULL, NULL, &pid, &error));
    g_assert_no_error (error);
  }

  /* Kill it once its rows are on their way into the server. */
  for (guint i = 0; i < 600 && !copying; i++)
    {
      g_usleep (10 * 1000);
      copying = mdk_test_query_int (db->conn, "SELECT count(*) FROM pg_stat_activity "
                                              "WHERE query LIKE 'COPY import_rows%'") > 0;
    }
  g_assert_true (copying);
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_assert_true (WIFSIGNALED (status));

  /* The server notices the dead client and rolls back. */
  for (guint i = 0; i < 500 && mdk_test_query_int (db->conn, "SELECT count(*) FROM pg_stat_activity "
                                                             "WHERE query LIKE 'COPY import_rows%'") > 0; i++)
    g_usleep (10 * 1000);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members"), ==, 0);
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.member_imports"), ==, 0);

  /* And the same import, left alone, lands whole. */
  {
    const char *argv[] = { admin, "-d", db->conninfo, "--store", "SH-001", "import", "members", path, NULL };
    g_autofree char *out = NULL;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                                 &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members"), ==, 200000);
  g_unlink (path);
}

static void
test_admin_exit_status (void)
{
  g_autoptr(MdkTestDb) db = chain_db ();
  g_autofree char *path = nasty_path ();
  g_autofree char *report = g_build_filename (dir, "admin-report.csv", NULL);
  const char *admin = g_getenv ("MDK_ADMIN");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (admin == NULL)
    {
      g_test_skip ("MDK_ADMIN does not name memberdesk-admin");
      return;
    }

  {
    const char *argv[] = { admin, "-d", db->conninfo, "--store", "北京国贸店", "--report", report,
                           "import", "members", path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, &err, &status, &error));
    g_assert_no_error (error);
  }
  /* Some rows were rejected: not 0, a line for each, and the report. */
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  g_assert_nonnull (strstr (out, "rows read: 21 · new members: 8 · updated: 0 · skipped: 0 · rejected: 13"));
  g_assert_nonnull (strstr (err, "line 7: The same mobile number as line 2 of the file."));
  g_assert_nonnull (strstr (err, "line 23: A birthday cannot be in the future."));
  g_assert_true (g_file_test (report, G_FILE_TEST_EXISTS));
  g_assert_cmpint (mdk_test_query_int (db->conn, "SELECT count(*) FROM mdk.members WHERE home_store_id = 2"), ==, 7);
  g_unlink (report);

  /* A clean file exits with 0. */
  {
    g_autofree char *clean = write_file ("clean.csv", "姓名,手机号\n李四,13700000001\n");
    const char *argv[] = { admin, "-d", db->conninfo, "--store", "SH-001", "import", "members", clean, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                                 &status, &error));
    g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    g_unlink (clean);
  }
}

int
main (int   argc,
      char *argv[])
{
  mdk_test_init (&argc, &argv);
  dir = mdk_test_make_tmpdir ();

  g_test_add_func ("/member-import/csv-reader", test_csv_reader);
  g_test_add_func ("/member-import/csv-reader-encodings", test_csv_reader_encodings);
  g_test_add_func ("/member-import/headers", test_headers);
  g_test_add_func ("/member-import/nasty-file", test_nasty_file);
  g_test_add_func ("/member-import/gbk-file", test_gbk_file);
  g_test_add_func ("/member-import/xlsx-file", test_xlsx_file);
  g_test_add_func ("/member-import/update-and-merge", test_update_and_merge);
  g_test_add_func ("/member-import/cancel-leaves-nothing", test_cancel_leaves_nothing);
  g_test_add_func ("/member-import/killed-import-leaves-nothing", test_killed_import_leaves_nothing);
  g_test_add_func ("/member-import/admin-exit-status", test_admin_exit_status);

  return mdk_test_run ();
}
