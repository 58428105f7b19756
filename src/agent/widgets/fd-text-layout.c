#define G_LOG_DOMAIN "fd-text-layout"

#include "fd-text-layout.h"

static PangoLayout *
ensure_layout (FdTextLayout *self,
               GtkWidget    *widget,
               const char   *text)
{
  if (self->layout == NULL)
    {
      /* With the style's attributes (the numeric class's tabular digits),
       * read now: the widgets set their classes before their first text. */
      self->layout = gtk_widget_create_pango_layout (widget, text);
      /* Only in effect while the layout is given a width (snapshot). */
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
      self->width = -1;
    }
  return self->layout;
}

static void
ensure_size (FdTextLayout *self,
             GtkWidget    *widget,
             const char   *text)
{
  PangoLayout *layout = ensure_layout (self, widget, text);
  guint serial = pango_context_get_serial (pango_layout_get_context (layout));

  if (self->width >= 0 && self->serial == serial)
    return;
  pango_layout_set_width (layout, -1);
  pango_layout_get_size (layout, &self->width, &self->height);
  self->baseline = pango_layout_get_baseline (layout);
  self->serial = serial;
}

/* The text's natural size in pixels, laid out once per text and font
 * however often GTK measures. */
void
fd_text_layout_measure (FdTextLayout *self,
                        GtkWidget    *widget,
                        const char   *text,
                        int          *width,
                        int          *height,
                        int          *baseline)
{
  g_assert (self != NULL);
  ensure_size (self, widget, text);
  if (width != NULL)
    *width = PANGO_PIXELS_CEIL (self->width);
  if (height != NULL)
    *height = PANGO_PIXELS_CEIL (self->height);
  if (baseline != NULL)
    *baseline = PANGO_PIXELS (self->baseline);
}

/* Replaces the widget's text *@label with @text (NULL: none), for the
 * widget's accessible label too; FALSE when it was the same. The widget is
 * measured again only when the text's size changed (or was never known),
 * else only drawn again. */
gboolean
fd_text_layout_set_label (FdTextLayout  *self,
                          GtkWidget     *widget,
                          char         **label,
                          const char    *text)
{
  int width = self->width;
  int height = self->height;

  g_assert (self != NULL);
  if (text == NULL)
    text = "";
  if (g_strcmp0 (*label, text) == 0)
    return FALSE;
  g_free (*label);
  *label = g_strdup (text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, *label, -1);
  if (self->layout == NULL)
    {
      gtk_widget_queue_resize (widget);
      return TRUE;
    }
  pango_layout_set_text (self->layout, *label, -1);
  self->width = -1;
  ensure_size (self, widget, *label);
  if (width < 0 || width != self->width || height != self->height)
    gtk_widget_queue_resize (widget);
  else
    gtk_widget_queue_draw (widget);
  return TRUE;
}

/* After the widget's css_changed: a new font (size, family, scale) asks
 * for a new layout and size. Other changes (the row's hover, selection,
 * the window's backdrop) keep them; GtkWidget draws the new colours. */
void
fd_text_layout_css_changed (FdTextLayout *self,
                            GtkWidget    *widget)
{
  g_assert (self != NULL);
  if (self->layout == NULL ||
      self->serial == pango_context_get_serial (pango_layout_get_context (self->layout)))
    return;
  g_clear_object (&self->layout);
  self->width = -1;
  gtk_widget_queue_resize (widget);
}

/* Draws the text at the start of the span from @x, @width pixels wide
 * (the right end in a right-to-left widget), centred in the widget's
 * height, ellipsized at the end when the span is narrower than the text. */
void
fd_text_layout_snapshot (FdTextLayout *self,
                         GtkWidget    *widget,
                         const char   *text,
                         GtkSnapshot  *snapshot,
                         int           x,
                         int           width)
{
  PangoLayout *layout;
  GdkRGBA color;
  int text_width;
  int y;

  g_assert (self != NULL);
  ensure_size (self, widget, text);
  layout = self->layout;
  text_width = PANGO_PIXELS_CEIL (self->width);
  if (text_width > width)
    {
      pango_layout_set_width (layout, MAX (width, 0) * PANGO_SCALE);
      text_width = width;
    }
  else
    pango_layout_set_width (layout, -1);
  if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
    x += width - text_width;
  y = (gtk_widget_get_height (widget) - PANGO_PIXELS_CEIL (self->height)) / 2;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

void
fd_text_layout_clear (FdTextLayout *self)
{
  g_assert (self != NULL);
  g_clear_object (&self->layout);
  self->width = -1;
}
