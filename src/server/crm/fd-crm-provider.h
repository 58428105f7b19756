#pragma once

/* FdCrmProvider: one CRM behind the organization's connection (docs/crm.md,
 * "Adding a provider"). A provider is one file, fd-crm-NAME.c, that fills
 * one FdCrmProvider and is listed in fd_crm_providers[] (fd-crm-providers.c):
 * its OAuth endpoints (an FdOAuthPlatform of fd-oauth.c), a lookup by email
 * address or phone number, and the creation of a log entry, as requests
 * and readings of their answers. Both calls run on the main loop through
 * FdCrmCall (fd_crm_lookup_async(), fd_crm_log_async()): authenticated,
 * bounded, with timeouts, their failures typed as FdCrmError. Tokens,
 * refresh on FD_CRM_ERROR_UNAUTHORIZED, caching, back-off and the outbox
 * are fd-crm.c's, never a provider's. */

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fd-oauth.h"

G_BEGIN_DECLS

#define FD_CRM_ERROR (fd_crm_error_quark ())
GQuark fd_crm_error_quark (void);

typedef enum {
  /* The access token was refused (HTTP 401; Salesforce INVALID_SESSION_ID):
   * refresh it and try once more. */
  FD_CRM_ERROR_UNAUTHORIZED,
  /* HTTP 429 (or Salesforce REQUEST_LIMIT_EXCEEDED): wait retry_after s. */
  FD_CRM_ERROR_RATE_LIMITED,
  /* Not reachable, timed out, or HTTP 5xx: try again later. */
  FD_CRM_ERROR_UNAVAILABLE,
  /* An answer that is not what the published API returns: not JSON, HTML,
   * too large, a field of the wrong type. Try again later. */
  FD_CRM_ERROR_INVALID,
  /* The CRM refused the request itself (HTTP 4xx other than 401/429):
   * its errorCode and message in the error's message. */
  FD_CRM_ERROR_REFUSED,
} FdCrmError;

/* A CRM answer larger than this is refused unread (a lookup answers a few
 * KiB; the query asks for at most FD_CRM_LOOKUP_LIMIT records). */
#define FD_CRM_MAX_RESPONSE   (256 * 1024)
#define FD_CRM_LOOKUP_LIMIT   5
/* Seconds a CRM request may take in all. */
#define FD_CRM_TIMEOUT        20

/* One authenticated call context. retry_after is set by a
 * FD_CRM_ERROR_RATE_LIMITED answer (seconds; 0 = not said). */
typedef struct {
  SoupSession *session;
  const char  *instance_url;   /* https://acme.my.salesforce.com, no trailing / */
  const char  *access_token;
  gint         retry_after;
} FdCrmCall;

/* What a lookup found; NULL fields = not known. */
typedef struct {
  char *record_id;     /* the CRM's id (Salesforce 003…/00Q…, Zendesk digits) */
  char *kind;          /* "Contact", "Lead", "user" */
  char *label;         /* "(Salesforce Contact)" */
  char *record_url;    /* https://… in the CRM's web UI */
  char *company;
  char *name;
} FdCrmMatch;

void fd_crm_match_free (FdCrmMatch *match);

/* A log entry to create. */
typedef struct {
  const char *record_id;       /* the customer's record; NULL = not found */
  const char *customer_name;   /* nullable */
  const char *customer_email;  /* nullable */
  const char *subject;
  const char *body;            /* plain text: the transcript or the agent's text */
  const char *crm_user;        /* the agent's own CRM user; nullable */
  const char *idempotency_key; /* unique per entry, stable across retries */
} FdCrmEntryRequest;

typedef struct {
  const char      *id;             /* "salesforce": the wire's crm_provider */
  const char      *display_name;   /* "Salesforce" */
  FdOAuthPlatform  oauth_platform;
  /* An instance URL the administrator gave: TRUE when it is this CRM's
   * kind of address (tests pass http://127.0.0.1:… with allow_http). */
  gboolean (*check_instance) (const char *instance_url, gboolean allow_http, GError **error);
  /* The lookup's searches for @email, then @phone (normalised: digits
   * with a leading +; either may be NULL): GET paths, NULL-terminated,
   * tried in order until one finds a record; empty when there is nothing
   * to look up. */
  char       **(*lookup_paths) (const char  *email,
                                const char  *phone);
  /* The answer of search @index as a match; NULL without error for none. */
  FdCrmMatch  *(*read_match)   (FdCrmCall   *call,
                                guint        index,
                                JsonNode    *root,
                                GError     **error);
  /* A log entry is @log_body POSTed to log_path, with the entry's
   * Idempotency-Key when the CRM takes one; @read_log_id reads the new
   * entry's id from the answer (NULL with FD_CRM_ERROR_INVALID when it
   * has none). */
  const char   *log_path;
  gboolean      log_idempotency_key;
  JsonNode    *(*log_body)     (const FdCrmEntryRequest  *entry);
  char        *(*read_log_id)  (JsonObject               *answer,
                                GError                  **error);
} FdCrmProvider;

/* fd-crm-providers.c: every provider, NULL-terminated. */
extern const FdCrmProvider * const fd_crm_providers[];
const FdCrmProvider *fd_crm_provider_find (const char *id);

/* fd-crm-http.c: the request helpers providers use. */

/* Sends METHOD instance_url + @path (already escaped) with the bearer
 * token, @body as JSON when not NULL, and @idempotency_key as the
 * Idempotency-Key header when not NULL. The result is the answer's JSON
 * root (a JsonNode*, possibly of an empty 204 answer: NULL without error),
 * read up to FD_CRM_MAX_RESPONSE; HTTP errors become FdCrmError with the
 * CRM's message (Salesforce [{"message","errorCode"}], Zendesk
 * {"error","description"}). */
void      fd_crm_http_async   (FdCrmCall           *call,
                               const char          *method,
                               const char          *path,
                               JsonNode            *body,
                               const char          *idempotency_key,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
JsonNode *fd_crm_http_finish  (GAsyncResult        *result,
                               GError             **error);

/* A provider's lookup (lookup_paths, read_match) run on @call: the result
 * is an FdCrmMatch* or NULL for none. */
void      fd_crm_lookup_async (const FdCrmProvider *provider,
                               FdCrmCall           *call,
                               const char          *email,
                               const char          *phone,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
/* A provider's log entry (log_path, log_body, read_log_id) created on
 * @call: the result is the CRM's id of it (char*). */
void      fd_crm_log_async    (const FdCrmProvider     *provider,
                               FdCrmCall               *call,
                               const FdCrmEntryRequest *entry,
                               GCancellable            *cancellable,
                               GAsyncReadyCallback      callback,
                               gpointer                 user_data);

/* Typed member access for hostile answers: NULL / -1 when absent or of
 * another type. */
const char *fd_crm_json_string (JsonObject *object, const char *name);
JsonObject *fd_crm_json_object (JsonObject *object, const char *name);
JsonArray  *fd_crm_json_array  (JsonObject *object, const char *name);

/* A checked https origin (no path, query, user info): the instance URL. */
gboolean    fd_crm_check_origin (const char *url, gboolean allow_http, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdCrmMatch, fd_crm_match_free)

G_END_DECLS
