#define G_LOG_DOMAIN "fd-center"

/* The library an agent searches while answering: canned replies and
 * resources (docs/protocol.md, "list-canned-replies"). */

#include "fd-center-private.h"

#include "fd-protocol.h"

#define DEFAULT_SEARCH_LIMIT 50

/* Whether an item of @level/@owner is visible from @conv (NULL = any). */
static gboolean
level_visible (FdLevel               level,
               gint64                owner_id,
               const FdConversation *conv)
{
  if (conv == NULL)
    return TRUE;
  switch (level)
    {
    case FD_LEVEL_QUEUE:
      return owner_id == conv->queue_id;
    case FD_LEVEL_STREAM:
      return owner_id == conv->stream_id;
    case FD_LEVEL_ORGANIZATION:
    case FD_LEVEL_AGENT:
    default:
      return TRUE;
    }
}

static guint
search_limit (const FdSearch *search)
{
  return search->limit > 0 ? MIN ((guint) search->limit, FD_LIMIT_ARRAY) : DEFAULT_SEARCH_LIMIT;
}

/* Canned replies and resources both start with these members (fd-types.h). */
typedef struct {
  gint64   id;
  gint64   organization_id;
  FdLevel  level;
  gint64   owner_id;
} LevelHead;

G_STATIC_ASSERT (G_STRUCT_OFFSET (FdCannedReply, owner_id) == G_STRUCT_OFFSET (LevelHead, owner_id));
G_STATIC_ASSERT (G_STRUCT_OFFSET (FdResource, owner_id) == G_STRUCT_OFFSET (LevelHead, owner_id));
G_STATIC_ASSERT (G_STRUCT_OFFSET (FdCannedReply, level) == G_STRUCT_OFFSET (LevelHead, level));
G_STATIC_ASSERT (G_STRUCT_OFFSET (FdResource, level) == G_STRUCT_OFFSET (LevelHead, level));

/* What a search lists from the store: every item visible to the agent. */
typedef GPtrArray *(*ListVisible) (FdStore *store, gint64 organization_id, gint64 agent_id,
                                   const char *search, GError **error);

/* Copies into @items the items of @list_visible that the search may show:
 * those of the conversation's levels when it names one, at most the
 * search's limit. */
static gboolean
search_items (FdCenter        *self,
              const FdAgent   *agent,
              const FdSearch  *search,
              ListVisible      list_visible,
              GBoxedCopyFunc   copy,
              GPtrArray       *items,
              GError         **error)
{
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(GPtrArray) all = NULL;

  if (search->conversation_id != 0 &&
      (conv = fd_center_get_visible (self, agent, search->conversation_id, error)) == NULL)
    return FALSE;
  all = list_visible (self->store, agent->organization_id, agent->id, search->search, error);
  if (all == NULL)
    return FALSE;
  for (guint i = 0; i < all->len && items->len < search_limit (search); i++)
    {
      const LevelHead *item = g_ptr_array_index (all, i);

      if (level_visible (item->level, item->owner_id, conv))
        g_ptr_array_add (items, copy (g_ptr_array_index (all, i)));
    }
  return TRUE;
}

FdCannedReplies *
fd_center_list_canned_replies (FdCenter        *self,
                               const FdAgent   *agent,
                               const FdSearch  *search,
                               GError         **error)
{
  g_autoptr(FdCannedReplies) result = fd_canned_replies_new ();

  result->items = fd_canned_reply_list_new ();
  if (!search_items (self, agent, search, fd_store_list_visible_canned_replies,
                     (GBoxedCopyFunc) fd_canned_reply_copy, result->items, error))
    return NULL;
  return g_steal_pointer (&result);
}

FdResources *
fd_center_list_resources (FdCenter        *self,
                          const FdAgent   *agent,
                          const FdSearch  *search,
                          GError         **error)
{
  g_autoptr(FdResources) result = fd_resources_new ();

  result->items = fd_resource_list_new ();
  if (!search_items (self, agent, search, fd_store_list_visible_resources,
                     (GBoxedCopyFunc) fd_resource_copy, result->items, error))
    return NULL;
  return g_steal_pointer (&result);
}
