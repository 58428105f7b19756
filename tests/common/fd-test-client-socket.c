#define G_LOG_DOMAIN "fd-test-client"

/* The test client's websockets (FdTestSocket): one opened, its frames
 * decoded and queued in order, the waits that take matching frames out of
 * the queue, its close. */

#include "fd-test-client-private.h"

/* The demo site allows this origin; browsers always send one. */
#define VISITOR_ORIGIN        "http://127.0.0.1:8080"

/* --- websockets ---------------------------------------------------------- */

static void
on_socket_message_cb (SoupWebsocketConnection *conn,
                      gint                     type,
                      GBytes                  *message,
                      gpointer                 user_data)
{
  FdTestSocket *self = user_data;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);
  FdFrame *frame;

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  frame = fd_frame_decode (self->set, data, len, &error);
  if (frame == NULL)
    g_error ("The server sent a frame that does not decode (%s): %.*s", error->message,
             (int) MIN (len, 400), data);
  if (fd_frame_type_get_role (frame->type) == FD_FRAME_ROLE_EVENT)
    {
      g_array_append_val (self->seqs, frame->seq);
      self->last_seq = MAX (self->last_seq, frame->seq);
    }
  g_queue_push_tail (&self->frames, frame);
}

static void
on_socket_closed_cb (SoupWebsocketConnection *conn,
                     gpointer                 user_data)
{
  FdTestSocket *self = user_data;

  self->closed = TRUE;
  self->close_code = soup_websocket_connection_get_close_code (conn);
  self->close_data = g_strdup (soup_websocket_connection_get_close_data (conn));
}

static void
on_socket_error_cb (SoupWebsocketConnection *conn,
                    GError                  *error,
                    gpointer                 user_data)
{
  FdTestSocket *self = user_data;

  if (self->error == NULL)
    self->error = g_error_copy (error);
}

FdTestSocket *
fd_test_socket_open (const char  *url,
                     FdFrameSet   set,
                     const char  *token,
                     guint       *out_status,
                     GError     **error)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GAsyncResult) result = NULL;
  SoupWebsocketConnection *conn;
  const char *origin = NULL;
  FdTestSocket *self;

  g_assert_nonnull (msg);
  if (set == FD_FRAMES_AGENT_SERVER && token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (set == FD_FRAMES_VISITOR_SERVER)
    origin = VISITOR_ORIGIN;

  soup_session_websocket_connect_async (session, msg, origin, NULL, G_PRIORITY_DEFAULT, NULL,
                                        fd_test_on_done_cb, &result);
  if (!fd_test_wait_until (fd_test_has_result, &result, FD_TEST_TIMEOUT_MS))
    g_error ("The websocket handshake at %s did not finish within %u ms", url, FD_TEST_TIMEOUT_MS);
  conn = soup_session_websocket_connect_finish (session, result, error);
  if (out_status != NULL)
    *out_status = soup_message_get_status (msg);
  if (conn == NULL)
    return NULL;

  self = g_new0 (FdTestSocket, 1);
  self->session = g_steal_pointer (&session);
  self->conn = conn;
  self->set = set;
  self->seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_queue_init (&self->frames);
  soup_websocket_connection_set_max_incoming_payload_size (conn, FD_LIMIT_SERVER_FRAME_SIZE);
  soup_websocket_connection_set_keepalive_interval (conn, 0);
  g_signal_connect (conn, "message", G_CALLBACK (on_socket_message_cb), self);
  g_signal_connect (conn, "closed", G_CALLBACK (on_socket_closed_cb), self);
  g_signal_connect (conn, "error", G_CALLBACK (on_socket_error_cb), self);
  return self;
}

static gboolean
is_closed (gpointer data)
{
  FdTestSocket *self = data;

  return self->closed;
}

void
fd_test_socket_free (FdTestSocket *self)
{
  if (self == NULL)
    return;

  if (!self->closed &&
      soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      soup_websocket_connection_close (self->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      /* Let the close handshake finish so that no callback runs later on
       * freed memory; a server that does not answer is cut off. */
      fd_test_wait_until (is_closed, self, 2000);
    }
  g_signal_handlers_disconnect_by_data (self->conn, self);
  g_clear_object (&self->conn);
  g_clear_object (&self->session);
  g_queue_clear_full (&self->frames, (GDestroyNotify) fd_frame_free);
  g_array_unref (self->seqs);
  g_free (self->close_data);
  g_clear_error (&self->error);
  g_free (self);
}

void
fd_test_socket_send (FdTestSocket  *self,
                     const FdFrame *frame)
{
  g_autofree char *text = fd_frame_encode (frame, NULL);

  fd_test_socket_send_text (self, text);
}

void
fd_test_socket_send_text (FdTestSocket *self,
                          const char   *text)
{
  g_assert_false (self->closed);
  soup_websocket_connection_send_text (self->conn, text);
}

typedef struct {
  FdTestSocket    *socket;
  FdFrameType      type;
  const char      *id;
  GList           *found;
  FdTestFrameFunc  func;
  gpointer         func_data;
} Match;

static gboolean
frame_matches (const FdFrame *frame,
               const Match   *m)
{
  if (m->func != NULL)
    return m->func (frame, m->func_data);
  if (m->id != NULL)
    return fd_frame_type_get_role (frame->type) == FD_FRAME_ROLE_REPLY &&
           g_strcmp0 (frame->id, m->id) == 0;
  return m->type == FD_FRAME_N_TYPES || frame->type == m->type;
}

static gboolean
find_match (gpointer data)
{
  Match *m = data;

  for (GList *l = m->socket->frames.head; l != NULL; l = l->next)
    if (frame_matches (l->data, m))
      {
        m->found = l;
        return TRUE;
      }
  /* A closed socket receives nothing more. */
  return m->socket->closed;
}

static FdFrame *
socket_take (FdTestSocket *self,
             Match        *m,
             guint         timeout_ms,
             const char   *what)
{
  FdFrame *frame;

  fd_test_wait_until (find_match, m, timeout_ms);
  if (m->found == NULL)
    {
      g_autoptr(GString) queued = g_string_new (NULL);

      /* Which frames came instead says what went wrong. */
      for (GList *l = self->frames.head; l != NULL; l = l->next)
        g_string_append_printf (queued, "%s%s", queued->len > 0 ? ", " : "",
                                fd_frame_type_to_string (((FdFrame *) l->data)->type));
      g_error ("Waited %u ms for %s; %s, %u other frame(s) queued%s%s", timeout_ms, what,
               self->closed ? "the server closed the socket" : "nothing came",
               g_queue_get_length (&self->frames), queued->len > 0 ? ": " : "", queued->str);
    }
  frame = m->found->data;
  g_queue_delete_link (&self->frames, m->found);
  return frame;
}

FdFrame *
fd_test_socket_wait (FdTestSocket *self,
                     FdFrameType   type,
                     guint         timeout_ms,
                     const char   *what)
{
  Match m = { self, type, NULL, NULL, NULL, NULL };
  g_autofree char *label = NULL;

  if (what == NULL)
    what = label = g_strdup_printf ("a “%s” frame",
                                    type == FD_FRAME_N_TYPES ? "any" : fd_frame_type_to_string (type));
  return socket_take (self, &m, timeout_ms, what);
}

FdFrame *
fd_test_socket_wait_match (FdTestSocket    *self,
                           FdTestFrameFunc  func,
                           gpointer         user_data,
                           guint            timeout_ms,
                           const char      *what)
{
  Match m = { self, FD_FRAME_N_TYPES, NULL, NULL, func, user_data };

  return socket_take (self, &m, timeout_ms, what);
}

const FdFrame *
fd_test_socket_peek_match (FdTestSocket    *self,
                           FdTestFrameFunc  func,
                           gpointer         user_data,
                           guint            timeout_ms,
                           const char      *what)
{
  Match m = { self, FD_FRAME_N_TYPES, NULL, NULL, func, user_data };

  fd_test_wait_until (find_match, &m, timeout_ms);
  if (m.found == NULL)
    g_error ("Waited %u ms for %s; %s", timeout_ms, what,
             self->closed ? "the server closed the socket" : "nothing came");
  return m.found->data;
}

void
fd_test_socket_assert_empty (FdTestSocket *self,
                             FdFrameType   ignore)
{
  for (GList *l = self->frames.head; l != NULL; l = l->next)
    {
      const FdFrame *frame = l->data;

      if (frame->type != ignore)
        {
          g_autofree char *text = fd_frame_encode (frame, NULL);

          g_error ("Expected no frame, but this one is queued: %.600s", text);
        }
    }
}

FdFrame *
fd_test_socket_wait_reply (FdTestSocket *self,
                           const char   *id,
                           guint         timeout_ms)
{
  Match m = { self, FD_FRAME_N_TYPES, id, NULL, NULL, NULL };
  g_autofree char *what = g_strdup_printf ("the reply to request “%s”", id);

  return socket_take (self, &m, timeout_ms, what);
}

guint
fd_test_socket_settle (FdTestSocket *self,
                       guint         ms)
{
  fd_test_spin (ms);
  return g_queue_get_length (&self->frames);
}

guint
fd_test_socket_queued (FdTestSocket *self)
{
  return g_queue_get_length (&self->frames);
}

typedef struct {
  FdTestSocket *socket;
  guint         n;
} QueuedWait;

static gboolean
has_queued (gpointer data)
{
  QueuedWait *w = data;

  return g_queue_get_length (&w->socket->frames) >= w->n || w->socket->closed;
}

void
fd_test_socket_wait_queued (FdTestSocket *self,
                            guint         n,
                            guint         timeout_ms)
{
  QueuedWait w = { self, n };

  fd_test_wait_until (has_queued, &w, timeout_ms);
  if (g_queue_get_length (&self->frames) < n)
    g_error ("Waited %u ms for %u frame(s); %u came%s", timeout_ms, n,
             g_queue_get_length (&self->frames), self->closed ? " before the socket closed" : "");
}

FdFrame *
fd_test_socket_pop (FdTestSocket *self)
{
  return g_queue_pop_head (&self->frames);
}

guint
fd_test_socket_drop (FdTestSocket *self,
                     FdFrameType   type)
{
  guint n = 0;
  GList *l = self->frames.head;

  while (l != NULL)
    {
      GList *next = l->next;
      FdFrame *frame = l->data;

      if (frame->type == type)
        {
          fd_frame_free (frame);
          g_queue_delete_link (&self->frames, l);
          n++;
        }
      l = next;
    }
  return n;
}

gboolean
fd_test_socket_is_closed (FdTestSocket *self)
{
  return self->closed;
}

gushort
fd_test_socket_get_close_code (FdTestSocket *self)
{
  return self->close_code;
}

void
fd_test_socket_assert_close_code (FdTestSocket *self,
                                  gushort       code)
{
  g_assert_true (self->closed);
  if (self->close_code != code)
    g_error ("Expected the server to close the socket with %u, got %u (“%s”)%s%s", code,
             self->close_code, self->close_data ? self->close_data : "",
             self->error ? "; transport error: " : "", self->error ? self->error->message : "");
}

GArray *
fd_test_socket_get_seqs (FdTestSocket *self)
{
  return self->seqs;
}

void
fd_test_socket_wait_closed (FdTestSocket *self,
                            guint         timeout_ms)
{
  if (!fd_test_wait_until (is_closed, self, timeout_ms))
    g_error ("Waited %u ms for the server to close the socket", timeout_ms);
}

gboolean
fd_test_frame_is_offer_of (const FdFrame *frame,
                           gpointer       conversation_id)
{
  const FdOfferEvent *event = frame->body;

  return frame->type == FD_FRAME_OFFER && event->offer != NULL &&
         event->offer->conversation_id == *(gint64 *) conversation_id;
}
