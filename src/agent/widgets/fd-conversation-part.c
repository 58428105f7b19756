#define G_LOG_DOMAIN "fd-conversation-part"

#include "fd-conversation-part.h"
#include "fd-list-row.h"

typedef struct
{
  FdConversationModel *model;
  GCancellable        *cancellable;   /* the request in flight */
} FdConversationPartPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (FdConversationPart, fd_conversation_part, GTK_TYPE_BOX)

enum {
  SIGNAL_PAYLOAD_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Cancels the request in flight; the cancellable for the next one. */
static GCancellable *
renew_cancellable (FdConversationPart *self)
{
  FdConversationPartPrivate *priv = fd_conversation_part_get_instance_private (self);

  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  priv->cancellable = g_cancellable_new ();
  return priv->cancellable;
}

static void
on_rows_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FdConversationPart) self = user_data;
  FdConversationPartPrivate *priv = fd_conversation_part_get_instance_private (self);
  FdConversationPartClass *klass = FD_CONVERSATION_PART_GET_CLASS (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = klass->search->list_finish (FD_CONNECTION (source), result, &error);
  GtkListBox *list = fd_conversation_part_get_list (self);

  /* Disposed while the request was in flight: nothing to show. */
  if (priv->model == NULL)
    return;
  if (items == NULL)
    {
      fd_conversation_model_report_error (priv->model, error);
      return;
    }
  fd_list_box_clear (list);
  for (guint i = 0; i < items->len; i++)
    {
      GtkWidget *row = klass->search->new_row (self, g_ptr_array_index (items, i));

      if (row != NULL)
        gtk_list_box_append (list, row);
    }
}

/* The default reload: the search's request, one at a time. */
static void
fd_conversation_part_real_reload (FdConversationPart *self)
{
  FdConversationPartPrivate *priv = fd_conversation_part_get_instance_private (self);
  const FdConversationPartSearch *search = FD_CONVERSATION_PART_GET_CLASS (self)->search;
  GtkEditable *entry = fd_conversation_part_get_search (self);

  if (search != NULL)
    search->list_async (priv->model, entry != NULL ? gtk_editable_get_text (entry) : "", renew_cancellable (self),
                        on_rows_cb, g_object_ref (self));
}

static void
reload (FdConversationPart *self)
{
  FdConversationPartPrivate *priv = fd_conversation_part_get_instance_private (self);
  FdConversationPartClass *klass = FD_CONVERSATION_PART_GET_CLASS (self);

  if (priv->model != NULL && klass->reload != NULL)
    klass->reload (self);
}

/* Each search cancels the one before (the subclass renews the
 * cancellable). */
static void
fd_conversation_part_search_changed_cb (FdConversationPart *self)
{
  reload (self);
}

static void
fd_conversation_part_row_activated_cb (FdConversationPart *self,
                                       GtkListBoxRow      *row)
{
  FdConversationPartPrivate *priv = fd_conversation_part_get_instance_private (self);
  const char *text = g_object_get_data (G_OBJECT (row), "fd-payload");
  gboolean handled = FALSE;

  if (priv->model == NULL || text == NULL)
    return;
  /* A window that composes before sending (the Email window) inserts it. */
  g_signal_emit (self, signals[SIGNAL_PAYLOAD_ACTIVATED], 0, text, &handled);
  if (!handled)
    fd_conversation_model_send_text (priv->model, text);
}

static void
fd_conversation_part_dispose (GObject *object)
{
  FdConversationPart *self = FD_CONVERSATION_PART (object);
  FdConversationPartPrivate *priv = fd_conversation_part_get_instance_private (self);

  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  if (priv->model != NULL)
    g_signal_handlers_disconnect_by_data (priv->model, self);
  g_clear_object (&priv->model);
  /* The template is the subclass's. */
  gtk_widget_dispose_template (GTK_WIDGET (self), G_OBJECT_TYPE (self));
  G_OBJECT_CLASS (fd_conversation_part_parent_class)->dispose (object);
}

static void
fd_conversation_part_class_init (FdConversationPartClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fd_conversation_part_dispose;
  klass->reload = fd_conversation_part_real_reload;

  /* A row's payload was activated; a handler returning TRUE uses it
   * instead of sending it as a message. */
  signals[SIGNAL_PAYLOAD_ACTIVATED] =
    g_signal_new ("payload-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN, 1, G_TYPE_STRING);
}

static void
fd_conversation_part_init (FdConversationPart *self)
{
}

void
fd_conversation_part_class_set_template (GtkWidgetClass            *widget_class,
                                         const char                *name,
                                         FdConversationPartChildren children)
{
  g_autofree char *resource = NULL;

  g_return_if_fail (g_type_is_a (G_TYPE_FROM_CLASS (widget_class), FD_TYPE_CONVERSATION_PART));
  g_return_if_fail (name != NULL);

  resource = g_strdup_printf ("/io/github/frontdeskcc/Frontdesk/ui/%s.ui", name);
  gtk_widget_class_set_template_from_resource (widget_class, resource);
  /* Offset 0: not stored, found again by gtk_widget_get_template_child(). */
  if (children & FD_CONVERSATION_PART_LIST)
    gtk_widget_class_bind_template_child_full (widget_class, "list", FALSE, 0);
  if (children & FD_CONVERSATION_PART_SEARCH)
    gtk_widget_class_bind_template_child_full (widget_class, "search", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, fd_conversation_part_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, fd_conversation_part_row_activated_cb);
}

void
fd_conversation_part_class_set_search (GtkWidgetClass                 *widget_class,
                                       const char                     *name,
                                       const FdConversationPartSearch *search)
{
  g_return_if_fail (search != NULL);

  fd_conversation_part_class_set_template (widget_class, name, FD_CONVERSATION_PART_LIST | FD_CONVERSATION_PART_SEARCH);
  FD_CONVERSATION_PART_CLASS (widget_class)->search = search;
}

void
fd_conversation_part_set_model (FdConversationPart  *self,
                                FdConversationModel *model)
{
  FdConversationPartPrivate *priv = fd_conversation_part_get_instance_private (self);

  g_return_if_fail (FD_IS_CONVERSATION_PART (self));
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (model));
  g_return_if_fail (priv->model == NULL);

  priv->model = g_object_ref (model);
  reload (self);
}

FdConversationModel *
fd_conversation_part_get_model (FdConversationPart *self)
{
  FdConversationPartPrivate *priv = fd_conversation_part_get_instance_private (self);

  g_return_val_if_fail (FD_IS_CONVERSATION_PART (self), NULL);
  return priv->model;
}

void
fd_conversation_part_connect (FdConversationPart *self,
                              const char         *signal,
                              GCallback           callback)
{
  FdConversationPartPrivate *priv = fd_conversation_part_get_instance_private (self);

  g_return_if_fail (FD_IS_CONVERSATION_PART (self));
  g_return_if_fail (priv->model != NULL);

  g_signal_connect_swapped (priv->model, signal, callback, self);
}


GtkListBox *
fd_conversation_part_get_list (FdConversationPart *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_PART (self), NULL);
  return GTK_LIST_BOX (gtk_widget_get_template_child (GTK_WIDGET (self), G_OBJECT_TYPE (self), "list"));
}

GtkEditable *
fd_conversation_part_get_search (FdConversationPart *self)
{
  GObject *search;

  g_return_val_if_fail (FD_IS_CONVERSATION_PART (self), NULL);
  search = gtk_widget_get_template_child (GTK_WIDGET (self), G_OBJECT_TYPE (self), "search");
  return search != NULL ? GTK_EDITABLE (search) : NULL;
}

/* --- the compose boxes ------------------------------------------------------------ */

char *
fd_compose_text_dup (GtkTextView *view)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (GTK_IS_TEXT_VIEW (view), NULL);
  buffer = gtk_text_view_get_buffer (view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

char *
fd_compose_text_dup_selection (GtkTextView *view)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (GTK_IS_TEXT_VIEW (view), NULL);
  buffer = gtk_text_view_get_buffer (view);
  if (!gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    return NULL;
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
fd_compose_text_insert (GtkTextView *view,
                        const char  *text)
{
  g_return_if_fail (GTK_IS_TEXT_VIEW (view));
  g_return_if_fail (text != NULL);

  gtk_text_buffer_insert_at_cursor (gtk_text_view_get_buffer (view), text, -1);
  gtk_widget_grab_focus (GTK_WIDGET (view));
}

void
fd_compose_text_set (GtkTextView *view,
                     const char  *text,
                     gboolean    *setting)
{
  GtkTextBuffer *buffer;
  GtkTextIter end;

  g_return_if_fail (GTK_IS_TEXT_VIEW (view));
  g_return_if_fail (text != NULL);
  g_return_if_fail (setting != NULL);

  buffer = gtk_text_view_get_buffer (view);
  *setting = TRUE;
  gtk_text_buffer_set_text (buffer, text, -1);
  *setting = FALSE;
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
}

typedef struct
{
  GCallback send;
  gpointer  user_data;
} SendOnCtrlEnter;

static gboolean
on_compose_key_pressed_cb (GtkEventControllerKey *controller,
                           guint                  keyval,
                           guint                  keycode,
                           GdkModifierType        state,
                           SendOnCtrlEnter       *send)
{
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter) &&
      (state & GDK_CONTROL_MASK) != 0)
    {
      ((void (*) (gpointer)) send->send) (send->user_data);
      return TRUE;
    }
  return FALSE;
}

void
fd_compose_text_send_on_ctrl_enter (GtkTextView *view,
                                    GCallback    send,
                                    gpointer     user_data)
{
  GtkEventController *keys;
  SendOnCtrlEnter *data;

  g_return_if_fail (GTK_IS_TEXT_VIEW (view));
  g_return_if_fail (send != NULL);

  data = g_new0 (SendOnCtrlEnter, 1);
  data->send = send;
  data->user_data = user_data;
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_data (keys, "key-pressed", G_CALLBACK (on_compose_key_pressed_cb), data,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  gtk_widget_add_controller (GTK_WIDGET (view), keys);
}

const char *
fd_conversation_part_get_draft_to_restore (FdConversationPart *self,
                                           GtkTextView        *view)
{
  FdConversationModel *model;

  g_return_val_if_fail (FD_IS_CONVERSATION_PART (self), NULL);
  g_return_val_if_fail (GTK_IS_TEXT_VIEW (view), NULL);

  model = fd_conversation_part_get_model (self);
  if (model == NULL || gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (view)) != 0)
    return NULL;
  return fd_conversation_model_get_draft (model);
}

void
fd_conversation_part_keep_compose_text (FdConversationPart *self,
                                        GtkTextView        *view)
{
  FdConversationModel *model;
  g_autofree char *text = NULL;

  g_return_if_fail (FD_IS_CONVERSATION_PART (self));
  g_return_if_fail (GTK_IS_TEXT_VIEW (view));

  model = fd_conversation_part_get_model (self);
  if (model == NULL)
    return;
  text = fd_compose_text_dup (view);
  fd_conversation_model_set_compose_text (model, text);
}
