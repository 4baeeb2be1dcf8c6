/* test-money.c: amounts parsed and formatted exactly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mdk-test-fixture.h"

static void
test_format (void)
{
  static const struct { gint64 minor; const char *symbol; const char *expected; } cases[] = {
    { 0, "¥", "¥0.00" },
    { 5, "¥", "¥0.05" },
    { 100, "¥", "¥1.00" },
    { 123456, "¥", "¥1,234.56" },
    { 100000000, "¥", "¥1,000,000.00" },
    { -123456, "¥", "-¥1,234.56" },
    { -5, NULL, "-0.05" },
    { 99999, NULL, "999.99" },
    { G_MAXINT64, "¥", "¥92,233,720,368,547,758.07" },
    { G_MININT64, "¥", "-¥92,233,720,368,547,758.08" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = mdk_money_format (cases[i].minor, cases[i].symbol);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

static void
test_parse (void)
{
  static const struct { const char *text; gint64 expected; } cases[] = {
    { "0", 0 },
    { "1", 100 },
    { "1.5", 150 },
    { "1.05", 105 },
    { ".5", 50 },
    { "1234.56", 123456 },
    { "1,234.56", 123456 },
    { "¥1,234.56", 123456 },
    { "￥ 12", 1200 },
    { "  -12.30  ", -1230 },
    { "-¥0.01", -1 },
    { "¥-3", -300 },
    { "+7", 700 },
    { "1,000,000", 100000000 },
    { "92233720368547758.07", G_MAXINT64 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 value = -42;

      g_assert_true (mdk_money_parse (cases[i].text, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpint (value, ==, cases[i].expected);
    }
}

static void
test_parse_refuses (void)
{
  static const struct { const char *text; int code; } cases[] = {
    { "", MDK_MONEY_ERROR_INVALID },
    { "   ", MDK_MONEY_ERROR_INVALID },
    { "abc", MDK_MONEY_ERROR_INVALID },
    { "12abc", MDK_MONEY_ERROR_INVALID },
    { "1.2.3", MDK_MONEY_ERROR_INVALID },
    { "1,23", MDK_MONEY_ERROR_INVALID },
    { "1234,567", MDK_MONEY_ERROR_INVALID },
    { ",123", MDK_MONEY_ERROR_INVALID },
    { "1,2345", MDK_MONEY_ERROR_INVALID },
    { "--1", MDK_MONEY_ERROR_INVALID },
    { "1e5", MDK_MONEY_ERROR_INVALID },
    { "0x10", MDK_MONEY_ERROR_INVALID },
    { "¥", MDK_MONEY_ERROR_INVALID },
    { "1.234", MDK_MONEY_ERROR_TOO_PRECISE },
    { "0.001", MDK_MONEY_ERROR_TOO_PRECISE },
    { "92233720368547758.08", MDK_MONEY_ERROR_OVERFLOW },
    { "99999999999999999999", MDK_MONEY_ERROR_OVERFLOW },
    { "'; DROP TABLE mdk.members; --", MDK_MONEY_ERROR_INVALID },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 value = -42;

      g_assert_false (mdk_money_parse (cases[i].text, &value, &error));
      g_assert_error (error, MDK_MONEY_ERROR, cases[i].code);
      g_assert_cmpint (value, ==, -42);
      g_assert_nonnull (error->message);
    }
}

static void
test_round_trip (void)
{
  static const gint64 values[] = { 0, 1, 99, 100, 1001, 123456789, -1, -100000, G_MAXINT64 };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *text = mdk_money_format (values[i], "¥");
      g_autoptr(GError) error = NULL;
      gint64 back = 0;

      g_assert_true (mdk_money_parse (text, &back, &error));
      g_assert_no_error (error);
      g_assert_cmpint (back, ==, values[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  mdk_test_init (&argc, &argv);

  g_test_add_func ("/money/format", test_format);
  g_test_add_func ("/money/parse", test_parse);
  g_test_add_func ("/money/parse-refuses", test_parse_refuses);
  g_test_add_func ("/money/round-trip", test_round_trip);

  return mdk_test_run ();
}
