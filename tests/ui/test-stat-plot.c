/* FdStatPlot (src/agent/widgets/fd-stat-plot.c): known points rendered to a
 * PNG in the artifacts directory, then the PNG's pixels read back: the line
 * where the values put it, nothing drawn where they do not, the same in the
 * dark style; the accessible description; the last hour's bound. */
#include "fd-config.h"

#include <adwaita.h>

#include "fd-stat-plot.h"
#include "fd-test-ui.h"

#define WIDTH  362
#define HEIGHT 104
#define T0     (G_GINT64_CONSTANT (1796000000) * G_USEC_PER_SEC)

typedef struct {
  guint8 *pixels;   /* RGBA, straight alpha */
  gsize   stride;
  int     width;
  int     height;
} Image;

static void
image_clear (Image *image)
{
  g_clear_pointer (&image->pixels, g_free);
}

/* The PNG as written, not the widget's memory: what a person would see. */
static Image
load_png (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (path, &error);
  Image image = { 0 };

  g_assert_no_error (error);
  image.width = gdk_texture_get_width (texture);
  image.height = gdk_texture_get_height (texture);
  image.stride = (gsize) image.width * 4;
  image.pixels = g_malloc (image.stride * image.height);
  gdk_texture_download (texture, image.pixels, image.stride);
  return image;
}

/* gdk_texture_download() gives premultiplied B, G, R, A in memory
 * (CAIRO_FORMAT_ARGB32 on little endian). */
static void
pixel (const Image *image,
       int          x,
       int          y,
       GdkRGBA     *out)
{
  const guint8 *p = image->pixels + (gsize) y * image->stride + (gsize) x * 4;
  double a = p[3] / 255.0;

  out->alpha = a;
  out->red = a > 0 ? p[2] / 255.0 / a : 0;
  out->green = a > 0 ? p[1] / 255.0 / a : 0;
  out->blue = a > 0 ? p[0] / 255.0 / a : 0;
}

static gboolean
near_colour (const GdkRGBA *a,
             const GdkRGBA *b)
{
  return a->alpha > 0.6 &&
         ABS (a->red - b->red) < 0.12 && ABS (a->green - b->green) < 0.12 && ABS (a->blue - b->blue) < 0.12;
}

/* Whether the line's colour is within 2 pixels of row @y in column @x. */
static gboolean
line_near (const Image   *image,
           int            x,
           int            y,
           const GdkRGBA *accent)
{
  for (int dy = -2; dy <= 2; dy++)
    {
      GdkRGBA c;

      if (y + dy < 0 || y + dy >= image->height)
        continue;
      pixel (image, x, y + dy, &c);
      if (near_colour (&c, accent))
        return TRUE;
    }
  return FALSE;
}

static gboolean
transparent (const Image *image,
             int          x,
             int          y)
{
  GdkRGBA c;

  pixel (image, x, y, &c);
  return c.alpha < 0.02;
}

/* A step: 0 for the first half hour, 5 for a quarter, 10 for the last
 * quarter, a point a minute; the newest at T0. */
static void
set_step_points (FdStatPlot *plot)
{
  FdStatPoint points[61];

  for (guint i = 0; i <= 60; i++)
    {
      points[i].at = T0 - (gint64) (60 - i) * 60 * G_USEC_PER_SEC;
      points[i].value = i < 30 ? 0 : i < 45 ? 5 : 10;
    }
  fd_stat_plot_set_points (plot, points, G_N_ELEMENTS (points));
}

static GtkWidget *
show_plot (GtkWidget *plot)
{
  GtkWidget *window = gtk_window_new ();

  gtk_widget_set_size_request (plot, WIDTH, HEIGHT);
  gtk_widget_set_halign (plot, GTK_ALIGN_START);
  gtk_widget_set_valign (plot, GTK_ALIGN_START);
  gtk_window_set_child (GTK_WINDOW (window), plot);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
lookup_accent (GtkWidget *widget,
               GdkRGBA   *accent)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_assert_true (gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "accent_color", accent));
  G_GNUC_END_IGNORE_DEPRECATIONS
}

/* The sparkline's rules (fd-stat-plot.h): the area inset 2 px, x from
 * T0 − 1 h (left) to T0 (right), y from 0 (bottom) to the largest value
 * (top). */
static void
check_sparkline (const char *png_name,
                 gboolean    dark)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkWidget *plot = fd_stat_plot_new (FD_STAT_PLOT_SPARKLINE);
  GtkWidget *window;
  g_autofree char *path = NULL;
  Image image;
  GdkRGBA accent;
  const double left = FD_STAT_PLOT_INSET, top = FD_STAT_PLOT_INSET;
  const double width = WIDTH - 2 * FD_STAT_PLOT_INSET, height = HEIGHT - 2 * FD_STAT_PLOT_INSET;

  adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
  set_step_points (FD_STAT_PLOT (plot));
  window = show_plot (plot);
  path = fd_test_ui_save_screenshot (plot, png_name);
  lookup_accent (plot, &accent);
  image = load_png (path);
  g_assert_cmpint (image.width, ==, WIDTH);
  g_assert_cmpint (image.height, ==, HEIGHT);

  for (guint minute = 2; minute <= 58; minute += 4)
    {
      /* Not at the steps themselves (30 and 45), where the line is steep. */
      if (minute == 30 || minute == 46)
        continue;
      {
        double value = minute < 30 ? 0 : minute < 45 ? 5 : 10;
        int x = (int) (left + width * minute / 60.0);
        int y = (int) (top + height * (1.0 - value / 10.0));

        if (!line_near (&image, x, y, &accent))
          g_error ("%s: no line at minute %u (x %d) near y %d", png_name, minute, x, y);
        /* The rest of the column is empty: no fill, no other line. */
        for (int other = 0; other < HEIGHT; other++)
          if (ABS (other - y) > 4 && !transparent (&image, x, other))
            g_error ("%s: something drawn at x %d, y %d (the line is at %d)", png_name, x, other, y);
      }
    }
  /* The newest value's dot at the right edge, at the top (10 is the top). */
  g_assert_true (line_near (&image, (int) (left + width) - 1, (int) top, &accent));

  image_clear (&image);
  gtk_window_destroy (GTK_WINDOW (window));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_sparkline (void)
{
  check_sparkline ("stat-plot-sparkline.png", FALSE);
}

/* The dark style's accent colour is another (lighter) blue: the line
 * follows it. */
static void
test_sparkline_dark (void)
{
  check_sparkline ("stat-plot-sparkline-dark.png", TRUE);
}

/* The chart: labels and grid drawn, and still the line where the values
 * put it, inside an area that leaves room for the labels. */
static void
test_chart (void)
{
  GtkWidget *plot = fd_stat_plot_new (FD_STAT_PLOT_CHART);
  GtkWidget *window;
  g_autofree char *path = NULL;
  Image image;
  GdkRGBA accent;
  guint drawn_left = 0, line_top = 0, line_bottom = 0;

  fd_stat_plot_set_stat (FD_STAT_PLOT (plot), fd_stat_catalog_lookup ("center.waiting"), "Waiting");
  set_step_points (FD_STAT_PLOT (plot));
  gtk_widget_set_size_request (plot, 480, 240);
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), plot);
  gtk_widget_set_halign (plot, GTK_ALIGN_START);
  gtk_widget_set_valign (plot, GTK_ALIGN_START);
  gtk_window_present (GTK_WINDOW (window));
  path = fd_test_ui_save_screenshot (plot, "stat-plot-chart.png");
  lookup_accent (plot, &accent);
  image = load_png (path);

  /* Value labels: something drawn in the left margin (not the accent). */
  for (int y = 0; y < image.height; y++)
    for (int x = 0; x < 20; x++)
      drawn_left += !transparent (&image, x, y);
  g_assert_cmpuint (drawn_left, >, 20);

  /* The line (opaque accent; the fill below it is faint): in the column
   * at x 150 (about minute 17, value 0) in the lower half, in the column
   * at x 420 (about minute 54, value 10, the chart's top) in the upper
   * half, below the latest value's label. */
  for (int y = 0; y < image.height; y++)
    {
      GdkRGBA c;

      pixel (&image, 420, y, &c);
      if (near_colour (&c, &accent) && line_top == 0)
        line_top = y;
      pixel (&image, 150, y, &c);
      if (near_colour (&c, &accent))
        line_bottom = y;
    }
  /* At x 150 (early in the hour, value 0) the line is in the lower part;
   * near the right end (value 10) in the upper part. */
  g_assert_cmpuint (line_bottom, >, image.height / 2);
  g_assert_cmpuint (line_top, >, 0);
  g_assert_cmpuint (line_top, <, image.height / 2);

  g_assert_cmpstr (fd_stat_plot_get_summary (FD_STAT_PLOT (plot)), ==,
                   "Waiting: 10 now, 0–10 over the last hour");

  image_clear (&image);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The accessible description, the hour's bound and appends. */
static void
test_points (void)
{
  FdStatPlot *plot = FD_STAT_PLOT (g_object_ref_sink (fd_stat_plot_new (FD_STAT_PLOT_SPARKLINE)));
  FdStatPoint points[] = {
    { T0 - 2 * FD_STAT_PLOT_SPAN, 99 },   /* older than the hour: dropped */
    { T0 - 60 * G_USEC_PER_SEC, 7 },
    { T0 - 120 * G_USEC_PER_SEC, 0 },    /* out of order: sorted */
    { T0, 3 },
  };
  const FdStatPoint *shown;
  guint n = 0;

  fd_stat_plot_set_stat (plot, fd_stat_catalog_lookup ("center.waiting"), "Waiting");
  g_assert_cmpstr (fd_stat_plot_get_summary (plot), ==, "Waiting: no values over the last hour");
  fd_stat_plot_set_points (plot, points, G_N_ELEMENTS (points));
  shown = fd_stat_plot_get_points (plot, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (shown[0].value, ==, 0);
  g_assert_cmpfloat (shown[2].value, ==, 3);
  g_assert_cmpstr (fd_stat_plot_get_summary (plot), ==, "Waiting: 3 now, 0–7 over the last hour");

  /* An append moves the hour on: the point at T0 − 120 s falls out an
   * hour later. */
  fd_stat_plot_append (plot, T0 + FD_STAT_PLOT_SPAN - 90 * G_USEC_PER_SEC, 2);
  shown = fd_stat_plot_get_points (plot, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (shown[0].value, ==, 7);
  /* An older point than the newest is ignored. */
  fd_stat_plot_append (plot, T0, 50);
  fd_stat_plot_get_points (plot, &n);
  g_assert_cmpuint (n, ==, 3);

  /* A duration statistic formats its range. */
  fd_stat_plot_set_stat (plot, fd_stat_catalog_lookup ("center.longest-wait"), "Longest Wait");
  g_assert_cmpstr (fd_stat_plot_get_summary (plot), ==, "Longest Wait: 00:02 now, 00:02–00:07 over the last hour");

  /* The bound: many appends keep at most FD_STAT_PLOT_MAX_POINTS. */
  for (guint i = 0; i < FD_STAT_PLOT_MAX_POINTS + 100; i++)
    fd_stat_plot_append (plot, T0 + FD_STAT_PLOT_SPAN + i * G_USEC_PER_SEC / 10, i % 5);
  fd_stat_plot_get_points (plot, &n);
  g_assert_cmpuint (n, ==, FD_STAT_PLOT_MAX_POINTS);

  g_assert_finalize_object (plot);
}

int
main (int argc, char *argv[])
{
  fd_test_ui_init (&argc, &argv);
  g_test_add_func ("/stat-plot/points", test_points);
  g_test_add_func ("/stat-plot/sparkline", test_sparkline);
  g_test_add_func ("/stat-plot/sparkline-dark", test_sparkline_dark);
  g_test_add_func ("/stat-plot/chart", test_chart);
  return g_test_run ();
}
