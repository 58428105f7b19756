#define G_LOG_DOMAIN "fd-stat-plot"

#include "fd-config.h"

#include <glib/gi18n.h>

#include "fd-stat-plot.h"

struct _FdStatPlot
{
  GtkWidget          parent_instance;

  FdStatPlotMode     mode;
  const FdStatInfo  *stat;
  char              *title;
  GArray            *points;   /* FdStatPoint, in time order */
  gint64             now;
  char              *summary;
};

G_DEFINE_FINAL_TYPE (FdStatPlot, fd_stat_plot, GTK_TYPE_WIDGET)

/* The chart's room for its labels, around the plot area. */
#define CHART_GAP 6

static gint64
span_end (FdStatPlot *self)
{
  gint64 end = self->now;

  if (self->points->len > 0)
    end = MAX (end, g_array_index (self->points, FdStatPoint, self->points->len - 1).at);
  return end;
}

static double
max_value (FdStatPlot *self)
{
  double top = 0;

  for (guint i = 0; i < self->points->len; i++)
    top = MAX (top, g_array_index (self->points, FdStatPoint, i).value);
  return top > 0 ? top : 1;
}

/* 1, 2 or 5 times a power of ten, at least @value: the chart's top line
 * (by multiplication: the widgets link no libm). */
static double
nice_ceiling (double value)
{
  double power = 1;

  while (power > value)
    power /= 10;
  while (power * 10 <= value)
    power *= 10;
  if (power >= value)
    return power;
  if (2 * power >= value)
    return 2 * power;
  if (5 * power >= value)
    return 5 * power;
  return 10 * power;
}

static char *
format_value (FdStatPlot *self,
              double      value)
{
  if (self->stat != NULL)
    return fd_stat_info_format_value (self->stat, value);
  return g_strdup_printf ("%.0f", value);
}

/* Drops what fell out of the span or passes the bound, oldest first. */
static void
trim (FdStatPlot *self)
{
  gint64 start = span_end (self) - FD_STAT_PLOT_SPAN;
  guint drop = 0;

  while (drop < self->points->len && g_array_index (self->points, FdStatPoint, drop).at < start)
    drop++;
  if (self->points->len - drop > FD_STAT_PLOT_MAX_POINTS)
    drop = self->points->len - FD_STAT_PLOT_MAX_POINTS;
  if (drop > 0)
    g_array_remove_range (self->points, 0, drop);
}

static void
update_summary (FdStatPlot *self)
{
  const char *name = self->title != NULL ? self->title : _("Statistic");
  char *summary;

  if (self->points->len == 0)
    {
      /* Translators: a plot's accessible description; %s is a statistic. */
      summary = g_strdup_printf (_("%s: no values over the last hour"), name);
    }
  else
    {
      double low = G_MAXDOUBLE, high = -G_MAXDOUBLE;
      g_autofree char *now = NULL;
      g_autofree char *low_text = NULL;
      g_autofree char *high_text = NULL;

      for (guint i = 0; i < self->points->len; i++)
        {
          double v = g_array_index (self->points, FdStatPoint, i).value;

          low = MIN (low, v);
          high = MAX (high, v);
        }
      now = format_value (self, g_array_index (self->points, FdStatPoint, self->points->len - 1).value);
      low_text = format_value (self, low);
      high_text = format_value (self, high);
      /* Translators: a plot's accessible description, "Waiting: 3 now,
       * 0–7 over the last hour". */
      summary = g_strdup_printf (_("%s: %s now, %s–%s over the last hour"), name, now, low_text, high_text);
    }

  if (g_strcmp0 (summary, self->summary) == 0)
    {
      g_free (summary);
      return;
    }
  g_free (self->summary);
  self->summary = summary;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary, -1);
}

static void
changed (FdStatPlot *self)
{
  trim (self);
  update_summary (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
get_colors (FdStatPlot *self,
            GdkRGBA    *foreground,
            GdkRGBA    *accent)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));

  /* The style's own colours, which follow the dark style; libadwaita
   * names the accent colour "accent_color". GTK 4.8 has no
   * gtk_widget_get_color() yet. */
  gtk_style_context_get_color (context, foreground);
  if (!gtk_style_context_lookup_color (context, "accent_color", accent))
    *accent = *foreground;
}

static PangoLayout *
text_layout (FdStatPlot *self,
             const char *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

  return layout;
}

static void
draw_line (FdStatPlot            *self,
           cairo_t               *cr,
           const graphene_rect_t *area,
           double                 top,
           const GdkRGBA         *accent,
           gboolean               fill)
{
  gint64 end = span_end (self);
  gint64 start = end - FD_STAT_PLOT_SPAN;
  double x = 0, y = 0;

  if (self->points->len == 0)
    return;

  cairo_new_path (cr);
  for (guint i = 0; i < self->points->len; i++)
    {
      const FdStatPoint *p = &g_array_index (self->points, FdStatPoint, i);

      x = area->origin.x + area->size.width * (double) (p->at - start) / (double) FD_STAT_PLOT_SPAN;
      y = area->origin.y + area->size.height * (1.0 - CLAMP (p->value, 0, top) / top);
      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  /* A single point is a short flat line ending at it. */
  if (self->points->len == 1)
    cairo_line_to (cr, MAX (area->origin.x, x - 4), y);

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, 2);
  gdk_cairo_set_source_rgba (cr, accent);
  if (fill && self->points->len > 1)
    {
      cairo_path_t *line;
      const FdStatPoint *first = &g_array_index (self->points, FdStatPoint, 0);
      double first_x = area->origin.x + area->size.width * (double) (first->at - start) / (double) FD_STAT_PLOT_SPAN;
      double bottom = area->origin.y + area->size.height;

      line = cairo_copy_path (cr);
      cairo_line_to (cr, x, bottom);
      cairo_line_to (cr, first_x, bottom);
      cairo_close_path (cr);
      cairo_set_source_rgba (cr, accent->red, accent->green, accent->blue, accent->alpha * 0.2);
      cairo_fill (cr);
      cairo_append_path (cr, line);
      cairo_path_destroy (line);
      gdk_cairo_set_source_rgba (cr, accent);
    }
  cairo_stroke (cr);

  /* The latest value as a dot at the right. */
  cairo_arc (cr, x, y, 3, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
draw_chart (FdStatPlot    *self,
            cairo_t       *cr,
            int            width,
            int            height,
            const GdkRGBA *foreground,
            const GdkRGBA *accent)
{
  double top = nice_ceiling (max_value (self));
  gint64 end = span_end (self);
  g_autofree char *top_text = format_value (self, top);
  g_autoptr(PangoLayout) measure = text_layout (self, top_text);
  int label_width, label_height;
  graphene_rect_t area;

  pango_layout_get_pixel_size (measure, &label_width, &label_height);
  {
    g_autofree char *zero = format_value (self, 0);
    g_autoptr(PangoLayout) zero_layout = text_layout (self, zero);
    int w, h;

    pango_layout_get_pixel_size (zero_layout, &w, &h);
    label_width = MAX (label_width, w);
  }
  /* Value labels at the left, time labels below, the latest value above. */
  graphene_rect_init (&area, label_width + CHART_GAP, label_height + CHART_GAP,
                      width - label_width - 3 * CHART_GAP,
                      height - 2 * label_height - 3 * CHART_GAP);
  if (area.size.width < 10 || area.size.height < 10)
    return;

  /* Grid lines and value labels at 0, half and the top. */
  cairo_set_line_width (cr, 1);
  for (guint i = 0; i <= 2; i++)
    {
      double value = top * i / 2.0;
      double y = (int) (area.origin.y + area.size.height * (1.0 - i / 2.0)) + 0.5;
      g_autofree char *text = format_value (self, value);
      g_autoptr(PangoLayout) layout = text_layout (self, text);
      int w, h;

      cairo_set_source_rgba (cr, foreground->red, foreground->green, foreground->blue, foreground->alpha * 0.15);
      cairo_move_to (cr, area.origin.x, y);
      cairo_line_to (cr, area.origin.x + area.size.width, y);
      cairo_stroke (cr);

      pango_layout_get_pixel_size (layout, &w, &h);
      cairo_set_source_rgba (cr, foreground->red, foreground->green, foreground->blue, foreground->alpha * 0.7);
      cairo_move_to (cr, area.origin.x - CHART_GAP - w, y - h / 2.0);
      pango_cairo_show_layout (cr, layout);
    }

  /* Time labels: the start, the middle and the end of the hour. */
  for (guint i = 0; i <= 2; i++)
    {
      gint64 at = end - FD_STAT_PLOT_SPAN + FD_STAT_PLOT_SPAN * i / 2;
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (at / G_USEC_PER_SEC);
      g_autofree char *text = when != NULL ? g_date_time_format (when, "%H:%M") : g_strdup ("");
      g_autoptr(PangoLayout) layout = text_layout (self, text);
      double x = area.origin.x + area.size.width * i / 2.0;
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      x = CLAMP (x - w / 2.0, 0, width - w);
      cairo_move_to (cr, x, area.origin.y + area.size.height + CHART_GAP);
      pango_cairo_show_layout (cr, layout);
    }

  draw_line (self, cr, &area, top, accent, TRUE);

  /* The latest value, above the plot's right end. */
  if (self->points->len > 0)
    {
      g_autofree char *text = format_value (self, g_array_index (self->points, FdStatPoint, self->points->len - 1).value);
      g_autoptr(PangoLayout) layout = text_layout (self, text);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      gdk_cairo_set_source_rgba (cr, accent);
      cairo_move_to (cr, area.origin.x + area.size.width - w, 0);
      pango_cairo_show_layout (cr, layout);
    }
}

static void
fd_stat_plot_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  FdStatPlot *self = FD_STAT_PLOT (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA foreground, accent;
  cairo_t *cr;

  if (width <= 2 * FD_STAT_PLOT_INSET || height <= 2 * FD_STAT_PLOT_INSET)
    return;
  get_colors (self, &foreground, &accent);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (self->mode == FD_STAT_PLOT_SPARKLINE)
    {
      graphene_rect_t area = GRAPHENE_RECT_INIT (FD_STAT_PLOT_INSET, FD_STAT_PLOT_INSET,
                                                 width - 2 * FD_STAT_PLOT_INSET,
                                                 height - 2 * FD_STAT_PLOT_INSET);

      draw_line (self, cr, &area, max_value (self), &accent, FALSE);
    }
  else
    draw_chart (self, cr, width, height, &foreground, &accent);

  cairo_destroy (cr);
}

static void
fd_stat_plot_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  FdStatPlot *self = FD_STAT_PLOT (widget);
  gboolean chart = self->mode == FD_STAT_PLOT_CHART;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = chart ? 200 : 60;
      *natural = chart ? 480 : 160;
    }
  else
    {
      *minimum = chart ? 120 : 24;
      *natural = chart ? 240 : 32;
    }
}

static void
fd_stat_plot_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (fd_stat_plot_parent_class)->css_changed (widget, change);
  /* The dark style changes the colours. */
  gtk_widget_queue_draw (widget);
}

static void
fd_stat_plot_finalize (GObject *object)
{
  FdStatPlot *self = FD_STAT_PLOT (object);

  g_clear_pointer (&self->points, g_array_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (fd_stat_plot_parent_class)->finalize (object);
}

static void
fd_stat_plot_class_init (FdStatPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fd_stat_plot_finalize;
  widget_class->snapshot = fd_stat_plot_snapshot;
  widget_class->measure = fd_stat_plot_measure;
  widget_class->css_changed = fd_stat_plot_css_changed;

  gtk_widget_class_set_css_name (widget_class, "fd-stat-plot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fd_stat_plot_init (FdStatPlot *self)
{
  self->points = g_array_new (FALSE, FALSE, sizeof (FdStatPoint));
  update_summary (self);
}

GtkWidget *
fd_stat_plot_new (FdStatPlotMode mode)
{
  FdStatPlot *self = g_object_new (FD_TYPE_STAT_PLOT, NULL);

  self->mode = mode;
  if (mode == FD_STAT_PLOT_CHART)
    gtk_widget_add_css_class (GTK_WIDGET (self), "chart");
  return GTK_WIDGET (self);
}

FdStatPlotMode
fd_stat_plot_get_mode (FdStatPlot *self)
{
  g_return_val_if_fail (FD_IS_STAT_PLOT (self), FD_STAT_PLOT_SPARKLINE);

  return self->mode;
}

void
fd_stat_plot_set_stat (FdStatPlot       *self,
                       const FdStatInfo *stat,
                       const char       *title)
{
  g_return_if_fail (FD_IS_STAT_PLOT (self));

  self->stat = stat;
  g_free (self->title);
  self->title = g_strdup (title);
  changed (self);
}

static int
compare_points (gconstpointer a,
                gconstpointer b)
{
  const FdStatPoint *pa = a, *pb = b;

  return pa->at < pb->at ? -1 : pa->at > pb->at;
}

void
fd_stat_plot_set_points (FdStatPlot        *self,
                         const FdStatPoint *points,
                         guint              n_points)
{
  g_return_if_fail (FD_IS_STAT_PLOT (self));
  g_return_if_fail (points != NULL || n_points == 0);

  g_array_set_size (self->points, 0);
  if (n_points > 0)
    g_array_append_vals (self->points, points, n_points);
  g_array_sort (self->points, compare_points);
  changed (self);
}

void
fd_stat_plot_append (FdStatPlot *self,
                     gint64      at,
                     double      value)
{
  FdStatPoint point = { at, value };

  g_return_if_fail (FD_IS_STAT_PLOT (self));

  if (self->points->len > 0 &&
      at < g_array_index (self->points, FdStatPoint, self->points->len - 1).at)
    return;
  g_array_append_val (self->points, point);
  changed (self);
}

const FdStatPoint *
fd_stat_plot_get_points (FdStatPlot *self,
                         guint      *n_points)
{
  g_return_val_if_fail (FD_IS_STAT_PLOT (self), NULL);
  g_return_val_if_fail (n_points != NULL, NULL);

  *n_points = self->points->len;
  return (const FdStatPoint *) (gpointer) self->points->data;
}

void
fd_stat_plot_set_now (FdStatPlot *self,
                      gint64      now)
{
  g_return_if_fail (FD_IS_STAT_PLOT (self));

  if (self->now == now)
    return;
  self->now = now;
  changed (self);
}

const char *
fd_stat_plot_get_summary (FdStatPlot *self)
{
  g_return_val_if_fail (FD_IS_STAT_PLOT (self), NULL);

  return self->summary;
}
