#define G_LOG_DOMAIN "fd-center"

/* Queue membership held in memory (docs/architecture.md, "Fan-out"): which
 * agents are members of which queue, and whether they joined it. Every
 * event of a queue is pushed to the sockets of its members only, so the
 * push asks this table, never the store. It is loaded per organization at
 * start-up and reloaded, inside the same transaction, by every change of
 * configuration that concerns an organization's routing (members, agents,
 * queues, streams, a site import); joins and leaves update it after their
 * commit, and an organization that is gone is dropped with its sockets. */

#include "fd-center-private.h"

#include "fd-protocol.h"

/* One queue: its organization and its members. */
typedef struct {
  gint64      organization_id;
  GHashTable *agents;   /* gint64* agent id → GINT_TO_POINTER (1 + joined) */
} MemberQueue;

static void
member_queue_free (MemberQueue *queue)
{
  g_hash_table_unref (queue->agents);
  g_free (queue);
}

void
fd_center_members_init (FdCenter *self)
{
  self->members = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                         (GDestroyNotify) member_queue_free);
  self->member_orgs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

void
fd_center_members_clear (FdCenter *self)
{
  g_clear_pointer (&self->members, g_hash_table_unref);
  g_clear_pointer (&self->member_orgs, g_hash_table_unref);
}

static gboolean
queue_of_organization (gpointer key,
                       gpointer value,
                       gpointer user_data)
{
  return ((MemberQueue *) value)->organization_id == *(gint64 *) user_data;
}

static void
forget_organization (FdCenter *self,
                     gint64    organization_id)
{
  g_hash_table_foreach_remove (self->members, queue_of_organization, &organization_id);
  g_hash_table_remove (self->member_orgs, &organization_id);
}

static MemberQueue *
lookup_queue (FdCenter *self,
              gint64    organization_id,
              gint64    queue_id)
{
  MemberQueue *queue = g_hash_table_lookup (self->members, &queue_id);

  return queue != NULL && queue->organization_id == organization_id ? queue : NULL;
}

/* Adds to @changed (a set of gint64* queue ids) the queues of @organization_id
 * whose members differ between @old (queue id → MemberQueue, may be NULL)
 * and the table now. */
static void
collect_changed (FdCenter   *self,
                 gint64      organization_id,
                 GHashTable *old,
                 GHashTable *changed)
{
  GHashTableIter iter;
  gpointer key, value;

  for (int pass = 0; pass < 2; pass++)
    {
      GHashTable *a = pass == 0 ? old : self->members;
      GHashTable *b = pass == 0 ? self->members : old;

      g_hash_table_iter_init (&iter, a);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          MemberQueue *qa = value;
          MemberQueue *qb = g_hash_table_lookup (b, key);
          GHashTableIter agents;
          gpointer agent_id;

          if (qa->organization_id != organization_id)
            continue;
          if (qb == NULL || g_hash_table_size (qb->agents) != g_hash_table_size (qa->agents))
            {
              g_hash_table_add (changed, g_memdup2 (key, sizeof (gint64)));
              continue;
            }
          g_hash_table_iter_init (&agents, qa->agents);
          while (g_hash_table_iter_next (&agents, &agent_id, NULL))
            if (!g_hash_table_contains (qb->agents, agent_id))
              {
                g_hash_table_add (changed, g_memdup2 (key, sizeof (gint64)));
                break;
              }
        }
    }
}

/* Reads the organization's members from the store into the table. */
static gboolean
read_organization (FdCenter  *self,
                   gint64     organization_id,
                   GError   **error)
{
  g_autoptr(GArray) rows = fd_store_list_queue_members (self->store, organization_id, 0, 0, error);

  if (rows == NULL)
    return FALSE;
  forget_organization (self, organization_id);
  g_hash_table_add (self->member_orgs, g_memdup2 (&organization_id, sizeof organization_id));
  for (guint i = 0; i < rows->len; i++)
    {
      const FdQueueMember *row = &g_array_index (rows, FdQueueMember, i);
      MemberQueue *queue = g_hash_table_lookup (self->members, &row->queue_id);

      if (queue == NULL)
        {
          queue = g_new0 (MemberQueue, 1);
          queue->organization_id = organization_id;
          queue->agents = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
          g_hash_table_insert (self->members, g_memdup2 (&row->queue_id, sizeof row->queue_id), queue);
        }
      g_hash_table_insert (queue->agents, g_memdup2 (&row->agent_id, sizeof row->agent_id),
                           GINT_TO_POINTER (1 + (row->joined ? 1 : 0)));
    }
  return TRUE;
}

/* Tells every member of a queue whose members changed its new state: the
 * new member learns the queue, the others its new count of members. */
static gboolean
emit_queue_states (FdCenter   *self,
                   gint64      organization_id,
                   GHashTable *changed,
                   GError    **error)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, changed);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(FdQueue) queue = NULL;
      g_autoptr(GError) local_error = NULL;

      queue = fd_store_get_queue (self->store, organization_id, *(gint64 *) key, &local_error);
      if (queue == NULL)
        {
          /* A deleted queue: its members learn it at their next snapshot. */
          if (g_error_matches (local_error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      for (guint i = 0; queue->member_ids != NULL && i < queue->member_ids->len; i++)
        {
          FdAgent member = { .id = g_array_index (queue->member_ids, gint64, i),
                             .organization_id = organization_id };
          g_autoptr(FdQueueState) state = fd_center_queue_state (self, &member, queue);

          if (!fd_center_emit (self, organization_id, "queue-state", 0, member.id, 0,
                               fd_queue_state_to_json (state), error))
            return FALSE;
        }
    }
  return TRUE;
}

gboolean
fd_center_members_load (FdCenter  *self,
                        gint64     organization_id,
                        gboolean   tell,
                        GError   **error)
{
  g_autoptr(GHashTable) old = NULL;
  g_autoptr(GHashTable) changed = NULL;
  GHashTableIter iter;
  gpointer key, value;

  /* An organization nobody was connected to has nobody to tell. */
  if (!tell || !g_hash_table_contains (self->member_orgs, &organization_id))
    return read_organization (self, organization_id, error);

  /* Keeps the organization's queues as they were, to compare. */
  old = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) member_queue_free);
  g_hash_table_iter_init (&iter, self->members);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (((MemberQueue *) value)->organization_id == organization_id)
      {
        g_hash_table_iter_steal (&iter);
        g_hash_table_insert (old, key, value);
      }
  if (!read_organization (self, organization_id, error))
    {
      /* Puts back what was there: the caller rolls back. */
      g_hash_table_iter_init (&iter, old);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_hash_table_iter_steal (&iter);
          g_hash_table_insert (self->members, key, value);
        }
      return FALSE;
    }
  changed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  collect_changed (self, organization_id, old, changed);
  return emit_queue_states (self, organization_id, changed, error);
}

void
fd_center_members_reload (FdCenter *self,
                          gint64    organization_id)
{
  g_autoptr(GError) error = NULL;

  if (!read_organization (self, organization_id, &error))
    {
      /* Stricter than stale: nobody sees the organization's queue events
       * until the next change reloads it. */
      g_warning ("Cannot reload the queue members of organization %" G_GINT64_FORMAT ": %s",
                 organization_id, error->message);
      forget_organization (self, organization_id);
    }
}

void
fd_center_members_drop_gone (FdCenter *self)
{
  g_autoptr(GPtrArray) orgs = NULL;
  g_autoptr(GHashTable) present = NULL;
  g_autoptr(GArray) gone = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer key, value;

  orgs = fd_store_list_organizations (self->store, &error);
  if (orgs == NULL)
    {
      g_warning ("Cannot list the organizations: %s", error->message);
      return;
    }
  present = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < orgs->len; i++)
    g_hash_table_add (present, &((FdOrganization *) g_ptr_array_index (orgs, i))->id);

  g_hash_table_iter_init (&iter, self->member_orgs);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (present, key))
      g_array_append_val (gone, *(gint64 *) key);

  for (guint i = 0; i < gone->len; i++)
    {
      gint64 organization_id = g_array_index (gone, gint64, i);
      g_autoptr(GArray) agents = g_array_new (FALSE, FALSE, sizeof (gint64));

      forget_organization (self, organization_id);
      /* Its agents' sockets close now rather than at their next request. */
      g_hash_table_iter_init (&iter, self->agent_org);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (*(gint64 *) value == organization_id)
          g_array_append_val (agents, *(gint64 *) key);
      for (guint j = 0; j < agents->len; j++)
        fd_center_close_agent_sockets (self, organization_id, g_array_index (agents, gint64, j),
                                       "This organization was removed from the contact center.");
    }
}

void
fd_center_members_set_joined (FdCenter *self,
                              gint64    organization_id,
                              gint64    queue_id,
                              gint64    agent_id,
                              gboolean  joined)
{
  MemberQueue *queue = lookup_queue (self, organization_id, queue_id);

  if (queue != NULL && g_hash_table_contains (queue->agents, &agent_id))
    g_hash_table_insert (queue->agents, g_memdup2 (&agent_id, sizeof agent_id),
                         GINT_TO_POINTER (1 + (joined ? 1 : 0)));
}

gboolean
fd_center_is_member (FdCenter *self,
                     gint64    organization_id,
                     gint64    queue_id,
                     gint64    agent_id)
{
  MemberQueue *queue;

  if (queue_id <= 0 || agent_id <= 0)
    return FALSE;
  queue = lookup_queue (self, organization_id, queue_id);
  return queue != NULL && g_hash_table_contains (queue->agents, &agent_id);
}

gboolean
fd_center_members_is_joined (FdCenter *self,
                             gint64    organization_id,
                             gint64    queue_id,
                             gint64    agent_id)
{
  MemberQueue *queue = lookup_queue (self, organization_id, queue_id);

  return queue != NULL && GPOINTER_TO_INT (g_hash_table_lookup (queue->agents, &agent_id)) == 2;
}

void
fd_center_members_count (FdCenter   *self,
                         gint64      organization_id,
                         gint64      queue_id,
                         GHashTable *available,
                         gint       *out_joined,
                         gint       *out_available)
{
  MemberQueue *queue = lookup_queue (self, organization_id, queue_id);
  GHashTableIter iter;
  gpointer key, value;

  *out_joined = 0;
  *out_available = 0;
  if (queue == NULL)
    return;
  g_hash_table_iter_init (&iter, queue->agents);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (GPOINTER_TO_INT (value) != 2)
        continue;
      (*out_joined)++;
      if (g_hash_table_contains (available, key))
        (*out_available)++;
    }
}

static gint
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

GHashTable *
fd_center_members_joined_queues (FdCenter *self,
                                 gint64    organization_id)
{
  GHashTable *joined = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                              (GDestroyNotify) g_array_unref);
  GHashTableIter iter, members;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->members);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      MemberQueue *queue = value;
      gpointer agent_key, state;

      if (queue->organization_id != organization_id)
        continue;
      g_hash_table_iter_init (&members, queue->agents);
      while (g_hash_table_iter_next (&members, &agent_key, &state))
        {
          GArray *ids;

          if (GPOINTER_TO_INT (state) != 2)
            continue;
          ids = g_hash_table_lookup (joined, agent_key);
          if (ids == NULL)
            {
              ids = g_array_new (FALSE, FALSE, sizeof (gint64));
              g_hash_table_insert (joined, g_memdup2 (agent_key, sizeof (gint64)), ids);
            }
          g_array_append_val (ids, *(gint64 *) key);
        }
    }
  g_hash_table_iter_init (&iter, joined);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_array_sort (value, compare_ids);
  return joined;
}
