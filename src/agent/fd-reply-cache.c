#define G_LOG_DOMAIN "fd-reply-cache"

#include "fd-codec.h"
#include "fd-reply-cache.h"

/* FdCachedReply */

struct _FdCachedReply
{
  GObject  parent_instance;
  char    *text;
};

G_DEFINE_FINAL_TYPE (FdCachedReply, fd_cached_reply, G_TYPE_OBJECT)

enum {
  REPLY_PROP_0,
  REPLY_PROP_TEXT,
  REPLY_N_PROPS
};

static GParamSpec *reply_properties[REPLY_N_PROPS];

static void
fd_cached_reply_finalize (GObject *object)
{
  FdCachedReply *self = FD_CACHED_REPLY (object);

  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (fd_cached_reply_parent_class)->finalize (object);
}

static void
fd_cached_reply_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FdCachedReply *self = FD_CACHED_REPLY (object);

  switch (prop_id)
    {
    case REPLY_PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_cached_reply_class_init (FdCachedReplyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fd_cached_reply_finalize;
  object_class->get_property = fd_cached_reply_get_property;

  reply_properties[REPLY_PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, REPLY_N_PROPS, reply_properties);
}

static void
fd_cached_reply_init (FdCachedReply *self)
{
}

static FdCachedReply *
fd_cached_reply_new_take (char *text)
{
  FdCachedReply *self = g_object_new (FD_TYPE_CACHED_REPLY, NULL);

  self->text = text;
  return self;
}

const char *
fd_cached_reply_get_text (FdCachedReply *self)
{
  g_return_val_if_fail (FD_IS_CACHED_REPLY (self), NULL);

  return self->text;
}

/* FdReplyCache */

struct _FdReplyCache
{
  GObject    parent_instance;

  GPtrArray *items;    /* FdCachedReply, newest first */
  char      *path;
  gboolean   dirty;    /* changed since loaded or saved */
  gboolean   blocked;  /* a bad file could not be set aside: never overwrite it */
};

static void fd_reply_cache_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FdReplyCache, fd_reply_cache, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      fd_reply_cache_list_model_init))

static GType
fd_reply_cache_get_item_type (GListModel *model)
{
  return FD_TYPE_CACHED_REPLY;
}

static guint
fd_reply_cache_get_n_items (GListModel *model)
{
  return FD_REPLY_CACHE (model)->items->len;
}

static gpointer
fd_reply_cache_get_item (GListModel *model,
                         guint       position)
{
  FdReplyCache *self = FD_REPLY_CACHE (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
fd_reply_cache_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = fd_reply_cache_get_item_type;
  iface->get_n_items = fd_reply_cache_get_n_items;
  iface->get_item = fd_reply_cache_get_item;
}

static void
fd_reply_cache_dispose (GObject *object)
{
  FdReplyCache *self = FD_REPLY_CACHE (object);

  if (self->dirty && !self->blocked)
    {
      g_autoptr(GError) error = NULL;

      if (!fd_reply_cache_save (self, &error))
        g_warning ("The reply cache was not saved: %s", error->message);
    }

  G_OBJECT_CLASS (fd_reply_cache_parent_class)->dispose (object);
}

static void
fd_reply_cache_finalize (GObject *object)
{
  FdReplyCache *self = FD_REPLY_CACHE (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (fd_reply_cache_parent_class)->finalize (object);
}

static void
fd_reply_cache_class_init (FdReplyCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_reply_cache_dispose;
  object_class->finalize = fd_reply_cache_finalize;
}

static void
fd_reply_cache_init (FdReplyCache *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }
  return TRUE;
}

/* The text as cached: valid UTF-8, trimmed (a highlighted selection often
 * takes a space or a line break with it), not blank, within the limit of
 * a message so that it can always be sent. */
static char *
normalize_reply (const char  *text,
                 GError     **error)
{
  g_autofree char *copy = NULL;

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, FD_CACHE_ERROR, FD_CACHE_ERROR_INVALID,
                           "The reply is not valid text and cannot be cached.");
      return NULL;
    }
  copy = g_strstrip (g_strdup (text));
  if (is_blank (copy))
    {
      g_set_error_literal (error, FD_CACHE_ERROR, FD_CACHE_ERROR_EMPTY,
                           "An empty reply cannot be added to the cache. Type the reply first.");
      return NULL;
    }
  if (g_utf8_strlen (copy, -1) > FD_LIMIT_TEXT)
    {
      g_set_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_TOO_LONG,
                   "The reply is longer than the %d characters a message may have, "
                   "so it cannot be cached.", FD_LIMIT_TEXT);
      return NULL;
    }
  return g_steal_pointer (&copy);
}

static gboolean
find_text (FdReplyCache *self,
           const char   *text,
           guint        *out_position)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      FdCachedReply *reply = g_ptr_array_index (self->items, i);

      if (g_str_equal (reply->text, text))
        {
          *out_position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
load (FdReplyCache *self)
{
  g_autoptr(JsonArray) array = _fd_cache_file_load (self->path, "replies", G_TYPE_STRING,
                                                    &self->blocked);
  guint len;

  if (array == NULL)
    return;

  len = MIN (json_array_get_length (array), FD_CACHE_SAVED_ITEMS);
  for (guint i = 0; i < len; i++)
    {
      const char *text = json_array_get_string_element (array, i);
      g_autofree char *normal = normalize_reply (text, NULL);
      guint position;

      if (normal == NULL)
        {
          g_ptr_array_set_size (self->items, 0);
          self->blocked = !_fd_cache_file_set_aside (self->path, "a reply is empty or too long");
          return;
        }
      if (!find_text (self, normal, &position))
        g_ptr_array_add (self->items, fd_cached_reply_new_take (g_steal_pointer (&normal)));
    }
}

FdReplyCache *
fd_reply_cache_new (const char *directory,
                    const char *server_url,
                    const char *email)
{
  FdReplyCache *self;

  g_return_val_if_fail ((server_url == NULL) == (email == NULL), NULL);

  self = g_object_new (FD_TYPE_REPLY_CACHE, NULL);
  self->path = _fd_cache_file_path (directory, "reply-cache", server_url, email);
  load (self);
  return self;
}

const char *
fd_reply_cache_get_path (FdReplyCache *self)
{
  g_return_val_if_fail (FD_IS_REPLY_CACHE (self), NULL);

  return self->path;
}

gboolean
fd_reply_cache_add (FdReplyCache  *self,
                    const char    *text,
                    GError       **error)
{
  g_autofree char *normal = NULL;
  guint position;

  g_return_val_if_fail (FD_IS_REPLY_CACHE (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  normal = normalize_reply (text, error);
  if (normal == NULL)
    return FALSE;

  if (find_text (self, normal, &position))
    {
      FdCachedReply *reply;

      if (position == 0)
        return TRUE;
      reply = g_ptr_array_steal_index (self->items, position);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
      g_ptr_array_insert (self->items, 0, reply);
    }
  else
    {
      g_ptr_array_insert (self->items, 0, fd_cached_reply_new_take (g_steal_pointer (&normal)));
    }
  self->dirty = TRUE;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, 1);
  return TRUE;
}

gboolean
fd_reply_cache_remove (FdReplyCache *self,
                       const char   *text)
{
  guint position;

  g_return_val_if_fail (FD_IS_REPLY_CACHE (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (!find_text (self, text, &position))
    return FALSE;
  g_ptr_array_remove_index (self->items, position);
  self->dirty = TRUE;
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  return TRUE;
}

gboolean
fd_reply_cache_save (FdReplyCache  *self,
                     GError       **error)
{
  JsonArray *array;
  guint len;

  g_return_val_if_fail (FD_IS_REPLY_CACHE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->blocked)
    {
      g_set_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_WRITE,
                   "%s is unusable and could not be moved aside, so it is not overwritten. "
                   "Remove it to save the reply cache again.", self->path);
      return FALSE;
    }

  array = json_array_new ();
  len = MIN (self->items->len, FD_CACHE_SAVED_ITEMS);
  for (guint i = 0; i < len; i++)
    json_array_add_string_element (array, ((FdCachedReply *) g_ptr_array_index (self->items, i))->text);
  if (!_fd_cache_file_save (self->path, "replies", array, error))
    return FALSE;
  self->dirty = FALSE;
  return TRUE;
}
