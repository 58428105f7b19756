#define G_LOG_DOMAIN "test-it-wallboard"

/* Issue 16, the wallboard's statistics through a real frontdeskd: the
 * stats report's new figures and the asking agent's own, the last hour's
 * history, and the supervisors' live table of agents with who may see it
 * (docs/protocol.md, docs/statistics.md). The daemon samples its history
 * every second here (--stats-sample-seconds 1). Exact figures over a day
 * are checked in tests/store/test-store-stats.c on a deterministic clock;
 * here the wiring: who gets what, and that it moves. */

#include "fd-integration.h"

/* A second organization with a supervisor, to check nothing crosses. */
static const char other_site[] =
  "{\"format\":\"frontdesk-site\",\"version\":1,"
  "\"organization\":{\"name\":\"Other Org\",\"reserve_acd\":\"keep\"},"
  "\"agents\":[{\"email\":\"oscar@other.example\",\"name\":\"Oscar Other\",\"role\":\"supervisor\","
  "\"password\":\"oscar-other-pw\"}],"
  "\"queues\":[{\"name\":\"Other Queue\",\"members\":[\"oscar@other.example\"],\"service_level_seconds\":45}],"
  "\"streams\":[],\"canned_replies\":[],\"resources\":[]}";
#define OSCAR "oscar@other.example", "oscar-other-pw"

typedef struct {
  FdTestServer *server;
  gint64        org_id;
  gint64        sales;
  gint64        support;
  gint64        other_org;
} Fixture;

static void
set_up (Fixture       *fx,
        gconstpointer  data)
{
  fx->server = fd_test_server_new ();
  fd_test_server_add_args (fx->server, "--stats-sample-seconds", "1", NULL);
  fd_test_server_start (fx->server);
  fx->org_id = fd_test_admin_import_demo (fx->server);
  fx->sales = fd_test_admin_find_id (fx->server, fx->org_id, "queues", "Sales");
  fx->support = fd_test_admin_find_id (fx->server, fx->org_id, "queues", "Support");
  fx->other_org = fd_test_admin_import_site (fx->server, other_site);
}

static void
tear_down (Fixture       *fx,
           gconstpointer  data)
{
  g_clear_pointer (&fx->server, fd_test_server_free);
}

static FdStatsReport *
ask_stats (FdTestAgent *agent,
           FdFrame    **out_frame)
{
  *out_frame = fd_test_agent_expect_ack (agent, FD_FRAME_STATS, NULL);
  return (*out_frame)->body;
}

static const FdStats *
find_row (const FdStatsReport *report,
          gint64               queue_id,
          gint64               stream_id)
{
  for (guint i = 0; i < report->rows->len; i++)
    {
      const FdStats *row = g_ptr_array_index (report->rows, i);

      if (row->queue_id == queue_id && row->stream_id == stream_id)
        return row;
    }
  return NULL;
}

static const FdAgentState *
find_state (const FdAgentStates *list,
            gint64               agent_id)
{
  for (guint i = 0; i < list->agents->len; i++)
    {
      const FdAgentState *state = g_ptr_array_index (list->agents, i);

      if (state->agent_id == agent_id)
        return state;
    }
  return NULL;
}

/* What a supervised-agent-state event should show of one agent. */
typedef struct {
  gint64      agent_id;
  FdAcdState  acd_state;
  const char *reason;     /* NULL: any */
  gint        held;       /* -1: any */
  gint64      joined;     /* a queue the row lists; 0: none at all; -1: any */
} Expect;

static gboolean
is_state (const FdFrame *frame,
          gpointer       user_data)
{
  const Expect *want = user_data;
  const FdAgentState *state = frame->body;

  if (frame->type != FD_FRAME_SUPERVISED_AGENT_STATE || state->agent_id != want->agent_id ||
      state->acd_state != want->acd_state)
    return FALSE;
  if (want->reason != NULL && g_strcmp0 (state->acd_reason, want->reason) != 0)
    return FALSE;
  if (want->held >= 0 && state->held != want->held)
    return FALSE;
  if (want->joined == 0)
    return state->joined_queue_ids->len == 0;
  if (want->joined > 0)
    {
      for (guint i = 0; i < state->joined_queue_ids->len; i++)
        if (g_array_index (state->joined_queue_ids, gint64, i) == want->joined)
          return TRUE;
      return FALSE;
    }
  return TRUE;
}

static FdFrame *
wait_state (FdTestAgent *supervisor,
            Expect       want,
            const char  *what)
{
  FdFrame *frame = fd_test_socket_wait_match (supervisor->socket, is_state, &want, 10000, what);
  const FdAgentState *state = frame->body;

  /* Every row says since when. */
  g_assert_cmpint (state->state_since, >, 0);
  return frame;
}

static gboolean
is_about (const FdFrame *frame,
          gpointer       user_data)
{
  return frame->type == FD_FRAME_SUPERVISED_AGENT_STATE &&
         ((const FdAgentState *) frame->body)->agent_id == *(gint64 *) user_data;
}

/* The supervisors' table: the list, then the events on sign-in, ACD
 * changes, joins, holding and sign-out; never to an agent nor to another
 * organization's supervisor. */
static void
test_agent_states (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(FdTestAgent) natalie = fd_it_connect_agent (fx->server, FD_IT_NATALIE);
  g_autoptr(FdTestAgent) oscar = fd_it_connect_agent (fx->server, OSCAR);
  g_autoptr(FdTestAgent) jenna = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) list_frame = NULL;
  g_autoptr(FdFrame) frame = NULL;
  g_autoptr(FdSetAcd) lunch = fd_set_acd_new ();
  g_autoptr(FdSetAcd) available = fd_set_acd_new ();
  g_autoptr(FdSetAcd) offline = fd_set_acd_new ();
  const FdAgentStates *list;
  const FdAgentState *row;
  gint64 jenna_id = fd_test_admin_find_id (fx->server, fx->org_id, "agents", FD_TEST_JENNA_EMAIL);
  gint64 ed_id = fd_test_admin_find_id (fx->server, fx->org_id, "agents", "ed@kakapo.example");
  gint64 natalie_id = natalie->agent->id;
  const char *names[] = { "Ed", "Jenna", "Natalie" };

  /* Before Jenna signs in: every agent of Kakapo, by name; only Natalie
   * is connected. */
  list_frame = fd_test_agent_expect_ack (natalie, FD_FRAME_LIST_AGENT_STATES, NULL);
  list = list_frame->body;
  g_assert_cmpuint (list->agents->len, ==, 3);
  for (guint i = 0; i < list->agents->len; i++)
    g_assert_true (g_str_has_prefix (((FdAgentState *) list->agents->pdata[i])->name, names[i]));
  row = find_state (list, ed_id);
  g_assert_cmpint (row->acd_state, ==, FD_ACD_OFFLINE);
  g_assert_null (row->acd_reason);
  g_assert_cmpint (row->held, ==, 0);
  g_assert_cmpuint (row->joined_queue_ids->len, ==, 0);
  g_assert_cmpint (find_state (list, jenna_id)->acd_state, ==, FD_ACD_OFFLINE);
  g_assert_cmpint (find_state (list, natalie_id)->acd_state, !=, FD_ACD_OFFLINE);
  g_assert_cmpint (find_state (list, natalie_id)->state_since, >, 0);
  g_clear_pointer (&list_frame, fd_frame_free);

  /* Jenna signs in: Natalie sees her come online. An agent may not ask. */
  jenna = fd_it_connect_agent (fx->server, FD_IT_JENNA);
  frame = fd_test_socket_wait_match (natalie->socket, is_about, &jenna_id, 10000, "Jenna online");
  g_assert_cmpint (((FdAgentState *) frame->body)->acd_state, !=, FD_ACD_OFFLINE);
  g_clear_pointer (&frame, fd_frame_free);
  fd_test_agent_expect_error (jenna, FD_FRAME_LIST_AGENT_STATES, NULL, FD_WIRE_ERROR_FORBIDDEN);

  /* "offline" is reported, never chosen. */
  offline->state = FD_ACD_OFFLINE;
  fd_test_agent_expect_error (jenna, FD_FRAME_SET_ACD, g_steal_pointer (&offline), FD_WIRE_ERROR_INVALID_FIELD);

  /* Joins and ACD changes. */
  fd_test_agent_join (jenna, fx->sales);
  frame = wait_state (natalie, (Expect) { jenna_id, FD_ACD_AVAILABLE, NULL, -1, fx->sales }, "Jenna joined Sales");
  g_clear_pointer (&frame, fd_frame_free);
  lunch->state = FD_ACD_UNAVAILABLE;
  lunch->reason = g_strdup ("lunch");
  g_clear_pointer (&frame, fd_frame_free);
  frame = fd_test_agent_expect_ack (jenna, FD_FRAME_SET_ACD, g_steal_pointer (&lunch));
  g_clear_pointer (&frame, fd_frame_free);
  frame = wait_state (natalie, (Expect) { jenna_id, FD_ACD_UNAVAILABLE, "lunch", 0, fx->sales }, "Jenna at lunch");
  g_clear_pointer (&frame, fd_frame_free);
  available->state = FD_ACD_AVAILABLE;
  frame = fd_test_agent_expect_ack (jenna, FD_FRAME_SET_ACD, g_steal_pointer (&available));
  g_clear_pointer (&frame, fd_frame_free);
  frame = wait_state (natalie, (Expect) { jenna_id, FD_ACD_AVAILABLE, NULL, 0, fx->sales }, "Jenna back");
  g_assert_null (((FdAgentState *) frame->body)->acd_reason);
  g_clear_pointer (&frame, fd_frame_free);

  /* Jenna takes a chat: she holds one. */
  visitor = fd_test_agent_reserve_new_chat (jenna, fx->server, FD_IT_CHAT_KEY, "Vera Visitor");
  frame = wait_state (natalie, (Expect) { jenna_id, FD_ACD_AVAILABLE, NULL, 1, fx->sales }, "Jenna holds one");
  g_clear_pointer (&frame, fd_frame_free);

  /* The list agrees with the events. */
  list_frame = fd_test_agent_expect_ack (natalie, FD_FRAME_LIST_AGENT_STATES, NULL);
  row = find_state (list_frame->body, jenna_id);
  g_assert_cmpint (row->held, ==, 1);
  g_assert_cmpuint (row->joined_queue_ids->len, ==, 1);
  g_assert_cmpint (g_array_index (row->joined_queue_ids, gint64, 0), ==, fx->sales);
  g_clear_pointer (&list_frame, fd_frame_free);

  /* Jenna signs out: offline, still holding it. */
  fd_test_socket_settle (jenna->socket, 200);
  g_assert_cmpuint (fd_test_socket_drop (jenna->socket, FD_FRAME_SUPERVISED_AGENT_STATE), ==, 0);
  fd_test_agent_disconnect (jenna);
  frame = wait_state (natalie, (Expect) { jenna_id, FD_ACD_OFFLINE, NULL, 1, -1 }, "Jenna offline");
  g_assert_null (((FdAgentState *) frame->body)->acd_reason);
  g_clear_pointer (&frame, fd_frame_free);

  /* Oscar, a supervisor of another organization, heard of none of
   * Kakapo's agents; he may list his own organization only. */
  fd_test_socket_settle (oscar->socket, 1500);
  for (FdFrame *seen; (seen = fd_test_socket_pop (oscar->socket)) != NULL; fd_frame_free (seen))
    {
      g_assert_false (is_about (seen, &jenna_id));
      g_assert_false (is_about (seen, &natalie_id));
      g_assert_false (is_about (seen, &ed_id));
    }
  list_frame = fd_test_agent_expect_ack (oscar, FD_FRAME_LIST_AGENT_STATES, NULL);
  list = list_frame->body;
  g_assert_cmpuint (list->agents->len, ==, 1);
  g_assert_cmpint (((FdAgentState *) list->agents->pdata[0])->agent_id, ==, oscar->agent->id);
}

/* The stats report: the people of the rows, the service level threshold,
 * and each agent's own figures (a reject is Jenna's miss, a rated close
 * Natalie's); the history of the last minutes, per member. */
static void
test_stats_and_history (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(FdTestAgent) natalie = fd_it_connect_agent (fx->server, FD_IT_NATALIE);
  g_autoptr(FdTestAgent) jenna = fd_it_connect_agent (fx->server, FD_IT_JENNA);
  g_autoptr(FdTestAgent) oscar = fd_it_connect_agent (fx->server, OSCAR);
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) frame = NULL;
  g_autoptr(FdFrame) ack = NULL;
  g_autoptr(FdSetAcd) lunch = fd_set_acd_new ();
  FdStatsReport *report;
  const FdStats *sales;
  const FdStatsHistory *history;
  gint64 conversation_id;
  gint64 last_at = 0;

  fd_test_agent_join (natalie, fx->sales);
  fd_test_agent_join (jenna, fx->sales);
  lunch->state = FD_ACD_UNAVAILABLE;
  lunch->reason = g_strdup ("lunch");
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SET_ACD, g_steal_pointer (&lunch));
  g_clear_pointer (&ack, fd_frame_free);

  /* Two joined, Jenna alone available; the default threshold. */
  report = ask_stats (jenna, &frame);
  sales = find_row (report, fx->sales, 0);
  g_assert_nonnull (sales);
  g_assert_cmpint (sales->at, >, 0);
  g_assert_cmpint (sales->agents_joined, ==, 2);
  g_assert_cmpint (sales->agents_available, ==, 1);
  g_assert_cmpint (sales->service_level_seconds, ==, 20);
  g_assert_cmpint (sales->service_level_percent, ==, -1);
  g_assert_cmpint (sales->offered_today, ==, 0);
  g_assert_nonnull (report->agent);
  g_assert_cmpint (report->agent->acd_state, ==, FD_ACD_AVAILABLE);
  g_assert_cmpint (report->agent->missed_today, ==, 0);
  g_clear_pointer (&frame, fd_frame_free);

  /* A chat: Jenna rejects it (her miss), Natalie comes back and takes it,
   * the customer closes it with 4 stars. */
  visitor = fd_it_start_visitor (fx->server, FD_IT_CHAT_KEY, "Vera Visitor");
  conversation_id = visitor->conversation_id;
  fd_it_wait_offer (jenna, conversation_id);
  ack = fd_test_agent_expect_ack (jenna, FD_FRAME_REJECT, fd_test_conversation_ref (conversation_id));
  g_clear_pointer (&ack, fd_frame_free);
  lunch = fd_set_acd_new ();
  lunch->state = FD_ACD_AVAILABLE;
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SET_ACD, g_steal_pointer (&lunch));
  g_clear_pointer (&ack, fd_frame_free);
  fd_it_wait_offer (natalie, conversation_id);
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_RESERVE, fd_test_conversation_ref (conversation_id));
  g_clear_pointer (&ack, fd_frame_free);
  fd_test_visitor_close (visitor, 4, "Thanks");
  fd_conversation_free (fd_it_wait_conversation_state (natalie, conversation_id, FD_CONVERSATION_CLOSED));

  report = ask_stats (jenna, &frame);
  g_assert_cmpint (report->agent->missed_today, ==, 1);
  g_assert_cmpint (report->agent->closed_today, ==, 0);
  g_assert_cmpint (report->agent->rated_today, ==, 0);
  sales = find_row (report, fx->sales, 0);
  g_assert_cmpint (sales->offered_today, ==, 1);
  g_assert_cmpint (sales->answered_today, ==, 1);
  g_assert_cmpint (sales->closed_today, ==, 1);
  g_assert_cmpint (sales->rated_today, ==, 1);
  g_assert_cmpint (sales->average_rating_x100, ==, 400);
  /* Answered within 20 s or not (the machine's speed decides), but it is
   * measured now. */
  g_assert_cmpint (sales->service_level_percent, >=, 0);
  g_assert_cmpint (sales->agents_available, ==, 2);
  g_clear_pointer (&frame, fd_frame_free);

  report = ask_stats (natalie, &frame);
  g_assert_cmpint (report->agent->closed_today, ==, 1);
  g_assert_cmpint (report->agent->held, ==, 0);
  g_assert_cmpint (report->agent->missed_today, ==, 0);
  g_assert_cmpint (report->agent->rated_today, ==, 1);
  g_assert_cmpint (report->agent->average_rating_x100, ==, 400);
  g_assert_cmpint (report->agent->state_since, >, 0);
  g_clear_pointer (&frame, fd_frame_free);

  /* The history fills each second (here): samples of Jenna's queues only,
   * oldest first. */
  for (int tries = 0; tries < 100; tries++)
    {
      g_clear_pointer (&frame, fd_frame_free);
      frame = fd_test_agent_expect_ack (jenna, FD_FRAME_STATS_HISTORY, NULL);
      history = frame->body;
      if (history->samples->len >= 2 &&
          ((FdStats *) history->samples->pdata[history->samples->len - 1])->offered_today == 1)
        break;
      fd_test_spin (200);
    }
  history = frame->body;
  g_assert_cmpuint (history->samples->len, >=, 2);
  for (guint i = 0; i < history->samples->len; i++)
    {
      const FdStats *sample = g_ptr_array_index (history->samples, i);

      g_assert_true (sample->queue_id == fx->sales || sample->queue_id == fx->support);
      g_assert_cmpint (sample->at, >=, last_at);
      last_at = sample->at;
    }
  g_clear_pointer (&frame, fd_frame_free);

  /* Oscar's history and stats are his organization's: its one queue. */
  frame = fd_test_agent_expect_ack (oscar, FD_FRAME_STATS_HISTORY, NULL);
  history = frame->body;
  for (guint i = 0; i < history->samples->len; i++)
    {
      const FdStats *sample = g_ptr_array_index (history->samples, i);

      g_assert_true (sample->queue_id != fx->sales && sample->queue_id != fx->support);
    }
  g_clear_pointer (&frame, fd_frame_free);
  report = ask_stats (oscar, &frame);
  g_assert_cmpuint (report->rows->len, ==, 1);
  g_assert_cmpint (((FdStats *) report->rows->pdata[0])->service_level_seconds, ==, 45);
}

/* The threshold through the admin API: bounded, and what the rows use. */
static void
test_service_level_admin (Fixture       *fx,
                          gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT,
                                           fx->org_id, fx->sales);
  g_autofree char *queues = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues", fx->org_id);
  g_autoptr(FdTestAgent) jenna = NULL;
  g_autoptr(FdFrame) frame = NULL;
  g_autoptr(JsonNode) answer = NULL;

  answer = fd_test_admin_expect (fx->server, "PUT", path, "{\"service_level_seconds\": 3601}", 400);
  g_clear_pointer (&answer, json_node_unref);
  answer = fd_test_admin_expect (fx->server, "POST", queues, "{\"name\": \"Bad\", \"service_level_seconds\": -1}", 400);
  g_clear_pointer (&answer, json_node_unref);
  answer = fd_test_admin_expect (fx->server, "PUT", path, "{\"service_level_seconds\": 45}", 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (answer), "service_level_seconds"), ==, 45);
  g_clear_pointer (&answer, json_node_unref);
  /* A rename keeps it. */
  answer = fd_test_admin_expect (fx->server, "PATCH", path, "{\"name\": \"Sales Team\"}", 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (answer), "service_level_seconds"), ==, 45);
  g_clear_pointer (&answer, json_node_unref);

  jenna = fd_it_connect_agent (fx->server, FD_IT_JENNA);
  frame = fd_test_agent_expect_ack (jenna, FD_FRAME_STATS, NULL);
  g_assert_cmpint (find_row (frame->body, fx->sales, 0)->service_level_seconds, ==, 45);
  g_assert_cmpint (find_row (frame->body, fx->support, 0)->service_level_seconds, ==, 20);
}

int
main (int   argc,
      char *argv[])
{
  fd_it_init (&argc, &argv);
  g_test_add ("/integration/wallboard/agent-states", Fixture, NULL, set_up, test_agent_states, tear_down);
  g_test_add ("/integration/wallboard/stats-and-history", Fixture, NULL, set_up, test_stats_and_history, tear_down);
  g_test_add ("/integration/wallboard/service-level-admin", Fixture, NULL, set_up, test_service_level_admin, tear_down);
  return g_test_run ();
}
