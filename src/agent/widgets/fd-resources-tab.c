#define G_LOG_DOMAIN "fd-resources-tab"

#include "fd-resources-tab.h"
#include "fd-list-row.h"

struct _FdResourcesTab
{
  GtkBox               parent_instance;

  GtkSearchEntry      *search;
  GtkListBox          *list;

  FdConversationModel *model;
  GCancellable        *cancellable;   /* the search in flight */
};

G_DEFINE_FINAL_TYPE (FdResourcesTab, fd_resources_tab, GTK_TYPE_BOX)

static void
on_list_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FdResourcesTab) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) resources = fd_connection_list_resources_finish (FD_CONNECTION (source), result, &error);

  if (resources == NULL)
    {
      if (self->model != NULL)
        fd_conversation_model_report_error (self->model, error);
      return;
    }
  fd_list_box_clear (self->list);
  for (guint i = 0; i < resources->len && self->model != NULL; i++)
    {
      const FdResource *resource = g_ptr_array_index (resources, i);
      g_autofree char *url = NULL;

      if (resource->url == NULL)
        continue;
      /* Uploaded files have server-relative URLs; the visitor needs the
       * whole address. */
      url = fd_conversation_model_dup_absolute_url (self->model, resource->url);
      gtk_list_box_append (self->list,
                           fd_list_row_new (resource->name,
                                            resource->description != NULL ? resource->description : resource->url,
                                            url));
    }
}

/* Each search cancels the one before. */
static void
on_search_search_changed_cb (FdResourcesTab *self)
{
  if (self->model == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  fd_conversation_model_list_resources_async (self->model, gtk_editable_get_text (GTK_EDITABLE (self->search)),
                                                   self->cancellable, on_list_cb, g_object_ref (self));
}

static void
on_list_row_activated_cb (FdResourcesTab *self,
                          GtkListBoxRow      *row)
{
  const char *text = g_object_get_data (G_OBJECT (row), "fd-payload");

  if (self->model != NULL && text != NULL)
    fd_conversation_model_send_text (self->model, text);
}

static void
fd_resources_tab_dispose (GObject *object)
{
  FdResourcesTab *self = FD_RESOURCES_TAB (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->model);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_RESOURCES_TAB);
  G_OBJECT_CLASS (fd_resources_tab_parent_class)->dispose (object);
}

static void
fd_resources_tab_class_init (FdResourcesTabClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fd_resources_tab_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/frontdeskcc/Frontdesk/ui/fd-resources-tab.ui");
  gtk_widget_class_bind_template_child (widget_class, FdResourcesTab, search);
  gtk_widget_class_bind_template_child (widget_class, FdResourcesTab, list);
  gtk_widget_class_bind_template_callback (widget_class, on_search_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_list_row_activated_cb);
}

static void
fd_resources_tab_init (FdResourcesTab *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
fd_resources_tab_set_model (FdResourcesTab  *self,
                                 FdConversationModel *model)
{
  g_return_if_fail (FD_IS_RESOURCES_TAB (self));
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (model));

  g_set_object (&self->model, model);
  on_search_search_changed_cb (self);
}

GtkListBox *
fd_resources_tab_get_list (FdResourcesTab *self)
{
  g_return_val_if_fail (FD_IS_RESOURCES_TAB (self), NULL);
  return self->list;
}

GtkEditable *
fd_resources_tab_get_search (FdResourcesTab *self)
{
  g_return_val_if_fail (FD_IS_RESOURCES_TAB (self), NULL);
  return GTK_EDITABLE (self->search);
}
