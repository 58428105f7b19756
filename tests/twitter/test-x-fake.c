#define G_LOG_DOMAIN "fd-test"

/* The fake X through its C wrapper (tests/twitter/fd-test-x-fake.h): it
 * starts, a customer's mention comes back from X's mentions timeline with
 * its author expanded, a grant's token is required, and the state counts. */

#include <string.h>
#include <libsoup/soup.h>

#include "fd-test-x-fake.h"

#define ACCOUNT "1500000000000000001"

static JsonObject *
api_get (FdTestXFake *fake,
         const char  *path,
         const char  *access_token,
         guint        want_status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (fd_test_x_fake_get_url (fake), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (access_token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", access_token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, want_status);
  g_assert_nonnull (soup_message_headers_get_one (soup_message_get_response_headers (msg), "x-rate-limit-reset"));
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_mention_round_trip (void)
{
  g_autoptr(FdTestXFake) fake = fd_test_x_fake_new (ACCOUNT, "@KakapoSystems");
  g_autofree char *grant = fd_test_x_fake_grant (fake, 600);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *id = NULL;
  g_autoptr(JsonObject) page = NULL;
  g_autoptr(JsonObject) denied = NULL;
  g_autoptr(JsonObject) state = NULL;
  const char *token;
  JsonObject *tweet, *user;

  g_assert_true (g_str_has_prefix (fd_test_x_fake_get_url (fake), "http://127.0.0.1:"));
  g_assert_true (json_parser_load_from_data (parser, grant, -1, NULL));
  token = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "access_token");
  g_assert_nonnull (token);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "expires_at"),
                   >, g_get_real_time () / G_USEC_PER_SEC + 500);

  id = fd_test_x_fake_mention (fake, "42", "carol", "Carol Customer", "@KakapoSystems my order?", NULL);
  g_assert_nonnull (id);

  denied = api_get (fake, "/2/users/" ACCOUNT "/mentions", "not-a-token", 401);
  g_assert_cmpstr (json_object_get_string_member (denied, "title"), ==, "Unauthorized");

  page = api_get (fake, "/2/users/" ACCOUNT "/mentions?max_results=5&tweet.fields=author_id,conversation_id"
                  "&expansions=author_id&user.fields=name,username", token, 200);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (page, "data")), ==, 1);
  tweet = json_array_get_object_element (json_object_get_array_member (page, "data"), 0);
  g_assert_cmpstr (json_object_get_string_member (tweet, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (tweet, "text"), ==, "@KakapoSystems my order?");
  g_assert_cmpstr (json_object_get_string_member (tweet, "author_id"), ==, "42");
  g_assert_cmpstr (json_object_get_string_member (tweet, "conversation_id"), ==, id);
  user = json_array_get_object_element (json_object_get_array_member (json_object_get_object_member (page, "includes"),
                                                                       "users"), 0);
  g_assert_cmpstr (json_object_get_string_member (user, "username"), ==, "carol");
  g_assert_cmpstr (json_object_get_string_member (user, "name"), ==, "Carol Customer");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (page, "meta"), "newest_id"), ==, id);

  g_assert_cmpint (fd_test_x_fake_calls (fake, "mentions"), ==, 2);
  state = fd_test_x_fake_state (fake);
  g_assert_cmpint (json_object_get_int_member (state, "refreshes"), ==, 0);
}

static void
test_dm_and_controls (void)
{
  g_autoptr(FdTestXFake) fake = fd_test_x_fake_new (ACCOUNT, "@KakapoSystems");
  g_autofree char *grant = fd_test_x_fake_grant (fake, 600);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *id = fd_test_x_fake_dm (fake, "43", "dave", "Dave", "hello in private");
  g_autoptr(JsonObject) page = NULL;
  g_autoptr(JsonObject) limited = NULL;
  g_autoptr(JsonArray) posts = fd_test_x_fake_posts (fake);
  g_autoptr(JsonArray) dms = fd_test_x_fake_sent_dms (fake);
  const char *token;
  JsonObject *event;

  g_assert_true (json_parser_load_from_data (parser, grant, -1, NULL));
  token = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "access_token");
  page = api_get (fake, "/2/dm_events?event_types=MessageCreate&dm_event.fields=id,text,sender_id,dm_conversation_id",
                  token, 200);
  event = json_array_get_object_element (json_object_get_array_member (page, "data"), 0);
  g_assert_cmpstr (json_object_get_string_member (event, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (event, "sender_id"), ==, "43");
  g_assert_cmpstr (json_object_get_string_member (event, "dm_conversation_id"), ==, "43-" ACCOUNT);
  g_assert_cmpuint (json_array_get_length (posts), ==, 0);
  g_assert_cmpuint (json_array_get_length (dms), ==, 0);

  fd_test_x_fake_control (fake, "{\"rate_limit\":{\"endpoint\":\"dm_events\",\"count\":1,\"reset_in\":3}}");
  limited = api_get (fake, "/2/dm_events", token, 429);
  g_assert_cmpstr (json_object_get_string_member (limited, "title"), ==, "Too Many Requests");
  g_clear_pointer (&page, json_object_unref);
  page = api_get (fake, "/2/dm_events", token, 200);

  fd_test_x_fake_control (fake, "{\"expire_access\":true}");
  g_clear_pointer (&page, json_object_unref);
  page = api_get (fake, "/2/users/me", token, 401);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/x-fake/mention-round-trip", test_mention_round_trip);
  g_test_add_func ("/x-fake/dm-and-controls", test_dm_and_controls);
  return g_test_run ();
}
