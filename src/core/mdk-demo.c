/* mdk-demo.c: a realistic, reproducible demo chain loaded with COPY
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "mdk-database.h"
#include "mdk-demo.h"
#include "mdk-pg-copy.h"
#include "mdk-pinyin.h"

#define PROGRESS_STEP 10000
#define HEAD_OFFICE_STORE_ID 1

typedef struct { const char *code; const char *name; } Region;
typedef struct { const char *code; const char *name; const char *region; const char *id_area; } City;

static const Region regions[] = {
  { "NORTH", "华北区" }, { "EAST", "华东区" }, { "SOUTH", "华南区" }, { "CENTRAL", "华中区" },
  { "SOUTHWEST", "西南区" }, { "NORTHWEST", "西北区" }, { "NORTHEAST", "东北区" },
};

/* id_area: the first six digits of resident ID numbers issued there */
static const City cities[] = {
  { "BJ", "北京", "NORTH", "110105" }, { "TJ", "天津", "NORTH", "120101" },
  { "SJZ", "石家庄", "NORTH", "130102" }, { "TY", "太原", "NORTH", "140105" },
  { "SH", "上海", "EAST", "310101" }, { "HZ", "杭州", "EAST", "330106" },
  { "NJ", "南京", "EAST", "320102" }, { "SUZ", "苏州", "EAST", "320505" },
  { "NB", "宁波", "EAST", "330203" }, { "HF", "合肥", "EAST", "340104" },
  { "JN", "济南", "EAST", "370102" }, { "QD", "青岛", "EAST", "370202" },
  { "FZ", "福州", "EAST", "350102" }, { "XM", "厦门", "EAST", "350203" },
  { "GZ", "广州", "SOUTH", "440106" }, { "SZ", "深圳", "SOUTH", "440304" },
  { "DG", "东莞", "SOUTH", "441900" }, { "FS", "佛山", "SOUTH", "440604" },
  { "NN", "南宁", "SOUTH", "450103" }, { "HAK", "海口", "SOUTH", "460106" },
  { "WH", "武汉", "CENTRAL", "420106" }, { "CS", "长沙", "CENTRAL", "430103" },
  { "ZZ", "郑州", "CENTRAL", "410105" }, { "NC", "南昌", "CENTRAL", "360102" },
  { "CD", "成都", "SOUTHWEST", "510104" }, { "CQ", "重庆", "SOUTHWEST", "500103" },
  { "KM", "昆明", "SOUTHWEST", "530102" }, { "GY", "贵阳", "SOUTHWEST", "520102" },
  { "XA", "西安", "NORTHWEST", "610103" }, { "LZ", "兰州", "NORTHWEST", "620102" },
  { "URC", "乌鲁木齐", "NORTHWEST", "650102" }, { "YC", "银川", "NORTHWEST", "640104" },
  { "SY", "沈阳", "NORTHEAST", "210102" }, { "DL", "大连", "NORTHEAST", "210202" },
  { "CC", "长春", "NORTHEAST", "220102" }, { "HRB", "哈尔滨", "NORTHEAST", "230102" },
};

static const char * const store_sites[] = {
  "中心", "万达", "东站", "西城", "南湖", "北苑", "新区", "高新", "滨江", "老城",
};

static const char * const surnames[] = {
  "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
  "郭", "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
  "彭", "曾", "肖", "田", "董", "潘", "袁", "蔡", "蒋", "余", "于", "杜", "叶", "程", "魏",
  "苏", "吕", "丁", "任", "卢", "欧阳", "司马", "诸葛",
};

static const char * const given_female[] = {
  "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "婷", "雪", "琳", "颖", "欣", "怡", "佳",
  "梦", "雨", "晓", "慧", "思", "诗", "涵", "萱", "悦", "琪",
};

static const char * const given_male[] = {
  "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "斌", "鹏", "辉", "刚", "浩",
  "宇", "轩", "博", "文", "俊", "天", "志", "建", "国", "子",
};

static const char * const latin_female[] = {
  "Emily", "Grace", "Sophia", "Olivia", "Chloe", "Hannah", "Lily", "Zoe", "Amy", "Vivian",
};

static const char * const latin_male[] = {
  "David", "Michael", "Kevin", "Jason", "Eric", "Leo", "Daniel", "Ryan", "Tony", "Jack",
};

static const char * const latin_surnames[] = {
  "Wang", "Li", "Zhang", "Chen", "Liu", "Smith", "Brown", "Wong", "Lee", "Tan", "Ng", "Lim",
};

static const char * const mobile_prefixes[] = {
  "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
  "153", "155", "156", "157", "158", "159", "166", "173", "177", "180", "181", "182", "183",
  "185", "186", "187", "188", "189", "191", "198", "199",
};

static const char * const mail_domains[] = { "qq.com", "163.com", "126.com", "gmail.com", "outlook.com" };

typedef struct
{
  const char *code;
  const char *name;
  const char *kind;
  gboolean    stored_value, points, discount;
  int         discount_bp, points_rate_bp;
  gint64      joining_fee, annual_fee, replacement_fee;
  int         validity_months;  /* 0: unlimited */
  int         max_affiliates;
  gint64      credit_limit;
  const char *prefix;
  int         length;
  const char *face_start;
  const char *face_end;
} CardType;

enum { CT_PERSONAL = 1, CT_AFFILIATE, CT_GROUP, CT_GENERAL, CT_SILVER, CT_GOLD, CT_VIP };

static const CardType card_types[] = {
  { "PERSONAL", "个人储值卡", "personal", TRUE, TRUE, FALSE, 0, 10000, 0, 0, 1000, 0, 2, 0, "6001", 16, "#2F5C8F", "#6FA3D8" },
  { "AFFILIATE", "附属卡", "affiliate", TRUE, TRUE, FALSE, 0, 10000, 0, 2000, 1000, 0, 0, 0, "6002", 16, "#A23B4D", "#E07A5F" },
  { "GROUP", "企业团体卡", "group", TRUE, FALSE, TRUE, 800, 0, 0, 0, 2000, 0, 0, 5000000, "6003", 16, "#1E6F5C", "#54B38C" },
  { "GENERAL", "普通会员卡", "general", FALSE, TRUE, FALSE, 0, 10000, 0, 0, 500, 0, 0, 0, "6100", 16, "#3D5A80", "#98C1D9" },
  { "SILVER", "银卡", "silver", TRUE, TRUE, TRUE, 500, 12000, 2000, 0, 1000, 24, 1, 0, "6200", 16, "#5E6B78", "#C9D1D9" },
  { "GOLD", "金卡", "gold", TRUE, TRUE, TRUE, 1000, 15000, 10000, 10000, 1000, 24, 2, 0, "6300", 16, "#9A6B12", "#E8C766" },
  { "VIP", "VIP 至尊卡", "vip", TRUE, TRUE, TRUE, 1200, 20000, 50000, 30000, 0, 0, 3, 0, "6800", 16, "#1B1B24", "#5B4A7A" },
};

/* splitmix64: small, fast and the same on every platform, which a seed
 * that must always give the same chain needs. */
typedef struct { guint64 state; } Rng;

static guint64
rng_next (Rng *rng)
{
  guint64 z = (rng->state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static guint
rng_below (Rng   *rng,
           guint  n)
{
  return (guint) (rng_next (rng) % n);
}

/* One generator per row, so each row depends only on the seed and its number. */
static Rng
rng_for (guint64 seed,
         guint64 stream,
         guint64 row)
{
  Rng rng = { seed ^ (stream * G_GUINT64_CONSTANT (0xD1B54A32D192ED03)) ^ (row * G_GUINT64_CONSTANT (0x8CB92BA72F3D8DD7)) };

  rng_next (&rng);
  return rng;
}

#define PICK(rng, array) (array[rng_below (rng, G_N_ELEMENTS (array))])

/**
 * mdk_demo_luhn_complete:
 * @digits: a string of decimal digits
 *
 * Returns: (transfer full): @digits followed by its Luhn check digit
 */
char *
mdk_demo_luhn_complete (const char *digits)
{
  gsize len = strlen (digits);
  guint sum = 0;

  for (gsize i = 0; i < len; i++)
    {
      guint d = digits[len - 1 - i] - '0';

      if (i % 2 == 0)
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }

  return g_strdup_printf ("%s%u", digits, (10 - sum % 10) % 10);
}

static char
id_check_character (const char *first17)
{
  static const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  static const char codes[] = "10X98765432";
  int sum = 0;

  for (int i = 0; i < 17; i++)
    sum += (first17[i] - '0') * weights[i];

  return codes[sum % 11];
}

/**
 * mdk_demo_id_number_is_valid:
 * @id_number: an 18-character Chinese resident ID number
 *
 * Returns: %TRUE if the check character (ISO 7064 MOD 11-2) is right
 */
gboolean
mdk_demo_id_number_is_valid (const char *id_number)
{
  if (id_number == NULL || strlen (id_number) != 18)
    return FALSE;
  for (int i = 0; i < 17; i++)
    if (!g_ascii_isdigit (id_number[i]))
      return FALSE;

  return id_check_character (id_number) == id_number[17];
}

typedef MdkPgCopy Copy;

static gboolean
exec_params (PGconn      *conn,
             const char  *sql,
             GPtrArray   *params,
             GError     **error)
{
  return mdk_pg_exec_command (conn, sql, params->len, (const char * const *) params->pdata, error);
}

static gboolean
insert_organisation (PGconn   *conn,
                     guint64   seed,
                     GArray   *store_ids,
                     GError  **error)
{
  g_autoptr(GPtrArray) p = g_ptr_array_new_with_free_func (g_free);
  Rng rng = rng_for (seed, 1, 0);
  guint store_id = HEAD_OFFICE_STORE_ID;
  guint terminal_id = 1;

  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    {
      g_ptr_array_set_size (p, 0);
      g_ptr_array_add (p, g_strdup_printf ("%u", i + 1));
      g_ptr_array_add (p, g_strdup (regions[i].code));
      g_ptr_array_add (p, g_strdup (regions[i].name));
      if (!exec_params (conn, "INSERT INTO mdk.regions (id, code, name) VALUES ($1, $2, $3)", p, error))
        return FALSE;
    }

  /* Head office keeps its own store for the call center and the website. */
  if (!mdk_pg_exec_command (conn,
                            "INSERT INTO mdk.stores (id, region_id, code, name, city, address, opened_on) "
                            "VALUES (1, 2, 'HQ', '总部客户服务中心', '上海', '上海市浦东新区世纪大道 100 号', '2016-11-01');"
                            , 0, NULL, error) ||
      !mdk_pg_exec_command (conn,
                            "INSERT INTO mdk.terminals (id, store_id, code, kind, name) VALUES "
                            "(1, 1, 'HQ-CC1', 'call_center', '客服热线 1'),"
                            "(2, 1, 'HQ-CC2', 'call_center', '客服热线 2'),"
                            "(3, 1, 'HQ-WEB', 'website', '官方网站')",
                            0, NULL, error))
    return FALSE;
  terminal_id = 3;

  for (guint c = 0; c < G_N_ELEMENTS (cities); c++)
    {
      guint n_stores = 2 + rng_below (&rng, 4);
      guint region_id = 0;

      for (guint r = 0; r < G_N_ELEMENTS (regions); r++)
        if (g_str_equal (regions[r].code, cities[c].region))
          region_id = r + 1;

      for (guint s = 0; s < n_stores; s++)
        {
          g_autofree char *code = g_strdup_printf ("%s-%03u", cities[c].code, s + 1);
          guint n_pos = 1 + rng_below (&rng, 3);

          store_id++;
          g_array_append_val (store_ids, store_id);
          g_ptr_array_set_size (p, 0);
          g_ptr_array_add (p, g_strdup_printf ("%u", store_id));
          g_ptr_array_add (p, g_strdup_printf ("%u", region_id));
          g_ptr_array_add (p, g_strdup (code));
          g_ptr_array_add (p, g_strdup_printf ("%s%s店", cities[c].name, store_sites[(c + s * 3) % G_N_ELEMENTS (store_sites)]));
          g_ptr_array_add (p, g_strdup (cities[c].name));
          g_ptr_array_add (p, g_strdup_printf ("%s市%s路 %u 号", cities[c].name, PICK (&rng, store_sites), 1 + rng_below (&rng, 300)));
          g_ptr_array_add (p, g_strdup_printf ("20%02u-%02u-%02u", 16 + rng_below (&rng, 10), 1 + rng_below (&rng, 12), 1 + rng_below (&rng, 28)));
          if (!exec_params (conn,
                            "INSERT INTO mdk.stores (id, region_id, code, name, city, address, opened_on) "
                            "VALUES ($1, $2, $3, $4, $5, $6, $7)", p, error))
            return FALSE;

          for (guint t = 0; t <= n_pos; t++)
            {
              gboolean kiosk = (t == n_pos);

              g_ptr_array_set_size (p, 0);
              g_ptr_array_add (p, g_strdup_printf ("%u", ++terminal_id));
              g_ptr_array_add (p, g_strdup_printf ("%u", store_id));
              g_ptr_array_add (p, kiosk ? g_strdup_printf ("%s-K1", code) : g_strdup_printf ("%s-P%u", code, t + 1));
              g_ptr_array_add (p, g_strdup (kiosk ? "self_service" : "pos"));
              g_ptr_array_add (p, kiosk ? g_strdup ("自助终端") : g_strdup_printf ("收银台 %u", t + 1));
              if (!exec_params (conn,
                                "INSERT INTO mdk.terminals (id, store_id, code, kind, name) VALUES ($1, $2, $3, $4, $5)",
                                p, error))
                return FALSE;
            }
        }
    }

  return TRUE;
}

/* Operator ids: 1 the administrator, 2 the call center, 3.. one
 * supervisor per region, then one clerk per store in store order. */
static guint
clerk_operator_id (guint store_index)
{
  return 3 + G_N_ELEMENTS (regions) + store_index;
}

static gboolean
insert_operators (PGconn   *conn,
                  GArray   *store_ids,
                  GError  **error)
{
  g_autoptr(GPtrArray) p = g_ptr_array_new_with_free_func (g_free);

  if (!mdk_pg_exec_command (conn,
                            "INSERT INTO mdk.operators (id, login, name, scope, role) VALUES "
                            "(1, 'admin', '系统管理员', 'head_office', 'administrator'),"
                            "(2, 'callcenter', '客服中心', 'head_office', 'call_center')",
                            0, NULL, error))
    return FALSE;

  for (guint r = 0; r < G_N_ELEMENTS (regions); r++)
    {
      g_ptr_array_set_size (p, 0);
      g_ptr_array_add (p, g_strdup_printf ("%u", 3 + r));
      g_ptr_array_add (p, g_ascii_strdown (regions[r].code, -1));
      g_ptr_array_add (p, g_strdup_printf ("%s督导", regions[r].name));
      g_ptr_array_add (p, g_strdup_printf ("%u", r + 1));
      if (!exec_params (conn,
                        "INSERT INTO mdk.operators (id, login, name, scope, region_id, role) "
                        "VALUES ($1, 'supervisor.' || $2, $3, 'region', $4, 'supervisor')", p, error))
        return FALSE;
    }

  for (guint s = 0; s < store_ids->len; s++)
    {
      g_ptr_array_set_size (p, 0);
      g_ptr_array_add (p, g_strdup_printf ("%u", clerk_operator_id (s)));
      g_ptr_array_add (p, g_strdup_printf ("%u", g_array_index (store_ids, guint, s)));
      if (!exec_params (conn,
                        "INSERT INTO mdk.operators (id, login, name, scope, region_id, store_id, role) "
                        "SELECT $1, 'clerk.' || lower(code), name || '店员', 'store', region_id, id, 'clerk' "
                        "FROM mdk.stores WHERE id = $2", p, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
insert_card_types (PGconn  *conn,
                   GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (card_types); i++)
    {
      const CardType *t = &card_types[i];
      g_autoptr(GPtrArray) p = g_ptr_array_new_with_free_func (g_free);

      g_ptr_array_add (p, g_strdup_printf ("%u", i + 1));
      g_ptr_array_add (p, g_strdup (t->code));
      g_ptr_array_add (p, g_strdup (t->name));
      g_ptr_array_add (p, g_strdup (t->kind));
      g_ptr_array_add (p, g_strdup (t->stored_value ? "t" : "f"));
      g_ptr_array_add (p, g_strdup (t->points ? "t" : "f"));
      g_ptr_array_add (p, g_strdup (t->discount ? "t" : "f"));
      g_ptr_array_add (p, g_strdup_printf ("%d", t->discount_bp));
      g_ptr_array_add (p, g_strdup_printf ("%d", t->points_rate_bp));
      g_ptr_array_add (p, g_strdup_printf ("%" G_GINT64_FORMAT, t->joining_fee));
      g_ptr_array_add (p, g_strdup_printf ("%" G_GINT64_FORMAT, t->annual_fee));
      g_ptr_array_add (p, g_strdup_printf ("%" G_GINT64_FORMAT, t->replacement_fee));
      g_ptr_array_add (p, t->validity_months ? g_strdup_printf ("%d", t->validity_months) : NULL);
      g_ptr_array_add (p, g_strdup_printf ("%d", t->max_affiliates));
      g_ptr_array_add (p, g_strdup_printf ("%" G_GINT64_FORMAT, t->credit_limit));
      g_ptr_array_add (p, g_strdup (t->prefix));
      g_ptr_array_add (p, g_strdup_printf ("%d", t->length));
      g_ptr_array_add (p, g_strdup (t->face_start));
      g_ptr_array_add (p, g_strdup (t->face_end));
      if (!exec_params (conn,
                        "INSERT INTO mdk.card_types (id, code, name, kind, has_stored_value, has_points, "
                        "has_discount, discount_bp, points_rate_bp, joining_fee, annual_fee, replacement_fee, "
                        "validity_months, max_affiliates, credit_limit, number_prefix, number_length, "
                        "face_start, face_end, service_fee, affiliates_share) "
                        "VALUES ($1, $2, $3, $4::text::mdk.card_kind, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
                        "        $17, $18, $19, "
                        /* A loss report costs 10.00 on silver and gold cards. */
                        "        CASE WHEN $4::text IN ('silver', 'gold') THEN 1000 ELSE 0 END, "
                        /* The cards under a VIP card keep their own balance and points. */
                        "        $4::text <> 'vip')",
                        p, error))
        return FALSE;
    }

  /* The tiers: general, silver, gold, VIP by spend over twelve months,
   * down after 30 days' grace. */
  return mdk_pg_exec_command (conn,
                              "INSERT INTO mdk.card_tier_rules (from_type_id, direction, to_type_id, measure, "
                              "                                 threshold, period_months, grace_days) "
                              "VALUES (4, 'up', 5, 'spend', 500000, 12, 0), "
                              "       (5, 'up', 6, 'spend', 2000000, 12, 0), (5, 'down', 4, 'spend', 300000, 12, 30), "
                              "       (6, 'up', 7, 'spend', 10000000, 12, 0), (6, 'down', 5, 'spend', 1500000, 12, 30), "
                              "       (7, 'down', 6, 'spend', 8000000, 12, 30)",
                              0, NULL, error);
}

typedef struct
{
  GDate  birthday;
  char   gender;
  gint64 joined;    /* seconds since the epoch */
  guint  store_index;
} Person;

static gboolean
is_leap (guint year)
{
  return g_date_is_leap_year ((GDateYear) year);
}

static GDate
anchor_date (void)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_parse (&date, MDK_DEMO_ANCHOR_DATE);
  return date;
}

static void
random_birthday (Rng   *rng,
                 guint  row,
                 GDate *out)
{
  GDate anchor = anchor_date ();
  guint year = g_date_get_year (&anchor) - 18 - rng_below (rng, 58);

  g_date_clear (out, 1);

  /* Feb 29 birthdays are rare but real; make sure every demo has them. */
  if (row % 997 == 3)
    {
      while (!is_leap (year))
        year--;
      g_date_set_dmy (out, 29, G_DATE_FEBRUARY, year);
      return;
    }

  g_date_set_dmy (out, 1, G_DATE_JANUARY, year);
  g_date_add_days (out, rng_below (rng, is_leap (year) ? 366 : 365));
}

static char *
format_date (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

static char *
make_name (Rng  *rng,
           char  gender,
           char **email_user)
{
  gboolean female = gender == 'F';

  if (rng_below (rng, 100) < 12)
    {
      const char *given = female ? PICK (rng, latin_female) : PICK (rng, latin_male);
      const char *family = PICK (rng, latin_surnames);

      g_autofree char *user = g_strdup_printf ("%s.%s%u", given, family, rng_below (rng, 100));

      *email_user = g_ascii_strdown (user, -1);
      return g_strdup_printf ("%s %s", given, family);
    }

  *email_user = g_strdup_printf ("%u", 10000000 + rng_below (rng, 900000000));
  if (rng_below (rng, 100) < 30)
    return g_strdup_printf ("%s%s", PICK (rng, surnames), female ? PICK (rng, given_female) : PICK (rng, given_male));

  return g_strdup_printf ("%s%s%s", PICK (rng, surnames),
                          female ? PICK (rng, given_female) : PICK (rng, given_male),
                          female ? PICK (rng, given_female) : PICK (rng, given_male));
}

/* Unique for every row: the eight digits after the prefix are the row
 * number through a bijection of 0..10^8-1 (48271 is prime to 10^8), so no
 * two members share a number, whatever prefix they draw. */
static char *
make_mobile (guint64  seed,
             guint    row,
             Rng     *rng)
{
  guint64 digits = ((guint64) row * G_GUINT64_CONSTANT (48271) + seed % 100000000) % 100000000;

  return g_strdup_printf ("%s%08" G_GUINT64_FORMAT, PICK (rng, mobile_prefixes), digits);
}

/* Resident ID numbers are unique, as they are in life and in the schema:
 * two people born the same day in the same area get different sequence
 * numbers (their parity still telling the gender). @used holds the first
 * 17 digits, as a number, of every ID number handed out. */
static char *
make_id_number (Rng          *rng,
                const GDate  *birthday,
                char          gender,
                guint         city,
                GHashTable   *used)
{
  guint sequence = rng_below (rng, 500) * 2 + (gender == 'M' ? 1 : 0);

  for (guint attempt = 0; attempt < 500; attempt++, sequence = (sequence + 2) % 1000)
    {
      g_autofree char *first17 = g_strdup_printf ("%s%04u%02u%02u%03u", cities[city].id_area,
                                                  g_date_get_year (birthday), g_date_get_month (birthday),
                                                  g_date_get_day (birthday), sequence);
      gsize key = (gsize) g_ascii_strtoull (first17, NULL, 10);

      if (g_hash_table_contains (used, GSIZE_TO_POINTER (key)))
        continue;
      g_hash_table_add (used, GSIZE_TO_POINTER (key));
      return g_strdup_printf ("%s%c", first17, id_check_character (first17));
    }

  return NULL;
}

static const char *
entry_channel (Rng *rng)
{
  guint roll = rng_below (rng, 100);

  return roll < 70 ? "store_counter" : roll < 85 ? "call_center" : roll < 95 ? "website" : "batch_import";
}

static char *
format_timestamp (gint64 seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (seconds);

  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S+00");
}

static gint64
anchor_seconds (void)
{
  g_autoptr(GDateTime) anchor = g_date_time_new_utc (2026, 10, 31, 12, 0, 0);

  return g_date_time_to_unix (anchor);
}

/* What the cards need of a member, drawn first from the member's own
 * generator; returns the entry channel, drawn in between. */
static const char *
draw_person (Rng    *rng,
             guint   row,
             GArray *store_ids,
             Person *person)
{
  const char *channel;

  person->store_index = rng_below (rng, store_ids->len);
  channel = entry_channel (rng);
  person->gender = rng_below (rng, 100) < 54 ? 'F' : 'M';
  random_birthday (rng, row, &person->birthday);
  person->joined = anchor_seconds () - (gint64) rng_below (rng, 10 * 365 * 24 * 3600);

  return channel;
}

static void
member_row (GString     *out,
            guint64      seed,
            guint        row,
            GArray      *store_ids,
            GHashTable  *used_ids,
            Person      *person)
{
  Rng rng = rng_for (seed, 2, row);
  const char *channel = draw_person (&rng, row, store_ids, person);
  guint store_index = person->store_index;
  guint city = (store_index * 7 + row) % G_N_ELEMENTS (cities);
  g_autofree char *email_user = NULL;
  g_autofree char *name = NULL;
  g_autofree char *mobile = NULL;
  g_autofree char *birthday = NULL;
  g_autofree char *anniversary = NULL;
  g_autofree char *id_number = NULL;
  g_autofree char *email = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *id = g_strdup_printf ("%u", row + 1);
  g_autofree char *store = NULL;
  g_autofree char *operator = NULL;
  guint status_roll;

  name = make_name (&rng, person->gender, &email_user);
  mobile = make_mobile (seed, row, &rng);
  if (rng_below (&rng, 100) < 40)
    email = g_strdup_printf ("%s@%s", email_user, PICK (&rng, mail_domains));
  if (rng_below (&rng, 100) < 92)
    birthday = format_date (&person->birthday);
  if (birthday != NULL && rng_below (&rng, 100) < 30)
    id_number = make_id_number (&rng, &person->birthday, person->gender, city, used_ids);
  if (rng_below (&rng, 100) < 15)
    {
      GDate date = person->birthday;

      g_date_add_years (&date, 24 + rng_below (&rng, 10));
      anniversary = format_date (&date);
    }

  joined = format_timestamp (person->joined);
  store = g_strdup_printf ("%u", g_array_index (store_ids, guint, store_index));
  if (g_str_equal (channel, "store_counter"))
    operator = g_strdup_printf ("%u", clerk_operator_id (store_index));
  else if (g_str_equal (channel, "call_center"))
    operator = g_strdup ("2");
  else if (g_str_equal (channel, "batch_import"))
    operator = g_strdup ("1");

  status_roll = rng_below (&rng, 100);

  mdk_pg_copy_field (out, id, FALSE);
  mdk_pg_copy_field (out, name, FALSE);
  mdk_pg_copy_field (out, (char[]) { person->gender, 0 }, FALSE);
  mdk_pg_copy_field (out, mobile, FALSE);
  mdk_pg_copy_field (out, email, FALSE);
  mdk_pg_copy_field (out, id_number, FALSE);
  mdk_pg_copy_field (out, birthday, FALSE);
  mdk_pg_copy_field (out, anniversary, FALSE);
  mdk_pg_copy_field (out, joined, FALSE);
  mdk_pg_copy_field (out, store, FALSE);
  mdk_pg_copy_field (out, channel, FALSE);
  mdk_pg_copy_field (out, operator, FALSE);
  mdk_pg_copy_field (out, status_roll < 95 ? "active" : status_roll < 99 ? "inactive" : "blacklisted", FALSE);
  mdk_pg_copy_field (out, joined, FALSE);
  mdk_pg_copy_field (out, joined, FALSE);

  /* The search keys, from the same table the database uses, so that the
   * trigger has nothing left to compute during a bulk load. */
  {
    g_autofree char *pinyin = mdk_name_pinyin (name);
    g_autofree char *initials = mdk_name_initials (name);
    g_auto(GStrv) grams = mdk_name_grams (name);
    g_autofree char *grams_literal = mdk_pg_text_array ((const char * const *) grams);

    mdk_pg_copy_field (out, pinyin, FALSE);
    mdk_pg_copy_field (out, initials, FALSE);
    mdk_pg_copy_field (out, grams_literal, TRUE);
  }
}

static guint
main_card_type (Rng *rng)
{
  guint roll = rng_below (rng, 100);

  return roll < 48 ? CT_GENERAL : roll < 70 ? CT_SILVER : roll < 82 ? CT_GOLD : roll < 85 ? CT_VIP :
         roll < 97 ? CT_PERSONAL : CT_GROUP;
}

static const char *
card_state (Rng *rng)
{
  guint roll = rng_below (rng, 200);

  return roll < 192 ? "active" : roll < 194 ? "lost" : roll < 196 ? "frozen" : roll < 198 ? "cancelled" : "expired";
}

static void
card_row (GString      *out,
          guint         card_id,
          guint         type,
          guint         member_row_index,
          guint         primary_card_id,
          gboolean      own_accounts,
          const char   *state,
          const Person *person,
          GArray       *store_ids)
{
  const CardType *t = &card_types[type - 1];
  g_autofree char *body = g_strdup_printf ("%s%0*u", t->prefix, t->length - 1 - (int) strlen (t->prefix), card_id);
  g_autofree char *card_no = mdk_demo_luhn_complete (body);
  g_autofree char *id = g_strdup_printf ("%u", card_id);
  g_autofree char *type_id = g_strdup_printf ("%u", type);
  g_autofree char *member = g_strdup_printf ("%u", member_row_index + 1);
  g_autofree char *primary = primary_card_id ? g_strdup_printf ("%u", primary_card_id) : NULL;
  g_autofree char *issued = format_timestamp (person->joined);
  g_autofree char *store = g_strdup_printf ("%u", g_array_index (store_ids, guint, person->store_index));
  g_autofree char *expires = NULL;

  if (t->validity_months > 0)
    {
      g_autoptr(GDateTime) issued_time = g_date_time_new_from_unix_utc (person->joined);
      g_autoptr(GDateTime) expiry = g_date_time_add_months (issued_time, t->validity_months);

      expires = g_date_time_format (expiry, "%Y-%m-%d");

      /* A card past its validity on the demo's last day has expired. */
      if (g_date_time_to_unix (expiry) < anchor_seconds () && g_str_equal (state, "active"))
        state = "expired";
    }

  mdk_pg_copy_field (out, id, FALSE);
  mdk_pg_copy_field (out, card_no, FALSE);
  mdk_pg_copy_field (out, type_id, FALSE);
  mdk_pg_copy_field (out, member, FALSE);
  mdk_pg_copy_field (out, primary, FALSE);
  mdk_pg_copy_field (out, state, FALSE);
  mdk_pg_copy_field (out, issued, FALSE);
  mdk_pg_copy_field (out, store, FALSE);
  mdk_pg_copy_field (out, expires, FALSE);
  mdk_pg_copy_field (out, own_accounts ? "t" : "f", TRUE);
}

static gboolean
report_progress (guint                row,
                 guint                n_members,
                 MdkDemoProgressFunc  progress,
                 gpointer             progress_data,
                 GCancellable        *cancellable,
                 GError             **error)
{
  if (row % PROGRESS_STEP != 0)
    return TRUE;

  if (progress != NULL)
    progress ((double) row / MAX (n_members, 1), progress_data);

  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* Members and cards go through two COPY streams one after the other;
 * the people are generated twice (cheaply) rather than kept in memory. */
static gboolean
copy_members (Copy     *copy,
              guint     n_members,
              guint64   seed,
              GArray   *store_ids,
              MdkDemoProgressFunc progress,
              gpointer  progress_data,
              GError  **error)
{
  g_autoptr(GHashTable) used_ids = g_hash_table_new (g_direct_hash, g_direct_equal);
  gboolean ok = TRUE;

  if (!mdk_pg_copy_begin (copy,
                   "COPY mdk.members (id, name, gender, mobile, email, id_number, birthday, anniversary, "
                   "joined_at, home_store_id, entry_channel, entry_operator_id, status, created_at, updated_at, "
                   "name_pinyin, name_initials, name_grams) "
                   "FROM STDIN", error))
    return FALSE;

  for (guint row = 0; ok && row < n_members; row++)
    {
      Person person;

      ok = report_progress (row, n_members * 2, progress, progress_data, copy->cancellable, error);
      if (ok)
        {
          member_row (copy->buffer, seed, row, store_ids, used_ids, &person);
          ok = mdk_pg_copy_row_done (copy, error);
        }
    }

  return mdk_pg_copy_end (copy, ok, ok ? error : NULL) && ok;
}

static gboolean
copy_cards (Copy     *copy,
            guint     n_members,
            guint64   seed,
            GArray   *store_ids,
            MdkDemoProgressFunc progress,
            gpointer  progress_data,
            GError  **error)
{
  gboolean ok = TRUE;
  guint card_id = 0;

  if (!mdk_pg_copy_begin (copy,
                   "COPY mdk.cards (id, card_no, card_type_id, member_id, primary_card_id, state, issued_at, "
                   "issued_store_id, expires_on, own_accounts) FROM STDIN", error))
    return FALSE;

  for (guint row = 0; ok && row < n_members; row++)
    {
      Rng rng = rng_for (seed, 3, row);
      Person person;
      guint type = main_card_type (&rng);
      guint main_id;

      ok = report_progress (row, n_members * 2, progress, progress_data, copy->cancellable, error);
      if (!ok)
        break;

      {
        Rng member_rng = rng_for (seed, 2, row);

        draw_person (&member_rng, row, store_ids, &person);
      }

      main_id = ++card_id;
      card_row (copy->buffer, main_id, type, row, 0, FALSE, card_state (&rng), &person, store_ids);

      /* A family member of a personal or premium card holder gets an
       * affiliate card that draws on the primary; under a VIP card, it
       * keeps a balance and points of its own. */
      if (row + 1 < n_members && rng_below (&rng, 100) < 6 &&
          (type == CT_PERSONAL || type == CT_GOLD || type == CT_VIP))
        card_row (copy->buffer, ++card_id, CT_AFFILIATE, row + 1, main_id, type == CT_VIP, "active", &person,
                  store_ids);

      ok = mdk_pg_copy_row_done (copy, error);
    }

  return mdk_pg_copy_end (copy, ok, ok ? error : NULL) && ok;
}

static gboolean
database_is_empty (PGconn  *conn,
                   GError **error)
{
  g_autoptr(PGresult) result = mdk_pg_exec (conn,
                                            "SELECT (SELECT count(*) FROM mdk.regions) + (SELECT count(*) FROM mdk.members)",
                                            0, NULL, error);

  if (result == NULL)
    return FALSE;

  if (mdk_pg_get_int64 (result, 0, 0) != 0)
    {
      g_set_error_literal (error, MDK_DATABASE_ERROR, MDK_DATABASE_ERROR_REFUSED,
                           _("Demo data can only be loaded into an empty database, and this one already has data."));
      return FALSE;
    }

  return TRUE;
}

/* Secondary indexes are cheaper to build once, sorted, than to maintain
 * row by row during a bulk load into empty tables. They are dropped and
 * rebuilt inside the load's transaction, so a cancel or a crash restores
 * them as they were. Primary keys and unique indexes stay: they keep the
 * data right while it loads. */
static const char *secondary_indexes_sql =
  "SELECT format('%I.%I', n.nspname, ic.relname), pg_get_indexdef(i.indexrelid) "
  "FROM pg_index i "
  "JOIN pg_class ic ON ic.oid = i.indexrelid "
  "JOIN pg_class tc ON tc.oid = i.indrelid "
  "JOIN pg_namespace n ON n.oid = tc.relnamespace "
  "WHERE n.nspname = 'mdk' AND tc.relname IN ('members', 'cards') "
  "AND NOT i.indisprimary "
  "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
  "ORDER BY 1";

static GPtrArray *
drop_secondary_indexes (PGconn  *conn,
                        GError **error)
{
  g_autoptr(PGresult) result = mdk_pg_exec (conn, secondary_indexes_sql, 0, NULL, error);
  g_autoptr(GPtrArray) definitions = g_ptr_array_new_with_free_func (g_free);

  if (result == NULL)
    return NULL;

  for (int row = 0; row < PQntuples (result); row++)
    {
      g_autofree char *drop = g_strdup_printf ("DROP INDEX %s", PQgetvalue (result, row, 0));

      if (!mdk_pg_exec_script (conn, drop, error))
        return NULL;
      g_ptr_array_add (definitions, g_strdup (PQgetvalue (result, row, 1)));
    }

  return g_steal_pointer (&definitions);
}

static gboolean
create_indexes (PGconn     *conn,
                GPtrArray  *definitions,
                GError    **error)
{
  if (!mdk_pg_exec_command (conn, "SET LOCAL maintenance_work_mem = '256MB'", 0, NULL, error))
    return FALSE;

  for (guint i = 0; i < definitions->len; i++)
    if (!mdk_pg_exec_script (conn, g_ptr_array_index (definitions, i), error))
      return FALSE;

  return TRUE;
}

static gboolean
reset_sequences (PGconn  *conn,
                 GError **error)
{
  static const char * const tables[] = { "regions", "stores", "terminals", "operators", "card_types", "members", "cards" };

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT setval(pg_get_serial_sequence('mdk.%s', 'id'), "
                                              "(SELECT coalesce(max(id), 0) + 1 FROM mdk.%s), false)",
                                              tables[i], tables[i]);

      if (!mdk_pg_exec_command (conn, sql, 0, NULL, error))
        return FALSE;
    }

  /* New cards' numbers continue after the demo's. */
  return mdk_pg_exec_command (conn, "SELECT mdk.continue_card_numbers()", 0, NULL, error);
}

/* The demo cards' first movements, through the ledger's own functions, so
 * that the Finance section has something to show: a recharge on every
 * third card with stored value, 200 at most, by every channel, and a sale
 * of half of it at another store. Request ids come from the seed. */
static const char *demo_recharges_sql =
  "SELECT count(mdk.recharge(md5('demo:' || $1 || ':recharge:' || c.id)::uuid, c.card_no, "
  "                          10000 * (1 + (c.id * 7919 + $1::bigint) % 20), "
  "                          (ARRAY['cash', 'bank_card', 'prepaid_card', 'telecom_card', 'internet', "
  "                                 'enterprise'])[1 + c.id % 6]::mdk.payment_method, "
  "                          c.issued_store_id, NULL, 'DEMO-' || c.id)) "
  "FROM (SELECT c.* FROM mdk.cards c JOIN mdk.card_types t ON t.id = c.card_type_id "
  "      WHERE t.has_stored_value AND c.primary_card_id IS NULL AND c.state = 'active' "
  "        AND (c.expires_on IS NULL OR c.expires_on >= current_date) AND c.id % 3 = 0 "
  "      ORDER BY c.id LIMIT 200) c";

static const char *demo_sales_sql =
  "SELECT count(mdk.consume(md5('demo:' || $1 || ':sale:' || c.id)::uuid, c.card_no, "
  "                         (SELECT s.id FROM mdk.stores s ORDER BY s.id "
  "                          OFFSET (c.id * 31) % (SELECT count(*) FROM mdk.stores) LIMIT 1), NULL, "
  "                         5000 * (1 + (c.id * 7919 + $1::bigint) % 20))) "
  "FROM (SELECT c.* FROM mdk.cards c JOIN mdk.card_types t ON t.id = c.card_type_id "
  "      WHERE t.has_stored_value AND c.primary_card_id IS NULL AND c.state = 'active' "
  "        AND (c.expires_on IS NULL OR c.expires_on >= current_date) AND c.id % 3 = 0 "
  "      ORDER BY c.id LIMIT 200) c";

static gboolean
insert_ledger (PGconn   *conn,
               guint64   seed,
               GError  **error)
{
  g_autofree char *seed_text = g_strdup_printf ("%" G_GUINT64_FORMAT, seed);
  const char *params[] = { seed_text };

  return mdk_pg_exec_command (conn, demo_recharges_sql, 1, params, error) &&
         mdk_pg_exec_command (conn, demo_sales_sql, 1, params, error);
}

static gboolean
generate_in_transaction (PGconn              *conn,
                         guint                n_members,
                         guint64              seed,
                         MdkDemoProgressFunc  progress,
                         gpointer             progress_data,
                         GCancellable        *cancellable,
                         GError             **error)
{
  g_autoptr(GArray) store_ids = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GString) buffer = g_string_sized_new (MDK_PG_COPY_BUFFER_SIZE + 4096);
  g_autoptr(GPtrArray) indexes = NULL;
  Copy copy = { conn, buffer, cancellable };

  return database_is_empty (conn, error) &&
         (indexes = drop_secondary_indexes (conn, error)) != NULL &&
         insert_organisation (conn, seed, store_ids, error) &&
         insert_operators (conn, store_ids, error) &&
         insert_card_types (conn, error) &&
         copy_members (&copy, n_members, seed, store_ids, progress, progress_data, error) &&
         /* Each member's main card is set once, after the indexes are back:
          * the trigger would look each member's cards up without them. */
         mdk_pg_exec_command (conn, "ALTER TABLE mdk.cards DISABLE TRIGGER cards_main_card_insert", 0, NULL, error) &&
         copy_cards (&copy, n_members, seed, store_ids, progress, progress_data, error) &&
         create_indexes (conn, indexes, error) &&
         mdk_pg_exec_command (conn, "ALTER TABLE mdk.cards ENABLE TRIGGER cards_main_card_insert", 0, NULL, error) &&
         mdk_pg_exec_command (conn, "SELECT mdk.members_set_main_card(ARRAY (SELECT DISTINCT member_id FROM mdk.cards))",
                              0, NULL, error) &&
         reset_sequences (conn, error) &&
         insert_ledger (conn, seed, error) &&
         /* Search reads the statistics to choose its path: fresh ones at once. */
         mdk_pg_exec_command (conn, "ANALYZE mdk.members, mdk.cards", 0, NULL, error);
}

/**
 * mdk_demo_generate:
 * @conn: a connection to a migrated, empty database
 * @n_members: how many members to create
 * @seed: the same seed always gives the same chain
 * @progress: (nullable) (scope call): told how far it got
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Loads a demo chain in one transaction: regions and stores across China,
 * their terminals and operators, the card types (personal, affiliate,
 * group, general, silver, gold, VIP), and @n_members members with Chinese
 * and English names, valid mobile numbers, resident ID numbers, birthdays
 * (Feb 29 among them) and join dates over ten years, each with a card.
 * Cancelled or failed, it leaves nothing behind.
 *
 * Returns: %TRUE on success
 */
gboolean
mdk_demo_generate (PGconn               *conn,
                   guint                 n_members,
                   guint64               seed,
                   MdkDemoProgressFunc   progress,
                   gpointer              progress_data,
                   GCancellable         *cancellable,
                   GError              **error)
{
  g_return_val_if_fail (conn != NULL, FALSE);

  if (!mdk_pg_exec_command (conn, "BEGIN", 0, NULL, error))
    return FALSE;

  if (!generate_in_transaction (conn, n_members, seed, progress, progress_data, cancellable, error))
    {
      mdk_pg_exec_command (conn, "ROLLBACK", 0, NULL, NULL);
      return FALSE;
    }

  if (!mdk_pg_exec_command (conn, "COMMIT", 0, NULL, error))
    return FALSE;

  if (progress != NULL)
    progress (1.0, progress_data);

  return TRUE;
}
