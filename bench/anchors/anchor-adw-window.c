/* anchor-adw-window: the empty libadwaita window, the anchor of the app's
 * figures (docs/performance.md). An AdwApplication opens one empty
 * AdwApplicationWindow on the display of the environment (DISPLAY, or
 * --display), waits until it is mapped and has painted its first frame,
 * lets it settle, and exits. What the app costs beyond the toolkit is read
 * against this: the same libraries, renderer (GSK_RENDERER) and display.
 *
 * Usage: anchor-adw-window [--small] [--display NAME] [--settle-ms MS]
 * Prints FIGURE anchor.adw_window_start_s (from main() to the first frame
 * after mapping) and anchor.adw_window_rss_kib (VmRSS after settling). */
#include "anchor-common.h"

#include <adwaita.h>

#define SETTLE_MS       1000
#define SMALL_SETTLE_MS 100
/* A backstop: the window shows in well under a second. */
#define GIVE_UP_S       60

typedef struct {
  AdwApplication *app;
  GtkWidget      *window;
  gint64          started_at;
  gint64          painted_at;
  guint           settle_ms;
  gulong          paint_handler;
  guint           give_up_id;
  gboolean        failed;
} Anchor;

static gboolean
on_settled (gpointer user_data)
{
  Anchor *anchor = user_data;

  anchor_print_figure ("anchor.adw_window_start_s", (anchor->painted_at - anchor->started_at) / 1e6, "s");
  anchor_print_figure ("anchor.adw_window_rss_kib", (double) anchor_rss_kib (0, "VmRSS"), "KiB");
  g_clear_handle_id (&anchor->give_up_id, g_source_remove);
  gtk_window_destroy (GTK_WINDOW (anchor->window));
  return G_SOURCE_REMOVE;
}

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       user_data)
{
  Anchor *anchor = user_data;

  if (!gtk_widget_get_mapped (anchor->window))
    return;
  anchor->painted_at = g_get_monotonic_time ();
  g_clear_signal_handler (&anchor->paint_handler, clock);
  g_timeout_add (anchor->settle_ms, on_settled, anchor);
}

static void
on_map (GtkWidget *window,
        gpointer   user_data)
{
  Anchor *anchor = user_data;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  anchor->paint_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), anchor);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
}

static gboolean
on_give_up (gpointer user_data)
{
  Anchor *anchor = user_data;

  g_printerr ("anchor-adw-window: the window did not show within %d s\n", GIVE_UP_S);
  anchor->give_up_id = 0;
  anchor->failed = TRUE;
  g_application_quit (G_APPLICATION (anchor->app));
  return G_SOURCE_REMOVE;
}

static void
on_activate (GApplication *app,
             gpointer      user_data)
{
  Anchor *anchor = user_data;

  anchor->window = adw_application_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (anchor->window), 800, 600);
  g_signal_connect (anchor->window, "map", G_CALLBACK (on_map), anchor);
  anchor->give_up_id = g_timeout_add_seconds (GIVE_UP_S, on_give_up, anchor);
  gtk_window_present (GTK_WINDOW (anchor->window));
}

int
main (int argc, char **argv)
{
  gint64 started_at = g_get_monotonic_time ();
  gboolean small = FALSE;
  int settle_ms = -1;
  g_autofree char *display = NULL;
  GOptionEntry entries[] = {
    { "small", 0, 0, G_OPTION_ARG_NONE, &small, "A short settle (CI)", NULL },
    { "display", 0, 0, G_OPTION_ARG_STRING, &display, "The X display (default: DISPLAY)", "NAME" },
    { "settle-ms", 0, 0, G_OPTION_ARG_INT, &settle_ms, "Wait after the first frame before reading RSS (default 1000)", "MS" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- the empty libadwaita window anchor");
  g_autoptr(GError) error = NULL;
  Anchor anchor = { 0 };
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (settle_ms > 60000)
    {
      g_printerr ("--settle-ms must be at most 60000\n");
      return 2;
    }
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);
  anchor.started_at = started_at;
  anchor.settle_ms = settle_ms >= 0 ? (guint) settle_ms : small ? SMALL_SETTLE_MS : SETTLE_MS;

  /* Not unique: no D-Bus name to own, nothing shared with another run. */
  anchor.app = adw_application_new ("org.frontdesk.AnchorWindow", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (anchor.app, "activate", G_CALLBACK (on_activate), &anchor);
  status = g_application_run (G_APPLICATION (anchor.app), 1, argv);
  g_object_unref (anchor.app);
  if (status == 0 && (anchor.failed || anchor.painted_at == 0))
    {
      g_printerr ("anchor-adw-window: no window was painted\n");
      return 1;
    }
  return status;
}
