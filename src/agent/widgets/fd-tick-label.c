#define G_LOG_DOMAIN "fd-tick-label"

#include "fd-tick-label.h"
#include "fd-text-layout.h"

struct _FdTickLabel
{
  GtkWidget     parent_instance;

  char         *label;
  FdTextLayout  text;
};

G_DEFINE_FINAL_TYPE (FdTickLabel, fd_tick_label, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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
  int width, height, baseline;

  fd_text_layout_measure (&self->text, widget, self->label, &width, &height, &baseline);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* Ellipsized down to nothing, as a label with ellipsize end. */
      *minimum = 0;
      *natural = width;
    }
  else
    {
      *minimum = *natural = height;
      *minimum_baseline = *natural_baseline = baseline;
    }
}

static void
fd_tick_label_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  FdTickLabel *self = FD_TICK_LABEL (widget);

  fd_text_layout_snapshot (&self->text, widget, self->label, snapshot, 0, gtk_widget_get_width (widget));
}

static void
fd_tick_label_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (fd_tick_label_parent_class)->css_changed (widget, change);
  fd_text_layout_css_changed (&FD_TICK_LABEL (widget)->text, widget);
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

  fd_text_layout_clear (&self->text);
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
  self->text = (FdTextLayout) FD_TEXT_LAYOUT_INIT;
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
  g_return_if_fail (FD_IS_TICK_LABEL (self));

  if (fd_text_layout_set_label (&self->text, GTK_WIDGET (self), &self->label, label))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}
