#define G_LOG_DOMAIN "fd-conversation-log-window"

#include <glib/gi18n.h>

#include "fd-conversation-log-window.h"
#include "fd-conversation-model.h"
#include "fd-format.h"
#include "fd-log-item.h"
#include "fd-session.h"
#include "fd-transcript-view.h"

#define N_STARS 5

struct _FdConversationLogWindow
{
  AdwWindow            parent_instance;

  AdwWindowTitle      *window_title;
  FdTranscriptView    *transcript_view;
  AdwActionRow        *first_assigned_row;
  AdwActionRow        *first_reply_row;
  AdwActionRow        *closed_row;
  AdwActionRow        *handle_row;
  GtkBox              *stars_box;
  GtkLabel            *comment_label;
  GtkImage            *stars[N_STARS];

  FdConversationModel *model;
  FdLogEntry          *entry;
  char                *rating_text;
  guint                n_filled;
};

G_DEFINE_FINAL_TYPE (FdConversationLogWindow, fd_conversation_log_window, ADW_TYPE_WINDOW)

/* "14:05:12, 2026-01-01" or "—" for a time that never came. */
static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) when = NULL;

  if (usec <= 0)
    return g_strdup ("—");
  when = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  if (when == NULL)
    return g_strdup ("—");
  /* Translators: a time of the Performance Metrics, g_date_time_format(). */
  return g_date_time_format (when, _("%Y-%m-%d %H:%M:%S"));
}

static void
set_row (AdwActionRow *row,
         const char   *text)
{
  /* The row's subtitle is markup: escape what we write (times and
   * durations only, but never trust a format). */
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_action_row_set_subtitle (row, escaped);
  g_object_set_data_full (G_OBJECT (row), "fd-text", g_strdup (text), g_free);
}

static void
set_rating (FdConversationLogWindow *self,
            int                      rating)
{
  rating = CLAMP (rating, 0, N_STARS);
  self->n_filled = (guint) rating;
  for (guint i = 0; i < N_STARS; i++)
    gtk_image_set_from_icon_name (self->stars[i], i < self->n_filled ? "starred-symbolic" : "non-starred-symbolic");
  g_free (self->rating_text);
  if (rating == 0)
    self->rating_text = g_strdup (_("Not rated"));
  else
    /* Translators: the rating's stars, for screen readers. */
    self->rating_text = g_strdup_printf (_("Rated %d of %d"), rating, N_STARS);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->stars_box), GTK_ACCESSIBLE_PROPERTY_LABEL, self->rating_text, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->stars_box), self->rating_text);
}

static void
show_conversation (FdConversationLogWindow *self,
                   const FdConversation    *conv)
{
  g_autofree char *assigned = format_time (conv->first_assigned_at);
  g_autofree char *reply = NULL;
  g_autofree char *closed = format_time (conv->closed_at);
  g_autofree char *handle = NULL;

  if (conv->first_reply_at > 0 && conv->first_assigned_at > 0)
    {
      g_autofree char *at = format_time (conv->first_reply_at);
      g_autofree char *after = fd_format_duration (conv->first_reply_at - conv->first_assigned_at);

      /* Translators: the First Reply Time: when, and how long after the
       * conversation was first assigned. */
      reply = g_strdup_printf (_("%s (after %s)"), at, after);
    }
  else
    reply = format_time (conv->first_reply_at);
  /* The handle time (docs/protocol.md): closed − first assigned, while
   * open now − first assigned. */
  if (conv->first_assigned_at <= 0)
    handle = g_strdup ("—");
  else
    handle = fd_format_duration ((conv->closed_at > 0 ? conv->closed_at : g_get_real_time ()) - conv->first_assigned_at);
  set_row (self->first_assigned_row, assigned);
  set_row (self->first_reply_row, reply);
  set_row (self->closed_row, closed);
  set_row (self->handle_row, handle);
  set_rating (self, conv->rating);
  /* The customer's words: plain text, never markup. */
  gtk_label_set_text (self->comment_label,
                      conv->comment != NULL && conv->comment[0] != '\0' ? conv->comment : _("No comment"));
}

static void
on_model_changed_cb (FdConversationLogWindow *self)
{
  const FdConversation *conv = fd_conversation_model_get_conversation (self->model);

  if (conv != NULL && fd_conversation_model_get_loaded (self->model))
    show_conversation (self, conv);
}

static void
fd_conversation_log_window_dispose (GObject *object)
{
  FdConversationLogWindow *self = FD_CONVERSATION_LOG_WINDOW (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_CONVERSATION_LOG_WINDOW);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (fd_conversation_log_window_parent_class)->dispose (object);
}

static void
fd_conversation_log_window_finalize (GObject *object)
{
  FdConversationLogWindow *self = FD_CONVERSATION_LOG_WINDOW (object);

  g_clear_pointer (&self->entry, fd_log_entry_free);
  g_clear_pointer (&self->rating_text, g_free);
  G_OBJECT_CLASS (fd_conversation_log_window_parent_class)->finalize (object);
}

static void
fd_conversation_log_window_class_init (FdConversationLogWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_conversation_log_window_dispose;
  object_class->finalize = fd_conversation_log_window_finalize;

  g_type_ensure (FD_TYPE_TRANSCRIPT_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/frontdeskcc/Frontdesk/ui/fd-conversation-log-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FdConversationLogWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FdConversationLogWindow, transcript_view);
  gtk_widget_class_bind_template_child (widget_class, FdConversationLogWindow, first_assigned_row);
  gtk_widget_class_bind_template_child (widget_class, FdConversationLogWindow, first_reply_row);
  gtk_widget_class_bind_template_child (widget_class, FdConversationLogWindow, closed_row);
  gtk_widget_class_bind_template_child (widget_class, FdConversationLogWindow, handle_row);
  gtk_widget_class_bind_template_child (widget_class, FdConversationLogWindow, stars_box);
  gtk_widget_class_bind_template_child (widget_class, FdConversationLogWindow, comment_label);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fd_conversation_log_window_init (FdConversationLogWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < N_STARS; i++)
    {
      /* The box says the rating; the stars alone say nothing. */
      self->stars[i] = g_object_new (GTK_TYPE_IMAGE, "icon-name", "non-starred-symbolic",
                                     "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
      gtk_box_append (self->stars_box, GTK_WIDGET (self->stars[i]));
    }
  set_rating (self, 0);
  set_row (self->first_assigned_row, "…");
  set_row (self->first_reply_row, "…");
  set_row (self->closed_row, "…");
  set_row (self->handle_row, "…");
}

FdConversationLogWindow *
fd_conversation_log_window_new (FdConnection     *connection,
                                const FdLogEntry *entry)
{
  FdConversationLogWindow *self;
  g_autofree char *assigned = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (FD_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (entry != NULL, NULL);

  self = g_object_new (FD_TYPE_CONVERSATION_LOG_WINDOW, NULL);
  self->entry = fd_log_entry_copy (entry);
  /* Translators: the title of a past conversation's window. */
  title = g_strdup_printf (_("Conversation with %s"),
                           entry->remote_party != NULL && entry->remote_party[0] != '\0' ? entry->remote_party : _("a customer"));
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  assigned = fd_log_item_format_time (entry->first_assigned_at);
  adw_window_title_set_subtitle (self->window_title, assigned);

  self->model = fd_session_get_conversation_model (fd_connection_get_session (connection), entry->id);
  if (self->model != NULL)
    {
      g_signal_connect_object (self->model, "changed", G_CALLBACK (on_model_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->model, "notify", G_CALLBACK (on_model_changed_cb), self, G_CONNECT_SWAPPED);
      fd_conversation_part_set_model (FD_CONVERSATION_PART (self->transcript_view), self->model);
      on_model_changed_cb (self);
    }
  return self;
}

gboolean
fd_conversation_log_window_get_loaded (FdConversationLogWindow *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_LOG_WINDOW (self), FALSE);
  return self->model != NULL && fd_conversation_model_get_loaded (self->model);
}

const char *
fd_conversation_log_window_get_metric (FdConversationLogWindow *self,
                                       const char              *which)
{
  AdwActionRow *row = NULL;

  g_return_val_if_fail (FD_IS_CONVERSATION_LOG_WINDOW (self), NULL);

  if (g_strcmp0 (which, "first-assigned") == 0)
    row = self->first_assigned_row;
  else if (g_strcmp0 (which, "first-reply") == 0)
    row = self->first_reply_row;
  else if (g_strcmp0 (which, "closed") == 0)
    row = self->closed_row;
  else if (g_strcmp0 (which, "handle") == 0)
    row = self->handle_row;
  return row != NULL ? g_object_get_data (G_OBJECT (row), "fd-text") : NULL;
}

const char *
fd_conversation_log_window_get_rating_text (FdConversationLogWindow *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_LOG_WINDOW (self), NULL);
  return self->rating_text;
}

guint
fd_conversation_log_window_get_n_stars_filled (FdConversationLogWindow *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_LOG_WINDOW (self), 0);
  return self->n_filled;
}

const char *
fd_conversation_log_window_get_comment (FdConversationLogWindow *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_LOG_WINDOW (self), NULL);
  return gtk_label_get_text (self->comment_label);
}

guint
fd_conversation_log_window_get_n_messages (FdConversationLogWindow *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_LOG_WINDOW (self), 0);
  return fd_transcript_view_get_n_messages (self->transcript_view);
}
