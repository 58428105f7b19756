#define G_LOG_DOMAIN "test-it-limits"

/* The limits docs/protocol.md states are the ones that hold: a message of
 * exactly FD_LIMIT_TEXT characters, in the widest UTF-8 characters and in
 * the characters JSON escapes most, goes from an agent and from a visitor
 * through the store to every reader, live and replayed; one character more
 * is refused as an invalid field. A frame nested too deeply is answered by
 * an error that carries its id. */

#include "fd-integration.h"
#include "fd-test-fill.h"

#include <string.h>

#define EMOJI          "\xf0\x9f\x98\x80"   /* 😀, 4 bytes of UTF-8 */
#define EMOJI_ESCAPED  "\\ud83d\\ude00"      /* the same as JSON escapes, 12 bytes */

/* FD_LIMIT_TEXT characters that JSON writers escape: \u0001 and \u001f
 * (6 bytes each) alternating with \n (2 bytes). */
static char *
control_text (guint n)
{
  static const char units[] = { '\x01', '\x1f', '\n' };
  char *text = g_malloc (n + 1);

  for (guint i = 0; i < n; i++)
    text[i] = units[i % G_N_ELEMENTS (units)];
  text[n] = '\0';
  return text;
}

typedef struct {
  const char *client_id;
  const char *text;
} Sent;

static const FdMessage *
find_message (GPtrArray  *messages,
              const char *client_id)
{
  for (guint i = 0; messages != NULL && i < messages->len; i++)
    {
      const FdMessage *msg = messages->pdata[i];

      if (g_strcmp0 (msg->client_id, client_id) == 0)
        return msg;
    }
  g_error ("No message with client id %s", client_id);
  return NULL;
}

static void
assert_text (const char *got,
             const char *expected,
             const char *where)
{
  if (g_strcmp0 (got, expected) != 0)
    g_error ("%s: the text came back changed (%ld characters instead of %ld)", where,
             got != NULL ? g_utf8_strlen (got, -1) : -1L, g_utf8_strlen (expected, -1));
}

/* Both sides see @sent live. */
static void
assert_delivered (FdTestAgent   *agent,
                  FdTestVisitor *visitor,
                  const Sent    *sent)
{
  g_autoptr(FdMessage) event = fd_it_agent_wait_message (agent, sent->client_id);
  g_autoptr(FdMessage) echo = fd_it_visitor_wait_message (visitor, sent->client_id);

  assert_text (event->text, sent->text, "agent's message event");
  assert_text (echo->text, sent->text, "visitor's message frame");
}

static void
test_text_at_limit (FdItDemo      *demo,
                    gconstpointer  data)
{
  g_autoptr(FdTestAgent) natalie = fd_it_connect_agent (demo->server, FD_IT_NATALIE);
  g_autoptr(FdTestAgent) again = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) reserved = NULL;
  g_autoptr(FdConversationDetail) detail = NULL;
  g_autoptr(FdFrame) snapshot = NULL;
  g_autofree char *emoji = fd_test_repeat (EMOJI, FD_LIMIT_TEXT);
  g_autofree char *emoji_escaped = fd_test_repeat (EMOJI_ESCAPED, FD_LIMIT_TEXT);
  g_autofree char *controls = control_text (FD_LIMIT_TEXT);
  g_autofree char *emoji_over = fd_test_repeat (EMOJI, FD_LIMIT_TEXT + 1);
  g_autofree char *controls_over = control_text (FD_LIMIT_TEXT + 1);
  g_autofree char *raw_frame = NULL;
  const Sent sent[] = {
    { "visitor-emoji", emoji },
    { "visitor-escaped", emoji },
    { "visitor-controls", controls },
    { "agent-emoji", emoji },
    { "agent-controls", controls },
  };
  gint64 conversation_id, seq_before;

  fd_test_agent_join (natalie, demo->sales);
  visitor = fd_it_start_visitor (demo->server, FD_IT_CHAT_KEY, "Vera Visitor");
  conversation_id = visitor->conversation_id;
  fd_it_wait_offer (natalie, conversation_id);
  reserved = fd_test_agent_expect_ack (natalie, FD_FRAME_RESERVE, fd_test_conversation_ref (conversation_id));
  fd_test_socket_settle (natalie->socket, 100);
  seq_before = fd_test_agent_get_last_seq (natalie);

  /* From the visitor: emoji as UTF-8 and as surrogate escapes (the largest
   * frame any character can make), then control characters. */
  fd_test_visitor_send (visitor, sent[0].client_id, sent[0].text);
  assert_delivered (natalie, visitor, &sent[0]);
  raw_frame = g_strdup_printf ("{\"type\":\"send-message\",\"id\":\"v-esc\",\"body\":"
                               "{\"client_id\":\"%s\",\"text\":\"%s\"}}", sent[1].client_id, emoji_escaped);
  g_assert_cmpuint (strlen (raw_frame), <=, FD_LIMIT_FRAME_SIZE);
  fd_test_socket_send_text (visitor->socket, raw_frame);
  assert_delivered (natalie, visitor, &sent[1]);
  fd_test_visitor_send (visitor, sent[2].client_id, sent[2].text);
  assert_delivered (natalie, visitor, &sent[2]);

  /* From the agent. */
  for (guint i = 3; i < G_N_ELEMENTS (sent); i++)
    {
      g_autoptr(FdFrame) ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                                         fd_test_send_message (conversation_id, sent[i].client_id,
                                                                             sent[i].text));

      assert_text (((FdMessage *) ack->body)->text, sent[i].text, "agent's ack");
      assert_delivered (natalie, visitor, &sent[i]);
    }

  /* One character more is an invalid field, from either side, with the
   * request's id; nothing is stored. */
  fd_test_agent_expect_error (natalie, FD_FRAME_SEND_MESSAGE,
                              fd_test_send_message (conversation_id, "agent-over", emoji_over),
                              FD_WIRE_ERROR_INVALID_FIELD);
  fd_test_agent_expect_error (natalie, FD_FRAME_SEND_MESSAGE,
                              fd_test_send_message (conversation_id, "agent-over-2", controls_over),
                              FD_WIRE_ERROR_INVALID_FIELD);
  {
    g_autoptr(FdFrame) frame = NULL;
    FdVisitorSend *send = fd_visitor_send_new ();

    send->client_id = g_strdup ("visitor-over");
    send->text = g_strdup (emoji_over);
    frame = fd_frame_new (FD_FRAME_VISITOR_SEND_MESSAGE, send);
    g_free (frame->id);
    frame->id = g_strdup ("v-over");
    fd_test_socket_send (visitor->socket, frame);
    g_clear_pointer (&frame, fd_frame_free);
    frame = fd_test_socket_wait (visitor->socket, FD_FRAME_VISITOR_ERROR, FD_TEST_TIMEOUT_MS,
                                 "the error answering a text one character too long");
    fd_test_assert_error_frame (frame, FD_WIRE_ERROR_INVALID_FIELD);
    g_assert_cmpstr (frame->id, ==, "v-over");
  }

  /* Stored whole: get-conversation has every message, and none of the
   * refused ones. */
  detail = fd_test_agent_get_conversation (natalie, conversation_id);
  for (guint i = 0; i < G_N_ELEMENTS (sent); i++)
    assert_text (find_message (detail->messages, sent[i].client_id)->text, sent[i].text, "get-conversation");
  g_assert_cmpuint (fd_it_count_client_id (detail, "agent-over"), ==, 0);
  g_assert_cmpuint (fd_it_count_client_id (detail, "agent-over-2"), ==, 0);
  g_assert_cmpuint (fd_it_count_client_id (detail, "visitor-over"), ==, 0);

  /* Replayed on resync: the agent comes back from before the messages. */
  fd_test_agent_disconnect (natalie);
  natalie->last_seq = seq_before;
  g_assert_true (fd_test_agent_connect (natalie)->resumed);
  for (guint i = 0; i < G_N_ELEMENTS (sent); i++)
    {
      g_autoptr(FdMessage) replayed = fd_it_agent_wait_message (natalie, sent[i].client_id);

      assert_text (replayed->text, sent[i].text, "resync");
    }

  /* In a snapshot: a second session of the same agent starts afresh. */
  again = fd_test_agent_sign_in (demo->server, FD_IT_NATALIE);
  g_assert_false (fd_test_agent_connect (again)->resumed);
  snapshot = fd_test_agent_wait_event (again, FD_FRAME_SNAPSHOT);
  {
    FdSnapshot *body = snapshot->body;
    const FdConversationDetail *found = NULL;

    for (guint i = 0; i < body->conversations->len; i++)
      if (((FdConversationDetail *) body->conversations->pdata[i])->conversation->id == conversation_id)
        found = body->conversations->pdata[i];
    g_assert_nonnull (found);
    for (guint i = 0; i < G_N_ELEMENTS (sent); i++)
      assert_text (find_message (found->messages, sent[i].client_id)->text, sent[i].text, "snapshot");
  }

  /* Replayed to the visitor: a new socket's welcome has every message. */
  fd_test_visitor_disconnect (visitor);
  fd_test_visitor_connect (visitor);
  for (guint i = 0; i < G_N_ELEMENTS (sent); i++)
    assert_text (find_message (visitor->welcome->messages, sent[i].client_id)->text, sent[i].text,
                 "visitor's welcome");
}

/* A frame nesting deeper than FD_LIMIT_DEPTH is too large; the error names
 * the request by its id wherever the id is in the frame. */
static void
test_too_deep_keeps_id (FdItDemo      *demo,
                        gconstpointer  data)
{
  g_autoptr(FdTestAgent) natalie = fd_it_connect_agent (demo->server, FD_IT_NATALIE);
  g_autoptr(FdTestVisitor) visitor = fd_it_start_visitor (demo->server, FD_IT_CHAT_KEY, "Vera Visitor");
  g_autofree char *open = fd_test_repeat ("{\"a\":", FD_LIMIT_DEPTH + 8);
  g_autofree char *close = fd_test_repeat ("}", FD_LIMIT_DEPTH + 8);
  g_autofree char *id_after = g_strdup_printf ("{\"type\":\"reserve\",\"body\":%s1%s,\"id\":\"deep-after\"}",
                                               open, close);
  g_autofree char *id_before = g_strdup_printf ("{\"id\":\"deep-before\",\"type\":\"ping\",\"x\":[%s1%s]}",
                                                open, close);
  g_autofree char *visitor_deep = g_strdup_printf ("{\"type\":\"send-message\",\"body\":{\"client_id\":\"c\","
                                                   "\"text\":\"hi\",\"x\":%s1%s},\"id\":\"v-deep\"}",
                                                   open, close);
  const char *agent_frames[] = { id_after, id_before };
  const char *agent_ids[] = { "deep-after", "deep-before" };
  g_autoptr(FdFrame) pong = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (agent_frames); i++)
    {
      g_autoptr(FdFrame) reply = NULL;

      fd_test_socket_send_text (natalie->socket, agent_frames[i]);
      reply = fd_test_socket_wait (natalie->socket, FD_FRAME_ERROR, FD_TEST_TIMEOUT_MS,
                                   "the error answering a frame nested too deeply");
      fd_test_assert_error_frame (reply, FD_WIRE_ERROR_TOO_LARGE);
      g_assert_cmpstr (reply->id, ==, agent_ids[i]);
    }
  pong = fd_test_agent_request (natalie, FD_FRAME_PING, NULL);
  g_assert_cmpint (pong->type, ==, FD_FRAME_PONG);

  {
    g_autoptr(FdFrame) reply = NULL;

    fd_test_socket_send_text (visitor->socket, visitor_deep);
    reply = fd_test_socket_wait (visitor->socket, FD_FRAME_VISITOR_ERROR, FD_TEST_TIMEOUT_MS,
                                 "the visitor's error answering a frame nested too deeply");
    fd_test_assert_error_frame (reply, FD_WIRE_ERROR_TOO_LARGE);
    g_assert_cmpstr (reply->id, ==, "v-deep");
  }
}

int
main (int    argc,
      char **argv)
{
  fd_it_init (&argc, &argv);

  fd_it_add ("/integration/limits/text-at-limit", test_text_at_limit, FD_IT_WITH_SALES);
  fd_it_add ("/integration/limits/too-deep-keeps-id", test_too_deep_keeps_id, FD_IT_SERVER_ONLY);

  return g_test_run ();
}
