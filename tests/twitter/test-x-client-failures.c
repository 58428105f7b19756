#define G_LOG_DOMAIN "fd-test"

/* test-x-client: every failure typed: rate limits with their reset,
 * refused tokens, invalid requests, hostile answers and a network that is
 * down. */

#include <string.h>

#include "test-x-client.h"

void
test_rate_limited (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  FdXRateLimit rate;

  /* Forced: the reset X gives. */
  fd_test_x_fake_control (f->fake, "{\"rate_limit\":{\"endpoint\":\"mentions\",\"count\":1,\"reset_in\":120}}");
  {
    g_autoptr(FdXPage) page = mentions (f, NULL, NULL, &rate, &error);
    g_assert_null (page);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_RATE_LIMITED);
    g_assert_nonnull (strstr (error->message, "mentions"));
    g_assert_cmpint (rate.reset, >=, now + 119);
    g_assert_cmpint (rate.reset, <=, now + 150);
    g_assert_cmpint (rate.remaining, ==, 0);
    g_clear_error (&error);
  }
  {
    g_autoptr(FdXPage) page = mentions (f, NULL, NULL, &rate, &error);
    g_assert_no_error (error);
    g_assert_nonnull (page);
  }

  /* The window's budget spent (as X's DM lookup limit would be). */
  fd_test_x_fake_control (f->fake, "{\"budget\":{\"dm_events\":2}}");
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(FdXPage) page = dm_events (f, NULL, &rate, &error);
      g_assert_no_error (error);
      g_assert_cmpint (rate.remaining, ==, 1 - (gint) i);
      g_assert_cmpint (rate.limit, ==, 2);
    }
  {
    g_autoptr(FdXPage) page = dm_events (f, NULL, &rate, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_RATE_LIMITED);
    g_assert_cmpint (rate.reset, >=, now + 890);
    g_assert_cmpint (rate.reset, <=, now + 930);
    g_clear_error (&error);
  }

  /* No x-rate-limit-reset: X's 15-minute window from now. */
  fd_test_x_fake_control (f->fake, "{\"omit_rate_headers\":true,"
                                   "\"rate_limit\":{\"endpoint\":\"users_me\",\"count\":1,\"reset_in\":5}}");
  {
    g_autoptr(FdXUser) me = get_me (f, &rate, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_RATE_LIMITED);
    g_assert_cmpint (rate.limit, ==, -1);
    g_assert_cmpint (rate.reset, >=, now + FD_X_DEFAULT_RESET_SECONDS);
    g_assert_cmpint (rate.reset, <=, now + FD_X_DEFAULT_RESET_SECONDS + 30);
  }
}

void
test_unauthorized (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fresh = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  fd_test_x_fake_control (f->fake, "{\"expire_access\":true}");
  {
    g_autoptr(FdXPage) page = mentions (f, NULL, NULL, NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_UNAUTHORIZED);
    g_clear_error (&error);
  }
  {
    g_autoptr(FdXCreated) post = create_post (f, "hello", NULL, NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_UNAUTHORIZED);
    g_clear_error (&error);
  }
  {
    g_autoptr(JsonArray) posts = fd_test_x_fake_posts (f->fake);
    g_assert_cmpuint (json_array_get_length (posts), ==, 0);
  }

  /* No token at all. */
  fd_x_client_set_access_token (f->client, NULL);
  {
    g_autoptr(FdXUser) me = get_me (f, NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_UNAUTHORIZED);
    g_clear_error (&error);
  }

  /* A fresh grant works again. */
  fresh = fd_test_x_fake_grant (f->fake, 600);
  g_assert_true (json_parser_load_from_data (parser, fresh, -1, NULL));
  fd_x_client_set_access_token (f->client, json_object_get_string_member (json_node_get_object (
                                  json_parser_get_root (parser)), "access_token"));
  {
    g_autoptr(FdXUser) me = get_me (f, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (me->id, ==, ACCOUNT);
  }
}

void
test_invalid_request (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint64 calls = fd_x_client_get_calls (f->client);

  /* A token X never gave: X's 400. */
  {
    g_autoptr(FdXPage) page = mentions (f, NULL, "notatokenxgave", NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_INVALID_REQUEST);
    g_assert_nonnull (strstr (error->message, "pagination_token"));
    g_clear_error (&error);
  }
  g_assert_cmpuint (fd_x_client_get_calls (f->client), ==, calls + 1);

  /* Refused before any request: not ids, not tokens. */
  {
    g_autoptr(FdXPage) page = mentions (f, "12x", NULL, NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_INVALID_REQUEST);
    g_clear_error (&error);
  }
  {
    g_autoptr(FdXPage) page = dm_events (f, "a&b=c", NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_INVALID_REQUEST);
    g_clear_error (&error);
  }
  {
    g_autoptr(FdXCreated) dm = send_dm (f, "../../2/tweets", "x", NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_INVALID_REQUEST);
    g_clear_error (&error);
  }
  g_assert_cmpuint (fd_x_client_get_calls (f->client), ==, calls + 1);
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "dm_send"), ==, 0);
}

void
test_hostile_answers (Fixture       *f,
                      gconstpointer  data)
{
  const char *kinds[] = { "html", "malformed", "huge", "deep", "wrongtypes", "many" };

  g_free (fd_test_x_fake_mention (f->fake, "42", "carol", "Carol", HANDLE " hi", NULL));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *control = g_strdup_printf ("{\"garbage\":{\"endpoint\":\"mentions\",\"kind\":\"%s\",\"count\":1}}",
                                                  kinds[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(FdXPage) page = NULL;
      g_autoptr(FdXPage) good = NULL;

      g_test_message ("garbage: %s", kinds[i]);
      fd_test_x_fake_control (f->fake, control);
      page = mentions (f, NULL, NULL, NULL, &error);
      g_assert_null (page);
      g_assert_error (error, FD_X_ERROR, FD_X_ERROR_MALFORMED);
      g_clear_error (&error);
      /* The next answer is X's again and read in full. */
      good = mentions (f, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (good->posts->len, ==, 1);
    }

  /* X's partial errors in a 200 answer do not fail the call. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FdXPage) page = NULL;
    g_autofree char *dm = fd_test_x_fake_dm (f->fake, "43", "dave", "Dave", "hello");

    fd_test_x_fake_control (f->fake, "{\"garbage\":{\"endpoint\":\"dm_events\",\"kind\":\"errors\",\"count\":1}}");
    page = dm_events (f, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (page->partial_errors, ==, 1);
    g_assert_cmpuint (page->posts->len, ==, 1);
    g_assert_cmpstr (((FdXPost *) g_ptr_array_index (page->posts, 0))->id, ==, dm);
  }

  /* Writes: a created post without X's id, an upload answered in HTML. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FdXCreated) post = NULL;
    g_autoptr(FdXMedia) media = NULL;

    fd_test_x_fake_control (f->fake, "{\"garbage\":{\"endpoint\":\"tweets\",\"kind\":\"wrongtypes\",\"count\":1}}");
    post = create_post (f, "hello", NULL, NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_MALFORMED);
    g_clear_error (&error);
    fd_test_x_fake_control (f->fake, "{\"garbage\":{\"endpoint\":\"media_upload\",\"kind\":\"html\",\"count\":1}}");
    media = upload (f, 100, FALSE, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_MALFORMED);
  }

  /* A users/me answer without a valid id. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FdXUser) me = NULL;

    fd_test_x_fake_control (f->fake, "{\"garbage\":{\"endpoint\":\"users_me\",\"kind\":\"wrongtypes\",\"count\":1}}");
    me = get_me (f, NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_MALFORMED);
  }
}

void
test_network_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdXClient) nowhere = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *url = NULL;

  /* The connection reset without an answer. */
  fd_test_x_fake_control (f->fake, "{\"down\":true}");
  {
    g_autoptr(FdXPage) page = mentions (f, NULL, NULL, NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_NETWORK);
    g_clear_error (&error);
  }
  /* X's 503. */
  fd_test_x_fake_control (f->fake, "{\"down\":\"503\"}");
  {
    g_autoptr(FdXCreated) post = create_post (f, "hello", NULL, NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_SERVER);
    g_assert_nonnull (strstr (error->message, "503"));
    g_clear_error (&error);
  }
  fd_test_x_fake_control (f->fake, "{\"down\":false}");
  {
    g_autoptr(FdXPage) page = mentions (f, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
  }

  /* Connection refused: a port bound but never listened on. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  g_clear_object (&address);
  address = g_socket_get_local_address (socket, &error);
  url = g_strdup_printf ("http://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
  nowhere = fd_x_client_new (f->session, url);
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(FdXUser) me = NULL;

    fd_x_client_get_me_async (nowhere, NULL, on_done, &result);
    me = fd_x_client_get_me_finish (nowhere, wait_result (&result), NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_NETWORK);
    g_clear_error (&error);
  }
}
