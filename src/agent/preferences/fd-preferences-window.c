#define G_LOG_DOMAIN "fd-preferences"

#include "fd-config.h"

#include <glib/gi18n.h>

#include "fd-alert-sound.h"
#include "fd-crm-preferences.h"
#include "fd-preferences-window.h"
#include "fd-row-name.h"
#include "fd-stat-column-editor.h"

struct _FdPreferencesWindow
{
  AdwWindow             parent_instance;

  GSettings            *settings;
  /* Created on the first "Play" and stopped when the window goes away. */
  FdAlertSound         *preview;
  GtkFileChooserNative *chooser;

  AdwActionRow         *join_row;
  GtkSwitch            *join_switch;
  GtkSwitch            *warn_switch;
  GtkSwitch            *unreplied_switch;
  GtkSwitch            *notification_switch;
  GtkSwitch            *sound_switch;
  GtkSwitch            *loop_switch;
  AdwActionRow         *loop_row;
  AdwActionRow         *duration_row;
  GtkSpinButton        *duration_spin;
  AdwActionRow         *sound_file_row;
  GtkButton            *play_button;
  GtkButton            *default_button;
  GtkButton            *choose_button;
  AdwComboRow          *idle_row;
  AdwComboRow          *return_row;
  GtkBox               *columns_box;
  /* The Personal Wallboard's columns (Service > Columns). */
  GtkWidget            *agent_columns;
  GtkWidget            *center_columns;
  /* Preferences > CRM (FdCrmPreferences). */
  AdwViewStack         *stack;
  GtkWidget            *crm_page;
};

G_DEFINE_FINAL_TYPE (FdPreferencesWindow, fd_preferences_window, ADW_TYPE_WINDOW)

/* The key holds a URI (what the file chooser gives, also inside the Flatpak
 * sandbox) but a path typed with gsettings works as well. */
static GFile *
sound_file_from_setting (const char *value)
{
  if (value == NULL || *value == '\0')
    return NULL;
  return g_file_new_for_commandline_arg (value);
}

static void
update_sound_file_row (FdPreferencesWindow *self)
{
  g_autofree char *value = g_settings_get_string (self->settings, "alert-sound-file");
  g_autoptr(GFile) file = sound_file_from_setting (value);
  g_autofree char *name = NULL;

  if (file != NULL)
    name = g_file_get_basename (file);
  adw_action_row_set_subtitle (self->sound_file_row, name != NULL ? name : _("Default"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->default_button), file != NULL);
}

static void
on_settings_changed_cb (FdPreferencesWindow *self,
                        const char          *key,
                        GSettings           *settings)
{
  if (g_strcmp0 (key, "alert-sound-file") == 0)
    update_sound_file_row (self);
}

static void
on_play_button_clicked_cb (FdPreferencesWindow *self,
                           GtkButton           *button)
{
  g_autofree char *value = g_settings_get_string (self->settings, "alert-sound-file");
  g_autoptr(GFile) file = sound_file_from_setting (value);
  g_autofree char *uri = file != NULL ? g_file_get_uri (file) : NULL;

  if (self->preview == NULL)
    self->preview = fd_alert_sound_new ();
  /* A preview replaces the one still playing rather than being ignored. */
  fd_alert_sound_stop (self->preview);
  fd_alert_sound_set_uri (self->preview, uri);
  fd_alert_sound_play (self->preview, FALSE, 0);
}

static void
on_default_button_clicked_cb (FdPreferencesWindow *self,
                              GtkButton           *button)
{
  g_settings_reset (self->settings, "alert-sound-file");
}

static void
on_chooser_response_cb (FdPreferencesWindow  *self,
                        int                   response,
                        GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        {
          g_autofree char *uri = g_file_get_uri (file);

          g_settings_set_string (self->settings, "alert-sound-file", uri);
        }
    }
  g_clear_object (&self->chooser);
}

static void
on_choose_button_clicked_cb (FdPreferencesWindow *self,
                             GtkButton           *button)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *value = NULL;
  g_autoptr(GFile) current = NULL;

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }

  /* The native chooser goes through the file chooser portal when
   * sandboxed, so the Flatpak needs no access to the home directory. */
  self->chooser = gtk_file_chooser_native_new (_("Choose an Alert Sound"),
                                               GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Select"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Sounds"));
  gtk_file_filter_add_mime_type (filter, "audio/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);

  value = g_settings_get_string (self->settings, "alert-sound-file");
  current = sound_file_from_setting (value);
  if (current != NULL)
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (self->chooser), current, NULL);

  g_signal_connect_object (self->chooser, "response",
                           G_CALLBACK (on_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
update_duration_sensitivity (FdPreferencesWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->duration_row),
                            gtk_switch_get_active (self->sound_switch) &&
                            gtk_switch_get_active (self->loop_switch));
}

static void
on_switch_active_changed_cb (FdPreferencesWindow *self,
                             GParamSpec          *pspec,
                             GtkSwitch           *sw)
{
  update_duration_sensitivity (self);
}

/* A combo row stands for a key: its positions are the key's values in
 * ascending order (a GVariant array, the mapping's user data). A value set
 * elsewhere shows as the largest choice not above it (45 minutes: "30
 * minutes"); the schema's choices keep strings exact. */
static gboolean
choice_to_row (GValue   *value,
               GVariant *variant,
               gpointer  user_data)
{
  GVariant *choices = user_data;
  guint selected = 0;

  for (gsize i = 0; i < g_variant_n_children (choices); i++)
    {
      g_autoptr(GVariant) choice = g_variant_get_child_value (choices, i);

      if (g_variant_compare (choice, variant) <= 0)
        selected = (guint) i;
    }
  g_value_set_uint (value, selected);
  return TRUE;
}

static GVariant *
choice_from_row (const GValue       *value,
                 const GVariantType *type,
                 gpointer            user_data)
{
  GVariant *choices = user_data;
  guint selected = g_value_get_uint (value);

  return selected < g_variant_n_children (choices) ? g_variant_get_child_value (choices, selected) : NULL;
}

/* A combo row shows its choice, and lists the choices in its popover, as
 * rows of list views; GTK 4.8 names such a row "GtkListItemWidget" over
 * AT-SPI (docs/app.md, "Accessibility"), so each carries an FdRowName with
 * the choice's text. */
static const char string_item_ui[] =
  "<interface><template class=\"GtkListItem\"><property name=\"child\">"
  "<object class=\"GtkBox\">"
  "<child><object class=\"GtkLabel\"><property name=\"xalign\">0</property>"
  "<property name=\"ellipsize\">end</property>"
  "<binding name=\"label\"><lookup name=\"string\" type=\"GtkStringObject\">"
  "<lookup name=\"item\">GtkListItem</lookup></lookup></binding></object></child>"
  "<child><object class=\"FdRowName\">"
  "<binding name=\"label\"><lookup name=\"string\" type=\"GtkStringObject\">"
  "<lookup name=\"item\">GtkListItem</lookup></lookup></binding></object></child>"
  "</object></property></template></interface>";

static void
bind_settings (FdPreferencesWindow *self)
{
  g_autoptr(GBytes) item_ui = g_bytes_new_static (string_item_ui, sizeof string_item_ui - 1);

  static const struct {
    const char *key;
    gsize       offset;
  } switches[] = {
    { "join-queues-on-startup", G_STRUCT_OFFSET (FdPreferencesWindow, join_switch) },
    { "warn-last-agent-leaving", G_STRUCT_OFFSET (FdPreferencesWindow, warn_switch) },
    { "show-unreplied-duration", G_STRUCT_OFFSET (FdPreferencesWindow, unreplied_switch) },
    { "alert-notification", G_STRUCT_OFFSET (FdPreferencesWindow, notification_switch) },
    { "alert-sound", G_STRUCT_OFFSET (FdPreferencesWindow, sound_switch) },
    { "alert-sound-loop", G_STRUCT_OFFSET (FdPreferencesWindow, loop_switch) },
  };
  /* The combo rows: their key and its values, in the rows' order. */
  static const struct {
    const char *key;
    gsize       offset;
    const char *choices;
  } combos[] = {
    { "presence-idle-minutes", G_STRUCT_OFFSET (FdPreferencesWindow, idle_row), "[uint32 0, 5, 10, 15, 30, 60]" },
    { "presence-on-return", G_STRUCT_OFFSET (FdPreferencesWindow, return_row), "['ask', 'restore']" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (switches); i++)
    {
      GtkSwitch *sw = G_STRUCT_MEMBER (GtkSwitch *, self, switches[i].offset);

      g_settings_bind (self->settings, switches[i].key, sw, "active", G_SETTINGS_BIND_DEFAULT);
    }
  g_settings_bind (self->settings, "alert-duration",
                   gtk_spin_button_get_adjustment (self->duration_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);

  /* Looping and the sound file only mean something while the sound is on;
   * the duration only while the sound loops. */
  g_object_bind_property (self->sound_switch, "active", self->loop_row, "sensitive",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->sound_switch, "active", self->sound_file_row, "sensitive",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->sound_switch, "notify::active",
                           G_CALLBACK (on_switch_active_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->loop_switch, "notify::active",
                           G_CALLBACK (on_switch_active_changed_cb), self,
                           G_CONNECT_SWAPPED);
  update_duration_sensitivity (self);

  for (gsize i = 0; i < G_N_ELEMENTS (combos); i++)
    {
      AdwComboRow *row = G_STRUCT_MEMBER (AdwComboRow *, self, combos[i].offset);
      GVariant *choices = g_variant_parse (NULL, combos[i].choices, NULL, NULL, NULL);

      g_autoptr(GtkListItemFactory) factory = gtk_builder_list_item_factory_new_from_bytes (NULL, item_ui);

      g_assert (choices != NULL);
      adw_combo_row_set_factory (row, factory);
      g_settings_bind_with_mapping (self->settings, combos[i].key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                    choice_to_row, choice_from_row, choices, (GDestroyNotify) g_variant_unref);
    }
}

/* The window shows and changes @settings from the start: it is set once,
 * by fd_preferences_window_new(). */
static void
set_settings (FdPreferencesWindow *self,
              GSettings           *settings)
{
  self->settings = g_object_ref (settings);
  bind_settings (self);
  g_signal_connect_object (self->settings, "changed",
                           G_CALLBACK (on_settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  update_sound_file_row (self);

  self->agent_columns = fd_stat_column_editor_new (settings, "wallboard-agent-columns",
                                                   FD_STAT_COLUMN_AGENT, _("Agent"));
  self->center_columns = fd_stat_column_editor_new (settings, "wallboard-center-columns",
                                                    FD_STAT_COLUMN_CENTER, _("Contact Center"));
  gtk_box_append (self->columns_box, self->agent_columns);
  gtk_box_append (self->columns_box, self->center_columns);

  self->crm_page = fd_crm_preferences_new (settings);
  adw_view_stack_page_set_icon_name (adw_view_stack_add_titled (self->stack, self->crm_page, "crm", _("CRM")),
                                     "contact-new-symbolic");
}

static void
fd_preferences_window_dispose (GObject *object)
{
  FdPreferencesWindow *self = FD_PREFERENCES_WINDOW (object);

  if (self->preview != NULL)
    fd_alert_sound_stop (self->preview);
  g_clear_object (&self->preview);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (fd_preferences_window_parent_class)->dispose (object);
}

static void
fd_preferences_window_class_init (FdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_preferences_window_dispose;
  g_type_ensure (FD_TYPE_ROW_NAME);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/frontdeskcc/Frontdesk/ui/fd-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, join_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, join_switch);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, warn_switch);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, unreplied_switch);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, notification_switch);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, sound_switch);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, loop_switch);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, loop_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, duration_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, sound_file_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, default_button);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, choose_button);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, idle_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, return_row);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, columns_box);
  gtk_widget_class_bind_template_child (widget_class, FdPreferencesWindow, stack);
  gtk_widget_class_bind_template_callback (widget_class, on_play_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_default_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_button_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
fd_preferences_window_init (FdPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
fd_preferences_window_new (GtkWindow *parent,
                           GSettings *settings)
{
  FdPreferencesWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (FD_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  set_settings (self, settings);
  return GTK_WIDGET (self);
}

GtkWidget *
fd_preferences_window_get_column_editor (FdPreferencesWindow *self,
                                         FdStatColumn         column)
{
  g_return_val_if_fail (FD_IS_PREFERENCES_WINDOW (self), NULL);

  return column == FD_STAT_COLUMN_AGENT ? self->agent_columns : self->center_columns;
}

void
fd_preferences_window_set_connection (FdPreferencesWindow *self,
                                      FdConnection        *connection)
{
  g_return_if_fail (FD_IS_PREFERENCES_WINDOW (self));
  fd_crm_preferences_set_connection (FD_CRM_PREFERENCES (self->crm_page), connection);
}

GtkWidget *
fd_preferences_window_get_crm_page (FdPreferencesWindow *self)
{
  g_return_val_if_fail (FD_IS_PREFERENCES_WINDOW (self), NULL);
  return self->crm_page;
}

GSettings *
fd_preferences_window_get_settings (FdPreferencesWindow *self)
{
  g_return_val_if_fail (FD_IS_PREFERENCES_WINDOW (self), NULL);

  return self->settings;
}
