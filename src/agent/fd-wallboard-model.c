#define G_LOG_DOMAIN "fd-wallboard-model"

#include "fd-config.h"

#include <glib/gi18n.h>

#include "fd-session.h"
#include "fd-wallboard-model.h"

/* One stats row (queue total or stream) and its last hour. */
typedef struct {
  gint64     queue_id;
  gint64     stream_id;
  FdStats   *latest;
  GPtrArray *history;   /* FdStats*, by at */
} Row;

/* The agent's own figures at one time. */
typedef struct {
  gint64        at;
  FdAgentStats *stats;
} AgentSample;

struct _FdWallboardModel
{
  GObject              parent_instance;

  GPtrArray           *rows;      /* Row*, by queue then stream */
  FdAgentStats        *agent;
  GArray              *agent_history;   /* AgentSample */
  GPtrArray           *agents;    /* FdAgentState*, by name */
  gboolean             supervising;

  FdWallboardNameFunc  name_func;
  gpointer             name_data;

  FdConnection        *connection;
  GCancellable        *cancellable;
  gboolean             stats_in_flight;
  gboolean             stats_again;
};

G_DEFINE_FINAL_TYPE (FdWallboardModel, fd_wallboard_model, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  SIGNAL_AGENTS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
row_free (Row *row)
{
  g_clear_pointer (&row->latest, fd_stats_free);
  g_clear_pointer (&row->history, g_ptr_array_unref);
  g_free (row);
}

static void
agent_sample_clear (AgentSample *sample)
{
  g_clear_pointer (&sample->stats, fd_agent_stats_free);
}

void
fd_wallboard_line_free (FdWallboardLine *line)
{
  if (line == NULL)
    return;
  g_free (line->label);
  g_clear_pointer (&line->points, g_array_unref);
  g_free (line);
}

static Row *
lookup_row (FdWallboardModel *self,
            gint64            queue_id,
            gint64            stream_id,
            gboolean          create)
{
  guint i;
  Row *row;

  for (i = 0; i < self->rows->len; i++)
    {
      row = self->rows->pdata[i];
      if (row->queue_id == queue_id && row->stream_id == stream_id)
        return row;
      if (row->queue_id > queue_id || (row->queue_id == queue_id && row->stream_id > stream_id))
        break;
    }
  if (!create)
    return NULL;
  row = g_new0 (Row, 1);
  row->queue_id = queue_id;
  row->stream_id = stream_id;
  row->history = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_stats_free);
  g_ptr_array_insert (self->rows, (int) i, row);
  return row;
}

/* Drops samples older than an hour before the newest, and beyond the
 * bound, oldest first. */
static void
trim_history (GPtrArray *history)
{
  gint64 newest;
  guint drop = 0;

  if (history->len == 0)
    return;
  newest = ((FdStats *) history->pdata[history->len - 1])->at;
  while (drop < history->len && ((FdStats *) history->pdata[drop])->at < newest - FD_WALLBOARD_SPAN)
    drop++;
  if (history->len - drop > FD_WALLBOARD_MAX_SAMPLES)
    drop = history->len - FD_WALLBOARD_MAX_SAMPLES;
  if (drop > 0)
    g_ptr_array_remove_range (history, 0, drop);
}

static void
trim_agent_history (FdWallboardModel *self)
{
  gint64 newest;
  guint drop = 0;

  if (self->agent_history->len == 0)
    return;
  newest = g_array_index (self->agent_history, AgentSample, self->agent_history->len - 1).at;
  while (drop < self->agent_history->len &&
         g_array_index (self->agent_history, AgentSample, drop).at < newest - FD_WALLBOARD_SPAN)
    drop++;
  if (self->agent_history->len - drop > FD_WALLBOARD_MAX_SAMPLES)
    drop = self->agent_history->len - FD_WALLBOARD_MAX_SAMPLES;
  if (drop > 0)
    g_array_remove_range (self->agent_history, 0, drop);
}

/* Adds @sample (taken) in time order; one at the same time as the newest
 * replaces it. */
static void
add_sample (GPtrArray *history,
            FdStats   *sample)
{
  guint i = history->len;

  while (i > 0 && ((FdStats *) history->pdata[i - 1])->at > sample->at)
    i--;
  if (i > 0 && ((FdStats *) history->pdata[i - 1])->at == sample->at)
    {
      fd_stats_free (history->pdata[i - 1]);
      history->pdata[i - 1] = sample;
    }
  else
    g_ptr_array_insert (history, (int) i, sample);
  trim_history (history);
}

void
fd_wallboard_model_apply_stats (FdWallboardModel    *self,
                                const FdStatsReport *report,
                                gint64               now)
{
  g_return_if_fail (FD_IS_WALLBOARD_MODEL (self));
  g_return_if_fail (report != NULL);

  for (guint i = 0; report->rows != NULL && i < report->rows->len; i++)
    {
      const FdStats *stats = report->rows->pdata[i];
      Row *row = lookup_row (self, stats->queue_id, stats->stream_id, TRUE);
      FdStats *copy = fd_stats_copy (stats);

      if (copy->at == 0)
        copy->at = now;
      g_clear_pointer (&row->latest, fd_stats_free);
      row->latest = fd_stats_copy (copy);
      add_sample (row->history, copy);
    }
  if (report->agent != NULL)
    {
      AgentSample sample = { now, fd_agent_stats_copy (report->agent) };

      g_clear_pointer (&self->agent, fd_agent_stats_free);
      self->agent = fd_agent_stats_copy (report->agent);
      g_array_append_val (self->agent_history, sample);
      trim_agent_history (self);
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
fd_wallboard_model_apply_history (FdWallboardModel *self,
                                  GPtrArray        *samples)
{
  g_return_if_fail (FD_IS_WALLBOARD_MODEL (self));
  g_return_if_fail (samples != NULL);

  for (guint i = 0; i < samples->len; i++)
    {
      const FdStats *stats = samples->pdata[i];
      Row *row;

      /* A sample without its time cannot be placed on the plot. */
      if (stats->at == 0)
        continue;
      row = lookup_row (self, stats->queue_id, stats->stream_id, TRUE);
      add_sample (row->history, fd_stats_copy (stats));
      if (row->latest == NULL || row->latest->at < stats->at)
        {
          g_clear_pointer (&row->latest, fd_stats_free);
          row->latest = fd_stats_copy (stats);
        }
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static int
compare_agents (gconstpointer a,
                gconstpointer b)
{
  const FdAgentState *x = *(const FdAgentState * const *) a;
  const FdAgentState *y = *(const FdAgentState * const *) b;
  int by_name = g_utf8_collate (x->name != NULL ? x->name : "", y->name != NULL ? y->name : "");

  return by_name != 0 ? by_name : (x->agent_id > y->agent_id) - (x->agent_id < y->agent_id);
}

void
fd_wallboard_model_apply_agents (FdWallboardModel *self,
                                 GPtrArray        *agents)
{
  g_return_if_fail (FD_IS_WALLBOARD_MODEL (self));
  g_return_if_fail (agents != NULL);

  g_ptr_array_set_size (self->agents, 0);
  /* Bounded by the codec's limit on the list (1000 agents). */
  for (guint i = 0; i < agents->len; i++)
    g_ptr_array_add (self->agents, fd_agent_state_copy (agents->pdata[i]));
  g_ptr_array_sort (self->agents, compare_agents);
  g_signal_emit (self, signals[SIGNAL_AGENTS_CHANGED], 0);
}

void
fd_wallboard_model_apply_agent (FdWallboardModel   *self,
                                const FdAgentState *agent)
{
  g_return_if_fail (FD_IS_WALLBOARD_MODEL (self));
  g_return_if_fail (agent != NULL);

  for (guint i = 0; i < self->agents->len; i++)
    if (((FdAgentState *) self->agents->pdata[i])->agent_id == agent->agent_id)
      {
        g_ptr_array_remove_index (self->agents, i);
        break;
      }
  /* An event for an agent not listed adds it (a new colleague), within
   * the list's bound. */
  if (self->agents->len < FD_LIMIT_ARRAY)
    g_ptr_array_add (self->agents, fd_agent_state_copy (agent));
  g_ptr_array_sort (self->agents, compare_agents);
  g_signal_emit (self, signals[SIGNAL_AGENTS_CHANGED], 0);
}

void
fd_wallboard_model_clear (FdWallboardModel *self)
{
  g_return_if_fail (FD_IS_WALLBOARD_MODEL (self));

  g_ptr_array_set_size (self->rows, 0);
  g_clear_pointer (&self->agent, fd_agent_stats_free);
  g_array_set_size (self->agent_history, 0);
  g_ptr_array_set_size (self->agents, 0);
  self->supervising = FALSE;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  g_signal_emit (self, signals[SIGNAL_AGENTS_CHANGED], 0);
}

static char *
line_label (FdWallboardModel *self,
            Row              *row)
{
  const char *name = self->name_func != NULL ? self->name_func (row->queue_id, self->name_data) : NULL;
  g_autofree char *queue_id = g_strdup_printf ("%" G_GINT64_FORMAT, row->queue_id);
  g_autofree char *stream_id = g_strdup_printf ("%" G_GINT64_FORMAT, row->stream_id);
  /* Translators: a wallboard line of a queue whose name is not known yet;
   * %s is its number. */
  g_autofree char *queue = name != NULL ? g_strdup (name) : g_strdup_printf (_("Queue %s"), queue_id);

  if (row->stream_id == 0)
    return g_steal_pointer (&queue);
  /* Translators: a wallboard line of one media stream of a queue: the
   * queue's name and the stream's number. */
  return g_strdup_printf (_("%s · Media stream %s"), queue, stream_id);
}

GPtrArray *
fd_wallboard_model_dup_lines (FdWallboardModel *self,
                              const FdStatInfo *stat,
                              gint64            now)
{
  GPtrArray *lines;

  g_return_val_if_fail (FD_IS_WALLBOARD_MODEL (self), NULL);
  g_return_val_if_fail (stat != NULL, NULL);

  lines = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_wallboard_line_free);
  if (stat->scope == FD_STAT_SCOPE_AGENT)
    {
      FdWallboardLine *line = g_new0 (FdWallboardLine, 1);

      line->points = g_array_new (FALSE, FALSE, sizeof (FdStatPoint));
      if (self->agent != NULL)
        line->has_value = fd_stat_info_read (stat, &fd_agent_stats_info, self->agent, now, &line->value);
      for (guint i = 0; i < self->agent_history->len; i++)
        {
          const AgentSample *sample = &g_array_index (self->agent_history, AgentSample, i);
          FdStatPoint point = { sample->at, 0 };

          if (sample->at >= now - FD_WALLBOARD_SPAN &&
              fd_stat_info_read (stat, &fd_agent_stats_info, sample->stats, sample->at, &point.value))
            g_array_append_val (line->points, point);
        }
      g_ptr_array_add (lines, line);
      return lines;
    }

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = self->rows->pdata[i];
      FdWallboardLine *line;

      if ((stat->scope == FD_STAT_SCOPE_QUEUE) != (row->stream_id == 0))
        continue;
      line = g_new0 (FdWallboardLine, 1);
      line->queue_id = row->queue_id;
      line->stream_id = row->stream_id;
      line->label = line_label (self, row);
      line->points = g_array_new (FALSE, FALSE, sizeof (FdStatPoint));
      if (row->latest != NULL)
        line->has_value = fd_stat_info_read (stat, &fd_stats_info, row->latest, now, &line->value);
      for (guint j = 0; j < row->history->len; j++)
        {
          const FdStats *sample = row->history->pdata[j];
          FdStatPoint point = { sample->at, 0 };

          if (sample->at >= now - FD_WALLBOARD_SPAN &&
              fd_stat_info_read (stat, &fd_stats_info, sample, sample->at, &point.value))
            g_array_append_val (line->points, point);
        }
      g_ptr_array_add (lines, line);
    }
  return lines;
}

GPtrArray *
fd_wallboard_model_get_agents (FdWallboardModel *self)
{
  g_return_val_if_fail (FD_IS_WALLBOARD_MODEL (self), NULL);

  return self->agents;
}

gboolean
fd_wallboard_model_get_supervising (FdWallboardModel *self)
{
  g_return_val_if_fail (FD_IS_WALLBOARD_MODEL (self), FALSE);

  return self->supervising;
}

void
fd_wallboard_model_set_supervising (FdWallboardModel *self,
                                    gboolean          supervising)
{
  g_return_if_fail (FD_IS_WALLBOARD_MODEL (self));

  supervising = !!supervising;
  if (self->supervising == supervising)
    return;
  self->supervising = supervising;
  if (!supervising)
    g_ptr_array_set_size (self->agents, 0);
  g_signal_emit (self, signals[SIGNAL_AGENTS_CHANGED], 0);
}

void
fd_wallboard_model_set_name_func (FdWallboardModel    *self,
                                  FdWallboardNameFunc  func,
                                  gpointer             user_data)
{
  g_return_if_fail (FD_IS_WALLBOARD_MODEL (self));

  self->name_func = func;
  self->name_data = user_data;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* --- the connection -------------------------------------------------------- */

static void request_stats (FdWallboardModel *self);

static void
on_stats_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FdWallboardModel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStatsReport) report = fd_connection_stats_finish (FD_CONNECTION (source), result, &error);

  self->stats_in_flight = FALSE;
  if (report == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("stats: %s", error->message);
      return;
    }
  if (FD_CONNECTION (source) != self->connection)
    return;
  fd_wallboard_model_apply_stats (self, report, g_get_real_time ());
  if (self->stats_again)
    request_stats (self);
}

/* One `stats` request at a time; events meanwhile ask for one more. */
static void
request_stats (FdWallboardModel *self)
{
  if (self->connection == NULL)
    return;
  if (self->stats_in_flight)
    {
      self->stats_again = TRUE;
      return;
    }
  self->stats_in_flight = TRUE;
  self->stats_again = FALSE;
  fd_connection_stats_async (self->connection, self->cancellable, on_stats_cb, g_object_ref (self));
}

static void
on_history_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FdWallboardModel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = fd_connection_stats_history_finish (FD_CONNECTION (source), result, &error);

  if (samples == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("stats-history: %s", error->message);
      return;
    }
  if (FD_CONNECTION (source) == self->connection)
    fd_wallboard_model_apply_history (self, samples);
}

static void
on_agent_states_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FdWallboardModel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) agents = fd_connection_list_agent_states_finish (FD_CONNECTION (source), result, &error);

  if (FD_CONNECTION (source) != self->connection)
    return;
  if (agents == NULL)
    {
      /* An agent is refused: no table. */
      if (g_error_matches (error, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_FORBIDDEN))
        fd_wallboard_model_set_supervising (self, FALSE);
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("list-agent-states: %s", error->message);
      return;
    }
  fd_wallboard_model_apply_agents (self, agents);
  fd_wallboard_model_set_supervising (self, TRUE);
}

static void
load (FdWallboardModel *self)
{
  const FdAgent *me = fd_connection_get_agent (self->connection);

  fd_connection_stats_history_async (self->connection, self->cancellable, on_history_cb, g_object_ref (self));
  request_stats (self);
  /* Only supervisors and admins may ask; an agent never sees the table. */
  if (me != NULL && me->role != FD_ROLE_AGENT)
    fd_connection_list_agent_states_async (self->connection, self->cancellable,
                                           on_agent_states_cb, g_object_ref (self));
}

static void
on_connection_state_notify_cb (FdWallboardModel *self,
                               GParamSpec       *pspec,
                               FdConnection     *connection)
{
  /* Every (re)connect: what happened while away is in the history. */
  if (fd_connection_get_state (connection) == FD_CONNECTION_STATE_CONNECTED)
    load (self);
}

static void
on_session_stats_cb (FdSession           *session,
                     const FdStatsReport *report,
                     FdWallboardModel    *self)
{
  fd_wallboard_model_apply_stats (self, report, g_get_real_time ());
  /* The event has no agent figures: ask for them. */
  request_stats (self);
}

static void
on_session_supervised_agent_state_cb (FdSession          *session,
                                      const FdAgentState *agent,
                                      FdWallboardModel   *self)
{
  if (self->supervising)
    fd_wallboard_model_apply_agent (self, agent);
}

static const char *
queue_name (gint64   queue_id,
            gpointer user_data)
{
  FdWallboardModel *self = user_data;

  if (self->connection == NULL)
    return NULL;
  return fd_queue_model_get_name (fd_session_get_queue_model (fd_connection_get_session (self->connection)), queue_id);
}

void
fd_wallboard_model_set_connection (FdWallboardModel *self,
                                   FdConnection     *connection)
{
  g_return_if_fail (FD_IS_WALLBOARD_MODEL (self));
  g_return_if_fail (connection == NULL || FD_IS_CONNECTION (connection));

  if (self->connection == connection)
    return;
  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      g_signal_handlers_disconnect_by_data (fd_connection_get_session (self->connection), self);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->stats_in_flight = FALSE;
  self->stats_again = FALSE;
  g_set_object (&self->connection, connection);
  fd_wallboard_model_clear (self);
  if (connection == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  fd_wallboard_model_set_name_func (self, queue_name, self);
  g_signal_connect_object (connection, "notify::state",
                           G_CALLBACK (on_connection_state_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (fd_connection_get_session (connection), "stats",
                           G_CALLBACK (on_session_stats_cb), self, 0);
  g_signal_connect_object (fd_connection_get_session (connection), "supervised-agent-state",
                           G_CALLBACK (on_session_supervised_agent_state_cb), self, 0);
  if (fd_connection_get_state (connection) == FD_CONNECTION_STATE_CONNECTED)
    load (self);
}

/* --- GObject ----------------------------------------------------------------- */

static void
fd_wallboard_model_dispose (GObject *object)
{
  FdWallboardModel *self = FD_WALLBOARD_MODEL (object);

  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      g_signal_handlers_disconnect_by_data (fd_connection_get_session (self->connection), self);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (fd_wallboard_model_parent_class)->dispose (object);
}

static void
fd_wallboard_model_finalize (GObject *object)
{
  FdWallboardModel *self = FD_WALLBOARD_MODEL (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->agent, fd_agent_stats_free);
  g_clear_pointer (&self->agent_history, g_array_unref);
  g_clear_pointer (&self->agents, g_ptr_array_unref);

  G_OBJECT_CLASS (fd_wallboard_model_parent_class)->finalize (object);
}

static void
fd_wallboard_model_class_init (FdWallboardModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_wallboard_model_dispose;
  object_class->finalize = fd_wallboard_model_finalize;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_AGENTS_CHANGED] = g_signal_new ("agents-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fd_wallboard_model_init (FdWallboardModel *self)
{
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  self->agent_history = g_array_new (FALSE, FALSE, sizeof (AgentSample));
  g_array_set_clear_func (self->agent_history, (GDestroyNotify) agent_sample_clear);
  self->agents = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_agent_state_free);
}

FdWallboardModel *
fd_wallboard_model_new (void)
{
  return g_object_new (FD_TYPE_WALLBOARD_MODEL, NULL);
}
