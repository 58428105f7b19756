#define G_LOG_DOMAIN "fd-test"

#include "fd-test-stand-in.h"
#include "fd-test-x-fake.h"

#include <string.h>

struct _FdTestXFake {
  FdTestStandIn *stand_in;
};

FdTestXFake *
fd_test_x_fake_new (const char *account_id,
                    const char *handle)
{
  FdTestXFake *fake = g_new0 (FdTestXFake, 1);

  g_return_val_if_fail (account_id != NULL && handle != NULL, NULL);

  /* The fake exits when its stdin closes: a test that aborts leaves no
   * fake behind. */
  fake->stand_in = fd_test_stand_in_new (FD_X_FAKE_SCRIPT, account_id, handle, NULL);
  return fake;
}

void
fd_test_x_fake_free (FdTestXFake *fake)
{
  if (fake == NULL)
    return;
  fd_test_stand_in_free (fake->stand_in);
  g_free (fake);
}

const char *
fd_test_x_fake_get_url (FdTestXFake *fake)
{
  return fd_test_stand_in_get_url (fake->stand_in);
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
  g_autoptr(JsonObject) grant = fd_test_stand_in_call (fake->stand_in, "POST", "/_fake/grant", body);
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
  answer = fd_test_stand_in_call (fake->stand_in, "POST", "/_fake/mention", body);
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
  answer = fd_test_stand_in_call (fake->stand_in, "POST", "/_fake/dm", body);
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
  answer = fd_test_stand_in_call (fake->stand_in, "POST", path, json);
  return g_strdup (json_object_get_string_member (answer, "id"));
}

JsonObject *
fd_test_x_fake_state (FdTestXFake *fake)
{
  return fd_test_stand_in_call (fake->stand_in, "GET", "/_fake/state", NULL);
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
  json_object_unref (fd_test_stand_in_call (fake->stand_in, "POST", "/_fake/control", json));
}

gint64
fd_test_x_fake_calls (FdTestXFake *fake,
                      const char  *endpoint)
{
  g_autoptr(JsonObject) state = fd_test_x_fake_state (fake);

  return json_object_get_int_member_with_default (json_object_get_object_member (state, "calls"), endpoint, 0);
}
