/* Helpers of the anchor programs (anchor-common.h). */
#include "anchor-common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
compare_double (const void *a,
                const void *b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db;
}

double
anchor_percentile (double *values,
                   guint   n,
                   double  p)
{
  guint rank;

  g_return_val_if_fail (n > 0, 0);
  qsort (values, n, sizeof (double), compare_double);
  rank = (guint) ceil (p / 100.0 * n);
  return values[CLAMP (rank, 1, n) - 1];
}

void
anchor_print_figure (const char *key,
                     double      value,
                     const char *unit)
{
  printf ("FIGURE %s %.6g %s\n", key, value, unit);
  fflush (stdout);
}

gsize
anchor_rss_kib (GPid        pid,
                const char *field)
{
  g_autofree char *path = pid ? g_strdup_printf ("/proc/%d/status", (int) pid) : g_strdup ("/proc/self/status");
  g_autofree char *text = NULL;
  g_autofree char *prefix = g_strconcat (field, ":", NULL);
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return (gsize) g_ascii_strtoull (lines[i] + strlen (prefix), NULL, 10);
  return 0;
}
