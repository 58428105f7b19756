#define G_LOG_DOMAIN "fd-wallboard"

#include "fd-config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fd-format.h"
#include "fd-stat-plot.h"
#include "fd-tick-label.h"
#include "fd-wallboard.h"

/* One line of a tile: the queue's or stream's name, the value, the
 * sparkline. */
typedef struct {
  GtkWidget *name;
  GtkWidget *value;
  GtkWidget *plot;
} TileLine;

/* One statistic's tile: a button (a click opens the charts). */
typedef struct {
  const FdStatInfo *stat;
  GtkWidget        *button;
  GtkWidget        *lines_box;
  GArray           *lines;    /* TileLine */
  GtkWidget        *popover;
  GtkWidget        *charts_box;
  GPtrArray        *charts;   /* FdStatPlot*, one per line, while the popover is open */
} Tile;

struct _FdWallboard
{
  GtkWidget         parent_instance;

  FdWallboardModel *model;
  GSettings        *settings;
  gint64            now;
  /* The wallboard's one clock while it is on screen: time in state of
   * the agent and of every row of the agents table. */
  guint             tick_source;
  GPtrArray        *tiles;     /* Tile*, the Agent column's then the Contact Center's */
  /* Each agent's time in state: FdTickLabel and its since, ticking. */
  GPtrArray        *agent_ticks;
  GArray           *agent_since;

  GtkBox           *agent_tiles;
  GtkBox           *center_tiles;
  GtkWidget        *agent_empty;
  GtkWidget        *center_empty;
  GtkWidget        *agents_section;
  GtkGrid          *agents_grid;
};

G_DEFINE_FINAL_TYPE (FdWallboard, fd_wallboard, GTK_TYPE_WIDGET)

static void
tile_free (Tile *tile)
{
  g_clear_pointer (&tile->lines, g_array_unref);
  g_clear_pointer (&tile->charts, g_ptr_array_unref);
  g_free (tile);
}

static gint64
wallboard_now (FdWallboard *self)
{
  return self->now != 0 ? self->now : g_get_real_time ();
}

static char *
format_line_value (const FdStatInfo      *stat,
                   const FdWallboardLine *line)
{
  return line->has_value ? fd_stat_info_format_value (stat, line->value) : g_strdup (fd_stat_no_value ());
}

static void
update_charts (FdWallboard *self,
               Tile        *tile,
               GPtrArray   *lines)
{
  GtkWidget *child;

  if (tile->charts == NULL)
    return;
  if (tile->charts->len != lines->len)
    {
      g_ptr_array_set_size (tile->charts, 0);
      while ((child = gtk_widget_get_first_child (tile->charts_box)) != NULL)
        gtk_box_remove (GTK_BOX (tile->charts_box), child);
      for (guint i = 0; i < lines->len; i++)
        {
          FdWallboardLine *line = lines->pdata[i];
          const char *title = line->label != NULL ? line->label : fd_stat_info_get_title (tile->stat);
          GtkWidget *label = gtk_label_new (title);
          GtkWidget *chart = fd_stat_plot_new (FD_STAT_PLOT_CHART);

          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_widget_add_css_class (label, "heading");
          gtk_box_append (GTK_BOX (tile->charts_box), label);
          gtk_box_append (GTK_BOX (tile->charts_box), chart);
          g_ptr_array_add (tile->charts, chart);
        }
    }
  for (guint i = 0; i < lines->len; i++)
    {
      FdWallboardLine *line = lines->pdata[i];
      FdStatPlot *chart = tile->charts->pdata[i];
      g_autofree char *title = line->label != NULL
        ? g_strdup_printf ("%s, %s", fd_stat_info_get_title (tile->stat), line->label)
        : g_strdup (fd_stat_info_get_title (tile->stat));

      fd_stat_plot_set_stat (chart, tile->stat, title);
      fd_stat_plot_set_points (chart, (FdStatPoint *) (gpointer) line->points->data, line->points->len);
      fd_stat_plot_set_now (chart, wallboard_now (self));
    }
}

static void
update_tile (FdWallboard *self,
             Tile        *tile)
{
  g_autoptr(GPtrArray) lines = fd_wallboard_model_dup_lines (self->model, tile->stat, wallboard_now (self));
  g_autoptr(GString) description = g_string_new (NULL);
  GtkWidget *child;

  if (tile->lines->len != lines->len)
    {
      g_array_set_size (tile->lines, 0);
      while ((child = gtk_widget_get_first_child (tile->lines_box)) != NULL)
        gtk_grid_remove (GTK_GRID (tile->lines_box), child);
      for (guint i = 0; i < lines->len; i++)
        {
          TileLine row = {
            .name = gtk_label_new (NULL),
            .value = gtk_label_new (NULL),
            .plot = fd_stat_plot_new (FD_STAT_PLOT_SPARKLINE),
          };

          gtk_label_set_xalign (GTK_LABEL (row.name), 0);
          gtk_label_set_ellipsize (GTK_LABEL (row.name), PANGO_ELLIPSIZE_END);
          gtk_widget_set_hexpand (row.name, TRUE);
          gtk_widget_set_size_request (row.name, 40, -1);
          gtk_widget_add_css_class (row.name, "dim-label");
          gtk_label_set_xalign (GTK_LABEL (row.value), 1);
          gtk_widget_add_css_class (row.value, "title-3");
          gtk_widget_add_css_class (row.value, "numeric");
          gtk_widget_set_size_request (row.plot, 120, 32);
          gtk_widget_set_valign (row.plot, GTK_ALIGN_CENTER);
          gtk_grid_attach (GTK_GRID (tile->lines_box), row.name, 0, (int) i, 1, 1);
          gtk_grid_attach (GTK_GRID (tile->lines_box), row.value, 1, (int) i, 1, 1);
          gtk_grid_attach (GTK_GRID (tile->lines_box), row.plot, 2, (int) i, 1, 1);
          g_array_append_val (tile->lines, row);
        }
    }

  g_string_append (description, fd_stat_info_get_title (tile->stat));
  g_string_append (description, ":");
  for (guint i = 0; i < lines->len; i++)
    {
      FdWallboardLine *line = lines->pdata[i];
      TileLine *row = &g_array_index (tile->lines, TileLine, i);
      g_autofree char *value = format_line_value (tile->stat, line);
      g_autofree char *title = line->label != NULL
        ? g_strdup_printf ("%s, %s", fd_stat_info_get_title (tile->stat), line->label)
        : g_strdup (fd_stat_info_get_title (tile->stat));

      /* Queue and stream names are the administrator's text: never markup. */
      gtk_label_set_text (GTK_LABEL (row->name), line->label != NULL ? line->label : "");
      gtk_widget_set_visible (row->name, line->label != NULL);
      /* Without a name (the agent's own line) the value takes its room. */
      gtk_widget_set_hexpand (row->value, line->label == NULL);
      gtk_label_set_text (GTK_LABEL (row->value), value);
      fd_stat_plot_set_stat (FD_STAT_PLOT (row->plot), tile->stat, title);
      fd_stat_plot_set_points (FD_STAT_PLOT (row->plot), (FdStatPoint *) (gpointer) line->points->data,
                               line->points->len);
      fd_stat_plot_set_now (FD_STAT_PLOT (row->plot), wallboard_now (self));
      /* "Waiting: Sales 3, Support 1"; "Closed Today: 4". */
      if (i > 0)
        g_string_append_c (description, ',');
      if (line->label != NULL)
        g_string_append_printf (description, " %s", line->label);
      g_string_append_printf (description, " %s", value);
    }
  if (lines->len == 0)
    g_string_append_printf (description, " %s", _("no queues"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (tile->button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str, -1);
  g_object_set_data_full (G_OBJECT (tile->button), "fd-description", g_strdup (description->str), g_free);
  update_charts (self, tile, lines);
}

static void
on_popover_closed_cb (GtkPopover *popover,
                      Tile       *tile)
{
  GtkWidget *child;

  g_clear_pointer (&tile->charts, g_ptr_array_unref);
  while ((child = gtk_widget_get_first_child (tile->charts_box)) != NULL)
    gtk_box_remove (GTK_BOX (tile->charts_box), child);
}

/* The charts are made when the popover opens and dropped when it closes. */
static void
on_popover_show_cb (GtkPopover *popover,
                    Tile       *tile)
{
  FdWallboard *self = FD_WALLBOARD (gtk_widget_get_ancestor (tile->button, FD_TYPE_WALLBOARD));
  g_autoptr(GPtrArray) lines = NULL;

  if (self == NULL)
    return;
  lines = fd_wallboard_model_dup_lines (self->model, tile->stat, wallboard_now (self));
  if (tile->charts == NULL)
    tile->charts = g_ptr_array_new ();
  update_charts (self, tile, lines);
}

static Tile *
new_tile (FdWallboard      *self,
          const FdStatInfo *stat)
{
  Tile *tile = g_new0 (Tile, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (fd_stat_info_get_title (stat));
  GtkWidget *scroller = gtk_scrolled_window_new ();

  tile->stat = stat;
  tile->lines = g_array_new (FALSE, FALSE, sizeof (TileLine));
  /* A menu button: it places and opens the popover of charts. */
  tile->button = gtk_menu_button_new ();
  gtk_widget_set_name (tile->button, stat->id);
  gtk_widget_add_css_class (tile->button, "card");
  gtk_widget_add_css_class (tile->button, "flat");
  gtk_widget_add_css_class (tile->button, "fd-stat-tile");
  gtk_widget_set_tooltip_text (tile->button, fd_stat_info_get_description (stat));
  gtk_accessible_update_property (GTK_ACCESSIBLE (tile->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, fd_stat_info_get_title (stat), -1);

  /* The button would centre its child: the tile fills its column. */
  gtk_widget_set_hexpand (box, TRUE);
  gtk_widget_set_halign (box, GTK_ALIGN_FILL);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);
  tile->lines_box = gtk_grid_new ();
  gtk_widget_set_hexpand (tile->lines_box, TRUE);
  gtk_grid_set_column_spacing (GTK_GRID (tile->lines_box), 12);
  gtk_grid_set_row_spacing (GTK_GRID (tile->lines_box), 6);
  gtk_box_append (GTK_BOX (box), tile->lines_box);
  gtk_menu_button_set_child (GTK_MENU_BUTTON (tile->button), box);
  /* GTK 4.8 centres a menu button's child in a box of its own: the
   * tile's content fills the tile instead. */
  for (GtkWidget *w = gtk_widget_get_parent (box); w != NULL && w != tile->button; w = gtk_widget_get_parent (w))
    gtk_widget_set_halign (w, GTK_ALIGN_FILL);

  /* The large charts, one per line, made when the popover opens. */
  tile->popover = gtk_popover_new ();
  tile->charts_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 600);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), tile->charts_box);
  gtk_popover_set_child (GTK_POPOVER (tile->popover), scroller);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (tile->button), tile->popover);
  g_signal_connect (tile->popover, "show", G_CALLBACK (on_popover_show_cb), tile);
  g_signal_connect (tile->popover, "closed", G_CALLBACK (on_popover_closed_cb), tile);
  return tile;
}

static void
remove_tile_widgets (Tile *tile)
{
  GtkWidget *parent = gtk_widget_get_parent (tile->button);

  g_signal_handlers_disconnect_by_data (tile->popover, tile);
  gtk_box_remove (GTK_BOX (parent), tile->button);
}

/* The tiles in the settings' order (unknown ids skipped). */
static void
rebuild_tiles (FdWallboard *self)
{
  static const struct {
    const char   *key;
    FdStatColumn  column;
  } columns[] = {
    { "wallboard-agent-columns", FD_STAT_COLUMN_AGENT },
    { "wallboard-center-columns", FD_STAT_COLUMN_CENTER },
  };

  for (guint i = 0; i < self->tiles->len; i++)
    remove_tile_widgets (self->tiles->pdata[i]);
  g_ptr_array_set_size (self->tiles, 0);
  if (self->settings == NULL)
    return;

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      g_auto(GStrv) ids = g_settings_get_strv (self->settings, columns[c].key);
      g_autoptr(GPtrArray) stats = fd_stat_catalog_filter_column ((const char * const *) ids, columns[c].column);
      GtkBox *box = columns[c].column == FD_STAT_COLUMN_AGENT ? self->agent_tiles : self->center_tiles;
      GtkWidget *empty = columns[c].column == FD_STAT_COLUMN_AGENT ? self->agent_empty : self->center_empty;

      for (guint i = 0; i < stats->len; i++)
        {
          Tile *tile = new_tile (self, stats->pdata[i]);

          gtk_box_append (box, tile->button);
          g_ptr_array_add (self->tiles, tile);
          update_tile (self, tile);
        }
      gtk_widget_set_visible (empty, stats->len == 0);
    }
}

static void
update_tiles (FdWallboard *self)
{
  for (guint i = 0; i < self->tiles->len; i++)
    update_tile (self, self->tiles->pdata[i]);
}

static const char *
acd_state_text (FdAcdState state)
{
  switch (state)
    {
    case FD_ACD_AVAILABLE:
      return _("Available");
    case FD_ACD_UNAVAILABLE:
      return _("Unavailable");
    case FD_ACD_WRAP_UP:
      return _("Wrap-up");
    case FD_ACD_OFFLINE:
    default:
      return _("Offline");
    }
}

static void
update_agent_ticks (FdWallboard *self)
{
  gint64 now = wallboard_now (self);

  for (guint i = 0; i < self->agent_ticks->len; i++)
    {
      gint64 since = g_array_index (self->agent_since, gint64, i);
      g_autofree char *text = since != 0 ? fd_format_duration (now - since) : g_strdup (fd_stat_no_value ());

      fd_tick_label_set_label (self->agent_ticks->pdata[i], text);
    }
}

static void
rebuild_agents (FdWallboard *self)
{
  static const char *headers[] = { N_("Name"), N_("State"), N_("Reason"), N_("Time in State"), N_("Held") };
  GPtrArray *agents = fd_wallboard_model_get_agents (self->model);
  gboolean visible = fd_wallboard_model_get_supervising (self->model);
  GtkWidget *child;

  gtk_widget_set_visible (self->agents_section, visible);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->agents_grid))) != NULL)
    gtk_grid_remove (self->agents_grid, child);
  g_ptr_array_set_size (self->agent_ticks, 0);
  g_array_set_size (self->agent_since, 0);
  if (!visible)
    return;

  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    {
      GtkWidget *label = gtk_label_new (_(headers[c]));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "heading");
      gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, _(headers[c]), -1);
      gtk_grid_attach (self->agents_grid, label, (int) c, 0, 1, 1);
    }
  for (guint i = 0; i < agents->len; i++)
    {
      const FdAgentState *agent = agents->pdata[i];
      g_autofree char *held = g_strdup_printf ("%d", agent->held);
      GtkWidget *cells[5];
      GtkWidget *tick = g_object_new (FD_TYPE_TICK_LABEL, NULL);

      /* Names and reasons are people's text: never markup. */
      cells[0] = gtk_label_new (agent->name != NULL ? agent->name : "");
      cells[1] = gtk_label_new (acd_state_text (agent->acd_state));
      cells[2] = gtk_label_new (agent->acd_reason != NULL ? agent->acd_reason : "");
      cells[3] = tick;
      cells[4] = gtk_label_new (held);
      for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
        {
          if (GTK_IS_LABEL (cells[c]))
            {
              gtk_label_set_xalign (GTK_LABEL (cells[c]), 0);
              gtk_label_set_ellipsize (GTK_LABEL (cells[c]), PANGO_ELLIPSIZE_END);
            }
          gtk_widget_set_halign (cells[c], GTK_ALIGN_START);
          gtk_grid_attach (self->agents_grid, cells[c], (int) c, (int) i + 1, 1, 1);
        }
      if (agent->acd_state == FD_ACD_OFFLINE)
        for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
          gtk_widget_add_css_class (cells[c], "dim-label");
      g_ptr_array_add (self->agent_ticks, tick);
      g_array_append_val (self->agent_since, agent->state_since);
    }
  update_agent_ticks (self);
}

static void
on_model_changed_cb (FdWallboard      *self,
                     FdWallboardModel *model)
{
  update_tiles (self);
}

static void
on_model_agents_changed_cb (FdWallboard      *self,
                            FdWallboardModel *model)
{
  rebuild_agents (self);
}

static void
on_settings_changed_cb (FdWallboard *self,
                        const char  *key,
                        GSettings   *settings)
{
  rebuild_tiles (self);
}

static gboolean
on_tick_cb (gpointer user_data)
{
  fd_wallboard_set_now (FD_WALLBOARD (user_data), g_get_real_time ());
  return G_SOURCE_CONTINUE;
}

static void
fd_wallboard_map (GtkWidget *widget)
{
  FdWallboard *self = FD_WALLBOARD (widget);

  GTK_WIDGET_CLASS (fd_wallboard_parent_class)->map (widget);
  /* No timer while another view is shown. */
  if (self->tick_source == 0)
    self->tick_source = g_timeout_add_seconds (1, on_tick_cb, self);
  fd_wallboard_set_now (self, g_get_real_time ());
}

static void
fd_wallboard_unmap (GtkWidget *widget)
{
  FdWallboard *self = FD_WALLBOARD (widget);

  g_clear_handle_id (&self->tick_source, g_source_remove);
  GTK_WIDGET_CLASS (fd_wallboard_parent_class)->unmap (widget);
}

static void
fd_wallboard_dispose (GObject *object)
{
  FdWallboard *self = FD_WALLBOARD (object);
  GtkWidget *child;

  g_clear_handle_id (&self->tick_source, g_source_remove);
  if (self->tiles != NULL)
    {
      for (guint i = 0; i < self->tiles->len; i++)
        {
          Tile *tile = self->tiles->pdata[i];

          g_signal_handlers_disconnect_by_data (tile->popover, tile);
        }
      g_ptr_array_set_size (self->tiles, 0);
    }
  if (self->model != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->model, self);
      fd_wallboard_model_set_connection (self->model, NULL);
    }
  g_clear_object (&self->model);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_WALLBOARD);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (fd_wallboard_parent_class)->dispose (object);
}

static void
fd_wallboard_finalize (GObject *object)
{
  FdWallboard *self = FD_WALLBOARD (object);

  g_clear_pointer (&self->tiles, g_ptr_array_unref);
  g_clear_pointer (&self->agent_ticks, g_ptr_array_unref);
  g_clear_pointer (&self->agent_since, g_array_unref);

  G_OBJECT_CLASS (fd_wallboard_parent_class)->finalize (object);
}

static void
fd_wallboard_class_init (FdWallboardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_wallboard_dispose;
  object_class->finalize = fd_wallboard_finalize;
  widget_class->map = fd_wallboard_map;
  widget_class->unmap = fd_wallboard_unmap;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/frontdeskcc/Frontdesk/ui/fd-wallboard.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fd-wallboard");
  gtk_widget_class_bind_template_child (widget_class, FdWallboard, agent_tiles);
  gtk_widget_class_bind_template_child (widget_class, FdWallboard, center_tiles);
  gtk_widget_class_bind_template_child (widget_class, FdWallboard, agent_empty);
  gtk_widget_class_bind_template_child (widget_class, FdWallboard, center_empty);
  gtk_widget_class_bind_template_child (widget_class, FdWallboard, agents_section);
  gtk_widget_class_bind_template_child (widget_class, FdWallboard, agents_grid);
}

static void
fd_wallboard_init (FdWallboard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->tiles = g_ptr_array_new_with_free_func ((GDestroyNotify) tile_free);
  self->agent_ticks = g_ptr_array_new ();
  self->agent_since = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->model = fd_wallboard_model_new ();
  g_signal_connect_object (self->model, "changed", G_CALLBACK (on_model_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "agents-changed", G_CALLBACK (on_model_agents_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

void
fd_wallboard_set_connection (FdWallboard  *self,
                             FdConnection *connection)
{
  g_return_if_fail (FD_IS_WALLBOARD (self));
  g_return_if_fail (connection == NULL || FD_IS_CONNECTION (connection));

  fd_wallboard_model_set_connection (self->model, connection);
}

void
fd_wallboard_set_settings (FdWallboard *self,
                           GSettings   *settings)
{
  g_return_if_fail (FD_IS_WALLBOARD (self));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_set_object (&self->settings, settings);
  if (settings != NULL)
    {
      g_signal_connect_object (settings, "changed::wallboard-agent-columns",
                               G_CALLBACK (on_settings_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (settings, "changed::wallboard-center-columns",
                               G_CALLBACK (on_settings_changed_cb), self, G_CONNECT_SWAPPED);
    }
  rebuild_tiles (self);
}

FdWallboardModel *
fd_wallboard_get_model (FdWallboard *self)
{
  g_return_val_if_fail (FD_IS_WALLBOARD (self), NULL);

  return self->model;
}

void
fd_wallboard_set_now (FdWallboard *self,
                      gint64       now)
{
  g_return_if_fail (FD_IS_WALLBOARD (self));

  self->now = now;
  update_agent_ticks (self);
  /* Time in state counts on; the rest changes with the events. */
  for (guint i = 0; i < self->tiles->len; i++)
    {
      Tile *tile = self->tiles->pdata[i];

      if (tile->stat->read == FD_STAT_READ_SINCE)
        update_tile (self, tile);
    }
}

char *
fd_wallboard_dup_tiles_text (FdWallboard  *self,
                             FdStatColumn  column)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (FD_IS_WALLBOARD (self), NULL);

  for (guint i = 0; i < self->tiles->len; i++)
    {
      Tile *tile = self->tiles->pdata[i];

      if (fd_stat_info_get_column (tile->stat) != column)
        continue;
      if (out->len > 0)
        g_string_append_c (out, '|');
      g_string_append (out, g_object_get_data (G_OBJECT (tile->button), "fd-description"));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

GtkWidget *
fd_wallboard_get_tile (FdWallboard *self,
                       const char  *id)
{
  g_return_val_if_fail (FD_IS_WALLBOARD (self), NULL);

  for (guint i = 0; i < self->tiles->len; i++)
    {
      Tile *tile = self->tiles->pdata[i];

      if (g_strcmp0 (tile->stat->id, id) == 0)
        return tile->button;
    }
  return NULL;
}

char *
fd_wallboard_dup_agents_text (FdWallboard *self)
{
  g_autoptr(GString) out = g_string_new (NULL);
  int rows = 0;

  g_return_val_if_fail (FD_IS_WALLBOARD (self), NULL);

  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->agents_grid)); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      int row;

      gtk_grid_query_child (self->agents_grid, c, NULL, &row, NULL, NULL);
      rows = MAX (rows, row);
    }
  for (int row = 1; row <= rows; row++)
    {
      if (row > 1)
        g_string_append_c (out, '|');
      for (int col = 0; col < 5; col++)
        {
          GtkWidget *cell = gtk_grid_get_child_at (self->agents_grid, col, row);
          const char *text = GTK_IS_LABEL (cell) ? gtk_label_get_text (GTK_LABEL (cell))
                                                 : fd_tick_label_get_label (FD_TICK_LABEL (cell));

          g_string_append_printf (out, "%s%s", col > 0 ? ", " : "", text != NULL ? text : "");
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
fd_wallboard_get_agents_visible (FdWallboard *self)
{
  g_return_val_if_fail (FD_IS_WALLBOARD (self), FALSE);

  return gtk_widget_get_visible (self->agents_section);
}
