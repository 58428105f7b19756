#define G_LOG_DOMAIN "fd-x-client"

/* The X API client's readers (fd-x-client.c has the calls): X's answers
 * (a user, a page of mentions or DM events with their includes, a post or
 * DM created, a media uploaded) mapped to plain structs, every string
 * bounded to the store's limits and cleaned, every id checked. */

#include "fd-x-client-private.h"
#include "fd-codec.h"

#include <string.h>
#include <json-glib/json-glib.h>

#define MAX_USERNAME    15

/* --- bounded, cleaned strings from X ------------------------------------- */

const char *
x_client_member_string (JsonObject *object,
                        const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
member_object (JsonObject *object,
             const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
x_client_member_array (JsonObject *object,
                       const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* @text cut to at most @max_chars characters, the store's unit (the parser
 * already refused invalid UTF-8); @one_line turns controls into spaces. */
char *
x_client_bounded (const char *text,
                  glong       max_chars,
                  gboolean    one_line)
{
  GString *out;
  glong n = 0;

  if (text == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (const char *p = text; *p != '\0' && n < max_chars; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (one_line && g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static char *
valid_id (JsonObject *object,
          const char *name)
{
  const char *id = x_client_member_string (object, name);

  return fd_x_id_is_valid (id) ? g_strdup (id) : NULL;
}

static gboolean
valid_username (const char *name)
{
  gsize len = name != NULL ? strlen (name) : 0;

  if (len == 0 || len > MAX_USERNAME)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '_')
      return FALSE;
  return TRUE;
}

/* An opaque pagination token as X gives them. */
gboolean
x_client_valid_token (const char *token)
{
  if (token == NULL || *token == '\0' || strlen (token) > FD_LIMIT_ID)
    return FALSE;
  for (const char *p = token; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

/* An https URL of a sane length, else NULL. */
static char *
valid_url (const char *url)
{
  if (url == NULL || strlen (url) > FD_LIMIT_STRING || !g_str_has_prefix (url, "https://") ||
      !g_uri_is_valid (url, G_URI_FLAGS_NONE, NULL))
    return NULL;
  return g_strdup (url);
}

static gint64
timestamp (JsonObject *object,
           const char *name)
{
  const char *text = x_client_member_string (object, name);
  g_autoptr(GDateTime) time = text != NULL && strlen (text) < 64 ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return time != NULL ? g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time) : 0;
}

/* --- readers of X's answers ---------------------------------------------- */

gpointer
x_client_read_user (JsonObject         *root,
                    const FdXRateLimit *rate,
                    GError            **error)
{
  JsonObject *data = member_object (root, "data");
  g_autoptr(FdXUser) user = g_new0 (FdXUser, 1);

  user->id = valid_id (data, "id");
  if (user->id == NULL || !valid_username (x_client_member_string (data, "username")))
    {
      g_set_error_literal (error, FD_X_ERROR, FD_X_ERROR_MALFORMED, "no user id and username");
      return NULL;
    }
  user->username = g_strdup (x_client_member_string (data, "username"));
  user->name = x_client_bounded (x_client_member_string (data, "name"), FD_LIMIT_NAME, TRUE);
  user->rate = *rate;
  return g_steal_pointer (&user);
}

/* includes.users by id, includes.media by media_key (the answer owns the strings). */
typedef struct {
  GHashTable *users;            /* id → JsonObject */
  GHashTable *media;            /* media_key → JsonObject */
} Includes;

static void
includes_init (Includes   *inc,
               JsonObject *root)
{
  JsonObject *includes = member_object (root, "includes");
  JsonArray *users = x_client_member_array (includes, "users");
  JsonArray *media = x_client_member_array (includes, "media");
  guint n_users = users != NULL ? json_array_get_length (users) : 0;
  guint n_media = media != NULL ? json_array_get_length (media) : 0;

  inc->users = g_hash_table_new (g_str_hash, g_str_equal);
  inc->media = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n_users; i++)
    {
      JsonNode *node = json_array_get_element (users, i);
      if (JSON_NODE_HOLDS_OBJECT (node) && x_client_member_string (json_node_get_object (node), "id") != NULL)
        g_hash_table_insert (inc->users, (gpointer) x_client_member_string (json_node_get_object (node), "id"),
                             json_node_get_object (node));
    }
  for (guint i = 0; i < n_media; i++)
    {
      JsonNode *node = json_array_get_element (media, i);
      if (JSON_NODE_HOLDS_OBJECT (node) && x_client_member_string (json_node_get_object (node), "media_key") != NULL)
        g_hash_table_insert (inc->media, (gpointer) x_client_member_string (json_node_get_object (node), "media_key"),
                             json_node_get_object (node));
    }
}

static void
includes_clear (Includes *inc)
{
  g_clear_pointer (&inc->users, g_hash_table_unref);
  g_clear_pointer (&inc->media, g_hash_table_unref);
}

static char **
media_urls (JsonObject *item,
            Includes   *inc)
{
  JsonArray *keys = x_client_member_array (member_object (item, "attachments"), "media_keys");
  guint n = keys != NULL ? json_array_get_length (keys) : 0;
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n && urls->len < FD_X_MAX_MEDIA; i++)
    {
      JsonNode *key = json_array_get_element (keys, i);
      JsonObject *media;
      char *url;

      if (!JSON_NODE_HOLDS_VALUE (key) || json_node_get_value_type (key) != G_TYPE_STRING)
        continue;
      media = g_hash_table_lookup (inc->media, json_node_get_string (key));
      url = valid_url (x_client_member_string (media, "url"));
      if (url == NULL)
        url = valid_url (x_client_member_string (media, "preview_image_url"));
      if (url != NULL)
        g_ptr_array_add (urls, url);
    }
  if (urls->len == 0)
    return NULL;
  g_ptr_array_add (urls, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&urls), FALSE);
}

static FdXPost *
read_post (JsonObject *item,
           gboolean    direct,
           Includes   *inc)
{
  g_autoptr(FdXPost) post = g_new0 (FdXPost, 1);
  const char *text = x_client_member_string (item, "text");
  JsonObject *author;

  post->direct = direct;
  post->id = valid_id (item, "id");
  post->author_id = valid_id (item, direct ? "sender_id" : "author_id");
  if (post->id == NULL || text == NULL || post->author_id == NULL)
    return NULL;
  post->text = x_client_bounded (text, FD_LIMIT_TEXT, FALSE);
  author = g_hash_table_lookup (inc->users, post->author_id);
  if (author != NULL && valid_username (x_client_member_string (author, "username")))
    {
      post->author_username = g_strdup (x_client_member_string (author, "username"));
      post->author_name = x_client_bounded (x_client_member_string (author, "name"), FD_LIMIT_NAME, TRUE);
    }
  if (direct)
    {
      const char *conversation = x_client_member_string (item, "dm_conversation_id");
      /* "<lower id>-<higher id>" for one-to-one conversations. */
      if (conversation != NULL && strlen (conversation) <= 2 * 19 + 1)
        post->conversation_id = x_client_bounded (conversation, FD_LIMIT_ID, TRUE);
    }
  else
    {
      JsonArray *refs = x_client_member_array (item, "referenced_tweets");
      guint n = refs != NULL ? MIN (json_array_get_length (refs), FD_X_MAX_PAGE) : 0;

      post->conversation_id = valid_id (item, "conversation_id");
      post->in_reply_to_user_id = valid_id (item, "in_reply_to_user_id");
      for (guint i = 0; i < n && post->in_reply_to == NULL; i++)
        {
          JsonNode *ref = json_array_get_element (refs, i);
          if (JSON_NODE_HOLDS_OBJECT (ref) &&
              g_strcmp0 (x_client_member_string (json_node_get_object (ref), "type"), "replied_to") == 0)
            post->in_reply_to = valid_id (json_node_get_object (ref), "id");
        }
    }
  post->created_at = timestamp (item, "created_at");
  post->media_urls = media_urls (item, inc);
  return g_steal_pointer (&post);
}

static FdXPage *
read_page (JsonObject         *root,
           const FdXRateLimit *rate,
           gboolean            direct,
           GError            **error)
{
  JsonNode *data = json_object_get_member (root, "data");
  JsonObject *meta = member_object (root, "meta");
  JsonArray *errors = x_client_member_array (root, "errors");
  JsonArray *items;
  g_autoptr(FdXPage) page = g_new0 (FdXPage, 1);
  Includes inc;
  guint n;

  if (data != NULL && !JSON_NODE_HOLDS_ARRAY (data))
    {
      g_set_error_literal (error, FD_X_ERROR, FD_X_ERROR_MALFORMED, "data is not a list");
      return NULL;
    }
  if (meta == NULL && data != NULL)
    {
      g_set_error_literal (error, FD_X_ERROR, FD_X_ERROR_MALFORMED, "no meta");
      return NULL;
    }
  items = data != NULL ? json_node_get_array (data) : NULL;
  n = items != NULL ? json_array_get_length (items) : 0;
  if (n > FD_X_MAX_PAGE)
    {
      g_set_error (error, FD_X_ERROR, FD_X_ERROR_MALFORMED, "%u items in a page of at most %d", n, FD_X_MAX_PAGE);
      return NULL;
    }
  page->posts = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_x_post_free);
  includes_init (&inc, root);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      FdXPost *post = JSON_NODE_HOLDS_OBJECT (node) ? read_post (json_node_get_object (node), direct, &inc) : NULL;

      if (post == NULL)
        {
          includes_clear (&inc);
          g_set_error (error, FD_X_ERROR, FD_X_ERROR_MALFORMED, "item %u has no valid id, text and author", i);
          return NULL;
        }
      g_ptr_array_add (page->posts, post);
    }
  includes_clear (&inc);
  page->newest_id = valid_id (meta, "newest_id");
  page->oldest_id = valid_id (meta, "oldest_id");
  if (x_client_member_string (meta, "next_token") != NULL)
    {
      if (!x_client_valid_token (x_client_member_string (meta, "next_token")))
        {
          g_set_error_literal (error, FD_X_ERROR, FD_X_ERROR_MALFORMED, "meta.next_token is not a token");
          return NULL;
        }
      page->next_token = g_strdup (x_client_member_string (meta, "next_token"));
    }
  else if (meta != NULL && json_object_has_member (meta, "next_token"))
    {
      g_set_error_literal (error, FD_X_ERROR, FD_X_ERROR_MALFORMED, "meta.next_token is not a string");
      return NULL;
    }
  page->partial_errors = errors != NULL ? json_array_get_length (errors) : 0;
  page->rate = *rate;
  return g_steal_pointer (&page);
}

gpointer
x_client_read_mentions (JsonObject         *root,
                        const FdXRateLimit *rate,
                        GError            **error)
{
  return read_page (root, rate, FALSE, error);
}

gpointer
x_client_read_dm_events (JsonObject         *root,
                         const FdXRateLimit *rate,
                         GError            **error)
{
  return read_page (root, rate, TRUE, error);
}

gpointer
x_client_read_created_post (JsonObject         *root,
                            const FdXRateLimit *rate,
                            GError            **error)
{
  g_autoptr(FdXCreated) created = g_new0 (FdXCreated, 1);

  created->id = valid_id (member_object (root, "data"), "id");
  if (created->id == NULL)
    {
      g_set_error_literal (error, FD_X_ERROR, FD_X_ERROR_MALFORMED, "no data.id");
      return NULL;
    }
  created->rate = *rate;
  return g_steal_pointer (&created);
}

gpointer
x_client_read_created_dm (JsonObject         *root,
                          const FdXRateLimit *rate,
                          GError            **error)
{
  JsonObject *data = member_object (root, "data");
  g_autoptr(FdXCreated) created = g_new0 (FdXCreated, 1);
  const char *conversation = x_client_member_string (data, "dm_conversation_id");

  created->id = valid_id (data, "dm_event_id");
  if (created->id == NULL)
    {
      g_set_error_literal (error, FD_X_ERROR, FD_X_ERROR_MALFORMED, "no data.dm_event_id");
      return NULL;
    }
  if (conversation != NULL && strlen (conversation) <= 2 * 19 + 1)
    created->dm_conversation_id = x_client_bounded (conversation, FD_LIMIT_ID, TRUE);
  created->rate = *rate;
  return g_steal_pointer (&created);
}

gpointer
x_client_read_media (JsonObject         *root,
                     const FdXRateLimit *rate,
                     GError            **error)
{
  JsonObject *data = member_object (root, "data");
  g_autoptr(FdXMedia) media = g_new0 (FdXMedia, 1);
  const char *key = x_client_member_string (data, "media_key");

  media->id = valid_id (data, "id");
  if (media->id == NULL)
    {
      g_set_error_literal (error, FD_X_ERROR, FD_X_ERROR_MALFORMED, "no data.id");
      return NULL;
    }
  if (key != NULL && strlen (key) <= FD_LIMIT_ID)
    media->media_key = x_client_bounded (key, FD_LIMIT_ID, TRUE);
  media->rate = *rate;
  return g_steal_pointer (&media);
}
