#define G_LOG_DOMAIN "frontdeskctl"

#include "fd-ctl.h"

#include <locale.h>

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  return fd_ctl_run (argc, argv);
}
