#define G_LOG_DOMAIN "fd-http-guard"

/* Request bodies are checked from the message's "got-headers", connected
 * from the server's "request-started": SoupServer connects its own
 * "got-headers" (auth domains, early handlers) first, so this runs after
 * them and before libsoup reads a byte of the body. With "Expect:
 * 100-continue" a status set here is answered instead of the 100; without
 * it libsoup reads the body anyway, so a refusal also stops keeping it
 * (accumulate FALSE) and fd_listener_reject_now() answers at once. */

#include "fd-http-guard.h"

#include "fd-authorize.h"

#include "fd-admin-api.h"
#include "fd-agent-api.h"
#include "fd-auth.h"
#include "fd-files-api.h"
#include "fd-listener.h"
#include "fd-visitor-api.h"

#include <string.h>

#define VERDICT_KEY "fd-http-guard-verdict"

enum {
  VERDICT_PASSED = 1,
  VERDICT_REFUSED,
};

/* JSON bodies: the largest valid request, every character written as a
 * six-byte \uXXXX escape, with room to spare (unknown members are
 * ignored, so clients may send a few more). */
#define SIGN_IN_MAX_BODY         (16 * 1024)
#define VISITOR_SESSION_MAX_BODY (32 * 1024)
#define CALLBACK_MAX_BODY        (16 * 1024)
/* A site document holds a whole organization. */
#define SITE_MAX_BODY            (8 * 1024 * 1024)

/* The first row that matches is used; "*" is one path segment, a path
 * ending in "/" also matches everything below it. Keep docs/admin.md
 * ("Request bodies") in step. */
static const FdHttpRoute routes[] = {
  { "POST", FD_AGENT_API_SESSIONS, SIGN_IN_MAX_BODY, FD_HTTP_AUTH_NONE, FD_HTTP_ERRORS_FLAT },
  { "POST", FD_FILES_API_AGENT_UPLOAD, FD_FILES_API_MAX_SIZE, FD_HTTP_AUTH_AGENT, FD_HTTP_ERRORS_FLAT },
  { "POST", FD_VISITOR_API_SESSIONS, VISITOR_SESSION_MAX_BODY, FD_HTTP_AUTH_NONE, FD_HTTP_ERRORS_FLAT },
  { "POST", FD_VISITOR_API_CALLBACKS, CALLBACK_MAX_BODY, FD_HTTP_AUTH_NONE, FD_HTTP_ERRORS_FLAT },
  { "POST", FD_ADMIN_API_PREFIX "/organizations/*/files", FD_FILES_API_MAX_SIZE, FD_HTTP_AUTH_ADMIN,
    FD_HTTP_ERRORS_FLAT },
  { "POST", FD_ADMIN_API_PREFIX "/sites", SITE_MAX_BODY, FD_HTTP_AUTH_ADMIN, FD_HTTP_ERRORS_ADMIN },
  { "PUT", FD_ADMIN_API_PREFIX "/organizations/*/site", SITE_MAX_BODY, FD_HTTP_AUTH_ADMIN,
    FD_HTTP_ERRORS_ADMIN },
  { NULL, FD_ADMIN_API_PREFIX "/", FD_ADMIN_API_MAX_BODY, FD_HTTP_AUTH_ADMIN, FD_HTTP_ERRORS_ADMIN },
  /* The Email Authorization page's form (fd-authorize-page-form.c). */
  { "POST", FD_AUTHORIZE_PREFIX "/", FD_AUTHORIZE_MAX_BODY, FD_HTTP_AUTH_NONE, FD_HTTP_ERRORS_FLAT },
  /* The CRM connect page's form: its CSRF field only (fd-crm-page.c). */
  { "POST", "/crm/connect/", 4096, FD_HTTP_AUTH_NONE, FD_HTTP_ERRORS_FLAT },
  /* Everything else (downloads, the widget's files, websockets, health)
   * takes no body. */
  { NULL, "/", 0, FD_HTTP_AUTH_NONE, FD_HTTP_ERRORS_FLAT },
};

struct _FdHttpGuard
{
  FdStore    *store;
  SoupServer *server;
  gulong      request_started_id;
};

/* --- The table --------------------------------------------------------------- */

static gboolean
path_matches (const char *pattern,
              const char *path)
{
  while (*pattern != '\0')
    {
      if (pattern[0] == '/' && pattern[1] == '\0')
        return *path == '\0' || *path == '/';
      if (*pattern == '*')
        {
          const char *end = strchr (path, '/');
          gsize len = end != NULL ? (gsize) (end - path) : strlen (path);

          if (len == 0)
            return FALSE;
          pattern++;
          path += len;
          continue;
        }
      if (*pattern != *path)
        return FALSE;
      pattern++;
      path++;
    }
  return *path == '\0';
}

const FdHttpRoute *
fd_http_guard_route (const char *method,
                     const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (routes) - 1; i++)
    if ((routes[i].method == NULL || g_strcmp0 (routes[i].method, method) == 0) &&
        path != NULL && path_matches (routes[i].path, path))
      return &routes[i];
  return &routes[G_N_ELEMENTS (routes) - 1];
}

const FdHttpRoute *
fd_http_guard_get_routes (guint *n_routes)
{
  if (n_routes != NULL)
    *n_routes = G_N_ELEMENTS (routes);
  return routes;
}

/* --- Refusals ---------------------------------------------------------------- */

/* Answers before the body is read and makes sure libsoup keeps none of the
 * body it may still read. @status 0 means the code's own status. */
static void
refuse (SoupServerMessage  *msg,
        const FdHttpRoute  *route,
        FdWireError         code,
        guint               status,
        const char         *message)
{
  g_autofree char *body = fd_api_error_text (route->errors, code, message);

  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  if (code == FD_WIRE_ERROR_UNAUTHORIZED)
    fd_api_set_challenge (msg, route->auth == FD_HTTP_AUTH_ADMIN ? FD_HTTP_ERRORS_ADMIN : FD_HTTP_ERRORS_FLAT);
  fd_listener_reject_now (msg, status != 0 ? status : fd_wire_error_get_http_status (code),
                          "application/json", body);
}

/* NULL when the caller holds the route's credential, else the sentence of
 * the 401 (or of a 500 in @out_internal when the store failed). */
static const char *
check_auth (FdHttpGuard        *self,
            SoupServerMessage  *msg,
            const FdHttpRoute  *route,
            gboolean           *out_internal)
{
  g_autofree char *token = fd_api_dup_bearer (msg);
  g_autoptr(FdAgent) agent = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;

  *out_internal = FALSE;
  switch (route->auth)
    {
    case FD_HTTP_AUTH_NONE:
      return NULL;
    case FD_HTTP_AUTH_AGENT:
      if (token == NULL)
        return "This upload needs “Authorization: Bearer <token>”; sign in first.";
      ok = fd_auth_check_agent_token (self->store, token, &agent, &error);
      break;
    case FD_HTTP_AUTH_ADMIN:
    default:
      if (token == NULL)
        return "This API needs “Authorization: Bearer <admin token>”.";
      ok = fd_auth_check_admin_token (self->store, token, &error);
      break;
    }
  if (ok)
    return NULL;
  if (error != NULL && g_error_matches (error, FD_AUTH_ERROR, FD_AUTH_ERROR_FAILED))
    {
      g_warning ("Cannot check a token before a request body: %s", error->message);
      *out_internal = TRUE;
      return "The server could not check the token; try again later.";
    }
  return route->auth == FD_HTTP_AUTH_ADMIN
           ? "The admin token is not valid; frontdeskd writes a valid one beside its database."
           : "Sign in first: the token is missing or wrong.";
}

static gboolean
run_checks (FdHttpGuard       *self,
            SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  const FdHttpRoute *route = fd_http_guard_route (soup_server_message_get_method (msg),
                                                  uri != NULL ? g_uri_get_path (uri) : NULL);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  goffset length = 0;
  const char *refusal;
  gboolean internal = FALSE;

  if (encoding == SOUP_ENCODING_CONTENT_LENGTH)
    length = soup_message_headers_get_content_length (headers);
  else if (encoding != SOUP_ENCODING_NONE)
    {
      /* A body of unknown size cannot be refused before it is read. */
      if (route->max_body == 0)
        refuse (msg, route, FD_WIRE_ERROR_TOO_LARGE, 0, "This address takes no request body.");
      else
        refuse (msg, route, FD_WIRE_ERROR_MALFORMED, SOUP_STATUS_LENGTH_REQUIRED,
                "Send the request body with a Content-Length; chunked bodies are not accepted.");
      return FALSE;
    }

  if (length > route->max_body)
    {
      g_autofree char *text = NULL;

      if (route->max_body == 0)
        text = g_strdup ("This address takes no request body.");
      else if (route->max_body >= 1024 * 1024)
        text = g_strdup_printf ("The request body is larger than %" G_GOFFSET_FORMAT " MiB, the limit of "
                                "this address; send a smaller one.", route->max_body / (1024 * 1024));
      else
        text = g_strdup_printf ("The request body is larger than %" G_GOFFSET_FORMAT " KiB, the limit of "
                                "this address; send a smaller one.", route->max_body / 1024);
      refuse (msg, route, FD_WIRE_ERROR_TOO_LARGE, 0, text);
      return FALSE;
    }

  /* Without a body there is nothing to protect: the handler checks the
   * token as it always does. */
  if (length == 0)
    return TRUE;
  refusal = check_auth (self, msg, route, &internal);
  if (refusal != NULL)
    {
      refuse (msg, route, internal ? FD_WIRE_ERROR_INTERNAL : FD_WIRE_ERROR_UNAUTHORIZED, 0, refusal);
      return FALSE;
    }
  return TRUE;
}

gboolean
fd_http_guard_check (FdHttpGuard       *self,
                     SoupServerMessage *msg)
{
  guint verdict;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), FALSE);

  verdict = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (msg), VERDICT_KEY));
  if (verdict == 0)
    {
      /* An auth domain or an early handler answered already. */
      if (soup_server_message_get_status (msg) != 0)
        {
          soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
          verdict = VERDICT_REFUSED;
        }
      else
        verdict = run_checks (self, msg) ? VERDICT_PASSED : VERDICT_REFUSED;
      g_object_set_data (G_OBJECT (msg), VERDICT_KEY, GUINT_TO_POINTER (verdict));
    }
  return verdict == VERDICT_PASSED;
}

/* --- The object -------------------------------------------------------------- */

static void
on_got_headers_cb (SoupServerMessage *msg,
                   gpointer           user_data)
{
  fd_http_guard_check (user_data, msg);
}

static void
on_request_started_cb (SoupServer        *server,
                       SoupServerMessage *msg,
                       gpointer           user_data)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers_cb), user_data);
}

FdHttpGuard *
fd_http_guard_new (FdStore *store)
{
  FdHttpGuard *self;

  g_return_val_if_fail (store != NULL, NULL);

  self = g_new0 (FdHttpGuard, 1);
  self->store = store;
  return self;
}

void
fd_http_guard_attach (FdHttpGuard *self,
                      SoupServer  *server)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (SOUP_IS_SERVER (server));
  g_return_if_fail (self->server == NULL);

  self->server = g_object_ref (server);
  self->request_started_id = g_signal_connect (server, "request-started",
                                               G_CALLBACK (on_request_started_cb), self);
}

void
fd_http_guard_free (FdHttpGuard *self)
{
  if (self == NULL)
    return;
  if (self->server != NULL)
    {
      g_clear_signal_handler (&self->request_started_id, self->server);
      g_clear_object (&self->server);
    }
  g_free (self);
}
