#define G_LOG_DOMAIN "fd-test"

#include "fd-test-x-fake.h"

#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>
#include <libsoup/soup.h>

struct _FdTestXFake {
  GSubprocess *process;
  char        *url;
  SoupSession *session;
};

FdTestXFake *
fd_test_x_fake_new (const char *account_id,
                    const char *handle)
{
  FdTestXFake *fake = g_new0 (FdTestXFake, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  g_return_val_if_fail (account_id != NULL && handle != NULL, NULL);

  /* A missing python3 fails the test (g_assert), never skips it. The
   * fake exits when its stdin closes: a test that aborts leaves no fake
   * behind holding the harness's output open. */
  fake->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, "/usr/bin/python3",
                                    FD_X_FAKE_SCRIPT, account_id, handle, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_cmpint (atoi (line), >, 0);
  fake->url = g_strdup_printf ("http://127.0.0.1:%s", line);
  fake->session = soup_session_new_with_options ("timeout", 30, NULL);
  return fake;
}

void
fd_test_x_fake_free (FdTestXFake *fake)
{
  if (fake == NULL)
    return;
  g_subprocess_force_exit (fake->process);
  g_subprocess_wait (fake->process, NULL, NULL);
  g_object_unref (fake->process);
  g_object_unref (fake->session);
  g_free (fake->url);
  g_free (fake);
}

const char *
fd_test_x_fake_get_url (FdTestXFake *fake)
{
  return fake->url;
}

/* One call of the fake's own surface; asserts a 200 JSON object answer. */
static JsonObject *
fake_http (FdTestXFake *fake,
           const char  *method,
           const char  *path,
           const char  *body)
{
  g_autofree char *url = g_strconcat (fake->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  answer = soup_session_send_and_read (fake->session, msg, NULL, &error);
  g_assert_no_error (error);
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    g_error ("fake X: %s %s: HTTP %u: %.*s", method, path, soup_message_get_status (msg),
             (int) g_bytes_get_size (answer), (const char *) g_bytes_get_data (answer, NULL));
  json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (root != NULL && JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

static char *
to_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

char *
fd_test_x_fake_grant (FdTestXFake *fake,
                      gint         lifetime)
{
  g_autofree char *body = g_strdup_printf ("{\"lifetime\": %d}", lifetime);
  g_autoptr(JsonObject) grant = fake_http (fake, "POST", "/_fake/grant", body);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), grant);

  return json_to_string (node, FALSE);
}

static void
add_user (JsonBuilder *b,
          const char  *user_id,
          const char  *username,
          const char  *name,
          const char  *text)
{
  json_builder_set_member_name (b, "user_id");
  json_builder_add_string_value (b, user_id);
  json_builder_set_member_name (b, "username");
  json_builder_add_string_value (b, username);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name != NULL ? name : username);
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, text);
}

char *
fd_test_x_fake_mention (FdTestXFake *fake,
                        const char  *user_id,
                        const char  *username,
                        const char  *name,
                        const char  *text,
                        const char  *in_reply_to)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) answer = NULL;

  json_builder_begin_object (b);
  add_user (b, user_id, username, name, text);
  if (in_reply_to != NULL)
    {
      json_builder_set_member_name (b, "in_reply_to");
      json_builder_add_string_value (b, in_reply_to);
    }
  json_builder_end_object (b);
  body = to_json (b);
  answer = fake_http (fake, "POST", "/_fake/mention", body);
  return g_strdup (json_object_get_string_member (answer, "id"));
}

char *
fd_test_x_fake_dm (FdTestXFake *fake,
                   const char  *user_id,
                   const char  *username,
                   const char  *name,
                   const char  *text)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) answer = NULL;

  json_builder_begin_object (b);
  add_user (b, user_id, username, name, text);
  json_builder_end_object (b);
  body = to_json (b);
  answer = fake_http (fake, "POST", "/_fake/dm", body);
  return g_strdup (json_object_get_string_member (answer, "id"));
}

char *
fd_test_x_fake_add (FdTestXFake *fake,
                    const char  *what,
                    const char  *json)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) answer = NULL;

  g_assert_true (g_strcmp0 (what, "mention") == 0 || g_strcmp0 (what, "dm") == 0);
  path = g_strconcat ("/_fake/", what, NULL);
  answer = fake_http (fake, "POST", path, json);
  return g_strdup (json_object_get_string_member (answer, "id"));
}

JsonObject *
fd_test_x_fake_state (FdTestXFake *fake)
{
  return fake_http (fake, "GET", "/_fake/state", NULL);
}

static JsonArray *
state_array (FdTestXFake *fake,
             const char  *member)
{
  g_autoptr(JsonObject) state = fd_test_x_fake_state (fake);
  JsonArray *array = json_object_get_array_member (state, member);

  g_assert_nonnull (array);
  return json_array_ref (array);
}

JsonArray *
fd_test_x_fake_posts (FdTestXFake *fake)
{
  return state_array (fake, "posts");
}

JsonArray *
fd_test_x_fake_sent_dms (FdTestXFake *fake)
{
  return state_array (fake, "sent_dms");
}

void
fd_test_x_fake_control (FdTestXFake *fake,
                        const char  *json)
{
  json_object_unref (fake_http (fake, "POST", "/_fake/control", json));
}

gint64
fd_test_x_fake_calls (FdTestXFake *fake,
                      const char  *endpoint)
{
  g_autoptr(JsonObject) state = fd_test_x_fake_state (fake);

  return json_object_get_int_member_with_default (json_object_get_object_member (state, "calls"), endpoint, 0);
}
