#define G_LOG_DOMAIN "fd-router"

#include "fd-router-private.h"

/* Deadlines: offers that bounce and phases that end, driven by
 * fd_router_tick() with the caller's clock. */

static void
end_phase (FdRouter           *self,
           RouterConversation *conv,
           gint64              now,
           GArray             *out)
{
  RouterStream *stream = router_conv_stream (self, conv);
  guint next = conv->phase + 1;
  gboolean wrapped = next == stream->phases->len;
  int index;

  router_withdraw_all (self, conv, FD_WITHDRAW_PHASE_ENDED, out);
  conv->phase_ends_at = 0;
  router_conv_update_deadline (self, conv);
  next %= stream->phases->len;

  /* Starting over keeps a customer waiting only while someone could answer. */
  if (wrapped && router_ensure_queue (self, stream->queue_id)->joined->len == 0)
    {
      router_emit (out, FD_ROUTING_MISSED, conv->id, 0);
      router_forget_conversation (self, conv);
      return;
    }

  /* The phase is over: whoever rejected in it is a candidate again. */
  index = router_find_phase_from (self, stream, next, NULL);
  router_enter_phase (self, conv, index >= 0 ? (guint) index : next, FALSE, now, out);
}

gint64
fd_router_get_next_deadline (FdRouter *self)
{
  FdRouterHeapNode *next;

  g_return_val_if_fail (self != NULL, 0);

  next = fd_router_heap_peek (&self->deadlines);
  return next != NULL ? next->at : 0;
}

void
fd_router_tick (FdRouter *self,
                gint64    now,
                GArray   *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  /* One due event at a time, earliest first (ties: arrival order, phase end
   * before bounce), because each may change what the next one does. New
   * deadlines lie after now, so this ends. */
  for (;;)
    {
      FdRouterHeapNode *next = fd_router_heap_peek (&self->deadlines);
      RouterConversation *due;
      guint due_offer;
      gboolean due_phase_end;

      /* The heap orders by (deadline, arrival). */
      if (next == NULL || next->at > now)
        return;
      due = (RouterConversation *) ((char *) next - G_STRUCT_OFFSET (RouterConversation, deadline));
      router_conv_deadline (due, &due_offer, &due_phase_end);

      if (due_phase_end)
        end_phase (self, due, now, out);
      else
        router_drop_offer (self, due, due_offer, FD_WITHDRAW_BOUNCED, now, out);
    }
}
