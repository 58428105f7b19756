#define G_LOG_DOMAIN "fd-session"

/* The session (docs/app.md, "Connection and session"): the models of the
 * signed-in agent and the typed signals, fed by the connection with every
 * event it did not see before. The transport (fd-connection.c) knows
 * nothing of what an event means; the widgets never see a frame. */

#include "fd-session-private.h"

struct _FdSession
{
  GObject          parent_instance;

  FdConnection    *connection;     /* not owned: it owns the session */
  FdQueueModel    *queues;
  FdActivityModel *activities;
  FdCallState     *call_state;
  /* conversation id (gint64*) → FdConversationModel*, not owned: a model
   * leaves the table when it is finalized. */
  GHashTable      *conversations;
};

G_DEFINE_FINAL_TYPE (FdSession, fd_session, G_TYPE_OBJECT)

enum {
  SIGNAL_SNAPSHOT,
  SIGNAL_OFFER,
  SIGNAL_WITHDRAW,
  SIGNAL_CONVERSATION_CHANGED,
  SIGNAL_MESSAGE,
  SIGNAL_DELIVERY,
  SIGNAL_TYPING,
  SIGNAL_AGENT_STATE,
  SIGNAL_QUEUE_STATE,
  SIGNAL_STATS,
  SIGNAL_SUPERVISED_AGENT_STATE,
  SIGNAL_STREAM_HEALTH,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* --- open conversations ------------------------------------------------------ */

static void
on_conversation_model_finalized_cb (gpointer  data,
                                    GObject  *where_the_object_was)
{
  FdSession *self = data;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->conversations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value == (gpointer) where_the_object_was)
      {
        g_hash_table_iter_remove (&iter);
        return;
      }
}

static gboolean
forget_conversation_model_cb (gpointer key,
                              gpointer value,
                              gpointer user_data)
{
  g_object_weak_unref (value, on_conversation_model_finalized_cb, user_data);
  return TRUE;
}

FdConversationModel *
fd_session_lookup_conversation_model (FdSession *self,
                                      gint64     conversation_id)
{
  g_return_val_if_fail (FD_IS_SESSION (self), NULL);
  return g_hash_table_lookup (self->conversations, &conversation_id);
}

FdConversationModel *
fd_session_get_conversation_model (FdSession *self,
                                   gint64     conversation_id)
{
  FdConversationModel *model;
  gint64 *key;

  g_return_val_if_fail (FD_IS_SESSION (self), NULL);
  g_return_val_if_fail (conversation_id > 0, NULL);

  model = fd_session_lookup_conversation_model (self, conversation_id);
  if (model != NULL)
    return g_object_ref (model);
  if (self->connection == NULL)
    return NULL;
  model = fd_conversation_model_new (self->connection, conversation_id);
  key = g_new (gint64, 1);
  *key = conversation_id;
  g_hash_table_insert (self->conversations, key, model);
  g_object_weak_ref (G_OBJECT (model), on_conversation_model_finalized_cb, self);
  return model;
}

/* --- what the connection tells ------------------------------------------------ */

void
_fd_session_apply_event (FdSession     *self,
                         const FdFrame *frame)
{
  g_assert (FD_IS_SESSION (self));

  /* Queues first: the activity rows name their queue. */
  fd_queue_model_apply_frame (self->queues, frame);
  fd_activity_model_apply_frame (self->activities, frame);
}

void
_fd_session_emit_event (FdSession     *self,
                        const FdFrame *frame)
{
  guint signal_id;

  g_assert (FD_IS_SESSION (self));

  switch (frame->type)
    {
    case FD_FRAME_SNAPSHOT:
      signal_id = signals[SIGNAL_SNAPSHOT];
      break;
    case FD_FRAME_OFFER:
      signal_id = signals[SIGNAL_OFFER];
      break;
    case FD_FRAME_WITHDRAW:
      signal_id = signals[SIGNAL_WITHDRAW];
      break;
    case FD_FRAME_CONVERSATION:
      signal_id = signals[SIGNAL_CONVERSATION_CHANGED];
      break;
    case FD_FRAME_MESSAGE:
      signal_id = signals[SIGNAL_MESSAGE];
      break;
    case FD_FRAME_DELIVERY:
      signal_id = signals[SIGNAL_DELIVERY];
      break;
    case FD_FRAME_TYPING_EVENT:
      signal_id = signals[SIGNAL_TYPING];
      break;
    case FD_FRAME_AGENT_STATE:
      signal_id = signals[SIGNAL_AGENT_STATE];
      break;
    case FD_FRAME_QUEUE_STATE:
      signal_id = signals[SIGNAL_QUEUE_STATE];
      break;
    case FD_FRAME_STATS_EVENT:
      signal_id = signals[SIGNAL_STATS];
      break;
    case FD_FRAME_SUPERVISED_AGENT_STATE:
      signal_id = signals[SIGNAL_SUPERVISED_AGENT_STATE];
      break;
    case FD_FRAME_STREAM_HEALTH:
      signal_id = signals[SIGNAL_STREAM_HEALTH];
      break;
    default:
      /* An event this app does not know yet: the models ignored it too. */
      g_debug ("No signal for the %s event", fd_frame_type_to_string (frame->type));
      return;
    }
  if (frame->body == NULL)
    return;
  /* A listener may drop the last reference to the connection. */
  g_object_ref (self);
  g_signal_emit (self, signal_id, 0, frame->body);
  g_object_unref (self);
}

void
_fd_session_set_identity (FdSession            *self,
                          const FdAgent        *agent,
                          const FdOrganization *organization)
{
  g_assert (FD_IS_SESSION (self));

  if (agent != NULL)
    fd_activity_model_set_agent_id (self->activities, agent->id);
  if (organization != NULL)
    fd_activity_model_set_organization_name (self->activities, organization->name);
}

void
_fd_session_reset (FdSession *self,
                   gboolean   forget_agent)
{
  g_assert (FD_IS_SESSION (self));

  fd_activity_model_clear (self->activities);
  fd_queue_model_clear (self->queues);
  if (forget_agent)
    fd_activity_model_set_agent_id (self->activities, 0);
}

void
_fd_session_detach (FdSession *self)
{
  g_assert (FD_IS_SESSION (self));
  self->connection = NULL;
}

/* --- GObject ----------------------------------------------------------------- */

static void
fd_session_dispose (GObject *object)
{
  FdSession *self = FD_SESSION (object);

  g_hash_table_foreach_remove (self->conversations, forget_conversation_model_cb, self);
  g_clear_object (&self->activities);
  g_clear_object (&self->call_state);
  g_clear_object (&self->queues);

  G_OBJECT_CLASS (fd_session_parent_class)->dispose (object);
}

static void
fd_session_finalize (GObject *object)
{
  FdSession *self = FD_SESSION (object);

  g_clear_pointer (&self->conversations, g_hash_table_unref);

  G_OBJECT_CLASS (fd_session_parent_class)->finalize (object);
}

static guint
new_event_signal (FdSessionClass *klass,
                  const char     *name)
{
  return g_signal_new (name, G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                       G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
fd_session_class_init (FdSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_session_dispose;
  object_class->finalize = fd_session_finalize;

  /* The signals and their bodies are listed in fd-session.h. */
  signals[SIGNAL_SNAPSHOT] = new_event_signal (klass, "snapshot");
  signals[SIGNAL_OFFER] = new_event_signal (klass, "offer");
  signals[SIGNAL_WITHDRAW] = new_event_signal (klass, "withdraw");
  signals[SIGNAL_CONVERSATION_CHANGED] = new_event_signal (klass, "conversation-changed");
  signals[SIGNAL_MESSAGE] = new_event_signal (klass, "message");
  signals[SIGNAL_DELIVERY] = new_event_signal (klass, "delivery");
  signals[SIGNAL_TYPING] = new_event_signal (klass, "typing");
  signals[SIGNAL_AGENT_STATE] = new_event_signal (klass, "agent-state");
  signals[SIGNAL_QUEUE_STATE] = new_event_signal (klass, "queue-state");
  signals[SIGNAL_STATS] = new_event_signal (klass, "stats");
  signals[SIGNAL_SUPERVISED_AGENT_STATE] = new_event_signal (klass, "supervised-agent-state");
  signals[SIGNAL_STREAM_HEALTH] = new_event_signal (klass, "stream-health");
}

static void
fd_session_init (FdSession *self)
{
  self->queues = fd_queue_model_new ();
  self->activities = fd_activity_model_new (self->queues);
  self->call_state = fd_call_state_new ();
  self->conversations = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

FdSession *
_fd_session_new (FdConnection *connection)
{
  FdSession *self = g_object_new (FD_TYPE_SESSION, NULL);

  self->connection = connection;
  return self;
}

/* --- getters ----------------------------------------------------------------- */

FdConnection *
fd_session_get_connection (FdSession *self)
{
  g_return_val_if_fail (FD_IS_SESSION (self), NULL);
  return self->connection;
}

FdActivityModel *
fd_session_get_activity_model (FdSession *self)
{
  g_return_val_if_fail (FD_IS_SESSION (self), NULL);
  return self->activities;
}

FdQueueModel *
fd_session_get_queue_model (FdSession *self)
{
  g_return_val_if_fail (FD_IS_SESSION (self), NULL);
  return self->queues;
}

FdCallState *
fd_session_get_call_state (FdSession *self)
{
  g_return_val_if_fail (FD_IS_SESSION (self), NULL);
  return self->call_state;
}
