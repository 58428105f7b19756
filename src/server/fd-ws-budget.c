#define G_LOG_DOMAIN "fd-ws-budget"

#include "fd-ws-budget.h"
#include "fd-listener.h"

#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* How long a socket over its budget gets to read the close frame before
 * its connection is cut. */
#define CUT_AFTER_SECONDS 2

struct _FdWsBudget
{
  SoupWebsocketConnection *conn;
  GSocket                 *socket;      /* NULL: not one of ours; count only */
  gsize                    limit;
  guint64                  handed;      /* frame bytes given to libsoup */
  guint64                  kernel_base; /* the kernel's count when we started */
  guint64                  taken;       /* handed bytes the kernel took, last we looked */
  /* The end offset (in handed bytes) of every frame the kernel may not
   * have taken yet, oldest first: a ring of at most frame_limit. */
  guint64                 *ends;
  guint                    ends_head;
  guint                    ends_len;
  guint                    frame_limit;
  gboolean                 over;
  guint                    cut_id;
  GQueue                   held;        /* HeldFrame: output waiting for a commit */
  gboolean                 in_held;     /* in held_budgets */
};

/* A frame held until the group commit; @fail_text goes instead when the
 * group is lost. */
typedef struct {
  char    *text;       /* a GRefString: an event's text is shared by its sockets */
  char    *fail_text;
  guint64  group;    /* the last group whose changes it may describe */
} HeldFrame;

static gboolean holding;
static guint64 holding_group;
/* The budgets with held frames. */
static GPtrArray *held_budgets;

static void
held_frame_free (gpointer data)
{
  HeldFrame *held = data;

  g_ref_string_release (held->text);
  g_free (held->fail_text);
  g_free (held);
}

static gsize default_limit = FD_WS_BUDGET_DEFAULT;
static guint default_frame_limit = FD_WS_BUDGET_DEFAULT_FRAMES;

void
fd_ws_budget_set_default_frame_limit (guint limit)
{
  default_frame_limit = MAX (limit, 16);
}

void
fd_ws_budget_set_default_limit (gsize limit)
{
  default_limit = MAX (limit, 4096);
}

gsize
fd_ws_budget_get_default_limit (void)
{
  return default_limit;
}

/* Bytes this process wrote to the socket that the kernel took: those the
 * peer acknowledged plus those still in the send queue. */
static gboolean
kernel_count (GSocket *socket,
              guint64 *out_count)
{
  struct tcp_info info;
  socklen_t len = sizeof info;
  int queued = 0;
  int fd;

  if (socket == NULL || g_socket_is_closed (socket))
    return FALSE;
  fd = g_socket_get_fd (socket);
  memset (&info, 0, sizeof info);
  if (getsockopt (fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 ||
      len < offsetof (struct tcp_info, tcpi_bytes_acked) + sizeof info.tcpi_bytes_acked)
    return FALSE;
  if (ioctl (fd, SIOCOUTQ, &queued) != 0 || queued < 0)
    return FALSE;
  *out_count = info.tcpi_bytes_acked + (guint64) queued;
  return TRUE;
}

/* The size of a server (unmasked) text frame carrying @len bytes. */
static guint64
frame_size (gsize len)
{
  if (len < 126)
    return len + 2;
  if (len <= G_MAXUINT16)
    return len + 4;
  return len + 10;
}

FdWsBudget *
fd_ws_budget_new (SoupWebsocketConnection *conn)
{
  FdWsBudget *self = g_new0 (FdWsBudget, 1);
  GSocket *socket = fd_listener_get_websocket_socket (conn);

  self->conn = g_object_ref (conn);
  self->limit = default_limit;
  self->frame_limit = default_frame_limit;
  if (socket != NULL && kernel_count (socket, &self->kernel_base))
    self->socket = g_object_ref (socket);
  return self;
}

void
fd_ws_budget_free (FdWsBudget *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->cut_id, g_source_remove);
  g_queue_clear_full (&self->held, held_frame_free);
  if (self->in_held)
    g_ptr_array_remove_fast (held_budgets, self);
  g_clear_object (&self->socket);
  g_clear_object (&self->conn);
  g_free (self->ends);
  g_free (self);
}

static void
refresh (FdWsBudget *self)
{
  guint64 count;

  if (kernel_count (self->socket, &count) && count >= self->kernel_base)
    self->taken = MIN (count - self->kernel_base, self->handed);
  /* Frames the kernel took whole leave the count. */
  while (self->ends_len > 0 && self->ends[self->ends_head] <= self->taken)
    {
      self->ends_head = (self->ends_head + 1) % self->frame_limit;
      self->ends_len--;
    }
}

guint64
fd_ws_budget_get_unsent (FdWsBudget *self)
{
  refresh (self);
  return self->handed - self->taken;
}

gboolean
fd_ws_budget_is_over (FdWsBudget *self)
{
  return self->over;
}

static gboolean
on_cut_cb (gpointer user_data)
{
  FdWsBudget *self = user_data;

  self->cut_id = 0;
  if (self->socket != NULL)
    g_socket_shutdown (self->socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean send_now (FdWsBudget *self,
                          const char *text);

gboolean
fd_ws_budget_send (FdWsBudget *self,
                   const char *text)
{
  if (holding)
    return fd_ws_budget_send_reply (self, text, NULL);
  return send_now (self, text);
}

static gboolean
send_now (FdWsBudget *self,
          const char *text)
{
  guint64 size = frame_size (strlen (text));

  if (self->over || soup_websocket_connection_get_state (self->conn) != SOUP_WEBSOCKET_STATE_OPEN)
    return FALSE;
  /* Not a socket of ours: nothing to measure against. */
  if (self->socket == NULL)
    {
      soup_websocket_connection_send_text (self->conn, text);
      return TRUE;
    }

  /* What the kernel took only grows: while even the last count leaves room,
   * there is nothing to ask. A frame larger than the budget may still go
   * when nothing else waits. */
  if (self->handed + size - self->taken > self->limit || self->ends_len >= self->frame_limit)
    refresh (self);
  if ((self->handed + size - self->taken > self->limit && self->handed > self->taken) ||
      self->ends_len >= self->frame_limit)
    {
      self->over = TRUE;
      g_message ("Closing a websocket that left %" G_GUINT64_FORMAT " bytes in %u frames unread "
                 "(budget %" G_GSIZE_FORMAT " bytes, %u frames)",
                 self->handed - self->taken, self->ends_len, self->limit, self->frame_limit);
      soup_websocket_connection_close (self->conn, FD_WS_CLOSE_TOO_SLOW,
                                       "Too much unread output; reconnect and resume");
      /* libsoup waits for the peer's close for a while; a client that
       * does not read will not answer. */
      if (self->socket != NULL)
        self->cut_id = g_timeout_add_seconds (CUT_AFTER_SECONDS, on_cut_cb, self);
      return FALSE;
    }
  self->handed += size;
  if (self->ends == NULL)
    self->ends = g_new (guint64, self->frame_limit);
  self->ends[(self->ends_head + self->ends_len) % self->frame_limit] = self->handed;
  self->ends_len++;
  soup_websocket_connection_send_text (self->conn, text);
  return TRUE;
}

/* --- Holding output until a group commit ------------------------------------- */

static void
note_held (FdWsBudget *self)
{
  if (self->in_held)
    return;
  if (held_budgets == NULL)
    held_budgets = g_ptr_array_new ();
  g_ptr_array_add (held_budgets, self);
  self->in_held = TRUE;
}

static gboolean hold_frame (FdWsBudget *self,
                            char       *text,
                            const char *fail_text);

gboolean
fd_ws_budget_send_shared (FdWsBudget *self,
                          const char *text)
{
  if (!holding)
    return send_now (self, text);
  return hold_frame (self, g_ref_string_acquire ((char *) text), NULL);
}

gboolean
fd_ws_budget_send_reply (FdWsBudget *self,
                         const char *text,
                         const char *fail_text)
{
  if (!holding)
    return fd_ws_budget_send (self, text);
  return hold_frame (self, g_ref_string_new (text), fail_text);
}

/* Takes @text (a GRefString). */
static gboolean
hold_frame (FdWsBudget *self,
            char       *text,
            const char *fail_text)
{
  HeldFrame *held;

  if (self->over || soup_websocket_connection_get_state (self->conn) != SOUP_WEBSOCKET_STATE_OPEN)
    {
      g_ref_string_release (text);
      return FALSE;
    }
  /* The held frames count against the same bound as the unsent ones. */
  if (self->held.length >= self->frame_limit)
    {
      g_ref_string_release (text);
      g_queue_clear_full (&self->held, held_frame_free);
      self->over = TRUE;
      soup_websocket_connection_close (self->conn, FD_WS_CLOSE_TOO_SLOW,
                                       "Too much unread output; reconnect and resume");
      return FALSE;
    }
  held = g_new0 (HeldFrame, 1);
  held->text = text;
  held->fail_text = g_strdup (fail_text);
  held->group = holding_group;
  g_queue_push_tail (&self->held, held);
  note_held (self);
  return TRUE;
}

void
fd_ws_budget_hold (guint64 group)
{
  holding = TRUE;
  holding_group = group;
}

gboolean
fd_ws_budget_is_holding (void)
{
  return holding;
}

/* A socket's held frames of groups up to @upto, taken from its queue. */
typedef struct {
  FdWsBudget *budget;
  GQueue      frames;
} Released;

void
fd_ws_budget_release (guint64  upto,
                      gboolean saved)
{
  g_autoptr(GArray) released = g_array_new (FALSE, FALSE, sizeof (Released));

  if (holding_group <= upto)
    holding = FALSE;
  /* First take the frames (the sockets' queues stay in order: a socket's
   * frames of later groups stay held), then send them. */
  for (guint i = 0; held_budgets != NULL && i < held_budgets->len;)
    {
      FdWsBudget *self = g_ptr_array_index (held_budgets, i);
      Released r = { self, G_QUEUE_INIT };
      HeldFrame *frame;

      while ((frame = g_queue_peek_head (&self->held)) != NULL && frame->group <= upto)
        g_queue_push_tail (&r.frames, g_queue_pop_head (&self->held));
      /* Lost: what this socket was told after them did not happen either. */
      if (!saved && r.frames.length > 0)
        g_queue_clear_full (&self->held, held_frame_free);
      if (r.frames.length > 0)
        g_array_append_val (released, r);
      if (self->held.length == 0)
        {
          g_ptr_array_remove_index_fast (held_budgets, i);
          self->in_held = FALSE;
        }
      else
        i++;
    }
  for (guint i = 0; i < released->len; i++)
    {
      Released *r = &g_array_index (released, Released, i);
      HeldFrame *frame;

      while ((frame = g_queue_pop_head (&r->frames)) != NULL)
        {
          const char *text = saved ? frame->text : frame->fail_text;

          if (text != NULL)
            send_now (r->budget, text);
          held_frame_free (frame);
        }
      /* Lost: the client's last requests were not saved, and what this
       * socket was told (events, sequence numbers) did not happen. It
       * reconnects, resumes from what was saved and sends again. */
      if (!saved && soup_websocket_connection_get_state (r->budget->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (r->budget->conn, FD_WS_CLOSE_NOT_SAVED,
                                         "The server could not save the last changes; reconnect and send again");
    }
}
