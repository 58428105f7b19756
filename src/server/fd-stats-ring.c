#define G_LOG_DOMAIN "fd-center"

#include "fd-stats-ring.h"

#define MINUTE (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)

typedef struct {
  gint64     minute;   /* at / MINUTE */
  GPtrArray *rows;     /* FdStats* */
} Sample;

struct _FdStatsRing
{
  guint   max_rows;
  guint   minutes;
  GQueue  samples;    /* Sample*, oldest first */
};

static void
sample_free (Sample *sample)
{
  g_ptr_array_unref (sample->rows);
  g_free (sample);
}

FdStatsRing *
fd_stats_ring_new (guint max_rows,
                   guint minutes)
{
  FdStatsRing *self = g_new0 (FdStatsRing, 1);

  g_return_val_if_fail (max_rows > 0 && minutes > 0, NULL);

  self->max_rows = max_rows;
  self->minutes = minutes;
  g_queue_init (&self->samples);
  return self;
}

void
fd_stats_ring_free (FdStatsRing *self)
{
  if (self == NULL)
    return;
  g_queue_clear_full (&self->samples, (GDestroyNotify) sample_free);
  g_free (self);
}

static gboolean
same_row (const FdStats *a,
          const FdStats *b)
{
  return a->queue_id == b->queue_id && a->stream_id == b->stream_id;
}

static gboolean
rows_contain (GPtrArray     *rows,
              const FdStats *row)
{
  for (guint i = 0; i < rows->len; i++)
    if (same_row (g_ptr_array_index (rows, i), row))
      return TRUE;
  return FALSE;
}

void
fd_stats_ring_add (FdStatsRing *self,
                   gint64       at,
                   GPtrArray   *rows)
{
  Sample *sample;
  gint64 minute = at / MINUTE;

  g_return_if_fail (self != NULL);
  g_return_if_fail (rows != NULL);

  /* The same minute again replaces it; a clock set back drops the
   * "future" minutes too. */
  while (!g_queue_is_empty (&self->samples) &&
         ((Sample *) g_queue_peek_tail (&self->samples))->minute >= minute)
    sample_free (g_queue_pop_tail (&self->samples));
  while (!g_queue_is_empty (&self->samples) &&
         ((Sample *) g_queue_peek_head (&self->samples))->minute <= minute - self->minutes)
    sample_free (g_queue_pop_head (&self->samples));

  sample = g_new0 (Sample, 1);
  sample->minute = minute;
  sample->rows = fd_stats_list_new ();
  for (guint i = 0; i < rows->len && i < self->max_rows; i++)
    {
      FdStats *copy = fd_stats_copy (g_ptr_array_index (rows, i));

      copy->at = at;
      g_ptr_array_add (sample->rows, copy);
    }

  /* A row gone now (its queue or stream was deleted) loses its history. */
  for (GList *l = self->samples.head; l != NULL; l = l->next)
    {
      Sample *old = l->data;

      for (guint i = old->rows->len; i > 0; i--)
        if (!rows_contain (sample->rows, g_ptr_array_index (old->rows, i - 1)))
          g_ptr_array_remove_index (old->rows, i - 1);
    }
  g_queue_push_tail (&self->samples, sample);
}

GPtrArray *
fd_stats_ring_dup (FdStatsRing       *self,
                   FdStatsRingFilter  keep,
                   gpointer           user_data)
{
  g_autoptr(GPtrArray) out = fd_stats_list_new ();

  g_return_val_if_fail (self != NULL, NULL);

  for (GList *l = self->samples.head; l != NULL; l = l->next)
    {
      Sample *sample = l->data;

      for (guint i = 0; i < sample->rows->len; i++)
        {
          const FdStats *row = g_ptr_array_index (sample->rows, i);

          if (keep == NULL || keep (row, user_data))
            g_ptr_array_add (out, fd_stats_copy (row));
        }
    }
  return g_steal_pointer (&out);
}

guint
fd_stats_ring_count (FdStatsRing *self)
{
  guint n = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (GList *l = self->samples.head; l != NULL; l = l->next)
    n += ((Sample *) l->data)->rows->len;
  return n;
}
