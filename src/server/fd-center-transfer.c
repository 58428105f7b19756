#define G_LOG_DOMAIN "fd-center"

/* Transfers: offering a held conversation to a colleague, and the list of
 * colleagues it can go to (docs/routing.md, "Transfer"). The engine keeps
 * the offer (fd_center_route_transfer); the colleague's reserve completes
 * it in fd_center_apply_reserved(). */

#include "fd-center-private.h"

#include "fd-protocol.h"

gboolean
fd_center_transfer (FdCenter          *self,
                    const FdAgent     *agent,
                    const FdTransfer  *transfer,
                    GError           **error)
{
  g_autoptr(FdConversation) conv = fd_center_get_held (self, agent, transfer->conversation_id, error);
  g_autoptr(FdAgent) colleague = NULL;
  g_autoptr(GError) local_error = NULL;

  if (conv == NULL)
    return FALSE;
  colleague = fd_store_get_agent (self->store, agent->organization_id, transfer->agent_id, &local_error);
  if (colleague == NULL)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_NOT_FOUND, "There is no agent %" G_GINT64_FORMAT ".",
                           transfer->agent_id);
      return FALSE;
    }
  if (!fd_center_begin (self, error))
    return FALSE;
  /* The agent's apps show the offer going out (transfer_to). */
  return fd_center_finish (self, fd_center_route_transfer (self, conv->id, agent->id, colleague->id, error) &&
                       fd_center_emit_conversation (self, conv, error), error);
}

static int
compare_colleagues (gconstpointer a,
                    gconstpointer b)
{
  const FdColleague *x = *(FdColleague * const *) a;
  const FdColleague *y = *(FdColleague * const *) b;

  /* Those who can take it first: joined, online, then available. */
  if (x->joined != y->joined)
    return x->joined ? -1 : 1;
  if (x->online != y->online)
    return x->online ? -1 : 1;
  if ((x->acd_state == FD_ACD_AVAILABLE) != (y->acd_state == FD_ACD_AVAILABLE))
    return x->acd_state == FD_ACD_AVAILABLE ? -1 : 1;
  return g_utf8_collate (x->name, y->name);
}

FdColleagues *
fd_center_list_colleagues (FdCenter       *self,
                           const FdAgent  *agent,
                           gint64          conversation_id,
                           GError        **error)
{
  g_autoptr(FdConversation) conv = fd_center_get_held (self, agent, conversation_id, error);
  g_autoptr(FdQueue) queue = NULL;
  g_autoptr(FdColleagues) result = NULL;

  if (conv == NULL)
    return NULL;
  queue = fd_store_get_queue (self->store, agent->organization_id, conv->queue_id, error);
  if (queue == NULL)
    return NULL;
  result = fd_colleagues_new ();
  result->items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_colleague_free);
  for (guint i = 0; queue->member_ids != NULL && i < queue->member_ids->len; i++)
    {
      gint64 member_id = g_array_index (queue->member_ids, gint64, i);
      g_autoptr(FdAgent) member = NULL;
      FdColleague *colleague;

      if (member_id == agent->id)
        continue;
      member = fd_store_get_agent (self->store, agent->organization_id, member_id, NULL);
      if (member == NULL)
        continue;
      colleague = fd_colleague_new ();
      colleague->agent_id = member->id;
      colleague->name = g_strdup (member->name);
      colleague->acd_state = member->acd_state;
      colleague->online = fd_center_agent_is_online (self, member->id);
      colleague->joined = fd_center_route_is_joined (self, member_id, queue->id);
      g_ptr_array_add (result->items, colleague);
    }
  g_ptr_array_sort (result->items, compare_colleagues);
  return g_steal_pointer (&result);
}
