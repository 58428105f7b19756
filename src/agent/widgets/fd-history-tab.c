#define G_LOG_DOMAIN "fd-history-tab"

#include <glib/gi18n.h>

#include "fd-conversation-window.h"
#include "fd-format.h"
#include "fd-history-tab.h"
#include "fd-list-row.h"

struct _FdHistoryTab
{
  GtkBox               parent_instance;

  GtkListBox          *list;

  FdConversationModel *model;
};

G_DEFINE_FINAL_TYPE (FdHistoryTab, fd_history_tab, GTK_TYPE_BOX)

static const char *
state_text (FdConversationState state)
{
  switch (state)
    {
    case FD_CONVERSATION_UNRESERVED:
      return _("Unreserved");
    case FD_CONVERSATION_RESERVED:
      return _("Reserved");
    case FD_CONVERSATION_CLOSED:
      return _("Closed");
    case FD_CONVERSATION_MISSED:
      return _("Missed");
    default:
      return _("Unknown");
    }
}

/* Who the entry was with, as the visitor gave it, and whether that is
 * proven: "Rose Lavelle · ada@example.com · Not verified". Every entry says
 * it, so that no history is read as the typed address's owner's. */
static char *
identity_text (const FdConversation *conversation)
{
  const char *parts[4] = { NULL };
  guint n = 0;
  const char *email = conversation->visitor_email;

  if (email == NULL && conversation->contact != NULL)
    email = conversation->contact->email;
  if (fd_format_visitor_name (conversation) != NULL)
    parts[n++] = fd_format_visitor_name (conversation);
  if (email != NULL && *email != '\0')
    parts[n++] = email;
  if (fd_format_address_note (conversation) != NULL)
    parts[n++] = fd_format_address_note (conversation);
  return g_strjoinv (" · ", (char **) parts);
}

static GtkWidget *
new_row (const FdConversation *conversation,
         gboolean              current)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (conversation->created_at / G_USEC_PER_SEC);
  g_autoptr(GDateTime) when = utc != NULL ? g_date_time_to_local (utc) : NULL;
  g_autofree char *created = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M") : g_strdup ("");
  g_autofree char *title = g_strdup_printf ("%s · %s", fd_format_activity (conversation->kind), created);
  g_autofree char *where = g_strdup_printf (current ? _("This conversation · %s · %s") : "%s · %s",
                                            state_text (conversation->state),
                                            conversation->stream_name != NULL ? conversation->stream_name : "");
  g_autofree char *identity = identity_text (conversation);
  g_autofree char *subtitle = *identity != '\0' ? g_strconcat (where, "\n", identity, NULL) : g_strdup (where);
  g_autofree char *label = g_strconcat (title, ", ", where, *identity != '\0' ? ", " : "", identity, NULL);
  GtkWidget *row = fd_list_row_new (title, subtitle, NULL);

  g_object_set_data_full (G_OBJECT (row), "fd-conversation-id", g_memdup2 (&conversation->id, sizeof (gint64)),
                          g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return row;
}

/* The server keeps to the last 10, newest first; shown as sent. */
static void
on_history_changed_cb (FdHistoryTab *self)
{
  GPtrArray *history = fd_conversation_model_get_history (self->model);
  gint64 id = fd_conversation_model_get_id (self->model);

  fd_list_box_clear (self->list);
  for (guint i = 0; history != NULL && i < history->len; i++)
    {
      const FdConversation *conversation = g_ptr_array_index (history, i);

      gtk_list_box_append (self->list, new_row (conversation, conversation->id == id));
    }
}

static void
on_list_row_activated_cb (FdHistoryTab  *self,
                          GtkListBoxRow *row)
{
  const gint64 *id = g_object_get_data (G_OBJECT (row), "fd-conversation-id");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  FdConversationWindow *window;

  if (id == NULL || *id <= 0 || self->model == NULL)
    return;
  window = fd_conversation_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                       fd_conversation_model_get_connection (self->model), *id);
  gtk_window_present (GTK_WINDOW (window));
}

static void
fd_history_tab_dispose (GObject *object)
{
  FdHistoryTab *self = FD_HISTORY_TAB (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_HISTORY_TAB);
  G_OBJECT_CLASS (fd_history_tab_parent_class)->dispose (object);
}

static void
fd_history_tab_class_init (FdHistoryTabClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fd_history_tab_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/frontdeskcc/Frontdesk/ui/fd-history-tab.ui");
  gtk_widget_class_bind_template_child (widget_class, FdHistoryTab, list);
  gtk_widget_class_bind_template_callback (widget_class, on_list_row_activated_cb);
}

static void
fd_history_tab_init (FdHistoryTab *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
fd_history_tab_set_model (FdHistoryTab        *self,
                          FdConversationModel *model)
{
  g_return_if_fail (FD_IS_HISTORY_TAB (self));
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (model));
  g_return_if_fail (self->model == NULL);

  self->model = g_object_ref (model);
  g_signal_connect_swapped (model, "history-changed", G_CALLBACK (on_history_changed_cb), self);
  on_history_changed_cb (self);
}

GtkListBox *
fd_history_tab_get_list (FdHistoryTab *self)
{
  g_return_val_if_fail (FD_IS_HISTORY_TAB (self), NULL);
  return self->list;
}
