#define G_LOG_DOMAIN "fd-window"

/* The main window's strip of media streams that need attention, for
 * supervisors (docs/app.md, "Stream health"): list-stream-health after
 * each connection, stream-health events, and the strip's text. */

#include <glib/gi18n.h>

#include "fd-format.h"
#include "fd-session.h"
#include "fd-window-private.h"

/* --- stream health (docs/app.md, "Stream health") ------------------------- */

/* At most this many streams get a line of their own; the rest are counted. */
#define HEALTH_MAX_LINES 5

static gboolean
is_supervisor (FdWindow *self)
{
  const FdAgent *agent = self->connection != NULL ? fd_connection_get_agent (self->connection) : NULL;

  return agent != NULL && agent->role >= FD_ROLE_SUPERVISOR;
}

static GtkWidget *
health_label (const char *text,
              const char *tooltip)
{
  GtkWidget *label = gtk_label_new (NULL);

  /* The stream's name and the reason are data, never markup. */
  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (tooltip != NULL)
    gtk_widget_set_tooltip_text (label, tooltip);
  return label;
}

static int
compare_health (gconstpointer a,
                gconstpointer b)
{
  const FdStreamHealthInfo *x = *(FdStreamHealthInfo * const *) a;
  const FdStreamHealthInfo *y = *(FdStreamHealthInfo * const *) b;

  return x->stream_id < y->stream_id ? -1 : x->stream_id > y->stream_id;
}

/* Rebuilds the strip from the table: a count first when several streams
 * need attention, then one ellipsized line per stream (its full sentence
 * in the tooltip), oldest stream first. */
static void
update_health_banner (FdWindow *self)
{
  g_autoptr(GPtrArray) infos = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  GtkWidget *child;
  guint n;

  g_hash_table_iter_init (&iter, self->stream_health);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (infos, value);
  n = infos->len;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->health_box))) != NULL)
    gtk_box_remove (self->health_box, child);
  g_ptr_array_sort (infos, compare_health);
  if (n > 1)
    {
      /* TRANSLATORS: the heading of the strip when several streams need a supervisor. */
      g_autofree char *heading = g_strdup_printf (ngettext ("%u media stream needs attention",
                                                               "%u media streams need attention", n), n);

      gtk_box_append (self->health_box, health_label (heading, NULL));
    }
  for (guint i = 0; i < n && i < HEALTH_MAX_LINES; i++)
    {
      g_autofree char *line = fd_format_stream_health (g_ptr_array_index (infos, i));

      gtk_box_append (self->health_box, health_label (line, line));
    }
  if (n > HEALTH_MAX_LINES)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("… and %u more stream",
                                                            "… and %u more streams", n - HEALTH_MAX_LINES),
                                               n - HEALTH_MAX_LINES);

      gtk_box_append (self->health_box, health_label (more, NULL));
    }
  gtk_revealer_set_reveal_child (self->health_banner, n > 0);
}

static void
set_stream_health (FdWindow                 *self,
                   const FdStreamHealthInfo *info)
{
  if (info->health == FD_STREAM_HEALTH_OK)
    g_hash_table_remove (self->stream_health, &info->stream_id);
  else
    {
      FdStreamHealthInfo *copy = fd_stream_health_info_copy (info);

      g_hash_table_replace (self->stream_health, &copy->stream_id, copy);
    }
}

void
_fd_window_clear_stream_health (FdWindow *self)
{
  g_cancellable_cancel (self->health_cancellable);
  g_clear_object (&self->health_cancellable);
  g_hash_table_remove_all (self->stream_health);
  update_health_banner (self);
}

static void
on_list_stream_health_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(FdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStreamHealthList) list = fd_connection_list_stream_health_finish (FD_CONNECTION (source), result, &error);

  if (list == NULL)
    {
      /* A dropped socket asks again once it is back. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Cannot list the streams that need attention: %s", error->message);
      return;
    }
  /* The answer is the whole state; events after it keep it current. */
  g_hash_table_remove_all (self->stream_health);
  for (guint i = 0; list->items != NULL && i < list->items->len; i++)
    set_stream_health (self, g_ptr_array_index (list->items, i));
  update_health_banner (self);
}

/* After every (re)connection: the list is not in the snapshot, and a
 * change while the socket was down sent no event to this app. */
void
_fd_window_refresh_stream_health (FdWindow *self)
{
  if (!is_supervisor (self))
    {
      _fd_window_clear_stream_health (self);
      return;
    }
  g_cancellable_cancel (self->health_cancellable);
  g_clear_object (&self->health_cancellable);
  self->health_cancellable = g_cancellable_new ();
  fd_connection_list_stream_health_async (self->connection, self->health_cancellable,
                                          on_list_stream_health_cb, g_object_ref (self));
}

void
_fd_window_on_session_stream_health_cb (FdSession                *session,
                                        const FdStreamHealthInfo *info,
                                        FdWindow                 *self)
{
  if (!is_supervisor (self))
    return;
  set_stream_health (self, info);
  update_health_banner (self);
}

char *
fd_window_get_stream_health_text (FdWindow *self)
{
  GString *text;

  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->health_banner))
    return NULL;
  text = g_string_new (NULL);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->health_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, gtk_label_get_text (GTK_LABEL (child)));
    }
  return g_string_free (text, FALSE);
}
