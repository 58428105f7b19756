#define G_LOG_DOMAIN "fd-connection"

/* The offline queue (docs/app.md, "Requests and the offline queue"): every
 * request waits here, with its id and frame, until its ack or error
 * arrives. While the socket is down requests are queued, not refused;
 * after a reconnect the ones without an ack go out again, byte for byte
 * the same, so the server recognises a resend. A cancelled request is
 * forgotten: not resent, and its late ack is ignored. */

#include <glib/gi18n.h>
#include "fd-connection-private.h"

static void
pending_free (FdPending *p)
{
  if (p->cancel_source != NULL)
    {
      g_source_destroy (p->cancel_source);
      g_source_unref (p->cancel_source);
    }
  g_clear_object (&p->task);
  g_clear_pointer (&p->frame, fd_frame_free);
  g_free (p->id);
  g_free (p);
}

FdPending *
_fd_pending_find (FdConnection *self,
                  const char   *id)
{
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    {
      FdPending *p = l->data;

      if (g_strcmp0 (p->id, id) == 0)
        return p;
    }
  return NULL;
}

void
_fd_pending_complete (FdConnection *self,
                      FdPending    *p,
                      FdFrame      *ack,
                      GError       *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&p->task);

  g_queue_remove (&self->pending, p);
  pending_free (p);
  if (task == NULL)
    {
      g_clear_pointer (&ack, fd_frame_free);
      g_clear_error (&error);
    }
  else if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ack, (GDestroyNotify) fd_frame_free);
  _fd_connection_check_sleep (self);
}

void
_fd_pending_fail_all (FdConnection *self,
                      GQuark        domain,
                      gint          code,
                      const char   *message)
{
  FdPending *p;

  while ((p = g_queue_peek_head (&self->pending)) != NULL)
    _fd_pending_complete (self, p, NULL, g_error_new_literal (domain, code, message));
}

static gboolean
on_pending_cancelled_cb (GCancellable *cancellable,
                         gpointer      user_data)
{
  FdPending *p = user_data;
  FdConnection *self = p->self;

  /* A request cancelled before its ack is forgotten: it is not resent
   * after a reconnect, and a late ack is ignored. */
  g_source_unref (g_steal_pointer (&p->cancel_source));
  _fd_pending_complete (self, p, NULL,
                        g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The request was cancelled."));
  return G_SOURCE_REMOVE;
}
static void
send_pending (FdConnection *self,
              FdPending    *p)
{
  _fd_connection_send_frame (self, p->frame);
  p->in_flight = TRUE;
  p->sends++;
  if (p->sends > 1)
    g_debug ("Resending request %s (%s) after a reconnect", p->id,
             fd_frame_type_to_string (p->frame->type));
}

void
_fd_pending_flush (FdConnection *self)
{
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    {
      FdPending *p = l->data;

      if (!p->in_flight)
        send_pending (self, p);
    }
}

void
_fd_pending_unsend_all (FdConnection *self)
{
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    ((FdPending *) l->data)->in_flight = FALSE;
}

guint
fd_connection_get_n_pending (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), 0);
  return self->pending.length;
}

void
fd_connection_request_async (FdConnection        *self,
                             FdFrameType          type,
                             gpointer             body,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const FdTypeInfo *info;
  FdPending *p;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (type < FD_FRAME_N_TYPES &&
                    fd_frame_type_get_set (type) == FD_FRAMES_AGENT_CLIENT &&
                    type != FD_FRAME_HELLO && type != FD_FRAME_PING);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_connection_request_async);

  info = fd_frame_type_get_body_info (type);
  if (!self->active || self->token == NULL)
    {
      if (body != NULL && info != NULL)
        fd_codec_free (info, body);
      g_task_return_new_error (task, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_SIGNED_OUT,
                               _("You are signed out; sign in to do this."));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      if (body != NULL && info != NULL)
        fd_codec_free (info, body);
      return;
    }

  p = g_new0 (FdPending, 1);
  p->self = self;
  p->id = _fd_connection_next_request_id (self, "r");
  p->frame = fd_frame_new_request (type, p->id, body);
  p->task = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      p->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (p->cancel_source, G_SOURCE_FUNC (on_pending_cancelled_cb), p, NULL);
      g_source_attach (p->cancel_source, g_main_context_get_thread_default ());
    }
  g_queue_push_tail (&self->pending, p);
  if (self->hello_done && _fd_connection_socket_is_open (self))
    send_pending (self, p);
}

FdFrame *
fd_connection_request_finish (FdConnection  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

