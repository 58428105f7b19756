#define G_LOG_DOMAIN "router-reference"

/* Reference engine (router-reference.c); mirrors fd-router-deadlines.c. */

#include "router-reference-private.h"

/* Deadlines: offers that bounce and phases that end, driven by
 * ref_router_tick() with the caller's clock. */

static void
end_phase (RefRouter           *self,
           RefRConversation *conv,
           gint64              now,
           GArray             *out)
{
  RefRStream *stream = refi_conv_stream (self, conv);
  guint next = conv->phase + 1;
  gboolean wrapped = next == stream->phases->len;
  int index;

  refi_withdraw_all (conv, FD_WITHDRAW_PHASE_ENDED, out);
  conv->phase_ends_at = 0;
  next %= stream->phases->len;

  /* Starting over keeps a customer waiting only while someone could answer. */
  if (wrapped && refi_ensure_queue (self, stream->queue_id)->joined->len == 0)
    {
      refi_emit (out, FD_ROUTING_MISSED, conv->id, 0);
      refi_forget_conversation (self, conv);
      return;
    }

  /* The phase is over: whoever rejected in it is a candidate again. */
  index = refi_find_phase_from (self, stream, next, NULL);
  refi_enter_phase (self, conv, index >= 0 ? (guint) index : next, FALSE, now, out);
}

/* The earliest deadline of the conversation and whether it is its phase end
 * (otherwise it is the bounce of offer *offer_index). */
static gint64
conversation_deadline (RefRConversation *conv,
                       guint              *offer_index,
                       gboolean           *is_phase_end)
{
  gint64 best = conv->phase_ends_at;

  *is_phase_end = best != 0;
  *offer_index = 0;
  for (guint i = 0; i < conv->offers->len; i++)
    {
      gint64 at = g_array_index (conv->offers, RefROffer, i).bounce_at;

      if (at != 0 && (best == 0 || at < best))
        {
          best = at;
          *offer_index = i;
          *is_phase_end = FALSE;
        }
    }
  return best;
}

gint64
ref_router_get_next_deadline (RefRouter *self)
{
  gint64 best = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->arrivals->len; i++)
    {
      guint offer_index;
      gboolean is_phase_end;
      gint64 at = conversation_deadline (g_ptr_array_index (self->arrivals, i),
                                         &offer_index, &is_phase_end);

      if (at != 0 && (best == 0 || at < best))
        best = at;
    }
  return best;
}

void
ref_router_tick (RefRouter *self,
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
      RefRConversation *due = NULL;
      gint64 due_at = 0;
      guint due_offer = 0;
      gboolean due_phase_end = FALSE;

      for (guint i = 0; i < self->arrivals->len; i++)
        {
          RefRConversation *conv = g_ptr_array_index (self->arrivals, i);
          guint offer_index;
          gboolean is_phase_end;
          gint64 at = conversation_deadline (conv, &offer_index, &is_phase_end);

          if (at != 0 && at <= now && (due == NULL || at < due_at))
            {
              due = conv;
              due_at = at;
              due_offer = offer_index;
              due_phase_end = is_phase_end;
            }
        }
      if (due == NULL)
        return;

      if (due_phase_end)
        end_phase (self, due, now, out);
      else
        refi_drop_offer (self, due, due_offer, FD_WITHDRAW_BOUNCED, now, out);
    }
}
