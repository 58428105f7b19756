#define G_LOG_DOMAIN "fd-test"

/* docs/protocol.md shows the field table of every entity and body. This test
 * renders each table from the codec's own FdTypeInfo and checks that the
 * document contains it verbatim, so the spec cannot drift from the code.
 * `test-doc --print` prints all tables (to paste after a change). */

#include <stdio.h>
#include <string.h>

#include "fd-protocol.h"

static const FdTypeInfo * const documented[] = {
  /* Entities. */
  &fd_organization_info, &fd_agent_info, &fd_queue_info, &fd_stream_info,
  &fd_phase_info, &fd_contact_info, &fd_attachment_info, &fd_mail_headers_info, &fd_tweet_info, &fd_message_info,
  &fd_conversation_info, &fd_canned_reply_info, &fd_resource_info,
  &fd_offer_info, &fd_stats_info,
  /* Agent requests. */
  &fd_hello_info, &fd_queue_ref_info, &fd_set_acd_info, &fd_conversation_ref_info,
  &fd_contact_ref_info, &fd_send_message_info, &fd_typing_info, &fd_mark_read_info,
  &fd_transfer_info, &fd_search_info, &fd_callback_attempt_info, &fd_crm_log_info,
  /* Agent results and events. */
  &fd_welcome_info, &fd_canned_replies_info, &fd_resources_info, &fd_conversations_info,
  &fd_colleague_info, &fd_colleagues_info,
  &fd_conversation_detail_info, &fd_agent_stats_info, &fd_stats_report_info,
  &fd_stats_history_info, &fd_agent_state_info, &fd_agent_states_info, &fd_queue_state_info,
  &fd_offer_event_info, &fd_withdraw_info, &fd_snapshot_info, &fd_error_body_info,
  &fd_delivery_info, &fd_stream_health_info_info, &fd_stream_health_list_info,
  &fd_log_query_info, &fd_log_entry_info, &fd_log_page_info,
  /* HTTP. */
  &fd_sign_in_request_info, &fd_sign_in_info,
  &fd_visitor_session_request_info, &fd_visitor_session_info,
  &fd_callback_request_info, &fd_callback_created_info,
  /* Visitor socket. */
  &fd_visitor_hello_info, &fd_visitor_send_info, &fd_visitor_typing_info,
  &fd_rating_info, &fd_visitor_welcome_info, &fd_agent_joined_info,
  &fd_visitor_closed_info,
};

static char *
render_type (const FdFieldInfo *field)
{
  switch (field->kind)
    {
    case FD_FIELD_INT64:
      return g_strdup ("integer");
    case FD_FIELD_INT:
      return g_strdup ("integer (32-bit)");
    case FD_FIELD_BOOL:
      return g_strdup ("boolean");
    case FD_FIELD_STRING:
      return g_strdup ("string");
    case FD_FIELD_TIMESTAMP:
      return g_strdup ("time");
    case FD_FIELD_ENUM:
      {
        GString *s = g_string_new ("one of");

        for (guint i = 0; i < field->enum_info->n_names; i++)
          g_string_append_printf (s, "%s `%s`", i > 0 ? "," : "", field->enum_info->names[i]);
        return g_string_free (s, FALSE);
      }
    case FD_FIELD_STRV:
      return g_strdup ("array of strings");
    case FD_FIELD_INT64_ARRAY:
      return g_strdup ("array of integers");
    case FD_FIELD_OBJECT:
      return g_strdup_printf ("*%s*", field->child->name);
    case FD_FIELD_OBJECT_ARRAY:
      return g_strdup_printf ("array of *%s*", field->child->name);
    default:
      g_assert_not_reached ();
    }
}

static char *
render_limit (const FdFieldInfo *field)
{
  switch (field->kind)
    {
    case FD_FIELD_STRING:
      return g_strdup_printf ("%u chars", field->max > 0 ? field->max : FD_LIMIT_STRING);
    case FD_FIELD_STRV:
      return g_strdup_printf ("%u × %u chars", field->max > 0 ? field->max : FD_LIMIT_ARRAY, FD_LIMIT_STRING);
    case FD_FIELD_INT64_ARRAY:
    case FD_FIELD_OBJECT_ARRAY:
      return g_strdup_printf ("%u items", field->max > 0 ? field->max : FD_LIMIT_ARRAY);
    case FD_FIELD_INT64:
    case FD_FIELD_INT:
    case FD_FIELD_BOOL:
    case FD_FIELD_TIMESTAMP:
    case FD_FIELD_ENUM:
    case FD_FIELD_OBJECT:
    default:
      return g_strdup ("");
    }
}

static char *
render_table (const FdTypeInfo *info)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "<!-- table: %s -->\n", info->name);
  g_string_append (s, "| field | type | required | limit |\n| --- | --- | --- | --- |\n");
  for (guint i = 0; i < info->n_fields; i++)
    {
      g_autofree char *type = render_type (&info->fields[i]);
      g_autofree char *limit = render_limit (&info->fields[i]);

      g_string_append_printf (s, "| `%s` | %s | %s | %s |\n", info->fields[i].name, type,
                              info->fields[i].required ? "yes" : "", limit);
    }
  return g_string_free (s, FALSE);
}

static void
test_table (gconstpointer data)
{
  const FdTypeInfo *info = data;
  const char *path = FD_PROTOCOL_DOC;
  g_autofree char *doc = NULL;
  g_autofree char *table = render_table (info);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &doc, NULL, &error));
  g_assert_no_error (error);
  if (strstr (doc, table) == NULL)
    g_error ("docs/protocol.md lacks the current table of “%s”:\n%s", info->name, table);
}

/* Every frame in the Examples section decodes in the direction its arrow
 * shows: → from the client, ← from the server. */
static void
test_examples (void)
{
  g_autofree char *doc = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  const char *examples;
  gboolean in_json = FALSE, visitor = FALSE;
  guint decoded = 0;

  g_assert_true (g_file_get_contents (FD_PROTOCOL_DOC, &doc, NULL, &error));
  g_assert_no_error (error);
  examples = strstr (doc, "\n## Examples");
  g_assert_nonnull (examples);
  lines = g_strsplit (examples, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      gboolean from_client = g_str_has_prefix (line, "→ {");
      gboolean from_server = g_str_has_prefix (line, "← {");
      g_autoptr(FdFrame) frame = NULL;
      FdFrameSet set;

      if (g_str_has_prefix (line, "```"))
        {
          in_json = !in_json;
          visitor = FALSE;
          continue;
        }
      if (!in_json)
        continue;
      if (strstr (line, "/api/visitor/") != NULL)
        visitor = TRUE;
      if (!from_client && !from_server)
        continue;

      if (visitor)
        set = from_client ? FD_FRAMES_VISITOR_CLIENT : FD_FRAMES_VISITOR_SERVER;
      else
        set = from_client ? FD_FRAMES_AGENT_CLIENT : FD_FRAMES_AGENT_SERVER;
      line = strchr (line, '{');
      frame = fd_frame_decode (set, line, strlen (line), &error);
      if (frame == NULL)
        {
          /* A bad frame on purpose: the next line is the server's error,
           * with exactly the code and sentence the codec gives. */
          const char *next = lines[i + 1];
          g_autoptr(GError) next_error = NULL;
          g_autoptr(FdFrame) reply = NULL;
          FdErrorBody *body;

          if (next == NULL || !g_str_has_prefix (next, "← {"))
            g_error ("Example does not decode: %s\n%s", error->message, line);
          next = strchr (next, '{');
          reply = fd_frame_decode (visitor ? FD_FRAMES_VISITOR_SERVER : FD_FRAMES_AGENT_SERVER,
                                   next, strlen (next), &next_error);
          g_assert_no_error (next_error);
          g_assert_true (reply->type == FD_FRAME_ERROR || reply->type == FD_FRAME_VISITOR_ERROR);
          body = reply->body;
          g_assert_cmpstr (body->message, ==, error->message);
          g_assert_cmpint (body->code, ==, fd_wire_error_from_gerror (error));
          g_clear_error (&error);
        }
      decoded++;
    }
  g_assert_cmpuint (decoded, >=, 20);
}

int
main (int argc, char **argv)
{
  if (argc > 1 && strcmp (argv[1], "--print") == 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (documented); i++)
        {
          g_autofree char *table = render_table (documented[i]);

          fputs (table, stdout);
          fputs ("\n", stdout);
        }
      return 0;
    }

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (documented); i++)
    {
      g_autofree char *path = g_strdup_printf ("/protocol/doc/%s", documented[i]->name);

      g_strdelimit (path, " ", '-');
      g_test_add_data_func (path, documented[i], test_table);
    }
  g_test_add_func ("/protocol/doc/examples", test_examples);
  return g_test_run ();
}
