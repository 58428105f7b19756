#define G_LOG_DOMAIN "fd-resources-tab"

#include "fd-list-row.h"
#include "fd-resources-tab.h"

struct _FdResourcesTab
{
  FdConversationPart parent_instance;
};

G_DEFINE_FINAL_TYPE (FdResourcesTab, fd_resources_tab, FD_TYPE_CONVERSATION_PART)

static void
on_list_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FdConversationPart) part = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) resources = fd_connection_list_resources_finish (FD_CONNECTION (source), result, &error);
  FdConversationModel *model = fd_conversation_part_get_model (part);

  if (!fd_conversation_part_begin_rows (part, resources != NULL, error))
    return;
  for (guint i = 0; i < resources->len; i++)
    {
      const FdResource *resource = g_ptr_array_index (resources, i);
      g_autofree char *url = NULL;

      if (resource->url == NULL)
        continue;
      /* Uploaded files have server-relative URLs; the visitor needs the
       * whole address. */
      url = fd_conversation_model_dup_absolute_url (model, resource->url);
      gtk_list_box_append (fd_conversation_part_get_list (part),
                           fd_list_row_new (resource->name,
                                            resource->description != NULL ? resource->description : resource->url,
                                            url));
    }
}

static void
fd_resources_tab_reload (FdConversationPart *part)
{
  fd_conversation_model_list_resources_async (fd_conversation_part_get_model (part),
                                              fd_conversation_part_get_query (part),
                                              fd_conversation_part_renew_cancellable (part),
                                              on_list_cb, g_object_ref (part));
}

static void
fd_resources_tab_class_init (FdResourcesTabClass *klass)
{
  FD_CONVERSATION_PART_CLASS (klass)->reload = fd_resources_tab_reload;
  fd_conversation_part_class_set_template (GTK_WIDGET_CLASS (klass), "fd-resources-tab", FD_CONVERSATION_PART_LIST | FD_CONVERSATION_PART_SEARCH);
}

static void
fd_resources_tab_init (FdResourcesTab *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
