#define G_LOG_DOMAIN "fd-activity-log"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "fd-accessible.h"
#include "fd-activity-log.h"
#include "fd-conversation-log-window.h"
#include "fd-queue-item.h"
#include "fd-row-name.h"
#include "fd-session.h"

struct _FdActivityLog
{
  GtkWidget          parent_instance;

  GtkSearchEntry    *search_entry;
  GtkSpinner        *spinner;
  GtkDropDown       *type_dropdown;
  GtkDropDown       *queue_dropdown;
  GtkStringList     *queue_names;
  GtkDropDown       *date_dropdown;
  GtkStack          *stack;
  GtkScrolledWindow *scroller;
  GtkColumnView     *column_view;
  GtkColumnViewColumn *assigned_column;
  GtkColumnViewColumn *type_column;
  GtkColumnViewColumn *queue_column;
  GtkColumnViewColumn *duration_column;
  GtkColumnViewColumn *party_column;
  AdwStatusPage     *error_page;
  GtkLabel          *footer;

  FdConnection      *connection;
  FdLogModel        *model;
  GArray            *queue_ids;     /* gint64, by the queue dropdown's position - 1 */
  gboolean           building;      /* filling the widgets: no query yet */
  int                probe_hit;     /* the sort found by probe_sort() */
};

G_DEFINE_FINAL_TYPE (FdActivityLog, fd_activity_log, GTK_TYPE_WIDGET)

/* The stream kinds of the type dropdown, by position (0 = all). */
static const char * const type_kinds[] = { NULL, "webchat", "callback", "email", "twitter" };

/* --- sorting ----------------------------------------------------------------- */

/* GTK 4.8 does not tell which column the view sorts by (4.10 does): each
 * column gets a sorter of its own that answers "smaller" and notes that
 * it was asked; the view's sorter asks its primary column first, so one
 * comparison tells the column, and the answer's sign the direction. The
 * list is never sorted here: the server sorts. */
typedef struct {
  FdActivityLog *self;
  FdLogSort      sort;
} ColumnProbe;

static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  ColumnProbe *probe = user_data;

  if (probe->self->probe_hit < 0)
    probe->self->probe_hit = (int) probe->sort;
  return GTK_ORDERING_SMALLER;
}

static void
set_column_sorter (FdActivityLog       *self,
                   GtkColumnViewColumn *column,
                   FdLogSort            sort)
{
  ColumnProbe *probe = g_new0 (ColumnProbe, 1);
  g_autoptr(GtkSorter) sorter = NULL;

  probe->self = self;
  probe->sort = sort;
  sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare, probe, g_free));
  gtk_column_view_column_set_sorter (column, sorter);
}

/* The order the headers show: assigned date, newest first, when none. */
static void
probe_sort (FdActivityLog *self,
            FdLogSort     *out_sort,
            gboolean      *out_descending)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  GtkOrdering ordering;

  self->probe_hit = -1;
  /* Two distinct objects: a sorter never compares an item with itself. */
  ordering = sorter != NULL ? gtk_sorter_compare (sorter, self, self->model) : GTK_ORDERING_EQUAL;
  if (self->probe_hit < 0)
    {
      *out_sort = FD_LOG_SORT_ASSIGNED;
      *out_descending = TRUE;
      return;
    }
  *out_sort = (FdLogSort) self->probe_hit;
  *out_descending = ordering == GTK_ORDERING_LARGER;
}

/* --- the query ----------------------------------------------------------------- */

static void
update_state (FdActivityLog *self)
{
  const char *page;
  const FdLogQuery *query = fd_log_model_get_query (self->model);
  gboolean filtered = query != NULL && (query->search != NULL || query->kinds != NULL || query->queue_id != 0 ||
                                        query->from != 0);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  const char *error = fd_log_model_get_error (self->model);

  if (self->stack == NULL)
    return;
  if (n > 0)
    page = "list";
  else if (error != NULL)
    page = "error";
  else if (!fd_log_model_get_loaded (self->model))
    page = "loading";
  else
    page = filtered ? "no-match" : "empty";
  if (error != NULL)
    adw_status_page_set_description (self->error_page, error);
  gtk_stack_set_visible_child_name (self->stack, page);
  /* An idle app with the view hidden must not animate it. */
  gtk_spinner_set_spinning (self->spinner, g_str_equal (page, "loading") && gtk_widget_get_mapped (GTK_WIDGET (self)));

  /* Under the list: a failure of a later page, or the row bound. */
  if (n > 0 && error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("More conversations could not be loaded: %s"), error);

      gtk_label_set_text (self->footer, text);
      gtk_widget_set_visible (GTK_WIDGET (self->footer), TRUE);
    }
  else if (fd_log_model_get_truncated (self->model))
    {
      g_autofree char *text = g_strdup_printf (_("The first %d conversations are shown. Search or filter to find others."),
                                               FD_LOG_MODEL_MAX_ROWS);

      gtk_label_set_text (self->footer, text);
      gtk_widget_set_visible (GTK_WIDGET (self->footer), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->footer), FALSE);
}

static gint64
day_start (int days_back)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                         g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr(GDateTime) start = g_date_time_add_days (midnight, -days_back);

  return g_date_time_to_unix (start) * G_USEC_PER_SEC;
}

/* Back to the top before the rows are replaced: a list scrolled far
 * down while its rows go would scroll to a row that is no more. */
static void
scroll_to_top (FdActivityLog *self)
{
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

static void
apply_query (FdActivityLog *self)
{
  g_autoptr(FdLogQuery) query = NULL;
  const char *text;
  guint type, queue, date;
  g_autofree char *search = NULL;

  if (self->building)
    return;
  query = fd_log_query_new ();
  text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  type = gtk_drop_down_get_selected (self->type_dropdown);
  queue = gtk_drop_down_get_selected (self->queue_dropdown);
  date = gtk_drop_down_get_selected (self->date_dropdown);
  search = g_strstrip (g_strdup (text != NULL ? text : ""));
  probe_sort (self, &query->sort, &query->descending);
  if (g_utf8_strlen (search, -1) > FD_LOG_MAX_SEARCH)
    {
      /* The server takes 200 characters: more would be refused. */
      char *end = g_utf8_offset_to_pointer (search, FD_LOG_MAX_SEARCH);

      *end = '\0';
    }
  query->search = search[0] != '\0' ? g_steal_pointer (&search) : NULL;
  if (type > 0 && type < G_N_ELEMENTS (type_kinds))
    {
      query->kinds = g_new0 (char *, 2);
      query->kinds[0] = g_strdup (type_kinds[type]);
    }
  if (queue > 0 && queue != GTK_INVALID_LIST_POSITION && queue - 1 < self->queue_ids->len)
    query->queue_id = g_array_index (self->queue_ids, gint64, queue - 1);
  switch (date)
    {
    case 1:
      query->from = day_start (0);
      break;
    case 2:
      query->from = day_start (6);
      break;
    case 3:
      query->from = day_start (29);
      break;
    default:
      break;
    }
  scroll_to_top (self);
  fd_log_model_set_query (self->model, query);
  update_state (self);
}

static void
on_search_changed_cb (FdActivityLog *self)
{
  apply_query (self);
}

static void
on_filter_changed_cb (FdActivityLog *self)
{
  apply_query (self);
}

static void
on_sorter_changed_cb (FdActivityLog *self)
{
  apply_query (self);
}

/* The queue dropdown: "All Queues", then the agent's queues by name. */
static void
fill_queues (FdActivityLog *self)
{
  GListModel *queues = NULL;
  gint64 selected_id = 0;
  guint selected = gtk_drop_down_get_selected (self->queue_dropdown);
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->queue_names));
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint position = 0;
  gboolean was_building;

  if (selected > 0 && selected != GTK_INVALID_LIST_POSITION && selected - 1 < self->queue_ids->len)
    selected_id = g_array_index (self->queue_ids, gint64, selected - 1);
  g_array_set_size (self->queue_ids, 0);
  g_ptr_array_add (names, (gpointer) _("All Queues"));
  if (self->connection != NULL)
    queues = G_LIST_MODEL (fd_session_get_queue_model (fd_connection_get_session (self->connection)));
  for (guint i = 0; queues != NULL && i < g_list_model_get_n_items (queues); i++)
    {
      g_autoptr(FdQueueItem) item = g_list_model_get_item (queues, i);
      gint64 id = fd_queue_item_get_id (item);

      g_array_append_val (self->queue_ids, id);
      g_ptr_array_add (names, (gpointer) fd_queue_item_get_name (item));
      if (id == selected_id)
        position = self->queue_ids->len;
    }
  g_ptr_array_add (names, NULL);
  was_building = self->building;
  self->building = TRUE;
  gtk_string_list_splice (self->queue_names, 0, n_old, (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->queue_dropdown, position);
  self->building = was_building;
}

static void
on_queues_changed_cb (FdActivityLog *self)
{
  gint64 before = fd_log_model_get_query (self->model) != NULL ? fd_log_model_get_query (self->model)->queue_id : 0;
  guint selected;

  fill_queues (self);
  selected = gtk_drop_down_get_selected (self->queue_dropdown);
  /* The queue filtered by is gone: show all. */
  if (before != 0 && (selected == 0 || selected == GTK_INVALID_LIST_POSITION))
    apply_query (self);
}

/* --- paging as the agent scrolls ------------------------------------------------- */

static void
maybe_load_more (FdActivityLog *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  double left = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_value (adjustment) -
                gtk_adjustment_get_page_size (adjustment);

  /* Less than a screenful below: the next page. */
  if (left <= gtk_adjustment_get_page_size (adjustment))
    fd_log_model_load_more (self->model);
}

static void
on_model_changed_cb (FdActivityLog *self)
{
  update_state (self);
}

/* --- opening a row --------------------------------------------------------------- */

GtkWindow *
fd_activity_log_open_row (FdActivityLog *self,
                          guint          position)
{
  g_autoptr(FdLogItem) item = NULL;
  GtkWindow *window;
  GtkRoot *root;

  g_return_val_if_fail (FD_IS_ACTIVITY_LOG (self), NULL);

  item = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  if (item == NULL || self->connection == NULL)
    return NULL;
  window = GTK_WINDOW (fd_conversation_log_window_new (self->connection, fd_log_item_get_entry (item)));
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (GTK_IS_WINDOW (root))
    {
      gtk_window_set_transient_for (window, GTK_WINDOW (root));
      if (gtk_window_get_application (GTK_WINDOW (root)) != NULL)
        gtk_window_set_application (window, gtk_window_get_application (GTK_WINDOW (root)));
    }
  gtk_window_present (window);
  return window;
}

static void
on_column_view_activate_cb (FdActivityLog *self,
                            guint          position)
{
  fd_activity_log_open_row (self, position);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FdActivityLog *self = FD_ACTIVITY_LOG (widget);

  if (fd_log_model_get_query (self->model) == NULL)
    apply_query (self);
  else
    {
      scroll_to_top (self);
      fd_log_model_reload (self->model);
    }
  update_state (self);
}

/* Shown again (the view switched to, the window mapped): what changed
 * since is there. */
static void
fd_activity_log_map (GtkWidget *widget)
{
  FdActivityLog *self = FD_ACTIVITY_LOG (widget);

  GTK_WIDGET_CLASS (fd_activity_log_parent_class)->map (widget);
  update_state (self);
  if (self->connection != NULL)
    refresh_action (widget, NULL, NULL);
}

static void
fd_activity_log_unmap (GtkWidget *widget)
{
  FdActivityLog *self = FD_ACTIVITY_LOG (widget);

  gtk_spinner_set_spinning (self->spinner, FALSE);
  GTK_WIDGET_CLASS (fd_activity_log_parent_class)->unmap (widget);
}

/* The header row and its titles, named after the columns (GTK 4.8 names
 * them after their types). */
static void
name_header_row (FdActivityLog *self)
{
  GtkWidget *header = NULL;
  g_autofree char *titles = fd_accessible_name_column_titles (self->column_view, &header);
  g_autofree char *label = NULL;

  if (titles == NULL)
    return;
  /* Translators: the Activity Log's header row for a screen reader; %s lists the column titles. */
  label = g_strdup_printf (_("Conversation columns: %s"), titles);
  gtk_accessible_update_property (GTK_ACCESSIBLE (header), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* GTK 4.8's drop-down is a toggle button without a name of its own over
 * AT-SPI: give it the drop-down's. */
static void
name_dropdown_button (GtkDropDown *dropdown,
                      const char  *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (dropdown));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* --- object ---------------------------------------------------------------------- */

static void
fd_activity_log_dispose (GObject *object)
{
  FdActivityLog *self = FD_ACTIVITY_LOG (object);
  GtkWidget *child;

  /* Going: no more queries from the filters' signals. */
  self->building = TRUE;
  fd_activity_log_set_connection (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_ACTIVITY_LOG);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (fd_activity_log_parent_class)->dispose (object);
}

static void
fd_activity_log_finalize (GObject *object)
{
  FdActivityLog *self = FD_ACTIVITY_LOG (object);

  g_clear_pointer (&self->queue_ids, g_array_unref);
  G_OBJECT_CLASS (fd_activity_log_parent_class)->finalize (object);
}

static void
fd_activity_log_class_init (FdActivityLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_activity_log_dispose;
  object_class->finalize = fd_activity_log_finalize;
  widget_class->map = fd_activity_log_map;
  widget_class->unmap = fd_activity_log_unmap;

  g_type_ensure (FD_TYPE_LOG_ITEM);
  g_type_ensure (FD_TYPE_ROW_NAME);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/frontdeskcc/Frontdesk/ui/fd-activity-log.ui");
  gtk_widget_class_bind_template_child (widget_class, FdActivityLog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FdActivityLog, spinner);
  gtk_widget_class_bind_template_child (widget_class, FdActivityLog, type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FdActivityLog, queue_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FdActivityLog, queue_names);
  gtk_widget_class_bind_template_child (widget_class, FdActivityLog, date_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FdActivityLog, stack);
  gtk_widget_class_bind_template_child (widget_class, FdActivityLog, scroller);
  gtk_widget_class_bind_template_child (widget_class, FdActivityLog, column_view);
  gtk_widget_class_bind_template_child (widget_class, FdActivityLog, assigned_column);
  gtk_widget_class_bind_template_child (widget_class, FdActivityLog, type_column);
  gtk_widget_class_bind_template_child (widget_class, FdActivityLog, queue_column);
  gtk_widget_class_bind_template_child (widget_class, FdActivityLog, duration_column);
  gtk_widget_class_bind_template_child (widget_class, FdActivityLog, party_column);
  gtk_widget_class_bind_template_child (widget_class, FdActivityLog, error_page);
  gtk_widget_class_bind_template_child (widget_class, FdActivityLog, footer);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_column_view_activate_cb);
  gtk_widget_class_install_action (widget_class, "log.refresh", NULL, refresh_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "log.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "log.refresh", NULL);
  gtk_widget_class_set_css_name (widget_class, "fd-activity-log");
}

static void
fd_activity_log_init (FdActivityLog *self)
{
  g_autoptr(GtkSelectionModel) selection = NULL;
  GtkAdjustment *adjustment;

  self->queue_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->model = fd_log_model_new ();
  self->building = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));

  selection = GTK_SELECTION_MODEL (gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model))));
  gtk_single_selection_set_autoselect (GTK_SINGLE_SELECTION (selection), FALSE);
  gtk_column_view_set_model (self->column_view, selection);
  set_column_sorter (self, self->assigned_column, FD_LOG_SORT_ASSIGNED);
  set_column_sorter (self, self->type_column, FD_LOG_SORT_TYPE);
  set_column_sorter (self, self->queue_column, FD_LOG_SORT_QUEUE);
  set_column_sorter (self, self->duration_column, FD_LOG_SORT_DURATION);
  set_column_sorter (self, self->party_column, FD_LOG_SORT_REMOTE_PARTY);
  name_header_row (self);
  name_dropdown_button (self->type_dropdown, _("Type"));
  name_dropdown_button (self->queue_dropdown, _("Queue"));
  name_dropdown_button (self->date_dropdown, _("Assigned date"));
  /* Newest first, as the guide's list opens. */
  gtk_column_view_sort_by_column (self->column_view, self->assigned_column, GTK_SORT_DESCENDING);
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (on_sorter_changed_cb), self, G_CONNECT_SWAPPED);
  fill_queues (self);
  self->building = TRUE;
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (on_model_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (on_model_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::error", G_CALLBACK (on_model_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::loaded", G_CALLBACK (on_model_changed_cb), self, G_CONNECT_SWAPPED);
  adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (maybe_load_more), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (maybe_load_more), self, G_CONNECT_SWAPPED);
  self->building = FALSE;
  update_state (self);
}

void
fd_activity_log_set_connection (FdActivityLog *self,
                                FdConnection  *connection)
{
  g_return_if_fail (FD_IS_ACTIVITY_LOG (self));
  g_return_if_fail (connection == NULL || FD_IS_CONNECTION (connection));

  if (self->connection == connection)
    return;
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (fd_session_get_queue_model (fd_connection_get_session (self->connection)),
                                          self);
  g_set_object (&self->connection, connection);
  if (connection != NULL)
    g_signal_connect_object (fd_session_get_queue_model (fd_connection_get_session (connection)), "items-changed",
                             G_CALLBACK (on_queues_changed_cb), self, G_CONNECT_SWAPPED);
  if (self->model == NULL)
    return;
  fill_queues (self);
  fd_log_model_set_connection (self->model, connection);
  if (connection != NULL && fd_log_model_get_query (self->model) == NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    apply_query (self);
  update_state (self);
}

FdLogModel *
fd_activity_log_get_model (FdActivityLog *self)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_LOG (self), NULL);
  return self->model;
}

GtkColumnView *
fd_activity_log_get_column_view (FdActivityLog *self)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_LOG (self), NULL);
  return self->column_view;
}

GtkDropDown *
fd_activity_log_get_type_dropdown (FdActivityLog *self)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_LOG (self), NULL);
  return self->type_dropdown;
}

GtkDropDown *
fd_activity_log_get_queue_dropdown (FdActivityLog *self)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_LOG (self), NULL);
  return self->queue_dropdown;
}

GtkDropDown *
fd_activity_log_get_date_dropdown (FdActivityLog *self)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_LOG (self), NULL);
  return self->date_dropdown;
}

GtkEditable *
fd_activity_log_get_search_entry (FdActivityLog *self)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_LOG (self), NULL);
  return GTK_EDITABLE (self->search_entry);
}

const char *
fd_activity_log_get_state (FdActivityLog *self)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_LOG (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}
