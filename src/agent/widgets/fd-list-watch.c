#define G_LOG_DOMAIN "fd-list-watch"

#include "fd-list-watch.h"

struct _FdListWatch
{
  GListModel *model;
  char       *signal;              /* "notify::PROPERTY" */
  GCallback   notify;
  void      (*changed) (gpointer instance);
  gpointer    instance;
  gulong      items_changed_id;
};

static void
on_items_changed_cb (GListModel  *model,
                     guint        position,
                     guint        removed,
                     guint        added,
                     FdListWatch *watch)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      /* An item that moves within the list is followed once. */
      g_signal_handlers_disconnect_by_func (item, watch->notify, watch->instance);
      g_signal_connect_object (item, watch->signal, watch->notify, watch->instance, 0);
    }
  if (watch->changed != NULL)
    watch->changed (watch->instance);
}

FdListWatch *
fd_list_watch_new (GListModel  *model,
                   const char  *property,
                   GCallback    notify,
                   void       (*changed) (gpointer instance),
                   gpointer     instance)
{
  FdListWatch *watch;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);
  g_return_val_if_fail (property != NULL, NULL);
  g_return_val_if_fail (notify != NULL, NULL);
  g_return_val_if_fail (G_IS_OBJECT (instance), NULL);

  watch = g_new0 (FdListWatch, 1);
  watch->model = g_object_ref (model);
  watch->signal = g_strconcat ("notify::", property, NULL);
  watch->notify = notify;
  watch->changed = changed;
  watch->instance = instance;
  watch->items_changed_id = g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), watch);
  on_items_changed_cb (model, 0, 0, g_list_model_get_n_items (model), watch);
  return watch;
}

void
fd_list_watch_free (FdListWatch *watch)
{
  if (watch == NULL)
    return;
  g_signal_handler_disconnect (watch->model, watch->items_changed_id);
  for (guint i = 0; i < g_list_model_get_n_items (watch->model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (watch->model, i);

      g_signal_handlers_disconnect_by_func (item, watch->notify, watch->instance);
    }
  g_object_unref (watch->model);
  g_free (watch->signal);
  g_free (watch);
}
