#pragma once

/* FdCrm: the organization's CRM connection at work (docs/crm.md). It
 * loads the connections, keeps their tokens (sealed at rest with
 * FdSecretBox, refreshed with FdOAuth, the rotated refresh token saved),
 * looks every new conversation's customer up asynchronously (email, then
 * the normalised phone number) with a TTL cache and back-off, and sends the
 * durable outbox of log entries with retries. It serves the connect page
 * (fd-crm-page.c) and answers the admin API. Main loop only. */

#include <libsoup/soup.h>

#include "fd-center.h"
#include "fd-secret-box.h"
#include "fd-store-crm.h"

G_BEGIN_DECLS

typedef struct {
  guint       cache_seconds;    /* a lookup's result is kept this long; default 300 */
  guint       cache_entries;    /* at most this many results; default 10 000 */
  guint       max_queued;       /* log entries waiting per organization; default 10 000 */
  guint       backoff_ms;       /* first delay after a failure, doubled up to 1 h; default 5 000 */
  guint       link_seconds;     /* a connect link's lifetime; default 24 h */
  gboolean    allow_http;       /* tests: http:// instance URLs (loopback fakes) */
  const char *public_url;       /* where administrators reach the server; NULL: the listener's */
} FdCrmOptions;

/* Pending lookups at most; more are dropped (the next conversation looks again). */
#define FD_CRM_MAX_PENDING_LOOKUPS 1000
/* Lookups in flight at once. */
#define FD_CRM_MAX_LOOKUPS_IN_FLIGHT 4

typedef struct _FdCrm FdCrm;

void   fd_crm_options_init (FdCrmOptions *options);
/* @center and @box must outlive it. Loads the connections and starts the
 * outbox sender. */
FdCrm *fd_crm_new          (FdCenter            *center,
                            FdSecretBox         *box,
                            const FdCrmOptions  *options,
                            const char          *listener_url);
void   fd_crm_attach       (FdCrm               *self,
                            SoupServer          *server);
void   fd_crm_free         (FdCrm               *self);

guint  fd_crm_get_max_queued (FdCrm *self);

/* The admin API: connects (or reconnects) @organization_id to @provider at
 * @instance_url with the OAuth client; the connection is `pending` until an
 * administrator opens the returned link (the connect page) and consents.
 * @client_secret is write-only (sealed, never shown). */
char  *fd_crm_connect      (FdCrm               *self,
                            gint64               organization_id,
                            const char          *provider,
                            const char          *instance_url,
                            const char          *client_id,
                            const char          *client_secret,
                            gint64              *out_expires_at,
                            GError             **error);
/* The status object of docs/admin.md ("CRM"); NULL with NOT_FOUND. */
JsonNode *fd_crm_status    (FdCrm               *self,
                            gint64               organization_id,
                            GError             **error);
/* Forgets the connection and its tokens; queued entries stay (sent after a
 * new connection). */
gboolean fd_crm_disconnect (FdCrm               *self,
                            gint64               organization_id,
                            GError             **error);

G_END_DECLS
