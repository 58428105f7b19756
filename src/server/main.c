#define G_LOG_DOMAIN "frontdeskd"

#include "fd-config.h"
#include "fd-server.h"
#include "fd-ws-budget.h"

#include <glib-unix.h>
#include <locale.h>
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
  gboolean demo = FALSE;
  gboolean version = FALSE;
  gint max_connections = 0;
  gint max_per_address = FD_LISTENER_DEFAULT_MAX_PER_ADDRESS;
  gint header_timeout = FD_LISTENER_DEFAULT_HEADER_TIMEOUT;
  gint request_timeout = FD_LISTENER_DEFAULT_REQUEST_TIMEOUT;
  gint64 output_budget = FD_WS_BUDGET_DEFAULT;
  FdListenerLimits limits;
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
    { NULL }
  };

  setlocale (LC_ALL, "");
  raise_descriptor_limit ();

  context = g_option_context_new ("— the Frontdesk contact center server");
  g_option_context_add_main_entries (context, entries, NULL);
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
      output_budget < 4096)
    {
      g_printerr ("frontdeskd: --max-connections must be 0 or more; --max-connections-per-address, "
                  "--header-timeout and --request-timeout 1 or more; --socket-output-budget 4096 or more.\n");
      return 2;
    }

  if (db_path == NULL)
    {
      g_printerr ("frontdeskd: --db PATH is required: it names the SQLite database to use.\n");
      return 2;
    }

  server = fd_server_new (db_path, &error);
  if (server == NULL)
    {
      g_printerr ("frontdeskd: cannot open the database “%s”: %s\n", db_path, error->message);
      return 1;
    }

  fd_listener_limits_init (&limits);
  if (max_connections > 0)
    limits.max_connections = (guint) max_connections;
  limits.max_per_address = (guint) max_per_address;
  limits.header_timeout = (guint) header_timeout;
  limits.request_timeout = (guint) request_timeout;
  fd_server_set_limits (server, &limits);
  fd_ws_budget_set_default_limit ((gsize) output_budget);

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
