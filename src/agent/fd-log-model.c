#define G_LOG_DOMAIN "fd-log-model"

#include <glib/gi18n.h>

#include "fd-log-model.h"

struct _FdLogModel
{
  GObject        parent_instance;
  FdConnection  *connection;
  FdLogQuery    *query;
  GPtrArray     *items;        /* FdLogItem */
  char          *next_cursor;  /* NULL: no more pages */
  GCancellable  *cancellable;  /* the request in flight */
  char          *error;
  gboolean       loaded;
};

static void fd_log_model_list_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FdLogModel, fd_log_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, fd_log_model_list_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_ERROR,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
fd_log_model_get_item_type (GListModel *list)
{
  return FD_TYPE_LOG_ITEM;
}

static guint
fd_log_model_get_n_items (GListModel *list)
{
  return FD_LOG_MODEL (list)->items->len;
}

static gpointer
fd_log_model_get_item (GListModel *list,
                       guint       position)
{
  FdLogModel *self = FD_LOG_MODEL (list);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
fd_log_model_list_init (GListModelInterface *iface)
{
  iface->get_item_type = fd_log_model_get_item_type;
  iface->get_n_items = fd_log_model_get_n_items;
  iface->get_item = fd_log_model_get_item;
}

static void
set_error (FdLogModel *self,
           const char *error)
{
  if (g_strcmp0 (self->error, error) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
stop_request (FdLogModel *self)
{
  if (self->cancellable == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
on_page_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FdLogModel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdLogPage) page = fd_connection_list_conversation_log_finish (FD_CONNECTION (source), result, &error);
  guint position, added = 0;

  /* A newer query, or the model went: this answer is not wanted. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (page == NULL)
    {
      set_error (self, error != NULL ? error->message : _("The server did not answer."));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
      return;
    }
  position = self->items->len;
  for (guint i = 0; page->items != NULL && i < page->items->len && self->items->len < FD_LOG_MODEL_MAX_ROWS; i++)
    {
      g_ptr_array_add (self->items, fd_log_item_new (g_steal_pointer (&g_ptr_array_index (page->items, i))));
      added++;
    }
  g_free (self->next_cursor);
  self->next_cursor = g_steal_pointer (&page->next_cursor);
  set_error (self, NULL);
  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
  if (added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), position, 0, added);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
request_page (FdLogModel *self)
{
  g_autoptr(FdLogQuery) query = NULL;

  if (self->connection == NULL || self->query == NULL)
    return;
  query = fd_log_query_copy (self->query);
  g_free (query->cursor);
  query->cursor = g_strdup (self->next_cursor);
  self->cancellable = g_cancellable_new ();
  fd_connection_list_conversation_log_async (self->connection, query, self->cancellable, on_page_cb,
                                             g_object_ref (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
start_over (FdLogModel *self)
{
  guint removed = self->items->len;

  stop_request (self);
  g_clear_pointer (&self->next_cursor, g_free);
  g_ptr_array_set_size (self->items, 0);
  if (self->loaded)
    {
      self->loaded = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
  request_page (self);
}

static void
fd_log_model_dispose (GObject *object)
{
  FdLogModel *self = FD_LOG_MODEL (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (fd_log_model_parent_class)->dispose (object);
}

static void
fd_log_model_finalize (GObject *object)
{
  FdLogModel *self = FD_LOG_MODEL (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->query, fd_log_query_free);
  g_clear_pointer (&self->next_cursor, g_free);
  g_clear_pointer (&self->error, g_free);
  G_OBJECT_CLASS (fd_log_model_parent_class)->finalize (object);
}

static void
fd_log_model_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FdLogModel *self = FD_LOG_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->cancellable != NULL);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_log_model_class_init (FdLogModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_log_model_dispose;
  object_class->finalize = fd_log_model_finalize;
  object_class->get_property = fd_log_model_get_property;

  /* Notified on each change of the request in flight (not only when the
   * value changes: a page came, the next one is asked for). */
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                                                  G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fd_log_model_init (FdLogModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

FdLogModel *
fd_log_model_new (void)
{
  return g_object_new (FD_TYPE_LOG_MODEL, NULL);
}

void
fd_log_model_set_connection (FdLogModel   *self,
                             FdConnection *connection)
{
  g_return_if_fail (FD_IS_LOG_MODEL (self));
  g_return_if_fail (connection == NULL || FD_IS_CONNECTION (connection));

  if (!g_set_object (&self->connection, connection))
    return;
  start_over (self);
}

void
fd_log_model_set_query (FdLogModel       *self,
                        const FdLogQuery *query)
{
  g_return_if_fail (FD_IS_LOG_MODEL (self));
  g_return_if_fail (query != NULL);

  g_clear_pointer (&self->query, fd_log_query_free);
  self->query = fd_log_query_copy (query);
  g_clear_pointer (&self->query->cursor, g_free);
  start_over (self);
}

const FdLogQuery *
fd_log_model_get_query (FdLogModel *self)
{
  g_return_val_if_fail (FD_IS_LOG_MODEL (self), NULL);
  return self->query;
}

void
fd_log_model_reload (FdLogModel *self)
{
  g_return_if_fail (FD_IS_LOG_MODEL (self));
  start_over (self);
}

void
fd_log_model_load_more (FdLogModel *self)
{
  g_return_if_fail (FD_IS_LOG_MODEL (self));

  if (self->cancellable != NULL || self->next_cursor == NULL || self->items->len >= FD_LOG_MODEL_MAX_ROWS)
    return;
  request_page (self);
}

gboolean
fd_log_model_get_loading (FdLogModel *self)
{
  g_return_val_if_fail (FD_IS_LOG_MODEL (self), FALSE);
  return self->cancellable != NULL;
}

gboolean
fd_log_model_get_has_more (FdLogModel *self)
{
  g_return_val_if_fail (FD_IS_LOG_MODEL (self), FALSE);
  return self->next_cursor != NULL;
}

gboolean
fd_log_model_get_truncated (FdLogModel *self)
{
  g_return_val_if_fail (FD_IS_LOG_MODEL (self), FALSE);
  return self->next_cursor != NULL && self->items->len >= FD_LOG_MODEL_MAX_ROWS;
}

const char *
fd_log_model_get_error (FdLogModel *self)
{
  g_return_val_if_fail (FD_IS_LOG_MODEL (self), NULL);
  return self->error;
}

gboolean
fd_log_model_get_loaded (FdLogModel *self)
{
  g_return_val_if_fail (FD_IS_LOG_MODEL (self), FALSE);
  return self->loaded;
}
