#define G_LOG_DOMAIN "fd-fuzz"

/* libFuzzer target: what the visitor API reads from a page it does not
 * trust, without a SoupServer. Every input is, in turn, the body of
 * POST /sessions and of POST /callbacks, a visitor websocket frame, and the
 * Origin and User-Agent headers. A body is either a request within every
 * limit or a typed protocol error; anything else aborts. */

#include <string.h>

#include "fd-visitor-api.h"
#include "fd-visitor-request.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_refusal (const GError *error)
{
  if (error == NULL || error->domain != FD_PROTOCOL_ERROR || error->message[0] == '\0')
    g_error ("A request was refused without a protocol error.");
  /* Bad input is the client's fault: a 4xx answer, never "internal". */
  if (fd_wire_error_from_gerror (error) == FD_WIRE_ERROR_INTERNAL)
    g_error ("A request was refused as a server failure: %s", error->message);
}

static void
check_string (const char *value,
              guint       max_chars,
              gboolean    required)
{
  if (value == NULL)
    {
      if (required)
        g_error ("A required field was left unset.");
      return;
    }
  if (!g_utf8_validate (value, -1, NULL) || g_utf8_strlen (value, -1) > (glong) max_chars)
    g_error ("A field is not text within its limit.");
}

/* What a handler would answer must itself be valid JSON the widget reads. */
static void
check_round_trip (JsonNode         *node,
                  const FdTypeInfo *info)
{
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  g_autofree char *text = fd_json_to_string (node, &len);
  g_autoptr(JsonNode) back = fd_json_parse (text, len, FD_LIMIT_SERVER_FRAME_SIZE, &error);
  gpointer decoded;

  if (back == NULL)
    g_error ("An accepted request does not encode to JSON: %s", error->message);
  decoded = fd_codec_from_json (info, back, &error);
  if (decoded == NULL)
    g_error ("An accepted request does not decode again: %s", error->message);
  fd_codec_free (info, decoded);
}

static void
fuzz_session (const char *data,
              gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdVisitorSessionRequest) request = fd_visitor_request_parse_session (data, size, &error);
  g_autoptr(JsonNode) node = NULL;

  if (request == NULL)
    {
      check_refusal (error);
      return;
    }
  check_string (request->stream_key, FD_LIMIT_ID, TRUE);
  check_string (request->name, FD_LIMIT_NAME, FALSE);
  check_string (request->email, FD_LIMIT_NAME, FALSE);
  check_string (request->phone, FD_LIMIT_NAME, FALSE);
  check_string (request->department, FD_LIMIT_NAME, FALSE);
  check_string (request->page_url, FD_LIMIT_STRING, FALSE);
  node = fd_visitor_session_request_to_json (request);
  check_round_trip (node, &fd_visitor_session_request_info);
}

static void
fuzz_callback (const char *data,
               gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdCallbackRequest) request = fd_visitor_request_parse_callback (data, size, &error);
  g_autoptr(JsonNode) node = NULL;

  if (request == NULL)
    {
      check_refusal (error);
      return;
    }
  check_string (request->stream_key, FD_LIMIT_ID, TRUE);
  check_string (request->number, FD_LIMIT_NAME, TRUE);
  if (request->number[0] == '\0' || g_ascii_isspace (request->number[0]) ||
      g_ascii_isspace (request->number[strlen (request->number) - 1]))
    g_error ("A callback number was accepted blank or unstripped.");
  check_string (request->name, FD_LIMIT_NAME, FALSE);
  check_string (request->department, FD_LIMIT_NAME, FALSE);
  check_string (request->preferred_time, FD_LIMIT_NAME, FALSE);
  node = fd_callback_request_to_json (request);
  check_round_trip (node, &fd_callback_request_info);
}

/* As the visitor socket does: decode, and on failure read the id for the
 * error frame. */
static void
fuzz_frame (const char *data,
            gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) frame = fd_frame_decode (FD_FRAMES_VISITOR_CLIENT, data, size, &error);
  g_autofree char *id = NULL;
  g_autoptr(FdFrame) reply = NULL;
  g_autofree char *text = NULL;

  if (frame != NULL)
    return;
  check_refusal (error);
  if (fd_json_check_bytes (data, size, FD_LIMIT_FRAME_SIZE, NULL))
    id = fd_json_peek_string_member (data, size, "id");
  if (id != NULL && (*id == '\0' || g_utf8_strlen (id, -1) > FD_LIMIT_ID))
    g_clear_pointer (&id, g_free);
  reply = fd_frame_new_error_from_gerror (FD_FRAME_VISITOR_ERROR, id, error);
  text = fd_frame_encode (reply, NULL);
  g_clear_error (&error);
  g_clear_pointer (&reply, fd_frame_free);
  reply = fd_frame_decode (FD_FRAMES_VISITOR_SERVER, text, strlen (text), &error);
  if (reply == NULL)
    g_error ("The error frame answering a bad frame does not decode: %s", error->message);
  if (g_strcmp0 (reply->id, id) != 0)
    g_error ("The error frame lost the request's id.");
}

/* Header values arrive as any bytes but NUL. */
static void
fuzz_headers (const char *data,
              gsize       size)
{
  g_autofree char *value = g_strndup (data, size);
  g_autoptr(FdStream) open_stream = fd_stream_new ();
  g_autoptr(FdStream) listed = fd_stream_new ();
  const char *origins[] = { value, "https://shop.example", NULL };
  g_autofree char *browser = NULL;
  g_autofree char *os = NULL;

  fd_visitor_parse_user_agent (value, &browser, &os);
  /* An unknown browser or system has no name (NULL), never an empty one. */
  if ((browser != NULL && *browser == '\0') || (os != NULL && *os == '\0'))
    g_error ("A User-Agent gave an empty browser or system name.");
  /* A stream that names no origin takes any. */
  if (!fd_visitor_origin_allowed (open_stream, value))
    g_error ("A stream without allowed origins refused one.");
  listed->allowed_origins = g_strdupv ((char **) origins);
  (void) fd_visitor_origin_allowed (listed, value);
  (void) fd_visitor_origin_allowed (listed, "https://SHOP.example:443");
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *text = (const char *) data;

  fuzz_session (text, size);
  fuzz_callback (text, size);
  fuzz_frame (text, size);
  fuzz_headers (text, size);
  return 0;
}
