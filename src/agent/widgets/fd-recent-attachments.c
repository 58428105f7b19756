#define G_LOG_DOMAIN "fd-recent-attachments"

#include <glib/gi18n.h>

#include "fd-list-row.h"
#include "fd-recent-attachments.h"

/* See fd-recent-attachments.h. */

static void
fill_recent_list (FdRecentAttachments *self)
{
  fd_list_box_fill_recent_files (self->recent_list, self->recent_files);
}

static void
on_recent_files_items_changed_cb (FdRecentAttachments *self)
{
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (self->recent_button));

  /* Rows are never replaced under a shown popover (GTK 4.8 kept a stale
   * focus pointer and crashed); opening it rebuilds it. */
  if (popover != NULL && gtk_widget_get_visible (GTK_WIDGET (popover)))
    gtk_popover_popdown (popover);
  fill_recent_list (self);
}

/* The guide: a right click on Add attachment shows the recent ones. */
static void
on_attach_secondary_pressed_cb (GtkGestureClick     *gesture,
                                int                  n_press,
                                double               x,
                                double               y,
                                FdRecentAttachments *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  if (gtk_widget_get_sensitive (self->recent_button))
    gtk_menu_button_popup (GTK_MENU_BUTTON (self->recent_button));
}

static void
on_chooser_response_cb (GtkNativeDialog     *chooser,
                        int                  response,
                        FdRecentAttachments *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
  if (file != NULL)
    self->attach (self->owner, file);
}

void
fd_recent_attachments_init (FdRecentAttachments      *self,
                            GtkWidget                *owner,
                            GtkWidget                *attach_button,
                            GtkWidget                *recent_button,
                            GtkListBox               *recent_list,
                            FdRecentAttachmentsReady  ready,
                            FdRecentAttachmentsAttach attach)
{
  GtkGesture *gesture;

  g_assert (GTK_IS_MENU_BUTTON (recent_button));
  g_assert (attach != NULL);

  self->owner = owner;
  self->recent_button = recent_button;
  self->recent_list = recent_list;
  self->ready = ready;
  self->attach = attach;

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_attach_secondary_pressed_cb), self);
  gtk_widget_add_controller (attach_button, GTK_EVENT_CONTROLLER (gesture));
}

void
fd_recent_attachments_set_recent_files (FdRecentAttachments *self,
                                        FdRecentFiles       *recent_files)
{
  if (self->recent_files == recent_files)
    return;
  if (self->recent_files != NULL)
    g_signal_handlers_disconnect_by_data (self->recent_files, self);
  g_set_object (&self->recent_files, recent_files);
  if (recent_files != NULL)
    g_signal_connect_swapped (recent_files, "items-changed", G_CALLBACK (on_recent_files_items_changed_cb), self);
  fill_recent_list (self);
}

/* The popover is about to show: the list says what is on disk now. */
void
fd_recent_attachments_refresh (FdRecentAttachments *self)
{
  if (self->recent_files != NULL)
    fd_recent_files_refresh (self->recent_files);
  fill_recent_list (self);
}

void
fd_recent_attachments_row_activated (FdRecentAttachments *self,
                                     GtkListBoxRow       *row)
{
  const char *path = g_object_get_data (G_OBJECT (row), "fd-payload");
  g_autoptr(GFile) file = NULL;

  if (path == NULL || !gtk_widget_get_sensitive (GTK_WIDGET (row)) ||
      (self->ready != NULL && !self->ready (self->owner)))
    return;
  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->recent_button));
  file = g_file_new_for_path (path);
  self->attach (self->owner, file);
}

/* Add Attachment: one modal chooser at a time. */
void
fd_recent_attachments_choose (FdRecentAttachments *self)
{
  GtkRoot *root = gtk_widget_get_root (self->owner);

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Add Attachment"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Attach"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

void
fd_recent_attachments_dispose (FdRecentAttachments *self)
{
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
    }
  g_clear_object (&self->chooser);
  if (self->recent_files != NULL)
    g_signal_handlers_disconnect_by_data (self->recent_files, self);
  g_clear_object (&self->recent_files);
}
