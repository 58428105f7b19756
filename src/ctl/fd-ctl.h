#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* frontdeskctl's exit statuses (docs/admin.md, "Exit status"). */
typedef enum {
  FD_CTL_EXIT_OK = 0,
  FD_CTL_EXIT_FAILED = 1,  /* the server said no, or could not be reached */
  FD_CTL_EXIT_USAGE = 2,   /* the command line is wrong */
} FdCtlExit;

/* Runs one frontdeskctl command line (argv[0] is the program name) and
 * returns its exit status. Output goes to stdout, messages to stderr. */
int fd_ctl_run (int    argc,
                char **argv);

G_END_DECLS
