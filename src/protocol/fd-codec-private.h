#pragma once

/* Shared by the codec's own files (fd-codec*.c) only. */

#include "fd-codec.h"

G_BEGIN_DECLS

#define FIELD_PTR(self, field) ((guint8 *) (self) + (field)->offset)
#define CFIELD_PTR(self, field) ((const guint8 *) (self) + (field)->offset)

/* A field's length limit: its own, or the default of its kind. */
guint      fd_codec_field_max        (const FdFieldInfo *field);
GPtrArray *fd_codec_object_array_new (const FdTypeInfo  *child,
                                      guint              reserve);

G_END_DECLS
