#define G_LOG_DOMAIN "fd-rate-limit"

#include "fd-rate-limit.h"

typedef struct {
  double tokens;
  gint64 updated;    /* clock time of the last refill */
} Bucket;

struct _FdRateLimit
{
  double       per_usec;   /* tokens that come back per microsecond */
  guint        burst;
  guint        max_keys;
  GHashTable  *buckets;    /* char* key → Bucket* */
  FdRateClock  clock;
  gpointer     clock_data;
};

static gint64
monotonic_clock (gpointer user_data)
{
  return g_get_monotonic_time ();
}

FdRateLimit *
fd_rate_limit_new (guint per_minute,
                   guint burst,
                   guint max_keys)
{
  FdRateLimit *self;

  g_return_val_if_fail (per_minute > 0, NULL);
  g_return_val_if_fail (burst > 0, NULL);
  g_return_val_if_fail (max_keys > 0, NULL);

  self = g_new0 (FdRateLimit, 1);
  self->per_usec = per_minute / (60.0 * G_USEC_PER_SEC);
  self->burst = burst;
  self->max_keys = max_keys;
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->clock = monotonic_clock;
  return self;
}

void
fd_rate_limit_free (FdRateLimit *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->buckets);
  g_free (self);
}

void
fd_rate_limit_set_clock (FdRateLimit *self,
                         FdRateClock  clock,
                         gpointer     user_data)
{
  g_return_if_fail (self != NULL);

  self->clock = clock != NULL ? clock : monotonic_clock;
  self->clock_data = clock != NULL ? user_data : NULL;
}

static void
refill (FdRateLimit *self,
        Bucket      *bucket,
        gint64       now)
{
  /* A clock that goes backwards (a test, or a bad source) never takes
   * tokens away. */
  if (now > bucket->updated)
    bucket->tokens = MIN ((double) self->burst, bucket->tokens + (now - bucket->updated) * self->per_usec);
  bucket->updated = MAX (now, bucket->updated);
}

/* Forgets every key whose bucket is full again, then, if that was not
 * enough, the longest-idle one: a forgotten key merely gets a fresh burst. */
static void
make_room (FdRateLimit *self,
           gint64       now)
{
  GHashTableIter iter;
  gpointer key, value;
  gpointer oldest = NULL;
  gint64 oldest_time = G_MAXINT64;

  g_hash_table_iter_init (&iter, self->buckets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Bucket *bucket = value;

      refill (self, bucket, now);
      if (bucket->tokens >= self->burst)
        g_hash_table_iter_remove (&iter);
    }
  if (g_hash_table_size (self->buckets) < self->max_keys)
    return;
  g_hash_table_iter_init (&iter, self->buckets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (((Bucket *) value)->updated < oldest_time)
      {
        oldest = key;
        oldest_time = ((Bucket *) value)->updated;
      }
  if (oldest != NULL)
    g_hash_table_remove (self->buckets, oldest);
}

gboolean
fd_rate_limit_take (FdRateLimit *self,
                    const char  *key,
                    guint       *out_retry_after)
{
  gint64 now;
  Bucket *bucket;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  now = self->clock (self->clock_data);
  bucket = g_hash_table_lookup (self->buckets, key);
  if (bucket == NULL)
    {
      if (g_hash_table_size (self->buckets) >= self->max_keys)
        make_room (self, now);
      bucket = g_new0 (Bucket, 1);
      bucket->tokens = self->burst;
      bucket->updated = now;
      g_hash_table_insert (self->buckets, g_strdup (key), bucket);
    }
  refill (self, bucket, now);
  if (bucket->tokens >= 1.0)
    {
      bucket->tokens -= 1.0;
      return TRUE;
    }
  if (out_retry_after != NULL)
    {
      double seconds = (1.0 - bucket->tokens) / self->per_usec / G_USEC_PER_SEC;
      guint whole = (guint) seconds;

      /* Rounded up: a client that waits this long is admitted. */
      if (whole < seconds)
        whole++;
      *out_retry_after = MAX (whole, 1u);
    }
  return FALSE;
}

guint
fd_rate_limit_get_n_keys (FdRateLimit *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_hash_table_size (self->buckets);
}
