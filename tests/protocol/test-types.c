#define G_LOG_DOMAIN "fd-test"

#include <string.h>

#include "fd-protocol.h"
#include "fd-test-fill.h"

static const FdTypeInfo * const entities[] = {
  &fd_organization_info, &fd_agent_info, &fd_queue_info, &fd_stream_info,
  &fd_phase_info, &fd_contact_info, &fd_attachment_info, &fd_message_info,
  &fd_conversation_info, &fd_canned_reply_info, &fd_resource_info,
  &fd_offer_info, &fd_stats_info,
  /* Bodies of the HTTP APIs, which travel outside frames. */
  &fd_sign_in_request_info, &fd_sign_in_info,
  &fd_visitor_session_request_info, &fd_visitor_session_info,
  &fd_callback_request_info, &fd_callback_created_info, &fd_error_body_info,
  /* The wallboard's bodies (issue 16). */
  &fd_agent_stats_info, &fd_stats_report_info, &fd_stats_history_info,
  &fd_agent_state_info, &fd_agent_states_info,
};

static gboolean
has_required (const FdTypeInfo *info)
{
  /* Numbers, booleans and enums are always written, so only the fields
   * that are omitted when unset can go missing. */
  for (guint i = 0; i < info->n_fields; i++)
    {
      FdFieldKind kind = info->fields[i].kind;

      if (info->fields[i].required && kind != FD_FIELD_INT64 && kind != FD_FIELD_INT &&
          kind != FD_FIELD_BOOL && kind != FD_FIELD_ENUM)
        return TRUE;
    }
  return FALSE;
}

/* Round trip of a fully filled entity, and of the empty one. */
static void
test_entity_round_trip (gconstpointer data)
{
  const FdTypeInfo *info = data;
  gpointer filled = fd_test_new_filled (info, 3);
  gpointer empty = fd_codec_new (info);
  gpointer copy;

  fd_test_assert_round_trip (info, filled);
  if (has_required (info))
    {
      /* The empty struct lacks its required fields: decoding it fails. */
      g_autoptr(JsonNode) node = fd_codec_to_json (info, empty);
      g_autoptr(GError) error = NULL;

      g_assert_null (fd_codec_from_json (info, node, &error));
      g_assert_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MISSING_FIELD);
    }
  else
    fd_test_assert_round_trip (info, empty);

  copy = fd_codec_copy (info, filled);
  g_assert_true (fd_codec_equal (info, filled, copy));
  g_assert_false (fd_codec_equal (info, filled, empty));

  /* Every field takes part in equality and in the JSON. */
  for (guint i = 0; i < info->n_fields; i++)
    {
      gpointer changed = fd_codec_copy (info, filled);
      g_autoptr(JsonNode) a = fd_codec_to_json (info, filled);
      g_autoptr(JsonNode) b = NULL;

      fd_test_reset_field (info, changed, i);
      b = fd_codec_to_json (info, changed);
      if (fd_codec_equal (info, filled, changed))
        g_error ("field %s.%s is not compared", info->name, info->fields[i].name);
      if (json_node_equal (a, b))
        g_error ("field %s.%s is not encoded", info->name, info->fields[i].name);
      fd_codec_free (info, changed);
    }

  fd_codec_free (info, copy);
  fd_codec_free (info, empty);
  fd_codec_free (info, filled);
}

/* fd_codec_to_text() writes what the tree and fd_json_to_string() write,
 * for every ASCII byte, UTF-8 and extreme numbers. */
static void
test_direct_writer (void)
{
  g_autoptr(FdMessage) msg = fd_message_new ();
  g_autoptr(FdConversation) conv = fd_test_new_filled (&fd_conversation_info, 4);
  g_autoptr(GString) all = g_string_new (NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *tree_text = NULL;
  g_autofree char *direct = NULL;
  g_autoptr(JsonNode) parsed = NULL;
  g_autoptr(FdMessage) back = NULL;
  g_autoptr(GError) error = NULL;

  for (int c = 1; c < 128; c++)
    g_string_append_c (all, (char) c);
  g_string_append (all, "é€😀\u2028");
  msg->id = G_MININT64;
  msg->conversation_id = G_MAXINT64;
  msg->text = g_strdup (all->str);
  msg->author_name = g_strdup ("\x1f\x1e\"\\");
  msg->created_at = 1;
  node = fd_message_to_json (msg);
  tree_text = fd_json_to_string (node, NULL);
  direct = fd_message_to_text (msg);
  g_assert_cmpstr (direct, ==, tree_text);
  g_assert_nonnull (strstr (direct, "\\u001f\\u001e\\\"\\\\"));
  parsed = fd_json_parse (direct, strlen (direct), FD_LIMIT_SERVER_FRAME_SIZE, &error);
  g_assert_no_error (error);
  back = fd_message_from_json (parsed, &error);
  g_assert_no_error (error);
  g_assert_true (fd_message_equal (msg, back));

  /* A filled conversation: objects, lists of them, timestamps, enums. */
  fd_test_assert_round_trip (&fd_conversation_info, conv);
}

static void
test_entity_lists (void)
{
  g_autoptr(GPtrArray) list = fd_message_list_new ();
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (list, fd_test_new_filled (&fd_message_info, 1));
  g_ptr_array_add (list, fd_message_new ());
  node = fd_message_list_to_json (list);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  back = fd_message_list_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 2);
  g_assert_true (fd_message_equal (list->pdata[0], back->pdata[0]));
  g_assert_true (fd_message_equal (list->pdata[1], back->pdata[1]));

  {
    g_autoptr(JsonNode) obj = json_from_string ("{}", NULL);
    g_autoptr(GPtrArray) none = fd_message_list_from_json (obj, &error);

    g_assert_null (none);
    g_assert_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED);
  }
}

/* The wire names are the spec: docs/protocol.md lists them. */
static void
test_enum_names (void)
{
  struct { const FdEnumInfo *info; const char *names; } cases[] = {
    { &fd_role_enum, "agent supervisor admin" },
    { &fd_acd_state_enum, "available unavailable wrap-up offline" },
    { &fd_reserve_acd_enum, "keep unavailable wrap-up" },
    { &fd_stream_kind_enum, "webchat callback email twitter" },
    { &fd_strategy_enum, "ring-all circular longest-idle" },
    { &fd_conversation_state_enum, "unreserved reserved closed missed" },
    { &fd_direction_enum, "in out system" },
    { &fd_level_enum, "organization queue stream agent" },
    { &fd_withdraw_reason_enum, "reserved-by-other rejected bounced phase-ended left-queue closed unavailable stream-removed reconfigured" },
    { &fd_wire_error_enum, "malformed unknown-type invalid-field too-large unauthorized forbidden "
                           "not-found conflict invalid-state rate-limited stream-inactive internal" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_auto(GStrv) names = g_strsplit (cases[c].names, " ", -1);

      g_assert_cmpuint (g_strv_length (names), ==, cases[c].info->n_names);
      for (guint i = 0; names[i] != NULL; i++)
        {
          int value = -1;

          g_assert_cmpstr (fd_enum_to_string (cases[c].info, (int) i), ==, names[i]);
          g_assert_true (fd_enum_from_string (cases[c].info, names[i], &value));
          g_assert_cmpint (value, ==, (int) i);
        }
      g_assert_false (fd_enum_from_string (cases[c].info, "no-such-value", NULL));
      g_assert_null (fd_enum_to_string (cases[c].info, (int) cases[c].info->n_names));
      g_assert_null (fd_enum_to_string (cases[c].info, -1));
    }

  /* The typed wrappers agree with the tables. */
  {
    FdStreamKind kind = FD_STREAM_WEBCHAT;
    FdStrategy strategy = FD_STRATEGY_RING_ALL;
    FdWireError code = FD_WIRE_ERROR_INTERNAL;

    g_assert_cmpstr (fd_stream_kind_to_string (FD_STREAM_TWITTER), ==, "twitter");
    g_assert_true (fd_stream_kind_from_string ("callback", &kind));
    g_assert_cmpint (kind, ==, FD_STREAM_CALLBACK);
    g_assert_false (fd_stream_kind_from_string ("fax", &kind));
    g_assert_cmpint (kind, ==, FD_STREAM_CALLBACK);
    g_assert_true (fd_strategy_from_string ("longest-idle", &strategy));
    g_assert_cmpint (strategy, ==, FD_STRATEGY_LONGEST_IDLE);
    g_assert_cmpstr (fd_acd_state_to_string (FD_ACD_WRAP_UP), ==, "wrap-up");
    g_assert_cmpstr (fd_wire_error_to_string (FD_WIRE_ERROR_STREAM_INACTIVE), ==, "stream-inactive");
    g_assert_true (fd_wire_error_from_string ("conflict", &code));
    g_assert_cmpint (code, ==, FD_WIRE_ERROR_CONFLICT);
  }
}

/* What fd_timestamp_to_string() wrote until session 8, with GDateTime. */
static char *
timestamp_by_gdatetime (gint64 usec)
{
  g_autoptr(GDateTime) base = NULL;
  g_autoptr(GDateTime) dt = NULL;
  gint64 secs = usec / G_USEC_PER_SEC;
  gint64 frac = usec % G_USEC_PER_SEC;

  if (frac < 0)
    {
      secs -= 1;
      frac += G_USEC_PER_SEC;
    }
  base = g_date_time_new_from_unix_utc (secs);
  if (base == NULL)
    return NULL;
  dt = g_date_time_add (base, frac);
  if (dt == NULL)
    return NULL;
  return g_date_time_format_iso8601 (dt);
}

/* The arithmetic writes what GDateTime writes: at the ends of the years
 * 1–9999 and just past them, around 1970, leap days and centuries, and at
 * random instants over the whole range. */
static void
test_timestamps_as_gdatetime (void)
{
  const gint64 sec = G_USEC_PER_SEC;
  const gint64 min = G_GINT64_CONSTANT (-62135596800) * sec;
  const gint64 max = G_GINT64_CONSTANT (253402300799) * sec;
  const gint64 edges[] = {
    min - sec, min - 1, min, min + 1, min + sec, max - 1, max, max + 1, max + sec - 1, max + sec,
    -1, 1, -sec, sec, -86400 * sec, 86400 * sec - 1,
    G_GINT64_CONSTANT (951782400) * sec,   /* 2000-02-29 */
    G_GINT64_CONSTANT (951868800) * sec,   /* 2000-03-01 */
    G_GINT64_CONSTANT (4107456000) * sec,  /* 2100-02-28 */
    G_GINT64_CONSTANT (4107542400) * sec,  /* 2100-03-01 */
    G_GINT64_CONSTANT (-2208988800) * sec, /* 1900-01-01 */
    G_MININT64, G_MAXINT64,
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);

  for (guint i = 0; i < G_N_ELEMENTS (edges) + 20000; i++)
    {
      gint64 v;
      g_autofree char *expected = NULL;
      g_autofree char *got = NULL;

      if (i < G_N_ELEMENTS (edges))
        v = edges[i];
      else
        {
          v = min + (gint64) (g_rand_double (rand) * (double) (max - min));
          if (i % 2 == 0)
            v -= v % sec;  /* whole seconds, written without a fraction */
        }
      expected = timestamp_by_gdatetime (v);
      got = fd_timestamp_to_string (v);
      if (g_strcmp0 (expected, got) != 0)
        g_error ("%" G_GINT64_FORMAT ": %s, not %s", v, got, expected);
    }
}

static void
test_timestamps (void)
{
  gint64 v = 0;
  g_autofree char *s1 = fd_timestamp_to_string (G_GINT64_CONSTANT (1795000000500000));
  g_autofree char *s2 = fd_timestamp_to_string (G_GINT64_CONSTANT (1795000000000000));

  g_assert_cmpstr (s1, ==, "2026-11-18T11:06:40.500000Z");
  g_assert_cmpstr (s2, ==, "2026-11-18T11:06:40Z");
  g_assert_true (fd_timestamp_from_string (s1, &v));
  g_assert_cmpint (v, ==, G_GINT64_CONSTANT (1795000000500000));

  /* An offset is converted to UTC. */
  g_assert_true (fd_timestamp_from_string ("2026-11-18T13:06:40+02:00", &v));
  g_assert_cmpint (v, ==, G_GINT64_CONSTANT (1795000000000000));

  /* Before 1970, with a fraction. */
  {
    g_autofree char *s3 = fd_timestamp_to_string (-1500000);

    g_assert_cmpstr (s3, ==, "1969-12-31T23:59:58.500000Z");
    g_assert_true (fd_timestamp_from_string (s3, &v));
    g_assert_cmpint (v, ==, -1500000);
  }

  g_assert_false (fd_timestamp_from_string ("2026-11-18", &v));
  g_assert_false (fd_timestamp_from_string ("2026-11-18T11:06:40", &v));  /* no offset */
  g_assert_false (fd_timestamp_from_string ("2026-W47-3T10:26:40Z", &v));
  g_assert_false (fd_timestamp_from_string ("2026-13-18T10:26:40Z", &v));
  g_assert_false (fd_timestamp_from_string ("yesterday at noon, UTC!", &v));
  g_assert_false (fd_timestamp_from_string ("9999-12-31T23:59:59-05:00", &v));
  g_assert_false (fd_timestamp_from_string (NULL, &v));
}

/* A hand-written payload decodes into the fields it names. */
static void
test_decode_conversation (void)
{
  const char *text =
    "{\"id\": 42, \"organization_id\": 1, \"kind\": \"callback\", \"state\": \"reserved\","
    " \"contact\": {\"name\": \"Natalie Maines\", \"phone\": \"+44 20 7946 0000\","
    "               \"crm_label\": \"(Salesforce Lead)\", \"crm_provider\": \"salesforce\","
    "               \"crm_record_url\": \"https://example.my.salesforce.com/lightning/r/Lead/00Q1/view\","
    "               \"crm_company\": \"Dixie Chicks Ltd\", \"crm_kind\": \"Lead\"},"
    " \"callback_number\": \"020 7946 0000\", \"created_at\": \"2026-11-18T11:06:40Z\","
    " \"rating\": 5, \"unread\": 2, \"future_field\": {\"ignored\": [1, 2, 3]}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = fd_json_parse (text, strlen (text), FD_LIMIT_FRAME_SIZE, &error);
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(FdConversation) copy = NULL;
  g_autoptr(JsonNode) out = NULL;
  JsonObject *obj;

  g_assert_no_error (error);
  conv = fd_conversation_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (conv->id, ==, 42);
  g_assert_cmpint (conv->kind, ==, FD_STREAM_CALLBACK);
  g_assert_cmpint (conv->state, ==, FD_CONVERSATION_RESERVED);
  g_assert_nonnull (conv->contact);
  g_assert_cmpstr (conv->contact->name, ==, "Natalie Maines");
  g_assert_cmpstr (conv->contact->crm_label, ==, "(Salesforce Lead)");
  g_assert_cmpstr (conv->contact->crm_provider, ==, FD_CRM_PROVIDER_SALESFORCE);
  g_assert_cmpstr (conv->contact->crm_record_url, ==, "https://example.my.salesforce.com/lightning/r/Lead/00Q1/view");
  g_assert_cmpstr (conv->contact->crm_company, ==, "Dixie Chicks Ltd");
  g_assert_cmpstr (conv->contact->crm_kind, ==, "Lead");
  g_assert_null (conv->contact->email);
  g_assert_cmpstr (conv->callback_number, ==, "020 7946 0000");
  g_assert_cmpint (conv->created_at, ==, G_GINT64_CONSTANT (1795000000000000));
  g_assert_cmpint (conv->closed_at, ==, 0);
  g_assert_cmpint (conv->rating, ==, 5);
  g_assert_cmpint (conv->unread, ==, 2);

  copy = fd_conversation_copy (conv);
  g_assert_true (copy->contact != conv->contact);
  g_assert_true (fd_conversation_equal (conv, copy));

  out = fd_conversation_to_json (conv);
  obj = json_node_get_object (out);
  g_assert_cmpstr (json_object_get_string_member (obj, "kind"), ==, "callback");
  g_assert_cmpstr (json_object_get_string_member (obj, "created_at"), ==, "2026-11-18T11:06:40Z");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (obj, "contact"),
                                                  "crm_kind"), ==, "Lead");
  /* Unset times and strings are omitted, unknown input fields dropped. */
  g_assert_false (json_object_has_member (obj, "closed_at"));
  g_assert_false (json_object_has_member (obj, "subject"));
  g_assert_false (json_object_has_member (obj, "future_field"));
}

static void
test_queue_members (void)
{
  g_autoptr(FdQueue) queue = fd_queue_new ();
  g_autoptr(FdQueue) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  gint64 ids[] = { 3, 9 };

  /* NULL (not loaded) and empty are different on the wire. */
  node = fd_queue_to_json (queue);
  g_assert_false (json_object_has_member (json_node_get_object (node), "member_ids"));
  g_clear_pointer (&node, json_node_unref);

  queue->member_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  node = fd_queue_to_json (queue);
  back = fd_queue_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back->member_ids);
  g_assert_cmpuint (back->member_ids->len, ==, 0);
  g_clear_pointer (&back, fd_queue_free);
  g_clear_pointer (&node, json_node_unref);

  g_array_append_vals (queue->member_ids, ids, 2);
  node = fd_queue_to_json (queue);
  back = fd_queue_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->member_ids->len, ==, 2);
  g_assert_cmpint (g_array_index (back->member_ids, gint64, 1), ==, 9);
}

/* The wallboard's bodies as the app reads them: a stats row with the new
 * figures (a negative service level means "none yet"), the agent's own
 * figures in the report, a history sample and a supervisor's row with the
 * reported-only "offline" state. */
static void
test_wallboard_bodies (void)
{
  const char *report_text =
    "{\"rows\": [{\"queue_id\": 4, \"stream_id\": 0, \"at\": \"2026-11-18T11:06:40Z\","
    "  \"waiting\": 2, \"agents_joined\": 3, \"agents_available\": 1, \"offered_today\": 12,"
    "  \"answered_today\": 9, \"average_handle_seconds\": 300, \"average_rating_x100\": 435,"
    "  \"rated_today\": 4, \"service_level_seconds\": 20, \"service_level_percent\": -1}],"
    " \"agent\": {\"closed_today\": 5, \"held\": 1, \"missed_today\": 2, \"acd_state\": \"wrap-up\","
    "  \"state_since\": \"2026-11-18T11:00:00Z\"}}";
  const char *state_text =
    "{\"agent_id\": 7, \"name\": \"Ana\", \"acd_state\": \"offline\", \"held\": 0,"
    " \"joined_queue_ids\": [4, 5]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = fd_json_parse (report_text, strlen (report_text), FD_LIMIT_FRAME_SIZE, &error);
  g_autoptr(JsonNode) state_node = NULL;
  g_autoptr(FdStatsReport) report = NULL;
  g_autoptr(FdAgentState) state = NULL;
  g_autoptr(FdStatsHistory) history = fd_stats_history_new ();
  g_autoptr(JsonNode) history_node = NULL;
  g_autoptr(FdStatsHistory) history_back = NULL;
  FdStats *row;
  FdAcdState acd;

  g_assert_no_error (error);
  report = fd_stats_report_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->rows->len, ==, 1);
  row = g_ptr_array_index (report->rows, 0);
  g_assert_cmpint (row->at, ==, G_GINT64_CONSTANT (1795000000000000));
  g_assert_cmpint (row->agents_joined, ==, 3);
  g_assert_cmpint (row->agents_available, ==, 1);
  g_assert_cmpint (row->offered_today, ==, 12);
  g_assert_cmpint (row->answered_today, ==, 9);
  g_assert_cmpint (row->average_handle_seconds, ==, 300);
  g_assert_cmpint (row->average_rating_x100, ==, 435);
  g_assert_cmpint (row->rated_today, ==, 4);
  g_assert_cmpint (row->service_level_seconds, ==, 20);
  g_assert_cmpint (row->service_level_percent, ==, -1);
  g_assert_nonnull (report->agent);
  g_assert_cmpint (report->agent->closed_today, ==, 5);
  g_assert_cmpint (report->agent->held, ==, 1);
  g_assert_cmpint (report->agent->missed_today, ==, 2);
  g_assert_cmpint (report->agent->acd_state, ==, FD_ACD_WRAP_UP);
  g_assert_cmpint (report->agent->state_since, ==, G_GINT64_CONSTANT (1794999600000000));

  /* "offline" is a name of the ACD state enum, for reports. */
  g_assert_true (fd_acd_state_from_string ("offline", &acd));
  g_assert_cmpint (acd, ==, FD_ACD_OFFLINE);
  state_node = fd_json_parse (state_text, strlen (state_text), FD_LIMIT_FRAME_SIZE, &error);
  g_assert_no_error (error);
  state = fd_agent_state_from_json (state_node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (state->agent_id, ==, 7);
  g_assert_cmpint (state->acd_state, ==, FD_ACD_OFFLINE);
  g_assert_cmpuint (state->joined_queue_ids->len, ==, 2);
  g_assert_cmpint (g_array_index (state->joined_queue_ids, gint64, 1), ==, 5);

  /* A history holds at most FD_LIMIT_STATS_SAMPLES samples: one more is
   * refused, not truncated. */
  history->samples = fd_stats_list_new ();
  for (guint i = 0; i < FD_LIMIT_STATS_SAMPLES; i++)
    {
      FdStats *sample = fd_stats_new ();

      sample->queue_id = 1;
      sample->at = (gint64) i * 60 * G_USEC_PER_SEC;
      g_ptr_array_add (history->samples, sample);
    }
  history_node = fd_stats_history_to_json (history);
  history_back = fd_stats_history_from_json (history_node, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history_back->samples->len, ==, FD_LIMIT_STATS_SAMPLES);
  g_clear_pointer (&history_back, fd_stats_history_free);
  g_clear_pointer (&history_node, json_node_unref);
  g_ptr_array_add (history->samples, fd_stats_new ());
  history_node = fd_stats_history_to_json (history);
  history_back = fd_stats_history_from_json (history_node, &error);
  g_assert_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_TOO_LARGE);
  g_assert_null (history_back);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    {
      g_autofree char *path = g_strdup_printf ("/protocol/entity/%s", entities[i]->name);

      g_strdelimit (path, " ", '-');
      g_test_add_data_func (path, entities[i], test_entity_round_trip);
    }
  g_test_add_func ("/protocol/entity/lists", test_entity_lists);
  g_test_add_func ("/protocol/direct-writer", test_direct_writer);
  g_test_add_func ("/protocol/enum-names", test_enum_names);
  g_test_add_func ("/protocol/timestamps", test_timestamps);
  g_test_add_func ("/protocol/timestamps-as-gdatetime", test_timestamps_as_gdatetime);
  g_test_add_func ("/protocol/decode-conversation", test_decode_conversation);
  g_test_add_func ("/protocol/queue-members", test_queue_members);
  g_test_add_func ("/protocol/wallboard-bodies", test_wallboard_bodies);

  return g_test_run ();
}
