#pragma once

/* What the email benchmarks share (docs/performance.md, "Receiving mail"):
 * the test mail they deliver, the median, and the anchors every figure is
 * reported beside, measured in the same run on the same machine. */

#include <gio/gio.h>

G_BEGIN_DECLS

/* Mail number @n: about 2 KiB of plain text from customer n (its own
 * Message-ID, so that every mail is a new conversation). */
char   *bench_make_mail      (guint        n);
/* Sorts @values and returns their median. */
double  bench_median         (double      *values,
                              guint        n);
double  bench_max            (const double *values,
                              guint        n);
/* Seconds to read every file of the Maildir's new/ and cur/. */
double  bench_read_maildir_s (const char  *maildir);
/* The median round trip in ms of one byte over loopback TCP. */
double  bench_echo_rtt_ms    (guint        rounds);

G_END_DECLS
