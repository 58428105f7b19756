#define G_LOG_DOMAIN "frontdesk"

#include "fd-config.h"

#include <locale.h>
#include <glib/gi18n.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "fd-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FdApplication) app = NULL;

#ifdef __GLIBC__
  /* A fixed threshold: glibc otherwise raises it to the largest block
   * freed so far (a snapshot frame of up to 8 MiB, its text and buffers),
   * after which such short-lived blocks come from the heap, between the
   * rows' long-lived ones, and stay there. Kept at the default 128 KiB,
   * they are mapped and given back when freed: 1.2–1.5 MB less heap with
   * or without rows (docs/performance.md, "Session 8: RSS"). */
  mallopt (M_MMAP_THRESHOLD, 128 * 1024);
#endif
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = fd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
