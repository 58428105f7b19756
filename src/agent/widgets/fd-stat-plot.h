#pragma once

#include <gtk/gtk.h>

#include "fd-stat-catalog.h"

G_BEGIN_DECLS

/* The last hour of one statistic as a line (docs/app.md, "The Personal
 * Wallboard"), drawn with GtkSnapshot and cairo: GTK 4 has no charts.
 *
 * The time axis spans FD_STAT_PLOT_SPAN, ending at the newest point (or at
 * the time given to fd_stat_plot_set_now(), when later): newest at the
 * right. The value axis runs from 0 (bottom) to the largest value shown
 * (top; 1 when every value is 0 or less), rounded up to a "nice" number in
 * the chart. Two modes:
 *  - sparkline: the line alone, inset FD_STAT_PLOT_INSET pixels from every
 *    edge, no axes, no text (a tile's small plot);
 *  - chart: value labels at the left, time labels below, grid lines, the
 *    line and a dot with the latest value (the large plot of a tile).
 * The line is the style's accent colour, the text and grid the foreground
 * colour, the background left transparent, so dark style works.
 * Accessible description: "Waiting: 3 now, 0–7 over the last hour". */

#define FD_STAT_PLOT_SPAN       (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define FD_STAT_PLOT_INSET      2
/* A bound on the points kept: one a minute from the history and one per
 * stats event (at most every 5 s) make 720 an hour. */
#define FD_STAT_PLOT_MAX_POINTS 2048

typedef enum {
  FD_STAT_PLOT_SPARKLINE,
  FD_STAT_PLOT_CHART,
} FdStatPlotMode;

#define FD_TYPE_STAT_PLOT (fd_stat_plot_get_type ())
G_DECLARE_FINAL_TYPE (FdStatPlot, fd_stat_plot, FD, STAT_PLOT, GtkWidget)

GtkWidget      *fd_stat_plot_new          (FdStatPlotMode     mode);
FdStatPlotMode  fd_stat_plot_get_mode     (FdStatPlot        *self);
/* What the values are: formats the labels and names the statistic in the
 * accessible description (a static catalog entry; NULL: plain numbers). */
void            fd_stat_plot_set_stat     (FdStatPlot        *self,
                                           const FdStatInfo  *stat,
                                           const char        *title);
/* Replaces the points (copied; in time order or not, older than the span
 * dropped). */
void            fd_stat_plot_set_points   (FdStatPlot        *self,
                                           const FdStatPoint *points,
                                           guint              n_points);
/* Adds one point at the right (an older one than the newest is ignored). */
void            fd_stat_plot_append       (FdStatPlot        *self,
                                           gint64             at,
                                           double             value);
/* The points shown (borrowed), in time order. */
const FdStatPoint *fd_stat_plot_get_points (FdStatPlot       *self,
                                            guint            *n_points);
/* The right end of the time axis when later than the newest point (the
 * wallboard's clock: a line that stopped changing still moves left). */
void            fd_stat_plot_set_now      (FdStatPlot        *self,
                                           gint64             now);
/* The accessible description as set, for the tests. */
const char     *fd_stat_plot_get_summary  (FdStatPlot        *self);

G_END_DECLS
