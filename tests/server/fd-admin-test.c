#define G_LOG_DOMAIN "fd-admin-test"

#include "fd-admin-test.h"
#include "fd-test-client.h"

#include <string.h>

char *
fd_admin_test_read_token (FdTestServer *server)
{
  char *contents = fd_test_admin_read_token (server);

  g_assert_true (g_str_has_prefix (contents, "fdk_"));
  return contents;
}

JsonNode *
fd_admin_test_parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (json_parser_get_root (parser));
  return json_node_copy (json_parser_get_root (parser));
}

char *
fd_admin_test_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

JsonNode *
fd_admin_test_request (FdTestServer *server,
                       const char   *token,
                       const char   *method,
                       const char   *path,
                       const char   *body,
                       guint        *out_status)
{
  g_autofree char *url = g_strconcat (fd_test_server_get_url (server), "/api/admin/v1", path, NULL);
  g_autoptr(SoupMessage) msg = fd_test_http_message_new (method, url, token, NULL, body);
  g_autoptr(GBytes) answer = fd_test_http_send (msg);
  gsize size = 0;
  const char *data = g_bytes_get_data (answer, &size);

  *out_status = soup_message_get_status (msg);
  if (size == 0)
    return NULL;
  {
    g_autofree char *text = g_strndup (data, size);

    return fd_admin_test_parse (text);
  }
}

JsonNode *
fd_admin_test_expect (FdTestServer *server,
                      const char   *token,
                      const char   *method,
                      const char   *path,
                      const char   *body,
                      guint         expected_status)
{
  guint status = 0;
  JsonNode *answer = fd_admin_test_request (server, token, method, path, body, &status);

  if (status != expected_status)
    {
      g_autofree char *text = answer ? fd_admin_test_to_string (answer) : g_strdup ("(empty)");

      g_error ("%s %s: expected %u, got %u: %s", method, path, expected_status, status, text);
    }
  return answer;
}

void
fd_admin_test_assert_error (JsonNode   *answer,
                            const char *code)
{
  JsonObject *error;

  g_assert_nonnull (answer);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (answer));
  g_assert_true (json_object_has_member (json_node_get_object (answer), "error"));
  error = json_object_get_object_member (json_node_get_object (answer), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_cmpuint (strlen (json_object_get_string_member (error, "message")), >, 0);
}

gint64
fd_admin_test_get_int (JsonNode   *object,
                       const char *member)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (object));
  g_assert_true (json_object_has_member (json_node_get_object (object), member));
  return json_object_get_int_member (json_node_get_object (object), member);
}

const char *
fd_admin_test_get_string (JsonNode   *object,
                          const char *member)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (object));
  return json_object_get_string_member_with_default (json_node_get_object (object), member, NULL);
}
