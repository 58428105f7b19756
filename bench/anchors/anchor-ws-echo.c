/* anchor-ws-echo: the loopback websocket echo, the anchor of every
 * delivery figure (docs/performance.md). A libsoup SoupServer echoes each
 * text message on a websocket; a libsoup client in the same process, on
 * the same main loop, sends one message of about a chat frame's size (200
 * bytes), waits for its echo, and sends the next: N round trips, each
 * timed. What a frame costs through the same libraries, kernel and CPU as
 * frontdeskd's sockets, with none of its work.
 *
 * Usage: anchor-ws-echo [--small] [--rounds N]
 * Prints FIGURE anchor.ws_echo_p50_ms and anchor.ws_echo_p99_ms. */
#include "anchor-common.h"

#include <libsoup/soup.h>
#include <string.h>

#define ROUNDS       20000
#define SMALL_ROUNDS 200
#define WARM_UP      100

typedef struct {
  GMainLoop               *loop;
  SoupWebsocketConnection *client;
  SoupWebsocketConnection *server_side;
  GBytes                  *payload;
  double                  *times;
  guint                    rounds;
  guint                    done;    /* round trips completed, warm-up included */
  gint64                   sent_at;
  GError                  *error;
} Echo;

static void
on_server_message (SoupWebsocketConnection *connection,
                   int                      type,
                   GBytes                  *message,
                   gpointer                 user_data)
{
  soup_websocket_connection_send_message (connection, type, message);
}

static void
on_websocket (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *connection,
              gpointer                 user_data)
{
  Echo *echo = user_data;

  /* One client: the echo keeps its end until both ends have closed. */
  g_clear_object (&echo->server_side);
  echo->server_side = g_object_ref (connection);
  g_signal_connect (connection, "message", G_CALLBACK (on_server_message), NULL);
}

static void
send_one (Echo *echo)
{
  echo->sent_at = g_get_monotonic_time ();
  soup_websocket_connection_send_message (echo->client, SOUP_WEBSOCKET_DATA_TEXT, echo->payload);
}

static void
on_client_message (SoupWebsocketConnection *connection,
                   int                      type,
                   GBytes                  *message,
                   gpointer                 user_data)
{
  Echo *echo = user_data;
  double ms = (g_get_monotonic_time () - echo->sent_at) / 1e3;

  /* A correctness check: the echo is what was sent. */
  if (!g_bytes_equal (message, echo->payload))
    {
      g_set_error_literal (&echo->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the echo differs from the message");
      g_main_loop_quit (echo->loop);
      return;
    }
  if (echo->done >= WARM_UP)
    echo->times[echo->done - WARM_UP] = ms;
  if (++echo->done == echo->rounds + WARM_UP)
    {
      g_main_loop_quit (echo->loop);
      return;
    }
  send_one (echo);
}

static void
on_client_closed (SoupWebsocketConnection *connection,
                  gpointer                 user_data)
{
  Echo *echo = user_data;

  if (echo->done < echo->rounds + WARM_UP && echo->error == NULL)
    g_set_error_literal (&echo->error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the websocket closed early");
  g_main_loop_quit (echo->loop);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Echo *echo = user_data;

  echo->client = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &echo->error);
  if (echo->client == NULL)
    {
      g_main_loop_quit (echo->loop);
      return;
    }
  g_signal_connect (echo->client, "message", G_CALLBACK (on_client_message), echo);
  g_signal_connect (echo->client, "closed", G_CALLBACK (on_client_closed), echo);
  send_one (echo);
}

int
main (int argc, char **argv)
{
  gboolean small = FALSE;
  int rounds = 0;
  GOptionEntry entries[] = {
    { "small", 0, 0, G_OPTION_ARG_NONE, &small, "A few round trips (CI)", NULL },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Round trips to time (default 20000)", "N" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- the loopback websocket echo anchor");
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GSocket) listening = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) bind_address = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autofree char *url = NULL;
  g_autofree char *text = NULL;
  Echo echo = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (rounds < 0 || rounds > 10000000)
    {
      g_printerr ("--rounds must be between 1 and 10000000\n");
      return 2;
    }
  echo.rounds = rounds > 0 ? (guint) rounds : small ? SMALL_ROUNDS : ROUNDS;

  server = soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (server, "/echo", NULL, NULL, on_websocket, &echo, NULL);
  /* Our own listening socket: libsoup 3.2.3 leaks the address of a
   * listener it asks for its port (fixed upstream in c07ff61f, "soup-listener:
   * Fix memory leak of local_addr"), and the sanitizer run counts leaks. */
  listening = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  bind_address = g_inet_socket_address_new (loopback, 0);
  if (listening == NULL || !g_socket_bind (listening, bind_address, TRUE, &error) ||
      !g_socket_listen (listening, &error) ||
      (local = g_socket_get_local_address (listening, &error)) == NULL ||
      !soup_server_listen_socket (server, listening, 0, &error))
    {
      g_printerr ("cannot listen on loopback: %s\n", error->message);
      return 1;
    }
  url = g_strdup_printf ("ws://127.0.0.1:%u/echo", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));

  /* About a chat message frame of the agent protocol. */
  text = g_strnfill (200, 'x');
  echo.payload = g_bytes_new (text, strlen (text));
  echo.times = g_new0 (double, echo.rounds);
  echo.loop = g_main_loop_new (NULL, FALSE);
  session = soup_session_new ();
  msg = soup_message_new (SOUP_METHOD_GET, url);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, on_connected, &echo);
  g_main_loop_run (echo.loop);

  if (echo.error != NULL)
    {
      g_printerr ("anchor-ws-echo: %s\n", echo.error->message);
      return 1;
    }
  g_printerr ("anchor-ws-echo: %u round trips of %zu bytes on %s\n", echo.rounds, strlen (text), url);
  anchor_print_figure ("anchor.ws_echo_p50_ms", anchor_percentile (echo.times, echo.rounds, 50), "ms");
  anchor_print_figure ("anchor.ws_echo_p99_ms", anchor_percentile (echo.times, echo.rounds, 99), "ms");

  g_signal_handlers_disconnect_by_data (echo.client, &echo);
  soup_websocket_connection_close (echo.client, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  /* Let the close handshake finish at both ends so that nothing is left
   * behind. */
  while (soup_websocket_connection_get_state (echo.client) != SOUP_WEBSOCKET_STATE_CLOSED ||
         (echo.server_side != NULL &&
          soup_websocket_connection_get_state (echo.server_side) != SOUP_WEBSOCKET_STATE_CLOSED))
    g_main_context_iteration (NULL, TRUE);
  g_object_unref (echo.client);
  g_clear_object (&echo.server_side);
  soup_server_disconnect (server);
  g_bytes_unref (echo.payload);
  g_free (echo.times);
  g_main_loop_unref (echo.loop);
  return 0;
}
