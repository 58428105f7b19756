#define G_LOG_DOMAIN "test-window"

/* The Activity List's cells on screen: the helpers that find a cell,
 * read what it shows and right-click its row (the flow uses them), and
 * /ui/window/cells, the cell widgets' own sizes and accessible names. */

#include "fd-activity-cell.h"
#include "fd-tick-label.h"

#include "test-window.h"

/* --- a right-click --------------------------------------------------------- */

/* The text @widget shows: a label's, or an Activity List cell's (which
 * draw their own); NULL for other widgets. */
const char *
shown_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (FD_IS_TICK_LABEL (widget))
    return fd_tick_label_get_label (FD_TICK_LABEL (widget));
  if (FD_IS_ACTIVITY_CELL (widget))
    return fd_activity_cell_get_label (FD_ACTIVITY_CELL (widget));
  return NULL;
}

/* The descendant of @widget of @type (and showing @text), depth first. */
GtkWidget *
find_descendant (GtkWidget  *widget,
                 GType       type,
                 const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && (text == NULL || g_strcmp0 (shown_text (child), text) == 0))
        return child;
      if ((found = find_descendant (child, type, text)) != NULL)
        return found;
    }
  return NULL;
}

/* A right-click on the From cell of @from's row, through the column
 * view's own gesture at the cell's place. */
void
right_click_row (FdActivityList *list,
                 const char     *from)
{
  GtkWidget *view = find_descendant (GTK_WIDGET (list), GTK_TYPE_COLUMN_VIEW, NULL);
  GtkWidget *cell = find_descendant (view, FD_TYPE_TICK_LABEL, from);
  GtkEventController *right_click = NULL;
  g_autoptr(GListModel) controllers = NULL;
  graphene_point_t point;

  g_assert_nonnull (cell);
  controllers = gtk_widget_observe_controllers (view);
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && right_click == NULL; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (controller) &&
          gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_SECONDARY)
        right_click = controller;
    }
  g_assert_nonnull (right_click);
  g_assert_true (gtk_widget_compute_point (cell, view, &GRAPHENE_POINT_INIT (2, 2), &point));
  g_signal_emit_by_name (right_click, "pressed", 1, (double) point.x, (double) point.y);
}

/* The widget under @widget whose shown text starts with @prefix. */
GtkWidget *
find_text_with_prefix (GtkWidget  *widget,
                       const char *prefix)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (shown_text (child) != NULL && g_str_has_prefix (shown_text (child), prefix))
        return child;
      if ((found = find_text_with_prefix (child, prefix)) != NULL)
        return found;
    }
  return NULL;
}

gboolean
label_changed (gpointer data)
{
  LabelWait *wait = data;

  return g_strcmp0 (shown_text (wait->label), wait->before) != 0;
}

/* A cell on screen and its row's text in the model: the cell follows the
 * model at the rows' clock's tick, in the same turn of the main loop, but a
 * slow machine (ASan) may read the model a tick apart from the cell. */
typedef struct {
  GtkWidget      *cell;
  FdActivityList *list;
  guint           row;
  guint           column;
} CellWait;

static gboolean
cell_shows_model (gpointer data)
{
  CellWait *wait = data;
  g_autofree char *model = fd_activity_list_dup_cell_text (wait->list, wait->row, wait->column);

  return g_strcmp0 (shown_text (wait->cell), model) == 0;
}

/* Waits until @cell shows its row's text, then checks that its
 * accessible label says the same. */
void
assert_cell_shows_model (GtkWidget      *cell,
                         FdActivityList *list,
                         guint           row,
                         guint           column)
{
  CellWait wait = { cell, list, row, column };

  fd_test_ui_wait (cell_shows_model, &wait, "the cell on screen to show its row's text");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL, shown_text (cell));
}

gboolean
has_css_class (gpointer      widget,
               gconstpointer css_class)
{
  return gtk_widget_has_css_class (widget, css_class);
}

gboolean
is_visible (gpointer widget)
{
  return gtk_widget_get_visible (widget);
}

/* --- /ui/window/cells ------------------------------------------------------ */

static int
natural_size (GtkWidget      *widget,
              GtkOrientation  orientation)
{
  int natural = 0;

  gtk_widget_measure (widget, orientation, -1, NULL, &natural, NULL, NULL);
  return natural;
}

/* The Activity List's own cell widgets, without a server: an FdTickLabel
 * takes a GtkLabel's room for the same text and follows its text, an
 * FdActivityCell takes an icon's and a label's and names its row. */
void
test_window_cells (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new ("Natalie Maines (@nmaines)");
  GtkWidget *tick = g_object_new (FD_TYPE_TICK_LABEL, NULL);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *activity = fd_activity_cell_new ();
  int width;

  g_object_ref (window);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), tick);
  gtk_box_append (GTK_BOX (box), list);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), activity);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  fd_tick_label_set_label (FD_TICK_LABEL (tick), "Natalie Maines (@nmaines)");
  fd_activity_cell_set_icon_name (FD_ACTIVITY_CELL (activity), "user-available-symbolic");
  fd_activity_cell_set_label (FD_ACTIVITY_CELL (activity), "Natalie Maines (@nmaines)");
  /* Named before it is in a window: the row gets the name once it is. */
  fd_activity_cell_set_row_name (FD_ACTIVITY_CELL (activity), "WebChat from Natalie Maines, Reserved", "Sales");
  gtk_window_present (GTK_WINDOW (window));
  fd_test_ui_spin (200);

  width = natural_size (label, GTK_ORIENTATION_HORIZONTAL);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (natural_size (tick, GTK_ORIENTATION_HORIZONTAL), ==, width);
  g_assert_cmpint (natural_size (tick, GTK_ORIENTATION_VERTICAL), ==, natural_size (label, GTK_ORIENTATION_VERTICAL));
  g_assert_cmpint (natural_size (activity, GTK_ORIENTATION_HORIZONTAL), ==, 16 + 6 + width);
  g_assert_cmpint (natural_size (activity, GTK_ORIENTATION_VERTICAL), ==,
                   MAX (16, natural_size (label, GTK_ORIENTATION_VERTICAL)));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (tick), GTK_ACCESSIBLE_PROPERTY_LABEL, "Natalie Maines (@nmaines)");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (activity), GTK_ACCESSIBLE_PROPERTY_LABEL, "Natalie Maines (@nmaines)");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, "WebChat from Natalie Maines, Reserved");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "Sales");

  /* A new text: a new size, as the label's; the row's new name at once. */
  gtk_label_set_text (GTK_LABEL (label), "Ada");
  fd_tick_label_set_label (FD_TICK_LABEL (tick), "Ada");
  fd_activity_cell_set_label (FD_ACTIVITY_CELL (activity), "Ada");
  fd_activity_cell_set_row_name (FD_ACTIVITY_CELL (activity), "WebChat from Ada, Unreserved", NULL);
  fd_test_ui_spin (100);
  g_assert_cmpint (natural_size (label, GTK_ORIENTATION_HORIZONTAL), <, width);
  g_assert_cmpint (natural_size (tick, GTK_ORIENTATION_HORIZONTAL), ==, natural_size (label, GTK_ORIENTATION_HORIZONTAL));
  g_assert_cmpint (natural_size (activity, GTK_ORIENTATION_HORIZONTAL), ==,
                   16 + 6 + natural_size (label, GTK_ORIENTATION_HORIZONTAL));
  g_assert_cmpstr (fd_tick_label_get_label (FD_TICK_LABEL (tick)), ==, "Ada");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (tick), GTK_ACCESSIBLE_PROPERTY_LABEL, "Ada");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, "WebChat from Ada, Unreserved");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "");

  /* A larger font: measured again (the size is kept per font). */
  gtk_widget_add_css_class (tick, "title-1");
  gtk_widget_add_css_class (label, "title-1");
  fd_test_ui_spin (100);
  g_assert_cmpint (natural_size (tick, GTK_ORIENTATION_HORIZONTAL), ==, natural_size (label, GTK_ORIENTATION_HORIZONTAL));
  g_assert_cmpint (natural_size (tick, GTK_ORIENTATION_VERTICAL), ==, natural_size (label, GTK_ORIENTATION_VERTICAL));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}
