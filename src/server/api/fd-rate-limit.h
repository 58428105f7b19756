#pragma once

/* Token buckets keyed by a string (a client address, a conversation id):
 * each key may spend @burst tokens at once, and tokens come back at
 * @per_minute a minute. The clock is injectable so that tests can move time
 * by hand. Memory is bounded: a key whose bucket is full again is the same
 * as an unknown key and is forgotten, and when the table is full the
 * longest-idle key is dropped. */

#include <glib.h>

G_BEGIN_DECLS

/* Monotonic time in microseconds, like g_get_monotonic_time(). */
typedef gint64 (*FdRateClock) (gpointer user_data);

typedef struct _FdRateLimit FdRateLimit;

FdRateLimit *fd_rate_limit_new        (guint         per_minute,
                                       guint         burst,
                                       guint         max_keys);
void         fd_rate_limit_free       (FdRateLimit  *self);
/* Replaces the clock (NULL restores g_get_monotonic_time()). */
void         fd_rate_limit_set_clock  (FdRateLimit  *self,
                                       FdRateClock   clock,
                                       gpointer      user_data);
/* Spends one token of @key. FALSE when none is left; then
 * @out_retry_after (when not NULL) tells in whole seconds, at least 1, when
 * the next token comes back. */
gboolean     fd_rate_limit_take       (FdRateLimit  *self,
                                       const char   *key,
                                       guint        *out_retry_after);
/* How many keys are remembered (for tests of the memory bound). */
guint        fd_rate_limit_get_n_keys (FdRateLimit  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdRateLimit, fd_rate_limit_free)

G_END_DECLS
