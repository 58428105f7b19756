#define G_LOG_DOMAIN "fd-activity-list"

/* The Activity List's columns (docs/app.md, "Activity List"): each
 * cell's text, the header row's accessible name, the cell factories
 * (one widget per cell) and the rows' shared clock that moves the
 * Duration and Status cells. */

#include <glib/gi18n.h>

#include "fd-accessible.h"
#include "fd-activity-cell.h"
#include "fd-activity-list-private.h"
#include "fd-tick-label.h"

/* The Status cell: the model's status, and the bounce countdown of an
 * offer after a dot, so the agent sees how long the offer stays. */
static char *
status_text (const char *status,
             const char *countdown)
{
  if (countdown == NULL || *countdown == '\0')
    return g_strdup (status ? status : "");
  return g_strdup_printf ("%s · %s", status ? status : "", countdown);
}

/* A row's accessible name (given by the Activity cell; its
 * description is the To text): what a screen reader says on the row,
 * without the ticking duration and countdown, which are in their cells. */
static char *
row_label (const char *activity,
           const char *from,
           const char *status)
{
  /* TRANSLATORS: an Activity List row for a screen reader, e.g. "WebChat from Ada Lovelace, Reserved". */
  return g_strdup_printf (_("%s from %s, %s"), activity ? activity : "", from ? from : "", status ? status : "");
}

/* GTK 4.8 names the column view's header row and its titles after their
 * types over AT-SPI: name them after the columns. The header row is the
 * column view's first child, its titles are its children in column order. */
void
_fd_activity_list_name_header_row (FdActivityList *self)
{
  GtkWidget *header = NULL;
  g_autofree char *titles = fd_accessible_name_column_titles (self->column_view, &header);
  g_autofree char *label = NULL;

  if (titles == NULL)
    return;
  /* TRANSLATORS: the Activity List's header row for a screen reader; %s lists the column titles. */
  label = g_strdup_printf (_("Columns: %s"), titles);
  gtk_accessible_update_property (GTK_ACCESSIBLE (header), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

char *
_fd_activity_list_cell_text (FdConversationItem *item,
                             guint               column)
{
  if (column == COLUMN_STATUS)
    return status_text (fd_conversation_item_get_status (item),
                        fd_conversation_item_get_countdown (item));
  switch (column)
    {
    case COLUMN_ACTIVITY: return g_strdup (fd_conversation_item_get_activity (item));
    case COLUMN_FROM: return g_strdup (fd_conversation_item_get_from (item));
    case COLUMN_TO: return g_strdup (fd_conversation_item_get_to (item));
    case COLUMN_DURATION: return g_strdup (fd_conversation_item_get_duration (item));
    default: g_assert_not_reached ();
    }
}

/* --- cells ----------------------------------------------------------------- */

/* Where the list item of a cell's child is kept (no reference: the list
 * item owns the child). */
GQuark
_fd_activity_list_list_item_quark (void)
{
  return g_quark_from_static_string ("fd-activity-list-item");
}

/* A right-click on any cell of a row (the column view's one gesture, in
 * the capture phase) selects the row and opens its menu there. */

/* One cell: its widget is made once (setup) and given the row's texts
 * on bind and when the row or the clock changes; nothing else per row. */
typedef struct {
  FdActivityList     *self;     /* not a reference: the list outlives its cells */
  guint               column;
  GtkWidget          *widget;   /* an FdActivityCell (Activity), else an FdTickLabel */
  FdConversationItem *item;     /* bound; a reference */
  gulong              notify_id;
} Cell;

static GQuark
cell_quark (void)
{
  return g_quark_from_static_string ("fd-activity-cell");
}

static void
update_cell (Cell *cell)
{
  FdConversationItem *item = cell->item;
  g_autofree char *text = NULL;

  if (item == NULL)
    return;
  text = _fd_activity_list_cell_text (item, cell->column);
  if (cell->column == COLUMN_ACTIVITY)
    {
      FdActivityCell *activity = FD_ACTIVITY_CELL (cell->widget);
      g_autofree char *label = row_label (fd_conversation_item_get_activity (item),
                                          fd_conversation_item_get_from (item),
                                          fd_conversation_item_get_status (item));

      fd_activity_cell_set_icon_name (activity, fd_conversation_item_get_icon_name (item));
      fd_activity_cell_set_label (activity, text);
      fd_activity_cell_set_row_name (activity, label, fd_conversation_item_get_to (item));
    }
  else
    fd_tick_label_set_label (FD_TICK_LABEL (cell->widget), text);
}

/* The texts of the row changed (an event, a name, a setting). */
static void
on_cell_item_notify_cb (FdConversationItem *item,
                        GParamSpec         *pspec,
                        Cell               *cell)
{
  update_cell (cell);
}

static gboolean
column_ticks (guint column)
{
  return column == COLUMN_DURATION || column == COLUMN_STATUS;
}

static void
cell_free (Cell *cell)
{
  g_assert (cell->item == NULL);
  g_free (cell);
}

static void
on_factory_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     FdActivityList           *self)
{
  Cell *cell = g_new0 (Cell, 1);

  cell->self = self;
  cell->column = GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (factory), cell_quark ()));
  /* One widget per cell that draws its own text (and the Activity cell's
   * icon, and names the row): GTK 4.8 keeps 200 rows of them
   * (docs/performance.md, "Session 9: lighter cells"). */
  if (cell->column == COLUMN_ACTIVITY)
    cell->widget = fd_activity_cell_new ();
  else
    cell->widget = g_object_new (FD_TYPE_TICK_LABEL, NULL);
  if (cell->column == COLUMN_DURATION)
    gtk_widget_add_css_class (cell->widget, "numeric");
  g_object_set_qdata (G_OBJECT (cell->widget), _fd_activity_list_list_item_quark (), list_item);
  g_object_set_qdata_full (G_OBJECT (list_item), cell_quark (), cell, (GDestroyNotify) cell_free);
  gtk_list_item_set_child (list_item, cell->widget);
}

static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    FdActivityList           *self)
{
  Cell *cell = g_object_get_qdata (G_OBJECT (list_item), cell_quark ());

  g_assert (cell->item == NULL);
  cell->item = g_object_ref (gtk_list_item_get_item (list_item));
  /* The model notifies a row's texts only when an event changed them. */
  cell->notify_id = g_signal_connect (cell->item, "notify", G_CALLBACK (on_cell_item_notify_cb), cell);
  if (column_ticks (cell->column))
    g_hash_table_add (self->ticking, cell);
  update_cell (cell);
}

static void
on_factory_unbind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      FdActivityList           *self)
{
  Cell *cell = g_object_get_qdata (G_OBJECT (list_item), cell_quark ());

  if (cell == NULL || cell->item == NULL)
    return;
  g_clear_signal_handler (&cell->notify_id, cell->item);
  g_clear_object (&cell->item);
  if (self->ticking != NULL)
    g_hash_table_remove (self->ticking, cell);
}

static void
on_factory_teardown_cb (GtkSignalListItemFactory *factory,
                        GtkListItem              *list_item,
                        FdActivityList           *self)
{
  on_factory_unbind_cb (factory, list_item, self);
  g_object_set_qdata (G_OBJECT (list_item), cell_quark (), NULL);
  gtk_list_item_set_child (list_item, NULL);
}

/* The rows' shared clock moved (once a second): the cells on screen whose
 * text is a time read their row again (docs/app.md, "Display formats");
 * rows off screen cost nothing. */
static void
on_clock_now_notify_cb (FdActivityClock *clock,
                        GParamSpec      *pspec,
                        FdActivityList  *self)
{
  GHashTableIter iter;
  gpointer cell;

  g_hash_table_iter_init (&iter, self->ticking);
  while (g_hash_table_iter_next (&iter, &cell, NULL))
    update_cell (cell);
}

void
_fd_activity_list_follow_clock (FdActivityList  *self,
                                FdActivityClock *clock)
{
  if (self->clock == clock)
    return;
  if (self->clock != NULL)
    g_clear_signal_handler (&self->clock_id, self->clock);
  g_set_object (&self->clock, clock);
  if (clock != NULL)
    self->clock_id = g_signal_connect (clock, "notify::now", G_CALLBACK (on_clock_now_notify_cb), self);
}

void
_fd_activity_list_set_up_columns (FdActivityList *self)
{
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

      g_object_set_qdata (G_OBJECT (factory), cell_quark (), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup_cb), self);
      g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind_cb), self);
      g_signal_connect (factory, "unbind", G_CALLBACK (on_factory_unbind_cb), self);
      g_signal_connect (factory, "teardown", G_CALLBACK (on_factory_teardown_cb), self);
      gtk_column_view_column_set_factory (self->columns[i], factory);
    }
}
