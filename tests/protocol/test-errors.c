#define G_LOG_DOMAIN "fd-test"

#include <string.h>

#include "fd-protocol.h"
#include "fd-test-fill.h"

typedef struct {
  const char     *name;
  FdFrameSet      set;
  const char     *text;
  FdProtocolError code;
} BadFrame;

#define AC FD_FRAMES_AGENT_CLIENT
#define AS FD_FRAMES_AGENT_SERVER
#define VC FD_FRAMES_VISITOR_CLIENT

static const BadFrame bad_frames[] = {
  { "not-json", AC, "{\"type\": \"join\", ", FD_PROTOCOL_ERROR_MALFORMED },
  { "garbage", AC, "hello?", FD_PROTOCOL_ERROR_MALFORMED },
  { "empty", AC, "", FD_PROTOCOL_ERROR_MALFORMED },
  { "whitespace", AC, "   ", FD_PROTOCOL_ERROR_MALFORMED },
  { "array-root", AC, "[1, 2]", FD_PROTOCOL_ERROR_MALFORMED },
  { "string-root", AC, "\"join\"", FD_PROTOCOL_ERROR_MALFORMED },
  { "trailing-text", AC, "{\"type\": \"ping\", \"id\": \"1\"}{\"type\": \"ping\"}", FD_PROTOCOL_ERROR_MALFORMED },
  { "comment", AC, "{\"type\": \"ping\", /* hi */ \"id\": \"1\"}", FD_PROTOCOL_ERROR_MALFORMED },
  { "single-quotes", AC, "{'type': 'ping', 'id': '1'}", FD_PROTOCOL_ERROR_MALFORMED },
  { "trailing-comma", AC, "{\"type\": \"ping\", \"id\": \"1\",}", FD_PROTOCOL_ERROR_MALFORMED },
  { "leading-zero", AC, "{\"type\": \"ping\", \"id\": \"1\", \"n\": 012}", FD_PROTOCOL_ERROR_MALFORMED },
  { "bare-point", AC, "{\"type\": \"ping\", \"id\": \"1\", \"n\": 1.}", FD_PROTOCOL_ERROR_MALFORMED },
  { "nan", AC, "{\"type\": \"ping\", \"id\": \"1\", \"n\": NaN}", FD_PROTOCOL_ERROR_MALFORMED },
  { "truncated-true", AC, "{\"type\": \"ping\", \"id\": \"1\", \"n\": tru}", FD_PROTOCOL_ERROR_MALFORMED },
  { "missing-colon", AC, "{\"type\" \"ping\"}", FD_PROTOCOL_ERROR_MALFORMED },
  { "unquoted-name", AC, "{type: \"ping\"}", FD_PROTOCOL_ERROR_MALFORMED },
  { "int-beyond-64-bits", AC, "{\"type\": \"reserve\", \"id\": \"1\", \"body\": {\"conversation_id\": 99999999999999999999}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "no-type", AC, "{\"id\": \"1\"}", FD_PROTOCOL_ERROR_MALFORMED },
  { "type-not-string", AC, "{\"type\": 3, \"id\": \"1\"}", FD_PROTOCOL_ERROR_MALFORMED },
  { "unknown-type", AC, "{\"type\": \"launch-rockets\", \"id\": \"1\"}", FD_PROTOCOL_ERROR_UNKNOWN_TYPE },
  { "unknown-visitor-type", VC, "{\"type\": \"set-acd\"}", FD_PROTOCOL_ERROR_UNKNOWN_TYPE },
  { "request-without-id", AC, "{\"type\": \"join\", \"body\": {\"queue_id\": 1}}", FD_PROTOCOL_ERROR_MISSING_FIELD },
  { "id-not-string", AC, "{\"type\": \"join\", \"id\": 5, \"body\": {\"queue_id\": 1}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "id-empty", AC, "{\"type\": \"join\", \"id\": \"\", \"body\": {\"queue_id\": 1}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "event-without-seq", AS, "{\"type\": \"withdraw\", \"body\": {\"conversation_id\": 1, \"reason\": \"bounced\"}}", FD_PROTOCOL_ERROR_MISSING_FIELD },
  { "seq-negative", AS, "{\"type\": \"withdraw\", \"seq\": -4, \"body\": {\"conversation_id\": 1, \"reason\": \"bounced\"}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "seq-string", AS, "{\"type\": \"withdraw\", \"seq\": \"4\", \"body\": {\"conversation_id\": 1, \"reason\": \"bounced\"}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "ack-without-for", AS, "{\"type\": \"ack\", \"id\": \"1\"}", FD_PROTOCOL_ERROR_MISSING_FIELD },
  { "ack-for-event", AS, "{\"type\": \"ack\", \"id\": \"1\", \"for\": \"offer\"}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "missing-body-field", AC, "{\"type\": \"join\", \"id\": \"1\", \"body\": {}}", FD_PROTOCOL_ERROR_MISSING_FIELD },
  { "missing-body", AC, "{\"type\": \"reserve\", \"id\": \"1\"}", FD_PROTOCOL_ERROR_MISSING_FIELD },
  { "null-required", AC, "{\"type\": \"reserve\", \"id\": \"1\", \"body\": {\"conversation_id\": null}}", FD_PROTOCOL_ERROR_MISSING_FIELD },
  { "body-not-object", AC, "{\"type\": \"reserve\", \"id\": \"1\", \"body\": [42]}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "int-as-string", AC, "{\"type\": \"reserve\", \"id\": \"1\", \"body\": {\"conversation_id\": \"42\"}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "int-as-float", AC, "{\"type\": \"reserve\", \"id\": \"1\", \"body\": {\"conversation_id\": 42.5}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "int-out-of-range", VC, "{\"type\": \"rate\", \"body\": {\"rating\": 4294967296}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "bool-as-int", AC, "{\"type\": \"typing\", \"id\": \"1\", \"body\": {\"conversation_id\": 1, \"typing\": 1}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "string-as-number", AC, "{\"type\": \"send-message\", \"id\": \"1\", \"body\": {\"conversation_id\": 1, \"client_id\": 7}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "strv-element", AC, "{\"type\": \"send-message\", \"id\": \"1\", \"body\": {\"conversation_id\": 1, \"client_id\": \"c\", \"to\": [\"a@b\", 3]}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "object-array-element", AC, "{\"type\": \"send-message\", \"id\": \"1\", \"body\": {\"conversation_id\": 1, \"client_id\": \"c\", \"attachments\": [\"x\"]}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "nested-missing", AC, "{\"type\": \"send-message\", \"id\": \"1\", \"body\": {\"conversation_id\": 1, \"client_id\": \"c\", \"attachments\": [{\"url\": \"/f/1\"}]}}", FD_PROTOCOL_ERROR_MISSING_FIELD },
  { "nested-wrong-type", AS, "{\"type\": \"conversation\", \"seq\": 3, \"body\": {\"contact\": {\"name\": false}}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "bad-enum", AC, "{\"type\": \"set-acd\", \"id\": \"1\", \"body\": {\"state\": \"asleep\"}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "enum-not-string", AC, "{\"type\": \"set-acd\", \"id\": \"1\", \"body\": {\"state\": 0}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "bad-timestamp", AS, "{\"type\": \"conversation\", \"seq\": 3, \"body\": {\"created_at\": \"last tuesday\"}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "timestamp-no-offset", AS, "{\"type\": \"conversation\", \"seq\": 3, \"body\": {\"created_at\": \"2026-11-18T11:06:40\"}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "timestamp-number", AS, "{\"type\": \"conversation\", \"seq\": 3, \"body\": {\"created_at\": 1795000000}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "timestamp-bad-month", AS, "{\"type\": \"conversation\", \"seq\": 3, \"body\": {\"created_at\": \"2026-13-01T00:00:00Z\"}}", FD_PROTOCOL_ERROR_INVALID_FIELD },
  { "invalid-utf8", VC, "{\"type\": \"send-message\", \"body\": {\"client_id\": \"c\", \"text\": \"caf\xc3\x28\"}}", FD_PROTOCOL_ERROR_MALFORMED },
  { "lone-low-surrogate", VC, "{\"type\": \"send-message\", \"body\": {\"client_id\": \"c\", \"text\": \"\\udc00\"}}", FD_PROTOCOL_ERROR_MALFORMED },
  { "truncated-escape", VC, "{\"type\": \"send-message\", \"body\": {\"client_id\": \"c\", \"text\": \"\\ud8\"}}", FD_PROTOCOL_ERROR_MALFORMED },
  { "unknown-escape", VC, "{\"type\": \"send-message\", \"body\": {\"client_id\": \"c\", \"text\": \"\\x41\"}}", FD_PROTOCOL_ERROR_MALFORMED },
  { "escaped-nul", VC, "{\"type\": \"send-message\", \"body\": {\"client_id\": \"c\", \"text\": \"a\\u0000b\"}}", FD_PROTOCOL_ERROR_MALFORMED },
  { "raw-control-char", VC, "{\"type\": \"send-message\", \"body\": {\"client_id\": \"c\", \"text\": \"a\tb\"}}", FD_PROTOCOL_ERROR_MALFORMED },
  { "overlong-utf8", VC, "{\"type\": \"send-message\", \"body\": {\"client_id\": \"c\", \"text\": \"\xc0\xaf\"}}", FD_PROTOCOL_ERROR_MALFORMED },
};

static void
test_bad_frame (gconstpointer data)
{
  const BadFrame *bad = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) frame = fd_frame_decode (bad->set, bad->text, strlen (bad->text), &error);

  g_assert_null (frame);
  g_assert_error (error, FD_PROTOCOL_ERROR, (gint) bad->code);
  /* Errors are sentences for a person. */
  g_assert_true (g_ascii_isupper (error->message[0]));
  g_assert_true (g_str_has_suffix (error->message, "."));
}

static void
assert_decode_error (FdFrameSet      set,
                     const char     *text,
                     gsize           len,
                     FdProtocolError code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) frame = fd_frame_decode (set, text, len, &error);

  g_assert_null (frame);
  g_assert_error (error, FD_PROTOCOL_ERROR, (gint) code);
}

static void
test_too_large (void)
{
  g_autofree char *pad = fd_test_repeat ("x", FD_LIMIT_FRAME_SIZE);
  g_autofree char *text = g_strdup_printf ("{\"type\":\"ping\",\"id\":\"1\",\"pad\":\"%s\"}", pad);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) frame = NULL;

  assert_decode_error (FD_FRAMES_AGENT_CLIENT, text, strlen (text), FD_PROTOCOL_ERROR_TOO_LARGE);
  assert_decode_error (FD_FRAMES_VISITOR_CLIENT, text, strlen (text), FD_PROTOCOL_ERROR_TOO_LARGE);
  /* The server may send larger frames (snapshots). */
  {
    const char *pong = "{\"type\":\"pong\",\"id\":\"1\"}";

    frame = fd_frame_decode (FD_FRAMES_AGENT_SERVER, pong, strlen (pong), &error);
  }
  g_assert_no_error (error);
  g_clear_pointer (&frame, fd_frame_free);
  {
    g_autofree char *pong = g_strdup_printf ("{\"type\":\"pong\",\"id\":\"1\",\"pad\":\"%s\"}", pad);

    frame = fd_frame_decode (FD_FRAMES_AGENT_SERVER, pong, strlen (pong), &error);
    g_assert_no_error (error);
    g_assert_cmpint (frame->type, ==, FD_FRAME_PONG);
  }
}

static void
test_string_limits (void)
{
  g_autofree char *ok_text = fd_test_repeat ("é", FD_LIMIT_TEXT);
  g_autofree char *long_text = fd_test_repeat ("é", FD_LIMIT_TEXT + 1);
  g_autofree char *ok = g_strdup_printf ("{\"type\":\"send-message\",\"body\":{\"client_id\":\"c\",\"text\":\"%s\"}}", ok_text);
  g_autofree char *bad = g_strdup_printf ("{\"type\":\"send-message\",\"body\":{\"client_id\":\"c\",\"text\":\"%s\"}}", long_text);
  g_autofree char *long_name = fd_test_repeat ("n", FD_LIMIT_NAME + 1);
  g_autofree char *bad_name = g_strdup_printf ("{\"type\":\"agent-joined\",\"body\":{\"name\":\"%s\"}}", long_name);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) frame = NULL;

  /* The limit counts characters, not bytes. */
  frame = fd_frame_decode (FD_FRAMES_VISITOR_CLIENT, ok, strlen (ok), &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_utf8_strlen (((FdVisitorSend *) frame->body)->text, -1), ==, FD_LIMIT_TEXT);
  assert_decode_error (FD_FRAMES_VISITOR_CLIENT, bad, strlen (bad), FD_PROTOCOL_ERROR_INVALID_FIELD);
  assert_decode_error (FD_FRAMES_VISITOR_SERVER, bad_name, strlen (bad_name), FD_PROTOCOL_ERROR_INVALID_FIELD);
}

static void
test_array_limits (void)
{
  g_autofree char *items = fd_test_repeat ("\"a@example.com\",", FD_LIMIT_SMALL_ARRAY);
  g_autofree char *text = NULL;

  items[strlen (items) - 1] = '\0';
  text = g_strdup_printf ("{\"type\":\"send-message\",\"id\":\"1\",\"body\":{\"conversation_id\":1,"
                          "\"client_id\":\"c\",\"to\":[%s,\"one-too-many@example.com\"]}}", items);
  assert_decode_error (FD_FRAMES_AGENT_CLIENT, text, strlen (text), FD_PROTOCOL_ERROR_TOO_LARGE);
}

static void
test_too_deep (void)
{
  g_autofree char *open = fd_test_repeat ("[", FD_LIMIT_DEPTH + 1);
  g_autofree char *close = fd_test_repeat ("]", FD_LIMIT_DEPTH + 1);
  g_autofree char *deep = g_strdup_printf ("{\"type\":\"ping\",\"id\":\"1\",\"x\":%s%s}", open, close);
  g_autofree char *huge_open = fd_test_repeat ("{\"a\":", 100000);
  g_autofree char *shallow_open = fd_test_repeat ("[", FD_LIMIT_DEPTH - 2);
  g_autofree char *shallow_close = fd_test_repeat ("]", FD_LIMIT_DEPTH - 2);
  g_autofree char *shallow = g_strdup_printf ("{\"type\":\"ping\",\"id\":\"1\",\"x\":%s%s}", shallow_open, shallow_close);
  g_autofree char *in_string = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) frame = NULL;

  assert_decode_error (FD_FRAMES_AGENT_CLIENT, deep, strlen (deep), FD_PROTOCOL_ERROR_TOO_DEEP);
  /* Far deeper than a parser's stack could take: refused before parsing. */
  assert_decode_error (FD_FRAMES_AGENT_SERVER, huge_open, strlen (huge_open), FD_PROTOCOL_ERROR_TOO_DEEP);

  /* Within the limit, unknown members are ignored. */
  frame = fd_frame_decode (FD_FRAMES_AGENT_CLIENT, shallow, strlen (shallow), &error);
  g_assert_no_error (error);
  g_clear_pointer (&frame, fd_frame_free);

  /* Brackets and escaped quotes inside strings do not count. */
  in_string = g_strdup_printf ("{\"type\":\"ping\",\"id\":\"\\\"%s\"}", open);
  frame = fd_frame_decode (FD_FRAMES_AGENT_CLIENT, in_string, strlen (in_string), &error);
  g_assert_no_error (error);
  g_assert_cmpint (frame->type, ==, FD_FRAME_PING);
}

static void
test_nul_and_surrogates (void)
{
  const char with_nul[] = "{\"type\":\"ping\",\"id\":\"1\"}\0{}";
  const char *lone = "{\"type\":\"send-message\",\"body\":{\"client_id\":\"c\",\"text\":\"a\\ud800b\"}}";
  const char *pair = "{\"type\":\"send-message\",\"body\":{\"client_id\":\"c\",\"text\":\"a\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\tb\"}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) frame = NULL;

  assert_decode_error (FD_FRAMES_AGENT_CLIENT, with_nul, sizeof with_nul - 1, FD_PROTOCOL_ERROR_MALFORMED);

  /* A lone surrogate escape is not text. */
  assert_decode_error (FD_FRAMES_VISITOR_CLIENT, lone, strlen (lone), FD_PROTOCOL_ERROR_MALFORMED);

  /* A surrogate pair is, and so are the other escapes. */
  frame = fd_frame_decode (FD_FRAMES_VISITOR_CLIENT, pair, strlen (pair), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((FdVisitorSend *) frame->body)->text, ==, "a\xf0\x9f\x98\x80\"\\/\b\f\n\r\tb");
}

/* What strict JSON allows decodes, whitespace and number forms included. */
static void
test_valid_json_forms (void)
{
  const char *text = " \r\n\t{ \"type\" : \"reserve\" , \"id\" : \"x\\u00e9\" ,"
                     " \"extra\" : [ -0.5e+3 , 1E2 , true , false , null , { } , [ ] ] ,"
                     " \"body\" : { \"conversation_id\" : -9223372036854775808 } } \n";
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) frame = fd_frame_decode (FD_FRAMES_AGENT_CLIENT, text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (frame->id, ==, "x\xc3\xa9");
  g_assert_cmpint (((FdConversationRef *) frame->body)->conversation_id, ==, G_MININT64);
}

/* Entities decode with typed errors too, from any JSON node. */
static void
test_entity_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) array = json_from_string ("[]", NULL);
  g_autoptr(JsonNode) wrong = json_from_string ("{\"strategy\": \"random\"}", NULL);
  g_autoptr(JsonNode) ids = json_from_string ("{\"agent_ids\": [1, \"2\"]}", NULL);
  g_autoptr(JsonNode) ok = json_from_string ("{\"strategy\": \"circular\", \"agent_ids\": [4]}", NULL);
  g_autoptr(FdPhase) phase = NULL;

  phase = fd_phase_from_json (array, &error);
  g_assert_null (phase);
  g_assert_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED);
  g_clear_error (&error);

  phase = fd_phase_from_json (wrong, &error);
  g_assert_null (phase);
  g_assert_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD);
  g_assert_nonnull (strstr (error->message, "strategy"));
  g_clear_error (&error);

  phase = fd_phase_from_json (ids, &error);
  g_assert_null (phase);
  g_assert_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD);
  g_assert_nonnull (strstr (error->message, "agent_ids[1]"));
  g_clear_error (&error);

  phase = fd_phase_from_json (ok, &error);
  g_assert_no_error (error);
  g_assert_cmpint (phase->strategy, ==, FD_STRATEGY_CIRCULAR);
  g_assert_cmpint (g_array_index (phase->agent_ids, gint64, 0), ==, 4);
}

/* The HTTP status of every wire error, as the table in docs/protocol.md
 * gives it: one mapping used by every HTTP API of the server. */
static void
test_wire_error_http_status (void)
{
  static const struct { const char *code; guint status; } table[] = {
    { "malformed", 400 }, { "unknown-type", 400 }, { "invalid-field", 400 },
    { "too-large", 413 }, { "unauthorized", 401 }, { "forbidden", 403 },
    { "not-found", 404 }, { "conflict", 409 }, { "invalid-state", 409 },
    { "rate-limited", 429 }, { "stream-inactive", 404 }, { "internal", 500 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      FdWireError code;

      g_assert_true (fd_wire_error_from_string (table[i].code, &code));
      g_assert_cmpuint (fd_wire_error_get_http_status (code), ==, table[i].status);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad_frames); i++)
    {
      g_autofree char *path = g_strdup_printf ("/protocol/bad-frame/%s", bad_frames[i].name);

      g_test_add_data_func (path, &bad_frames[i], test_bad_frame);
    }
  g_test_add_func ("/protocol/limits/too-large", test_too_large);
  g_test_add_func ("/protocol/limits/strings", test_string_limits);
  g_test_add_func ("/protocol/limits/arrays", test_array_limits);
  g_test_add_func ("/protocol/limits/too-deep", test_too_deep);
  g_test_add_func ("/protocol/nul-and-surrogates", test_nul_and_surrogates);
  g_test_add_func ("/protocol/entity-errors", test_entity_errors);
  g_test_add_func ("/protocol/valid-json-forms", test_valid_json_forms);
  g_test_add_func ("/protocol/wire-error-http-status", test_wire_error_http_status);

  return g_test_run ();
}
