#define G_LOG_DOMAIN "frontdesk"

#include "fd-config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "fd-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FdApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = fd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
