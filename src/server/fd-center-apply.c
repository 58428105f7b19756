#define G_LOG_DOMAIN "fd-center"

/* The routing engine's decisions carried out on the store (offer, withdraw,
 * reserved, missed, ACD), and the writes they share with the actions:
 * messages, conversation events, visitor frames, closing. Each runs inside
 * the caller's transaction and queues its pushes for the commit. */

#include "fd-center-private.h"

#include "fd-protocol.h"

gboolean
fd_center_emit_conversation (FdCenter             *self,
                             const FdConversation *conv,
                             GError              **error)
{
  /* A shallow copy: only the live transfer state differs from @conv. */
  FdConversation live = *conv;

  live.transfer_to = fd_center_route_transfer_to (self, conv->id);
  return fd_center_emit_text (self, conv->organization_id, "conversation", conv->queue_id, 0, conv->id,
                              fd_conversation_to_text (&live), error);
}

void
fd_center_apply_offer (FdCenter *self,
                       gint64    organization_id,
                       gint64    conversation_id,
                       gint64    agent_id,
                       int       phase,
                       gint64    bounce_at,
                       gint64    now)
{
  g_autoptr(FdConversation) conv = NULL;
  GError *error = NULL;
  FdOffer offer = { conversation_id, agent_id, phase, now, bounce_at };
  FdOfferEvent event = { &offer, NULL };

  conv = fd_store_get_conversation (self->store, organization_id, conversation_id, TRUE, &error);
  if (conv == NULL || !fd_store_put_offer (self->store, organization_id, &offer, &error))
    {
      fd_center_note_apply_error (self, error);
      return;
    }
  conv->transfer_to = fd_center_route_transfer_to (self, conv->id);
  event.conversation = conv;
  if (!fd_center_emit (self, organization_id, "offer", 0, agent_id, conversation_id,
                       fd_offer_event_to_json (&event), &error))
    fd_center_note_apply_error (self, error);
}

void
fd_center_apply_withdraw (FdCenter   *self,
                          gint64      organization_id,
                          gint64      conversation_id,
                          gint64      agent_id,
                          const char *reason,
                          gint64      now)
{
  GError *error = NULL;
  FdWithdraw withdraw = { conversation_id, FD_WITHDRAW_CLOSED };

  fd_withdraw_reason_from_string (reason, &withdraw.reason);
  fd_center_wallboard_withdrawn (self, agent_id, withdraw.reason, now);
  if (!fd_store_delete_offer (self->store, organization_id, conversation_id, agent_id, &error) ||
      !fd_center_emit (self, organization_id, "withdraw", 0, agent_id, conversation_id,
                       fd_withdraw_to_json (&withdraw), &error))
    fd_center_note_apply_error (self, error);
}

/* Appends a message, sends its event to the agents and its frame to the
 * visitor. A visitor sees no agent or organization ids. With @conv, the
 * message changes its conversation: @update applies the change, @conv is
 * saved, the `message` event carries it and a `conversation` event
 * follows, folded (FdCenterSink), for the apps that do not read it there:
 * one frame per agent socket instead of two (docs/protocol.md, "hello"). */
static FdMessage *
add_message (FdCenter            *self,
             const FdMessage     *msg,
             gint64               queue_id,
             FdConversation      *conv,
             FdCenterConvUpdate   update,
             gboolean            *out_duplicate,
             GError             **error)
{
  g_autoptr(FdMessage) stored = NULL;
  g_autofree char *conversation_text = NULL;
  FdMessage for_visitor;
  FdFrame frame = { 0 };
  GString *event;
  gboolean duplicate = FALSE;

  stored = fd_store_append_message (self->store, msg, &duplicate, error);
  if (stored == NULL)
    return NULL;
  if (out_duplicate != NULL)
    *out_duplicate = duplicate;
  if (duplicate)
    return g_steal_pointer (&stored);

  /* Written straight from the structs, without json-glib trees
   * (fd_codec_write_json()): one event per message is the hot path. */
  event = g_string_sized_new (1024);
  fd_codec_write_json (&fd_message_info, stored, event);
  if (conv != NULL)
    {
      /* A shallow copy with the live transfer state. */
      FdConversation live;

      update (conv, stored);
      if (!fd_store_update_conversation (self->store, conv, error))
        {
          g_string_free (event, TRUE);
          return NULL;
        }
      live = *conv;
      live.transfer_to = fd_center_route_transfer_to (self, conv->id);
      /* The conversation is written once, for both events: the message's
       * object gets it as its last member (message.conversation). */
      conversation_text = fd_conversation_to_text (&live);
      g_assert (event->str[event->len - 1] == '}');
      g_string_truncate (event, event->len - 1);
      g_string_append (event, ",\"conversation\":");
      g_string_append (event, conversation_text);
      g_string_append_c (event, '}');
    }
  if (!fd_center_emit_text (self, stored->organization_id, "message", queue_id, 0, stored->conversation_id,
                            g_string_free (event, FALSE), error))
    return NULL;
  if (conv != NULL)
    {
      if (!fd_center_emit_text (self, conv->organization_id, "conversation", conv->queue_id, 0, conv->id,
                                g_steal_pointer (&conversation_text), error))
        return NULL;
      fd_center_fold_last_event (self);
    }

  /* A shallow copy without the ids a visitor does not see, encoded only. */
  for_visitor = *stored;
  for_visitor.agent_id = 0;
  for_visitor.organization_id = 0;
  frame.type = FD_FRAME_VISITOR_MESSAGE;
  frame.body = &for_visitor;
  fd_center_push_visitor (self, stored->conversation_id, fd_frame_encode (&frame, NULL));
  return g_steal_pointer (&stored);
}

FdMessage *
fd_center_add_message (FdCenter         *self,
                       const FdMessage  *msg,
                       gint64            queue_id,
                       gboolean         *out_duplicate,
                       GError          **error)
{
  return add_message (self, msg, queue_id, NULL, NULL, out_duplicate, error);
}

FdMessage *
fd_center_add_message_to (FdCenter            *self,
                          const FdMessage     *msg,
                          FdConversation      *conv,
                          FdCenterConvUpdate   update,
                          gboolean            *out_duplicate,
                          GError             **error)
{
  g_assert (conv != NULL && update != NULL);
  return add_message (self, msg, conv->queue_id, conv, update, out_duplicate, error);
}

void
fd_center_push_visitor_frame (FdCenter *self,
                              gint64    conversation_id,
                              FdFrame  *frame)
{
  fd_center_push_visitor (self, conversation_id, fd_frame_encode (frame, NULL));
  fd_frame_free (frame);
}

void
fd_center_apply_reserved (FdCenter *self,
                          gint64    organization_id,
                          gint64    conversation_id,
                          gint64    agent_id,
                          gint64    now)
{
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(FdAgent) agent = NULL;
  g_autoptr(FdMessage) note = fd_message_new ();
  g_autoptr(FdMessage) stored = NULL;
  FdAgentJoined *joined;
  GError *error = NULL;
  gboolean transferred;

  conv = fd_store_get_conversation (self->store, organization_id, conversation_id, TRUE, &error);
  agent = conv ? fd_store_get_agent (self->store, organization_id, agent_id, &error) : NULL;
  if (agent == NULL || !fd_store_delete_offer (self->store, organization_id, conversation_id, agent_id, &error))
    {
      fd_center_note_apply_error (self, error);
      return;
    }
  /* A transfer that came back: the agent kept it all along, and hears that
   * the offer is over (transfer_to is 0 again). */
  if (conv->state == FD_CONVERSATION_RESERVED && conv->agent_id == agent_id)
    {
      if (!fd_center_emit_conversation (self, conv, &error))
        fd_center_note_apply_error (self, error);
      return;
    }

  transferred = conv->state == FD_CONVERSATION_RESERVED && conv->agent_id != 0;
  conv->state = FD_CONVERSATION_RESERVED;
  conv->agent_id = agent_id;
  conv->reserved_at = now;
  if (conv->first_assigned_at == 0)
    conv->first_assigned_at = now;
  if (!fd_store_update_conversation (self->store, conv, &error))
    {
      fd_center_note_apply_error (self, error);
      return;
    }

  note->organization_id = organization_id;
  note->conversation_id = conversation_id;
  note->direction = FD_DIRECTION_SYSTEM;
  /* The note's kind and author_name (the agent who has the chat now) let
   * each client word it in its reader's language: the app for the agents
   * (docs/protocol.md, "System notes"), the widget for the customer ("Jenna
   * joined the chat", "Jenna transferred you to Natalie": the first such
   * note is the join, each later one a transfer; docs/widget.md,
   * "Customer-facing lines"). The text is the English line for clients
   * that do not know the kind. */
  note->author_name = g_strdup (agent->name);
  note->note = g_strdup (transferred ? FD_NOTE_TRANSFERRED : FD_NOTE_RESERVED);
  note->text = g_strdup_printf (transferred ? "Transferred to %s" : "Reserved by %s", agent->name);
  note->created_at = now;
  stored = fd_center_add_message (self, note, conv->queue_id, NULL, &error);
  if (stored == NULL || !fd_center_emit_conversation (self, conv, &error))
    {
      fd_center_note_apply_error (self, error);
      return;
    }

  joined = fd_agent_joined_new ();
  joined->name = g_strdup (agent->name);
  fd_center_push_visitor_frame (self, conversation_id, fd_frame_new (FD_FRAME_VISITOR_AGENT_JOINED, joined));
}

void
fd_center_apply_missed (FdCenter *self,
                        gint64    organization_id,
                        gint64    conversation_id,
                        gint64    now)
{
  g_autoptr(FdConversation) conv = NULL;
  FdVisitorClosed *closed;
  GError *error = NULL;

  conv = fd_store_get_conversation (self->store, organization_id, conversation_id, TRUE, &error);
  if (conv == NULL)
    {
      fd_center_note_apply_error (self, error);
      return;
    }
  conv->state = FD_CONVERSATION_MISSED;
  if (!fd_store_update_conversation (self->store, conv, &error) ||
      !fd_store_delete_offer (self->store, organization_id, conversation_id, 0, &error) ||
      !fd_center_emit_conversation (self, conv, &error))
    {
      fd_center_note_apply_error (self, error);
      return;
    }
  closed = fd_visitor_closed_new ();
  closed->by = FD_CLOSED_BY_SYSTEM;
  closed->ask_rating = FALSE;
  fd_center_push_visitor_frame (self, conversation_id, fd_frame_new (FD_FRAME_VISITOR_CLOSED, closed));
}

void
fd_center_apply_acd (FdCenter   *self,
                     gint64      organization_id,
                     gint64      agent_id,
                     FdAcdState  state,
                     const char *reason,
                     gint64      now)
{
  g_autoptr(FdAgent) agent = NULL;
  GError *error = NULL;

  if (!fd_center_store_acd (self, organization_id, agent_id, state, reason, now, &agent, &error))
    fd_center_note_apply_error (self, error);
}

/* Writes an agent's ACD state and tells the agent's sockets. */
gboolean
fd_center_store_acd (FdCenter    *self,
                     gint64       organization_id,
                     gint64       agent_id,
                     FdAcdState   state,
                     const char  *reason,
                     gint64       now,
                     FdAgent    **out_agent,
                     GError     **error)
{
  g_autoptr(FdAgent) agent = fd_store_get_agent (self->store, organization_id, agent_id, error);
  gint64 idle_since;

  if (agent == NULL)
    return FALSE;
  idle_since = state == FD_ACD_AVAILABLE && agent->acd_state != FD_ACD_AVAILABLE ? now : agent->idle_since;
  if (state != FD_ACD_UNAVAILABLE)
    reason = NULL;
  if (!fd_store_set_agent_acd (self->store, organization_id, agent_id, state, reason, idle_since, error))
    return FALSE;
  if (agent->acd_state != state || g_strcmp0 (agent->acd_reason, reason) != 0)
    fd_center_wallboard_acd_changed (self, agent_id, now);
  agent->acd_state = state;
  g_free (agent->acd_reason);
  agent->acd_reason = g_strdup (reason);
  agent->idle_since = idle_since;
  if (!fd_center_emit (self, organization_id, "agent-state", 0, agent_id, 0, fd_agent_to_json (agent), error))
    return FALSE;
  if (out_agent != NULL)
    *out_agent = g_steal_pointer (&agent);
  return TRUE;
}

gboolean
fd_center_close_conversation (FdCenter        *self,
                              FdConversation  *conv,
                              FdClosedBy       by,
                              const FdRating  *rating,
                              GError         **error)
{
  FdVisitorClosed *closed;

  fd_center_route_close (self, conv->id);
  conv->state = FD_CONVERSATION_CLOSED;
  conv->closed_at = g_get_real_time ();
  if (rating != NULL && rating->rating > 0)
    {
      conv->rating = rating->rating;
      g_free (conv->comment);
      conv->comment = g_strdup (rating->comment);
    }
  if (!fd_store_update_conversation (self->store, conv, error) ||
      !fd_store_delete_offer (self->store, conv->organization_id, conv->id, 0, error) ||
      !fd_center_emit_conversation (self, conv, error))
    return FALSE;
  if (self->crm_hooks != NULL && self->crm_hooks->closed != NULL)
    self->crm_hooks->closed (self->crm_hooks_data, conv->organization_id, conv->id);
  closed = fd_visitor_closed_new ();
  closed->by = by;
  closed->ask_rating = by == FD_CLOSED_BY_AGENT && conv->kind == FD_STREAM_WEBCHAT;
  fd_center_push_visitor_frame (self, conv->id, fd_frame_new (FD_FRAME_VISITOR_CLOSED, closed));
  return TRUE;
}
