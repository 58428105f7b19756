#define G_LOG_DOMAIN "fd-compose-area"

#include <glib/gi18n.h>

#include "fd-compose-area.h"
#include "fd-list-row.h"

struct _FdComposeArea
{
  FdConversationPart    parent_instance;

  GtkTextView          *view;
  GtkWidget            *attach_button;
  GtkWidget            *recent_button;
  GtkListBox           *recent_list;

  FdRecentFiles        *recent_files;
  GtkFileChooserNative *chooser;          /* the open "Add Attachment" dialog, or NULL */
  gboolean              setting_text;     /* a change that is not the agent typing */
};

G_DEFINE_FINAL_TYPE (FdComposeArea, fd_compose_area, FD_TYPE_CONVERSATION_PART)

static void
set_text (FdComposeArea *self,
          const char    *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->view);
  GtkTextIter end;

  self->setting_text = TRUE;
  gtk_text_buffer_set_text (buffer, text, -1);
  self->setting_text = FALSE;
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
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

/* --- recent attachments --------------------------------------------------------- */

static void
fill_recent_list (FdComposeArea *self)
{
  fd_list_box_fill_recent_files (self->recent_list, self->recent_files);
}

static void
on_recent_files_items_changed_cb (GListModel    *model,
                                  guint          position,
                                  guint          removed,
                                  guint          added,
                                  FdComposeArea *self)
{
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (self->recent_button));

  /* Rows are never replaced under a shown popover (GTK 4.8 kept a stale
   * focus pointer and crashed); opening it rebuilds it. */
  if (popover != NULL && gtk_widget_get_visible (GTK_WIDGET (popover)))
    gtk_popover_popdown (popover);
  fill_recent_list (self);
}

void
fd_compose_area_refresh_recent_files (FdComposeArea *self)
{
  g_return_if_fail (FD_IS_COMPOSE_AREA (self));

  if (self->recent_files != NULL)
    fd_recent_files_refresh (self->recent_files);
  fill_recent_list (self);
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
  FdConversationModel *model = fd_conversation_part_get_model (FD_CONVERSATION_PART (self));
  const char *path = g_object_get_data (G_OBJECT (row), "fd-payload");
  g_autoptr(GFile) file = NULL;

  if (path == NULL || !gtk_widget_get_sensitive (GTK_WIDGET (row)) || model == NULL)
    return;
  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->recent_button));
  file = g_file_new_for_path (path);
  fd_conversation_model_attach_file (model, file);
}

/* --- Add Attachment ----------------------------------------------------------------- */

static void
on_chooser_response_cb (GtkNativeDialog *chooser,
                        int              response,
                        FdComposeArea   *self)
{
  FdConversationModel *model = fd_conversation_part_get_model (FD_CONVERSATION_PART (self));
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
  if (file != NULL && model != NULL)
    fd_conversation_model_attach_file (model, file);
}

static void
on_attach_button_clicked_cb (FdComposeArea *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Add Attachment"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
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
                                FdComposeArea   *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_menu_button_popup (GTK_MENU_BUTTON (self->recent_button));
}

/* --- object ---------------------------------------------------------------------- */

static void
fd_compose_area_dispose (GObject *object)
{
  FdComposeArea *self = FD_COMPOSE_AREA (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->recent_files != NULL)
    g_signal_handlers_disconnect_by_data (self->recent_files, self);
  g_clear_object (&self->recent_files);
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
  GtkGesture *gesture;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (gtk_text_view_get_buffer (self->view), "changed",
                           G_CALLBACK (on_buffer_changed_cb), self, 0);
  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_attach_secondary_pressed_cb), self);
  gtk_widget_add_controller (self->attach_button, GTK_EVENT_CONTROLLER (gesture));
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

  if (self->recent_files == recent_files)
    return;
  if (self->recent_files != NULL)
    g_signal_handlers_disconnect_by_data (self->recent_files, self);
  g_set_object (&self->recent_files, recent_files);
  if (recent_files != NULL)
    g_signal_connect (recent_files, "items-changed", G_CALLBACK (on_recent_files_items_changed_cb), self);
  fill_recent_list (self);
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
