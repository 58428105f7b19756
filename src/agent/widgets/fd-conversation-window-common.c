#define G_LOG_DOMAIN "fd-conversation-window"

#include <glib/gi18n.h>

#include "fd-conversation-window-private.h"
#include "fd-crm.h"
#include "fd-format.h"
#include "fd-session.h"

/* The behaviour the Web Chat and Email windows share (see
 * fd-conversation-window-private.h). The action callbacks find the
 * window's FdConversationWindowCommon through this quark. */

static GQuark
common_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("fd-conversation-window-common");
  return quark;
}

static FdConversationWindowCommon *
common_from_widget (GtkWidget *widget)
{
  return g_object_get_qdata (G_OBJECT (widget), common_quark ());
}

static void
set_action_enabled (FdConversationWindowCommon *common,
                    const char                 *action,
                    gboolean                    enabled)
{
  g_autofree char *name = g_strconcat (common->prefix, ".", action, NULL);

  gtk_widget_action_set_enabled (common->window, name, enabled);
}

static void
update_title (FdConversationWindowCommon *common)
{
  g_autofree char *title = fd_conversation_model_dup_title (common->model);
  const FdConversation *conversation = fd_conversation_model_get_conversation (common->model);
  /* The header names the customer with the CRM's label (issue 15):
   * "Natalie Maines (Salesforce Lead)". */
  g_autofree char *from = conversation != NULL ? fd_format_visitor (conversation) : NULL;

  gtk_window_set_title (GTK_WINDOW (common->window), title);
  if (common->header_title != NULL)
    {
      adw_window_title_set_title (common->header_title, title);
      adw_window_title_set_subtitle (common->header_title, from != NULL ? from : "");
    }
}

/* "View contact in CRM" needs the contact's https record; "Add CRM log
 * entry" an organization with a connected CRM (the welcome's
 * crm_provider). Disabled, their tooltips say why. */
static void
update_crm_actions (FdConversationWindowCommon *common)
{
  const FdConversation *conversation = fd_conversation_model_get_conversation (common->model);
  gboolean has_record = conversation != NULL && fd_format_crm_record_url (conversation->contact) != NULL;
  gboolean has_crm = common->connection != NULL && fd_connection_get_crm_provider (common->connection) != NULL;

  set_action_enabled (common, "view-crm", has_record);
  set_action_enabled (common, "add-crm-log", has_crm && conversation != NULL);
  if (common->view_crm_button != NULL)
    gtk_widget_set_tooltip_text (common->view_crm_button,
                                 has_record ? _("Open the contact’s record in the CRM in your browser")
                                 : has_crm ? _("View contact in CRM: the CRM has no record of this customer")
                                 : _("View contact in CRM: no CRM is connected for this organization"));
  if (common->crm_log_button != NULL)
    gtk_widget_set_tooltip_text (common->crm_log_button,
                                 has_crm ? _("Add a manual entry to the contact in the CRM")
                                 : _("Add CRM log entry: no CRM is connected for this organization"));
}

static gboolean
on_tick_cb (gpointer user_data)
{
  update_title (user_data);
  return G_SOURCE_CONTINUE;
}

/* What the header, the actions and the sensitivity of the parts say
 * follows the model's state; the window adds its own parts. */
static void
on_model_changed_cb (FdConversationWindowCommon *common)
{
  const FdConversation *conversation = fd_conversation_model_get_conversation (common->model);
  gboolean reserved = fd_conversation_model_get_reserved (common->model);
  gboolean closed = fd_conversation_model_get_closed (common->model);
  gboolean offered = fd_conversation_model_get_offered (common->model);

  gtk_widget_set_visible (common->reserve_button, !reserved && !closed);
  gtk_widget_set_visible (common->reject_button, !reserved && !closed);
  gtk_widget_set_visible (common->close_button, reserved);
  set_action_enabled (common, "transfer", reserved && conversation->transfer_to == 0);
  set_action_enabled (common, "reserve", offered);
  set_action_enabled (common, "reject", offered);
  set_action_enabled (common, "close", reserved);
  set_action_enabled (common, "send", reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (fd_conversation_part_get_list (FD_CONVERSATION_PART (common->canned_tab))),
                            reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (fd_conversation_part_get_list (FD_CONVERSATION_PART (common->resources_tab))),
                            reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (fd_conversation_part_get_list (FD_CONVERSATION_PART (common->reply_cache_tab))),
                            reserved);
  common->changed (common->window, reserved);
  update_title (common);
  update_crm_actions (common);
}

static void
on_model_status_cb (FdConversationWindowCommon *common)
{
  const char *status = fd_conversation_model_get_status (common->model);

  gtk_label_set_text (common->status_label, status);
  gtk_widget_set_visible (GTK_WIDGET (common->status_label), *status != '\0');
}

static void
on_model_reserved_cb (FdConversationWindowCommon *common)
{
  if (fd_conversation_model_get_reserved (common->model))
    gtk_widget_grab_focus (common->focus_on_reserve);
}

/* Rejected: the offer goes to someone else, nothing is left to show. */
static void
on_model_rejected_cb (FdConversationWindowCommon *common)
{
  gtk_window_destroy (GTK_WINDOW (common->window));
}

static void
on_visible_changed_cb (GtkWidget *window)
{
  FdConversationWindowCommon *common = common_from_widget (window);
  gboolean visible = gtk_widget_get_visible (window);

  if (gtk_widget_in_destruction (window) || common->model == NULL)
    return;
  /* Hidden with the conversation over: nothing will show it again. */
  if (!visible && fd_conversation_model_get_closed (common->model))
    gtk_window_destroy (GTK_WINDOW (window));
  else
    fd_conversation_model_set_viewing (common->model, visible);
}

static gboolean
on_drop_target_drop_cb (GtkDropTarget              *target,
                        const GValue               *value,
                        double                      x,
                        double                      y,
                        FdConversationWindowCommon *common)
{
  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      common->attach_file (common->window, g_value_get_object (value));
      return TRUE;
    }
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));

      for (GSList *l = files; l != NULL; l = l->next)
        common->attach_file (common->window, l->data);
      g_slist_free (files);
      return files != NULL;
    }
  return FALSE;
}

/* --- actions --------------------------------------------------------------------- */

static void
reserve_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  fd_conversation_model_reserve (common_from_widget (widget)->model);
}

static void
reject_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  fd_conversation_model_reject (common_from_widget (widget)->model);
}

static void
close_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  fd_conversation_model_close (common_from_widget (widget)->model);
}

static void
transfer_cb (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  fd_transfer_popover_load (common_from_widget (widget)->transfer_popover);
}

static void
view_crm_cb (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  const FdConversation *conversation = fd_conversation_model_get_conversation (common_from_widget (widget)->model);

  if (conversation != NULL)
    fd_crm_show_contact (GTK_WINDOW (widget), conversation->contact);
}

static void
add_crm_log_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FdConversationWindowCommon *common = common_from_widget (widget);

  if (common->connection != NULL)
    fd_crm_add_log_entry (GTK_WINDOW (widget), common->connection, fd_conversation_model_get_id (common->model));
}

static void
install_action (GtkWidgetClass              *widget_class,
                const char                  *prefix,
                const char                  *action,
                GtkWidgetActionActivateFunc  activate,
                guint                        keyval,
                GdkModifierType              mods)
{
  g_autofree char *name = g_strconcat (prefix, ".", action, NULL);

  gtk_widget_class_install_action (widget_class, name, NULL, activate);
  if (keyval != 0)
    gtk_widget_class_add_binding_action (widget_class, keyval, mods, name, NULL);
}

/* --- the window's side ----------------------------------------------------------- */

void
fd_conversation_window_class_setup (GtkWidgetClass *widget_class,
                                    const char     *prefix,
                                    gssize          common_offset)
{
  static const struct { const char *name; gssize offset; } children[] = {
    { "reserve_button", G_STRUCT_OFFSET (FdConversationWindowCommon, reserve_button) },
    { "reject_button", G_STRUCT_OFFSET (FdConversationWindowCommon, reject_button) },
    { "close_button", G_STRUCT_OFFSET (FdConversationWindowCommon, close_button) },
    { "transfer_button", G_STRUCT_OFFSET (FdConversationWindowCommon, transfer_button) },
    { "status_label", G_STRUCT_OFFSET (FdConversationWindowCommon, status_label) },
    { "transfer_popover", G_STRUCT_OFFSET (FdConversationWindowCommon, transfer_popover) },
    { "contact_pane", G_STRUCT_OFFSET (FdConversationWindowCommon, contact_pane) },
    { "canned_tab", G_STRUCT_OFFSET (FdConversationWindowCommon, canned_tab) },
    { "resources_tab", G_STRUCT_OFFSET (FdConversationWindowCommon, resources_tab) },
    { "reply_cache_tab", G_STRUCT_OFFSET (FdConversationWindowCommon, reply_cache_tab) },
    { "history_tab", G_STRUCT_OFFSET (FdConversationWindowCommon, history_tab) },
    { "compose_menu", G_STRUCT_OFFSET (FdConversationWindowCommon, compose_menu) },
    { "header_title", G_STRUCT_OFFSET (FdConversationWindowCommon, header_title) },
    { "view_crm_button", G_STRUCT_OFFSET (FdConversationWindowCommon, view_crm_button) },
    { "crm_log_button", G_STRUCT_OFFSET (FdConversationWindowCommon, crm_log_button) },
  };

  g_type_ensure (FD_TYPE_CANNED_REPLIES_TAB);
  g_type_ensure (FD_TYPE_CONTACT_PANE);
  g_type_ensure (FD_TYPE_HISTORY_TAB);
  g_type_ensure (FD_TYPE_REPLY_CACHE_TAB);
  g_type_ensure (FD_TYPE_RESOURCES_TAB);
  g_type_ensure (FD_TYPE_TRANSFER_POPOVER);

  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    gtk_widget_class_bind_template_child_full (widget_class, children[i].name, FALSE,
                                               common_offset + children[i].offset);

  install_action (widget_class, prefix, "reserve", reserve_cb, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  install_action (widget_class, prefix, "reject", reject_cb, 0, 0);
  install_action (widget_class, prefix, "close", close_cb, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  install_action (widget_class, prefix, "transfer", transfer_cb, GDK_KEY_t, GDK_CONTROL_MASK);
  install_action (widget_class, prefix, "view-crm", view_crm_cb, 0, 0);
  install_action (widget_class, prefix, "add-crm-log", add_crm_log_cb, 0, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

/* Called from the window's init, after gtk_widget_init_template(). */
void
fd_conversation_window_common_init (FdConversationWindowCommon *common,
                                    GtkWidget                  *window,
                                    const char                 *prefix,
                                    GtkWidget                  *focus_on_reserve,
                                    FdConversationWindowChanged changed,
                                    FdConversationWindowAttach  attach_file)
{
  GtkDropTarget *drop;

  common->window = window;
  common->prefix = prefix;
  common->focus_on_reserve = focus_on_reserve;
  common->changed = changed;
  common->attach_file = attach_file;
  g_object_set_qdata (G_OBJECT (window), common_quark (), common);

  gtk_widget_set_parent (GTK_WIDGET (common->transfer_popover), common->transfer_button);
  set_action_enabled (common, "add-reply-to-cache", FALSE);

  /* A file (or several) dropped anywhere on the window is attached. */
  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, (GType[2]) { GDK_TYPE_FILE_LIST, G_TYPE_FILE }, 2);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop_target_drop_cb), common);
  gtk_widget_add_controller (window, GTK_EVENT_CONTROLLER (drop));
}

/* Binds the window and @parts to the session's model of the conversation. */
void
fd_conversation_window_common_bind (FdConversationWindowCommon *common,
                                    GtkWindow                  *parent,
                                    FdConnection               *connection,
                                    gint64                      conversation_id,
                                    FdConversationPart        **parts,
                                    guint                       n_parts)
{
  if (parent != NULL && gtk_window_get_application (parent) != NULL)
    gtk_window_set_application (GTK_WINDOW (common->window), gtk_window_get_application (parent));

  common->connection = g_object_ref (connection);
  g_signal_connect_swapped (connection, "notify::crm-provider", G_CALLBACK (update_crm_actions), common);
  common->model = fd_session_get_conversation_model (fd_connection_get_session (connection), conversation_id);
  g_signal_connect_swapped (common->model, "changed", G_CALLBACK (on_model_changed_cb), common);
  g_signal_connect_swapped (common->model, "notify::status", G_CALLBACK (on_model_status_cb), common);
  g_signal_connect_swapped (common->model, "notify::reserved", G_CALLBACK (on_model_reserved_cb), common);
  g_signal_connect_swapped (common->model, "rejected", G_CALLBACK (on_model_rejected_cb), common);
  for (guint i = 0; i < n_parts; i++)
    fd_conversation_part_set_model (parts[i], common->model);
  fd_transfer_popover_set_model (common->transfer_popover, common->model);
  on_model_changed_cb (common);
  on_model_status_cb (common);
  g_signal_connect (common->window, "notify::visible", G_CALLBACK (on_visible_changed_cb), NULL);
  common->tick_source = g_timeout_add_seconds (1, on_tick_cb, common);
}

void
fd_conversation_window_common_set_stores (FdConversationWindowCommon *common,
                                          FdDrafts                   *drafts,
                                          FdReplyCache               *reply_cache,
                                          FdRecentFiles              *recent_files)
{
  fd_conversation_model_set_stores (common->model, drafts, recent_files);
  g_set_object (&common->reply_cache, reply_cache);
  fd_reply_cache_tab_set_cache (common->reply_cache_tab, reply_cache);
  set_action_enabled (common, "add-reply-to-cache", reply_cache != NULL);
}

/* The tabs whose rows go into the reply (canned replies, resources, the
 * reply cache) call @on_payload_activated with @window, for as long as
 * @window lives. */
void
fd_conversation_window_common_connect_inserting (FdConversationWindowCommon *common,
                                                 GCallback                   on_payload_activated,
                                                 gpointer                    window)
{
  FdConversationPart *inserting[] = {
    FD_CONVERSATION_PART (common->canned_tab),
    FD_CONVERSATION_PART (common->resources_tab),
    FD_CONVERSATION_PART (common->reply_cache_tab),
  };

  for (guint i = 0; i < G_N_ELEMENTS (inserting); i++)
    g_signal_connect_object (inserting[i], "payload-activated", on_payload_activated, window, 0);
}

/* "<prefix>.add-reply-to-cache" for a window whose only source is its
 * compose box: @selection (taken; NULL when nothing is selected) goes
 * into the reply cache, and what went wrong into the status line. */
void
fd_conversation_window_common_add_reply_to_cache (FdConversationWindowCommon *common,
                                                  char                       *selection)
{
  g_autofree char *text = selection;
  g_autoptr(GError) error = NULL;

  if (common->reply_cache == NULL)
    return;
  if (text == NULL)
    g_set_error_literal (&error, FD_CACHE_ERROR, FD_CACHE_ERROR_EMPTY,
                         _("Select the text to add to the reply cache first."));
  else
    fd_reply_cache_add (common->reply_cache, text, &error);
  if (error != NULL)
    fd_conversation_model_report_error (common->model, error);
}

/* Called from the window's dispose, in place of gtk_widget_dispose_template(). */
void
fd_conversation_window_common_dispose (FdConversationWindowCommon *common,
                                       GType                       window_type)
{
  GtkWidget *window = common->window;

  g_clear_handle_id (&common->tick_source, g_source_remove);
  if (common->model != NULL)
    g_signal_handlers_disconnect_by_data (common->model, common);
  if (common->connection != NULL)
    g_signal_handlers_disconnect_by_data (common->connection, common);
  if (common->transfer_popover != NULL)
    gtk_widget_unparent (GTK_WIDGET (g_steal_pointer (&common->transfer_popover)));
  gtk_widget_dispose_template (window, window_type);
  g_clear_object (&common->model);
  g_clear_object (&common->connection);
  g_clear_object (&common->reply_cache);
}
