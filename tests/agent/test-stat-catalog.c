/* The wallboard's statistic catalog (src/agent/fd-stat-catalog.c): stable
 * ids, one column each, values read from the wire types through their
 * field tables, formats, and settings values with unknown ids. */
#include "fd-config.h"

#include "fd-stat-catalog.h"

/* Ids are kept in GSettings: every one of these must stay. */
static const char * const stable_ids[] = {
  "agent.closed-today", "agent.held", "agent.missed-today",
  "agent.average-handle-time", "agent.average-first-reply",
  "agent.average-rating", "agent.time-in-state",
  "center.waiting", "center.longest-wait", "center.reserved",
  "center.agents-joined", "center.agents-available", "center.offered-today",
  "center.answered-today", "center.missed-today", "center.closed-today",
  "center.average-first-reply", "center.average-handle-time",
  "center.average-rating", "center.service-level",
  "stream.waiting", "stream.longest-wait", "stream.service-level",
};

static void
test_ids (void)
{
  guint n = 0;
  const FdStatInfo *all = fd_stat_catalog_get_all (&n);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (n, ==, 7 + 2 * 13);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (g_hash_table_add (seen, (gpointer) all[i].id));
      g_assert_true (fd_stat_catalog_lookup (all[i].id) == &all[i]);
      g_assert_cmpstr (fd_stat_info_get_title (&all[i]), !=, "");
      g_assert_cmpstr (fd_stat_info_get_description (&all[i]), !=, "");
      g_assert_cmpint (fd_stat_info_get_column (&all[i]), ==,
                       g_str_has_prefix (all[i].id, "agent.") ? FD_STAT_COLUMN_AGENT : FD_STAT_COLUMN_CENTER);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (stable_ids); i++)
    g_assert_nonnull (fd_stat_catalog_lookup (stable_ids[i]));
  g_assert_cmpint (fd_stat_catalog_lookup ("stream.waiting")->scope, ==, FD_STAT_SCOPE_STREAM);
  g_assert_cmpint (fd_stat_catalog_lookup ("center.waiting")->scope, ==, FD_STAT_SCOPE_QUEUE);
  g_assert_null (fd_stat_catalog_lookup ("center.no-such-thing"));
  g_assert_null (fd_stat_catalog_lookup (NULL));
}

/* A stats row as the wire gives it: the catalog finds its fields by name. */
static void
test_read_stats_row (void)
{
  g_autoptr(FdStats) row = fd_stats_new ();
  const FdStatInfo *waiting = fd_stat_catalog_lookup ("center.waiting");
  const FdStatInfo *longest = fd_stat_catalog_lookup ("stream.longest-wait");
  const FdStatInfo *first_reply = fd_stat_catalog_lookup ("center.average-first-reply");
  double value = -1;

  row->queue_id = 4;
  row->waiting = 3;
  row->longest_wait_seconds = 245;
  row->average_first_reply_seconds = 61;

  g_assert_true (fd_stat_info_read (waiting, &fd_stats_info, row, 0, &value));
  g_assert_cmpfloat (value, ==, 3);
  g_assert_true (fd_stat_info_read (longest, &fd_stats_info, row, 0, &value));
  g_assert_cmpfloat (value, ==, 245);
  g_assert_true (fd_stat_info_read (first_reply, &fd_stats_info, row, 0, &value));
  g_assert_cmpfloat (value, ==, 61);

  /* A type without the field (the agent statistic on a queue row, or a row
   * of an older server) reads as no value and leaves *value alone. */
  value = 42;
  g_assert_false (fd_stat_info_read (fd_stat_catalog_lookup ("agent.held"), &fd_stats_info, row, 0, &value));
  g_assert_cmpfloat (value, ==, 42);
}

/* The fields the wallboard contract adds to the stats row (docs/protocol.md,
 * "Stats row") are each read by the statistic that names them; one without
 * the field in this build's FdStats reads as no value. */
static void
test_read_new_fields (void)
{
  g_autoptr(FdStats) row = fd_stats_new ();
  static const char * const ids[] = {
    "center.agents-joined", "center.agents-available", "center.offered-today",
    "center.answered-today", "center.average-handle-time", "center.average-rating",
    "center.service-level",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      const FdStatInfo *info = fd_stat_catalog_lookup (ids[i]);
      gboolean found = FALSE;
      double value = 0;

      for (guint f = 0; f < fd_stats_info.n_fields; f++)
        found |= g_str_equal (fd_stats_info.fields[f].name, info->field);
      if (!found)
        {
          g_assert_false (fd_stat_info_read (info, &fd_stats_info, row, 0, &value));
          continue;
        }
      /* Through the codec: the JSON names the field as the catalog does. */
      {
        g_autoptr(JsonNode) node = fd_stats_to_json (row);
        g_autoptr(FdStats) back = NULL;
        g_autoptr(GError) error = NULL;

        json_object_set_int_member (json_node_get_object (node), info->field, 77);
        back = fd_stats_from_json (node, &error);
        g_assert_no_error (error);
        g_assert_true (fd_stat_info_read (info, &fd_stats_info, back, 0, &value));
        g_assert_cmpfloat (value, ==, 77);
      }
    }
}

/* "No value" markers: a rating of 0 (none rated), a service level of -1
 * (none answered or abandoned), a state time not yet set. */
static void
test_none (void)
{
  typedef struct {
    gint   rating;
    gint   level;
    gint64 since;
  } Row;
  static const FdFieldInfo fields[] = {
    FD_F_INT (Row, rating, FALSE),
    FD_F_INT (Row, level, FALSE),
    FD_F_TIME (Row, since, FALSE),
  };
  static FD_TYPE_INFO (row_info, "row", Row, fields, g_free);
  FdStatInfo rating = *fd_stat_catalog_lookup ("center.average-rating");
  FdStatInfo level = *fd_stat_catalog_lookup ("center.service-level");
  FdStatInfo since = *fd_stat_catalog_lookup ("agent.time-in-state");
  Row row = { 0, -1, 0 };
  double value = 0;

  rating.field = "rating";
  level.field = "level";
  since.field = "since";

  g_assert_false (fd_stat_info_read (&rating, &row_info, &row, 0, &value));
  g_assert_false (fd_stat_info_read (&level, &row_info, &row, 0, &value));
  g_assert_false (fd_stat_info_read (&since, &row_info, &row, 0, &value));

  row.rating = 425;
  row.level = 0;
  row.since = 1000 * G_USEC_PER_SEC;
  g_assert_true (fd_stat_info_read (&rating, &row_info, &row, 0, &value));
  g_assert_cmpfloat (value, ==, 425);
  g_assert_true (fd_stat_info_read (&level, &row_info, &row, 0, &value));
  g_assert_cmpfloat (value, ==, 0);
  g_assert_true (fd_stat_info_read (&since, &row_info, &row, 1090 * G_USEC_PER_SEC, &value));
  g_assert_cmpfloat (value, ==, 90);
  /* A server clock ahead of ours: not negative. */
  g_assert_true (fd_stat_info_read (&since, &row_info, &row, 990 * G_USEC_PER_SEC, &value));
  g_assert_cmpfloat (value, ==, 0);
}

static void
test_format (void)
{
  struct {
    const char *id;
    double      value;
    const char *text;
  } cases[] = {
    { "center.waiting", 3, "3" },
    { "center.longest-wait", 245, "04:05" },
    { "agent.time-in-state", 3725, "01:02:05" },
    { "center.service-level", 87, "87 %" },
    { "agent.average-rating", 425, "4.25" },
    { "center.average-rating", 500, "5.00" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = fd_stat_info_format_value (fd_stat_catalog_lookup (cases[i].id), cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
  g_assert_cmpstr (fd_stat_no_value (), ==, "—");
}

/* A settings value from another version: unknown ids and ids of the other
 * column are skipped, duplicates shown once, the order kept. */
static void
test_filter (void)
{
  const char *ids[] = { "center.waiting", "agent.held", "center.from-the-future",
                        "stream.waiting", "center.waiting", "center.service-level", NULL };
  g_autoptr(GPtrArray) center = fd_stat_catalog_filter_column (ids, FD_STAT_COLUMN_CENTER);
  g_autoptr(GPtrArray) agent = fd_stat_catalog_filter_column (ids, FD_STAT_COLUMN_AGENT);
  g_autoptr(GPtrArray) none = fd_stat_catalog_filter_column (NULL, FD_STAT_COLUMN_AGENT);

  g_assert_cmpuint (center->len, ==, 3);
  g_assert_cmpstr (((FdStatInfo *) center->pdata[0])->id, ==, "center.waiting");
  g_assert_cmpstr (((FdStatInfo *) center->pdata[1])->id, ==, "stream.waiting");
  g_assert_cmpstr (((FdStatInfo *) center->pdata[2])->id, ==, "center.service-level");
  g_assert_cmpuint (agent->len, ==, 1);
  g_assert_cmpstr (((FdStatInfo *) agent->pdata[0])->id, ==, "agent.held");
  g_assert_cmpuint (none->len, ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stat-catalog/ids", test_ids);
  g_test_add_func ("/stat-catalog/read-stats-row", test_read_stats_row);
  g_test_add_func ("/stat-catalog/read-new-fields", test_read_new_fields);
  g_test_add_func ("/stat-catalog/none", test_none);
  g_test_add_func ("/stat-catalog/format", test_format);
  g_test_add_func ("/stat-catalog/filter", test_filter);
  return g_test_run ();
}
