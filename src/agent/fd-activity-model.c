#define G_LOG_DOMAIN "fd-activity-model"

#include <glib/gi18n.h>

#include "fd-activity-model.h"
#include "fd-conversation-item-private.h"
#include "fd-properties.h"

struct _FdActivityModel
{
  FdArrayModel    parent_instance;   /* FdConversationItem* in arrival order */

  FdQueueModel   *queues;         /* nullable */
  gulong          queues_changed_id;
  GHashTable     *stream_names;   /* gint64* stream id → char* */
  char           *organization_name;
  gint64          agent_id;
  gboolean        show_unreplied;

  FdClockFunc     clock;
  gpointer        clock_data;
  GDestroyNotify  clock_destroy;
  /* The rows' shared clock: texts are computed when read, as of its now. */
  FdActivityClock *shared_clock;
};

G_DEFINE_FINAL_TYPE (FdActivityModel, fd_activity_model, FD_TYPE_ARRAY_MODEL)

enum {
  PROP_0,
  PROP_AGENT_ID,
  PROP_SHOW_UNREPLIED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void format_row    (gpointer            owner,
                          FdConversationItem *item,
                          gint64              t);
static void texts_changed (FdActivityModel    *self);

/* The model's rows. */
static GPtrArray *
rows (FdActivityModel *self)
{
  return _fd_array_model_items (FD_ARRAY_MODEL (self));
}

static void
fd_activity_model_dispose (GObject *object)
{
  FdActivityModel *self = FD_ACTIVITY_MODEL (object);

  if (self->queues != NULL)
    g_clear_signal_handler (&self->queues_changed_id, self->queues);
  g_clear_object (&self->queues);
  if (self->shared_clock != NULL)
    _fd_activity_clock_detach (self->shared_clock);
  g_clear_object (&self->shared_clock);

  G_OBJECT_CLASS (fd_activity_model_parent_class)->dispose (object);
}

static void
fd_activity_model_finalize (GObject *object)
{
  FdActivityModel *self = FD_ACTIVITY_MODEL (object);

  if (self->clock_destroy != NULL)
    self->clock_destroy (self->clock_data);
  g_clear_pointer (&self->stream_names, g_hash_table_unref);
  g_clear_pointer (&self->organization_name, g_free);

  G_OBJECT_CLASS (fd_activity_model_parent_class)->finalize (object);
}

static const FdProperty property_table[N_PROPS] = {
  [PROP_AGENT_ID] = { .name = "agent-id", .type = G_TYPE_INT64,
                      .getter = G_CALLBACK (fd_activity_model_get_agent_id),
                      .setter = G_CALLBACK (fd_activity_model_set_agent_id),
                      .flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY },
  /* Bound to the GSettings key of Settings > Agent > Conversations. */
  [PROP_SHOW_UNREPLIED] = { .name = "show-unreplied", .type = G_TYPE_BOOLEAN, .default_value = TRUE,
                            .getter = G_CALLBACK (fd_activity_model_get_show_unreplied),
                            .setter = G_CALLBACK (fd_activity_model_set_show_unreplied),
                            .flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY },
};

static void
fd_activity_model_class_init (FdActivityModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_activity_model_dispose;
  object_class->finalize = fd_activity_model_finalize;
  fd_properties_install (object_class, property_table, properties, N_PROPS);
  FD_ARRAY_MODEL_CLASS (klass)->item_type = FD_TYPE_CONVERSATION_ITEM;
  FD_ARRAY_MODEL_CLASS (klass)->item_id = (gint64 (*) (gpointer)) fd_conversation_item_get_id;
  FD_ARRAY_MODEL_CLASS (klass)->indexed = TRUE;
}

static void
fd_activity_model_init (FdActivityModel *self)
{
  self->stream_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->show_unreplied = TRUE;
  self->shared_clock = _fd_activity_clock_new (format_row, self);
}

static void
on_queues_items_changed_cb (GListModel      *queues,
                            guint            position,
                            guint            removed,
                            guint            added,
                            FdActivityModel *self)
{
  /* A queue name may arrive after the rows that name it. */
  texts_changed (self);
}

FdActivityModel *
fd_activity_model_new (FdQueueModel *queues)
{
  FdActivityModel *self;

  g_return_val_if_fail (queues == NULL || FD_IS_QUEUE_MODEL (queues), NULL);

  self = g_object_new (FD_TYPE_ACTIVITY_MODEL, NULL);
  if (queues != NULL)
    {
      self->queues = g_object_ref (queues);
      self->queues_changed_id = g_signal_connect (queues, "items-changed",
                                                  G_CALLBACK (on_queues_items_changed_cb), self);
    }
  return self;
}

void
fd_activity_model_set_clock (FdActivityModel *self,
                             FdClockFunc      clock,
                             gpointer         user_data,
                             GDestroyNotify   destroy)
{
  g_return_if_fail (FD_IS_ACTIVITY_MODEL (self));

  if (self->clock_destroy != NULL)
    self->clock_destroy (self->clock_data);
  self->clock = clock;
  self->clock_data = user_data;
  self->clock_destroy = destroy;
  texts_changed (self);
}

static gint64
read_clock (FdActivityModel *self)
{
  return self->clock != NULL ? self->clock (self->clock_data) : g_get_real_time ();
}

/* The time for a change applied now: the shared clock moves too (quietly;
 * rows compute their texts again when read). */
static gint64
now (FdActivityModel *self)
{
  gint64 t = read_clock (self);

  if (self->shared_clock != NULL)
    _fd_activity_clock_set_now (self->shared_clock, t, FALSE);
  return t;
}

/* --- display texts --------------------------------------------------------- */

static char *
format_to (FdActivityModel      *self,
           const FdConversation *conv)
{
  const char *stream = g_hash_table_lookup (self->stream_names, &conv->stream_id);
  const char *queue = self->queues != NULL ? fd_queue_model_get_name (self->queues, conv->queue_id) : NULL;
  GString *to = g_string_new (NULL);

  /* The server names the stream on every conversation it sends. */
  if (stream == NULL)
    stream = conv->stream_name;

  /* "Organization > Stream (Queue)", leaving out what is not known. */
  if (self->organization_name != NULL)
    g_string_append (to, self->organization_name);
  if (stream != NULL)
    g_string_append_printf (to, "%s%s", to->len > 0 ? " > " : "", stream);
  if (queue != NULL && *queue != '\0')
    g_string_append_printf (to, to->len > 0 ? " (%s)" : "%s", queue);
  return g_string_free (to, FALSE);
}

static gint64
duration_start (FdConversationItem *item)
{
  const FdConversation *conv = fd_conversation_item_get_conversation (item);
  const FdOffer *offer = fd_conversation_item_get_offer (item);

  if (fd_conversation_item_get_reserved (item))
    {
      if (conv->reserved_at != 0)
        return conv->reserved_at;
      if (conv->first_assigned_at != 0)
        return conv->first_assigned_at;
      return conv->created_at;
    }
  if (offer != NULL && offer->offered_at != 0)
    return offer->offered_at;
  return conv->created_at;
}

static char *
format_duration (FdActivityModel    *self,
                 FdConversationItem *item,
                 gint64              t)
{
  const FdConversation *conv = fd_conversation_item_get_conversation (item);
  gint64 unreplied = conv->last_customer_message_at;
  g_autofree char *since = NULL;
  g_autofree char *wait = NULL;

  /* A reserved callback counts from its reservation like any reserved
   * row (issue 18: a blank cell read as broken); it may run into days,
   * which the hours show. A callback has no customer messages to wait on. */
  if (conv->kind == FD_STREAM_CALLBACK)
    return fd_format_duration (t - duration_start (item));

  since = fd_format_duration (t - duration_start (item));
  if (!self->show_unreplied || unreplied == 0 || !fd_conversation_item_get_reserved (item))
    return g_steal_pointer (&since);
  wait = fd_format_duration (t - unreplied);
  return g_strdup_printf ("%s (%s)", since, wait);
}

static char *
format_status (FdConversationItem *item)
{
  const FdConversation *conv = fd_conversation_item_get_conversation (item);
  gint unread = conv->unread;

  if (fd_conversation_item_get_reserved (item))
    {
      if (unread <= 0)
        return g_strdup (_("Reserved"));
      if (unread == 1)
        return g_strdup (_("Reserved (1 new message)"));
      return g_strdup_printf (g_dngettext (NULL, "Reserved (%d new message)", "Reserved (%d new messages)", unread), unread);
    }
  /* Tweets arrive in batches of a polling cycle; the guide shows their
   * count while they wait. */
  if (conv->kind == FD_STREAM_TWITTER && unread > 0)
    return g_strdup_printf (_("Unread (%d new)"), unread);
  return g_strdup (_("Unreserved"));
}

static void
set_texts (FdActivityModel    *self,
           FdConversationItem *item,
           gint64              t,
           gboolean            notify)
{
  const FdConversation *conv = fd_conversation_item_get_conversation (item);
  gint64 bounce_at = fd_conversation_item_get_bounce_at (item);
  g_autofree char *from = fd_format_visitor (conv);
  g_autofree char *to = format_to (self, conv);
  g_autofree char *duration = format_duration (self, item, t);
  g_autofree char *status = format_status (item);
  g_autofree char *countdown = NULL;
  FdConversationItemTexts texts = {
    .text = {
      [FD_ITEM_TEXT_ACTIVITY] = fd_format_activity (conv->kind),
      [FD_ITEM_TEXT_ICON_NAME] = fd_format_activity_icon (conv->kind),
      [FD_ITEM_TEXT_FROM] = from,
      [FD_ITEM_TEXT_TO] = to,
      [FD_ITEM_TEXT_DURATION] = duration,
      [FD_ITEM_TEXT_STATUS] = status,
    },
    .bounce_remaining = -1,
  };

  if (bounce_at != 0 && !fd_conversation_item_get_reserved (item))
    {
      gint64 left = MAX (bounce_at - t, 0);

      /* Rounded up: "00:01" until the very end, never a premature 0. */
      texts.bounce_remaining = (gint) MIN ((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, G_MAXINT);
      countdown = fd_format_duration ((gint64) texts.bounce_remaining * G_USEC_PER_SEC);
    }
  texts.text[FD_ITEM_TEXT_COUNTDOWN] = countdown;
  _fd_conversation_item_set_texts (item, &texts, notify);
}

/* A row changed by an event: its texts now, with notifications. */
static void
update_texts (FdActivityModel    *self,
              FdConversationItem *item,
              gint64              t)
{
  set_texts (self, item, t, TRUE);
}

/* The shared clock's format function: a row read computes its texts. */
static void
format_row (gpointer            owner,
            FdConversationItem *item,
            gint64              t)
{
  set_texts (owner, item, t, FALSE);
}

/* What every row's texts read changed (names, settings): rows compute
 * again when read; the ones already shown are told now. Rare (sign-in,
 * a queue renamed, a setting), never on the tick. */
static void
texts_changed (FdActivityModel *self)
{
  gint64 t = now (self);

  _fd_activity_clock_invalidate (self->shared_clock);
  for (guint i = 0; i < rows (self)->len; i++)
    {
      FdConversationItem *item = g_ptr_array_index (rows (self), i);

      if (_fd_conversation_item_has_texts (item))
        update_texts (self, item, t);
    }
}

void
fd_activity_model_refresh (FdActivityModel *self)
{
  g_return_if_fail (FD_IS_ACTIVITY_MODEL (self));

  /* One notification of the shared clock, whatever the number of rows:
   * the cells on screen read their row again, the others wait until they
   * are read. */
  _fd_activity_clock_set_now (self->shared_clock, read_clock (self), TRUE);
}

FdActivityClock *
fd_activity_model_get_clock (FdActivityModel *self)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_MODEL (self), NULL);
  return self->shared_clock;
}

/* --- rows ---------------------------------------------------------------- */

static void
remove_row (FdActivityModel *self,
            gint64           conversation_id)
{
  guint position;

  if (_fd_array_model_find (FD_ARRAY_MODEL (self), conversation_id, &position))
    _fd_array_model_remove (FD_ARRAY_MODEL (self), position);
}

static FdConversationItem *
append_row (FdActivityModel      *self,
            const FdConversation *conv)
{
  FdConversationItem *item = _fd_conversation_item_new (conv, self->shared_clock);

  _fd_array_model_append (FD_ARRAY_MODEL (self), item);
  return item;
}

static gboolean
is_mine (FdActivityModel      *self,
         const FdConversation *conv)
{
  return conv->state == FD_CONVERSATION_RESERVED && self->agent_id != 0 && conv->agent_id == self->agent_id;
}

static void
apply_offer (FdActivityModel    *self,
             const FdOfferEvent *event)
{
  FdConversationItem *item = fd_activity_model_lookup (self, event->conversation->id);
  gboolean added = FALSE;

  if (event->offer->agent_id != 0 && self->agent_id != 0 && event->offer->agent_id != self->agent_id)
    return;
  if (item == NULL)
    {
      item = append_row (self, event->conversation);
      added = TRUE;
    }
  else
    _fd_conversation_item_set_conversation (item, fd_conversation_copy (event->conversation));
  _fd_conversation_item_set_reserved (item, is_mine (self, event->conversation));
  _fd_conversation_item_set_offer (item, fd_offer_copy (event->offer));
  update_texts (self, item, now (self));
  if (added)
    g_list_model_items_changed (G_LIST_MODEL (self), rows (self)->len - 1, 0, 1);
}

static void
apply_withdraw (FdActivityModel  *self,
                const FdWithdraw *withdraw)
{
  FdConversationItem *item = fd_activity_model_lookup (self, withdraw->conversation_id);

  /* A withdrawal ends an offer; a conversation this agent holds stays. */
  if (item != NULL && !fd_conversation_item_get_reserved (item))
    remove_row (self, withdraw->conversation_id);
}

static void
apply_conversation (FdActivityModel      *self,
                    const FdConversation *conv)
{
  FdConversationItem *item = fd_activity_model_lookup (self, conv->id);

  if (is_mine (self, conv))
    {
      gboolean added = FALSE;

      /* Reserved here, or transferred to this agent. */
      if (item == NULL)
        {
          item = append_row (self, conv);
          added = TRUE;
        }
      else
        _fd_conversation_item_set_conversation (item, fd_conversation_copy (conv));
      _fd_conversation_item_set_reserved (item, TRUE);
      update_texts (self, item, now (self));
      if (added)
        g_list_model_items_changed (G_LIST_MODEL (self), rows (self)->len - 1, 0, 1);
      return;
    }
  if (item == NULL)
    return;
  /* A colleague's conversation offered to this agent by a transfer: the
   * offer stands while transfer_to names this agent. */
  if (conv->state == FD_CONVERSATION_RESERVED && conv->transfer_to != 0 &&
      conv->transfer_to == self->agent_id && fd_conversation_item_get_offer (item) != NULL)
    {
      _fd_conversation_item_set_conversation (item, fd_conversation_copy (conv));
      update_texts (self, item, now (self));
      return;
    }
  if (conv->state != FD_CONVERSATION_UNRESERVED)
    {
      /* Reserved elsewhere, transferred away, closed or missed. */
      remove_row (self, conv->id);
      return;
    }
  _fd_conversation_item_set_conversation (item, fd_conversation_copy (conv));
  _fd_conversation_item_set_reserved (item, FALSE);
  if (fd_conversation_item_get_offer (item) == NULL)
    remove_row (self, conv->id);
  else
    update_texts (self, item, now (self));
}

static void
apply_message (FdActivityModel *self,
               const FdMessage *message)
{
  FdConversationItem *item = fd_activity_model_lookup (self, message->conversation_id);

  if (item == NULL)
    return;
  _fd_conversation_item_add_message (item, message);
  update_texts (self, item, now (self));
}


static void
apply_snapshot (FdActivityModel  *self,
                const FdSnapshot *snapshot)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) offers = g_hash_table_new (g_int64_hash, g_int64_equal);
  gint64 t = now (self);

  /* Offers by conversation: one pass, not one search per row. */
  for (guint i = 0; snapshot->offers != NULL && i < snapshot->offers->len; i++)
    {
      FdOffer *offer = g_ptr_array_index (snapshot->offers, i);

      g_hash_table_insert (offers, &offer->conversation_id, offer);
    }

  if (snapshot->agent != NULL && snapshot->agent->id != 0)
    fd_activity_model_set_agent_id (self, snapshot->agent->id);

  /* The snapshot replaces everything; rows that stay keep their objects so
   * that an open window or a selection bound to them survives. */
  for (guint i = 0; snapshot->conversations != NULL && i < snapshot->conversations->len; i++)
    {
      const FdConversationDetail *detail = g_ptr_array_index (snapshot->conversations, i);
      const FdConversation *conv = detail->conversation;
      const FdOffer *offer;
      FdConversationItem *item;

      if (conv == NULL)
        continue;
      offer = g_hash_table_lookup (offers, &conv->id);
      if (!is_mine (self, conv) && offer == NULL)
        continue;
      item = fd_activity_model_lookup (self, conv->id);
      if (item != NULL)
        {
          item = g_object_ref (item);
          _fd_conversation_item_set_conversation (item, fd_conversation_copy (conv));
        }
      else
        item = _fd_conversation_item_new (conv, self->shared_clock);
      _fd_conversation_item_set_reserved (item, is_mine (self, conv));
      _fd_conversation_item_set_offer (item, offer != NULL && !is_mine (self, conv) ? fd_offer_copy (offer) : NULL);
      /* A new row computes its texts when it is shown; a row that stays
       * and was shown is told what changed. */
      if (_fd_conversation_item_has_texts (item))
        update_texts (self, item, t);
      g_ptr_array_add (items, item);
    }
  _fd_array_model_replace (FD_ARRAY_MODEL (self), items);
}

gboolean
fd_activity_model_apply_frame (FdActivityModel *self,
                               const FdFrame   *frame)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_MODEL (self), FALSE);
  g_return_val_if_fail (frame != NULL, FALSE);

  if (frame->body == NULL)
    return FALSE;
  switch (frame->type)
    {
    case FD_FRAME_SNAPSHOT:
      apply_snapshot (self, frame->body);
      return TRUE;
    case FD_FRAME_OFFER:
      apply_offer (self, frame->body);
      return TRUE;
    case FD_FRAME_WITHDRAW:
      apply_withdraw (self, frame->body);
      return TRUE;
    case FD_FRAME_CONVERSATION:
      apply_conversation (self, frame->body);
      return TRUE;
    case FD_FRAME_MESSAGE:
      apply_message (self, frame->body);
      return TRUE;
    default:
      return FALSE;
    }
}

/* --- settings -------------------------------------------------------------- */

void
fd_activity_model_set_agent_id (FdActivityModel *self,
                                gint64           agent_id)
{
  g_return_if_fail (FD_IS_ACTIVITY_MODEL (self));

  if (self->agent_id == agent_id)
    return;
  self->agent_id = agent_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGENT_ID]);
}

gint64
fd_activity_model_get_agent_id (FdActivityModel *self)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_MODEL (self), 0);
  return self->agent_id;
}

void
fd_activity_model_set_organization_name (FdActivityModel *self,
                                         const char      *name)
{
  g_return_if_fail (FD_IS_ACTIVITY_MODEL (self));

  if (g_strcmp0 (self->organization_name, name) == 0)
    return;
  g_free (self->organization_name);
  self->organization_name = g_strdup (name);
  texts_changed (self);
}

void
fd_activity_model_set_stream_name (FdActivityModel *self,
                                   gint64           stream_id,
                                   const char      *name)
{
  g_return_if_fail (FD_IS_ACTIVITY_MODEL (self));

  if (name == NULL)
    g_hash_table_remove (self->stream_names, &stream_id);
  else
    g_hash_table_replace (self->stream_names, g_memdup2 (&stream_id, sizeof stream_id), g_strdup (name));
  texts_changed (self);
}

void
fd_activity_model_set_show_unreplied (FdActivityModel *self,
                                      gboolean         show)
{
  g_return_if_fail (FD_IS_ACTIVITY_MODEL (self));

  show = !!show;
  if (self->show_unreplied == show)
    return;
  self->show_unreplied = show;
  texts_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_UNREPLIED]);
}

gboolean
fd_activity_model_get_show_unreplied (FdActivityModel *self)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_MODEL (self), FALSE);
  return self->show_unreplied;
}

FdConversationItem *
fd_activity_model_lookup (FdActivityModel *self,
                          gint64           conversation_id)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_MODEL (self), NULL);

  return _fd_array_model_lookup (FD_ARRAY_MODEL (self), conversation_id);
}

guint
fd_activity_model_count_reserved (FdActivityModel *self)
{
  guint n = 0;

  g_return_val_if_fail (FD_IS_ACTIVITY_MODEL (self), 0);

  /* A reserved callback does not count: the guide keeps it in the
   * reserving agent's list "even in between Unity sessions" until the
   * agent closes it, so it must not hold the agent in the app (the quit
   * and sign-out guard ask this). */
  for (guint i = 0; i < rows (self)->len; i++)
    {
      FdConversationItem *item = g_ptr_array_index (rows (self), i);

      if (fd_conversation_item_get_reserved (item) &&
          fd_conversation_item_get_conversation (item)->kind != FD_STREAM_CALLBACK)
        n++;
    }
  return n;
}

void
fd_activity_model_clear (FdActivityModel *self)
{
  g_return_if_fail (FD_IS_ACTIVITY_MODEL (self));

  _fd_array_model_replace (FD_ARRAY_MODEL (self), g_ptr_array_new_with_free_func (g_object_unref));
}
