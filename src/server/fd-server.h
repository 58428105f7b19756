#pragma once

#include <gio/gio.h>

#include "fd-authorize.h"
#include "fd-crm.h"
#include "fd-email.h"
#include "fd-twitter.h"
#include "fd-listener.h"

#include "fd-store.h"

G_BEGIN_DECLS

#define FD_TYPE_SERVER (fd_server_get_type ())
G_DECLARE_FINAL_TYPE (FdServer, fd_server, FD, SERVER, GObject)

/* The admin token file frontdeskd writes beside its database. */
#define FD_SERVER_ADMIN_TOKEN_SUFFIX ".admin-token"

/* Opens (creating or migrating) the database at @db_path and makes sure an
 * admin token file exists beside it (docs/admin.md, "Admin token"). */
FdServer   *fd_server_new                  (const char  *db_path,
                                            GError     **error);
/* Connection limits and timeouts (before fd_server_listen()); the defaults
 * come from fd_listener_limits_init(). */
void        fd_server_set_limits           (FdServer    *self,
                                            const FdListenerLimits *limits);
const FdListenerLimits *fd_server_get_limits (FdServer  *self);
/* frontdeskd --durability (docs/admin.md, "Durability"). */
gboolean    fd_server_set_durability       (FdServer          *self,
                                            FdStoreDurability  durability,
                                            GError           **error);
/* frontdeskd --commit-window-ms (docs/admin.md, "Durability"). */
void        fd_server_set_commit_window    (FdServer          *self,
                                            guint              ms);
/* frontdeskd --stats-sample-seconds (docs/statistics.md, "History"). */
void        fd_server_set_stats_sample_seconds (FdServer      *self,
                                                guint          seconds);
gboolean    fd_server_listen               (FdServer    *self,
                                            const char  *address,
                                            GError     **error);
char       *fd_server_dup_url              (FdServer    *self);
guint16     fd_server_get_port             (FdServer    *self);
/* Starts the stream authorization flow (docs/email.md, "Authorization
 * flow"): its page on this server and the server's own mail. After
 * fd_server_listen() (the page's default address is the listener's) and
 * before fd_server_start_email(). FALSE with a sentence for bad options. */
gboolean    fd_server_start_authorize      (FdServer    *self,
                                            const FdAuthorizeOptions *options,
                                            GError     **error);
/* Starts the Email channel: one IMAP worker per active email stream and
 * the outbox sender (docs/email.md, "Wiring"); @options NULL = defaults. */
void        fd_server_start_email          (FdServer    *self,
                                            const FdEmailOptions *options);
/* Starts the CRM integration (docs/crm.md): the organizations'
 * connections, lookups, the log entry outbox and the connect page. After
 * fd_server_listen(); @options NULL = defaults. */
void        fd_server_start_crm            (FdServer    *self,
                                            const FdCrmOptions *options);
/* Starts the Twitter/X channel: one poller per twitter stream with tokens
 * and the outbox sender (docs/twitter.md); after
 * fd_server_start_authorize(); @options NULL = defaults. */
void        fd_server_start_twitter        (FdServer    *self,
                                            const FdTwitterOptions *options);
/* The path of the admin token file. */
const char *fd_server_get_admin_token_path (FdServer    *self);
/* TRUE when fd_server_new() wrote a new admin token file. */
gboolean    fd_server_get_admin_token_created (FdServer *self);

/* Loads data/demo-site.json into an empty database. Returns FALSE with
 * @error on failure; TRUE with *@out_sign_ins NULL when the database already
 * has organizations (nothing loaded); otherwise TRUE with the demo agents'
 * sign-in details as lines of text. */
gboolean    fd_server_load_demo            (FdServer    *self,
                                            char       **out_sign_ins,
                                            GError     **error);
/* After fd_server_load_demo() and fd_server_listen(): makes the demo
 * organization's web chat and callback streams allow the address the server
 * listens on, on a first start as after a restart on another address
 * (fd-demo.h; docs/admin.md, "--demo"). Does nothing without the demo. */
gboolean    fd_server_follow_demo_address  (FdServer    *self,
                                            GError     **error);

G_END_DECLS
