/* The anchor of the app benchmarks (docs/performance.md, "The app with
 * thousands of conversations"): an empty libadwaita window. Prints
 * "READY" on stdout once its first frame is painted, then stays until it
 * is killed (so its RSS can be read), or exits at once with --exit.
 *
 * adw-window [--exit] */

#include <adwaita.h>
#include <stdio.h>
#include <string.h>

static gboolean exit_when_shown;

static void
on_after_paint_cb (GdkFrameClock *clock,
                   GtkWindow     *window)
{
  g_signal_handlers_disconnect_by_func (clock, on_after_paint_cb, window);
  printf ("READY\n");
  fflush (stdout);
  if (exit_when_shown)
    gtk_window_destroy (window);
}

static void
on_map_cb (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), window);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
}

static void
on_activate_cb (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 640);
  gtk_window_set_title (GTK_WINDOW (window), "Empty");
  g_signal_connect (window, "map", G_CALLBACK (on_map_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(AdwApplication) app = NULL;

  exit_when_shown = argc > 1 && strcmp (argv[1], "--exit") == 0;
  app = adw_application_new ("org.frontdesk.BenchEmptyWindow", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
