#define G_LOG_DOMAIN "fd-reply-cache"

#include <glib/gi18n.h>
#include "fd-codec.h"
#include "fd-reply-cache.h"
#include "fd-properties.h"

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

static const FdProperty reply_property_table[REPLY_N_PROPS] = {
  [REPLY_PROP_TEXT] = FD_PROPERTY_STRING ("text", fd_cached_reply_get_text, ""),
};

static void
fd_cached_reply_class_init (FdCachedReplyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fd_cached_reply_finalize;
  fd_properties_install (object_class, reply_property_table, reply_properties, REPLY_N_PROPS);
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
  FdCacheList parent_instance;
};

G_DEFINE_FINAL_TYPE (FdReplyCache, fd_reply_cache, FD_TYPE_CACHE_LIST)

static char *normalize_reply (const char  *text,
                              GError     **error);

static const char *
reply_key (gpointer item)
{
  return FD_CACHED_REPLY (item)->text;
}

static char *
reply_to_string (gpointer item)
{
  return g_strdup (FD_CACHED_REPLY (item)->text);
}

static gpointer
reply_from_string (const char  *text,
                   const char **reason)
{
  char *normal = normalize_reply (text, NULL);

  if (normal == NULL)
    {
      *reason = "a reply is empty or too long";
      return NULL;
    }
  return fd_cached_reply_new_take (normal);
}

static void
fd_reply_cache_class_init (FdReplyCacheClass *klass)
{
  FdCacheListClass *list_class = FD_CACHE_LIST_CLASS (klass);

  FD_ARRAY_MODEL_CLASS (klass)->item_type = FD_TYPE_CACHED_REPLY;
  list_class->member = "replies";
  /* Translators: completes “Remove it to save %s again.” */
  list_class->what = N_("the reply cache");
  list_class->item_key = reply_key;
  list_class->item_to_string = reply_to_string;
  list_class->item_from_string = reply_from_string;
}

static void
fd_reply_cache_init (FdReplyCache *self)
{
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
                           _("The reply is not valid text and cannot be cached."));
      return NULL;
    }
  copy = g_strstrip (g_strdup (text));
  if (is_blank (copy))
    {
      g_set_error_literal (error, FD_CACHE_ERROR, FD_CACHE_ERROR_EMPTY,
                           _("An empty reply cannot be added to the cache. Type the reply first."));
      return NULL;
    }
  if (g_utf8_strlen (copy, -1) > FD_LIMIT_TEXT)
    {
      g_set_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_TOO_LONG,
                   _("The reply is longer than the %d characters a message may have, "
                     "so it cannot be cached."), FD_LIMIT_TEXT);
      return NULL;
    }
  return g_steal_pointer (&copy);
}

FdReplyCache *
fd_reply_cache_new (const char *directory,
                    const char *server_url,
                    const char *email)
{
  FdReplyCache *self;

  g_return_val_if_fail ((server_url == NULL) == (email == NULL), NULL);

  self = g_object_new (FD_TYPE_REPLY_CACHE, NULL);
  _fd_cache_list_open (FD_CACHE_LIST (self), directory, "reply-cache", server_url, email);
  return self;
}

const char *
fd_reply_cache_get_path (FdReplyCache *self)
{
  g_return_val_if_fail (FD_IS_REPLY_CACHE (self), NULL);

  return _fd_cache_list_get_path (FD_CACHE_LIST (self));
}

gboolean
fd_reply_cache_add (FdReplyCache  *self,
                    const char    *text,
                    GError       **error)
{
  g_autofree char *normal = NULL;
  FdCacheList *list = FD_CACHE_LIST (self);

  g_return_val_if_fail (FD_IS_REPLY_CACHE (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  normal = normalize_reply (text, error);
  if (normal == NULL)
    return FALSE;
  _fd_cache_list_push_front (list, normal,
                             _fd_cache_list_lookup (list, normal) == NULL
                             ? fd_cached_reply_new_take (g_strdup (normal)) : NULL);
  return TRUE;
}

gboolean
fd_reply_cache_remove (FdReplyCache *self,
                       const char   *text)
{
  g_return_val_if_fail (FD_IS_REPLY_CACHE (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  return _fd_cache_list_remove (FD_CACHE_LIST (self), text);
}

gboolean
fd_reply_cache_save (FdReplyCache  *self,
                     GError       **error)
{
  g_return_val_if_fail (FD_IS_REPLY_CACHE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _fd_cache_list_save (FD_CACHE_LIST (self), error);
}
