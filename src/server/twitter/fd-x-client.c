#define G_LOG_DOMAIN "fd-x-client"

/* FdXClient, the X API v2 client (fd-x-client.h): the object, its
 * results' free functions, X's ids, and one typed _async / _finish pair
 * per call (users/me, mentions, DM events, a post, a DM, a media upload),
 * its arguments checked before any request. The request itself is in
 * fd-x-client-request.c; the readers of X's answers in
 * fd-x-client-read.c. */

#include "fd-x-client-private.h"
#include "fd-codec.h"

#include <string.h>
#include <json-glib/json-glib.h>

G_DEFINE_QUARK (fd-x-error-quark, fd_x_error)

#define MENTION_FIELDS "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,attachments"
#define DM_FIELDS      "id,text,event_type,created_at,sender_id,dm_conversation_id,attachments,participant_ids"
#define MEDIA_FIELDS   "url,type,preview_image_url"

G_DEFINE_FINAL_TYPE (FdXClient, fd_x_client, G_TYPE_OBJECT)

/* --- results ------------------------------------------------------------- */

void
fd_x_post_free (FdXPost *post)
{
  if (post == NULL)
    return;
  g_free (post->id);
  g_free (post->text);
  g_free (post->author_id);
  g_free (post->author_username);
  g_free (post->author_name);
  g_free (post->conversation_id);
  g_free (post->in_reply_to);
  g_free (post->in_reply_to_user_id);
  g_strfreev (post->media_urls);
  g_free (post);
}

void
fd_x_page_free (FdXPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->posts, g_ptr_array_unref);
  g_free (page->newest_id);
  g_free (page->oldest_id);
  g_free (page->next_token);
  g_free (page);
}

void
fd_x_user_free (FdXUser *user)
{
  if (user == NULL)
    return;
  g_free (user->id);
  g_free (user->username);
  g_free (user->name);
  g_free (user);
}

void
fd_x_created_free (FdXCreated *created)
{
  if (created == NULL)
    return;
  g_free (created->id);
  g_free (created->dm_conversation_id);
  g_free (created);
}

void
fd_x_media_free (FdXMedia *media)
{
  if (media == NULL)
    return;
  g_free (media->id);
  g_free (media->media_key);
  g_free (media);
}

/* --- ids ----------------------------------------------------------------- */

gboolean
fd_x_id_is_valid (const char *id)
{
  gsize len;

  if (id == NULL)
    return FALSE;
  len = strlen (id);
  if (len == 0 || len > 19 || (id[0] == '0' && len > 1))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (id[i]))
      return FALSE;
  return TRUE;
}

int
fd_x_id_compare (const char *a,
                 const char *b)
{
  gboolean va = fd_x_id_is_valid (a), vb = fd_x_id_is_valid (b);
  gsize la, lb;

  if (!va || !vb)
    return (int) va - (int) vb;
  la = strlen (a);
  lb = strlen (b);
  if (la != lb)
    return la < lb ? -1 : 1;
  return strcmp (a, b) < 0 ? -1 : strcmp (a, b) > 0 ? 1 : 0;
}

char *
fd_x_post_url (const char *username,
               const char *id)
{
  g_return_val_if_fail (username != NULL && id != NULL, NULL);

  return g_strdup_printf ("https://x.com/%s/status/%s", username, id);
}

/* --- the calls ----------------------------------------------------------- */

static void
append_param (GString    *url,
              const char *name,
              const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  g_string_append_c (url, strchr (url->str, '?') == NULL ? '?' : '&');
  g_string_append_printf (url, "%s=%s", name, escaped);
}

static GTask *
new_task (FdXClient           *self,
          gpointer             tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  return task;
}

/* Fails @task before any request: a caller's argument X would refuse. */
static void
refuse (GTask      *task,
        const char *message)
{
  g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_INVALID_REQUEST, "%s", message);
  g_object_unref (task);
}

void
fd_x_client_get_me_async (FdXClient           *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;
  g_autofree char *url = NULL;

  g_return_if_fail (FD_IS_X_CLIENT (self));

  task = new_task (self, fd_x_client_get_me_async, cancellable, callback, user_data);
  url = g_strconcat (self->base_url, "/2/users/me?user.fields=name,username", NULL);
  x_client_send_call (self, task, "user", soup_message_new ("GET", url), x_client_read_user,
                      (GDestroyNotify) fd_x_user_free);
}

FdXUser *
fd_x_client_get_me_finish (FdXClient     *self,
                           GAsyncResult  *result,
                           FdXRateLimit  *out_rate,
                           GError       **error)
{
  return x_client_finish_common (self, result, fd_x_client_get_me_async, out_rate, error);
}

void
fd_x_client_mentions_async (FdXClient           *self,
                            const char          *user_id,
                            const char          *since_id,
                            const char          *pagination_token,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;
  g_autoptr(GString) url = NULL;

  g_return_if_fail (FD_IS_X_CLIENT (self));

  task = new_task (self, fd_x_client_mentions_async, cancellable, callback, user_data);
  if (!fd_x_id_is_valid (user_id) || (since_id != NULL && !fd_x_id_is_valid (since_id)) ||
      (pagination_token != NULL && !x_client_valid_token (pagination_token)))
    {
      refuse (task, "The mentions request needs X ids and a pagination token X gave.");
      return;
    }
  url = g_string_new (self->base_url);
  g_string_append_printf (url, "/2/users/%s/mentions", user_id);
  append_param (url, "max_results", "100");
  if (since_id != NULL)
    append_param (url, "since_id", since_id);
  if (pagination_token != NULL)
    append_param (url, "pagination_token", pagination_token);
  append_param (url, "tweet.fields", MENTION_FIELDS);
  append_param (url, "expansions", "author_id,attachments.media_keys");
  append_param (url, "user.fields", "name,username");
  append_param (url, "media.fields", MEDIA_FIELDS);
  x_client_send_call (self, task, "mentions", soup_message_new ("GET", url->str), x_client_read_mentions,
                      (GDestroyNotify) fd_x_page_free);
}

FdXPage *
fd_x_client_mentions_finish (FdXClient     *self,
                             GAsyncResult  *result,
                             FdXRateLimit  *out_rate,
                             GError       **error)
{
  return x_client_finish_common (self, result, fd_x_client_mentions_async, out_rate, error);
}

void
fd_x_client_dm_events_async (FdXClient           *self,
                             const char          *pagination_token,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  g_autoptr(GString) url = NULL;

  g_return_if_fail (FD_IS_X_CLIENT (self));

  task = new_task (self, fd_x_client_dm_events_async, cancellable, callback, user_data);
  if (pagination_token != NULL && !x_client_valid_token (pagination_token))
    {
      refuse (task, "The direct messages request needs a pagination token X gave.");
      return;
    }
  url = g_string_new (self->base_url);
  g_string_append (url, "/2/dm_events");
  append_param (url, "max_results", "100");
  if (pagination_token != NULL)
    append_param (url, "pagination_token", pagination_token);
  append_param (url, "event_types", "MessageCreate");
  append_param (url, "dm_event.fields", DM_FIELDS);
  append_param (url, "expansions", "sender_id,attachments.media_keys");
  append_param (url, "user.fields", "name,username");
  append_param (url, "media.fields", MEDIA_FIELDS);
  x_client_send_call (self, task, "direct messages", soup_message_new ("GET", url->str), x_client_read_dm_events,
                      (GDestroyNotify) fd_x_page_free);
}

FdXPage *
fd_x_client_dm_events_finish (FdXClient     *self,
                              GAsyncResult  *result,
                              FdXRateLimit  *out_rate,
                              GError       **error)
{
  return x_client_finish_common (self, result, fd_x_client_dm_events_async, out_rate, error);
}

static gboolean
valid_media_ids (const char * const *media_ids)
{
  guint n = 0;

  for (; media_ids != NULL && media_ids[n] != NULL; n++)
    if (!fd_x_id_is_valid (media_ids[n]))
      return FALSE;
  return n <= 4;
}

void
fd_x_client_create_post_async (FdXClient           *self,
                               const char          *text,
                               const char          *in_reply_to,
                               const char * const  *media_ids,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (FD_IS_X_CLIENT (self));
  g_return_if_fail (text != NULL);

  task = new_task (self, fd_x_client_create_post_async, cancellable, callback, user_data);
  if (!g_utf8_validate (text, -1, NULL) || strlen (text) > FD_LIMIT_TEXT ||
      (in_reply_to != NULL && !fd_x_id_is_valid (in_reply_to)) || !valid_media_ids (media_ids))
    {
      refuse (task, "The post needs valid text, an X id to answer and at most 4 media ids.");
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  if (in_reply_to != NULL)
    {
      json_builder_set_member_name (builder, "reply");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "in_reply_to_tweet_id");
      json_builder_add_string_value (builder, in_reply_to);
      json_builder_end_object (builder);
    }
  if (media_ids != NULL && media_ids[0] != NULL)
    {
      json_builder_set_member_name (builder, "media");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "media_ids");
      json_builder_begin_array (builder);
      for (guint i = 0; media_ids[i] != NULL; i++)
        json_builder_add_string_value (builder, media_ids[i]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  x_client_send_call (self, task, "post", x_client_json_message (self, "/2/tweets", body), x_client_read_created_post,
                      (GDestroyNotify) fd_x_created_free);
}

FdXCreated *
fd_x_client_create_post_finish (FdXClient     *self,
                                GAsyncResult  *result,
                                FdXRateLimit  *out_rate,
                                GError       **error)
{
  return x_client_finish_common (self, result, fd_x_client_create_post_async, out_rate, error);
}

void
fd_x_client_send_dm_async (FdXClient           *self,
                           const char          *participant_id,
                           const char          *text,
                           const char * const  *media_ids,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (FD_IS_X_CLIENT (self));
  g_return_if_fail (text != NULL);

  task = new_task (self, fd_x_client_send_dm_async, cancellable, callback, user_data);
  if (!fd_x_id_is_valid (participant_id) || !g_utf8_validate (text, -1, NULL) ||
      g_utf8_strlen (text, -1) > FD_X_MAX_DM_CHARS || !valid_media_ids (media_ids) ||
      (media_ids != NULL && media_ids[0] != NULL && media_ids[1] != NULL))
    {
      refuse (task, "The direct message needs an X user id, at most 10,000 characters and at most one media id.");
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  if (media_ids != NULL && media_ids[0] != NULL)
    {
      json_builder_set_member_name (builder, "attachments");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "media_id");
      json_builder_add_string_value (builder, media_ids[0]);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  path = g_strdup_printf ("/2/dm_conversations/with/%s/messages", participant_id);
  x_client_send_call (self, task, "direct message", x_client_json_message (self, path, body), x_client_read_created_dm,
                      (GDestroyNotify) fd_x_created_free);
}

FdXCreated *
fd_x_client_send_dm_finish (FdXClient     *self,
                            GAsyncResult  *result,
                            FdXRateLimit  *out_rate,
                            GError       **error)
{
  return x_client_finish_common (self, result, fd_x_client_send_dm_async, out_rate, error);
}

void
fd_x_client_upload_media_async (FdXClient           *self,
                                GBytes              *data,
                                const char          *content_type,
                                gboolean             direct,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  g_autofree char *url = NULL;
  g_autoptr(SoupMultipart) multipart = NULL;
  SoupMessage *message;

  g_return_if_fail (FD_IS_X_CLIENT (self));
  g_return_if_fail (data != NULL);

  task = new_task (self, fd_x_client_upload_media_async, cancellable, callback, user_data);
  if (g_bytes_get_size (data) == 0 || g_bytes_get_size (data) > FD_X_MAX_UPLOAD ||
      content_type == NULL || !g_str_has_prefix (content_type, "image/") || strlen (content_type) > FD_LIMIT_NAME)
    {
      refuse (task, "X takes images of at most 5 MB.");
      return;
    }
  url = g_strconcat (self->base_url, "/2/media/upload", NULL);
  multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  soup_multipart_append_form_file (multipart, "media", "media", content_type, data);
  soup_multipart_append_form_string (multipart, "media_category", direct ? "dm_image" : "tweet_image");
  message = g_uri_is_valid (url, G_URI_FLAGS_NONE, NULL) ? soup_message_new_from_multipart (url, multipart) : NULL;
  x_client_send_call (self, task, "media upload", message, x_client_read_media, (GDestroyNotify) fd_x_media_free);
}

FdXMedia *
fd_x_client_upload_media_finish (FdXClient     *self,
                                 GAsyncResult  *result,
                                 FdXRateLimit  *out_rate,
                                 GError       **error)
{
  return x_client_finish_common (self, result, fd_x_client_upload_media_async, out_rate, error);
}

/* --- the object ---------------------------------------------------------- */

static void
fd_x_client_finalize (GObject *object)
{
  FdXClient *self = FD_X_CLIENT (object);

  g_clear_object (&self->session);
  g_free (self->base_url);
  if (self->access_token != NULL)
    memset (self->access_token, 0, strlen (self->access_token));
  g_free (self->access_token);
  G_OBJECT_CLASS (fd_x_client_parent_class)->finalize (object);
}

static void
fd_x_client_class_init (FdXClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fd_x_client_finalize;
}

static void
fd_x_client_init (FdXClient *self)
{
}

FdXClient *
fd_x_client_new (SoupSession *session,
                 const char  *base_url)
{
  FdXClient *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_object_new (FD_TYPE_X_CLIENT, NULL);
  self->session = g_object_ref (session);
  self->base_url = g_strdup (base_url);
  /* "https://api.x.com/" and "https://api.x.com" name the same origin. */
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
  return self;
}

void
fd_x_client_set_access_token (FdXClient  *self,
                              const char *access_token)
{
  g_return_if_fail (FD_IS_X_CLIENT (self));

  if (self->access_token != NULL)
    memset (self->access_token, 0, strlen (self->access_token));
  g_free (self->access_token);
  self->access_token = g_strdup (access_token);
}

guint64
fd_x_client_get_calls (FdXClient *self)
{
  g_return_val_if_fail (FD_IS_X_CLIENT (self), 0);

  return self->calls;
}
