#define G_LOG_DOMAIN "fd-x-client"

#include "fd-x-client.h"
#include "fd-codec.h"
#include "fd-http-answer.h"

#include <string.h>
#include <json-glib/json-glib.h>

/* One request at a time per call: the answer is read up to
 * FD_X_MAX_RESPONSE, parsed with the protocol's strict, depth-bounded
 * parser, then mapped to a struct by the call's own reader; X's problem
 * JSON ({"title","detail","type","status"} or {"errors":[…]}) becomes a
 * typed error whose message quotes X's detail, cleaned and cut. */

G_DEFINE_QUARK (fd-x-error-quark, fd_x_error)

#define MAX_DETAIL      300
#define MAX_USERNAME    15

#define MENTION_FIELDS "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,attachments"
#define DM_FIELDS      "id,text,event_type,created_at,sender_id,dm_conversation_id,attachments,participant_ids"
#define MEDIA_FIELDS   "url,type,preview_image_url"

struct _FdXClient {
  GObject      parent_instance;
  SoupSession *session;
  char        *base_url;
  char        *access_token;
  guint64      calls;
};

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

/* --- bounded, cleaned strings from X ------------------------------------- */

static const char *
member_string (JsonObject *object,
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

static JsonArray *
member_array (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* @text cut to at most @max_chars characters, the store's unit (the parser
 * already refused invalid UTF-8); @one_line turns controls into spaces. */
static char *
bounded (const char *text,
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
  const char *id = member_string (object, name);

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
static gboolean
valid_token (const char *token)
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
  const char *text = member_string (object, name);
  g_autoptr(GDateTime) time = text != NULL && strlen (text) < 64 ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return time != NULL ? g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time) : 0;
}

/* --- the request --------------------------------------------------------- */

typedef gpointer (*ReadAnswer) (JsonObject *root, const FdXRateLimit *rate, GError **error);

typedef struct {
  const char    *what;          /* "mentions", … for messages */
  SoupMessage   *message;
  GBytes        *body;          /* once read */
  ReadAnswer     read;
  GDestroyNotify free_result;
  FdXRateLimit   rate;
} Call;

static void
call_free (Call *call)
{
  g_clear_object (&call->message);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call);
}

static gint64
header_int (SoupMessageHeaders *headers,
            const char         *name)
{
  g_autofree char *value = g_strdup (soup_message_headers_get_one (headers, name));
  guint64 number;

  if (value != NULL && g_ascii_string_to_unsigned (g_strstrip (value), 10, 0, G_MAXINT64, &number, NULL))
    return (gint64) number;
  return -1;
}

static void
read_rate (Call *call)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (call->message);
  gint64 reset = header_int (headers, "x-rate-limit-reset");

  call->rate.limit = header_int (headers, "x-rate-limit-limit");
  call->rate.remaining = header_int (headers, "x-rate-limit-remaining");
  call->rate.reset = MAX (reset, 0);
}

/* X's words about a failure: the first of its errors' messages (the most
 * precise, in a 400), else a problem's detail, else its title; cleaned and
 * cut for a health reason. */
static char *
problem_detail (JsonNode *root)
{
  JsonObject *object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *errors = member_array (object, "errors");
  const char *text = NULL;

  if (errors != NULL && json_array_get_length (errors) > 0 && JSON_NODE_HOLDS_OBJECT (json_array_get_element (errors, 0)))
    {
      JsonObject *first = json_array_get_object_element (errors, 0);
      text = member_string (first, "message");
      if (text == NULL)
        text = member_string (first, "detail");
    }
  if (text == NULL)
    text = member_string (object, "detail");
  if (text == NULL)
    text = member_string (object, "title");
  if (text == NULL)
    text = member_string (object, "error_description");
  return text != NULL ? bounded (text, MAX_DETAIL, TRUE) : g_strdup ("no detail given");
}

static void
return_status_error (GTask *task,
                     Call  *call,
                     guint  status)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *detail = NULL;

  if (g_bytes_get_size (call->body) > 0)
    root = fd_json_parse (g_bytes_get_data (call->body, NULL), g_bytes_get_size (call->body), FD_X_MAX_RESPONSE,
                          NULL);
  detail = problem_detail (root);

  if (status == 429)
    {
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;
      g_autoptr(GDateTime) at = NULL;
      g_autofree char *when = NULL;

      /* A reset absent, past or absurdly far is X's window from now. */
      if (call->rate.reset <= now || call->rate.reset > now + 24 * 3600)
        call->rate.reset = now + FD_X_DEFAULT_RESET_SECONDS;
      at = g_date_time_new_from_unix_utc (call->rate.reset);
      when = g_date_time_format (at, "%H:%M:%S");
      g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_RATE_LIMITED,
                               "X's rate limit for %s is reached until %s UTC; the stream waits until then.",
                               call->what, when);
    }
  else if (status == SOUP_STATUS_UNAUTHORIZED)
    g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_UNAUTHORIZED,
                             "X refused the access token (%s); it must be refreshed or the account authorized again.",
                             detail);
  else if (status == SOUP_STATUS_FORBIDDEN)
    g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_FORBIDDEN, "X refused the %s request: %s", call->what, detail);
  else if (status == SOUP_STATUS_NOT_FOUND)
    g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_NOT_FOUND, "X does not know this %s request (HTTP 404: %s).",
                             call->what, detail);
  else if (status >= 400 && status < 500)
    g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_INVALID_REQUEST, "X found the %s request invalid (HTTP %u: %s).",
                             call->what, status, detail);
  else
    g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_SERVER,
                             "X answered the %s request with HTTP %u; it is tried again later.", call->what, status);
}

static void
finish_call (GTask *task)
{
  Call *call = g_task_get_task_data (task);
  guint status = soup_message_get_status (call->message);
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (call->message), NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  gpointer result;

  read_rate (call);
  if (status < 200 || status >= 300)
    {
      return_status_error (task, call, status);
      return;
    }
  if (type == NULL || g_ascii_strcasecmp (type, "application/json") != 0)
    {
      g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_MALFORMED,
                               "X's answer to the %s request is not JSON; it is tried again later.", call->what);
      return;
    }
  root = fd_json_parse (g_bytes_get_data (call->body, NULL), g_bytes_get_size (call->body), FD_X_MAX_RESPONSE,
                        &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_MALFORMED,
                               "X's answer to the %s request is not a JSON object (%s); it is tried again later.",
                               call->what, root == NULL ? error->message : "another value");
      return;
    }
  result = call->read (json_node_get_object (root), &call->rate, &error);
  if (result == NULL)
    {
      g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_MALFORMED,
                               "X's answer to the %s request is not in X's shape (%s); it is tried again later.",
                               call->what, error->message);
      return;
    }
  g_task_return_pointer (task, result, call->free_result);
}

static void
on_answered (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;

  call->body = fd_http_answer_finish (result, &error);
  if (call->body != NULL)
    finish_call (task);
  else if (g_error_matches (error, FD_HTTP_ANSWER_ERROR, FD_HTTP_ANSWER_ERROR_TOO_LARGE))
    {
      read_rate (call);
      g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_MALFORMED,
                               "X's answer to the %s request is larger than %d bytes; it is tried again later.",
                               call->what, FD_X_MAX_RESPONSE);
      g_error_free (error);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, error);
  else
    {
      g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_NETWORK,
                               "X cannot be reached for the %s request (%s); it is tried again later.",
                               call->what, error->message);
      g_error_free (error);
    }
}

/* Sends @message (its request body set) for @task, whose answer @read maps. */
static void
send_call (FdXClient     *self,
           GTask         *task,
           const char    *what,
           SoupMessage   *message,
           ReadAnswer     read,
           GDestroyNotify free_result)
{
  Call *call = g_new0 (Call, 1);
  SoupMessageHeaders *headers;

  call->what = what;
  call->read = read;
  call->free_result = free_result;
  call->rate.limit = call->rate.remaining = -1;
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  if (message == NULL)
    {
      g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_INVALID_REQUEST,
                               "The X API base URL does not make a valid %s request URL.", what);
      g_object_unref (task);
      return;
    }
  call->message = message;
  /* X never redirects an API call: a redirect is an answer of its own. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (message);
  if (self->access_token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", self->access_token, NULL);
      soup_message_headers_replace (headers, "Authorization", bearer);
    }
  soup_message_headers_replace (headers, "Accept", "application/json");
  self->calls++;
  fd_http_answer_async (self->session, message, FD_X_MAX_RESPONSE, g_task_get_cancellable (task), on_answered, task);
}

static SoupMessage *
json_message (FdXClient  *self,
              const char *path,
              JsonNode   *body)
{
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  SoupMessage *message = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = NULL;
  gsize len = 0;
  char *text;

  if (message == NULL)
    return NULL;
  text = fd_json_to_string (body, &len);
  bytes = g_bytes_new_take (text, len);
  soup_message_set_request_body_from_bytes (message, "application/json", bytes);
  return message;
}

static gpointer
finish_common (FdXClient     *self,
               GAsyncResult  *result,
               gpointer       tag,
               FdXRateLimit  *out_rate,
               GError       **error)
{
  Call *call;

  g_return_val_if_fail (FD_IS_X_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, NULL);

  call = g_task_get_task_data (G_TASK (result));
  if (out_rate != NULL)
    {
      if (call != NULL)
        *out_rate = call->rate;
      else
        *out_rate = (FdXRateLimit) { -1, -1, 0 };
    }
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- readers of X's answers ---------------------------------------------- */

static gpointer
read_user (JsonObject         *root,
           const FdXRateLimit *rate,
           GError            **error)
{
  JsonObject *data = member_object (root, "data");
  g_autoptr(FdXUser) user = g_new0 (FdXUser, 1);

  user->id = valid_id (data, "id");
  if (user->id == NULL || !valid_username (member_string (data, "username")))
    {
      g_set_error_literal (error, FD_X_ERROR, FD_X_ERROR_MALFORMED, "no user id and username");
      return NULL;
    }
  user->username = g_strdup (member_string (data, "username"));
  user->name = bounded (member_string (data, "name"), FD_LIMIT_NAME, TRUE);
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
  JsonArray *users = member_array (includes, "users");
  JsonArray *media = member_array (includes, "media");
  guint n_users = users != NULL ? json_array_get_length (users) : 0;
  guint n_media = media != NULL ? json_array_get_length (media) : 0;

  inc->users = g_hash_table_new (g_str_hash, g_str_equal);
  inc->media = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n_users; i++)
    {
      JsonNode *node = json_array_get_element (users, i);
      if (JSON_NODE_HOLDS_OBJECT (node) && member_string (json_node_get_object (node), "id") != NULL)
        g_hash_table_insert (inc->users, (gpointer) member_string (json_node_get_object (node), "id"),
                             json_node_get_object (node));
    }
  for (guint i = 0; i < n_media; i++)
    {
      JsonNode *node = json_array_get_element (media, i);
      if (JSON_NODE_HOLDS_OBJECT (node) && member_string (json_node_get_object (node), "media_key") != NULL)
        g_hash_table_insert (inc->media, (gpointer) member_string (json_node_get_object (node), "media_key"),
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
  JsonArray *keys = member_array (member_object (item, "attachments"), "media_keys");
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
      url = valid_url (member_string (media, "url"));
      if (url == NULL)
        url = valid_url (member_string (media, "preview_image_url"));
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
  const char *text = member_string (item, "text");
  JsonObject *author;

  post->direct = direct;
  post->id = valid_id (item, "id");
  post->author_id = valid_id (item, direct ? "sender_id" : "author_id");
  if (post->id == NULL || text == NULL || post->author_id == NULL)
    return NULL;
  post->text = bounded (text, FD_LIMIT_TEXT, FALSE);
  author = g_hash_table_lookup (inc->users, post->author_id);
  if (author != NULL && valid_username (member_string (author, "username")))
    {
      post->author_username = g_strdup (member_string (author, "username"));
      post->author_name = bounded (member_string (author, "name"), FD_LIMIT_NAME, TRUE);
    }
  if (direct)
    {
      const char *conversation = member_string (item, "dm_conversation_id");
      /* "<lower id>-<higher id>" for one-to-one conversations. */
      if (conversation != NULL && strlen (conversation) <= 2 * 19 + 1)
        post->conversation_id = bounded (conversation, FD_LIMIT_ID, TRUE);
    }
  else
    {
      JsonArray *refs = member_array (item, "referenced_tweets");
      guint n = refs != NULL ? MIN (json_array_get_length (refs), FD_X_MAX_PAGE) : 0;

      post->conversation_id = valid_id (item, "conversation_id");
      post->in_reply_to_user_id = valid_id (item, "in_reply_to_user_id");
      for (guint i = 0; i < n && post->in_reply_to == NULL; i++)
        {
          JsonNode *ref = json_array_get_element (refs, i);
          if (JSON_NODE_HOLDS_OBJECT (ref) &&
              g_strcmp0 (member_string (json_node_get_object (ref), "type"), "replied_to") == 0)
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
  JsonArray *errors = member_array (root, "errors");
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
  if (member_string (meta, "next_token") != NULL)
    {
      if (!valid_token (member_string (meta, "next_token")))
        {
          g_set_error_literal (error, FD_X_ERROR, FD_X_ERROR_MALFORMED, "meta.next_token is not a token");
          return NULL;
        }
      page->next_token = g_strdup (member_string (meta, "next_token"));
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

static gpointer
read_mentions (JsonObject         *root,
               const FdXRateLimit *rate,
               GError            **error)
{
  return read_page (root, rate, FALSE, error);
}

static gpointer
read_dm_events (JsonObject         *root,
                const FdXRateLimit *rate,
                GError            **error)
{
  return read_page (root, rate, TRUE, error);
}

static gpointer
read_created_post (JsonObject         *root,
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

static gpointer
read_created_dm (JsonObject         *root,
                 const FdXRateLimit *rate,
                 GError            **error)
{
  JsonObject *data = member_object (root, "data");
  g_autoptr(FdXCreated) created = g_new0 (FdXCreated, 1);
  const char *conversation = member_string (data, "dm_conversation_id");

  created->id = valid_id (data, "dm_event_id");
  if (created->id == NULL)
    {
      g_set_error_literal (error, FD_X_ERROR, FD_X_ERROR_MALFORMED, "no data.dm_event_id");
      return NULL;
    }
  if (conversation != NULL && strlen (conversation) <= 2 * 19 + 1)
    created->dm_conversation_id = bounded (conversation, FD_LIMIT_ID, TRUE);
  created->rate = *rate;
  return g_steal_pointer (&created);
}

static gpointer
read_media (JsonObject         *root,
            const FdXRateLimit *rate,
            GError            **error)
{
  JsonObject *data = member_object (root, "data");
  g_autoptr(FdXMedia) media = g_new0 (FdXMedia, 1);
  const char *key = member_string (data, "media_key");

  media->id = valid_id (data, "id");
  if (media->id == NULL)
    {
      g_set_error_literal (error, FD_X_ERROR, FD_X_ERROR_MALFORMED, "no data.id");
      return NULL;
    }
  if (key != NULL && strlen (key) <= FD_LIMIT_ID)
    media->media_key = bounded (key, FD_LIMIT_ID, TRUE);
  media->rate = *rate;
  return g_steal_pointer (&media);
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
  send_call (self, task, "user", soup_message_new ("GET", url), read_user, (GDestroyNotify) fd_x_user_free);
}

FdXUser *
fd_x_client_get_me_finish (FdXClient     *self,
                           GAsyncResult  *result,
                           FdXRateLimit  *out_rate,
                           GError       **error)
{
  return finish_common (self, result, fd_x_client_get_me_async, out_rate, error);
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
      (pagination_token != NULL && !valid_token (pagination_token)))
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
  send_call (self, task, "mentions", soup_message_new ("GET", url->str), read_mentions,
             (GDestroyNotify) fd_x_page_free);
}

FdXPage *
fd_x_client_mentions_finish (FdXClient     *self,
                             GAsyncResult  *result,
                             FdXRateLimit  *out_rate,
                             GError       **error)
{
  return finish_common (self, result, fd_x_client_mentions_async, out_rate, error);
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
  if (pagination_token != NULL && !valid_token (pagination_token))
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
  send_call (self, task, "direct messages", soup_message_new ("GET", url->str), read_dm_events,
             (GDestroyNotify) fd_x_page_free);
}

FdXPage *
fd_x_client_dm_events_finish (FdXClient     *self,
                              GAsyncResult  *result,
                              FdXRateLimit  *out_rate,
                              GError       **error)
{
  return finish_common (self, result, fd_x_client_dm_events_async, out_rate, error);
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
  send_call (self, task, "post", json_message (self, "/2/tweets", body), read_created_post,
             (GDestroyNotify) fd_x_created_free);
}

FdXCreated *
fd_x_client_create_post_finish (FdXClient     *self,
                                GAsyncResult  *result,
                                FdXRateLimit  *out_rate,
                                GError       **error)
{
  return finish_common (self, result, fd_x_client_create_post_async, out_rate, error);
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
  send_call (self, task, "direct message", json_message (self, path, body), read_created_dm,
             (GDestroyNotify) fd_x_created_free);
}

FdXCreated *
fd_x_client_send_dm_finish (FdXClient     *self,
                            GAsyncResult  *result,
                            FdXRateLimit  *out_rate,
                            GError       **error)
{
  return finish_common (self, result, fd_x_client_send_dm_async, out_rate, error);
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
  send_call (self, task, "media upload", message, read_media, (GDestroyNotify) fd_x_media_free);
}

FdXMedia *
fd_x_client_upload_media_finish (FdXClient     *self,
                                 GAsyncResult  *result,
                                 FdXRateLimit  *out_rate,
                                 GError       **error)
{
  return finish_common (self, result, fd_x_client_upload_media_async, out_rate, error);
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
