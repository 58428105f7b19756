#define G_LOG_DOMAIN "fd-history-tab"

#include <glib/gi18n.h>

#include "fd-conversation-window.h"
#include "fd-format.h"
#include "fd-history-tab.h"
#include "fd-list-row.h"

struct _FdHistoryTab
{
  FdConversationPart parent_instance;
};

G_DEFINE_FINAL_TYPE (FdHistoryTab, fd_history_tab, FD_TYPE_CONVERSATION_PART)

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
  const char *parts[5] = { NULL };
  guint n = 0;
  const char *email = conversation->visitor_email;

  if (email == NULL && conversation->contact != NULL)
    email = conversation->contact->email;
  if (fd_format_visitor_name (conversation) != NULL)
    parts[n++] = fd_format_visitor_name (conversation);
  /* The CRM's label, as in the Activity List (issue 15). */
  if (conversation->contact != NULL && conversation->contact->crm_label != NULL && *conversation->contact->crm_label != '\0')
    parts[n++] = conversation->contact->crm_label;
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
on_history_changed_cb (FdConversationPart *part)
{
  FdConversationModel *model = fd_conversation_part_get_model (part);
  GPtrArray *history = fd_conversation_model_get_history (model);
  gint64 id = fd_conversation_model_get_id (model);
  GtkListBox *list = fd_conversation_part_get_list (part);

  fd_list_box_clear (list);
  for (guint i = 0; history != NULL && i < history->len; i++)
    {
      const FdConversation *conversation = g_ptr_array_index (history, i);

      gtk_list_box_append (list, new_row (conversation, conversation->id == id));
    }
}

static void
fd_history_tab_reload (FdConversationPart *part)
{
  fd_conversation_part_connect (part, "history-changed", G_CALLBACK (on_history_changed_cb));
  on_history_changed_cb (part);
}

static void
on_list_row_activated_cb (FdHistoryTab  *self,
                          GtkListBoxRow *row)
{
  const gint64 *id = g_object_get_data (G_OBJECT (row), "fd-conversation-id");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  FdConversationModel *model = fd_conversation_part_get_model (FD_CONVERSATION_PART (self));
  FdConversationWindow *window;

  if (id == NULL || *id <= 0 || model == NULL)
    return;
  window = fd_conversation_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                       fd_conversation_model_get_connection (model), *id);
  gtk_window_present (GTK_WINDOW (window));
}

static void
fd_history_tab_class_init (FdHistoryTabClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  FD_CONVERSATION_PART_CLASS (klass)->reload = fd_history_tab_reload;
  fd_conversation_part_class_set_template (widget_class, "fd-history-tab", FD_CONVERSATION_PART_LIST);
  gtk_widget_class_bind_template_callback (widget_class, on_list_row_activated_cb);
}

static void
fd_history_tab_init (FdHistoryTab *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
