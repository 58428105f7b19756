#define G_LOG_DOMAIN "fd-test"

#include <string.h>

#include <gio/gio.h>

#include "fd-protocol.h"
#include "fd-test-fill.h"

static FdFrame *
decode_text (FdFrameSet   set,
             const char  *text,
             GError     **error)
{
  return fd_frame_decode (set, text, strlen (text), error);
}

/* encode → decode → encode of @frame in its own set. */
static void
assert_frame_round_trip (const FdFrame *frame)
{
  g_autoptr(GError) error = NULL;
  gsize len1 = 0, len2 = 0;
  g_autofree char *text1 = fd_frame_encode (frame, &len1);
  g_autoptr(FdFrame) back = NULL;
  g_autofree char *text2 = NULL;
  g_autoptr(JsonNode) tree = fd_frame_to_json (frame);
  g_autofree char *tree_text = fd_json_to_string (tree, NULL);

  g_assert_cmpuint (len1, ==, strlen (text1));
  /* Encoded without a tree, byte for byte what the tree writes. */
  g_assert_cmpstr (text1, ==, tree_text);
  back = fd_frame_decode (fd_frame_type_get_set (frame->type), text1, len1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpint (back->type, ==, frame->type);
  g_assert_cmpstr (back->id, ==, frame->id);
  g_assert_cmpint (back->seq, ==, frame->seq);
  g_assert_true (fd_frame_equal (frame, back));
  text2 = fd_frame_encode (back, &len2);
  g_assert_cmpstr (text1, ==, text2);
}

/* Builds the frame of @type with a filled body the way its role requires. */
static FdFrame *
make_frame (FdFrameType type,
            guint       seed)
{
  const FdTypeInfo *info = fd_frame_type_get_body_info (type);
  gpointer body = info != NULL ? fd_test_new_filled (info, seed) : NULL;

  switch (fd_frame_type_get_role (type))
    {
    case FD_FRAME_ROLE_REQUEST:
    case FD_FRAME_ROLE_REPLY:
      return fd_frame_new_request (type, "req-ü-1", body);
    case FD_FRAME_ROLE_EVENT:
      return fd_frame_new_event (type, 1000 + seed, body);
    case FD_FRAME_ROLE_VISITOR:
    default:
      return fd_frame_new (type, body);
    }
}

static void
test_frame_round_trip (gconstpointer data)
{
  FdFrameType type = GPOINTER_TO_INT (data);
  g_autoptr(FdFrame) filled = NULL;
  g_autoptr(FdFrame) empty = NULL;
  g_autoptr(FdFrame) copy = NULL;
  FdFrameType back;

  /* The wire name leads back to the type within its set. */
  g_assert_true (fd_frame_type_from_string (fd_frame_type_get_set (type),
                                            fd_frame_type_to_string (type), &back));
  g_assert_cmpint (back, ==, type);

  if (type == FD_FRAME_ACK)
    {
      /* An ack per request type, each with that request's result body. */
      for (guint r = 0; r < FD_FRAME_N_TYPES; r++)
        {
          const FdTypeInfo *result;
          g_autoptr(FdFrame) ack = NULL;

          if (fd_frame_type_get_role (r) != FD_FRAME_ROLE_REQUEST)
            continue;
          result = fd_frame_type_get_result_info (r);
          ack = fd_frame_new_ack ("a1", r, result != NULL ? fd_test_new_filled (result, r) : NULL);
          g_assert_cmpint (ack->ack_for, ==, r);
          assert_frame_round_trip (ack);
          if (result != NULL)
            g_assert_true (fd_codec_equal (result, ack->body, ack->body));
          else
            g_assert_null (ack->body);
        }
      return;
    }

  filled = make_frame (type, 2);
  assert_frame_round_trip (filled);
  copy = fd_frame_copy (filled);
  g_assert_true (fd_frame_equal (filled, copy));

  /* An empty body, or none at all for types without one. */
  if (fd_frame_type_get_role (type) == FD_FRAME_ROLE_EVENT)
    empty = fd_frame_new_event (type, 1, NULL);
  else
    empty = fd_frame_new_request (type, "e", NULL);
  g_assert_true ((empty->body == NULL) == (fd_frame_type_get_body_info (type) == NULL));
  if (fd_frame_type_get_body_info (type) != NULL)
    g_assert_false (fd_frame_equal (filled, empty));
}

/* The same wire name is a different frame on each side. */
static void
test_frame_sets (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) request = NULL;
  g_autoptr(FdFrame) event = NULL;
  g_autoptr(FdFrame) visitor = NULL;

  request = decode_text (FD_FRAMES_AGENT_CLIENT,
                         "{\"type\":\"typing\",\"id\":\"7\",\"body\":{\"conversation_id\":5,\"typing\":true}}",
                         &error);
  g_assert_no_error (error);
  g_assert_cmpint (request->type, ==, FD_FRAME_TYPING);
  g_assert_cmpint (((FdTyping *) request->body)->conversation_id, ==, 5);
  g_assert_true (((FdTyping *) request->body)->typing);

  event = decode_text (FD_FRAMES_AGENT_SERVER,
                       "{\"type\":\"typing\",\"seq\":99,\"body\":{\"conversation_id\":5,\"typing\":false}}",
                       &error);
  g_assert_no_error (error);
  g_assert_cmpint (event->type, ==, FD_FRAME_TYPING_EVENT);
  g_assert_cmpint (event->seq, ==, 99);

  visitor = decode_text (FD_FRAMES_VISITOR_CLIENT, "{\"type\":\"typing\",\"body\":{\"typing\":true}}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (visitor->type, ==, FD_FRAME_VISITOR_TYPING);
  g_assert_null (visitor->id);
  g_assert_true (((FdVisitorTyping *) visitor->body)->typing);

  /* A server-only frame is unknown from a client, and the reverse. */
  g_assert_null (decode_text (FD_FRAMES_AGENT_CLIENT, "{\"type\":\"offer\",\"seq\":1}", &error));
  g_assert_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_UNKNOWN_TYPE);
  g_clear_error (&error);
  g_assert_null (decode_text (FD_FRAMES_AGENT_SERVER, "{\"type\":\"reserve\",\"id\":\"1\"}", &error));
  g_assert_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_UNKNOWN_TYPE);
  g_clear_error (&error);
  g_assert_null (decode_text (FD_FRAMES_VISITOR_CLIENT, "{\"type\":\"reserve\"}", &error));
  g_assert_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_UNKNOWN_TYPE);
}

/* Hand-written frames as docs/protocol.md shows them. */
static void
test_documented_examples (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) hello = NULL;
  g_autoptr(FdFrame) ack = NULL;
  g_autoptr(FdFrame) withdraw = NULL;
  g_autoptr(FdFrame) err = NULL;
  g_autoptr(FdFrame) ping = NULL;
  g_autofree char *text = NULL;
  FdConversation *conv;

  hello = decode_text (FD_FRAMES_AGENT_CLIENT,
                       "{\"type\":\"hello\",\"id\":\"1\",\"body\":{\"protocol\":1,\"last_seq\":1041,"
                       "\"client\":\"frontdesk/0.1.0\"}}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (((FdHello *) hello->body)->protocol, ==, 1);
  g_assert_cmpint (((FdHello *) hello->body)->last_seq, ==, 1041);

  ack = decode_text (FD_FRAMES_AGENT_SERVER,
                     "{\"type\":\"ack\",\"id\":\"r17\",\"for\":\"reserve\",\"body\":"
                     "{\"id\":42,\"state\":\"reserved\",\"agent_id\":7,\"kind\":\"webchat\"}}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ack->ack_for, ==, FD_FRAME_RESERVE);
  conv = ack->body;
  g_assert_cmpint (conv->id, ==, 42);
  g_assert_cmpint (conv->state, ==, FD_CONVERSATION_RESERVED);
  g_assert_cmpint (conv->agent_id, ==, 7);

  withdraw = decode_text (FD_FRAMES_AGENT_SERVER,
                          "{\"type\":\"withdraw\",\"seq\":1042,\"body\":{\"conversation_id\":42,"
                          "\"reason\":\"reserved-by-other\"}}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (((FdWithdraw *) withdraw->body)->reason, ==, FD_WITHDRAW_RESERVED_BY_OTHER);

  err = fd_frame_new_error (FD_FRAME_ERROR, "r18", FD_WIRE_ERROR_CONFLICT,
                            "Another agent reserved this conversation first.");
  text = fd_frame_encode (err, NULL);
  g_assert_cmpstr (text, ==,
                   "{\"type\":\"error\",\"id\":\"r18\",\"body\":{\"code\":\"conflict\","
                   "\"message\":\"Another agent reserved this conversation first.\",\"retry_after\":0}}");

  /* A ping has no body; one sent anyway is ignored. */
  ping = decode_text (FD_FRAMES_AGENT_CLIENT, "{\"type\":\"ping\",\"id\":\"p\",\"body\":{\"x\":1}}", &error);
  g_assert_no_error (error);
  g_assert_null (ping->body);
}

static void
test_error_from_gerror (void)
{
  g_autoptr(GError) codec = g_error_new_literal (FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MISSING_FIELD,
                                                 "The field “body.queue_id” is required.");
  g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "disk /dev/sda1 failed");
  g_autoptr(FdFrame) a = fd_frame_new_error_from_gerror (FD_FRAME_ERROR, "x", codec);
  g_autoptr(FdFrame) b = fd_frame_new_error_from_gerror (FD_FRAME_VISITOR_ERROR, NULL, other);
  FdErrorBody *ba = a->body, *bb = b->body;

  g_assert_cmpint (ba->code, ==, FD_WIRE_ERROR_INVALID_FIELD);
  g_assert_cmpstr (ba->message, ==, codec->message);
  g_assert_cmpint (bb->code, ==, FD_WIRE_ERROR_INTERNAL);
  /* Internal details do not reach the peer. */
  g_assert_null (strstr (bb->message, "sda1"));
  g_assert_cmpint (fd_wire_error_from_gerror (other), ==, FD_WIRE_ERROR_INTERNAL);
}

int
main (int argc, char **argv)
{
  static const char * const set_names[] = { "agent-client", "agent-server", "visitor-client", "visitor-server" };

  g_test_init (&argc, &argv, NULL);

  for (guint t = 0; t < FD_FRAME_N_TYPES; t++)
    {
      g_autofree char *path = g_strdup_printf ("/protocol/frame/%s/%s",
                                               set_names[fd_frame_type_get_set (t)],
                                               fd_frame_type_to_string (t));

      g_test_add_data_func (path, GINT_TO_POINTER (t), test_frame_round_trip);
    }
  g_test_add_func ("/protocol/frame-sets", test_frame_sets);
  g_test_add_func ("/protocol/documented-examples", test_documented_examples);
  g_test_add_func ("/protocol/error-from-gerror", test_error_from_gerror);

  return g_test_run ();
}
