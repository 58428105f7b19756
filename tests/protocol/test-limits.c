#define G_LOG_DOMAIN "fd-test"

/* The byte limits follow from the character limits (docs/protocol.md,
 * "Limits"): text at its character limit, in the widest and the most
 * escaped characters, fits every frame and event that carries it; one
 * character more is refused. And the id of a frame that cannot be decoded
 * is still read, however deep the frame nests. */

#include <string.h>

#include "fd-protocol.h"
#include "fd-test-fill.h"

/* "😀" in UTF-8, and as a JSON surrogate pair escape (12 bytes). */
#define EMOJI          "\xf0\x9f\x98\x80"
#define EMOJI_ESCAPED  "\\ud83d\\ude00"

/* An agent's send-message and a visitor's send-message with @text (already
 * JSON-escaped) as their text. */
static char *
agent_frame (const char *escaped_text)
{
  return g_strdup_printf ("{\"type\":\"send-message\",\"id\":\"r1\",\"body\":"
                          "{\"conversation_id\":1,\"client_id\":\"c1\",\"text\":\"%s\"}}", escaped_text);
}

static char *
visitor_frame (const char *escaped_text)
{
  return g_strdup_printf ("{\"type\":\"send-message\",\"id\":\"v1\",\"body\":"
                          "{\"client_id\":\"c1\",\"text\":\"%s\"}}", escaped_text);
}

static const char *
frame_text (const FdFrame *frame)
{
  if (frame->type == FD_FRAME_SEND_MESSAGE)
    return ((FdSendMessage *) frame->body)->text;
  return ((FdVisitorSend *) frame->body)->text;
}

/* @unit (escaped as @escaped_unit) FD_LIMIT_TEXT times decodes to that
 * text; once more is an invalid field, not a frame too large. */
static void
check_text_limit (const char *unit,
                  const char *escaped_unit)
{
  g_autofree char *text = fd_test_repeat (unit, FD_LIMIT_TEXT);
  g_autofree char *at_limit = fd_test_repeat (escaped_unit, FD_LIMIT_TEXT);
  g_autofree char *over = fd_test_repeat (escaped_unit, FD_LIMIT_TEXT + 1);
  char *(*builders[]) (const char *) = { agent_frame, visitor_frame };
  FdFrameSet sets[] = { FD_FRAMES_AGENT_CLIENT, FD_FRAMES_VISITOR_CLIENT };

  for (guint i = 0; i < G_N_ELEMENTS (builders); i++)
    {
      g_autofree char *ok_json = builders[i] (at_limit);
      g_autofree char *over_json = builders[i] (over);
      g_autoptr(GError) error = NULL;
      g_autoptr(FdFrame) frame = NULL;
      g_autoptr(FdFrame) refused = NULL;

      g_assert_cmpuint (strlen (ok_json), <=, FD_LIMIT_FRAME_SIZE);
      frame = fd_frame_decode (sets[i], ok_json, strlen (ok_json), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (frame_text (frame), ==, text);

      refused = fd_frame_decode (sets[i], over_json, strlen (over_json), &error);
      g_assert_null (refused);
      g_assert_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD);
    }
}

static void
test_text_limit_in_characters (void)
{
  /* The widest UTF-8 character, raw and escaped as a surrogate pair (the
   * most bytes any character can take in JSON). */
  check_text_limit (EMOJI, EMOJI);
  check_text_limit (EMOJI, EMOJI_ESCAPED);
  /* A control character, which JSON must escape. */
  check_text_limit ("\x01", "\\u0001");
  check_text_limit ("\x1f", "\\u001f");
}

/* A message with every field at its limit, every character one the server
 * writes escaped. */
static FdMessage *
full_message (const char *unit)
{
  FdMessage *msg = fd_message_new ();

  msg->id = G_MININT64;
  msg->organization_id = G_MININT64;
  msg->conversation_id = G_MININT64;
  msg->agent_id = G_MININT64;
  msg->direction = FD_DIRECTION_SYSTEM;
  msg->author_name = fd_test_repeat (unit, FD_LIMIT_NAME);
  msg->text = fd_test_repeat (unit, FD_LIMIT_TEXT);
  msg->client_id = fd_test_repeat (unit, FD_LIMIT_ID);
  msg->created_at = (gint64) 253402300799 * G_USEC_PER_SEC + 999999;  /* 9999-12-31T23:59:59.999999Z */
  msg->attachments = fd_attachment_list_new ();
  for (guint i = 0; i < FD_LIMIT_SMALL_ARRAY; i++)
    {
      FdAttachment *att = fd_attachment_new ();

      att->name = fd_test_repeat (unit, FD_LIMIT_NAME);
      att->url = fd_test_repeat (unit, FD_LIMIT_STRING);
      att->mime_type = fd_test_repeat (unit, FD_LIMIT_NAME);
      att->size = G_MININT64;
      g_ptr_array_add (msg->attachments, att);
    }
  msg->mail = fd_mail_headers_new ();
  msg->mail->from_name = fd_test_repeat (unit, FD_LIMIT_NAME);
  msg->mail->from = fd_test_repeat (unit, FD_LIMIT_NAME);
  msg->mail->to = g_new0 (char *, FD_LIMIT_SMALL_ARRAY + 1);
  msg->mail->cc = g_new0 (char *, FD_LIMIT_SMALL_ARRAY + 1);
  for (guint i = 0; i < FD_LIMIT_SMALL_ARRAY; i++)
    {
      msg->mail->to[i] = fd_test_repeat (unit, FD_LIMIT_STRING);
      msg->mail->cc[i] = fd_test_repeat (unit, FD_LIMIT_STRING);
    }
  msg->mail->subject = fd_test_repeat (unit, FD_LIMIT_STRING);
  msg->mail->date = msg->created_at;
  msg->delivery = fd_delivery_new ();
  msg->delivery->conversation_id = G_MININT64;
  msg->delivery->message_id = G_MININT64;
  msg->delivery->state = FD_DELIVERY_FAILED;
  msg->delivery->reason = fd_test_repeat (unit, FD_LIMIT_STRING);
  msg->delivery->attempts = G_MININT32;
  return msg;
}

static void
test_event_payload_bound (void)
{
  const char *units[] = { "\x01", "\x1f", "\x7f", EMOJI };
  gsize largest = 0;

  /* The bound computed from the tables is a real one: the fullest message
   * the server can write stays within it, and within the documented
   * constant. */
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      g_autoptr(FdMessage) msg = full_message (units[i]);
      g_autoptr(JsonNode) node = fd_message_to_json (msg);
      g_autoptr(FdFrame) frame = NULL;
      g_autoptr(FdFrame) decoded = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      gsize len = 0;
      g_autofree char *payload = fd_json_to_string (node, &len);
      (void) payload; /* held for its cleanup only */

      g_assert_cmpuint (len, <=, fd_codec_max_json_size (&fd_message_info));
      g_assert_cmpuint (len, <=, FD_LIMIT_EVENT_PAYLOAD);
      largest = MAX (largest, len);

      /* The event carrying it decodes on the other side. */
      frame = fd_frame_new_event (FD_FRAME_MESSAGE, G_MAXINT64, g_steal_pointer (&msg));
      text = fd_frame_encode (frame, &len);
      g_assert_cmpuint (len, <=, FD_LIMIT_SERVER_FRAME_SIZE);
      decoded = fd_frame_decode (FD_FRAMES_AGENT_SERVER, text, len, &error);
      g_assert_no_error (error);
      g_assert_true (fd_frame_equal (frame, decoded));
    }
  /* Control characters are the worst case the arithmetic assumes. */
  g_assert_cmpuint (largest, >, FD_LIMIT_MESSAGE_CHARS * (FD_JSON_CHAR_OUT_MAX - 1));

  /* Every event body but the snapshot (whose lists have no fixed bound)
   * fits the event payload limit. */
  for (FdFrameType type = 0; type < FD_FRAME_N_TYPES; type++)
    {
      const FdTypeInfo *info = fd_frame_type_get_body_info (type);

      if (fd_frame_type_get_role (type) != FD_FRAME_ROLE_EVENT || type == FD_FRAME_SNAPSHOT || info == NULL)
        continue;
      g_test_message ("%s: at most %" G_GSIZE_FORMAT " bytes", fd_frame_type_to_string (type),
                      fd_codec_max_json_size (info));
      g_assert_cmpuint (fd_codec_max_json_size (info), <=, FD_LIMIT_EVENT_PAYLOAD);
    }
  g_assert_cmpuint (FD_LIMIT_EVENT_PAYLOAD + FD_LIMIT_EVENT_ENVELOPE, <=, FD_LIMIT_SERVER_FRAME_SIZE);
}

/* Every control character the server writes comes back: json-glib writes
 * U+001F raw, which no JSON parser accepts. */
static void
test_control_characters_written_escaped (void)
{
  for (gunichar c = 1; c < 0x20; c++)
    {
      g_autoptr(FdVisitorSend) body = fd_visitor_send_new ();
      g_autoptr(FdFrame) frame = NULL;
      g_autoptr(FdFrame) decoded = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      char unit[2] = { (char) c, '\0' };
      gsize len;

      body->client_id = g_strdup ("c");
      body->text = g_strconcat ("a", unit, "b", NULL);
      frame = fd_frame_new (FD_FRAME_VISITOR_SEND_MESSAGE, g_steal_pointer (&body));
      text = fd_frame_encode (frame, &len);
      g_assert_cmpuint (strlen (text), ==, len);
      decoded = fd_frame_decode (FD_FRAMES_VISITOR_CLIENT, text, len, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (((FdVisitorSend *) decoded->body)->text, ==,
                       ((FdVisitorSend *) frame->body)->text);
    }
}

static void
assert_peek (const char *json,
             const char *expected)
{
  g_autofree char *id = fd_json_peek_string_member (json, strlen (json), "id");

  g_assert_cmpstr (id, ==, expected);
}

static void
test_peek_id (void)
{
  g_autofree char *open = fd_test_repeat ("[", FD_LIMIT_DEPTH + 1);
  g_autofree char *close = fd_test_repeat ("]", FD_LIMIT_DEPTH + 1);
  g_autofree char *obj_open = fd_test_repeat ("{\"id\":", FD_LIMIT_DEPTH + 1);
  g_autofree char *obj_close = fd_test_repeat ("}", FD_LIMIT_DEPTH + 1);
  g_autofree char *before = g_strdup_printf ("{\"type\":\"ping\",\"id\":\"d1\",\"x\":%s%s}", open, close);
  g_autofree char *after = g_strdup_printf ("{\"x\":%s%s,\"type\":\"ping\",\"id\":\"d2\"}", open, close);
  g_autofree char *nested_ids = g_strdup_printf ("{\"x\":%s\"inner\"%s,\"id\":\"d3\",\"y\":1}", obj_open, obj_close);
  g_autofree char *only_inner = g_strdup_printf ("{\"x\":%s\"inner\"%s}", obj_open, obj_close);
  g_autofree char *huge_open = fd_test_repeat ("[", 1000000);
  g_autofree char *huge = g_strdup_printf ("{\"id\":\"d4\",\"x\":%s", huge_open);
  g_autofree char *huge_first = g_strdup_printf ("{\"x\":%s", huge_open);

  assert_peek (before, "d1");
  assert_peek (after, "d2");
  /* Only the top level's "id" counts. */
  assert_peek (nested_ids, "d3");
  assert_peek (only_inner, NULL);
  /* A million open brackets: no recursion, no stack to run out of. */
  assert_peek (huge, "d4");
  assert_peek (huge_first, NULL);

  /* Strings with brackets, quotes and escapes are skipped as strings. */
  assert_peek ("{\"a\":\"]}\\\"{[\",\"b\":[\"}\",{\"id\":\"no\"}],\"id\":\"e\\u0301\"}", "e\xcc\x81");
  assert_peek ("{\"n\":-1.5e3,\"t\":true,\"z\":null,\"id\":\"n1\"}", "n1");
  /* Like the parser: the last of duplicates wins, a non-string is none. */
  assert_peek ("{\"id\":\"first\",\"id\":\"second\"}", "second");
  assert_peek ("{\"id\":\"first\",\"id\":7}", NULL);
  assert_peek ("{\"id\":7}", NULL);
  assert_peek ("{\"id\":{\"id\":\"x\"}}", NULL);
  /* Text that is not JSON before the id hides it; after it, it does not. */
  assert_peek ("{\"a\" 1,\"id\":\"x\"}", NULL);
  assert_peek ("{\"id\":\"x\",\"a\" 1}", "x");
  assert_peek ("{\"id\":\"unterminated", NULL);
  assert_peek ("[{\"id\":\"x\"}]", NULL);
  assert_peek ("", NULL);
  assert_peek ("{}", NULL);
  assert_peek ("{\"a\":]", NULL);
}

/* A frame nested too deeply is refused as too large, and its id is read
 * for the error frame. */
static void
test_too_deep_error_keeps_id (void)
{
  g_autofree char *open = fd_test_repeat ("{\"a\":", FD_LIMIT_DEPTH + 5);
  g_autofree char *close = fd_test_repeat ("}", FD_LIMIT_DEPTH + 5);
  g_autofree char *json = g_strdup_printf ("{\"type\":\"reserve\",\"body\":%s1%s,\"id\":\"deep-7\"}", open, close);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) frame = fd_frame_decode (FD_FRAMES_AGENT_CLIENT, json, strlen (json), &error);
  g_autofree char *id = NULL;
  g_autoptr(FdFrame) reply = NULL;
  g_autoptr(FdFrame) back = NULL;
  g_autofree char *text = NULL;
  gsize len;

  g_assert_null (frame);
  g_assert_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_TOO_DEEP);
  id = fd_json_peek_string_member (json, strlen (json), "id");
  g_assert_cmpstr (id, ==, "deep-7");
  reply = fd_frame_new_error_from_gerror (FD_FRAME_ERROR, id, error);
  text = fd_frame_encode (reply, &len);
  g_clear_error (&error);
  back = fd_frame_decode (FD_FRAMES_AGENT_SERVER, text, len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->id, ==, "deep-7");
  g_assert_cmpint (((FdErrorBody *) back->body)->code, ==, FD_WIRE_ERROR_TOO_LARGE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/limits/text-in-characters", test_text_limit_in_characters);
  g_test_add_func ("/protocol/limits/event-payload-bound", test_event_payload_bound);
  g_test_add_func ("/protocol/limits/control-characters-escaped", test_control_characters_written_escaped);
  g_test_add_func ("/protocol/limits/peek-id", test_peek_id);
  g_test_add_func ("/protocol/limits/too-deep-keeps-id", test_too_deep_error_keeps_id);

  return g_test_run ();
}
