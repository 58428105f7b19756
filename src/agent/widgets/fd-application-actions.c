#define G_LOG_DOMAIN "fd-application"

/* The app actions and their shortcuts (docs/app.md, "The window"):
 * reserve and reject (from a notification or a toast), opening a
 * conversation in its window, Ctrl+Tab / Ctrl+Shift+Tab through the
 * Activity List, the main window, preferences, shortcuts, about, sign-out
 * and quit; and the agent's local stores the Web Chat and Email windows
 * share. */

#include "fd-config.h"

#include <glib/gi18n.h>

#include "fd-application-private.h"
#include "fd-chat-window.h"
#include "fd-conversation-window.h"
#include "fd-email-window.h"
#include "fd-twitter-window.h"
#include "fd-preferences-window.h"

/* --- actions ------------------------------------------------------------------- */

/* A failed reserve or reject from a notification or toast: the toast
 * says why. */
static void
show_request_error (FdApplication *self,
                    GError        *error)
{
  FdWindow *window = _fd_application_main_window (self);

  if (window != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("The request failed: %s"), error->message);
      fd_window_add_toast (window, text);
    }
}

static void
on_reserve_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FdApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConversation) conversation = fd_connection_reserve_finish (FD_CONNECTION (source), result, &error);

  if (conversation == NULL)
    show_request_error (self, error);
}

static void
on_reject_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FdApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fd_connection_reject_finish (FD_CONNECTION (source), result, &error))
    show_request_error (self, error);
}

static void
app_reserve_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  FdApplication *self = user_data;
  gint64 id = g_variant_get_int64 (parameter);

  if (self->connection == NULL || id <= 0)
    return;
  fd_connection_reserve_async (self->connection, id, self->cancellable, on_reserve_cb, g_object_ref (self));
}

static void
app_reject_cb (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  FdApplication *self = user_data;
  gint64 id = g_variant_get_int64 (parameter);

  if (self->connection == NULL || id <= 0)
    return;
  fd_connection_reject_async (self->connection, id, self->cancellable, on_reject_cb, g_object_ref (self));
}

void
_fd_application_clear_stores (FdApplication *self)
{
  g_clear_object (&self->drafts);
  g_clear_object (&self->reply_cache);
  g_clear_object (&self->recent_files);
  g_clear_pointer (&self->stores_key, g_free);
}

/* The caches belong to one agent on one server (docs/app.md, "Local
 * caches"): another sign-in gets its own. */
static void
ensure_stores (FdApplication *self)
{
  const FdAgent *agent = fd_connection_get_agent (self->connection);
  const char *url = fd_connection_get_server_url (self->connection);
  g_autofree char *key = NULL;

  if (agent == NULL || agent->email == NULL || url == NULL)
    {
      _fd_application_clear_stores (self);
      return;
    }
  key = g_strconcat (url, "\n", agent->email, NULL);
  if (g_strcmp0 (key, self->stores_key) == 0)
    return;
  _fd_application_clear_stores (self);
  self->drafts = fd_drafts_new (NULL, url, agent->email);
  self->reply_cache = fd_reply_cache_new (NULL, url, agent->email);
  self->recent_files = fd_recent_files_new (NULL, url, agent->email);
  self->stores_key = g_steal_pointer (&key);
}

/* A Web Chat has its own window, one per conversation: a hidden one (its
 * X only hides it) is shown again. */
static void
open_chat_window (FdApplication *self,
                  FdWindow      *window,
                  gint64         id)
{
  FdChatWindow *chat;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (FD_IS_CHAT_WINDOW (l->data) && fd_chat_window_get_id (l->data) == id)
      {
        gtk_window_present (l->data);
        return;
      }
  chat = fd_chat_window_new (GTK_WINDOW (window), self->connection, id);
  ensure_stores (self);
  fd_chat_window_set_stores (chat, self->drafts, self->reply_cache, self->recent_files);
  gtk_window_present (GTK_WINDOW (chat));
}

/* An email has its Email window, one per conversation, the same way. */
static void
open_email_window (FdApplication *self,
                   FdWindow      *window,
                   gint64         id)
{
  FdEmailWindow *email;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (FD_IS_EMAIL_WINDOW (l->data) && fd_email_window_get_id (l->data) == id)
      {
        gtk_window_present (l->data);
        return;
      }
  email = fd_email_window_new (GTK_WINDOW (window), self->connection, id);
  ensure_stores (self);
  fd_email_window_set_stores (email, self->drafts, self->reply_cache, self->recent_files);
  gtk_window_present (GTK_WINDOW (email));
}

/* A tweet has its Twitter window, one per conversation, the same way. */
static void
open_twitter_window (FdApplication *self,
                     FdWindow      *window,
                     gint64         id)
{
  FdTwitterWindow *twitter;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (FD_IS_TWITTER_WINDOW (l->data) && fd_twitter_window_get_id (l->data) == id)
      {
        gtk_window_present (l->data);
        return;
      }
  twitter = fd_twitter_window_new (GTK_WINDOW (window), self->connection, id);
  ensure_stores (self);
  fd_twitter_window_set_stores (twitter, self->drafts, self->reply_cache, self->recent_files);
  gtk_window_present (GTK_WINDOW (twitter));
}

void
fd_application_open_conversation (FdApplication *self,
                                  gint64         id)
{
  FdWindow *window;
  FdConversationItem *item;
  FdStreamKind kind = FD_STREAM_CALLBACK;

  g_return_if_fail (FD_IS_APPLICATION (self));

  window = _fd_application_ensure_window (self);
  gtk_window_present (GTK_WINDOW (window));
  if (self->connection == NULL || id <= 0)
    return;
  self->current_conversation = id;
  item = fd_activity_model_lookup (fd_session_get_activity_model (fd_connection_get_session (self->connection)), id);
  if (item != NULL)
    kind = fd_conversation_item_get_conversation (item)->kind;
  /* One window per kind; a kind without its own (or a conversation not in
   * the Activity List, from History) gets the read-only transcript. */
  switch (kind)
    {
    case FD_STREAM_WEBCHAT:
      if (item != NULL)
        {
          open_chat_window (self, window, id);
          return;
        }
      break;
    case FD_STREAM_EMAIL:
      if (item != NULL)
        {
          open_email_window (self, window, id);
          return;
        }
      break;
    case FD_STREAM_TWITTER:
      if (item != NULL)
        {
          open_twitter_window (self, window, id);
          return;
        }
      break;
    case FD_STREAM_CALLBACK:
    default:
      break;
    }
  gtk_window_present (GTK_WINDOW (fd_conversation_window_new (GTK_WINDOW (window), self->connection, id)));
}

static void
app_open_conversation_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  fd_application_open_conversation (user_data, g_variant_get_int64 (parameter));
}

/* The conversation the agent is looking at: the focused conversation
 * window's, else the one opened last. */
static gint64
current_conversation (FdApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (FD_IS_CHAT_WINDOW (active))
    return fd_chat_window_get_id (FD_CHAT_WINDOW (active));
  if (FD_IS_EMAIL_WINDOW (active))
    return fd_email_window_get_id (FD_EMAIL_WINDOW (active));
  if (FD_IS_TWITTER_WINDOW (active))
    return fd_twitter_window_get_id (FD_TWITTER_WINDOW (active));
  if (FD_IS_CONVERSATION_WINDOW (active))
    return fd_conversation_window_get_id (FD_CONVERSATION_WINDOW (active));
  return self->current_conversation;
}

FdDrafts *
fd_application_get_drafts (FdApplication *self)
{
  g_return_val_if_fail (FD_IS_APPLICATION (self), NULL);
  return self->drafts;
}

gint64
fd_application_step_conversation (FdApplication *self,
                                  gint64         from,
                                  int            direction)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GListModel *model;
  gint64 id;
  int index = -1;

  g_return_val_if_fail (FD_IS_APPLICATION (self), 0);
  g_return_val_if_fail (direction == 1 || direction == -1, 0);

  if (self->connection == NULL)
    return 0;
  model = G_LIST_MODEL (fd_session_get_activity_model (fd_connection_get_session (self->connection)));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FdConversationItem) item = g_list_model_get_item (model, i);

      /* Opening a callback dials it: never by cycling through the list. */
      if (fd_conversation_item_get_conversation (item)->kind == FD_STREAM_CALLBACK)
        continue;
      id = fd_conversation_item_get_id (item);
      if (id == from)
        index = (int) ids->len;
      g_array_append_val (ids, id);
    }
  if (ids->len == 0)
    return 0;
  if (index < 0)
    return g_array_index (ids, gint64, direction > 0 ? 0 : ids->len - 1);
  return g_array_index (ids, gint64, ((guint) index + ids->len + (guint) direction) % ids->len);
}

static void
app_step_conversation_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  FdApplication *self = user_data;
  int direction = g_str_equal (g_action_get_name (G_ACTION (action)), "next-conversation") ? 1 : -1;
  gint64 id = fd_application_step_conversation (self, current_conversation (self), direction);

  if (id > 0)
    g_action_group_activate_action (G_ACTION_GROUP (self), "open-conversation", g_variant_new_int64 (id));
}

static void
app_show_window_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (_fd_application_ensure_window (user_data)));
}

static void
app_preferences_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  FdApplication *self = user_data;
  FdWindow *window = _fd_application_ensure_window (self);

  if (self->settings == NULL)
    {
      fd_window_add_toast (window, _("Preferences need the app’s settings schema, which is not installed."));
      return;
    }
  {
    GtkWidget *preferences = fd_preferences_window_new (GTK_WINDOW (window), self->settings);

    fd_preferences_window_set_connection (FD_PREFERENCES_WINDOW (preferences), self->connection);
    gtk_window_present (GTK_WINDOW (preferences));
  }
}

static void
app_shortcuts_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  FdWindow *window = _fd_application_ensure_window (user_data);

  /* GtkApplication adds win.show-help-overlay when gtk/help-overlay.ui
   * is in the resources. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static void
app_about_cb (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  FdWindow *window = _fd_application_ensure_window (user_data);
  const char *developers[] = { "The Frontdesk contributors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", window,
                        "application-icon", FD_APP_ID,
                        "application-name", _("Frontdesk"),
                        "developer-name", _("The Frontdesk contributors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Answer web chats, callbacks, emails and tweets from one list."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
app_sign_out_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  FdApplication *self = user_data;
  FdWindow *window = _fd_application_main_window (self);

  if (self->connection == NULL || !fd_application_check_can_leave (self, GTK_WINDOW (window)))
    return;
  _fd_application_sign_out (self);
}

static void
app_quit_cb (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  FdApplication *self = user_data;

  if (!fd_application_check_can_leave (self, GTK_WINDOW (_fd_application_main_window (self))))
    return;
  if (self->connection != NULL)
    fd_connection_stop (self->connection);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; )
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_destroy (window);
    }
  g_application_quit (G_APPLICATION (self));
}

void
_fd_application_add_actions (FdApplication *self)
{
  static const GActionEntry entries[] = {
    { .name = "reserve", .activate = app_reserve_cb, .parameter_type = "x" },
    { .name = "reject", .activate = app_reject_cb, .parameter_type = "x" },
    { .name = "open-conversation", .activate = app_open_conversation_cb, .parameter_type = "x" },
    { .name = "next-conversation", .activate = app_step_conversation_cb },
    { .name = "previous-conversation", .activate = app_step_conversation_cb },
    { .name = "show-window", .activate = app_show_window_cb },
    { .name = "preferences", .activate = app_preferences_cb },
    { .name = "shortcuts", .activate = app_shortcuts_cb },
    { .name = "about", .activate = app_about_cb },
    { .name = "sign-out", .activate = app_sign_out_cb },
    { .name = "quit", .activate = app_quit_cb },
  };
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.shortcuts", { "<Control>question", NULL } },
    /* Application accelerators run in the capture phase: Ctrl+Tab reaches
     * them even from the compose box. */
    { "app.next-conversation", { "<Control>Tab", "<Control>Page_Down", NULL } },
    { "app.previous-conversation", { "<Control><Shift>Tab", "<Control>Page_Up", NULL } },
    { "window.close", { "<Control><Shift>w", NULL } },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);
}
