#define G_LOG_DOMAIN "fd-properties"

#include "fd-properties.h"

/* The table of the class that installed a property, found from the
 * property's owner type. */
static GQuark
table_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("fd-properties-table");
  return quark;
}

static const FdProperty *
lookup (guint       prop_id,
        GParamSpec *pspec)
{
  const FdProperty *table = g_type_get_qdata (pspec->owner_type, table_quark ());

  g_assert (table != NULL && prop_id > 0);
  return &table[prop_id];
}

static void
fd_properties_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  GCallback getter = lookup (prop_id, pspec)->getter;
  GValue number = G_VALUE_INIT;

  if (G_VALUE_HOLDS_STRING (value))
    g_value_set_string (value, ((const char *(*) (GObject *)) getter) (object));
  else if (G_VALUE_HOLDS_INT64 (value))
    g_value_set_int64 (value, ((gint64 (*) (GObject *)) getter) (object));
  else if (G_VALUE_HOLDS_ENUM (value))
    g_value_set_enum (value, ((gint (*) (GObject *)) getter) (object));
  else if (G_VALUE_HOLDS_BOXED (value))
    g_value_set_boxed (value, ((gconstpointer (*) (GObject *)) getter) (object));
  else if (G_VALUE_HOLDS_OBJECT (value))
    g_value_set_object (value, ((gpointer (*) (GObject *)) getter) (object));
  else
    {
      /* Booleans, ints and uints come back as an int, which GValue
       * converts to the property's type. */
      g_value_init (&number, G_TYPE_INT);
      g_value_set_int (&number, ((gint (*) (GObject *)) getter) (object));
      g_value_transform (&number, value);
    }
}

static void
fd_properties_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  GCallback setter = lookup (prop_id, pspec)->setter;

  g_assert (setter != NULL);
  if (G_VALUE_HOLDS_STRING (value))
    ((void (*) (GObject *, const char *)) setter) (object, g_value_get_string (value));
  else if (G_VALUE_HOLDS_INT64 (value))
    ((void (*) (GObject *, gint64)) setter) (object, g_value_get_int64 (value));
  else if (G_VALUE_HOLDS_BOOLEAN (value))
    ((void (*) (GObject *, gboolean)) setter) (object, g_value_get_boolean (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static GParamSpec *
new_pspec (const FdProperty *property)
{
  GParamFlags flags = property->flags != 0 ? property->flags
                                           : G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY;

  flags |= G_PARAM_STATIC_STRINGS;
  switch (property->type)
    {
    case G_TYPE_BOOLEAN:
      return g_param_spec_boolean (property->name, NULL, NULL, property->default_value != 0, flags);
    case G_TYPE_INT:
      return g_param_spec_int (property->name, NULL, NULL, (gint) property->minimum, G_MAXINT,
                               (gint) property->default_value, flags);
    case G_TYPE_UINT:
      return g_param_spec_uint (property->name, NULL, NULL, (guint) property->minimum, G_MAXUINT,
                                (guint) property->default_value, flags);
    case G_TYPE_INT64:
      return g_param_spec_int64 (property->name, NULL, NULL, property->minimum, G_MAXINT64,
                                 property->default_value, flags);
    case G_TYPE_STRING:
      return g_param_spec_string (property->name, NULL, NULL, property->default_string, flags);
    case G_TYPE_ENUM:
      return g_param_spec_enum (property->name, NULL, NULL, property->enum_type (),
                                (gint) property->default_value, flags);
    case G_TYPE_BOXED:
      return g_param_spec_boxed (property->name, NULL, NULL, property->enum_type (), flags);
    case G_TYPE_OBJECT:
      return g_param_spec_object (property->name, NULL, NULL, property->enum_type (), flags);
    default:
      g_assert_not_reached ();
    }
}

void
fd_properties_install (GObjectClass      *object_class,
                       const FdProperty  *table,
                       GParamSpec       **pspecs,
                       guint              n_properties)
{
  gboolean writable = FALSE;

  g_return_if_fail (G_IS_OBJECT_CLASS (object_class));
  g_return_if_fail (table != NULL && pspecs != NULL && n_properties > 1);

  g_type_set_qdata (G_OBJECT_CLASS_TYPE (object_class), table_quark (), (gpointer) table);
  pspecs[0] = NULL;
  for (guint i = 1; i < n_properties; i++)
    {
      g_assert (table[i].name != NULL && table[i].getter != NULL);
      pspecs[i] = new_pspec (&table[i]);
      writable |= table[i].setter != NULL;
    }
  object_class->get_property = fd_properties_get_property;
  if (writable)
    object_class->set_property = fd_properties_set_property;
  g_object_class_install_properties (object_class, n_properties, pspecs);
}

gboolean
fd_properties_replace_string (GObject     *object,
                              char       **field,
                              const char  *value,
                              GParamSpec  *pspec)
{
  g_return_val_if_fail (G_IS_OBJECT (object), FALSE);
  g_return_val_if_fail (field != NULL, FALSE);

  if (value == NULL)
    value = "";
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (object, pspec);
  return TRUE;
}

gboolean
fd_properties_set_int (GObject    *object,
                       gint       *field,
                       gint        value,
                       GParamSpec *pspec)
{
  g_return_val_if_fail (G_IS_OBJECT (object), FALSE);
  g_return_val_if_fail (field != NULL, FALSE);

  if (*field == value)
    return FALSE;
  *field = value;
  g_object_notify_by_pspec (object, pspec);
  return TRUE;
}

gboolean
fd_properties_set_boolean (GObject    *object,
                           gboolean   *field,
                           gboolean    value,
                           GParamSpec *pspec)
{
  return fd_properties_set_int (object, field, !!value, pspec);
}
