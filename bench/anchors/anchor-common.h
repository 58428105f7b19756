#pragma once

/* What the anchor programs share (docs/performance.md, "How to measure"):
 * the command line (--small and the rest), percentiles, the FIGURE lines
 * of the benchmark contract and the resident set of a process. */

#include <glib.h>

G_BEGIN_DECLS

/* Percentile @p (0 to 100, nearest rank) of @values, which it sorts. */
double anchor_percentile   (double     *values,
                            guint       n,
                            double      p);
/* Prints "FIGURE @key @value @unit" on stdout, the contract's line. */
void   anchor_print_figure (const char *key,
                            double      value,
                            const char *unit);
/* The VmRSS (or another @field of /proc/PID/status) of @pid in KiB, 0
 * when it cannot be read; @pid 0 is this process. */
gsize  anchor_rss_kib      (GPid        pid,
                            const char *field);

G_END_DECLS
