#define G_LOG_DOMAIN "fd-tick-label"

#include "fd-tick-label.h"

struct _FdTickLabel
{
  GtkWidget    parent_instance;

  char        *label;
  PangoLayout *layout;      /* NULL until measured or drawn */
  int          width;       /* of the text as last measured, in Pango units; -1: not measured */
};

G_DEFINE_FINAL_TYPE (FdTickLabel, fd_tick_label, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static PangoLayout *
ensure_layout (FdTickLabel *self)
{
  if (self->layout == NULL)
    self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->label);
  return self->layout;
}

static void
fd_tick_label_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  FdTickLabel *self = FD_TICK_LABEL (widget);
  PangoLayout *layout = ensure_layout (self);
  int width, height;

  pango_layout_set_width (layout, -1);
  pango_layout_get_size (layout, &width, &height);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      self->width = width;
      /* Ellipsized down to nothing, as a label with ellipsize end. */
      *minimum = 0;
      *natural = PANGO_PIXELS_CEIL (width);
    }
  else
    {
      *minimum = *natural = PANGO_PIXELS_CEIL (height);
      *minimum_baseline = *natural_baseline = PANGO_PIXELS (pango_layout_get_baseline (layout));
    }
}

static void
fd_tick_label_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  FdTickLabel *self = FD_TICK_LABEL (widget);
  PangoLayout *layout = ensure_layout (self);
  GdkRGBA color;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_width (layout, gtk_widget_get_width (widget) * PANGO_SCALE);
  gtk_snapshot_append_layout (snapshot, layout, &color);
}

/* The font or the scale changed: measure again. */
static void
fd_tick_label_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  FdTickLabel *self = FD_TICK_LABEL (widget);

  GTK_WIDGET_CLASS (fd_tick_label_parent_class)->css_changed (widget, change);
  g_clear_object (&self->layout);
  self->width = -1;
  gtk_widget_queue_resize (widget);
}

static void
fd_tick_label_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_set_string (value, FD_TICK_LABEL (object)->label);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_tick_label_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_LABEL:
      fd_tick_label_set_label (FD_TICK_LABEL (object), g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_tick_label_finalize (GObject *object)
{
  FdTickLabel *self = FD_TICK_LABEL (object);

  g_clear_object (&self->layout);
  g_clear_pointer (&self->label, g_free);
  G_OBJECT_CLASS (fd_tick_label_parent_class)->finalize (object);
}

static void
fd_tick_label_class_init (FdTickLabelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = fd_tick_label_get_property;
  object_class->set_property = fd_tick_label_set_property;
  object_class->finalize = fd_tick_label_finalize;
  widget_class->measure = fd_tick_label_measure;
  widget_class->snapshot = fd_tick_label_snapshot;
  widget_class->css_changed = fd_tick_label_css_changed;

  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, "",
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
fd_tick_label_init (FdTickLabel *self)
{
  self->label = g_strdup ("");
  self->width = -1;
}

const char *
fd_tick_label_get_label (FdTickLabel *self)
{
  g_return_val_if_fail (FD_IS_TICK_LABEL (self), NULL);
  return self->label;
}

void
fd_tick_label_set_label (FdTickLabel *self,
                         const char  *label)
{
  int width;

  g_return_if_fail (FD_IS_TICK_LABEL (self));

  if (label == NULL)
    label = "";
  if (g_strcmp0 (self->label, label) == 0)
    return;
  g_free (self->label);
  self->label = g_strdup (label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, self->label, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);

  if (self->layout == NULL)
    {
      gtk_widget_queue_resize (GTK_WIDGET (self));
      return;
    }
  pango_layout_set_text (self->layout, self->label, -1);
  pango_layout_set_width (self->layout, -1);
  pango_layout_get_size (self->layout, &width, NULL);
  /* The same width: only the pixels change. */
  if (width == self->width)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  else
    gtk_widget_queue_resize (GTK_WIDGET (self));
}
