#define G_LOG_DOMAIN "fd-tweet-composer"

#include <glib/gi18n.h>

#include "fd-recent-attachments.h"
#include "fd-tweet-composer.h"
#include "fd-x-text.h"

struct _FdTweetComposer
{
  FdConversationPart    parent_instance;

  /* Template children. */
  GtkWidget            *public_toggle;
  GtkWidget            *direct_toggle;
  GtkTextView          *view;
  GtkWidget            *attach_button;
  GtkWidget            *recent_button;
  GtkListBox           *recent_list;
  GtkLabel             *counter_label;
  GtkWidget            *send_button;

  FdRecentAttachments   attachments;
  char                 *description;   /* the counter's, for screen readers */
  gboolean              syncing;       /* toggles set from the model */
  gboolean              setting_text;  /* a change that is not the agent typing */
};

G_DEFINE_FINAL_TYPE (FdTweetComposer, fd_tweet_composer, FD_TYPE_CONVERSATION_PART)

static FdConversationModel *
model_of (FdTweetComposer *self)
{
  return fd_conversation_part_get_model (FD_CONVERSATION_PART (self));
}

/* The count as X will see it (public) or in characters (DM), its limit,
 * and whether the text may be sent. */
static gboolean
measure (FdTweetComposer *self,
         const char      *text,
         gint            *count,
         gint            *limit,
         gboolean        *direct)
{
  FdConversationModel *model = model_of (self);
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  *direct = model != NULL && fd_conversation_model_get_reply_direct (model);
  if (*direct)
    {
      *count = (gint) g_utf8_strlen (text, -1);
      *limit = FD_TWEET_DM_MAX_CHARS;
    }
  else
    {
      *count = fd_x_weighted_length (text);
      *limit = FD_X_MAX_WEIGHTED_LENGTH;
    }
  return model != NULL && fd_conversation_model_get_reserved (model) && *stripped != '\0' &&
         *count >= 0 && *count <= *limit;
}

static void
update (FdTweetComposer *self)
{
  g_autofree char *text = fd_compose_text_dup (self->view);
  g_autofree char *shown = NULL;
  gint count, limit;
  gboolean direct;
  gboolean ok = measure (self, text, &count, &limit, &direct);
  gboolean over = count > limit || count < 0;
  FdConversationModel *model = model_of (self);

  shown = g_strdup_printf ("%d / %d", MAX (count, 0), limit);
  gtk_label_set_text (self->counter_label, shown);
  g_free (self->description);
  if (*text == '\0')
    self->description = g_strdup ("");
  else if (direct)
    self->description = g_strdup_printf (_("%d of %d characters"), count, limit);
  else
    self->description = g_strdup_printf (_("X counts %d of %d characters"), count, limit);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->counter_label),
                               direct ? _("Characters of the direct message, of at most 10,000")
                                      : _("Characters as X counts them (links 23, most emoji 2), of at most 280"));
  if (over)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->counter_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->counter_label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->counter_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->counter_label), "dim-label");
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->counter_label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->description, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->description, -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->view), GTK_ACCESSIBLE_STATE_INVALID,
                               over ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE, -1);
  gtk_widget_set_sensitive (self->send_button, ok);

  /* The toggles follow the model; public needs a post to answer. */
  self->syncing = TRUE;
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (direct ? self->direct_toggle : self->public_toggle), TRUE);
  self->syncing = FALSE;
  gtk_widget_set_sensitive (self->public_toggle, model != NULL && fd_conversation_model_get_has_customer_post (model));
  gtk_widget_set_sensitive (GTK_WIDGET (self->view), model != NULL && fd_conversation_model_get_reserved (model));
  gtk_widget_set_sensitive (self->attach_button, model != NULL && fd_conversation_model_get_reserved (model));
  gtk_widget_set_sensitive (self->recent_button, model != NULL && fd_conversation_model_get_reserved (model));
}

static void
on_toggle_toggled_cb (FdTweetComposer *self,
                      GtkToggleButton *toggle)
{
  FdConversationModel *model = model_of (self);

  if (self->syncing || model == NULL || !gtk_toggle_button_get_active (toggle))
    return;
  fd_conversation_model_set_reply_direct (model, GTK_WIDGET (toggle) == self->direct_toggle);
  update (self);
}

static void
on_buffer_changed_cb (GtkTextBuffer   *buffer,
                      FdTweetComposer *self)
{
  if (!self->setting_text)
    fd_conversation_part_keep_compose_text (FD_CONVERSATION_PART (self), self->view);
  update (self);
}

static void
set_text (FdTweetComposer *self,
          const char      *text)
{
  fd_compose_text_set (self->view, text, &self->setting_text);
}

gboolean
fd_tweet_composer_send (FdTweetComposer *self)
{
  FdConversationModel *model;
  g_autofree char *text = NULL;
  gint count, limit;
  gboolean direct;

  g_return_val_if_fail (FD_IS_TWEET_COMPOSER (self), FALSE);

  model = model_of (self);
  text = fd_compose_text_dup (self->view);
  if (!measure (self, text, &count, &limit, &direct) || !fd_conversation_model_send_tweet (model, text, direct))
    return FALSE;
  set_text (self, "");
  fd_conversation_model_clear_draft (model);
  return TRUE;
}

static void
on_send_clicked_cb (FdTweetComposer *self)
{
  fd_tweet_composer_send (self);
}

/* Ctrl+Enter sends (Enter alone is a new line: a post is composed). */
static void
on_ctrl_enter_cb (FdTweetComposer *self)
{
  fd_tweet_composer_send (self);
}

/* --- attachments --------------------------------------------------------------- */

static gboolean
attachments_ready (GtkWidget *widget)
{
  return model_of (FD_TWEET_COMPOSER (widget)) != NULL;
}

static void
attachments_attach (GtkWidget *widget,
                    GFile     *file)
{
  FdConversationModel *model = model_of (FD_TWEET_COMPOSER (widget));

  if (model != NULL)
    fd_conversation_model_attach_file (model, file);
}

void
fd_tweet_composer_refresh_recent_files (FdTweetComposer *self)
{
  g_return_if_fail (FD_IS_TWEET_COMPOSER (self));
  fd_recent_attachments_refresh (&self->attachments);
}

static void
on_recent_popover_show_cb (FdTweetComposer *self)
{
  fd_tweet_composer_refresh_recent_files (self);
}

static void
on_recent_list_row_activated_cb (FdTweetComposer *self,
                                 GtkListBoxRow   *row)
{
  fd_recent_attachments_row_activated (&self->attachments, row);
}

static void
on_attach_button_clicked_cb (FdTweetComposer *self)
{
  fd_recent_attachments_choose (&self->attachments);
}

/* --- object -------------------------------------------------------------------- */

static void
fd_tweet_composer_reload (FdConversationPart *part)
{
  FdTweetComposer *self = FD_TWEET_COMPOSER (part);

  fd_conversation_part_connect (part, "changed", G_CALLBACK (update));
  fd_conversation_part_connect (part, "notify::reply-direct", G_CALLBACK (update));
  fd_conversation_part_connect (part, "notify::has-customer-post", G_CALLBACK (update));
  update (self);
}

static void
fd_tweet_composer_dispose (GObject *object)
{
  FdTweetComposer *self = FD_TWEET_COMPOSER (object);

  fd_recent_attachments_dispose (&self->attachments);
  G_OBJECT_CLASS (fd_tweet_composer_parent_class)->dispose (object);
}

static void
fd_tweet_composer_finalize (GObject *object)
{
  g_free (FD_TWEET_COMPOSER (object)->description);
  G_OBJECT_CLASS (fd_tweet_composer_parent_class)->finalize (object);
}

static void
fd_tweet_composer_class_init (FdTweetComposerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fd_tweet_composer_dispose;
  G_OBJECT_CLASS (klass)->finalize = fd_tweet_composer_finalize;
  FD_CONVERSATION_PART_CLASS (klass)->reload = fd_tweet_composer_reload;
  fd_conversation_part_class_set_template (widget_class, "fd-tweet-composer", 0);
  gtk_widget_class_bind_template_child (widget_class, FdTweetComposer, public_toggle);
  gtk_widget_class_bind_template_child (widget_class, FdTweetComposer, direct_toggle);
  gtk_widget_class_bind_template_child (widget_class, FdTweetComposer, view);
  gtk_widget_class_bind_template_child (widget_class, FdTweetComposer, attach_button);
  gtk_widget_class_bind_template_child (widget_class, FdTweetComposer, recent_button);
  gtk_widget_class_bind_template_child (widget_class, FdTweetComposer, recent_list);
  gtk_widget_class_bind_template_child (widget_class, FdTweetComposer, counter_label);
  gtk_widget_class_bind_template_child (widget_class, FdTweetComposer, send_button);
  gtk_widget_class_bind_template_callback (widget_class, on_toggle_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_send_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_attach_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_recent_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_recent_list_row_activated_cb);
}

static void
fd_tweet_composer_init (FdTweetComposer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->description = g_strdup ("");
  g_signal_connect_object (gtk_text_view_get_buffer (self->view), "changed", G_CALLBACK (on_buffer_changed_cb), self, 0);
  fd_compose_text_send_on_ctrl_enter (self->view, G_CALLBACK (on_ctrl_enter_cb), self);
  fd_recent_attachments_init (&self->attachments, GTK_WIDGET (self), self->attach_button, self->recent_button,
                              self->recent_list, attachments_ready, attachments_attach);
  update (self);
}

void
fd_tweet_composer_insert (FdTweetComposer *self,
                          const char      *text)
{
  g_return_if_fail (FD_IS_TWEET_COMPOSER (self));
  fd_compose_text_insert (self->view, text);
}

char *
fd_tweet_composer_dup_selection (FdTweetComposer *self)
{
  g_return_val_if_fail (FD_IS_TWEET_COMPOSER (self), NULL);
  return fd_compose_text_dup_selection (self->view);
}

void
fd_tweet_composer_restore_draft (FdTweetComposer *self)
{
  const char *draft;

  g_return_if_fail (FD_IS_TWEET_COMPOSER (self));
  draft = fd_conversation_part_get_draft_to_restore (FD_CONVERSATION_PART (self), self->view);
  if (draft != NULL)
    set_text (self, draft);
}

void
fd_tweet_composer_set_recent_files (FdTweetComposer *self,
                                    FdRecentFiles   *recent_files)
{
  g_return_if_fail (FD_IS_TWEET_COMPOSER (self));
  g_return_if_fail (recent_files == NULL || FD_IS_RECENT_FILES (recent_files));
  fd_recent_attachments_set_recent_files (&self->attachments, recent_files);
}

GtkTextView *
fd_tweet_composer_get_view (FdTweetComposer *self)
{
  g_return_val_if_fail (FD_IS_TWEET_COMPOSER (self), NULL);
  return self->view;
}

GtkWidget *
fd_tweet_composer_get_send_button (FdTweetComposer *self)
{
  g_return_val_if_fail (FD_IS_TWEET_COMPOSER (self), NULL);
  return self->send_button;
}

GtkLabel *
fd_tweet_composer_get_counter (FdTweetComposer *self)
{
  g_return_val_if_fail (FD_IS_TWEET_COMPOSER (self), NULL);
  return self->counter_label;
}

GtkWidget *
fd_tweet_composer_get_public_toggle (FdTweetComposer *self)
{
  g_return_val_if_fail (FD_IS_TWEET_COMPOSER (self), NULL);
  return self->public_toggle;
}

GtkWidget *
fd_tweet_composer_get_direct_toggle (FdTweetComposer *self)
{
  g_return_val_if_fail (FD_IS_TWEET_COMPOSER (self), NULL);
  return self->direct_toggle;
}

GtkWidget *
fd_tweet_composer_get_attach_button (FdTweetComposer *self)
{
  g_return_val_if_fail (FD_IS_TWEET_COMPOSER (self), NULL);
  return self->attach_button;
}

GtkWidget *
fd_tweet_composer_get_recent_button (FdTweetComposer *self)
{
  g_return_val_if_fail (FD_IS_TWEET_COMPOSER (self), NULL);
  return self->recent_button;
}

GtkListBox *
fd_tweet_composer_get_recent_list (FdTweetComposer *self)
{
  g_return_val_if_fail (FD_IS_TWEET_COMPOSER (self), NULL);
  return self->recent_list;
}

const char *
fd_tweet_composer_get_count_description (FdTweetComposer *self)
{
  g_return_val_if_fail (FD_IS_TWEET_COMPOSER (self), NULL);
  return self->description;
}
