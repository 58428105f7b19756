#define G_LOG_DOMAIN "fd-resources-tab"

#include "fd-list-row.h"
#include "fd-resources-tab.h"

struct _FdResourcesTab
{
  FdConversationPart parent_instance;
};

G_DEFINE_FINAL_TYPE (FdResourcesTab, fd_resources_tab, FD_TYPE_CONVERSATION_PART)

/* Activating the row sends the URL; a resource without one is not
 * listed. */
static GtkWidget *
new_resource_row (FdConversationPart *part,
                  gconstpointer       item)
{
  const FdResource *resource = item;
  g_autofree char *url = NULL;

  if (resource->url == NULL)
    return NULL;
  /* Uploaded files have server-relative URLs; the visitor needs the
   * whole address. */
  url = fd_conversation_model_dup_absolute_url (fd_conversation_part_get_model (part), resource->url);
  return fd_list_row_new (resource->name, resource->description != NULL ? resource->description : resource->url,
                          url);
}

static const FdConversationPartSearch resources = {
  fd_conversation_model_list_resources_async, fd_connection_list_resources_finish, new_resource_row,
};

static void
fd_resources_tab_class_init (FdResourcesTabClass *klass)
{
  fd_conversation_part_class_set_search (GTK_WIDGET_CLASS (klass), "fd-resources-tab", &resources);
}

static void
fd_resources_tab_init (FdResourcesTab *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
