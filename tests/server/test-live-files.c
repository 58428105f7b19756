/* Tests of uploaded files (src/server/api/fd-files-api.c) against a real
 * frontdeskd: agent uploads into a reserved conversation, administrators'
 * uploads, downloads and their headers, refusals, attachments in
 * send-message, and what a restart keeps and removes. */

#include "fd-test-client.h"
#include "fd-test-server.h"

#include <glib/gstdio.h>
#include <string.h>

#define MAX_SIZE (10 * 1024 * 1024)

static const char site[] =
  "{\"format\":\"frontdesk-site\",\"version\":1,"
  "\"organization\":{\"name\":\"Files Test\",\"reserve_acd\":\"keep\"},"
  "\"agents\":["
  "{\"email\":\"ann@files.example\",\"name\":\"Ann\",\"role\":\"agent\",\"password\":\"ann-password\"},"
  "{\"email\":\"bob@files.example\",\"name\":\"Bob\",\"role\":\"agent\",\"password\":\"bob-password\"}],"
  "\"queues\":[{\"name\":\"Chat\",\"members\":[\"ann@files.example\",\"bob@files.example\"]}],"
  "\"streams\":[{\"kind\":\"webchat\",\"name\":\"Chat\",\"queue\":\"Chat\",\"key\":\"files-chat\","
  "\"departments\":[],\"allowed_origins\":[],"
  "\"phases\":[{\"strategy\":\"ring-all\",\"agents\":[],\"bounce_seconds\":0,\"duration_seconds\":0}]}]}";

static const char other_site[] =
  "{\"format\":\"frontdesk-site\",\"version\":1,"
  "\"organization\":{\"name\":\"Elsewhere\",\"reserve_acd\":\"keep\"},"
  "\"agents\":["
  "{\"email\":\"eve@elsewhere.example\",\"name\":\"Eve\",\"role\":\"agent\",\"password\":\"eve-password\"}],"
  "\"queues\":[{\"name\":\"Desk\",\"members\":[\"eve@elsewhere.example\"]}],"
  "\"streams\":[]}";

typedef struct {
  FdTestServer  *server;
  gint64         org_id;
  gint64         queue_id;
  FdTestAgent   *ann;
  FdTestVisitor *visitor;
  gint64         conv_id;
} Fixture;

/* One HTTP answer: status, headers and body. */
typedef struct {
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
} Answer;

static void
answer_free (Answer *answer)
{
  g_clear_pointer (&answer->headers, soup_message_headers_unref);
  g_clear_pointer (&answer->body, g_bytes_unref);
  g_free (answer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Answer, answer_free)

/* Sends @body (NULL = none) with @content_type; @chunked sends it without a
 * Content-Length. */
static Answer *
http (Fixture    *f,
      const char *token,
      const char *method,
      const char *path,
      const char *content_type,
      GBytes     *body,
      gboolean    chunked)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (fd_test_server_get_url (f->server), path, NULL);
  Answer *answer = g_new0 (Answer, 1);

  msg = fd_test_http_message_new (method, url, token, NULL, NULL);
  if (body != NULL && chunked)
    {
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (body);

      soup_message_set_request_body (msg, content_type, stream, -1);
    }
  else if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, fd_test_on_done_cb, &result);
  fd_test_wait (fd_test_has_result, &result, 20000, "the HTTP answer");
  answer->body = soup_session_send_and_read_finish (session, result, &error);
  /* The server may close the connection after refusing a body it did not read. */
  if (answer->body == NULL)
    answer->body = g_bytes_new (NULL, 0);
  answer->status = soup_message_get_status (msg);
  answer->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return answer;
}

static JsonObject *
answer_object (Answer     *answer,
               JsonNode  **out_node)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (answer->body, &size);
  g_autoptr(GError) error = NULL;

  *out_node = json_from_string (size > 0 ? data : "null", &error);
  g_assert_no_error (error);
  g_assert_nonnull (*out_node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*out_node));
  return json_node_get_object (*out_node);
}

static void
assert_error (Answer     *answer,
              guint       status,
              const char *code)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *obj;

  g_assert_cmpuint (answer->status, ==, status);
  obj = answer_object (answer, &node);
  g_assert_cmpstr (json_object_get_string_member_with_default (obj, "code", ""), ==, code);
  g_assert_cmpstr (json_object_get_string_member_with_default (obj, "message", ""), !=, "");
}

static char *
upload_path (gint64      conversation_id,
             const char *name)
{
  g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);

  return g_strdup_printf ("/api/agent/v1/files?conversation_id=%" G_GINT64_FORMAT "&name=%s",
                          conversation_id, escaped);
}

/* Uploads as @agent and returns the attachment of the 201 answer. */
static FdAttachment *
upload_ok (Fixture     *f,
           FdTestAgent *agent,
           const char  *name,
           const char  *content_type,
           GBytes      *bytes)
{
  g_autofree char *path = upload_path (f->conv_id, name);
  g_autoptr(Answer) answer = http (f, agent->token, "POST", path, content_type, bytes, FALSE);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  FdAttachment *attachment;

  g_assert_cmpuint (answer->status, ==, 201);
  answer_object (answer, &node);
  attachment = fd_attachment_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_nonnull (attachment);
  return attachment;
}

static FdSendMessage *
send_with_attachment (gint64      conversation_id,
                      const char *client_id,
                      const char *url)
{
  FdSendMessage *send = fd_send_message_new ();
  FdAttachment *attachment = fd_attachment_new ();

  send->conversation_id = conversation_id;
  send->client_id = g_strdup (client_id);
  attachment->name = g_strdup ("file.txt");
  attachment->url = g_strdup (url);
  send->attachments = fd_attachment_list_new ();
  g_ptr_array_add (send->attachments, attachment);
  return send;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server = fd_test_server_new_started ();
  f->org_id = fd_test_admin_import_site (f->server, site);
  f->queue_id = fd_test_admin_find_id (f->server, f->org_id, "queues", "Chat");

  f->ann = fd_test_agent_sign_in_and_join (f->server, "ann@files.example", "ann-password", f->queue_id, NULL);

  f->visitor = fd_test_agent_reserve_new_chat (f->ann, f->server, "files-chat", "Vera");
  f->conv_id = f->visitor->conversation_id;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->visitor, fd_test_visitor_free);
  g_clear_pointer (&f->ann, fd_test_agent_free);
  fd_test_server_free (f->server);
}

static void
assert_download (Fixture            *f,
                 const FdAttachment *attachment,
                 GBytes             *expected,
                 const char         *content_type)
{
  g_autoptr(Answer) answer = http (f, NULL, "GET", attachment->url, NULL, NULL, FALSE);

  g_assert_cmpuint (answer->status, ==, 200);
  g_assert_true (g_bytes_equal (answer->body, expected));
  g_assert_cmpstr (soup_message_headers_get_content_type (answer->headers, NULL), ==, content_type);
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "X-Content-Type-Options"), ==, "nosniff");
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "Content-Security-Policy"), ==,
                   "sandbox; default-src 'none'");
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "Cache-Control"), ==, "private, max-age=3600");
}

static void
test_upload_send_download (Fixture       *f,
                           gconstpointer  data)
{
  static const char text[] = "Your invoice, as promised.\n";
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr(FdAttachment) attachment = NULL;
  g_autoptr(FdFrame) ack = NULL;
  g_autoptr(FdFrame) to_visitor = NULL;
  g_autoptr(Answer) answer = NULL;
  FdMessage *msg;
  FdAttachment *got;

  attachment = upload_ok (f, f->ann, "Invoice März.txt", "application/x-whatever", bytes);
  g_assert_cmpstr (attachment->name, ==, "Invoice März.txt");
  /* The type is sniffed, not the one the client claimed. */
  g_assert_cmpstr (attachment->mime_type, ==, "text/plain");
  g_assert_cmpint (attachment->size, ==, sizeof text - 1);
  g_assert_true (g_str_has_prefix (attachment->url, "/files/"));
  g_assert_true (g_str_has_suffix (attachment->url, "/Invoice%20M%C3%A4rz.txt"));

  assert_download (f, attachment, bytes, "text/plain");
  answer = http (f, NULL, "GET", attachment->url, NULL, NULL, FALSE);
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "Content-Disposition"), ==,
                   "attachment; filename*=UTF-8''Invoice%20M%C3%A4rz.txt");

  /* Sent as an attachment, the visitor gets it. */
  ack = fd_test_agent_expect_ack (f->ann, FD_FRAME_SEND_MESSAGE,
                                  send_with_attachment (f->conv_id, "att-1", attachment->url));
  msg = ack->body;
  g_assert_nonnull (msg->attachments);
  g_assert_cmpuint (msg->attachments->len, ==, 1);
  to_visitor = fd_test_visitor_wait (f->visitor, FD_FRAME_VISITOR_MESSAGE);
  while (((FdMessage *) to_visitor->body)->direction != FD_DIRECTION_OUT)
    {
      g_clear_pointer (&to_visitor, fd_frame_free);
      to_visitor = fd_test_visitor_wait (f->visitor, FD_FRAME_VISITOR_MESSAGE);
    }
  msg = to_visitor->body;
  g_assert_nonnull (msg->attachments);
  g_assert_cmpuint (msg->attachments->len, ==, 1);
  got = g_ptr_array_index (msg->attachments, 0);
  g_assert_cmpstr (got->url, ==, attachment->url);
  /* The server describes the file from its own record. */
  g_assert_cmpstr (got->name, ==, "Invoice März.txt");
  g_assert_cmpstr (got->mime_type, ==, "text/plain");
  g_assert_cmpint (got->size, ==, sizeof text - 1);
}

static void
test_html_served_as_bytes (Fixture       *f,
                           gconstpointer  data)
{
  static const char html[] = "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n";
  static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>\n";
  g_autoptr(GBytes) html_bytes = g_bytes_new_static (html, sizeof html - 1);
  g_autoptr(GBytes) svg_bytes = g_bytes_new_static (svg, sizeof svg - 1);
  g_autoptr(FdAttachment) page = upload_ok (f, f->ann, "page.html", "text/html", html_bytes);
  g_autoptr(FdAttachment) image = upload_ok (f, f->ann, "logo.svg", "image/svg+xml", svg_bytes);

  g_assert_cmpstr (page->mime_type, ==, "text/html");
  assert_download (f, page, html_bytes, "application/octet-stream");
  g_assert_cmpstr (image->mime_type, ==, "image/svg+xml");
  assert_download (f, image, svg_bytes, "application/octet-stream");
}

static void
test_who_may_upload (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("hello", 5);
  g_autofree char *path = upload_path (f->conv_id, "hello.txt");
  g_autofree char *missing_path = upload_path (f->conv_id + 1000, "hello.txt");
  g_autoptr(FdTestAgent) bob = fd_test_agent_sign_in (f->server, "bob@files.example", "bob-password");
  g_autoptr(FdTestAgent) eve = NULL;
  g_autoptr(Answer) no_token = NULL;
  g_autoptr(Answer) bad_token = NULL;
  g_autoptr(Answer) not_reserved = NULL;
  g_autoptr(Answer) other_org = NULL;
  g_autoptr(Answer) unknown_conv = NULL;
  g_autoptr(Answer) no_conv = NULL;

  fd_test_admin_import_site (f->server, other_site);
  eve = fd_test_agent_sign_in (f->server, "eve@elsewhere.example", "eve-password");

  no_token = http (f, NULL, "POST", path, "text/plain", bytes, FALSE);
  assert_error (no_token, 401, "unauthorized");
  bad_token = http (f, "fda_not-a-real-token", "POST", path, "text/plain", bytes, FALSE);
  assert_error (bad_token, 401, "unauthorized");
  /* Bob is a member of the queue, but Ann holds the conversation. */
  not_reserved = http (f, bob->token, "POST", path, "text/plain", bytes, FALSE);
  assert_error (not_reserved, 403, "forbidden");
  /* Another organization's agent does not even learn it exists. */
  other_org = http (f, eve->token, "POST", path, "text/plain", bytes, FALSE);
  assert_error (other_org, 404, "not-found");
  unknown_conv = http (f, f->ann->token, "POST", missing_path, "text/plain", bytes, FALSE);
  assert_error (unknown_conv, 404, "not-found");
  no_conv = http (f, f->ann->token, "POST", "/api/agent/v1/files?name=a.txt", "text/plain", bytes, FALSE);
  assert_error (no_conv, 400, "invalid-field");
}

static void
test_too_large (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = upload_path (f->conv_id, "big.bin");
  g_autoptr(GBytes) big = g_bytes_new_take (g_malloc0 (MAX_SIZE + 1), MAX_SIZE + 1);
  g_autoptr(GBytes) limit = g_bytes_new_take (g_malloc0 (MAX_SIZE), MAX_SIZE);
  g_autoptr(Answer) announced = NULL;
  g_autoptr(Answer) streamed = NULL;
  g_autoptr(FdAttachment) fits = NULL;

  announced = http (f, f->ann->token, "POST", path, "application/octet-stream", big, FALSE);
  assert_error (announced, 413, "too-large");
  /* A body of unknown size cannot be checked before it is read. */
  streamed = http (f, f->ann->token, "POST", path, "application/octet-stream", big, TRUE);
  assert_error (streamed, 411, "malformed");
  /* Exactly the limit is accepted. */
  fits = upload_ok (f, f->ann, "limit.bin", "application/octet-stream", limit);
  g_assert_cmpint (fits->size, ==, MAX_SIZE);
}

static void
test_blocked_types (Fixture       *f,
                    gconstpointer  data)
{
  static const guint8 elf[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0 };
  static const char script[] = "MsgBox \"hi\"\n";
  g_autoptr(GBytes) elf_bytes = g_bytes_new_static (elf, sizeof elf);
  g_autoptr(GBytes) script_bytes = g_bytes_new_static (script, sizeof script - 1);
  g_autoptr(GBytes) shell_bytes = g_bytes_new_static ("#!/bin/sh\nrm -rf ~\n", 19);
  const struct {
    const char *name;
    GBytes     *bytes;
  } cases[] = {
    { "holiday.png", elf_bytes },     /* a program whatever its name says */
    { "setup.exe", script_bytes },
    { "SETUP.EXE", script_bytes },
    { "run.vbs", script_bytes },
    { "notes.txt", shell_bytes },
    { "app.js", script_bytes },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = upload_path (f->conv_id, cases[i].name);
      g_autoptr(Answer) answer = http (f, f->ann->token, "POST", path, "image/png", cases[i].bytes, FALSE);

      g_test_message ("Uploading %s", cases[i].name);
      assert_error (answer, 415, "invalid-field");
    }
}

static void
test_names (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("data", 4);
  g_autoptr(FdAttachment) traversal = upload_ok (f, f->ann, "../../etc/passwd", "text/plain", bytes);
  g_autoptr(FdAttachment) controls = upload_ok (f, f->ann, "re\npo\trt.txt", "text/plain", bytes);
  g_autoptr(FdAttachment) dots = upload_ok (f, f->ann, "..", "text/plain", bytes);
  g_autofree char *long_name = g_strnfill (201, 'a');
  g_autofree char *long_path = upload_path (f->conv_id, long_name);
  g_autoptr(Answer) too_long = http (f, f->ann->token, "POST", long_path, "text/plain", bytes, FALSE);

  g_assert_null (strchr (traversal->name, '/'));
  g_assert_null (strstr (traversal->name, ".."));
  g_assert_cmpstr (traversal->name, ==, "etc_passwd");
  g_assert_cmpstr (controls->name, ==, "report.txt");
  g_assert_cmpstr (dots->name, ==, "file");
  assert_download (f, traversal, bytes, "text/plain");
  assert_error (too_long, 400, "invalid-field");
}

static void
test_foreign_attachment_urls (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("data", 4);
  g_autoptr(FdAttachment) mine = upload_ok (f, f->ann, "mine.txt", "text/plain", bytes);
  g_autofree char *absolute = g_strconcat (fd_test_server_get_url (f->server), mine->url, NULL);
  g_autofree char *unknown = g_strdup ("/files/0123456789abcdef0123456789abcdef/x.txt");
  const char *urls[] = {
    "javascript:alert(1)",
    "https://evil.example/files/0123456789abcdef0123456789abcdef/x.txt",
    absolute,
    unknown,
    "/files/../api/agent/v1/sessions",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autofree char *client_id = g_strdup_printf ("bad-%u", i);

      g_test_message ("Attaching %s", urls[i]);
      fd_test_agent_expect_error (f->ann, FD_FRAME_SEND_MESSAGE,
                                  send_with_attachment (f->conv_id, client_id, urls[i]),
                                  FD_WIRE_ERROR_INVALID_FIELD);
    }
}

static void
test_other_conversation_file (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("data", 4);
  g_autoptr(FdAttachment) first = upload_ok (f, f->ann, "first.txt", "text/plain", bytes);
  g_autoptr(FdTestVisitor) second = fd_test_visitor_start (f->server, "files-chat", "Walt");
  g_autoptr(FdFrame) offer = fd_test_agent_wait_event (f->ann, FD_FRAME_OFFER);
  (void) offer; /* held for its cleanup only */
  g_autoptr(FdFrame) reserved = fd_test_agent_expect_ack (f->ann, FD_FRAME_RESERVE,
                                                          fd_test_conversation_ref (second->conversation_id));
  (void) reserved; /* held for its cleanup only */

  /* A file of one conversation is not an attachment of another. */
  fd_test_agent_expect_error (f->ann, FD_FRAME_SEND_MESSAGE,
                              send_with_attachment (second->conversation_id, "x-1", first->url),
                              FD_WIRE_ERROR_INVALID_FIELD);
}

static void
test_admin_upload (Fixture       *f,
                   gconstpointer  data)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
  g_autoptr(GBytes) bytes = g_bytes_new_static (png, sizeof png);
  g_autofree char *admin = fd_test_admin_read_token (f->server);
  g_autofree char *path = g_strdup_printf ("/api/admin/v1/organizations/%" G_GINT64_FORMAT "/files?name=logo.png",
                                           f->org_id);
  g_autoptr(Answer) answer = http (f, admin, "POST", path, "application/octet-stream", bytes, FALSE);
  g_autoptr(Answer) no_token = http (f, NULL, "POST", path, "image/png", bytes, FALSE);
  g_autoptr(Answer) agent_token = http (f, f->ann->token, "POST", path, "image/png", bytes, FALSE);
  g_autoptr(Answer) no_org = http (f, admin, "POST", "/api/admin/v1/organizations/999/files?name=a.png",
                                   "image/png", bytes, FALSE);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(FdAttachment) attachment = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (answer->status, ==, 201);
  answer_object (answer, &node);
  attachment = fd_attachment_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (attachment->mime_type, ==, "image/png");
  g_assert_cmpstr (attachment->name, ==, "logo.png");
  assert_download (f, attachment, bytes, "image/png");
  assert_error (no_token, 401, "unauthorized");
  assert_error (agent_token, 401, "unauthorized");
  assert_error (no_org, 404, "not-found");

  /* An organization file may be sent in any conversation of the organization. */
  {
    g_autoptr(FdFrame) ack = fd_test_agent_expect_ack (f->ann, FD_FRAME_SEND_MESSAGE,
                                                       send_with_attachment (f->conv_id, "res-1", attachment->url));

    g_assert_cmpuint (((FdMessage *) ack->body)->attachments->len, ==, 1);
  }
}

static void
test_unknown_file (Fixture       *f,
                   gconstpointer  data)
{
  const char *paths[] = {
    "/files/0123456789abcdef0123456789abcdef/x.txt",
    "/files/not-an-id/x.txt",
    "/files/",
    "/files/0123456789ABCDEF0123456789ABCDEF/x.txt",
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(Answer) answer = http (f, NULL, "GET", paths[i], NULL, NULL, FALSE);

      assert_error (answer, 404, "not-found");
    }
}

static void
test_restart_keeps_files (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("kept", 4);
  g_autoptr(FdAttachment) attachment = upload_ok (f, f->ann, "kept.txt", "text/plain", bytes);
  g_autofree char *dir = g_strconcat (fd_test_server_get_db_path (f->server), ".files", NULL);
  g_autofree char *orphan = g_build_filename (dir, "00112233445566778899aabbccddeeff", NULL);
  g_autofree char *temp = g_build_filename (dir, ".tmp-ABC123", NULL);
  g_autofree char *foreign = g_build_filename (dir, "README", NULL);
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  g_clear_pointer (&f->visitor, fd_test_visitor_free);
  g_clear_pointer (&f->ann, fd_test_agent_free);
  fd_test_server_stop (f->server);
  /* What a crash between the file and its row leaves behind. */
  g_assert_true (g_file_set_contents (orphan, "orphan", -1, &error));
  g_assert_true (g_file_set_contents (temp, "half", -1, &error));
  g_assert_true (g_file_set_contents (foreign, "not ours", -1, &error));
  g_assert_no_error (error);
  fd_test_server_start (f->server);

  assert_download (f, attachment, bytes, "text/plain");
  g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (foreign, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/files/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("upload-send-download", test_upload_send_download);
  ADD ("html-served-as-bytes", test_html_served_as_bytes);
  ADD ("who-may-upload", test_who_may_upload);
  ADD ("too-large", test_too_large);
  ADD ("blocked-types", test_blocked_types);
  ADD ("names", test_names);
  ADD ("foreign-attachment-urls", test_foreign_attachment_urls);
  ADD ("other-conversation-file", test_other_conversation_file);
  ADD ("admin-upload", test_admin_upload);
  ADD ("unknown-file", test_unknown_file);
  ADD ("restart-keeps-files", test_restart_keeps_files);

#undef ADD

  return g_test_run ();
}
