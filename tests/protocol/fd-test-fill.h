#pragma once

#include "fd-protocol.h"

G_BEGIN_DECLS

/* Fills every field of a struct described by @info with a value that is not
 * the field's default, varied by @seed, so that a round trip that drops or
 * mangles any field is noticed. */
void     fd_test_fill             (const FdTypeInfo  *info,
                                   gpointer           self,
                                   guint              seed);
gpointer fd_test_new_filled       (const FdTypeInfo  *info,
                                   guint              seed);
/* Resets field @index of @self to its default (0 / NULL), freeing it. */
void     fd_test_reset_field      (const FdTypeInfo  *info,
                                   gpointer           self,
                                   guint              index);
/* @unit @n times over, for texts at and over the protocol's limits. */
char    *fd_test_repeat           (const char        *unit,
                                   guint              n);
/* encode → decode → encode: equal JSON text and equal fields. */
void     fd_test_assert_round_trip (const FdTypeInfo *info,
                                   gconstpointer      self);

G_END_DECLS
