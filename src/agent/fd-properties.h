#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One table per class describes its GObject properties through the public
 * getters (and setters) the class has anyway, so that the class writes
 * neither a get_property switch nor a g_param_spec_* call per property.
 * The table is indexed by the class's PROP_* enum (entry 0 unused).
 *
 * A getter is called as `Type getter (Self *self)` and a setter as
 * `void setter (Self *self, Type value)`, where Type is gboolean, gint,
 * guint, gint64, const char * or the enum, after the property's type. */
typedef struct
{
  const char   *name;
  GType         type;           /* a fundamental type; G_TYPE_ENUM, G_TYPE_BOXED or G_TYPE_OBJECT with enum_type */
  GType       (*enum_type) (void);  /* the enum, boxed or object type */
  gint64        minimum;        /* numbers; the maximum is the type's */
  gint64        default_value;  /* numbers, booleans and enums */
  const char   *default_string;
  GCallback     getter;
  GCallback     setter;         /* NULL: not writable */
  GParamFlags   flags;          /* 0: read-only, notified explicitly */
} FdProperty;

#define FD_PROPERTY_BOOLEAN(n, get, def) \
  { .name = (n), .type = G_TYPE_BOOLEAN, .default_value = (def), .getter = G_CALLBACK (get) }
#define FD_PROPERTY_INT(n, get, min, def) \
  { .name = (n), .type = G_TYPE_INT, .minimum = (min), .default_value = (def), .getter = G_CALLBACK (get) }
#define FD_PROPERTY_UINT(n, get) \
  { .name = (n), .type = G_TYPE_UINT, .getter = G_CALLBACK (get) }
#define FD_PROPERTY_INT64(n, get) \
  { .name = (n), .type = G_TYPE_INT64, .getter = G_CALLBACK (get) }
#define FD_PROPERTY_STRING(n, get, def) \
  { .name = (n), .type = G_TYPE_STRING, .default_string = (def), .getter = G_CALLBACK (get) }
#define FD_PROPERTY_ENUM(n, get, type_func, def) \
  { .name = (n), .type = G_TYPE_ENUM, .enum_type = (type_func), .default_value = (def), .getter = G_CALLBACK (get) }
/* A boxed value the getter returns borrowed (e.g. g_strv_get_type for a
 * NULL-terminated array of strings); read-only. */
#define FD_PROPERTY_BOXED(n, get, type_func) \
  { .name = (n), .type = G_TYPE_BOXED, .enum_type = (type_func), .getter = G_CALLBACK (get) }
/* An object the getter returns borrowed; read-only. */
#define FD_PROPERTY_OBJECT(n, get, type_func) \
  { .name = (n), .type = G_TYPE_OBJECT, .enum_type = (type_func), .getter = G_CALLBACK (get) }

/* Creates the param specs of @table (n_properties entries, entry 0 unused)
 * into @pspecs, installs them on @object_class and points its
 * get_property (and set_property, when an entry has a setter) at the
 * table. @table must outlive the class (a static const array). */
void fd_properties_install (GObjectClass      *object_class,
                            const FdProperty  *table,
                            GParamSpec       **pspecs,
                            guint              n_properties);

/* Replaces *@field by a copy of @value (NULL counts as "") and notifies
 * @pspec, when they differ. Returns whether it changed. */
gboolean fd_properties_replace_string (GObject     *object,
                                       char       **field,
                                       const char  *value,
                                       GParamSpec  *pspec);

/* Sets *@field to @value and notifies @pspec, when they differ. */
gboolean fd_properties_set_int     (GObject    *object,
                                    gint       *field,
                                    gint        value,
                                    GParamSpec *pspec);
gboolean fd_properties_set_boolean (GObject    *object,
                                    gboolean   *field,
                                    gboolean    value,
                                    GParamSpec *pspec);

G_END_DECLS
