#define G_LOG_DOMAIN "fd-center"

/* Statistics (docs/statistics.md): the "stats" request of an agent and the
 * "stats" events the center publishes after a change; the last hour's
 * history behind "stats-history"; the agents' misses today; the
 * supervisors' live table of agents ("list-agent-states" and the
 * "supervised-agent-state" events).
 *
 * The hot path (a pushed event) only marks or counts here: the figures are
 * computed by a few queries per report, per minute's sample and per
 * publication, never per event. */

#include "fd-center-private.h"

#include "fd-protocol.h"
#include "fd-stats-ring.h"

/* Statistics are pushed at most this often, and only after a change. */
#define FD_CENTER_STATS_SECONDS 5
/* The supervisors' table is pushed at most this often, after a change. */
#define FD_CENTER_AGENT_STATES_SECONDS 1
/* One sample of every row this often (frontdeskd --stats-sample-seconds). */
#define FD_CENTER_SAMPLE_SECONDS 60

/* An agent's offers that bounced or were rejected on the day that starts
 * at day_start. */
typedef struct {
  gint64 day_start;
  gint   count;
} MissedToday;

struct _FdWallboard
{
  GHashTable *rings;        /* gint64* organization id → FdStatsRing* */
  guint       sample_id;
  guint       sample_seconds;
  GHashTable *missed;       /* gint64* agent id → MissedToday* */
  GHashTable *state_since;  /* gint64* agent id → gint64*: when its row's state last changed */
  GHashTable *online;       /* gint64* agent ids connected when last told */
  GHashTable *sent;         /* gint64* agent id → FdAgentState*: the row supervisors have */
  GHashTable *dirty;        /* gint64* organization ids whose agents' table may have changed */
  guint       publish_id;
};

static gboolean on_sample_cb (gpointer user_data);

gint64
fd_center_day_start (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) midnight = g_date_time_new_utc (g_date_time_get_year (now), g_date_time_get_month (now),
                                                       g_date_time_get_day_of_month (now), 0, 0, 0);

  return g_date_time_to_unix (midnight) * G_USEC_PER_SEC;
}

static GHashTable *
new_id_table (GDestroyNotify value_free)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, value_free);
}

void
fd_center_wallboard_init (FdCenter *self)
{
  FdWallboard *wall = g_new0 (FdWallboard, 1);

  wall->rings = new_id_table ((GDestroyNotify) fd_stats_ring_free);
  wall->missed = new_id_table (g_free);
  wall->state_since = new_id_table (g_free);
  wall->online = new_id_table (NULL);
  wall->sent = new_id_table ((GDestroyNotify) fd_agent_state_free);
  wall->dirty = new_id_table (NULL);
  wall->sample_seconds = FD_CENTER_SAMPLE_SECONDS;
  wall->sample_id = g_timeout_add_seconds (wall->sample_seconds, on_sample_cb, self);
  self->wallboard = wall;
}

void
fd_center_wallboard_clear (FdCenter *self)
{
  FdWallboard *wall = g_steal_pointer (&self->wallboard);

  if (wall == NULL)
    return;
  g_clear_handle_id (&wall->sample_id, g_source_remove);
  g_clear_handle_id (&wall->publish_id, g_source_remove);
  g_hash_table_unref (wall->rings);
  g_hash_table_unref (wall->missed);
  g_hash_table_unref (wall->state_since);
  g_hash_table_unref (wall->online);
  g_hash_table_unref (wall->sent);
  g_hash_table_unref (wall->dirty);
  g_free (wall);
}

void
fd_center_set_stats_sample_seconds (FdCenter *self,
                                    guint     seconds)
{
  g_return_if_fail (FD_IS_CENTER (self));
  g_return_if_fail (seconds >= 1 && seconds <= FD_CENTER_SAMPLE_SECONDS);

  self->wallboard->sample_seconds = seconds;
  g_clear_handle_id (&self->wallboard->sample_id, g_source_remove);
  self->wallboard->sample_id = g_timeout_add_seconds (seconds, on_sample_cb, self);
}

static void
set_id (GHashTable *table,
        gint64      id,
        gpointer    value)
{
  g_hash_table_insert (table, g_memdup2 (&id, sizeof id), value);
}

/* --- The figures of people ------------------------------------------------- */

/* The agents of the organization who can take an offer now: connected and
 * available (a set of gint64* ids). */
static GHashTable *
available_agents (FdCenter  *self,
                  gint64     organization_id,
                  GError   **error)
{
  g_autoptr(GPtrArray) agents = fd_store_list_agents (self->store, organization_id, error);
  GHashTable *available;

  if (agents == NULL)
    return NULL;
  available = new_id_table (NULL);
  for (guint i = 0; i < agents->len; i++)
    {
      const FdAgent *agent = g_ptr_array_index (agents, i);

      if (agent->acd_state == FD_ACD_AVAILABLE && fd_center_agent_is_online (self, agent->id))
        set_id (available, agent->id, NULL);
    }
  return available;
}

/* The organization's stats rows at @now with agents_joined and
 * agents_available filled (a stream's row has its queue's). */
static GPtrArray *
compute_rows (FdCenter  *self,
              gint64     organization_id,
              gint64     now,
              GError   **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) available = NULL;

  rows = fd_store_get_stats (self->store, organization_id, now, fd_center_day_start (), error);
  if (rows == NULL || (available = available_agents (self, organization_id, error)) == NULL)
    return NULL;
  for (guint i = 0; i < rows->len; i++)
    {
      FdStats *row = g_ptr_array_index (rows, i);

      fd_center_members_count (self, organization_id, row->queue_id, available,
                               &row->agents_joined, &row->agents_available);
    }
  return g_steal_pointer (&rows);
}

/* --- The "stats" events ---------------------------------------------------- */

/* One "stats" event per queue, seen by its members, with the queue's row and
 * its streams' rows. */
static gboolean
publish_stats (FdCenter  *self,
               gint64     organization_id,
               GError   **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) reports = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                         (GDestroyNotify) fd_stats_report_free);
  GHashTableIter iter;
  gpointer key, value;

  rows = compute_rows (self, organization_id, g_get_real_time (), error);
  if (rows == NULL)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      FdStats *row = g_ptr_array_index (rows, i);
      FdStatsReport *report = g_hash_table_lookup (reports, &row->queue_id);

      if (report == NULL)
        {
          report = fd_stats_report_new ();
          report->rows = fd_stats_list_new ();
          g_hash_table_insert (reports, &row->queue_id, report);
        }
      g_ptr_array_add (report->rows, fd_stats_copy (row));
    }

  if (!fd_center_begin (self, error))
    return FALSE;
  g_hash_table_iter_init (&iter, reports);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (!fd_center_emit (self, organization_id, "stats", *(gint64 *) key, 0, 0,
                           fd_stats_report_to_json (value), error))
        {
          fd_center_rollback (self);
          return FALSE;
        }
    }
  return fd_center_commit (self, error);
}

static gboolean
on_stats_cb (gpointer user_data)
{
  FdCenter *self = user_data;
  g_autoptr(GHashTable) dirty = g_steal_pointer (&self->stats_dirty);
  GHashTableIter iter;
  gpointer key;

  self->stats_id = 0;
  self->stats_dirty = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, dirty);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(GError) error = NULL;

      if (!publish_stats (self, *(gint64 *) key, &error))
        g_warning ("Cannot publish the statistics of organization %" G_GINT64_FORMAT ": %s",
                   *(gint64 *) key, error->message);
    }
  return G_SOURCE_REMOVE;
}

void
fd_center_stats_changed (FdCenter *self,
                         gint64    organization_id)
{
  if (!g_hash_table_contains (self->stats_dirty, &organization_id))
    g_hash_table_add (self->stats_dirty, g_memdup2 (&organization_id, sizeof organization_id));
  if (self->stats_id == 0)
    self->stats_id = g_timeout_add_seconds (FD_CENTER_STATS_SECONDS, on_stats_cb, self);
}

/* --- The agent's own figures ----------------------------------------------- */

void
fd_center_wallboard_withdrawn (FdCenter         *self,
                               gint64            agent_id,
                               FdWithdrawReason  reason,
                               gint64            now)
{
  MissedToday *missed;
  gint64 day_start;

  if (reason != FD_WITHDRAW_BOUNCED && reason != FD_WITHDRAW_REJECTED)
    return;
  day_start = now - now % (24 * G_TIME_SPAN_HOUR);
  missed = g_hash_table_lookup (self->wallboard->missed, &agent_id);
  if (missed == NULL)
    {
      missed = g_new0 (MissedToday, 1);
      set_id (self->wallboard->missed, agent_id, missed);
    }
  if (missed->day_start != day_start)
    {
      missed->day_start = day_start;
      missed->count = 0;
    }
  missed->count++;
}

static gint
missed_today (FdCenter *self,
              gint64    agent_id,
              gint64    day_start)
{
  MissedToday *missed = g_hash_table_lookup (self->wallboard->missed, &agent_id);

  return missed != NULL && missed->day_start == day_start ? missed->count : 0;
}

static gint64
state_since (FdCenter *self,
             gint64    agent_id)
{
  gint64 *since = g_hash_table_lookup (self->wallboard->state_since, &agent_id);

  return since != NULL ? *since : 0;
}

void
fd_center_wallboard_acd_changed (FdCenter *self,
                                 gint64    agent_id,
                                 gint64    now)
{
  set_id (self->wallboard->state_since, agent_id, g_memdup2 (&now, sizeof now));
}

FdStatsReport *
fd_center_stats (FdCenter       *self,
                 const FdAgent  *agent,
                 GError        **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(FdStatsReport) report = fd_stats_report_new ();
  gint64 now = g_get_real_time ();
  gint64 day_start = fd_center_day_start ();

  rows = compute_rows (self, agent->organization_id, now, error);
  if (rows == NULL)
    return NULL;
  report->agent = fd_store_get_agent_stats (self->store, agent->organization_id, agent->id, now, day_start, error);
  if (report->agent == NULL)
    return NULL;
  report->agent->missed_today = missed_today (self, agent->id, day_start);
  report->agent->acd_state = agent->acd_state;
  report->agent->acd_reason = g_strdup (agent->acd_reason);
  report->agent->state_since = state_since (self, agent->id);
  report->rows = fd_stats_list_new ();
  for (guint i = 0; i < rows->len; i++)
    {
      FdStats *row = g_ptr_array_index (rows, i);

      if (fd_center_is_member (self, agent->organization_id, row->queue_id, agent->id))
        g_ptr_array_add (report->rows, fd_stats_copy (row));
    }
  return g_steal_pointer (&report);
}

/* --- The last hour --------------------------------------------------------- */

static gboolean
on_sample_cb (gpointer user_data)
{
  FdCenter *self = user_data;
  FdWallboard *wall = self->wallboard;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orgs = fd_store_list_organizations (self->store, &error);
  g_autoptr(GHashTable) rings = NULL;
  gint64 now = g_get_real_time ();

  if (orgs == NULL)
    {
      g_warning ("Cannot sample the statistics: %s", error->message);
      return G_SOURCE_CONTINUE;
    }
  /* Only the organizations that still exist keep a ring. */
  rings = g_steal_pointer (&wall->rings);
  wall->rings = new_id_table ((GDestroyNotify) fd_stats_ring_free);
  for (guint i = 0; i < orgs->len; i++)
    {
      const FdOrganization *org = g_ptr_array_index (orgs, i);
      g_autoptr(GPtrArray) rows = compute_rows (self, org->id, now, &error);
      gpointer key = NULL, ring = NULL;

      if (!g_hash_table_steal_extended (rings, &org->id, &key, &ring))
        ring = fd_stats_ring_new (FD_STATS_HISTORY_ROWS, FD_STATS_HISTORY_MINUTES);
      g_free (key);
      if (rows != NULL)
        fd_stats_ring_add (ring, now, rows);
      else
        {
          g_warning ("Cannot sample the statistics of organization %" G_GINT64_FORMAT ": %s",
                     org->id, error->message);
          g_clear_error (&error);
        }
      set_id (wall->rings, org->id, ring);
    }
  return G_SOURCE_CONTINUE;
}

typedef struct {
  FdCenter      *self;
  const FdAgent *agent;
} SampleFilter;

static gboolean
keep_member_row (const FdStats *row,
                 gpointer       user_data)
{
  SampleFilter *filter = user_data;

  return fd_center_is_member (filter->self, filter->agent->organization_id, row->queue_id, filter->agent->id);
}

FdStatsHistory *
fd_center_stats_history (FdCenter       *self,
                         const FdAgent  *agent,
                         GError        **error)
{
  g_autoptr(FdStatsHistory) history = fd_stats_history_new ();
  FdStatsRing *ring;
  SampleFilter filter = { self, agent };

  g_return_val_if_fail (FD_IS_CENTER (self), NULL);
  g_return_val_if_fail (agent != NULL, NULL);

  ring = g_hash_table_lookup (self->wallboard->rings, &agent->organization_id);
  history->samples = ring != NULL ? fd_stats_ring_dup (ring, keep_member_row, &filter) : fd_stats_list_new ();
  return g_steal_pointer (&history);
}

/* --- The supervisors' table of agents -------------------------------------- */

/* One row of the table: @held and @joined as from fd_store_count_held()
 * and fd_center_members_joined_queues(). */
static FdAgentState *
agent_state_new (FdCenter      *self,
                 const FdAgent *agent,
                 GHashTable    *held,
                 GHashTable    *joined)
{
  FdAgentState *state = fd_agent_state_new ();
  GArray *queues = g_hash_table_lookup (joined, &agent->id);

  state->agent_id = agent->id;
  state->name = g_strdup (agent->name);
  if (fd_center_agent_is_online (self, agent->id))
    {
      state->acd_state = agent->acd_state;
      state->acd_reason = g_strdup (agent->acd_reason);
    }
  else
    state->acd_state = FD_ACD_OFFLINE;
  state->state_since = state_since (self, agent->id);
  state->held = GPOINTER_TO_INT (g_hash_table_lookup (held, &agent->id));
  state->joined_queue_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (queues != NULL)
    g_array_append_vals (state->joined_queue_ids, queues->data, queues->len);
  return state;
}

static gint
compare_states (gconstpointer a,
                gconstpointer b)
{
  const FdAgentState *x = *(FdAgentState * const *) a, *y = *(FdAgentState * const *) b;
  int by_name = g_strcmp0 (x->name, y->name);

  if (by_name != 0)
    return by_name;
  return x->agent_id < y->agent_id ? -1 : x->agent_id > y->agent_id;
}

/* Every agent's row now, by name, at most FD_LIMIT_ARRAY; with
 * @out_supervisors the ids of the supervisors and admins online. */
static GPtrArray *
compute_states (FdCenter  *self,
                gint64     organization_id,
                GArray   **out_supervisors,
                GError   **error)
{
  g_autoptr(GPtrArray) agents = fd_store_list_agents (self->store, organization_id, error);
  g_autoptr(GHashTable) held = NULL;
  g_autoptr(GHashTable) joined = NULL;
  g_autoptr(GPtrArray) states = NULL;

  if (agents == NULL || (held = fd_store_count_held (self->store, organization_id, error)) == NULL)
    return NULL;
  joined = fd_center_members_joined_queues (self, organization_id);
  states = fd_agent_state_list_new ();
  if (out_supervisors != NULL)
    *out_supervisors = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < agents->len; i++)
    {
      const FdAgent *agent = g_ptr_array_index (agents, i);

      g_ptr_array_add (states, agent_state_new (self, agent, held, joined));
      if (out_supervisors != NULL && agent->role >= FD_ROLE_SUPERVISOR &&
          fd_center_agent_is_online (self, agent->id))
        g_array_append_val (*out_supervisors, agent->id);
    }
  g_ptr_array_sort (states, compare_states);
  if (states->len > FD_LIMIT_ARRAY)
    g_ptr_array_set_size (states, FD_LIMIT_ARRAY);
  return g_steal_pointer (&states);
}

FdAgentStates *
fd_center_list_agent_states (FdCenter       *self,
                             const FdAgent  *agent,
                             GError        **error)
{
  g_autoptr(FdAgentStates) list = fd_agent_states_new ();

  g_return_val_if_fail (FD_IS_CENTER (self), NULL);
  g_return_val_if_fail (agent != NULL, NULL);

  if (agent->role < FD_ROLE_SUPERVISOR)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_FORBIDDEN,
                           "Only supervisors and administrators see the table of agents.");
      return NULL;
    }
  list->agents = compute_states (self, agent->organization_id, NULL, error);
  if (list->agents == NULL)
    return NULL;
  return g_steal_pointer (&list);
}

/* Sends the rows that changed since last sent, one "supervised-agent-state"
 * event per row and supervisor or admin connected now (the audience of an
 * event is a queue or one person, and supervisors are neither: as
 * "stream-health"). */
static gboolean
publish_agent_states (FdCenter  *self,
                      gint64     organization_id,
                      GError   **error)
{
  FdWallboard *wall = self->wallboard;
  g_autoptr(GArray) supervisors = NULL;
  g_autoptr(GPtrArray) states = compute_states (self, organization_id, &supervisors, error);
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();

  if (states == NULL)
    return FALSE;
  for (guint i = 0; i < states->len; i++)
    {
      FdAgentState *state = g_ptr_array_index (states, i);
      FdAgentState *sent = g_hash_table_lookup (wall->sent, &state->agent_id);

      if (sent == NULL || !fd_agent_state_equal (sent, state))
        g_ptr_array_add (changed, state);
    }
  if (changed->len == 0)
    return TRUE;

  if (!fd_center_begin (self, error))
    return FALSE;
  for (guint i = 0; i < changed->len; i++)
    for (guint s = 0; s < supervisors->len; s++)
      if (!fd_center_emit (self, organization_id, "supervised-agent-state", 0,
                           g_array_index (supervisors, gint64, s), 0,
                           fd_agent_state_to_json (g_ptr_array_index (changed, i)), error))
        {
          fd_center_rollback (self);
          return FALSE;
        }
  if (!fd_center_commit (self, error))
    return FALSE;
  for (guint i = 0; i < changed->len; i++)
    {
      FdAgentState *state = g_ptr_array_index (changed, i);

      set_id (wall->sent, state->agent_id, fd_agent_state_copy (state));
    }
  return TRUE;
}

static gboolean
on_agent_states_cb (gpointer user_data)
{
  FdCenter *self = user_data;
  FdWallboard *wall = self->wallboard;
  g_autoptr(GHashTable) dirty = g_steal_pointer (&wall->dirty);
  GHashTableIter iter;
  gpointer key;

  wall->publish_id = 0;
  wall->dirty = new_id_table (NULL);
  g_hash_table_iter_init (&iter, dirty);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(GError) error = NULL;

      if (!publish_agent_states (self, *(gint64 *) key, &error))
        g_warning ("Cannot publish the agents of organization %" G_GINT64_FORMAT ": %s",
                   *(gint64 *) key, error->message);
    }
  return G_SOURCE_REMOVE;
}

static void
agent_states_changed (FdCenter *self,
                      gint64    organization_id)
{
  FdWallboard *wall = self->wallboard;

  if (!g_hash_table_contains (wall->dirty, &organization_id))
    set_id (wall->dirty, organization_id, NULL);
  if (wall->publish_id == 0)
    wall->publish_id = g_timeout_add_seconds (FD_CENTER_AGENT_STATES_SECONDS, on_agent_states_cb, self);
}

void
fd_center_wallboard_event (FdCenter   *self,
                           gint64      organization_id,
                           const char *type)
{
  /* A conversation event may change who holds what; the others change an
   * agent's state or joined queues, and the people of the stats rows. */
  if (g_str_equal (type, "conversation"))
    agent_states_changed (self, organization_id);
  else if (g_str_equal (type, "agent-state") || g_str_equal (type, "queue-state"))
    {
      agent_states_changed (self, organization_id);
      fd_center_stats_changed (self, organization_id);
    }
}

void
fd_center_agent_presence_changed (FdCenter *self,
                                  gint64    organization_id,
                                  gint64    agent_id)
{
  FdWallboard *wall;
  gboolean online, was_online;

  g_return_if_fail (FD_IS_CENTER (self));

  wall = self->wallboard;
  online = fd_center_agent_is_online (self, agent_id);
  was_online = g_hash_table_contains (wall->online, &agent_id);
  if (online == was_online)
    return;
  if (online)
    set_id (wall->online, agent_id, NULL);
  else
    g_hash_table_remove (wall->online, &agent_id);
  fd_center_wallboard_acd_changed (self, agent_id, g_get_real_time ());
  agent_states_changed (self, organization_id);
  fd_center_stats_changed (self, organization_id);
}
