#define G_LOG_DOMAIN "fd-activity-cell"

#include "fd-activity-cell.h"
#include "fd-row-name.h"
#include "fd-text-layout.h"

/* As a GtkImage of normal size beside a GtkLabel in a GtkBox of spacing 6. */
#define ICON_SIZE 16
#define SPACING   6

struct _FdActivityCell
{
  GtkWidget         parent_instance;

  char             *label;
  FdTextLayout      text;
  const char       *icon_name;  /* interned */
  GtkIconPaintable *icon;       /* looked up when drawn; NULL until then or after a change */
  int               icon_scale; /* the scale it was looked up for */
  char             *row_label;
  char             *row_description;
};

G_DEFINE_FINAL_TYPE (FdActivityCell, fd_activity_cell, GTK_TYPE_WIDGET)

static void
fd_activity_cell_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  FdActivityCell *self = FD_ACTIVITY_CELL (widget);
  int width, height;

  fd_text_layout_measure (&self->text, widget, self->label, &width, &height, NULL);
  /* No baseline, as the box this replaces. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = ICON_SIZE + SPACING + width;
  else
    *minimum = *natural = MAX (ICON_SIZE, height);
}

static GtkIconPaintable *
ensure_icon (FdActivityCell *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int scale = gtk_widget_get_scale_factor (widget);

  if (self->icon != NULL && self->icon_scale == scale)
    return self->icon;
  g_clear_object (&self->icon);
  if (self->icon_name == NULL || *self->icon_name == '\0')
    return NULL;
  /* The theme keeps the icons it looked up: the rows share one paintable
   * per icon. */
  self->icon = gtk_icon_theme_lookup_icon (gtk_icon_theme_get_for_display (gtk_widget_get_display (widget)),
                                           self->icon_name, NULL, ICON_SIZE, scale,
                                           gtk_widget_get_direction (widget), 0);
  self->icon_scale = scale;
  return self->icon;
}

static void
fd_activity_cell_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  FdActivityCell *self = FD_ACTIVITY_CELL (widget);
  GtkIconPaintable *icon = ensure_icon (self);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int width = gtk_widget_get_width (widget);
  int text_width = width - ICON_SIZE - SPACING;

  if (icon != NULL)
    {
      GdkRGBA color;

      gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (rtl ? width - ICON_SIZE : 0,
                                                              (gtk_widget_get_height (widget) - ICON_SIZE) / 2));
      gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (icon), snapshot,
                                                ICON_SIZE, ICON_SIZE, &color, 1);
      gtk_snapshot_restore (snapshot);
    }
  fd_text_layout_snapshot (&self->text, widget, self->label, snapshot, rtl ? 0 : ICON_SIZE + SPACING, text_width);
}

/* A new icon theme reaches the widget as a style change: look the icon up
 * again when drawn (the theme answers from its cache otherwise). */
static void
fd_activity_cell_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  FdActivityCell *self = FD_ACTIVITY_CELL (widget);

  GTK_WIDGET_CLASS (fd_activity_cell_parent_class)->css_changed (widget, change);
  g_clear_object (&self->icon);
  fd_text_layout_css_changed (&self->text, widget);
}

/* The cell is put in its row after the factory bound it: name the row
 * once this widget is in the window. */
static void
fd_activity_cell_root (GtkWidget *widget)
{
  FdActivityCell *self = FD_ACTIVITY_CELL (widget);

  GTK_WIDGET_CLASS (fd_activity_cell_parent_class)->root (widget);
  fd_row_name_apply (widget, self->row_label, self->row_description);
}

static void
fd_activity_cell_finalize (GObject *object)
{
  FdActivityCell *self = FD_ACTIVITY_CELL (object);

  fd_text_layout_clear (&self->text);
  g_clear_object (&self->icon);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->row_label, g_free);
  g_clear_pointer (&self->row_description, g_free);
  G_OBJECT_CLASS (fd_activity_cell_parent_class)->finalize (object);
}

static void
fd_activity_cell_class_init (FdActivityCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fd_activity_cell_finalize;
  widget_class->measure = fd_activity_cell_measure;
  widget_class->snapshot = fd_activity_cell_snapshot;
  widget_class->css_changed = fd_activity_cell_css_changed;
  widget_class->root = fd_activity_cell_root;

  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
fd_activity_cell_init (FdActivityCell *self)
{
  self->label = g_strdup ("");
  self->text = (FdTextLayout) FD_TEXT_LAYOUT_INIT;
}

GtkWidget *
fd_activity_cell_new (void)
{
  return g_object_new (FD_TYPE_ACTIVITY_CELL, NULL);
}

void
fd_activity_cell_set_icon_name (FdActivityCell *self,
                                const char     *icon_name)
{
  g_return_if_fail (FD_IS_ACTIVITY_CELL (self));

  icon_name = g_intern_string (icon_name);
  if (icon_name == self->icon_name)
    return;
  self->icon_name = icon_name;
  g_clear_object (&self->icon);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
fd_activity_cell_get_label (FdActivityCell *self)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_CELL (self), NULL);
  return self->label;
}

void
fd_activity_cell_set_label (FdActivityCell *self,
                            const char     *label)
{
  g_return_if_fail (FD_IS_ACTIVITY_CELL (self));
  fd_text_layout_set_label (&self->text, GTK_WIDGET (self), &self->label, label);
}

/* What a screen reader says on the row this cell is in. */
void
fd_activity_cell_set_row_name (FdActivityCell *self,
                               const char     *label,
                               const char     *description)
{
  g_return_if_fail (FD_IS_ACTIVITY_CELL (self));

  if (g_strcmp0 (self->row_label, label) == 0 && g_strcmp0 (self->row_description, description) == 0)
    return;
  g_free (self->row_label);
  self->row_label = g_strdup (label);
  g_free (self->row_description);
  self->row_description = g_strdup (description);
  fd_row_name_apply (GTK_WIDGET (self), self->row_label, self->row_description);
}
