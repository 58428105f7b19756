#define G_LOG_DOMAIN "fd-log-item"

#include <glib/gi18n.h>

#include "fd-format.h"
#include "fd-log-item.h"

struct _FdLogItem
{
  GObject     parent_instance;
  FdLogEntry *entry;
  char       *assigned;
  char       *duration;
  char       *remote_party;
  char       *accessible_label;
};

G_DEFINE_FINAL_TYPE (FdLogItem, fd_log_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_ASSIGNED,
  PROP_KIND,
  PROP_KIND_ICON,
  PROP_QUEUE,
  PROP_DURATION,
  PROP_REMOTE_PARTY,
  PROP_STATE,
  PROP_ACCESSIBLE_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
fd_log_item_format_time (gint64 usec)
{
  g_autoptr(GDateTime) when = NULL;

  if (usec <= 0)
    return g_strdup ("");
  when = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  if (when == NULL)
    return g_strdup ("");
  /* Translators: the Activity Log's dates, a g_date_time_format() string. */
  return g_date_time_format (when, _("%Y-%m-%d %H:%M"));
}

static const char *
state_text (FdConversationState state)
{
  switch (state)
    {
    case FD_CONVERSATION_UNRESERVED:
      return _("Waiting");
    case FD_CONVERSATION_RESERVED:
      return _("Open");
    case FD_CONVERSATION_CLOSED:
      return _("Closed");
    case FD_CONVERSATION_MISSED:
    default:
      return _("Missed");
    }
}

static void
fd_log_item_finalize (GObject *object)
{
  FdLogItem *self = FD_LOG_ITEM (object);

  g_clear_pointer (&self->entry, fd_log_entry_free);
  g_clear_pointer (&self->assigned, g_free);
  g_clear_pointer (&self->duration, g_free);
  g_clear_pointer (&self->remote_party, g_free);
  g_clear_pointer (&self->accessible_label, g_free);
  G_OBJECT_CLASS (fd_log_item_parent_class)->finalize (object);
}

static void
fd_log_item_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FdLogItem *self = FD_LOG_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->entry->id);
      break;
    case PROP_ASSIGNED:
      g_value_set_string (value, self->assigned);
      break;
    case PROP_KIND:
      g_value_set_string (value, fd_format_activity (self->entry->kind));
      break;
    case PROP_KIND_ICON:
      g_value_set_string (value, fd_format_activity_icon (self->entry->kind));
      break;
    case PROP_QUEUE:
      g_value_set_string (value, self->entry->queue_name != NULL ? self->entry->queue_name : "");
      break;
    case PROP_DURATION:
      g_value_set_string (value, self->duration);
      break;
    case PROP_REMOTE_PARTY:
      g_value_set_string (value, self->remote_party);
      break;
    case PROP_STATE:
      g_value_set_string (value, state_text (self->entry->state));
      break;
    case PROP_ACCESSIBLE_LABEL:
      g_value_set_string (value, self->accessible_label);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_log_item_class_init (FdLogItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fd_log_item_finalize;
  object_class->get_property = fd_log_item_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ASSIGNED] = g_param_spec_string ("assigned", NULL, NULL, NULL,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND_ICON] = g_param_spec_string ("kind-icon", NULL, NULL, NULL,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_QUEUE] = g_param_spec_string ("queue", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DURATION] = g_param_spec_string ("duration", NULL, NULL, NULL,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REMOTE_PARTY] = g_param_spec_string ("remote-party", NULL, NULL, NULL,
                                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] = g_param_spec_string ("state", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* What a screen reader says on the row. */
  properties[PROP_ACCESSIBLE_LABEL] = g_param_spec_string ("accessible-label", NULL, NULL, NULL,
                                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fd_log_item_init (FdLogItem *self)
{
}

FdLogItem *
fd_log_item_new (FdLogEntry *entry)
{
  FdLogItem *self;

  g_return_val_if_fail (entry != NULL, NULL);

  self = g_object_new (FD_TYPE_LOG_ITEM, NULL);
  self->entry = entry;
  self->assigned = fd_log_item_format_time (entry->first_assigned_at);
  /* Never assigned: no handle time (docs/protocol.md). */
  self->duration = entry->handle_seconds < 0 ? g_strdup ("—")
                                             : fd_format_duration (entry->handle_seconds * G_USEC_PER_SEC);
  if (entry->remote_party_label != NULL && entry->remote_party_label[0] != '\0')
    /* Translators: the Remote Party cell with the contact's CRM label. */
    self->remote_party = g_strdup_printf (_("%s (%s)"), entry->remote_party != NULL ? entry->remote_party : "",
                                          entry->remote_party_label);
  else
    self->remote_party = g_strdup (entry->remote_party != NULL ? entry->remote_party : "");
  /* Translators: an Activity Log row for a screen reader, e.g. "WebChat
   * with Ada Lovelace, 2026-01-01 14:05, Closed". */
  self->accessible_label = g_strdup_printf (_("%s with %s, %s, %s"), fd_format_activity (entry->kind),
                                            self->remote_party, self->assigned, state_text (entry->state));
  return self;
}

const FdLogEntry *
fd_log_item_get_entry (FdLogItem *self)
{
  g_return_val_if_fail (FD_IS_LOG_ITEM (self), NULL);
  return self->entry;
}

gint64
fd_log_item_get_id (FdLogItem *self)
{
  g_return_val_if_fail (FD_IS_LOG_ITEM (self), 0);
  return self->entry->id;
}

const char *
fd_log_item_get_assigned (FdLogItem *self)
{
  g_return_val_if_fail (FD_IS_LOG_ITEM (self), NULL);
  return self->assigned;
}

const char *
fd_log_item_get_kind (FdLogItem *self)
{
  g_return_val_if_fail (FD_IS_LOG_ITEM (self), NULL);
  return fd_format_activity (self->entry->kind);
}

const char *
fd_log_item_get_queue (FdLogItem *self)
{
  g_return_val_if_fail (FD_IS_LOG_ITEM (self), NULL);
  return self->entry->queue_name != NULL ? self->entry->queue_name : "";
}

const char *
fd_log_item_get_duration (FdLogItem *self)
{
  g_return_val_if_fail (FD_IS_LOG_ITEM (self), NULL);
  return self->duration;
}

const char *
fd_log_item_get_remote_party (FdLogItem *self)
{
  g_return_val_if_fail (FD_IS_LOG_ITEM (self), NULL);
  return self->remote_party;
}
