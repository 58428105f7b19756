#define G_LOG_DOMAIN "fd-compose-area"

#include <glib/gi18n.h>

#include "fd-compose-area.h"
#include "fd-recent-attachments.h"

struct _FdComposeArea
{
  FdConversationPart    parent_instance;

  GtkTextView          *view;
  GtkWidget            *attach_button;
  GtkWidget            *recent_button;
  GtkListBox           *recent_list;

  FdRecentAttachments   attachments;
  gboolean              setting_text;     /* a change that is not the agent typing */
};

G_DEFINE_FINAL_TYPE (FdComposeArea, fd_compose_area, FD_TYPE_CONVERSATION_PART)

static void
set_text (FdComposeArea *self,
          const char    *text)
{
  fd_compose_text_set (self->view, text, &self->setting_text);
}

static void
on_buffer_changed_cb (GtkTextBuffer *buffer,
                      FdComposeArea *self)
{
  if (!self->setting_text)
    fd_conversation_part_keep_compose_text (FD_CONVERSATION_PART (self), self->view);
}

void
fd_compose_area_send (FdComposeArea *self)
{
  FdConversationModel *model = fd_conversation_part_get_model (FD_CONVERSATION_PART (self));
  g_autofree char *text = NULL;

  g_return_if_fail (FD_IS_COMPOSE_AREA (self));

  text = fd_compose_text_dup (self->view);
  if (model == NULL || !fd_conversation_model_send_text (model, text))
    return;
  set_text (self, "");
  fd_conversation_model_clear_draft (model);
}

static gboolean
on_key_pressed_cb (FdComposeArea         *self,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   GtkEventControllerKey *controller)
{
  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
    return FALSE;
  if (state & GDK_SHIFT_MASK)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->view);

      /* Shift+Enter breaks the line (done here so that it never sends). */
      gtk_text_buffer_insert_at_cursor (buffer, "\n", 1);
      gtk_text_view_scroll_mark_onscreen (self->view, gtk_text_buffer_get_insert (buffer));
      return TRUE;
    }
  if (state & (GDK_ALT_MASK | GDK_SUPER_MASK))
    return FALSE;
  fd_compose_area_send (self);
  return TRUE;
}

/* --- attachments ----------------------------------------------------------------- */

static gboolean
attachments_ready (GtkWidget *widget)
{
  return fd_conversation_part_get_model (FD_CONVERSATION_PART (widget)) != NULL;
}

static void
attachments_attach (GtkWidget *widget,
                    GFile     *file)
{
  FdConversationModel *model = fd_conversation_part_get_model (FD_CONVERSATION_PART (widget));

  if (model != NULL)
    fd_conversation_model_attach_file (model, file);
}

void
fd_compose_area_refresh_recent_files (FdComposeArea *self)
{
  g_return_if_fail (FD_IS_COMPOSE_AREA (self));
  fd_recent_attachments_refresh (&self->attachments);
}

static void
on_recent_popover_show_cb (FdComposeArea *self)
{
  fd_compose_area_refresh_recent_files (self);
}

static void
on_recent_list_row_activated_cb (FdComposeArea *self,
                                 GtkListBoxRow *row)
{
  fd_recent_attachments_row_activated (&self->attachments, row);
}

static void
on_attach_button_clicked_cb (FdComposeArea *self)
{
  fd_recent_attachments_choose (&self->attachments);
}

/* --- object ---------------------------------------------------------------------- */

static void
fd_compose_area_dispose (GObject *object)
{
  FdComposeArea *self = FD_COMPOSE_AREA (object);

  fd_recent_attachments_dispose (&self->attachments);
  G_OBJECT_CLASS (fd_compose_area_parent_class)->dispose (object);
}

static void
fd_compose_area_class_init (FdComposeAreaClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fd_compose_area_dispose;
  fd_conversation_part_class_set_template (widget_class, "fd-compose-area", 0);
  gtk_widget_class_bind_template_child (widget_class, FdComposeArea, view);
  gtk_widget_class_bind_template_child (widget_class, FdComposeArea, attach_button);
  gtk_widget_class_bind_template_child (widget_class, FdComposeArea, recent_button);
  gtk_widget_class_bind_template_child (widget_class, FdComposeArea, recent_list);
  gtk_widget_class_bind_template_callback (widget_class, on_key_pressed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_attach_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_recent_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_recent_list_row_activated_cb);
}

static void
fd_compose_area_init (FdComposeArea *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (gtk_text_view_get_buffer (self->view), "changed",
                           G_CALLBACK (on_buffer_changed_cb), self, 0);
  fd_recent_attachments_init (&self->attachments, GTK_WIDGET (self), self->attach_button, self->recent_button,
                              self->recent_list, attachments_ready, attachments_attach);
}

void
fd_compose_area_restore_draft (FdComposeArea *self)
{
  const char *draft;

  g_return_if_fail (FD_IS_COMPOSE_AREA (self));

  /* Restoring the draft is not typing: no notice goes to the visitor. */
  draft = fd_conversation_part_get_draft_to_restore (FD_CONVERSATION_PART (self), self->view);
  if (draft != NULL)
    set_text (self, draft);
}

void
fd_compose_area_insert (FdComposeArea *self,
                        const char    *text)
{
  g_return_if_fail (FD_IS_COMPOSE_AREA (self));
  fd_compose_text_insert (self->view, text);
}

char *
fd_compose_area_dup_selection (FdComposeArea *self)
{
  g_return_val_if_fail (FD_IS_COMPOSE_AREA (self), NULL);
  return fd_compose_text_dup_selection (self->view);
}

void
fd_compose_area_set_extra_menu (FdComposeArea *self,
                                GMenuModel    *menu)
{
  g_return_if_fail (FD_IS_COMPOSE_AREA (self));
  gtk_text_view_set_extra_menu (self->view, menu);
}

void
fd_compose_area_set_recent_files (FdComposeArea *self,
                                  FdRecentFiles *recent_files)
{
  g_return_if_fail (FD_IS_COMPOSE_AREA (self));
  g_return_if_fail (recent_files == NULL || FD_IS_RECENT_FILES (recent_files));
  fd_recent_attachments_set_recent_files (&self->attachments, recent_files);
}

GtkTextView *
fd_compose_area_get_view (FdComposeArea *self)
{
  g_return_val_if_fail (FD_IS_COMPOSE_AREA (self), NULL);
  return self->view;
}

GtkWidget *
fd_compose_area_get_recent_button (FdComposeArea *self)
{
  g_return_val_if_fail (FD_IS_COMPOSE_AREA (self), NULL);
  return self->recent_button;
}

GtkListBox *
fd_compose_area_get_recent_list (FdComposeArea *self)
{
  g_return_val_if_fail (FD_IS_COMPOSE_AREA (self), NULL);
  return self->recent_list;
}
