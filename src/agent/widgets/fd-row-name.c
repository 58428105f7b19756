#define G_LOG_DOMAIN "fd-row-name"

#include "fd-row-name.h"

struct _FdRowName
{
  GtkWidget  parent_instance;

  char      *label;
  char      *description;
};

G_DEFINE_FINAL_TYPE (FdRowName, fd_row_name, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LABEL,
  PROP_DESCRIPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The row @widget sits in: a cell's child is a few levels below it. */
static GtkWidget *
find_row (GtkWidget *widget)
{
  for (GtkWidget *ancestor = gtk_widget_get_parent (widget); ancestor != NULL;
       ancestor = gtk_widget_get_parent (ancestor))
    {
      GtkAccessibleRole role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (ancestor));

      if (role == GTK_ACCESSIBLE_ROLE_ROW || role == GTK_ACCESSIBLE_ROLE_LIST_ITEM)
        return ancestor;
      if (GTK_IS_ROOT (ancestor))
        break;
    }
  return NULL;
}

/* Replaces *@field with a copy of @value; FALSE when it was the same. */
static gboolean
replace_text (char       **field,
              const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
update_row (FdRowName *self)
{
  fd_row_name_apply (GTK_WIDGET (self), self->label, self->description);
}

/* The cell is put in its row after the factory bound it: name the row
 * once this widget is in the window. */
static void
fd_row_name_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fd_row_name_parent_class)->root (widget);
  update_row (FD_ROW_NAME (widget));
}

static void
fd_row_name_finalize (GObject *object)
{
  FdRowName *self = FD_ROW_NAME (object);

  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->description, g_free);
  G_OBJECT_CLASS (fd_row_name_parent_class)->finalize (object);
}

static void
fd_row_name_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FdRowName *self = FD_ROW_NAME (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_row_name_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  FdRowName *self = FD_ROW_NAME (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      fd_row_name_set_label (self, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      fd_row_name_set_description (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_row_name_class_init (FdRowNameClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fd_row_name_finalize;
  object_class->get_property = fd_row_name_get_property;
  object_class->set_property = fd_row_name_set_property;
  widget_class->root = fd_row_name_root;

  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fd_row_name_init (FdRowName *self)
{
  /* Takes no room and is not presented itself. */
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

const char *
fd_row_name_get_label (FdRowName *self)
{
  g_return_val_if_fail (FD_IS_ROW_NAME (self), NULL);
  return self->label;
}

void
fd_row_name_set_label (FdRowName  *self,
                       const char *label)
{
  g_return_if_fail (FD_IS_ROW_NAME (self));
  if (replace_text (&self->label, label))
    {
      update_row (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
    }
}

const char *
fd_row_name_get_description (FdRowName *self)
{
  g_return_val_if_fail (FD_IS_ROW_NAME (self), NULL);
  return self->description;
}

void
fd_row_name_set_description (FdRowName  *self,
                             const char *description)
{
  g_return_if_fail (FD_IS_ROW_NAME (self));
  if (replace_text (&self->description, description))
    {
      update_row (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
    }
}

/* For a widget that names its row itself (FdActivityCell), without an
 * FdRowName: call it when @widget is rooted and when the texts change. */
void
fd_row_name_apply (GtkWidget  *widget,
                   const char *label,
                   const char *description)
{
  GtkWidget *row;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  if ((row = find_row (widget)) == NULL)
    return;
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label != NULL ? label : "",
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description != NULL ? description : "",
                                  -1);
}
