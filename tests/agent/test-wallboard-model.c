/* The Personal Wallboard's model (src/agent/fd-wallboard-model.c) fed with
 * wire bodies decoded from JSON as the server sends them: the history, the
 * stats events and acks, the agent's own figures, the supervisor's agents.
 * A deterministic clock: every time is given. */
#include "fd-config.h"

#include "fd-test-client.h"
#include "fd-wallboard-model.h"

#define MINUTE (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
/* 2026-12-07 10:00:00 UTC */
#define T0     (G_GINT64_CONSTANT (1796637600) * G_USEC_PER_SEC)

static char *
time_at (gint64 at)
{
  return fd_timestamp_to_string (at);
}

static const char *
name_of (gint64   queue_id,
         gpointer user_data)
{
  return queue_id == 1 ? "Sales" : queue_id == 2 ? "Support" : NULL;
}

static void
count_cb (guint *count)
{
  (*count)++;
}

static FdWallboardLine *
line (GPtrArray *lines,
      guint      i)
{
  g_assert_cmpuint (i, <, lines->len);
  return lines->pdata[i];
}

/* The history: samples a minute apart, oldest first, of two queues and a
 * stream; then events that follow. */
static void
test_history_and_events (void)
{
  g_autoptr(FdWallboardModel) model = fd_wallboard_model_new ();
  g_autoptr(GString) json = g_string_new ("{\"samples\": [");
  g_autoptr(FdStatsHistory) history = NULL;
  g_autoptr(FdStatsReport) event = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *event_at = time_at (T0 + 30 * G_USEC_PER_SEC);
  g_autofree char *event_json = NULL;
  const FdStatInfo *waiting = fd_stat_catalog_lookup ("center.waiting");
  const FdStatInfo *stream_waiting = fd_stat_catalog_lookup ("stream.waiting");
  const FdStatInfo *level = fd_stat_catalog_lookup ("center.service-level");
  guint changes = 0;

  fd_wallboard_model_set_name_func (model, name_of, NULL);
  /* Samples from 70 minutes ago (too old: dropped) to now. */
  for (int m = 70; m >= 0; m--)
    {
      g_autofree char *at = time_at (T0 - m * MINUTE);

      g_string_append_printf (json,
                              "%s{\"queue_id\": 1, \"at\": \"%s\", \"waiting\": %d, \"service_level_percent\": -1},"
                              "{\"queue_id\": 2, \"at\": \"%s\", \"waiting\": 1, \"service_level_percent\": 90},"
                              "{\"queue_id\": 1, \"stream_id\": 7, \"at\": \"%s\", \"waiting\": %d}",
                              m == 70 ? "" : ",", at, m % 5, at, at, m % 3);
    }
  g_string_append (json, "]}");
  history = fd_test_decode (&fd_stats_history_info, json->str);
  g_assert_cmpuint (history->samples->len, ==, 71 * 3);

  g_signal_connect_swapped (model, "changed", G_CALLBACK (count_cb), &changes);
  fd_wallboard_model_apply_history (model, history->samples);
  g_assert_cmpuint (changes, ==, 1);

  lines = fd_wallboard_model_dup_lines (model, waiting, T0);
  g_assert_cmpuint (lines->len, ==, 2);
  g_assert_cmpstr (line (lines, 0)->label, ==, "Sales");
  g_assert_cmpstr (line (lines, 1)->label, ==, "Support");
  /* The last hour only: 61 samples (T0 − 60 min … T0). */
  g_assert_cmpuint (line (lines, 0)->points->len, ==, 61);
  g_assert_cmpint (g_array_index (line (lines, 0)->points, FdStatPoint, 0).at, ==, T0 - 60 * MINUTE);
  g_assert_cmpfloat (g_array_index (line (lines, 0)->points, FdStatPoint, 1).value, ==, 59 % 5);
  g_assert_true (line (lines, 0)->has_value);
  g_assert_cmpfloat (line (lines, 0)->value, ==, 0);
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* The stream's own line, named after its queue. */
  lines = fd_wallboard_model_dup_lines (model, stream_waiting, T0);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_cmpint (line (lines, 0)->stream_id, ==, 7);
  g_assert_cmpstr (line (lines, 0)->label, ==, "Sales · Media stream 7");
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* A service level of -1 is "none yet": no value, no points. */
  lines = fd_wallboard_model_dup_lines (model, level, T0);
  g_assert_false (line (lines, 0)->has_value);
  g_assert_cmpuint (line (lines, 0)->points->len, ==, 0);
  g_assert_true (line (lines, 1)->has_value);
  g_assert_cmpfloat (line (lines, 1)->value, ==, 90);
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* A stats event of queue 1: its value and one more point. */
  event_json = g_strdup_printf ("{\"rows\": [{\"queue_id\": 1, \"at\": \"%s\", \"waiting\": 9, "
                                "\"service_level_percent\": 75}]}", event_at);
  event = fd_test_decode (&fd_stats_report_info, event_json);
  fd_wallboard_model_apply_stats (model, event, T0 + 31 * G_USEC_PER_SEC);
  g_assert_cmpuint (changes, ==, 2);
  lines = fd_wallboard_model_dup_lines (model, waiting, T0 + 31 * G_USEC_PER_SEC);
  g_assert_cmpfloat (line (lines, 0)->value, ==, 9);
  g_assert_cmpuint (line (lines, 0)->points->len, ==, 61);   /* T0 − 60 min fell out */
  g_assert_cmpfloat (g_array_index (line (lines, 0)->points, FdStatPoint, 60).value, ==, 9);
  g_assert_cmpfloat (line (lines, 1)->value, ==, 1);
  g_clear_pointer (&lines, g_ptr_array_unref);
  lines = fd_wallboard_model_dup_lines (model, level, T0 + 31 * G_USEC_PER_SEC);
  g_assert_true (line (lines, 0)->has_value);
  g_assert_cmpfloat (line (lines, 0)->value, ==, 75);
}

/* The bound: events every second for two hours keep at most
 * FD_WALLBOARD_MAX_SAMPLES, all within the last hour. */
static void
test_bound (void)
{
  g_autoptr(FdWallboardModel) model = fd_wallboard_model_new ();
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(FdStatsReport) report = fd_stats_report_new ();
  FdStats *row = fd_stats_new ();
  gint64 end = T0 + G_GINT64_CONSTANT (7200) * G_USEC_PER_SEC;

  report->rows = fd_stats_list_new ();
  g_ptr_array_add (report->rows, row);
  row->queue_id = 3;
  for (gint64 t = T0; t <= end; t += G_USEC_PER_SEC)
    {
      row->at = t;
      row->waiting = (int) ((t / G_USEC_PER_SEC) % 10);
      fd_wallboard_model_apply_stats (model, report, t);
    }
  lines = fd_wallboard_model_dup_lines (model, fd_stat_catalog_lookup ("center.waiting"), end);
  g_assert_cmpuint (line (lines, 0)->points->len, ==, FD_WALLBOARD_MAX_SAMPLES);
  g_assert_cmpint (g_array_index (line (lines, 0)->points, FdStatPoint, 0).at, >=, end - FD_WALLBOARD_SPAN);
  g_assert_cmpstr (line (lines, 0)->label, ==, "Queue 3");
}

/* The agent's own figures, in the ack of "stats" only. */
static void
test_agent (void)
{
  g_autoptr(FdWallboardModel) model = fd_wallboard_model_new ();
  g_autofree char *since = time_at (T0 - 95 * G_USEC_PER_SEC);
  g_autofree char *json = g_strdup_printf ("{\"rows\": [], \"agent\": {\"closed_today\": 4, \"held\": 2, "
                                           "\"average_rating_x100\": 0, \"acd_state\": \"available\", "
                                           "\"state_since\": \"%s\"}}", since);
  g_autoptr(FdStatsReport) ack = fd_test_decode (&fd_stats_report_info, json);
  g_autoptr(FdStatsReport) event = fd_test_decode (&fd_stats_report_info, "{\"rows\": []}");
  g_autoptr(GPtrArray) lines = NULL;

  /* Nothing yet: one line without a value. */
  lines = fd_wallboard_model_dup_lines (model, fd_stat_catalog_lookup ("agent.closed-today"), T0);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_false (line (lines, 0)->has_value);
  g_assert_null (line (lines, 0)->label);
  g_clear_pointer (&lines, g_ptr_array_unref);

  fd_wallboard_model_apply_stats (model, ack, T0);
  /* An event without agent figures keeps them. */
  fd_wallboard_model_apply_stats (model, event, T0 + G_USEC_PER_SEC);
  lines = fd_wallboard_model_dup_lines (model, fd_stat_catalog_lookup ("agent.closed-today"), T0 + 5 * G_USEC_PER_SEC);
  g_assert_true (line (lines, 0)->has_value);
  g_assert_cmpfloat (line (lines, 0)->value, ==, 4);
  g_assert_cmpuint (line (lines, 0)->points->len, ==, 1);
  g_clear_pointer (&lines, g_ptr_array_unref);

  lines = fd_wallboard_model_dup_lines (model, fd_stat_catalog_lookup ("agent.time-in-state"), T0 + 5 * G_USEC_PER_SEC);
  g_assert_cmpfloat (line (lines, 0)->value, ==, 100);
  g_clear_pointer (&lines, g_ptr_array_unref);
  /* No rating today: no value. */
  lines = fd_wallboard_model_dup_lines (model, fd_stat_catalog_lookup ("agent.average-rating"), T0);
  g_assert_false (line (lines, 0)->has_value);
  g_clear_pointer (&lines, g_ptr_array_unref);

  fd_wallboard_model_clear (model);
  lines = fd_wallboard_model_dup_lines (model, fd_stat_catalog_lookup ("agent.closed-today"), T0);
  g_assert_false (line (lines, 0)->has_value);
}

/* The supervisor's agents: by name, an event replaces one row or adds
 * one; supervising off empties them. */
static void
test_agents (void)
{
  g_autoptr(FdWallboardModel) model = fd_wallboard_model_new ();
  g_autoptr(FdAgentStates) list = fd_test_decode (&fd_agent_states_info,
    "{\"agents\": [{\"agent_id\": 3, \"name\": \"Zoe\", \"acd_state\": \"offline\"},"
    "{\"agent_id\": 1, \"name\": \"Ada\", \"acd_state\": \"available\", \"held\": 2, \"joined_queue_ids\": [1, 2]},"
    "{\"agent_id\": 2, \"name\": \"Mia\", \"acd_state\": \"unavailable\", \"acd_reason\": \"lunch\"}]}");
  g_autoptr(FdAgentState) change = fd_test_decode (&fd_agent_state_info,
    "{\"agent_id\": 3, \"name\": \"Zoe\", \"acd_state\": \"wrap-up\", \"held\": 1}");
  g_autoptr(FdAgentState) added = fd_test_decode (&fd_agent_state_info,
    "{\"agent_id\": 4, \"name\": \"Ben\", \"acd_state\": \"available\"}");
  GPtrArray *agents;
  guint changes = 0;

  g_signal_connect_swapped (model, "agents-changed", G_CALLBACK (count_cb), &changes);
  fd_wallboard_model_apply_agents (model, list->agents);
  fd_wallboard_model_set_supervising (model, TRUE);
  g_assert_true (fd_wallboard_model_get_supervising (model));
  agents = fd_wallboard_model_get_agents (model);
  g_assert_cmpuint (agents->len, ==, 3);
  g_assert_cmpstr (((FdAgentState *) agents->pdata[0])->name, ==, "Ada");
  g_assert_cmpint (((FdAgentState *) agents->pdata[0])->held, ==, 2);
  g_assert_cmpstr (((FdAgentState *) agents->pdata[2])->name, ==, "Zoe");
  g_assert_cmpint (((FdAgentState *) agents->pdata[2])->acd_state, ==, FD_ACD_OFFLINE);

  fd_wallboard_model_apply_agent (model, change);
  fd_wallboard_model_apply_agent (model, added);
  g_assert_cmpuint (agents->len, ==, 4);
  g_assert_cmpstr (((FdAgentState *) agents->pdata[1])->name, ==, "Ben");
  g_assert_cmpint (((FdAgentState *) agents->pdata[3])->acd_state, ==, FD_ACD_WRAP_UP);
  g_assert_cmpint (((FdAgentState *) agents->pdata[3])->held, ==, 1);
  g_assert_cmpuint (changes, ==, 4);

  fd_wallboard_model_set_supervising (model, FALSE);
  g_assert_cmpuint (fd_wallboard_model_get_agents (model)->len, ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wallboard-model/history-and-events", test_history_and_events);
  g_test_add_func ("/wallboard-model/bound", test_bound);
  g_test_add_func ("/wallboard-model/agent", test_agent);
  g_test_add_func ("/wallboard-model/agents", test_agents);
  return g_test_run ();
}
