#define G_LOG_DOMAIN "fd-chat-window"

#include <string.h>

#include <glib/gi18n.h>

#include "fd-chat-window.h"
#include "fd-conversation-window.h"
#include "fd-format.h"

/* How often at most a "typing" notice goes to the visitor, and how long
 * after the last key press "stopped typing" follows. */
#define TYPING_THROTTLE_USEC (3 * G_USEC_PER_SEC)
#define TYPING_IDLE_SECONDS  5

struct _FdChatWindow
{
  AdwWindow      parent_instance;

  /* Template children. */
  GtkWidget     *reserve_button;
  GtkWidget     *reject_button;
  GtkWidget     *close_button;
  GtkWidget     *transfer_button;
  GtkListBox    *transfer_list;
  GtkPopover    *transfer_popover;
  GtkLabel      *name_label;
  GtkButton     *email_button;
  GtkButton     *phone_button;
  GtkLabel      *department_label;
  GtkLabel      *browser_label;
  GtkLabel      *ip_label;
  GtkLabel      *page_label;
  GtkScrolledWindow *transcript_scroller;
  GtkWidget     *transcript_box;
  GtkLabel      *typing_label;
  GtkLabel      *status_label;
  GtkTextView   *compose_view;
  GtkListBox    *canned_list;
  GtkListBox    *resource_list;
  GtkSearchEntry *canned_search;
  GtkSearchEntry *resource_search;
  GtkFlowBox    *emoji_box;
  GtkListBox    *reply_cache_list;
  GMenuModel    *compose_menu;
  GtkWidget     *attach_button;
  GtkWidget     *recent_button;
  GtkListBox    *recent_list;
  GtkListBox    *history_list;
  GtkFileChooserNative *chooser;  /* the open "Add Attachment" dialog, or NULL */
  guint          n_uploads;       /* uploads in flight */

  /* The agent's local stores, each optional (fd_chat_window_set_stores). */
  FdDrafts      *drafts;
  FdReplyCache  *reply_cache;
  FdRecentFiles *recent_files;

  FdConnection  *connection;
  GCancellable  *cancellable;
  GCancellable  *canned_cancellable;
  GCancellable  *resource_cancellable;
  FdConversation *conversation;
  gint64         id;
  gboolean       loaded;
  gboolean       stick_to_bottom;
  guint          n_messages;
  GHashTable    *seen_ids;        /* gint64* message ids shown */
  GHashTable    *pending;         /* client_id → GtkLabel* pending mark (borrowed) */
  GDateTime     *last_day;        /* the day of the last message shown */
  GPtrArray     *emoji_buttons;   /* GtkWidget*, borrowed */
  guint          tick_source;
  guint          typing_idle_source;
  gint64         typing_sent_at;
  gboolean       typing_sent;
  gboolean       clearing_compose;
  gint64         history_contact_id; /* the contact whose history was asked for */
  /* The last transfer this window asked for: to whom, and what came of it. */
  GCancellable  *transfer_cancellable;
  gint64         transfer_agent_id;
  char          *transfer_name;
  gboolean       transfer_returned;
};

G_DEFINE_FINAL_TYPE (FdChatWindow, fd_chat_window, ADW_TYPE_WINDOW)

/* A small set of common emoji with the names screen readers say. */
static const struct {
  const char *emoji;
  const char *name;
} emoji_table[] = {
  { "😀", N_("Grinning face") },
  { "🙂", N_("Slightly smiling face") },
  { "😉", N_("Winking face") },
  { "😂", N_("Face with tears of joy") },
  { "😍", N_("Smiling face with heart-eyes") },
  { "🤔", N_("Thinking face") },
  { "😮", N_("Face with open mouth") },
  { "😢", N_("Crying face") },
  { "🙁", N_("Slightly frowning face") },
  { "👍", N_("Thumbs up") },
  { "👎", N_("Thumbs down") },
  { "👋", N_("Waving hand") },
  { "🙏", N_("Folded hands") },
  { "👏", N_("Clapping hands") },
  { "🎉", N_("Party popper") },
  { "❤️", N_("Red heart") },
  { "✅", N_("Check mark button") },
  { "⭐", N_("Star") },
};

static void
launch_uri (FdChatWindow *self,
            const char   *uri)
{
  g_autoptr(GAppLaunchContext) context =
    G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self))));

  g_app_info_launch_default_for_uri_async (uri, context, NULL, NULL, NULL);
}

static void
on_email_button_clicked_cb (FdChatWindow *self)
{
  g_autofree char *escaped = NULL;
  g_autofree char *uri = NULL;

  if (self->conversation == NULL || self->conversation->contact == NULL ||
      self->conversation->contact->email == NULL)
    return;
  escaped = g_uri_escape_string (self->conversation->contact->email, "@", FALSE);
  uri = g_strconcat ("mailto:", escaped, NULL);
  launch_uri (self, uri);
}

static void
on_phone_button_clicked_cb (FdChatWindow *self)
{
  g_autofree char *escaped = NULL;
  g_autofree char *uri = NULL;

  if (self->conversation == NULL || self->conversation->contact == NULL ||
      self->conversation->contact->phone == NULL)
    return;
  escaped = g_uri_escape_string (self->conversation->contact->phone, "+", FALSE);
  uri = g_strconcat ("tel:", escaped, NULL);
  launch_uri (self, uri);
}

static gboolean
on_message_label_activate_link_cb (GtkLabel     *label,
                                   const char   *uri,
                                   FdChatWindow *self)
{
  launch_uri (self, uri);
  return TRUE;
}

/* --- state ------------------------------------------------------------------ */

static gint64
own_agent_id (FdChatWindow *self)
{
  const FdAgent *agent = fd_connection_get_agent (self->connection);

  return agent != NULL ? agent->id : 0;
}

static gboolean
is_reserved (FdChatWindow *self)
{
  return self->conversation != NULL &&
         self->conversation->state == FD_CONVERSATION_RESERVED &&
         self->conversation->agent_id == own_agent_id (self);
}

static gboolean
is_closed (FdChatWindow *self)
{
  return self->conversation != NULL &&
         (self->conversation->state == FD_CONVERSATION_CLOSED ||
          self->conversation->state == FD_CONVERSATION_MISSED);
}

static void
update_title (FdChatWindow *self)
{
  FdConversationItem *item = fd_activity_model_lookup (fd_connection_get_activity_model (self->connection), self->id);
  g_autofree char *to = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *title = NULL;
  gint64 since = 0;

  if (item != NULL)
    to = g_strdup (fd_conversation_item_get_to (item));
  else
    {
      const FdOrganization *organization = fd_connection_get_organization (self->connection);
      const char *stream = self->conversation != NULL ? self->conversation->stream_name : NULL;

      to = g_strjoin (" > ", organization != NULL && organization->name != NULL ? organization->name : "",
                      stream != NULL ? stream : "", NULL);
    }
  if (self->conversation != NULL)
    since = self->conversation->reserved_at > 0 && !is_closed (self)
          ? self->conversation->reserved_at : self->conversation->created_at;
  if (since > 0)
    {
      gint64 end = is_closed (self) && self->conversation->closed_at > 0
                 ? self->conversation->closed_at : g_get_real_time ();
      duration = fd_format_duration (end - since);
      title = g_strdup_printf (_("Conversation: %s - %s"), to, duration);
    }
  else
    title = g_strdup_printf (_("Conversation: %s"), to);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

static gboolean
on_tick_cb (gpointer user_data)
{
  update_title (user_data);
  return G_SOURCE_CONTINUE;
}

static void
set_label (GtkLabel   *label,
           const char *text)
{
  /* Customer data: plain text, never markup. */
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

static void
update_details (FdChatWindow *self)
{
  const FdConversation *conv = self->conversation;
  const FdContact *contact = conv != NULL ? conv->contact : NULL;
  g_autofree char *browser = NULL;
  g_autofree char *ip = NULL;

  if (conv == NULL)
    return;
  set_label (self->name_label, contact != NULL && contact->name != NULL ? contact->name : _("Visitor"));
  gtk_button_set_label (self->email_button, contact != NULL && contact->email != NULL ? contact->email : "");
  gtk_widget_set_visible (GTK_WIDGET (self->email_button), contact != NULL && contact->email != NULL && *contact->email);
  gtk_button_set_label (self->phone_button, contact != NULL && contact->phone != NULL ? contact->phone : "");
  gtk_widget_set_visible (GTK_WIDGET (self->phone_button), contact != NULL && contact->phone != NULL && *contact->phone);
  set_label (self->department_label, conv->department);
  if (conv->browser != NULL && conv->os != NULL)
    browser = g_strdup_printf (_("%s on %s"), conv->browser, conv->os);
  else
    browser = g_strdup (conv->browser != NULL ? conv->browser : conv->os);
  set_label (self->browser_label, browser);
  if (conv->ip != NULL)
    ip = g_strdup_printf (_("IP: %s"), conv->ip);
  set_label (self->ip_label, ip);
  set_label (self->page_label, conv->page_url);
}

static void
update_state (FdChatWindow *self)
{
  gboolean reserved = is_reserved (self);
  gboolean closed = is_closed (self);
  gboolean transferred_here = self->conversation != NULL && self->conversation->transfer_to != 0 &&
                              self->conversation->transfer_to == own_agent_id (self);
  gboolean offered = self->conversation != NULL && !reserved && !closed &&
                     (self->conversation->state == FD_CONVERSATION_UNRESERVED || transferred_here);

  gtk_widget_set_visible (self->reserve_button, !reserved && !closed);
  gtk_widget_set_visible (self->reject_button, !reserved && !closed);
  gtk_widget_set_visible (self->close_button, reserved);
  gtk_widget_set_visible (self->transfer_button, reserved);
  gtk_widget_set_sensitive (self->transfer_button, reserved && self->conversation->transfer_to == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.transfer",
                                 reserved && self->conversation->transfer_to == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.reserve", offered);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.reject", offered);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.close", reserved);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.send", reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (self->compose_view), reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (self->canned_list), reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (self->resource_list), reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (self->emoji_box), reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reply_cache_list), reserved);

  if (!self->loaded)
    gtk_label_set_text (self->status_label, _("Loading the conversation…"));
  else if (closed)
    gtk_label_set_text (self->status_label, _("This conversation has ended."));
  else if (!reserved && transferred_here)
    gtk_label_set_text (self->status_label, _("A colleague is handing this conversation to you: reserve it to take it."));
  else if (!reserved && self->conversation->state == FD_CONVERSATION_RESERVED &&
           self->transfer_agent_id != 0 && self->conversation->agent_id == self->transfer_agent_id)
    {
      g_autofree char *text = g_strdup_printf (_("Transferred to %s."), self->transfer_name);

      gtk_label_set_text (self->status_label, text);
    }
  else if (!reserved && self->conversation->state == FD_CONVERSATION_RESERVED)
    gtk_label_set_text (self->status_label, _("Another agent has reserved this conversation."));
  else if (reserved && self->conversation->transfer_to != 0)
    {
      g_autofree char *text = g_strdup_printf (_("Waiting for %s to take the conversation…"),
                                               self->conversation->transfer_to == self->transfer_agent_id
                                               ? self->transfer_name : _("a colleague"));

      gtk_label_set_text (self->status_label, text);
    }
  else if (reserved && self->transfer_returned)
    {
      g_autofree char *text = g_strdup_printf (_("%s did not take the conversation; it is still yours."),
                                               self->transfer_name);

      gtk_label_set_text (self->status_label, text);
    }
  else if (!reserved)
    gtk_label_set_text (self->status_label, _("Reserve the conversation to reply."));
  else
    gtk_label_set_text (self->status_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label),
                          *gtk_label_get_text (self->status_label) != '\0');
  if (closed)
    gtk_widget_set_visible (GTK_WIDGET (self->typing_label), FALSE);
  update_title (self);
}

static void update_history_row (FdChatWindow *self);

static void
set_conversation (FdChatWindow         *self,
                  const FdConversation *conversation)
{
  FdContact *contact = NULL;

  /* A conversation event without a contact keeps the one we knew. */
  if (conversation->contact == NULL && self->conversation != NULL && self->conversation->contact != NULL)
    contact = fd_contact_copy (self->conversation->contact);
  /* An offer that was out and is over while this agent still holds the
   * conversation: the colleague declined or did not answer in time. */
  if (self->transfer_agent_id != 0 && self->conversation != NULL &&
      self->conversation->transfer_to == self->transfer_agent_id &&
      conversation->transfer_to == 0 && conversation->agent_id == own_agent_id (self))
    self->transfer_returned = TRUE;
  g_clear_pointer (&self->conversation, fd_conversation_free);
  self->conversation = fd_conversation_copy (conversation);
  if (contact != NULL)
    self->conversation->contact = contact;
  update_details (self);
  update_state (self);
  update_history_row (self);
}

/* --- transcript --------------------------------------------------------------- */

/* @text as Pango markup: every piece escaped, and <a href> only around
 * http(s) URLs that GUri parsed, re-serialized from the parsed URI. */
char *
fd_chat_window_text_to_markup (const char *text)
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

static void
append_day_separator (FdChatWindow *self,
                      GDateTime    *when)
{
  GtkWidget *label;
  g_autofree char *text = NULL;

  if (self->last_day != NULL &&
      g_date_time_get_year (self->last_day) == g_date_time_get_year (when) &&
      g_date_time_get_day_of_year (self->last_day) == g_date_time_get_day_of_year (when))
    return;
  g_clear_pointer (&self->last_day, g_date_time_unref);
  self->last_day = g_date_time_ref (when);
  text = g_date_time_format (when, _("%A, %e %B %Y"));
  label = gtk_label_new (text);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_set_margin_top (label, 6);
  gtk_box_append (GTK_BOX (self->transcript_box), label);
}

/* Appends one message; returns its pending mark label (hidden unless
 * @pending). */
static GtkLabel *
append_message (FdChatWindow    *self,
                const FdMessage *message,
                gboolean         pending)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *markup = NULL;
  GtkWidget *box, *header, *author, *time, *mark, *text;
  gboolean outgoing = message->direction == FD_DIRECTION_OUT;
  gboolean system = message->direction == FD_DIRECTION_SYSTEM;

  utc = g_date_time_new_from_unix_utc (message->created_at > 0 ? message->created_at / G_USEC_PER_SEC
                                                               : g_get_real_time () / G_USEC_PER_SEC);
  when = g_date_time_to_local (utc);
  append_day_separator (self, when);
  clock = g_date_time_format (when, "%H:%M");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  text = gtk_label_new (NULL);
  markup = fd_chat_window_text_to_markup (message->text != NULL ? message->text : "");
  gtk_label_set_markup (GTK_LABEL (text), markup);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  g_signal_connect_object (text, "activate-link", G_CALLBACK (on_message_label_activate_link_cb), self, 0);
  g_object_set_data_full (G_OBJECT (text), "fd-plain-text", g_strdup (message->text != NULL ? message->text : ""), g_free);

  mark = gtk_label_new (_("Sending…"));
  gtk_widget_add_css_class (mark, "dim-label");
  gtk_widget_add_css_class (mark, "caption");
  gtk_widget_set_visible (mark, pending);

  if (system)
    {
      g_autofree char *line = g_strdup_printf ("%s · %s", message->text != NULL ? message->text : "", clock);

      gtk_label_set_text (GTK_LABEL (text), line);
      gtk_widget_add_css_class (text, "dim-label");
      gtk_widget_set_halign (text, GTK_ALIGN_CENTER);
      gtk_label_set_justify (GTK_LABEL (text), GTK_JUSTIFY_CENTER);
      gtk_box_append (GTK_BOX (box), text);
      gtk_box_append (GTK_BOX (box), mark);
    }
  else
    {
      const char *name = message->author_name;

      if (name == NULL && !outgoing && self->conversation != NULL && self->conversation->contact != NULL)
        name = self->conversation->contact->name;
      header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      author = gtk_label_new (NULL);
      gtk_label_set_text (GTK_LABEL (author), name != NULL ? name : outgoing ? _("Agent") : _("Visitor"));
      gtk_widget_add_css_class (author, "caption-heading");
      time = gtk_label_new (clock);
      gtk_widget_add_css_class (time, "dim-label");
      gtk_widget_add_css_class (time, "caption");
      gtk_box_append (GTK_BOX (header), author);
      gtk_box_append (GTK_BOX (header), time);
      gtk_box_append (GTK_BOX (header), mark);
      gtk_widget_set_halign (header, outgoing ? GTK_ALIGN_END : GTK_ALIGN_START);
      gtk_widget_set_halign (text, outgoing ? GTK_ALIGN_END : GTK_ALIGN_START);
      gtk_label_set_extra_menu (GTK_LABEL (text), self->compose_menu);
      gtk_label_set_xalign (GTK_LABEL (text), outgoing ? 1 : 0);
      gtk_box_append (GTK_BOX (box), header);
      gtk_box_append (GTK_BOX (box), text);
    }
  for (guint i = 0; !system && message->attachments != NULL && i < message->attachments->len; i++)
    {
      const FdAttachment *attachment = g_ptr_array_index (message->attachments, i);
      GtkWidget *link = gtk_label_new (NULL);
      g_autofree char *link_markup = NULL;
      g_autofree char *href = NULL;

      /* Attachment URLs are server-relative (docs/protocol.md); only
       * those are linked, to this server's origin. */
      if (attachment->url != NULL && g_str_has_prefix (attachment->url, "/files/"))
        href = g_strconcat (fd_connection_get_server_url (self->connection), attachment->url, NULL);
      if (href != NULL)
        link_markup = g_markup_printf_escaped ("📎 <a href=\"%s\">%s</a>", href,
                                               attachment->name != NULL ? attachment->name : _("Attachment"));
      else
        link_markup = g_markup_printf_escaped ("📎 %s", attachment->name != NULL ? attachment->name : _("Attachment"));
      gtk_label_set_markup (GTK_LABEL (link), link_markup);
      gtk_widget_set_halign (link, outgoing ? GTK_ALIGN_END : GTK_ALIGN_START);
      g_object_set_data_full (G_OBJECT (link), "fd-attachment-url", g_strdup (attachment->url), g_free);
      g_signal_connect_object (link, "activate-link", G_CALLBACK (on_message_label_activate_link_cb), self, 0);
      gtk_box_append (GTK_BOX (box), link);
    }
  /* A file sent without words shows only its link. */
  if (!system && message->attachments != NULL && message->attachments->len > 0 &&
      (message->text == NULL || *message->text == '\0'))
    gtk_widget_set_visible (text, FALSE);
  g_object_set_data (G_OBJECT (box), "fd-message-text", text);
  gtk_box_append (GTK_BOX (self->transcript_box), box);
  self->n_messages++;
  if (message->id > 0)
    g_hash_table_add (self->seen_ids, g_memdup2 (&message->id, sizeof message->id));
  return GTK_LABEL (mark);
}

static void
on_mark_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!fd_connection_mark_read_finish (FD_CONNECTION (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not mark the conversation read: %s", error->message);
}

static void
mark_read (FdChatWindow *self)
{
  if (is_reserved (self) && gtk_widget_get_visible (GTK_WIDGET (self)))
    fd_connection_mark_read_async (self->connection, self->id, 0, self->cancellable, on_mark_read_cb, NULL);
}

static void
show_message (FdChatWindow    *self,
              const FdMessage *message)
{
  GtkLabel *mark;

  if (message->id > 0 && g_hash_table_contains (self->seen_ids, &message->id))
    return;
  /* The echo of our own message: the pending mark goes. */
  if (message->client_id != NULL && (mark = g_hash_table_lookup (self->pending, message->client_id)) != NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (mark), FALSE);
      g_hash_table_remove (self->pending, message->client_id);
      if (message->id > 0)
        g_hash_table_add (self->seen_ids, g_memdup2 (&message->id, sizeof message->id));
      return;
    }
  append_message (self, message, FALSE);
  if (message->direction == FD_DIRECTION_IN)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->typing_label), FALSE);
      mark_read (self);
    }
}

static void
on_transcript_adjustment_changed_cb (GtkAdjustment *adjustment,
                                     FdChatWindow  *self)
{
  /* New content: follow it unless the agent scrolled up to read. */
  if (self->stick_to_bottom)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                          gtk_adjustment_get_page_size (adjustment));
}

static void
on_transcript_adjustment_value_changed_cb (GtkAdjustment *adjustment,
                                           FdChatWindow  *self)
{
  self->stick_to_bottom = gtk_adjustment_get_value (adjustment) >=
                          gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) - 4;
}

/* --- requests ------------------------------------------------------------------ */

static void
show_error (FdChatWindow *self,
            const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_label_set_text (self->status_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
}

static void load_history (FdChatWindow *self);

static void
on_get_conversation_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(FdChatWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) ack = fd_connection_request_finish (FD_CONNECTION (source), result, &error);
  const FdConversationDetail *detail;

  if (ack == NULL)
    {
      show_error (self, error);
      return;
    }
  detail = ack->body;
  self->loaded = TRUE;
  if (detail->conversation != NULL)
    set_conversation (self, detail->conversation);
  for (guint i = 0; detail->messages != NULL && i < detail->messages->len; i++)
    show_message (self, g_ptr_array_index (detail->messages, i));
  update_state (self);
  mark_read (self);
  load_history (self);
}

static void
on_reserve_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FdChatWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConversation) conversation = fd_connection_reserve_finish (FD_CONNECTION (source), result, &error);

  if (conversation == NULL)
    {
      show_error (self, error);
      return;
    }
  if (conversation->id == self->id)
    set_conversation (self, conversation);
  gtk_widget_grab_focus (GTK_WIDGET (self->compose_view));
}

static void
on_reject_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FdChatWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fd_connection_reject_finish (FD_CONNECTION (source), result, &error))
    {
      show_error (self, error);
      return;
    }
  /* Rejected: the offer goes to someone else, nothing is left to show. */
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_close_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FdChatWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConversation) conversation = fd_connection_close_conversation_finish (FD_CONNECTION (source), result, &error);

  if (conversation == NULL)
    {
      show_error (self, error);
      return;
    }
  if (conversation->id == self->id)
    set_conversation (self, conversation);
}

typedef struct {
  FdChatWindow *self;   /* owned */
  char         *client_id;
} SendData;

static void
send_data_free (SendData *data)
{
  g_object_unref (data->self);
  g_free (data->client_id);
  g_free (data);
}

static void
on_send_message_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  SendData *data = user_data;
  FdChatWindow *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) ack = fd_connection_request_finish (FD_CONNECTION (source), result, &error);
  GtkLabel *mark = self->pending != NULL ? g_hash_table_lookup (self->pending, data->client_id) : NULL;

  if (ack != NULL)
    {
      const FdMessage *message = ack->body;

      if (mark != NULL)
        gtk_widget_set_visible (GTK_WIDGET (mark), FALSE);
      if (message != NULL && message->id > 0)
        g_hash_table_add (self->seen_ids, g_memdup2 (&message->id, sizeof message->id));
      if (self->pending != NULL)
        g_hash_table_remove (self->pending, data->client_id);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && mark != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Not sent: %s"), error->message);

      gtk_label_set_text (mark, text);
      gtk_widget_remove_css_class (GTK_WIDGET (mark), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (mark), "error");
      g_hash_table_remove (self->pending, data->client_id);
    }
  send_data_free (data);
}

static void
on_ignored_request_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) ack = fd_connection_request_finish (FD_CONNECTION (source), result, &error);

  if (ack == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("A typing notice failed: %s", error->message);
}

static void
send_typing (FdChatWindow *self,
             gboolean      typing)
{
  FdTyping *body = fd_typing_new ();

  body->conversation_id = self->id;
  body->typing = typing;
  self->typing_sent = typing;
  self->typing_sent_at = typing ? g_get_monotonic_time () : 0;
  fd_connection_request_async (self->connection, FD_FRAME_TYPING, body, self->cancellable,
                               on_ignored_request_cb, NULL);
}

static void
stop_typing (FdChatWindow *self)
{
  g_clear_handle_id (&self->typing_idle_source, g_source_remove);
  if (self->typing_sent)
    send_typing (self, FALSE);
}

static gboolean
on_typing_idle_cb (gpointer user_data)
{
  FdChatWindow *self = user_data;

  self->typing_idle_source = 0;
  stop_typing (self);
  return G_SOURCE_REMOVE;
}

/* Keeps the compose text as the conversation's draft, so that it
 * survives closing the window and restarting the app. */
static void
save_draft (FdChatWindow  *self,
            GtkTextBuffer *buffer)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  if (self->drafts == NULL)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (!fd_drafts_set (self->drafts, self->id, text, &error))
    g_warning ("The draft of conversation %" G_GINT64_FORMAT " was not kept: %s", self->id, error->message);
}

static void
on_compose_buffer_changed_cb (GtkTextBuffer *buffer,
                              FdChatWindow  *self)
{
  if (self->clearing_compose)
    return;
  save_draft (self, buffer);
  if (!is_reserved (self))
    return;
  if (gtk_text_buffer_get_char_count (buffer) == 0)
    {
      stop_typing (self);
      return;
    }
  if (!self->typing_sent || g_get_monotonic_time () - self->typing_sent_at > TYPING_THROTTLE_USEC)
    send_typing (self, TRUE);
  g_clear_handle_id (&self->typing_idle_source, g_source_remove);
  self->typing_idle_source = g_timeout_add_seconds (TYPING_IDLE_SECONDS, on_typing_idle_cb, self);
}

/* Sends @text as the agent's message: shown at once with a pending mark
 * until the server's echo or ack, queued by the connection while offline. */
static void
send_text (FdChatWindow *self,
           const char   *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  FdSendMessage *body;
  FdMessage shown = { 0 };
  const FdAgent *agent = fd_connection_get_agent (self->connection);
  SendData *data;
  GtkLabel *mark;

  if (!is_reserved (self) || *stripped == '\0')
    return;
  body = fd_send_message_new ();
  body->conversation_id = self->id;
  body->client_id = g_uuid_string_random ();
  body->text = g_strdup (stripped);

  shown.direction = FD_DIRECTION_OUT;
  shown.text = stripped;
  shown.author_name = agent != NULL ? agent->name : NULL;
  shown.created_at = g_get_real_time ();
  self->stick_to_bottom = TRUE;
  mark = append_message (self, &shown, TRUE);
  g_hash_table_insert (self->pending, g_strdup (body->client_id), mark);

  data = g_new0 (SendData, 1);
  data->self = g_object_ref (self);
  data->client_id = g_strdup (body->client_id);
  stop_typing (self);
  fd_connection_request_async (self->connection, FD_FRAME_SEND_MESSAGE, body, self->cancellable,
                               on_send_message_cb, data);
}

static void
send_compose (FdChatWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->compose_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (!is_reserved (self))
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (*g_strstrip (text) == '\0')
    return;
  send_text (self, text);
  self->clearing_compose = TRUE;
  gtk_text_buffer_set_text (buffer, "", 0);
  self->clearing_compose = FALSE;
  if (self->drafts != NULL)
    fd_drafts_clear (self->drafts, self->id);
}

static gboolean
on_compose_key_pressed_cb (FdChatWindow          *self,
                           guint                  keyval,
                           guint                  keycode,
                           GdkModifierType        state,
                           GtkEventControllerKey *controller)
{
  GtkTextBuffer *buffer;

  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
    return FALSE;
  if (state & GDK_SHIFT_MASK)
    {
      /* Shift+Enter breaks the line (done here so that it never sends). */
      buffer = gtk_text_view_get_buffer (self->compose_view);
      gtk_text_buffer_insert_at_cursor (buffer, "\n", 1);
      gtk_text_view_scroll_mark_onscreen (self->compose_view, gtk_text_buffer_get_insert (buffer));
      return TRUE;
    }
  if (state & (GDK_ALT_MASK | GDK_SUPER_MASK))
    return FALSE;
  send_compose (self);
  return TRUE;
}

/* --- canned replies and resources ------------------------------------------------ */

static GtkWidget *
new_list_row (const char *title,
              const char *subtitle,
              const char *payload)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);

  gtk_label_set_text (GTK_LABEL (name), title != NULL ? title : "");
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_text (GTK_LABEL (detail), subtitle != NULL ? subtitle : "");
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title != NULL ? title : "", -1);
  g_object_set_data_full (G_OBJECT (row), "fd-payload", g_strdup (payload), g_free);
  return row;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
on_list_canned_replies_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(FdChatWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) ack = fd_connection_request_finish (FD_CONNECTION (source), result, &error);
  const FdCannedReplies *replies;

  if (ack == NULL)
    {
      show_error (self, error);
      return;
    }
  replies = ack->body;
  clear_list (self->canned_list);
  for (guint i = 0; replies->items != NULL && i < replies->items->len; i++)
    {
      const FdCannedReply *reply = g_ptr_array_index (replies->items, i);

      gtk_list_box_append (self->canned_list, new_list_row (reply->name, reply->text, reply->text));
    }
}

static void
on_list_resources_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(FdChatWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) ack = fd_connection_request_finish (FD_CONNECTION (source), result, &error);
  const FdResources *resources;

  if (ack == NULL)
    {
      show_error (self, error);
      return;
    }
  resources = ack->body;
  clear_list (self->resource_list);
  for (guint i = 0; resources->items != NULL && i < resources->items->len; i++)
    {
      const FdResource *resource = g_ptr_array_index (resources->items, i);
      g_autofree char *url = NULL;

      if (resource->url == NULL)
        continue;
      /* Uploaded files have server-relative URLs; the visitor needs the
       * whole address. */
      if (resource->url[0] == '/')
        url = g_strconcat (fd_connection_get_server_url (self->connection), resource->url, NULL);
      else
        url = g_strdup (resource->url);
      gtk_list_box_append (self->resource_list,
                           new_list_row (resource->name,
                                         resource->description != NULL ? resource->description : resource->url,
                                         url));
    }
}

static void
search (FdChatWindow  *self,
        FdFrameType    type,
        GtkEditable   *entry,
        GCancellable **cancellable)
{
  FdSearch *body = fd_search_new ();
  const char *text = gtk_editable_get_text (entry);

  g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
  *cancellable = g_cancellable_new ();
  body->conversation_id = self->id;
  body->search = text != NULL && *text != '\0' ? g_strdup (text) : NULL;
  fd_connection_request_async (self->connection, type, body, *cancellable,
                               type == FD_FRAME_LIST_CANNED_REPLIES ? on_list_canned_replies_cb : on_list_resources_cb,
                               g_object_ref (self));
}

static void
on_canned_search_search_changed_cb (FdChatWindow *self)
{
  search (self, FD_FRAME_LIST_CANNED_REPLIES, GTK_EDITABLE (self->canned_search), &self->canned_cancellable);
}

static void
on_resource_search_search_changed_cb (FdChatWindow *self)
{
  search (self, FD_FRAME_LIST_RESOURCES, GTK_EDITABLE (self->resource_search), &self->resource_cancellable);
}

static void
on_canned_list_row_activated_cb (FdChatWindow  *self,
                                 GtkListBoxRow *row)
{
  send_text (self, g_object_get_data (G_OBJECT (row), "fd-payload"));
}

static void
on_resource_list_row_activated_cb (FdChatWindow  *self,
                                   GtkListBoxRow *row)
{
  send_text (self, g_object_get_data (G_OBJECT (row), "fd-payload"));
}

/* --- history ---------------------------------------------------------------------- */

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

static GtkWidget *
new_history_row (const FdConversation *conversation,
                 gboolean              current)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (conversation->created_at / G_USEC_PER_SEC);
  g_autoptr(GDateTime) when = utc != NULL ? g_date_time_to_local (utc) : NULL;
  g_autofree char *created = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M") : g_strdup ("");
  g_autofree char *title = g_strdup_printf ("%s · %s", fd_format_activity (conversation->kind), created);
  g_autofree char *subtitle = g_strdup_printf (current ? _("This conversation · %s · %s") : "%s · %s",
                                               state_text (conversation->state),
                                               conversation->stream_name != NULL ? conversation->stream_name : "");
  g_autofree char *label = g_strconcat (title, ", ", subtitle, NULL);
  GtkWidget *row = new_list_row (title, subtitle, NULL);
  gint64 *id = g_new (gint64, 1);

  *id = conversation->id;
  g_object_set_data_full (G_OBJECT (row), "fd-conversation-id", id, g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return row;
}

static void
on_contact_history_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(FdChatWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) ack = fd_connection_request_finish (FD_CONNECTION (source), result, &error);
  const FdConversations *history;

  if (ack == NULL)
    {
      /* Asked again on the next load. */
      self->history_contact_id = 0;
      show_error (self, error);
      return;
    }
  history = ack->body;
  clear_list (self->history_list);
  /* The server keeps to the last 10, newest first; shown as sent. */
  for (guint i = 0; history->conversations != NULL && i < history->conversations->len; i++)
    {
      const FdConversation *conversation = g_ptr_array_index (history->conversations, i);

      /* This conversation as the window knows it now, not as it was. */
      if (conversation->id == self->id && self->conversation != NULL)
        conversation = self->conversation;
      gtk_list_box_append (self->history_list, new_history_row (conversation, conversation->id == self->id));
    }
}

/* Keeps this conversation's own History row in step with its state. */
static void
update_history_row (FdChatWindow *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->history_list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const gint64 *id = g_object_get_data (G_OBJECT (child), "fd-conversation-id");
      int index;

      if (!GTK_IS_LIST_BOX_ROW (child) || id == NULL || *id != self->id)
        continue;
      index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (child));
      gtk_list_box_remove (self->history_list, child);
      gtk_list_box_insert (self->history_list, new_history_row (self->conversation, TRUE), index);
      return;
    }
}

static void
load_history (FdChatWindow *self)
{
  FdContactRef *ref;

  if (self->conversation == NULL || self->conversation->contact_id <= 0 ||
      self->conversation->contact_id == self->history_contact_id)
    return;
  self->history_contact_id = self->conversation->contact_id;
  ref = fd_contact_ref_new ();
  ref->contact_id = self->conversation->contact_id;
  fd_connection_request_async (self->connection, FD_FRAME_CONTACT_HISTORY, ref, self->cancellable,
                               on_contact_history_cb, g_object_ref (self));
}

static void
on_history_list_row_activated_cb (FdChatWindow  *self,
                                  GtkListBoxRow *row)
{
  const gint64 *id = g_object_get_data (G_OBJECT (row), "fd-conversation-id");
  FdConversationWindow *window;

  if (id == NULL || *id <= 0)
    return;
  window = fd_conversation_window_new (GTK_WINDOW (self), self->connection, *id);
  gtk_window_present (GTK_WINDOW (window));
}

/* --- reply cache ----------------------------------------------------------------- */

static GtkWidget *
create_cached_reply_row_cb (gpointer item,
                            gpointer user_data)
{
  const char *text = fd_cached_reply_get_text (FD_CACHED_REPLY (item));
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (NULL);

  /* The agent's own text, possibly quoting a customer: never markup. */
  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_widget_set_tooltip_text (label, text);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  g_object_set_data_full (G_OBJECT (row), "fd-payload", g_strdup (text), g_free);
  return row;
}

static void
on_reply_cache_list_row_activated_cb (FdChatWindow  *self,
                                      GtkListBoxRow *row)
{
  send_text (self, g_object_get_data (G_OBJECT (row), "fd-payload"));
}

/* The selected text of @widget when it is the compose box or a transcript
 * message label; NULL otherwise or without a selection. */
static char *
dup_selection (FdChatWindow *self,
               GtkWidget    *widget)
{
  if (widget == GTK_WIDGET (self->compose_view))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->compose_view);
      GtkTextIter start, end;

      if (!gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
        return NULL;
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }
  if (GTK_IS_LABEL (widget) && gtk_widget_is_ancestor (widget, self->transcript_box))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));
      int start, end;

      if (!gtk_label_get_selection_bounds (GTK_LABEL (widget), &start, &end))
        return NULL;
      /* The bounds are character offsets into the label's text. */
      return g_utf8_substring (text, start, end);
    }
  return NULL;
}

gboolean
fd_chat_window_add_reply_to_cache (FdChatWindow *self,
                                   GError      **error)
{
  g_autofree char *text = NULL;
  GtkWidget *focus;

  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->reply_cache == NULL)
    {
      g_set_error_literal (error, FD_CACHE_ERROR, FD_CACHE_ERROR_INVALID,
                           _("The reply cache is not available in this window."));
      return FALSE;
    }
  focus = gtk_root_get_focus (GTK_ROOT (self));
  text = dup_selection (self, focus);
  if (text == NULL)
    text = dup_selection (self, GTK_WIDGET (self->compose_view));
  if (text == NULL)
    {
      g_set_error_literal (error, FD_CACHE_ERROR, FD_CACHE_ERROR_EMPTY,
                           _("Select the text to add to the reply cache first."));
      return FALSE;
    }
  return fd_reply_cache_add (self->reply_cache, text, error);
}

static void
chat_add_reply_to_cache_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  FdChatWindow *self = FD_CHAT_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!fd_chat_window_add_reply_to_cache (self, &error))
    show_error (self, error);
}

/* --- emoji ---------------------------------------------------------------------- */

static void
on_emoji_button_clicked_cb (GtkButton    *button,
                            FdChatWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->compose_view);

  gtk_text_buffer_insert_at_cursor (buffer, gtk_button_get_label (button), -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->compose_view));
}

static void
on_emoji_gesture_pressed_cb (GtkGestureClick *gesture,
                             gint             n_press,
                             double           x,
                             double           y,
                             FdChatWindow    *self)
{
  GtkWidget *button = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  send_text (self, gtk_button_get_label (GTK_BUTTON (button)));
}

static void
fill_emoji (FdChatWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (emoji_table); i++)
    {
      GtkWidget *button = gtk_button_new_with_label (emoji_table[i].emoji);
      GtkGesture *gesture = gtk_gesture_click_new ();

      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, _(emoji_table[i].name));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(emoji_table[i].name), -1);
      g_signal_connect (button, "clicked", G_CALLBACK (on_emoji_button_clicked_cb), self);
      /* A right click sends the emoji at once (the guide's behaviour). */
      gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
      g_signal_connect (gesture, "pressed", G_CALLBACK (on_emoji_gesture_pressed_cb), self);
      gtk_widget_add_controller (button, GTK_EVENT_CONTROLLER (gesture));
      gtk_flow_box_append (self->emoji_box, button);
      g_ptr_array_add (self->emoji_buttons, button);
    }
}

/* --- attachments ---------------------------------------------------------------- */

static void
show_status (FdChatWindow *self,
             const char   *text)
{
  gtk_label_set_text (self->status_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), *text != '\0');
}

static void
fill_recent_list (FdChatWindow *self)
{
  GListModel *model = self->recent_files != NULL ? G_LIST_MODEL (self->recent_files) : NULL;
  guint n = model != NULL ? g_list_model_get_n_items (model) : 0;

  clear_list (self->recent_list);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FdRecentFile) file = g_list_model_get_item (model, i);
      gboolean missing = fd_recent_file_get_missing (file);
      g_autofree char *title = missing ? g_strdup_printf (_("%s (missing)"), fd_recent_file_get_name (file))
                                       : g_strdup (fd_recent_file_get_name (file));
      GtkWidget *label = gtk_label_new (title);
      GtkWidget *row = gtk_list_box_row_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
      gtk_widget_set_margin_start (label, 6);
      gtk_widget_set_margin_end (label, 6);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      g_object_set_data_full (G_OBJECT (row), "fd-payload", g_strdup (fd_recent_file_get_path (file)), g_free);
      /* Never a silent failure: a moved file says so instead of failing
       * when chosen. */
      gtk_widget_set_sensitive (row, !missing);
      gtk_widget_set_tooltip_text (row, missing ? _("This file was moved or deleted.")
                                                : fd_recent_file_get_path (file));
      gtk_list_box_append (self->recent_list, row);
    }
}

static void
on_recent_files_items_changed_cb (GListModel   *model,
                                  guint         position,
                                  guint         removed,
                                  guint         added,
                                  FdChatWindow *self)
{
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (self->recent_button));

  /* Not under the agent's eyes (a file dropped while the list is open):
   * rows are never replaced under a shown popover, see load_colleagues.
   * Opening it rebuilds it before anything in it has the focus. */
  if (popover != NULL && gtk_widget_get_visible (GTK_WIDGET (popover)))
    gtk_popover_popdown (popover);
  fill_recent_list (self);
}

void
fd_chat_window_refresh_recent_files (FdChatWindow *self)
{
  g_return_if_fail (FD_IS_CHAT_WINDOW (self));

  if (self->recent_files != NULL)
    fd_recent_files_refresh (self->recent_files);
  fill_recent_list (self);
}

static void
on_recent_popover_show_cb (FdChatWindow *self)
{
  fd_chat_window_refresh_recent_files (self);
}

typedef struct {
  FdChatWindow *self;   /* owned */
  GFile        *file;   /* owned */
} UploadData;

static void
upload_data_free (UploadData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->file);
  g_free (data);
}

static void
on_upload_file_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  UploadData *data = user_data;
  FdChatWindow *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdAttachment) attachment = fd_connection_upload_file_finish (FD_CONNECTION (source), result, &error);
  g_autofree char *path = NULL;
  FdSendMessage *body;
  FdMessage shown = { 0 };
  const FdAgent *agent;
  SendData *send;
  GtkLabel *mark;

  self->n_uploads--;
  if (attachment == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      upload_data_free (data);
      return;
    }
  if (!is_reserved (self))
    {
      show_status (self, _("The file was not sent: this conversation is no longer yours."));
      upload_data_free (data);
      return;
    }

  path = g_file_get_path (data->file);
  if (self->recent_files != NULL && path != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      if (!fd_recent_files_add (self->recent_files, path, &local_error))
        g_warning ("A recent attachment was not kept: %s", local_error->message);
    }

  body = fd_send_message_new ();
  body->conversation_id = self->id;
  body->client_id = g_uuid_string_random ();
  body->text = g_strdup ("");
  body->attachments = fd_attachment_list_new ();
  g_ptr_array_add (body->attachments, fd_attachment_copy (attachment));

  agent = fd_connection_get_agent (self->connection);
  shown.direction = FD_DIRECTION_OUT;
  shown.text = (char *) "";
  shown.author_name = agent != NULL ? agent->name : NULL;
  shown.created_at = g_get_real_time ();
  shown.attachments = body->attachments;
  self->stick_to_bottom = TRUE;
  mark = append_message (self, &shown, TRUE);
  g_hash_table_insert (self->pending, g_strdup (body->client_id), mark);
  show_status (self, "");
  update_state (self);

  send = g_new0 (SendData, 1);
  send->self = g_object_ref (self);
  send->client_id = g_strdup (body->client_id);
  fd_connection_request_async (self->connection, FD_FRAME_SEND_MESSAGE, body, self->cancellable,
                               on_send_message_cb, send);
  upload_data_free (data);
}

void
fd_chat_window_attach_file (FdChatWindow *self,
                            GFile        *file)
{
  UploadData *data;
  g_autofree char *basename = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (FD_IS_CHAT_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (!is_reserved (self))
    {
      show_status (self, _("Reserve the conversation to attach files."));
      return;
    }
  basename = g_file_get_basename (file);
  name = basename != NULL ? g_filename_display_name (basename) : g_strdup (_("the file"));
  text = g_strdup_printf (_("Uploading “%s”…"), name);
  show_status (self, text);

  data = g_new0 (UploadData, 1);
  data->self = g_object_ref (self);
  data->file = g_object_ref (file);
  self->n_uploads++;
  fd_connection_upload_file_async (self->connection, self->id, file, self->cancellable,
                                   on_upload_file_cb, data);
}

static void
on_chooser_response_cb (GtkNativeDialog *chooser,
                        int              response,
                        FdChatWindow    *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
  if (file != NULL)
    fd_chat_window_attach_file (self, file);
}

static void
on_attach_button_clicked_cb (FdChatWindow *self)
{
  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Add Attachment"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Attach"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* The guide's way: a right click on Add Attachment shows the recent ones. */
static void
on_attach_secondary_pressed_cb (GtkGestureClick *gesture,
                                int              n_press,
                                double           x,
                                double           y,
                                FdChatWindow    *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_menu_button_popup (GTK_MENU_BUTTON (self->recent_button));
}

static void
on_recent_list_row_activated_cb (FdChatWindow  *self,
                                 GtkListBoxRow *row)
{
  const char *path = g_object_get_data (G_OBJECT (row), "fd-payload");
  g_autoptr(GFile) file = NULL;

  if (path == NULL || !gtk_widget_get_sensitive (GTK_WIDGET (row)))
    return;
  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->recent_button));
  file = g_file_new_for_path (path);
  fd_chat_window_attach_file (self, file);
}

static gboolean
on_drop_target_drop_cb (GtkDropTarget *target,
                        const GValue  *value,
                        double         x,
                        double         y,
                        FdChatWindow  *self)
{
  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      fd_chat_window_attach_file (self, g_value_get_object (value));
      return TRUE;
    }
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));

      for (GSList *l = files; l != NULL; l = l->next)
        fd_chat_window_attach_file (self, l->data);
      g_slist_free (files);
      return files != NULL;
    }
  return FALSE;
}

/* --- transfer ------------------------------------------------------------------- */

static const char *
colleague_state_text (const FdColleague *colleague)
{
  if (!colleague->online)
    return _("Offline");
  switch (colleague->acd_state)
    {
    case FD_ACD_AVAILABLE:
      return _("Available");
    case FD_ACD_WRAP_UP:
      return _("Wrap-up");
    case FD_ACD_UNAVAILABLE:
    default:
      return _("Unavailable");
    }
}

static void
on_list_colleagues_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(FdChatWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) ack = fd_connection_request_finish (FD_CONNECTION (source), result, &error);
  const FdColleagues *colleagues;

  if (ack == NULL)
    {
      show_error (self, error);
      return;
    }
  colleagues = ack->body;
  /* Rows are only replaced while the popover is hidden: GTK 4.8 kept a
   * stale focus pointer when a focused row went away under a shown one,
   * and crashed. */
  gtk_popover_popdown (self->transfer_popover);
  clear_list (self->transfer_list);
  for (guint i = 0; colleagues->items != NULL && i < colleagues->items->len; i++)
    {
      const FdColleague *colleague = g_ptr_array_index (colleagues->items, i);
      GtkWidget *row = new_list_row (colleague->name, colleague_state_text (colleague), colleague->name);

      g_object_set_data_full (G_OBJECT (row), "fd-agent-id", g_memdup2 (&colleague->agent_id, sizeof (gint64)),
                              g_free);
      /* Someone whose app is closed cannot answer: shown, not offered. */
      gtk_widget_set_sensitive (row, colleague->online);
      if (!colleague->online)
        gtk_widget_set_tooltip_text (row, _("This colleague is not signed in."));
      gtk_list_box_append (self->transfer_list, row);
    }
  if (is_reserved (self) && self->conversation->transfer_to == 0)
    gtk_popover_popup (self->transfer_popover);
}

/* Asks who the colleagues are; the popover opens with the answer. */
static void
load_colleagues (FdChatWindow *self)
{
  FdConversationRef *ref;

  g_cancellable_cancel (self->transfer_cancellable);
  g_clear_object (&self->transfer_cancellable);
  self->transfer_cancellable = g_cancellable_new ();
  ref = fd_conversation_ref_new ();
  ref->conversation_id = self->id;
  fd_connection_request_async (self->connection, FD_FRAME_LIST_COLLEAGUES, ref, self->transfer_cancellable,
                               on_list_colleagues_cb, g_object_ref (self));
}

static void
on_transfer_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FdChatWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) ack = fd_connection_request_finish (FD_CONNECTION (source), result, &error);

  if (ack == NULL)
    {
      self->transfer_agent_id = 0;
      show_error (self, error);
      return;
    }
  /* The conversation event with transfer_to says the rest. */
  update_state (self);
}

static void
on_transfer_list_row_activated_cb (FdChatWindow  *self,
                                   GtkListBoxRow *row)
{
  const gint64 *agent_id = g_object_get_data (G_OBJECT (row), "fd-agent-id");
  const char *name = g_object_get_data (G_OBJECT (row), "fd-payload");
  FdTransfer *transfer;
  g_autofree char *text = NULL;

  if (agent_id == NULL || !is_reserved (self))
    return;
  gtk_popover_popdown (self->transfer_popover);
  self->transfer_agent_id = *agent_id;
  g_free (self->transfer_name);
  self->transfer_name = g_strdup (name);
  self->transfer_returned = FALSE;
  stop_typing (self);
  transfer = fd_transfer_new ();
  transfer->conversation_id = self->id;
  transfer->agent_id = *agent_id;
  fd_connection_request_async (self->connection, FD_FRAME_TRANSFER, transfer, self->cancellable,
                               on_transfer_cb, g_object_ref (self));
  text = g_strdup_printf (_("Offering the conversation to %s…"), name);
  show_status (self, text);
}

/* --- events ---------------------------------------------------------------------- */

static void
on_connection_event_cb (FdConnection *connection,
                        FdFrame      *frame,
                        FdChatWindow *self)
{
  switch (frame->type)
    {
    case FD_FRAME_MESSAGE:
      {
        const FdMessage *message = frame->body;

        /* Before the transcript is loaded, get-conversation brings these. */
        if (message->conversation_id == self->id && self->loaded)
          show_message (self, message);
      }
      break;
    case FD_FRAME_CONVERSATION:
      {
        const FdConversation *conversation = frame->body;

        if (conversation->id == self->id)
          set_conversation (self, conversation);
      }
      break;
    case FD_FRAME_TYPING_EVENT:
      {
        const FdTyping *typing = frame->body;

        if (typing->conversation_id == self->id && !is_closed (self))
          {
            const char *name = self->conversation != NULL && self->conversation->contact != NULL
                             ? self->conversation->contact->name : NULL;
            g_autofree char *text = g_strdup_printf (_("%s is typing…"), name != NULL ? name : _("The visitor"));

            gtk_label_set_text (self->typing_label, text);
            gtk_widget_set_visible (GTK_WIDGET (self->typing_label), typing->typing);
          }
      }
      break;
    case FD_FRAME_SNAPSHOT:
      {
        const FdSnapshot *snapshot = frame->body;

        for (guint i = 0; snapshot->conversations != NULL && i < snapshot->conversations->len; i++)
          {
            const FdConversationDetail *detail = g_ptr_array_index (snapshot->conversations, i);

            if (detail->conversation == NULL || detail->conversation->id != self->id)
              continue;
            set_conversation (self, detail->conversation);
            for (guint j = 0; self->loaded && detail->messages != NULL && j < detail->messages->len; j++)
              show_message (self, g_ptr_array_index (detail->messages, j));
          }
      }
      break;
    default:
      break;
    }
}

/* --- actions --------------------------------------------------------------------- */

static void
chat_reserve_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FdChatWindow *self = FD_CHAT_WINDOW (widget);

  fd_connection_reserve_async (self->connection, self->id, self->cancellable, on_reserve_cb, g_object_ref (self));
}

static void
chat_reject_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FdChatWindow *self = FD_CHAT_WINDOW (widget);

  fd_connection_reject_async (self->connection, self->id, self->cancellable, on_reject_cb, g_object_ref (self));
}

static void
chat_close_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FdChatWindow *self = FD_CHAT_WINDOW (widget);

  stop_typing (self);
  fd_connection_close_conversation_async (self->connection, self->id, self->cancellable, on_close_cb,
                                          g_object_ref (self));
}

static void
chat_transfer_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  load_colleagues (FD_CHAT_WINDOW (widget));
}

static void
chat_send_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  send_compose (FD_CHAT_WINDOW (widget));
}

static void
on_visible_changed_cb (FdChatWindow *self)
{
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  /* Hidden with the conversation over: nothing will show it again. */
  if (!gtk_widget_get_visible (GTK_WIDGET (self)) && is_closed (self))
    gtk_window_destroy (GTK_WINDOW (self));
  else if (gtk_widget_get_visible (GTK_WIDGET (self)) && self->loaded)
    mark_read (self);
}

/* --- object ---------------------------------------------------------------------- */

static void
fd_chat_window_dispose (GObject *object)
{
  FdChatWindow *self = FD_CHAT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->canned_cancellable);
  g_cancellable_cancel (self->resource_cancellable);
  g_cancellable_cancel (self->transfer_cancellable);
  g_clear_handle_id (&self->tick_source, g_source_remove);
  g_clear_handle_id (&self->typing_idle_source, g_source_remove);
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->recent_files != NULL)
    g_signal_handlers_disconnect_by_data (self->recent_files, self);
  if (self->transfer_popover != NULL)
    gtk_widget_unparent (GTK_WIDGET (g_steal_pointer (&self->transfer_popover)));
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_CHAT_WINDOW);
  G_OBJECT_CLASS (fd_chat_window_parent_class)->dispose (object);
}

static void
fd_chat_window_finalize (GObject *object)
{
  FdChatWindow *self = FD_CHAT_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->canned_cancellable);
  g_clear_object (&self->resource_cancellable);
  g_clear_object (&self->transfer_cancellable);
  g_clear_pointer (&self->transfer_name, g_free);
  g_clear_object (&self->connection);
  g_clear_object (&self->drafts);
  g_clear_object (&self->reply_cache);
  g_clear_object (&self->recent_files);
  g_clear_pointer (&self->conversation, fd_conversation_free);
  g_clear_pointer (&self->seen_ids, g_hash_table_unref);
  g_clear_pointer (&self->last_day, g_date_time_unref);
  g_clear_pointer (&self->emoji_buttons, g_ptr_array_unref);
  G_OBJECT_CLASS (fd_chat_window_parent_class)->finalize (object);
}

static void
fd_chat_window_class_init (FdChatWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_chat_window_dispose;
  object_class->finalize = fd_chat_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/frontdeskcc/Frontdesk/ui/fd-chat-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, reserve_button);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, reject_button);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, close_button);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, transfer_button);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, transfer_list);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, name_label);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, email_button);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, phone_button);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, department_label);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, browser_label);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, ip_label);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, page_label);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, transcript_scroller);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, transcript_box);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, typing_label);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, compose_view);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, canned_list);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, history_list);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, resource_list);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, canned_search);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, resource_search);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, emoji_box);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, reply_cache_list);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, compose_menu);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, attach_button);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, recent_button);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, recent_list);
  gtk_widget_class_bind_template_callback (widget_class, on_attach_button_clicked_cb);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, transfer_popover);
  gtk_widget_class_bind_template_callback (widget_class, on_transfer_list_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_recent_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_recent_list_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_email_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_phone_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_compose_key_pressed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_canned_search_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_resource_search_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_canned_list_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_history_list_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_resource_list_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reply_cache_list_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "chat.reserve", NULL, chat_reserve_cb);
  gtk_widget_class_install_action (widget_class, "chat.reject", NULL, chat_reject_cb);
  gtk_widget_class_install_action (widget_class, "chat.close", NULL, chat_close_cb);
  gtk_widget_class_install_action (widget_class, "chat.send", NULL, chat_send_cb);
  gtk_widget_class_install_action (widget_class, "chat.transfer", NULL, chat_transfer_cb);
  gtk_widget_class_install_action (widget_class, "chat.add-reply-to-cache", NULL, chat_add_reply_to_cache_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "chat.reserve", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "chat.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "chat.transfer", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "chat.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
fd_chat_window_init (FdChatWindow *self)
{
  GtkAdjustment *adjustment;
  GtkDropTarget *drop;
  GtkGesture *gesture;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_parent (GTK_WIDGET (self->transfer_popover), self->transfer_button);
  self->cancellable = g_cancellable_new ();
  self->canned_cancellable = g_cancellable_new ();
  self->resource_cancellable = g_cancellable_new ();
  self->seen_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->emoji_buttons = g_ptr_array_new ();
  self->stick_to_bottom = TRUE;
  fill_emoji (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.add-reply-to-cache", FALSE);

  adjustment = gtk_scrolled_window_get_vadjustment (self->transcript_scroller);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (on_transcript_adjustment_changed_cb), self, 0);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (on_transcript_adjustment_value_changed_cb), self, 0);
  g_signal_connect_object (gtk_text_view_get_buffer (self->compose_view), "changed",
                           G_CALLBACK (on_compose_buffer_changed_cb), self, 0);
  g_signal_connect (self, "notify::visible", G_CALLBACK (on_visible_changed_cb), NULL);

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_attach_secondary_pressed_cb), self);
  gtk_widget_add_controller (self->attach_button, GTK_EVENT_CONTROLLER (gesture));

  /* A file (or several) dropped anywhere on the window is attached. */
  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, (GType[2]) { GDK_TYPE_FILE_LIST, G_TYPE_FILE }, 2);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop_target_drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

FdChatWindow *
fd_chat_window_new (GtkWindow    *parent,
                    FdConnection *connection,
                    gint64        conversation_id)
{
  FdChatWindow *self;
  FdConversationItem *item;
  FdConversationRef *ref;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FD_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (conversation_id > 0, NULL);

  self = g_object_new (FD_TYPE_CHAT_WINDOW, NULL);
  self->connection = g_object_ref (connection);
  self->id = conversation_id;
  if (parent != NULL && gtk_window_get_application (parent) != NULL)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));

  /* What the Activity List knows shows at once; get-conversation brings
   * the transcript and the rest. */
  item = fd_activity_model_lookup (fd_connection_get_activity_model (connection), conversation_id);
  if (item != NULL)
    set_conversation (self, fd_conversation_item_get_conversation (item));
  else
    update_state (self);
  g_signal_connect_object (connection, "event", G_CALLBACK (on_connection_event_cb), self, 0);
  self->tick_source = g_timeout_add_seconds (1, on_tick_cb, self);

  ref = fd_conversation_ref_new ();
  ref->conversation_id = conversation_id;
  fd_connection_request_async (connection, FD_FRAME_GET_CONVERSATION, ref, self->cancellable,
                               on_get_conversation_cb, g_object_ref (self));
  on_canned_search_search_changed_cb (self);
  on_resource_search_search_changed_cb (self);
  return self;
}

gint64
fd_chat_window_get_id (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), 0);
  return self->id;
}

void
fd_chat_window_set_stores (FdChatWindow  *self,
                           FdDrafts      *drafts,
                           FdReplyCache  *reply_cache,
                           FdRecentFiles *recent_files)
{
  GtkTextBuffer *buffer;

  g_return_if_fail (FD_IS_CHAT_WINDOW (self));
  g_return_if_fail (drafts == NULL || FD_IS_DRAFTS (drafts));
  g_return_if_fail (reply_cache == NULL || FD_IS_REPLY_CACHE (reply_cache));
  g_return_if_fail (recent_files == NULL || FD_IS_RECENT_FILES (recent_files));

  g_set_object (&self->drafts, drafts);
  if (self->recent_files != recent_files)
    {
      if (self->recent_files != NULL)
        g_signal_handlers_disconnect_by_data (self->recent_files, self);
      g_set_object (&self->recent_files, recent_files);
      if (recent_files != NULL)
        g_signal_connect (recent_files, "items-changed", G_CALLBACK (on_recent_files_items_changed_cb), self);
      fill_recent_list (self);
    }
  if (g_set_object (&self->reply_cache, reply_cache))
    gtk_list_box_bind_model (self->reply_cache_list, G_LIST_MODEL (reply_cache),
                             reply_cache != NULL ? create_cached_reply_row_cb : NULL, NULL, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.add-reply-to-cache", reply_cache != NULL);

  /* Restoring the draft is not typing: no notice goes to the visitor. */
  buffer = gtk_text_view_get_buffer (self->compose_view);
  if (drafts != NULL && gtk_text_buffer_get_char_count (buffer) == 0)
    {
      const char *draft = fd_drafts_get (drafts, self->id);

      if (draft != NULL)
        {
          GtkTextIter end;

          self->clearing_compose = TRUE;
          gtk_text_buffer_set_text (buffer, draft, -1);
          self->clearing_compose = FALSE;
          gtk_text_buffer_get_end_iter (buffer, &end);
          gtk_text_buffer_place_cursor (buffer, &end);
        }
    }
}

gboolean
fd_chat_window_get_loaded (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), FALSE);
  return self->loaded;
}

gboolean
fd_chat_window_get_reserved (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), FALSE);
  return is_reserved (self);
}

gboolean
fd_chat_window_get_closed (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), FALSE);
  return is_closed (self);
}

guint
fd_chat_window_get_n_messages (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), 0);
  return self->n_messages;
}

guint
fd_chat_window_get_n_pending (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), 0);
  return self->pending != NULL ? g_hash_table_size (self->pending) : 0;
}

char *
fd_chat_window_dup_transcript (FdChatWindow *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  for (GtkWidget *child = gtk_widget_get_first_child (self->transcript_box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GObject *label = g_object_get_data (G_OBJECT (child), "fd-message-text");

      if (label != NULL)
        g_string_append_printf (text, "%s\n", (const char *) g_object_get_data (label, "fd-plain-text"));
    }
  return g_string_free (text, FALSE);
}

const char *
fd_chat_window_get_typing_text (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->typing_label)) ? gtk_label_get_text (self->typing_label) : "";
}

GtkTextView *
fd_chat_window_get_compose_view (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return self->compose_view;
}

GtkListBox *
fd_chat_window_get_history_list (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return self->history_list;
}

GtkWidget *
fd_chat_window_get_recent_button (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return self->recent_button;
}

GtkWidget *
fd_chat_window_get_transfer_button (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return self->transfer_button;
}

GtkListBox *
fd_chat_window_get_transfer_list (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return self->transfer_list;
}

GtkListBox *
fd_chat_window_get_canned_list (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return self->canned_list;
}

GtkListBox *
fd_chat_window_get_resource_list (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return self->resource_list;
}

GtkListBox *
fd_chat_window_get_reply_cache_list (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return self->reply_cache_list;
}

GtkListBox *
fd_chat_window_get_recent_list (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return self->recent_list;
}

const char *
fd_chat_window_get_status (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), "");
  if (!gtk_widget_get_visible (GTK_WIDGET (self->status_label)))
    return "";
  return gtk_label_get_text (self->status_label);
}

GtkEditable *
fd_chat_window_get_canned_search (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return GTK_EDITABLE (self->canned_search);
}

GtkEditable *
fd_chat_window_get_resource_search (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return GTK_EDITABLE (self->resource_search);
}

GtkWidget *
fd_chat_window_get_emoji_button (FdChatWindow *self,
                                 guint         index)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return index < self->emoji_buttons->len ? g_ptr_array_index (self->emoji_buttons, index) : NULL;
}

const char *
fd_chat_window_get_detail (FdChatWindow *self,
                           const char   *name)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (g_str_equal (name, "name"))
    return gtk_label_get_text (self->name_label);
  if (g_str_equal (name, "email"))
    return gtk_button_get_label (self->email_button);
  if (g_str_equal (name, "phone"))
    return gtk_button_get_label (self->phone_button);
  if (g_str_equal (name, "department"))
    return gtk_label_get_text (self->department_label);
  if (g_str_equal (name, "browser"))
    return gtk_label_get_text (self->browser_label);
  if (g_str_equal (name, "ip"))
    return gtk_label_get_text (self->ip_label);
  if (g_str_equal (name, "page"))
    return gtk_label_get_text (self->page_label);
  return NULL;
}
