#pragma once

/* FdCrm's parts (fd-crm.c: connections and tokens; fd-crm-lookup.c;
 * fd-crm-outbox.c; fd-crm-page.c: the connect page and the admin calls). */

#include "fd-crm.h"
#include "fd-crm-provider.h"
#include "fd-oauth.h"

G_BEGIN_DECLS

typedef struct {
  gint                  ref;
  gboolean              gone;            /* disconnected or reloaded: finish, then forget */
  gint64                organization_id;
  const FdCrmProvider  *provider;
  char                 *instance_url;
  char                 *client_id;
  char                 *client_secret;   /* opened; wiped when freed */
  FdOAuthTokens        *tokens;          /* NULL = not authorized yet */
  char                 *status;
  char                 *status_reason;
  FdOAuthProvider      *oauth;
  gboolean              refreshing;
  GSList               *refresh_waiters; /* GTask* */
  gint64                backoff_until;   /* monotonic µs; 0 = not paused */
  gint64                backoff_ms;
} CrmOrg;

struct _FdCrm {
  FdCenter      *center;
  FdSecretBox   *box;
  FdCrmOptions   options;
  char          *public_url;
  SoupSession   *session;
  GCancellable  *cancellable;
  GHashTable    *orgs;            /* gint64* organization id → CrmOrg* */
  guint          pump_id;
  /* fd-crm-lookup.c */
  GQueue        *lookups;         /* Lookup* waiting */
  guint          lookups_in_flight;
  guint          lookup_idle_id;
  GHashTable    *cache;           /* "org\nkey" → CacheEntry* */
  GQueue        *cache_order;     /* keys, oldest first */
  /* fd-crm-outbox.c */
  gboolean       sending;
  guint          outbox_id;
  /* fd-crm-page.c */
  guchar         csrf_key[32];
  char          *style_hash;     /* the CSP hash of the page's style (fd-web-page.h) */
  gboolean       secure;
};

CrmOrg  *crm_org_ref            (CrmOrg *org);
void     crm_org_unref          (CrmOrg *org);
CrmOrg  *fd_crm_load_org        (FdCrm *self, gint64 organization_id);
void     fd_crm_forget_org      (FdCrm *self, gint64 organization_id);
gboolean fd_crm_org_usable      (CrmOrg *org);
gboolean fd_crm_org_paused      (CrmOrg *org);
void     fd_crm_org_failed      (FdCrm *self, CrmOrg *org, const GError *error, gint retry_after);
void     fd_crm_org_succeeded   (CrmOrg *org);
void     fd_crm_set_status      (FdCrm *self, CrmOrg *org, const char *status, const char *reason);
void     fd_crm_schedule_pumps  (FdCrm *self);
GBytes  *fd_crm_seal_tokens     (FdCrm *self, const FdOAuthTokens *tokens, GError **error);
/* Prepares @call for a request on @org's behalf: the session, @instance_url
 * (the caller's copy), and the organization's current access token copied
 * into *@access_token (replacing what it held), which the call borrows. */
void     fd_crm_call_init       (FdCrm *self, CrmOrg *org, const char *instance_url, FdCrmCall *call,
                                 char **access_token);
void     fd_crm_refresh_async   (FdCrm *self, CrmOrg *org, GAsyncReadyCallback callback, gpointer user_data);
gboolean fd_crm_refresh_finish  (GAsyncResult *result, GError **error);

void     fd_crm_lookup_init     (FdCrm *self);
void     fd_crm_lookup_clear    (FdCrm *self);
void     fd_crm_lookup_queue    (FdCrm *self, gint64 organization_id, gint64 conversation_id);
void     fd_crm_lookup_pump     (FdCrm *self);

void     fd_crm_outbox_kick     (FdCrm *self);
void     fd_crm_outbox_pump     (FdCrm *self);
void     fd_crm_outbox_clear    (FdCrm *self);

void     fd_crm_page_init       (FdCrm *self);
void     fd_crm_page_clear      (FdCrm *self);

/* The normalised phone number (docs/crm.md): the digits, with a leading
 * + when the number had one; NULL when fewer than 5 digits. */
char    *fd_crm_normalise_phone (const char *phone);

G_END_DECLS
