#define G_LOG_DOMAIN "frontdeskd"

#include "fd-config.h"
#include "fd-auth.h"
#include "fd-server.h"
#include "fd-ws-budget.h"

#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>

/* Every connection costs a descriptor: take all the system lets this
 * process have (the hard limit), so that the connection limit, not
 * EMFILE, is what refuses clients (docs/admin.md, "Sizing"). */
static void
raise_descriptor_limit (void)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= rl.rlim_max)
    return;
  rl.rlim_cur = rl.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &rl) != 0)
    g_warning ("Cannot raise the descriptor limit to %llu", (unsigned long long) rl.rlim_max);
}

/* --- Agent sessions and sign-in (docs/admin.md, "Agent sessions") -------- */

static FdAuthSettings auth_settings;
static gint auth_max_sessions, auth_per_account, auth_per_address, auth_hash_threads, auth_hash_queue;

static const GOptionEntry auth_entries[] = {
  { "session-idle", 0, 0, G_OPTION_ARG_INT64, &auth_settings.token_idle,
    "An agent's session unused this long expires (default 604800 = 7 days)", "SECONDS" },
  { "session-lifetime", 0, 0, G_OPTION_ARG_INT64, &auth_settings.token_lifetime,
    "An agent's session expires this long after sign-in; rotated past half (default 2592000 = 30 days)", "SECONDS" },
  { "session-grace", 0, 0, G_OPTION_ARG_INT64, &auth_settings.token_grace,
    "A rotated session token stays valid this long (default 300)", "SECONDS" },
  { "max-sessions-per-agent", 0, 0, G_OPTION_ARG_INT, &auth_max_sessions,
    "Live sessions per agent; the oldest are signed out beyond (default 10)", "N" },
  { "sign-ins-per-account", 0, 0, G_OPTION_ARG_INT, &auth_per_account,
    "Sign-ins a minute to one account, successful ones too (default 10)", "N" },
  { "sign-ins-per-address", 0, 0, G_OPTION_ARG_INT, &auth_per_address,
    "Sign-ins a minute from one address (default 60)", "N" },
  { "hash-threads", 0, 0, G_OPTION_ARG_INT, &auth_hash_threads,
    "Threads that hash passwords (default 2)", "N" },
  { "hash-queue", 0, 0, G_OPTION_ARG_INT, &auth_hash_queue,
    "Password hashes that may wait for a thread; more are refused with 429 (default 32)", "N" },
  { NULL }
};

/* Applies the options above; FALSE with a message for a bad value. */
static gboolean
apply_auth_options (void)
{
  const struct { gint *value; guint *setting; const char *name; gint min; } counts[] = {
    { &auth_max_sessions, &auth_settings.max_tokens, "--max-sessions-per-agent", 1 },
    { &auth_per_account, &auth_settings.sign_ins_per_account, "--sign-ins-per-account", 1 },
    { &auth_per_address, &auth_settings.sign_ins_per_address, "--sign-ins-per-address", 1 },
    { &auth_hash_threads, &auth_settings.hash_threads, "--hash-threads", 1 },
    { &auth_hash_queue, &auth_settings.hash_queue, "--hash-queue", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      if (*counts[i].value == -1)
        continue;
      if (*counts[i].value < counts[i].min || *counts[i].value > 100000)
        {
          g_printerr ("frontdeskd: %s takes a number from %d to 100000.\n", counts[i].name, counts[i].min);
          return FALSE;
        }
      *counts[i].setting = (guint) *counts[i].value;
    }
  if (auth_settings.token_idle < 1 || auth_settings.token_lifetime < 1 || auth_settings.token_grace < 0 ||
      auth_settings.token_idle > G_MAXINT32 || auth_settings.token_lifetime > G_MAXINT32 ||
      auth_settings.token_grace > G_MAXINT32)
    {
      g_printerr ("frontdeskd: --session-idle and --session-lifetime take 1 or more seconds, "
                  "--session-grace 0 or more.\n");
      return FALSE;
    }
  fd_auth_configure (&auth_settings);
  return TRUE;
}

static gboolean
on_quit_signal_cb (gpointer user_data)
{
  g_message ("Shutting down");
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *sign_ins = NULL;
  g_autofree char *durability = NULL;
  gint commit_window_ms = 0;
  gint stats_sample_seconds = 60;
  gboolean demo = FALSE;
  gboolean version = FALSE;
  gint max_connections = 0;
  gint max_per_address = FD_LISTENER_DEFAULT_MAX_PER_ADDRESS;
  gint header_timeout = FD_LISTENER_DEFAULT_HEADER_TIMEOUT;
  gint request_timeout = FD_LISTENER_DEFAULT_REQUEST_TIMEOUT;
  gint64 output_budget = FD_WS_BUDGET_DEFAULT;
  gint output_frames = FD_WS_BUDGET_DEFAULT_FRAMES;
  FdListenerLimits limits;
  FdEmailOptions email_options;
  gint email_backoff_ms = FD_EMAIL_DEFAULT_BACKOFF_MS;
  gint email_max_backoff_ms = FD_EMAIL_DEFAULT_MAX_BACKOFF_MS;
  gint email_smtp_attempts = FD_EMAIL_DEFAULT_SMTP_ATTEMPTS;
  gint email_max_workers = FD_EMAIL_DEFAULT_MAX_WORKERS;
  gint email_idle_seconds = FD_EMAIL_DEFAULT_IDLE_SECONDS;
  g_autofree char *email_oauth_base_url = NULL;
  /* The Twitter/X channel's origins (tests: the fake X); read by the
   * authorization flow here, by the poller with part B's options. */
  g_autofree char *x_api_base_url = NULL;
  g_autofree char *x_oauth_base_url = NULL;
  FdAuthorizeOptions authorize_options;
  FdCrmOptions crm_options;
  int crm_backoff_ms = 5000;
  int crm_cache_seconds = 300;
  int crm_max_queued = 10000;
  gboolean crm_allow_http = FALSE;
  g_autofree char *public_url = NULL;
  g_autofree char *mail_relay = NULL;
  g_autofree char *mail_relay_user = NULL;
  g_autofree char *mail_relay_password_file = NULL;
  g_autofree char *mail_relay_ca_file = NULL;
  g_autofree char *mail_from = NULL;
  gint authorization_link_seconds = FD_AUTHORIZE_DEFAULT_LINK_SECONDS;
  FdTwitterOptions x_options;
  gint x_backoff_ms = FD_TWITTER_DEFAULT_BACKOFF_MS;
  gint x_max_pollers = FD_TWITTER_DEFAULT_MAX_POLLERS;
  const GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen, "Address to listen on (default 127.0.0.1:8080; port 0 picks a free one)", "HOST:PORT" },
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path, "SQLite database file (created when missing)", "PATH" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Load the demo site into an empty database", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections,
      "Open connections at most (default: the descriptor limit less 64)", "N" },
    { "max-connections-per-address", 0, 0, G_OPTION_ARG_INT, &max_per_address,
      "Open connections from one address at most, signed-in agents aside (default 256)", "N" },
    { "header-timeout", 0, 0, G_OPTION_ARG_INT, &header_timeout,
      "Seconds a connection may take to send a request's headers (default 10)", "S" },
    { "request-timeout", 0, 0, G_OPTION_ARG_INT, &request_timeout,
      "Seconds a request may go without progress (default 30)", "S" },
    { "socket-output-budget", 0, 0, G_OPTION_ARG_INT64, &output_budget,
      "Bytes a websocket may leave unread before it is closed (default 16 MiB)", "BYTES" },
    { "socket-output-frames", 0, 0, G_OPTION_ARG_INT, &output_frames,
      "Frames a websocket may leave unread before it is closed (default 16384)", "N" },
    { "email-backoff-ms", 0, 0, G_OPTION_ARG_INT, &email_backoff_ms,
      "First delay after a mail server error, doubled each time (default 2000)", "MS" },
    { "email-max-backoff-ms", 0, 0, G_OPTION_ARG_INT, &email_max_backoff_ms,
      "Longest delay between two IMAP connection attempts (default 300000)", "MS" },
    { "email-smtp-attempts", 0, 0, G_OPTION_ARG_INT, &email_smtp_attempts,
      "Attempts of a reply that fails temporarily before it fails (default 8)", "N" },
    { "email-max-workers", 0, 0, G_OPTION_ARG_INT, &email_max_workers,
      "Mailboxes watched at most, one thread each (default 64)", "N" },
    { "email-oauth-base-url", 0, 0, G_OPTION_ARG_STRING, &email_oauth_base_url,
      "Ask Microsoft's and Google's token endpoints at this origin instead (tests)", "URL" },
    { "x-api-base-url", 0, 0, G_OPTION_ARG_STRING, &x_api_base_url,
      "X API v2 at this origin (default https://api.x.com; tests: the fake X)", "URL" },
    { "x-oauth-base-url", 0, 0, G_OPTION_ARG_STRING, &x_oauth_base_url,
      "X's OAuth consent and token endpoints at this origin instead of x.com and api.x.com (tests)", "URL" },
    { "durability", 0, 0, G_OPTION_ARG_STRING, &durability,
      "full (default): a change is acknowledged once synced to disk; full-inline: the same, with the sync inside each COMMIT on the main thread; normal: once written, so a power cut may lose the last ones (docs/admin.md)", "full|full-inline|normal" },
    { "commit-window-ms", 0, 0, G_OPTION_ARG_INT, &commit_window_ms,
      "How long changes wait to share one synced commit (default 0: as long as the server is busy with requests that arrived together; 0 to 1000)", "MS" },
    { "stats-sample-seconds", 0, 0, G_OPTION_ARG_INT, &stats_sample_seconds,
      "How often the statistics' history takes a sample (default 60; 1 to 60, for tests; docs/statistics.md)", "S" },
    { "public-url", 0, 0, G_OPTION_ARG_STRING, &public_url,
      "Where people reach this server, for the links it emails (default: the listening address)", "URL" },
    { "mail-relay", 0, 0, G_OPTION_ARG_STRING, &mail_relay,
      "SMTP relay for the server's own mail (authorization emails); none by default", "smtp[s]://HOST[:PORT]" },
    { "mail-relay-user", 0, 0, G_OPTION_ARG_STRING, &mail_relay_user, "User name at the mail relay", "USER" },
    { "mail-relay-password-file", 0, 0, G_OPTION_ARG_FILENAME, &mail_relay_password_file,
      "File whose first line is the mail relay's password", "FILE" },
    { "mail-relay-ca-file", 0, 0, G_OPTION_ARG_FILENAME, &mail_relay_ca_file,
      "Certificates (PEM) to trust for the mail relay (default: the system's)", "FILE" },
    { "mail-from", 0, 0, G_OPTION_ARG_STRING, &mail_from, "From address of the server's own mail", "ADDRESS" },
    { "authorization-link-seconds", 0, 0, G_OPTION_ARG_INT, &authorization_link_seconds,
      "How long an authorization link works (default 259200: 72 hours)", "SECONDS" },
    { "email-idle-seconds", 0, 0, G_OPTION_ARG_INT, &email_idle_seconds,
      "Longest IMAP IDLE before the mailbox is fetched again (default 300)", "S" },
    { "crm-backoff-ms", 0, 0, G_OPTION_ARG_INT, &crm_backoff_ms,
      "First delay after a CRM error, doubled each time up to 1 h (default 5000; docs/crm.md)", "MS" },
    { "crm-cache-seconds", 0, 0, G_OPTION_ARG_INT, &crm_cache_seconds,
      "How long a CRM lookup's result is kept (default 300; 0: not kept)", "S" },
    { "crm-max-queued", 0, 0, G_OPTION_ARG_INT, &crm_max_queued,
      "CRM log entries waiting per organization before manual ones are refused (default 10000)", "N" },
    { "crm-allow-http", 0, 0, G_OPTION_ARG_NONE, &crm_allow_http,
      "Accept http:// CRM instance URLs (tests against local fakes only)", NULL },
    { "x-backoff-ms", 0, 0, G_OPTION_ARG_INT, &x_backoff_ms,
      "First delay after an X API error, doubled each time up to 15 minutes (default 2000)", "MS" },
    { "x-max-pollers", 0, 0, G_OPTION_ARG_INT, &x_max_pollers,
      "Twitter streams polled at most (default 64)", "N" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  raise_descriptor_limit ();
  fd_auth_settings_init (&auth_settings);
  auth_max_sessions = auth_per_account = auth_per_address = auth_hash_threads = auth_hash_queue = -1;

  context = g_option_context_new ("— the Frontdesk contact center server");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_main_entries (context, auth_entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("frontdeskd: %s\n", error->message);
      g_printerr ("Run “frontdeskd --help” to see the options.\n");
      return 2;
    }

  if (version)
    {
      g_print ("frontdeskd %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (max_connections < 0 || max_per_address < 1 || header_timeout < 1 || request_timeout < 1 ||
      output_budget < 4096 || output_frames < 16)
    {
      g_printerr ("frontdeskd: --max-connections must be 0 or more; --max-connections-per-address, "
                  "--header-timeout and --request-timeout 1 or more; --socket-output-budget 4096 or more; --socket-output-frames 16 or more.\n");
      return 2;
    }
  if (durability != NULL && !g_str_equal (durability, "full") && !g_str_equal (durability, "full-inline") &&
      !g_str_equal (durability, "normal"))
    {
      g_printerr ("frontdeskd: --durability must be full, full-inline or normal.\n");
      return 2;
    }
  if (commit_window_ms < 0 || commit_window_ms > 1000)
    {
      g_printerr ("frontdeskd: --commit-window-ms must be 0 to 1000.\n");
      return 2;
    }
  if (stats_sample_seconds < 1 || stats_sample_seconds > 60)
    {
      g_printerr ("frontdeskd: --stats-sample-seconds must be 1 to 60.\n");
      return 2;
    }
  if (!apply_auth_options ())
    return 2;
  if (email_backoff_ms < 1 || email_max_backoff_ms < email_backoff_ms || email_smtp_attempts < 1 ||
      email_max_workers < 1 || email_idle_seconds < 1 || email_idle_seconds > 1740)
    {
      g_printerr ("frontdeskd: --email-backoff-ms, --email-smtp-attempts and --email-max-workers must be 1 or more, "
                  "--email-max-backoff-ms at least --email-backoff-ms, --email-idle-seconds 1 to 1740 (29 minutes).\n");
      return 2;
    }
  if (x_backoff_ms < 1 || x_backoff_ms > FD_TWITTER_MAX_BACKOFF_MS || x_max_pollers < 1)
    {
      g_printerr ("frontdeskd: --x-backoff-ms must be 1 to 900000 (15 minutes), --x-max-pollers 1 or more.\n");
      return 2;
    }
  fd_twitter_options_init (&x_options);
  x_options.api_base_url = x_api_base_url;
  x_options.oauth_base_url = x_oauth_base_url;
  x_options.backoff_ms = (guint) x_backoff_ms;
  x_options.max_pollers = (guint) x_max_pollers;
  fd_email_options_init (&email_options);
  email_options.backoff_ms = (guint) email_backoff_ms;
  email_options.max_backoff_ms = (guint) email_max_backoff_ms;
  email_options.smtp_max_attempts = (guint) email_smtp_attempts;
  email_options.max_workers = (guint) email_max_workers;
  email_options.idle_seconds = (guint) email_idle_seconds;
  email_options.oauth_base_url = email_oauth_base_url;

  if (db_path == NULL)
    {
      g_printerr ("frontdeskd: --db PATH is required: it names the SQLite database to use.\n");
      return 2;
    }

  /* A file size limit (ulimit -f) reached by the database is a failed
   * write that the store reports like a full disk, not a core dump. */
  signal (SIGXFSZ, SIG_IGN);

  server = fd_server_new (db_path, &error);
  if (server == NULL)
    {
      g_printerr ("frontdeskd: cannot open the database “%s”: %s\n", db_path, error->message);
      return 1;
    }

  if (durability != NULL && !g_str_equal (durability, "full") &&
      !fd_server_set_durability (server,
                                 g_str_equal (durability, "normal") ? FD_STORE_DURABILITY_NORMAL
                                                                    : FD_STORE_DURABILITY_FULL_INLINE,
                                 &error))
    {
      g_printerr ("frontdeskd: cannot set the durability: %s\n", error->message);
      return 1;
    }

  fd_server_set_commit_window (server, (guint) commit_window_ms);
  fd_server_set_stats_sample_seconds (server, (guint) stats_sample_seconds);

  fd_listener_limits_init (&limits);
  if (max_connections > 0)
    limits.max_connections = (guint) max_connections;
  limits.max_per_address = (guint) max_per_address;
  limits.header_timeout = (guint) header_timeout;
  limits.request_timeout = (guint) request_timeout;
  fd_server_set_limits (server, &limits);
  fd_ws_budget_set_default_limit ((gsize) output_budget);
  fd_ws_budget_set_default_frame_limit ((guint) output_frames);

  g_printerr ("frontdeskd: the admin token for frontdeskctl is in %s%s\n",
              fd_server_get_admin_token_path (server),
              fd_server_get_admin_token_created (server) ? " (new)" : "");

  if (demo)
    {
      if (!fd_server_load_demo (server, &sign_ins, &error))
        {
          g_printerr ("frontdeskd: cannot load the demo site: %s\n", error->message);
          return 1;
        }
      if (sign_ins == NULL)
        g_printerr ("frontdeskd: the database already has organizations, so the demo site is not loaded again.\n");
    }

  if (!fd_server_listen (server, listen ? listen : "127.0.0.1:8080", &error))
    {
      g_printerr ("frontdeskd: cannot listen on %s: %s\n", listen ? listen : "127.0.0.1:8080", error->message);
      return 1;
    }

  if (demo && !fd_server_follow_demo_address (server, &error))
    {
      g_printerr ("frontdeskd: cannot let the demo site's streams allow this address: %s\n", error->message);
      return 1;
    }

  fd_authorize_options_init (&authorize_options);
  authorize_options.public_url = public_url;
  authorize_options.relay_url = mail_relay;
  authorize_options.relay_user = mail_relay_user;
  authorize_options.relay_password_file = mail_relay_password_file;
  authorize_options.relay_ca_file = mail_relay_ca_file;
  authorize_options.mail_from = mail_from;
  authorize_options.link_seconds = authorization_link_seconds > 0 ? (guint) authorization_link_seconds : 0;
  authorize_options.backoff_ms = (guint) email_backoff_ms;
  authorize_options.oauth_base_url = email_oauth_base_url;
  authorize_options.x_oauth_base_url = x_oauth_base_url;
  authorize_options.x_api_base_url = x_api_base_url;
  if (!fd_server_start_authorize (server, &authorize_options, &error))
    {
      g_printerr ("frontdeskd: %s\n", error->message);
      return 2;
    }
  fd_server_start_email (server, &email_options);
  fd_crm_options_init (&crm_options);
  crm_options.backoff_ms = (guint) CLAMP (crm_backoff_ms, 1, 3600 * 1000);
  crm_options.cache_seconds = (guint) CLAMP (crm_cache_seconds, 0, 24 * 3600);
  crm_options.max_queued = (guint) CLAMP (crm_max_queued, 1, 1000000);
  crm_options.allow_http = crm_allow_http;
  crm_options.public_url = public_url;
  fd_server_start_crm (server, &crm_options);
  fd_server_start_twitter (server, &x_options);

  /* Handle signals before announcing the URL: whoever reads that line may
   * stop the server at once, and that must still be a clean exit. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_quit_signal_cb, loop);
  g_unix_signal_add (SIGTERM, on_quit_signal_cb, loop);

  /* Test harnesses and the demo script read this line to learn the port. */
  url = fd_server_dup_url (server);
  g_print ("frontdeskd: listening on %s\n", url);
  if (sign_ins != NULL)
    g_print ("frontdeskd: demo site loaded; sign in to the agent app with:\n%s"
             "frontdeskd: admin token file for frontdeskctl: %s\n",
             sign_ins, fd_server_get_admin_token_path (server));
  fflush (stdout);

  g_main_loop_run (loop);

  return 0;
}
