#pragma once

/* Shared by FdXClient's own files only: fd-x-client.c (the object and its
 * calls), fd-x-client-request.c (a request sent, its answer read, X's
 * errors and rate limits) and fd-x-client-read.c (X's answers mapped to
 * structs, bounded and cleaned strings). */

#include "fd-x-client.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

struct _FdXClient {
  GObject      parent_instance;
  SoupSession *session;
  char        *base_url;
  char        *access_token;
  guint64      calls;
};

/* A call's reader: X's answer (a JSON object) to the call's struct, or
 * NULL with @error when it is not in X's shape. */
typedef gpointer (*ReadAnswer) (JsonObject *root, const FdXRateLimit *rate, GError **error);

/* fd-x-client-request.c */
/* Sends @message (its request body set) for @task, whose answer @read
 * maps; takes @task's reference. */
void         x_client_send_call     (FdXClient      *self,
                                     GTask          *task,
                                     const char     *what,
                                     SoupMessage    *message,
                                     ReadAnswer      read,
                                     GDestroyNotify  free_result);
/* A POST of @body as JSON to @path of the base URL; NULL: no valid URL. */
SoupMessage *x_client_json_message  (FdXClient      *self,
                                     const char     *path,
                                     JsonNode       *body);
gpointer     x_client_finish_common (FdXClient      *self,
                                     GAsyncResult   *result,
                                     gpointer        tag,
                                     FdXRateLimit   *out_rate,
                                     GError        **error);

/* fd-x-client-read.c */
/* @object's member @name when it is a string (or an array), else NULL. */
const char  *x_client_member_string (JsonObject     *object,
                                     const char     *name);
JsonArray   *x_client_member_array  (JsonObject     *object,
                                     const char     *name);
char        *x_client_bounded       (const char     *text,
                                     glong           max_chars,
                                     gboolean        one_line);
gboolean     x_client_valid_token   (const char     *token);
/* The readers of the calls' answers (ReadAnswer). */
gpointer     x_client_read_user         (JsonObject         *root,
                                         const FdXRateLimit *rate,
                                         GError            **error);
gpointer     x_client_read_mentions     (JsonObject         *root,
                                         const FdXRateLimit *rate,
                                         GError            **error);
gpointer     x_client_read_dm_events    (JsonObject         *root,
                                         const FdXRateLimit *rate,
                                         GError            **error);
gpointer     x_client_read_created_post (JsonObject         *root,
                                         const FdXRateLimit *rate,
                                         GError            **error);
gpointer     x_client_read_created_dm   (JsonObject         *root,
                                         const FdXRateLimit *rate,
                                         GError            **error);
gpointer     x_client_read_media        (JsonObject         *root,
                                         const FdXRateLimit *rate,
                                         GError            **error);

G_END_DECLS
