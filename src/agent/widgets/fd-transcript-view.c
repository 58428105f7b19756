#define G_LOG_DOMAIN "fd-transcript-view"

#include <string.h>

#include <glib/gi18n.h>

#include "fd-contact-pane.h"
#include "fd-format.h"
#include "fd-transcript-view.h"

struct _FdTranscriptView
{
  FdConversationPart   parent_instance;

  GtkScrolledWindow   *scroller;
  GtkWidget           *box;

  GMenuModel          *extra_menu;
  GDateTime           *last_day;        /* the day of the last message shown */
  guint                n_messages;
  gboolean             stick_to_bottom;
};

G_DEFINE_FINAL_TYPE (FdTranscriptView, fd_transcript_view, FD_TYPE_CONVERSATION_PART)

char *
fd_transcript_view_text_to_markup (const char *text)
{
  static GRegex *url_regex;
  g_autoptr(GMatchInfo) match = NULL;
  GString *markup;
  gsize done = 0;

  g_return_val_if_fail (text != NULL, NULL);
  markup = g_string_new (NULL);
  if (g_once_init_enter (&url_regex))
    g_once_init_leave (&url_regex, g_regex_new ("https?://[^\\s<>\"]+", G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL));

  g_regex_match (url_regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      gint start, end;
      g_autofree char *candidate = NULL;
      g_autoptr(GUri) uri = NULL;

      g_match_info_fetch_pos (match, 0, &start, &end);
      /* Sentence punctuation right after a link is not part of it. */
      while (end > start && strchr (".,;:!?)]'", text[end - 1]) != NULL)
        end--;
      candidate = g_strndup (text + start, end - start);
      uri = g_uri_parse (candidate, G_URI_FLAGS_NONE, NULL);
      if (uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
          (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0 ||
           g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0))
        {
          g_autofree char *before = g_markup_escape_text (text + done, start - (gint) done);
          g_autofree char *href = g_uri_to_string (uri);
          g_autofree char *href_escaped = g_markup_escape_text (href, -1);
          g_autofree char *shown = g_markup_escape_text (candidate, -1);

          g_string_append (markup, before);
          g_string_append_printf (markup, "<a href=\"%s\">%s</a>", href_escaped, shown);
          done = end;
        }
      g_match_info_next (match, NULL);
    }
  {
    g_autofree char *rest = g_markup_escape_text (text + done, -1);

    g_string_append (markup, rest);
  }
  return g_string_free (markup, FALSE);
}

static gboolean
on_label_activate_link_cb (GtkLabel         *label,
                           const char       *uri,
                           FdTranscriptView *self)
{
  fd_launch_uri (GTK_WIDGET (self), uri);
  return TRUE;
}

static void
append_day_separator (FdTranscriptView *self,
                      GDateTime        *when)
{
  GtkWidget *label;
  g_autofree char *text = NULL;

  if (self->last_day != NULL &&
      g_date_time_get_year (self->last_day) == g_date_time_get_year (when) &&
      g_date_time_get_day_of_year (self->last_day) == g_date_time_get_day_of_year (when))
    return;
  g_clear_pointer (&self->last_day, g_date_time_unref);
  self->last_day = g_date_time_ref (when);
  text = fd_format_day (when);
  label = gtk_label_new (text);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_set_margin_top (label, 6);
  gtk_box_append (GTK_BOX (self->box), label);
}

/* The pending mark and Retry button follow the item's send state. */
static void
on_item_send_state_cb (FdMessageItem *item,
                       GParamSpec    *pspec,
                       GtkWidget     *mark)
{
  GtkWidget *retry = g_object_get_data (G_OBJECT (mark), "fd-retry");

  switch (fd_message_item_get_send_state (item))
    {
    case FD_SEND_STATE_SENDING:
      gtk_label_set_text (GTK_LABEL (mark), _("Sending…"));
      gtk_widget_remove_css_class (mark, "error");
      gtk_widget_add_css_class (mark, "dim-label");
      gtk_widget_set_visible (mark, TRUE);
      gtk_widget_set_visible (retry, FALSE);
      break;
    case FD_SEND_STATE_FAILED:
      {
        g_autofree char *text = g_strdup_printf (_("Not sent: %s"), fd_message_item_get_error (item));

        gtk_label_set_text (GTK_LABEL (mark), text);
        gtk_widget_remove_css_class (mark, "dim-label");
        gtk_widget_add_css_class (mark, "error");
        gtk_widget_set_visible (mark, TRUE);
        gtk_widget_set_visible (retry, TRUE);
      }
      break;
    case FD_SEND_STATE_SENT:
    default:
      gtk_widget_set_visible (mark, FALSE);
      gtk_widget_set_visible (retry, FALSE);
      break;
    }
}

static void
on_retry_clicked_cb (GtkButton        *button,
                     FdTranscriptView *self)
{
  FdConversationModel *model = fd_conversation_part_get_model (FD_CONVERSATION_PART (self));
  FdMessageItem *item = g_object_get_data (G_OBJECT (button), "fd-item");

  if (model != NULL)
    fd_conversation_model_retry (model, item);
}

static void
append_attachments (FdTranscriptView *self,
                    GtkWidget        *box,
                    FdMessageItem    *item,
                    gboolean          outgoing)
{
  FdConversationModel *model = fd_conversation_part_get_model (FD_CONVERSATION_PART (self));
  GPtrArray *attachments = fd_message_item_get_attachments (item);

  for (guint i = 0; i < attachments->len; i++)
    {
      const FdAttachment *attachment = g_ptr_array_index (attachments, i);
      const char *name = attachment->name != NULL ? attachment->name : _("Attachment");
      GtkWidget *link = gtk_label_new (NULL);
      g_autofree char *link_markup = NULL;
      g_autofree char *href = NULL;

      /* Attachment URLs are server-relative (docs/protocol.md); only
       * those are linked, to this server's origin. */
      if (attachment->url != NULL && g_str_has_prefix (attachment->url, "/files/"))
        href = fd_conversation_model_dup_absolute_url (model, attachment->url);
      if (href != NULL)
        link_markup = g_markup_printf_escaped ("📎 <a href=\"%s\">%s</a>", href, name);
      else
        link_markup = g_markup_printf_escaped ("📎 %s", name);
      gtk_label_set_markup (GTK_LABEL (link), link_markup);
      gtk_widget_set_halign (link, outgoing ? GTK_ALIGN_END : GTK_ALIGN_START);
      g_object_set_data_full (G_OBJECT (link), "fd-attachment-url", g_strdup (attachment->url), g_free);
      g_signal_connect_object (link, "activate-link", G_CALLBACK (on_label_activate_link_cb), self, 0);
      gtk_box_append (GTK_BOX (box), link);
    }
}

static void
append_message (FdTranscriptView *self,
                FdMessageItem    *item)
{
  gint64 created_at = fd_message_item_get_created_at (item);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc ((created_at > 0 ? created_at : g_get_real_time ())
                                                           / G_USEC_PER_SEC);
  g_autoptr(GDateTime) when = g_date_time_to_local (utc);
  g_autofree char *clock = g_date_time_format (when, "%H:%M");
  g_autofree char *markup = fd_transcript_view_text_to_markup (fd_message_item_get_text (item));
  FdDirection direction = fd_message_item_get_direction (item);
  gboolean outgoing = direction == FD_DIRECTION_OUT;
  const char *plain = fd_message_item_get_text (item);
  GtkWidget *box, *text, *mark, *retry;

  append_day_separator (self, when);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  text = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (text), markup);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  g_signal_connect_object (text, "activate-link", G_CALLBACK (on_label_activate_link_cb), self, 0);
  g_object_set_data_full (G_OBJECT (text), "fd-plain-text", g_strdup (plain), g_free);

  mark = gtk_label_new (NULL);
  gtk_widget_add_css_class (mark, "caption");
  retry = gtk_button_new_with_label (_("Retry"));
  gtk_widget_add_css_class (retry, "flat");
  gtk_widget_set_tooltip_text (retry, _("Send this message again"));
  g_object_set_data_full (G_OBJECT (retry), "fd-item", g_object_ref (item), g_object_unref);
  g_signal_connect_object (retry, "clicked", G_CALLBACK (on_retry_clicked_cb), self, 0);
  g_object_set_data (G_OBJECT (mark), "fd-retry", retry);

  if (direction == FD_DIRECTION_SYSTEM)
    {
      g_autofree char *line = g_strdup_printf ("%s · %s", plain, clock);

      gtk_label_set_text (GTK_LABEL (text), line);
      gtk_widget_add_css_class (text, "dim-label");
      gtk_widget_set_halign (text, GTK_ALIGN_CENTER);
      gtk_label_set_justify (GTK_LABEL (text), GTK_JUSTIFY_CENTER);
      gtk_box_append (GTK_BOX (box), text);
      gtk_box_append (GTK_BOX (box), mark);
      gtk_box_append (GTK_BOX (box), retry);
    }
  else
    {
      GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *author = gtk_label_new (NULL);
      GtkWidget *time = gtk_label_new (clock);

      gtk_label_set_text (GTK_LABEL (author), fd_message_item_get_author (item));
      gtk_widget_add_css_class (author, "caption-heading");
      gtk_widget_add_css_class (time, "dim-label");
      gtk_widget_add_css_class (time, "caption");
      gtk_box_append (GTK_BOX (header), author);
      gtk_box_append (GTK_BOX (header), time);
      gtk_box_append (GTK_BOX (header), mark);
      gtk_box_append (GTK_BOX (header), retry);
      gtk_widget_set_halign (header, outgoing ? GTK_ALIGN_END : GTK_ALIGN_START);
      gtk_widget_set_halign (text, outgoing ? GTK_ALIGN_END : GTK_ALIGN_START);
      gtk_label_set_extra_menu (GTK_LABEL (text), self->extra_menu);
      gtk_label_set_xalign (GTK_LABEL (text), outgoing ? 1 : 0);
      gtk_box_append (GTK_BOX (box), header);
      gtk_box_append (GTK_BOX (box), text);
      append_attachments (self, box, item, outgoing);
      /* A file sent without words shows only its link. */
      if (fd_message_item_get_attachments (item)->len > 0 && *plain == '\0')
        gtk_widget_set_visible (text, FALSE);
    }
  on_item_send_state_cb (item, NULL, mark);
  g_signal_connect_object (item, "notify::send-state", G_CALLBACK (on_item_send_state_cb), mark, 0);
  g_object_set_data (G_OBJECT (box), "fd-message-text", text);
  gtk_box_append (GTK_BOX (self->box), box);
  self->n_messages++;
}

/* The model only appends; the agent's own message scrolls into view. */
static void
on_messages_items_changed_cb (GListModel       *messages,
                              guint             position,
                              guint             removed,
                              guint             added,
                              FdTranscriptView *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(FdMessageItem) item = g_list_model_get_item (messages, i);

      if (fd_message_item_get_send_state (item) == FD_SEND_STATE_SENDING)
        self->stick_to_bottom = TRUE;
      append_message (self, item);
    }
}

static void
on_adjustment_changed_cb (GtkAdjustment    *adjustment,
                          FdTranscriptView *self)
{
  /* New content: follow it unless the agent scrolled up to read. */
  if (self->stick_to_bottom)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                          gtk_adjustment_get_page_size (adjustment));
}

static void
on_adjustment_value_changed_cb (GtkAdjustment    *adjustment,
                                FdTranscriptView *self)
{
  self->stick_to_bottom = gtk_adjustment_get_value (adjustment) >=
                          gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) - 4;
}

/* The messages list is the model's: the handler goes with the view. */
static void
fd_transcript_view_reload (FdConversationPart *part)
{
  GListModel *messages = fd_conversation_model_get_messages (fd_conversation_part_get_model (part));

  g_signal_connect_object (messages, "items-changed", G_CALLBACK (on_messages_items_changed_cb), part, 0);
  on_messages_items_changed_cb (messages, 0, 0, g_list_model_get_n_items (messages), FD_TRANSCRIPT_VIEW (part));
}

static void
fd_transcript_view_dispose (GObject *object)
{
  FdTranscriptView *self = FD_TRANSCRIPT_VIEW (object);

  g_clear_object (&self->extra_menu);
  G_OBJECT_CLASS (fd_transcript_view_parent_class)->dispose (object);
}

static void
fd_transcript_view_finalize (GObject *object)
{
  FdTranscriptView *self = FD_TRANSCRIPT_VIEW (object);

  g_clear_pointer (&self->last_day, g_date_time_unref);
  G_OBJECT_CLASS (fd_transcript_view_parent_class)->finalize (object);
}

static void
fd_transcript_view_class_init (FdTranscriptViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_transcript_view_dispose;
  object_class->finalize = fd_transcript_view_finalize;
  FD_CONVERSATION_PART_CLASS (klass)->reload = fd_transcript_view_reload;
  fd_conversation_part_class_set_template (widget_class, "fd-transcript-view", 0);
  gtk_widget_class_bind_template_child (widget_class, FdTranscriptView, scroller);
  gtk_widget_class_bind_template_child (widget_class, FdTranscriptView, box);
}

static void
fd_transcript_view_init (FdTranscriptView *self)
{
  GtkAdjustment *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->stick_to_bottom = TRUE;
  adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (on_adjustment_changed_cb), self, 0);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (on_adjustment_value_changed_cb), self, 0);
}

void
fd_transcript_view_set_extra_menu (FdTranscriptView *self,
                                   GMenuModel       *menu)
{
  g_return_if_fail (FD_IS_TRANSCRIPT_VIEW (self));
  g_set_object (&self->extra_menu, menu);
}

guint
fd_transcript_view_get_n_messages (FdTranscriptView *self)
{
  g_return_val_if_fail (FD_IS_TRANSCRIPT_VIEW (self), 0);
  return self->n_messages;
}

char *
fd_transcript_view_dup_text (FdTranscriptView *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (FD_IS_TRANSCRIPT_VIEW (self), NULL);
  for (GtkWidget *child = gtk_widget_get_first_child (self->box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GObject *label = g_object_get_data (G_OBJECT (child), "fd-message-text");

      if (label != NULL)
        g_string_append_printf (text, "%s\n", (const char *) g_object_get_data (label, "fd-plain-text"));
    }
  return g_string_free (text, FALSE);
}

char *
fd_transcript_view_dup_selection (FdTranscriptView *self,
                                  GtkWidget        *widget)
{
  const char *text;
  int start, end;

  g_return_val_if_fail (FD_IS_TRANSCRIPT_VIEW (self), NULL);

  if (!GTK_IS_LABEL (widget) || !gtk_widget_is_ancestor (widget, self->box))
    return NULL;
  text = gtk_label_get_text (GTK_LABEL (widget));
  if (!gtk_label_get_selection_bounds (GTK_LABEL (widget), &start, &end))
    return NULL;
  /* The bounds are character offsets into the label's text. */
  return g_utf8_substring (text, start, end);
}
