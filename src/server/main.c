#define G_LOG_DOMAIN "frontdeskd"

#include "fd-config.h"
#include "fd-server.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>

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
  const GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen, "Address to listen on (default 127.0.0.1:8080; port 0 picks a free one)", "HOST:PORT" },
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path, "SQLite database file (created when missing)", "PATH" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Load the demo site into an empty database", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

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
