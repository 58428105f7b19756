#define G_LOG_DOMAIN "rel-storm"

/* Reconnect storm (docs/reliability.md): 2,000 agent websockets past
 * hello are dropped at once (the client sockets closed without a close
 * frame, as a network loss would), events happen while they are away, and
 * all of them reconnect at the same moment with hello(last_seq). Each must
 * resync exactly: ack with resumed, then the events after its last_seq that
 * its agent may see, in order, none missing, none twice — the same events a
 * witness socket of the same agent that stayed connected received. The
 * figure is the time from the drop to the last socket resynced, beside an
 * anchor measured in the same run: 2,000 ping/pong round trips on one agent
 * socket. */

#include "rel-common.h"

#define N_AGENTS          20
#define SOCKETS_PER_AGENT 100
#define N_SOCKETS         (N_AGENTS * SOCKETS_PER_AGENT)
/* Sockets from one source address (the server may limit per address). */
#define PER_ADDRESS       100
#define N_CHATS           10
/* Before the storm, sockets connect a few at a time: that part is setup. */
#define CONNECT_WAVE      10
#define STORM_DEADLINE_S  60
#define N_ROUND_TRIPS     2000
#define RETRY_DELAY_MS    250

typedef struct _Storm Storm;

typedef struct {
  Storm                   *storm;
  guint                    index;
  guint                    agent;
  SoupWebsocketConnection *conn;
  gboolean                 reconnecting;   /* the storm phase */
  gboolean                 connecting;
  gboolean                 hello_acked;
  gboolean                 resumed;
  gint64                   last_seq;       /* highest event seq received */
  gint64                   drop_seq;       /* last_seq when dropped */
  GArray                  *seqs;           /* gint64: events after the reconnect */
  double                   done_at;        /* resynced (0 = not yet) */
  char                    *failure;
} StormSocket;

struct _Storm {
  FdTestServer *server;
  GCancellable *cancellable;           /* handshakes still under way at the end */
  SoupSession  *sessions[N_SOCKETS / PER_ADDRESS];
  FdTestAgent  *agents[N_AGENTS];      /* with the witness sockets */
  StormSocket   sockets[N_SOCKETS];
  GArray       *expected[N_AGENTS];    /* gint64: the witness's seqs after the drop */
  gint64        drop_seq[N_AGENTS];
  guint         n_hello;               /* hello acked in the current phase */
  guint         n_done;
  guint         n_failed;
  guint         n_retries;             /* handshakes tried again after a failure */
  double        retry_until;           /* no retries after this */
};

static const char storm_site_head[] =
  "{\"format\":\"frontdesk-site\",\"version\":1,"
  "\"organization\":{\"name\":\"Storm Org\",\"reserve_acd\":\"keep\"},\"agents\":[";
static const char storm_site_tail[] =
  "],\"queues\":[{\"name\":\"Storm Queue\",\"members\":[%s]}],"
  "\"streams\":[{\"kind\":\"webchat\",\"name\":\"Storm Chat\",\"queue\":\"Storm Queue\","
  "\"key\":\"storm-chat\",\"departments\":[],\"allowed_origins\":[],"
  "\"phases\":[{\"strategy\":\"ring-all\",\"agents\":[],\"bounce_seconds\":0,\"duration_seconds\":0}]}],"
  "\"canned_replies\":[],\"resources\":[]}";

static char *
storm_site (void)
{
  GString *site = g_string_new (storm_site_head);
  GString *members = g_string_new ("");

  for (guint i = 0; i < N_AGENTS; i++)
    {
      g_string_append_printf (site, "%s{\"email\":\"storm%u@storm.example\",\"name\":\"Storm %u\","
                              "\"role\":\"agent\",\"password\":\"storm-password-%u\"}",
                              i ? "," : "", i, i, i);
      g_string_append_printf (members, "%s\"storm%u@storm.example\"", i ? "," : "", i);
    }
  g_string_append_printf (site, storm_site_tail, members->str);
  g_string_free (members, TRUE);
  return g_string_free (site, FALSE);
}

static gint64
count_upto (GArray *seqs,
            gint64  max)
{
  gint64 n = 0;

  for (guint i = 0; i < seqs->len; i++)
    if (g_array_index (seqs, gint64, i) <= max)
      n++;
  return n;
}

static void
fail (StormSocket *s,
      const char  *what)
{
  if (s->failure != NULL)
    return;
  s->failure = g_strdup (what);
  s->storm->n_failed++;
}

/* Resynced once the hello is acked and every expected event has come. */
static void
check_done (StormSocket *s)
{
  GArray *expected = s->storm->expected[s->agent];
  gint64 max;

  if (!s->reconnecting || s->done_at > 0 || !s->hello_acked || s->failure != NULL)
    return;
  max = expected->len ? g_array_index (expected, gint64, expected->len - 1) : 0;
  if (count_upto (s->seqs, max) >= (gint64) expected->len)
    {
      s->done_at = rel_now ();
      s->storm->n_done++;
    }
}

static void
on_message_cb (SoupWebsocketConnection *conn,
               gint                     type,
               GBytes                  *message,
               gpointer                 user_data)
{
  StormSocket *s = user_data;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);
  g_autoptr(FdFrame) frame = fd_frame_decode (FD_FRAMES_AGENT_SERVER, data, len, &error);

  if (frame == NULL)
    {
      fail (s, "a frame that does not decode");
      return;
    }
  if (frame->type == FD_FRAME_ACK && frame->ack_for == FD_FRAME_HELLO)
    {
      const FdWelcome *welcome = frame->body;

      s->hello_acked = TRUE;
      s->resumed = welcome->resumed;
      s->last_seq = MAX (s->last_seq, welcome->seq);
      s->storm->n_hello++;
      if (s->reconnecting && !s->resumed)
        fail (s, "not resumed (snapshot)");
    }
  else if (frame->type == FD_FRAME_ERROR)
    fail (s, "an error frame");
  else if (fd_frame_type_get_role (frame->type) == FD_FRAME_ROLE_EVENT)
    {
      s->last_seq = MAX (s->last_seq, frame->seq);
      if (s->reconnecting && frame->type != FD_FRAME_SNAPSHOT)
        g_array_append_val (s->seqs, frame->seq);
    }
  check_done (s);
}

static void
on_closed_cb (SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  fail (user_data, "closed by the server");
}

static void start_connect (StormSocket *s);

static void
on_retry_cb (gpointer user_data)
{
  start_connect (user_data);
}

static void
on_connect_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  StormSocket *s = user_data;
  g_autoptr(GError) error = NULL;
  FdHello *hello;
  g_autoptr(FdFrame) frame = NULL;
  g_autofree char *text = NULL;

  s->connecting = FALSE;
  s->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (s->conn == NULL)
    {
      g_autofree char *what = g_strdup_printf ("handshake failed: %s", error->message);

      /* As the app does: try again shortly, until the deadline. */
      if (s->reconnecting && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          rel_now () + RETRY_DELAY_MS / 1000.0 < s->storm->retry_until)
        {
          s->storm->n_retries++;
          g_timeout_add_once (RETRY_DELAY_MS, on_retry_cb, s);
          return;
        }
      fail (s, what);
      return;
    }
  soup_websocket_connection_set_max_incoming_payload_size (s->conn, FD_LIMIT_SERVER_FRAME_SIZE);
  soup_websocket_connection_set_keepalive_interval (s->conn, 0);
  g_signal_connect (s->conn, "message", G_CALLBACK (on_message_cb), s);
  g_signal_connect (s->conn, "closed", G_CALLBACK (on_closed_cb), s);

  hello = fd_hello_new ();
  hello->protocol = FD_PROTOCOL_VERSION;
  hello->last_seq = s->reconnecting ? s->drop_seq : 0;
  hello->client = g_strdup ("frontdesk-reliability/storm");
  frame = fd_frame_new_request (FD_FRAME_HELLO, "h", hello);
  text = fd_frame_encode (frame, NULL);
  soup_websocket_connection_send_text (s->conn, text);
}

static void
start_connect (StormSocket *s)
{
  Storm *storm = s->storm;
  g_autofree char *url = g_strconcat (fd_test_server_get_ws_url (storm->server), "/api/agent/v1/socket", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *auth = g_strconcat ("Bearer ", storm->agents[s->agent]->token, NULL);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  s->connecting = TRUE;
  s->hello_acked = FALSE;
  soup_session_websocket_connect_async (storm->sessions[s->index / PER_ADDRESS], msg, NULL, NULL,
                                        G_PRIORITY_DEFAULT, storm->cancellable, on_connect_cb, s);
}

/* A network loss: no close frame, the descriptor just goes. */
static void
drop (StormSocket *s)
{
  if (s->conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (s->conn, s);
  g_clear_object (&s->conn);
}

static gboolean
all_hello (gpointer data)
{
  Storm *storm = data;

  return storm->n_hello + storm->n_failed >= N_SOCKETS;
}

/* Iterates until @pred holds or @seconds pass. */
static gboolean
pump_while (gboolean (*pred) (gpointer),
            gpointer  data,
            double    seconds)
{
  double deadline = rel_now () + seconds;

  while (!pred (data) && rel_now () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return pred (data);
}

/* Lets the witness sockets take in what is on its way: until none received
 * anything for @quiet_ms (at most @max_ms). */
static void
settle_witnesses (Storm *storm,
                  guint  quiet_ms,
                  guint  max_ms)
{
  double deadline = rel_now () + max_ms / 1000.0;

  while (rel_now () < deadline)
    {
      guint before = 0, after = 0;

      for (guint a = 0; a < N_AGENTS; a++)
        before += fd_test_socket_get_seqs (storm->agents[a]->socket)->len;
      rel_pump (quiet_ms);
      for (guint a = 0; a < N_AGENTS; a++)
        after += fd_test_socket_get_seqs (storm->agents[a]->socket)->len;
      if (after == before)
        return;
    }
}

static gboolean
is_pong (const FdFrame *frame,
         gpointer       user_data)
{
  return frame->type == FD_FRAME_PONG;
}

/* The anchor: @n ping → pong round trips, one after the other. */
static double
round_trips (FdTestAgent *agent,
             guint        n)
{
  double start = rel_now ();

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = fd_test_agent_send_request (agent, FD_FRAME_PING, NULL);
      g_autoptr(FdFrame) pong = fd_test_socket_wait_match (agent->socket, is_pong, NULL,
                                                           FD_TEST_TIMEOUT_MS, "a pong");
    }
  return rel_now () - start;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree Storm *storm = g_new0 (Storm, 1);
  g_autofree char *site = storm_site ();
  g_autofree double *times = g_new0 (double, N_SOCKETS);
  GHashTable *failures = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_times = 0, exact = 0, mismatched = 0, events_expected = 0;
  double t_connect, t_drop, t_reconnect, t_last = 0, anchor;
  gint64 org_id, queue_id;

  rel_init (&argc, &argv, "storm");
  g_setenv ("FRONTDESKD_VISITOR_LIMITS", "create=100000/100000", TRUE);
  storm->server = fd_test_server_new ();
  rel_server_add_option (storm->server, "--max-connections-per-address", "1000");
  fd_test_server_start (storm->server);
  org_id = fd_test_admin_import_site (storm->server, site);
  queue_id = fd_test_admin_find_id (storm->server, org_id, "queues", "Storm Queue");
  storm->cancellable = g_cancellable_new ();

  for (guint a = 0; a < N_AGENTS; a++)
    {
      g_autofree char *email = g_strdup_printf ("storm%u@storm.example", a);
      g_autofree char *password = g_strdup_printf ("storm-password-%u", a);
      storm->agents[a] = fd_test_agent_sign_in (storm->server, email, password);
      fd_test_agent_connect (storm->agents[a]);
      fd_test_agent_join (storm->agents[a], queue_id);
      storm->expected[a] = g_array_new (FALSE, FALSE, sizeof (gint64));
    }
  for (guint i = 0; i < G_N_ELEMENTS (storm->sessions); i++)
    {
      g_autofree char *source = rel_source_address (i);
      g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (source);
      g_autoptr(GSocketAddress) local = g_inet_socket_address_new (inet, 0);

      storm->sessions[i] = soup_session_new_with_options ("local-address", local,
                                                          "max-conns", N_SOCKETS,
                                                          "max-conns-per-host", N_SOCKETS,
                                                          "timeout", 30,
                                                          NULL);
    }

  anchor = round_trips (storm->agents[0], N_ROUND_TRIPS);
  g_print ("   anchor: %u ping/pong round trips in %.3f s\n", N_ROUND_TRIPS, anchor);

  /* Connect all, a wave at a time. */
  t_connect = rel_now ();
  for (guint i = 0; i < N_SOCKETS; i++)
    {
      StormSocket *s = &storm->sockets[i];

      s->storm = storm;
      s->index = i;
      s->agent = i / SOCKETS_PER_AGENT;
      s->seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
      start_connect (s);
      if ((i + 1) % CONNECT_WAVE == 0)
        {
          guint target = i + 1;
          double deadline = rel_now () + 30;

          while (storm->n_hello + storm->n_failed < target && rel_now () < deadline)
            g_main_context_iteration (NULL, TRUE);
        }
    }
  pump_while (all_hello, storm, 30);
  t_connect = rel_now () - t_connect;
  g_print ("   %u sockets connected and past hello in %.2f s (%u failed)\n", storm->n_hello, t_connect,
           storm->n_failed);
  rel_set_double ("connect_s", t_connect);
  rel_set_int ("connected", storm->n_hello);
  if (storm->n_failed > 0)
    {
      for (guint i = 0; i < N_SOCKETS; i++)
        if (storm->sockets[i].failure != NULL)
          {
            rel_note ("before the storm, socket %u: %s", i, storm->sockets[i].failure);
            break;
          }
    }
  settle_witnesses (storm, 300, 5000);
  rel_pump (200);

  /* The drop. */
  t_drop = rel_now ();
  for (guint a = 0; a < N_AGENTS; a++)
    storm->drop_seq[a] = fd_test_agent_get_last_seq (storm->agents[a]);
  for (guint i = 0; i < N_SOCKETS; i++)
    {
      StormSocket *s = &storm->sockets[i];

      s->drop_seq = s->last_seq;
      s->reconnecting = TRUE;
      drop (s);
    }
  storm->n_hello = 0;
  storm->n_failed = 0;
  for (guint i = 0; i < N_SOCKETS; i++)
    g_clear_pointer (&storm->sockets[i].failure, g_free);

  /* What happens meanwhile: new chats, offered to every agent. */
  for (guint c = 0; c < N_CHATS; c++)
    {
      g_autofree char *name = g_strdup_printf ("Storm visitor %u", c);

      fd_test_visitor_free (fd_test_visitor_start (storm->server, "storm-chat", name));
    }
  settle_witnesses (storm, 300, 5000);
  for (guint a = 0; a < N_AGENTS; a++)
    {
      GArray *seen = fd_test_socket_get_seqs (storm->agents[a]->socket);

      for (guint k = 0; k < seen->len; k++)
        if (g_array_index (seen, gint64, k) > storm->drop_seq[a])
          g_array_append_val (storm->expected[a], g_array_index (seen, gint64, k));
      events_expected += storm->expected[a]->len;
    }

  /* The storm: everyone at once. */
  t_reconnect = rel_now ();
  storm->retry_until = t_reconnect + STORM_DEADLINE_S - 5;
  for (guint i = 0; i < N_SOCKETS; i++)
    {
      StormSocket *s = &storm->sockets[i];

      start_connect (s);
    }
  {
    double deadline = rel_now () + STORM_DEADLINE_S;

    while (storm->n_done + storm->n_failed < N_SOCKETS && rel_now () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  for (guint i = 0; i < N_SOCKETS; i++)
    if (storm->sockets[i].done_at > 0)
      {
        times[n_times++] = storm->sockets[i].done_at - t_drop;
        t_last = MAX (t_last, storm->sockets[i].done_at);
      }

  /* Exactness, once the live events settled: the same events as the
   * witness after the drop, in the same order, none twice. */
  settle_witnesses (storm, 500, 5000);
  for (guint i = 0; i < N_SOCKETS; i++)
    {
      StormSocket *s = &storm->sockets[i];
      GArray *witness = fd_test_socket_get_seqs (storm->agents[s->agent]->socket);
      guint k = 0;
      gboolean same = TRUE;

      if (s->failure != NULL || s->done_at == 0)
        {
          const char *why = s->failure ? s->failure : "not resynced before the deadline";

          g_hash_table_insert (failures, (gpointer) why,
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (failures, why)) + 1));
          continue;
        }
      for (guint w = 0; w < witness->len; w++)
        {
          gint64 seq = g_array_index (witness, gint64, w);

          if (seq <= s->drop_seq)
            continue;
          if (k >= s->seqs->len || g_array_index (s->seqs, gint64, k) != seq)
            {
              same = FALSE;
              break;
            }
          k++;
        }
      if (same && k == s->seqs->len)
        exact++;
      else
        mismatched++;
    }

  rel_set_int ("sockets", N_SOCKETS);
  rel_set_int ("agents", N_AGENTS);
  rel_set_int ("missed_events_per_socket", N_AGENTS ? events_expected / N_AGENTS : 0);
  rel_set_int ("resynced_exactly", exact);
  rel_set_int ("mismatched", mismatched);
  rel_set_int ("not_resynced", N_SOCKETS - exact - mismatched);
  rel_set_int ("handshake_retries", storm->n_retries);
  rel_set_double ("anchor_round_trips_s", anchor);
  rel_set_int ("anchor_round_trips", N_ROUND_TRIPS);
  rel_set_double ("events_while_away_s", t_reconnect - t_drop);
  if (n_times > 0)
    {
      rel_set_double ("drop_to_last_s", t_last - t_drop);
      rel_set_double ("reconnect_to_last_s", t_last - t_reconnect);
      rel_set_double ("median_s", rel_median (times, n_times));
    }
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, failures);
    while (g_hash_table_iter_next (&iter, &key, &value))
      rel_note ("%u sockets: %s", GPOINTER_TO_UINT (value), (const char *) key);
  }
  g_print ("   %u events per agent while away (%.2f s to make them)\n",
           N_AGENTS ? events_expected / N_AGENTS : 0, t_reconnect - t_drop);
  g_print ("   %u of %u resynced exactly, %u with other events, %u not resynced; %u handshakes retried\n",
           exact, N_SOCKETS, mismatched, N_SOCKETS - exact - mismatched, storm->n_retries);
  if (n_times > 0)
    g_print ("   drop -> last resync %.2f s (reconnect -> last %.2f s, median from the drop %.2f s); "
             "anchor %.3f s, ratio %.1f\n", t_last - t_drop, t_last - t_reconnect,
             rel_median (times, n_times), anchor, (t_last - t_drop) / anchor);

  g_cancellable_cancel (storm->cancellable);
  rel_pump (100);
  for (guint i = 0; i < N_SOCKETS; i++)
    {
      drop (&storm->sockets[i]);
      g_array_unref (storm->sockets[i].seqs);
      g_free (storm->sockets[i].failure);
    }
  rel_pump (100);
  for (guint a = 0; a < N_AGENTS; a++)
    {
      fd_test_agent_free (storm->agents[a]);
      g_array_unref (storm->expected[a]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (storm->sessions); i++)
    g_object_unref (storm->sessions[i]);
  g_hash_table_unref (failures);
  g_object_unref (storm->cancellable);
  fd_test_server_free (storm->server);
  return rel_finish ();
}
