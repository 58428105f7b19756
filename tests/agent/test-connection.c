#define G_LOG_DOMAIN "test-connection"

/* FdConnection against the real frontdeskd with the demo site: sign-in,
 * offers reaching the Activity List, reserve, a server restart with the
 * connection resuming, and a message sent while the server was down
 * delivered exactly once. */

#include "fd-connection.h"
#include "fd-session.h"
#include "fd-test-client.h"
#include "fd-test-server.h"

#include "agent-test.h"


static gboolean
has_queues (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (fd_session_get_queue_model (fd_connection_get_session (data)))) > 0;
}

static FdConnection *
sign_in (FdTestServer *server,
         const char   *email,
         const char   *password,
         GError      **error)
{
  g_autoptr(FdConnection) conn = fd_connection_new (fd_test_server_get_url (server));
  g_autoptr(GAsyncResult) result = NULL;

  /* Fast retries keep the restart test short. */
  fd_connection_set_backoff (conn, 50, 400);
  fd_connection_sign_in_async (conn, email, password, NULL, on_done_cb, &result);
  if (!fd_connection_sign_in_finish (conn, wait_result (&result, "sign-in"), error))
    return NULL;
  return g_steal_pointer (&conn);
}

static void
sign_out (FdConnection *conn)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fd_connection_sign_out_async (conn, NULL, on_done_cb, &result);
  g_assert_true (fd_connection_sign_out_finish (conn, wait_result (&result, "sign-out"), &error));
  g_assert_no_error (error);
  g_assert_cmpint (fd_connection_get_state (conn), ==, FD_CONNECTION_STATE_DISCONNECTED);
  g_assert_null (fd_connection_get_token (conn));
}

/* Joins every queue and becomes available, as the app does on start-up. */
static void
get_ready (FdConnection *conn)
{
  FdQueueModel *queues = fd_session_get_queue_model (fd_connection_get_session (conn));
  g_autoptr(GAsyncResult) acd = NULL;
  g_autoptr(GError) error = NULL;

  wait_for (has_queues, conn, "the snapshot's queues");
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queues)); i++)
    {
      g_autoptr(FdQueueItem) queue = g_list_model_get_item (G_LIST_MODEL (queues), i);
      g_autoptr(GAsyncResult) result = NULL;

      fd_connection_set_joined_async (conn, fd_queue_item_get_id (queue), TRUE, NULL, on_done_cb, &result);
      g_assert_true (fd_connection_set_joined_finish (conn, wait_result (&result, "join"), &error));
      g_assert_no_error (error);
      g_assert_true (fd_queue_item_get_joined (queue));
      g_assert_cmpint (fd_queue_item_get_members_joined (queue), >=, 1);
    }
  fd_connection_set_acd_async (conn, FD_ACD_AVAILABLE, NULL, NULL, on_done_cb, &acd);
  g_assert_true (fd_connection_set_acd_finish (conn, wait_result (&acd, "set-acd"), &error));
  g_assert_no_error (error);
}

static void
test_backoff (void)
{
  /* 0.5 s doubling to 30 s, ±20 %. */
  g_assert_cmpuint (fd_connection_backoff_delay (500, 30000, 0, 0.5), ==, 500);
  g_assert_cmpuint (fd_connection_backoff_delay (500, 30000, 1, 0.5), ==, 1000);
  g_assert_cmpuint (fd_connection_backoff_delay (500, 30000, 5, 0.5), ==, 16000);
  g_assert_cmpuint (fd_connection_backoff_delay (500, 30000, 6, 0.5), ==, 30000);
  g_assert_cmpuint (fd_connection_backoff_delay (500, 30000, 1000, 0.5), ==, 30000);
  g_assert_cmpuint (fd_connection_backoff_delay (500, 30000, 0, 0.0), ==, 400);
  g_assert_cmpuint (fd_connection_backoff_delay (500, 30000, 0, 1.0), ==, 600);
  g_assert_cmpuint (fd_connection_backoff_delay (500, 30000, 6, 0.0), ==, 24000);
  g_assert_cmpuint (fd_connection_backoff_delay (500, 30000, 6, 1.0), ==, 36000);
  /* Out-of-range randomness is clamped; a delay is never 0. */
  g_assert_cmpuint (fd_connection_backoff_delay (500, 30000, 0, 7.0), ==, 600);
  g_assert_cmpuint (fd_connection_backoff_delay (1, 1, 0, 0.0), ==, 1);
  for (guint i = 0; i < 1000; i++)
    {
      guint d = fd_connection_backoff_delay (500, 30000, i % 10, g_random_double ());

      g_assert_cmpuint (d, >=, 400);
      g_assert_cmpuint (d, <=, 36000);
    }
}

static void
test_wrong_password (void)
{
  g_autoptr(FdTestServer) server = start_demo_server ();
  g_autoptr(GError) error = NULL;
  FdConnection *conn;

  conn = sign_in (server, FD_TEST_JENNA_EMAIL, "not-her-password", &error);
  g_assert_null (conn);
  g_assert_error (error, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_unreachable (void)
{
  g_autoptr(FdTestServer) server = start_demo_server ();
  g_autofree char *url = g_strdup (fd_test_server_get_url (server));
  g_autoptr(FdConnection) conn = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fd_test_server_stop (server);
  conn = fd_connection_new (url);
  fd_connection_sign_in_async (conn, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD, NULL, on_done_cb, &result);
  g_assert_false (fd_connection_sign_in_finish (conn, wait_result (&result, "sign-in"), &error));
  g_assert_error (error, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_NETWORK);
  g_assert_cmpint (fd_connection_get_state (conn), ==, FD_CONNECTION_STATE_DISCONNECTED);
}

static void
test_signed_out_requests (void)
{
  g_autoptr(FdConnection) conn = fd_connection_new ("http://127.0.0.1:1");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConversation) conv = NULL;

  fd_connection_reserve_async (conn, 42, NULL, on_done_cb, &result);
  conv = fd_connection_reserve_finish (conn, wait_result (&result, "reserve"), &error);
  g_assert_null (conv);
  g_assert_error (error, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_SIGNED_OUT);
  g_assert_cmpuint (fd_connection_get_n_pending (conn), ==, 0);
}

static void
test_wire_error (void)
{
  g_autoptr(FdTestServer) server = start_demo_server ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConnection) conn = sign_in (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD, &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FdConversation) conv = NULL;

  g_assert_no_error (error);
  /* The first connection after sign-in is "connecting", not a reconnection. */
  g_assert_cmpint (fd_connection_get_state (conn), ==, FD_CONNECTION_STATE_CONNECTING);
  wait_for (is_connected, conn, "the connection");
  fd_connection_reserve_async (conn, 999999, NULL, on_done_cb, &result);
  conv = fd_connection_reserve_finish (conn, wait_result (&result, "reserve"), &error);
  g_assert_null (conv);
  /* The server's code and sentence, whichever of the two it picks. */
  g_assert_true (g_error_matches (error, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_NOT_FOUND) ||
                 g_error_matches (error, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_INVALID_STATE));
  g_assert_cmpstr (error->message, !=, "");
  sign_out (conn);
}

static void
on_signed_out_cb (FdConnection *conn,
                  const GError *error,
                  GError      **out)
{
  g_assert_null (*out);
  *out = g_error_copy (error);
}

static gboolean
is_disconnected (gpointer data)
{
  return fd_connection_get_state (data) == FD_CONNECTION_STATE_DISCONNECTED;
}

static void
test_revoked_token (void)
{
  g_autoptr(FdTestServer) server = start_demo_server ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) signed_out = NULL;
  FdConnection *conn = sign_in (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD, &error);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FdConversation) conv = NULL;
  guint status = 0;

  g_assert_no_error (error);
  wait_for (is_connected, conn, "the connection");
  g_signal_connect (conn, "signed-out", G_CALLBACK (on_signed_out_cb), &signed_out);

  /* The session is revoked elsewhere (another sign-out with the token). */
  answer = fd_test_http_request (server, fd_connection_get_token (conn), "DELETE",
                                 "/api/agent/v1/sessions/current", NULL, &status);
  g_assert_cmpuint (status, ==, 204);
  wait_for (is_disconnected, conn, "the connection to give up");
  g_assert_error (signed_out, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_UNAUTHORIZED);

  /* No retrying with a dead token, and requests fail at once. */
  fd_connection_reserve_async (conn, 1, NULL, on_done_cb, &result);
  conv = fd_connection_reserve_finish (conn, wait_result (&result, "reserve"), &error);
  g_assert_null (conv);
  g_assert_error (error, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_SIGNED_OUT);
  g_clear_object (&result);
  g_assert_finalize_object (conn);
}

static guint
count_messages (FdVisitorWelcome *welcome,
                const char       *text)
{
  guint n = 0;

  for (guint i = 0; welcome->messages != NULL && i < welcome->messages->len; i++)
    {
      FdMessage *message = g_ptr_array_index (welcome->messages, i);

      if (g_strcmp0 (message->text, text) == 0)
        n++;
    }
  return n;
}

static void
on_token_rotated_cb (FdConnection *conn,
                     const char   *token,
                     char        **out)
{
  g_free (*out);
  *out = g_strdup (token);
}

static gboolean
has_string (gpointer data)
{
  return *(char **) data != NULL;
}

static gboolean
time_passed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

/* A session past half its life is rotated at the next hello: the app
 * takes the welcome's token at once (and announces it, for the keyring).
 * When the session expires, the server closes the socket and the app shows
 * why; an expired token at the handshake says the same. */
static void
test_token_rotation_and_expiry (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) signed_out = NULL;
  g_autofree char *rotated = NULL;
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  FdConnection *conn;
  gint64 half_life;

  fd_test_server_add_args (server, "--demo", "--session-lifetime", "6", NULL);
  fd_test_server_start (server);
  conn = sign_in (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD, &error);
  g_assert_no_error (error);
  wait_for (is_connected, conn, "the connection");
  first = g_strdup (fd_connection_get_token (conn));
  g_signal_connect (conn, "token-rotated", G_CALLBACK (on_token_rotated_cb), &rotated);
  g_signal_connect (conn, "signed-out", G_CALLBACK (on_signed_out_cb), &signed_out);

  /* Past half the lifetime, a reconnection's hello rotates the token. */
  half_life = g_get_monotonic_time () + 3100 * 1000;
  wait_for (time_passed, &half_life, "half the session's life");
  again = g_strdup (fd_connection_get_token (conn));
  fd_connection_start (conn, again);
  wait_for (has_string, &rotated, "the rotated token");
  g_assert_cmpstr (rotated, !=, first);
  g_assert_cmpstr (fd_connection_get_token (conn), ==, rotated);
  wait_for (is_connected, conn, "the connection under the new token");

  /* The new token expires in turn: the socket closes with the reason. */
  wait_for (is_disconnected, conn, "the session to expire");
  g_assert_error (signed_out, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (signed_out->message, ==, "Your session expired; sign in again.");

  /* At the handshake, the refusal's challenge carries the same sentence. */
  g_clear_error (&signed_out);
  fd_connection_start (conn, first);
  wait_for (is_disconnected, conn, "the expired token to be refused");
  g_assert_error (signed_out, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (signed_out->message, ==, "Your session expired; sign in again.");
  g_assert_finalize_object (conn);
}

static void
test_offer_reserve_restart (void)
{
  g_autoptr(FdTestServer) server = start_demo_server ();
  g_autoptr(GError) error = NULL;
  FdConnection *conn = sign_in (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD, &error);
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(GAsyncResult) reserved = NULL;
  g_autoptr(GAsyncResult) sent = NULL;
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(FdMessage) message = NULL;
  FdActivityModel *model;
  FdConversationItem *row;
  FdVisitorWelcome *welcome;
  RowWait w;
  gint64 seq_before;

  g_assert_no_error (error);
  g_assert_nonnull (fd_connection_get_token (conn));
  g_assert_cmpstr (fd_connection_get_agent (conn)->email, ==, FD_TEST_JENNA_EMAIL);
  wait_for (is_connected, conn, "the connection");
  get_ready (conn);
  model = fd_session_get_activity_model (fd_connection_get_session (conn));

  /* A visitor starts a chat over HTTP: it reaches Jenna as an offer. */
  visitor = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, "Natalie Maines");
  w.connection = conn;
  w.id = visitor->conversation_id;
  wait_for (has_row, &w, "the offer in the Activity List");
  row = fd_activity_model_lookup (model, visitor->conversation_id);
  g_assert_false (fd_conversation_item_get_reserved (row));
  g_assert_cmpstr (fd_conversation_item_get_activity (row), ==, "WebChat");
  g_assert_cmpstr (fd_conversation_item_get_status (row), ==, "Unreserved");
  g_assert_cmpstr (fd_conversation_item_get_from (row), ==, "Natalie Maines");
  g_assert_true (g_str_has_prefix (fd_conversation_item_get_to (row), "Kakapo Systems"));
  /* The demo's first phase bounces after 30 s. */
  g_assert_cmpint (fd_conversation_item_get_bounce_remaining (row), >, 0);
  g_assert_cmpint (fd_conversation_item_get_bounce_remaining (row), <=, 30);

  fd_connection_reserve_async (conn, visitor->conversation_id, NULL, on_done_cb, &reserved);
  conv = fd_connection_reserve_finish (conn, wait_result (&reserved, "reserve"), &error);
  g_assert_no_error (error);
  g_assert_nonnull (conv);
  g_assert_cmpint (conv->state, ==, FD_CONVERSATION_RESERVED);
  /* Events come before the ack: the row already shows it. */
  g_assert_true (fd_activity_model_lookup (model, visitor->conversation_id) == row);
  g_assert_true (fd_conversation_item_get_reserved (row));
  g_assert_cmpstr (fd_conversation_item_get_status (row), ==, "Reserved");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);

  /* The server dies. */
  seq_before = fd_connection_get_last_seq (conn);
  g_assert_cmpint (seq_before, >, 0);
  fd_test_server_kill (server);
  wait_for (is_not_connected, conn, "the connection to notice the drop");
  g_assert_cmpint (fd_connection_get_state (conn), ==, FD_CONNECTION_STATE_RECONNECTING);

  /* Offline: the reply is queued, not lost. */
  fd_connection_send_message_async (conn, visitor->conversation_id, "Hello, how can I help?",
                                    NULL, on_done_cb, &sent);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (sent);
  g_assert_cmpuint (fd_connection_get_n_pending (conn), ==, 1);

  /* The server comes back on the same port with the same database. */
  fd_test_server_start (server);
  message = fd_connection_send_message_finish (conn, wait_result (&sent, "the queued message"), &error);
  g_assert_no_error (error);
  g_assert_nonnull (message);
  g_assert_cmpint (message->id, >, 0);
  g_assert_nonnull (message->client_id);
  g_assert_cmpint (fd_connection_get_state (conn), ==, FD_CONNECTION_STATE_CONNECTED);
  g_assert_cmpuint (fd_connection_get_n_pending (conn), ==, 0);
  g_assert_cmpint (fd_connection_get_last_seq (conn), >=, seq_before);

  /* Neither lost nor doubled: one row, still reserved. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  row = fd_activity_model_lookup (model, visitor->conversation_id);
  g_assert_nonnull (row);
  g_assert_true (fd_conversation_item_get_reserved (row));

  /* The visitor sees the reply exactly once. */
  welcome = fd_test_visitor_connect (visitor);
  g_assert_cmpuint (count_messages (welcome, "Hello, how can I help?"), ==, 1);
  fd_test_visitor_disconnect (visitor);

  sign_out (conn);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  /* The results hold their source object. */
  g_clear_object (&reserved);
  g_clear_object (&sent);
  g_assert_finalize_object (conn);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agent/connection/backoff", test_backoff);
  g_test_add_func ("/agent/connection/wrong-password", test_wrong_password);
  g_test_add_func ("/agent/connection/unreachable", test_unreachable);
  g_test_add_func ("/agent/connection/signed-out-requests", test_signed_out_requests);
  g_test_add_func ("/agent/connection/wire-error", test_wire_error);
  g_test_add_func ("/agent/connection/revoked-token", test_revoked_token);
  g_test_add_func ("/agent/connection/token-rotation-and-expiry", test_token_rotation_and_expiry);
  g_test_add_func ("/agent/connection/offer-reserve-restart", test_offer_reserve_restart);

  return g_test_run ();
}
