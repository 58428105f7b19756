#define G_LOG_DOMAIN "fd-stat-catalog"

#include "fd-config.h"

#include <glib/gi18n.h>

#include "fd-format.h"
#include "fd-stat-catalog.h"

/* The Contact Center statistics, listed once: each is in the catalog twice,
 * per queue ("center.…") and per media stream ("stream.…"). */
typedef struct {
  const char   *name;         /* the id after "center." / "stream." */
  const char   *title;
  const char   *description;
  FdStatFormat  format;
  const char   *field;
  gboolean      has_none;
  gint64        none_value;
} CenterStat;

static const CenterStat center_stats[] = {
  { "waiting", N_("Waiting"), N_("Conversations waiting for an agent now"),
    FD_STAT_FORMAT_COUNT, "waiting", FALSE, 0 },
  { "longest-wait", N_("Longest Wait"), N_("How long the conversation waiting longest has waited"),
    FD_STAT_FORMAT_DURATION, "longest_wait_seconds", FALSE, 0 },
  { "reserved", N_("Reserved"), N_("Conversations reserved by an agent now"),
    FD_STAT_FORMAT_COUNT, "reserved", FALSE, 0 },
  { "agents-joined", N_("Agents Joined"), N_("Agents who joined the queue"),
    FD_STAT_FORMAT_COUNT, "agents_joined", FALSE, 0 },
  { "agents-available", N_("Agents Available"), N_("Joined agents who are available now"),
    FD_STAT_FORMAT_COUNT, "agents_available", FALSE, 0 },
  { "offered-today", N_("Offered Today"), N_("Conversations that arrived today"),
    FD_STAT_FORMAT_COUNT, "offered_today", FALSE, 0 },
  { "answered-today", N_("Answered Today"), N_("Conversations first assigned to an agent today"),
    FD_STAT_FORMAT_COUNT, "answered_today", FALSE, 0 },
  { "missed-today", N_("Missed Today"), N_("Conversations missed today"),
    FD_STAT_FORMAT_COUNT, "missed_today", FALSE, 0 },
  { "closed-today", N_("Closed Today"), N_("Conversations closed today"),
    FD_STAT_FORMAT_COUNT, "closed_today", FALSE, 0 },
  { "average-first-reply", N_("Average First Reply"), N_("Average time from assignment to the first reply, today"),
    FD_STAT_FORMAT_DURATION, "average_first_reply_seconds", FALSE, 0 },
  { "average-handle-time", N_("Average Handle Time"), N_("Average time from assignment to closing, today"),
    FD_STAT_FORMAT_DURATION, "average_handle_seconds", FALSE, 0 },
  { "average-rating", N_("Average Rating"), N_("Average customer rating of the conversations closed today, out of 5"),
    FD_STAT_FORMAT_RATING, "average_rating_x100", TRUE, 0 },
  { "service-level", N_("Service Level"), N_("Share of today's conversations answered within the queue's target"),
    FD_STAT_FORMAT_PERCENT, "service_level_percent", TRUE, -1 },
};

static const FdStatInfo agent_stats[] = {
  { "agent.closed-today", FD_STAT_SCOPE_AGENT, N_("Closed Today"), N_("Conversations you closed today"),
    FD_STAT_FORMAT_COUNT, "closed_today", FD_STAT_READ_FIELD, FALSE, 0 },
  { "agent.held", FD_STAT_SCOPE_AGENT, N_("Held Now"), N_("Conversations you hold now"),
    FD_STAT_FORMAT_COUNT, "held", FD_STAT_READ_FIELD, FALSE, 0 },
  { "agent.missed-today", FD_STAT_SCOPE_AGENT, N_("Missed Today"), N_("Offers to you that bounced or that you rejected today"),
    FD_STAT_FORMAT_COUNT, "missed_today", FD_STAT_READ_FIELD, FALSE, 0 },
  { "agent.average-handle-time", FD_STAT_SCOPE_AGENT, N_("Average Handle Time"),
    N_("Average time from assignment to closing of your conversations closed today"),
    FD_STAT_FORMAT_DURATION, "average_handle_seconds", FD_STAT_READ_FIELD, FALSE, 0 },
  { "agent.average-first-reply", FD_STAT_SCOPE_AGENT, N_("Average First Reply"),
    N_("Average time from assignment to your first reply, today"),
    FD_STAT_FORMAT_DURATION, "average_first_reply_seconds", FD_STAT_READ_FIELD, FALSE, 0 },
  { "agent.average-rating", FD_STAT_SCOPE_AGENT, N_("Average Rating"),
    N_("Average customer rating of your conversations closed today, out of 5"),
    FD_STAT_FORMAT_RATING, "average_rating_x100", FD_STAT_READ_FIELD, TRUE, 0 },
  { "agent.time-in-state", FD_STAT_SCOPE_AGENT, N_("Time in State"),
    N_("How long you have been in your current state"),
    FD_STAT_FORMAT_DURATION, "state_since", FD_STAT_READ_SINCE, FALSE, 0 },
};

/* Built once from the tables above: the agent's, then per queue, then per
 * stream. Never freed (static data of the process). */
static FdStatInfo *catalog;
static guint n_catalog;

static void
build_catalog (void)
{
  static gsize once;

  if (g_once_init_enter (&once))
    {
      guint n = G_N_ELEMENTS (agent_stats) + 2 * G_N_ELEMENTS (center_stats);
      FdStatInfo *all = g_new0 (FdStatInfo, n);
      guint i = 0;

      for (guint j = 0; j < G_N_ELEMENTS (agent_stats); j++)
        all[i++] = agent_stats[j];
      for (guint pass = 0; pass < 2; pass++)
        for (guint j = 0; j < G_N_ELEMENTS (center_stats); j++)
          {
            const CenterStat *c = &center_stats[j];
            g_autofree char *id = g_strconcat (pass == 0 ? "center." : "stream.", c->name, NULL);

            all[i++] = (FdStatInfo) {
              .id = g_intern_string (id),
              .scope = pass == 0 ? FD_STAT_SCOPE_QUEUE : FD_STAT_SCOPE_STREAM,
              .title = c->title,
              .description = c->description,
              .format = c->format,
              .field = c->field,
              .read = FD_STAT_READ_FIELD,
              .has_none = c->has_none,
              .none_value = c->none_value,
            };
          }
      g_assert (i == n);
      catalog = all;
      n_catalog = n;
      g_once_init_leave (&once, 1);
    }
}

const FdStatInfo *
fd_stat_catalog_get_all (guint *n_stats)
{
  g_return_val_if_fail (n_stats != NULL, NULL);

  build_catalog ();
  *n_stats = n_catalog;
  return catalog;
}

const FdStatInfo *
fd_stat_catalog_lookup (const char *id)
{
  if (id == NULL)
    return NULL;
  build_catalog ();
  for (guint i = 0; i < n_catalog; i++)
    if (g_str_equal (catalog[i].id, id))
      return &catalog[i];
  return NULL;
}

FdStatColumn
fd_stat_info_get_column (const FdStatInfo *info)
{
  g_return_val_if_fail (info != NULL, FD_STAT_COLUMN_AGENT);

  return info->scope == FD_STAT_SCOPE_AGENT ? FD_STAT_COLUMN_AGENT : FD_STAT_COLUMN_CENTER;
}

const char *
fd_stat_info_get_title (const FdStatInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);

  return _(info->title);
}

const char *
fd_stat_info_get_description (const FdStatInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);

  return _(info->description);
}

static const FdFieldInfo *
find_field (const FdTypeInfo *type,
            const char       *name)
{
  for (guint i = 0; i < type->n_fields; i++)
    if (g_str_equal (type->fields[i].name, name))
      return &type->fields[i];
  return NULL;
}

gboolean
fd_stat_info_read (const FdStatInfo *info,
                   const FdTypeInfo *type,
                   gconstpointer     row,
                   gint64            now,
                   double           *value)
{
  const FdFieldInfo *field;
  const guint8 *base = row;
  gint64 raw;

  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (type != NULL, FALSE);
  g_return_val_if_fail (row != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  field = find_field (type, info->field);
  if (field == NULL)
    return FALSE;

  switch (field->kind)
    {
    case FD_FIELD_INT:
      raw = G_STRUCT_MEMBER (gint, base, field->offset);
      break;
    case FD_FIELD_INT64:
    case FD_FIELD_TIMESTAMP:
      raw = G_STRUCT_MEMBER (gint64, base, field->offset);
      break;
    default:
      /* A statistic reads numbers only; anything else is a catalog bug,
       * shown as no value rather than garbage. */
      return FALSE;
    }

  if (info->read == FD_STAT_READ_SINCE)
    {
      /* A time of 0 is "not yet" on the wire. */
      if (field->kind != FD_FIELD_TIMESTAMP || raw == 0)
        return FALSE;
      *value = MAX (now - raw, 0) / (double) G_USEC_PER_SEC;
      return TRUE;
    }

  if (info->has_none && raw == info->none_value)
    return FALSE;
  *value = (double) raw;
  return TRUE;
}

char *
fd_stat_info_format_value (const FdStatInfo *info,
                           double            value)
{
  g_return_val_if_fail (info != NULL, NULL);

  switch (info->format)
    {
    case FD_STAT_FORMAT_DURATION:
      return fd_format_duration ((gint64) (value * G_USEC_PER_SEC));
    case FD_STAT_FORMAT_PERCENT:
      /* Translators: a share, "87 %"; use your language's spacing. */
      return g_strdup_printf (_("%.0f %%"), value);
    case FD_STAT_FORMAT_RATING:
      return g_strdup_printf ("%.2f", value / 100.0);
    case FD_STAT_FORMAT_COUNT:
    default:
      return g_strdup_printf ("%.0f", value);
    }
}

const char *
fd_stat_no_value (void)
{
  return "—";
}

GPtrArray *
fd_stat_catalog_filter_column (const char * const *ids,
                               FdStatColumn        column)
{
  GPtrArray *out = g_ptr_array_new ();

  for (gsize i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      const FdStatInfo *info = fd_stat_catalog_lookup (ids[i]);

      if (info == NULL || fd_stat_info_get_column (info) != column)
        continue;
      if (g_ptr_array_find (out, info, NULL))
        continue;
      g_ptr_array_add (out, (gpointer) info);
    }
  return out;
}
