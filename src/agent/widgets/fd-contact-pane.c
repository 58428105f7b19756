#define G_LOG_DOMAIN "fd-contact-pane"

#include <glib/gi18n.h>

#include "fd-contact-pane.h"
#include "fd-format.h"

struct _FdContactPane
{
  FdConversationPart   parent_instance;

  GtkLabel            *name_label;
  GtkLabel            *crm_label;
  GtkLabel            *on_file_label;
  GtkLabel            *handle_label;
  GtkButton           *email_button;
  GtkButton           *phone_button;
  GtkLabel            *verified_label;
  GtkLabel            *department_label;
  GtkLabel            *browser_label;
  GtkLabel            *ip_label;
  GtkLabel            *page_label;
};

G_DEFINE_FINAL_TYPE (FdContactPane, fd_contact_pane, FD_TYPE_CONVERSATION_PART)

void
fd_launch_uri (GtkWidget  *widget,
               const char *uri)
{
  g_autoptr(GAppLaunchContext) context =
    G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gtk_widget_get_display (widget)));

  /* GtkUriLauncher is GTK 4.10. */
  g_app_info_launch_default_for_uri_async (uri, context, NULL, NULL, NULL);
}

static const FdConversation *
conversation (FdContactPane *self)
{
  FdConversationModel *model = fd_conversation_part_get_model (FD_CONVERSATION_PART (self));

  return model != NULL ? fd_conversation_model_get_conversation (model) : NULL;
}

/* The address the visitor typed for this conversation, else the contact's. */
static const char *
shown_email (const FdConversation *conv)
{
  if (conv == NULL)
    return NULL;
  if (conv->visitor_email != NULL && *conv->visitor_email != '\0')
    return conv->visitor_email;
  return conv->contact != NULL ? conv->contact->email : NULL;
}

static void
launch_escaped (FdContactPane *self,
                const char    *scheme,
                const char    *value,
                const char    *allowed)
{
  g_autofree char *escaped = NULL;
  g_autofree char *uri = NULL;

  if (value == NULL)
    return;
  escaped = g_uri_escape_string (value, allowed, FALSE);
  uri = g_strconcat (scheme, escaped, NULL);
  fd_launch_uri (GTK_WIDGET (self), uri);
}

static void
on_email_button_clicked_cb (FdContactPane *self)
{
  launch_escaped (self, "mailto:", shown_email (conversation (self)), "@");
}

static void
on_phone_button_clicked_cb (FdContactPane *self)
{
  const FdConversation *conv = conversation (self);

  launch_escaped (self, "tel:", conv != NULL && conv->contact != NULL ? conv->contact->phone : NULL, "+");
}

static void
set_label (GtkLabel   *label,
           const char *text)
{
  /* Customer data: plain text, never markup. */
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

static void
set_link (GtkButton  *button,
          const char *text)
{
  gtk_button_set_label (button, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (button), text != NULL && *text != '\0');
}

static void
on_model_changed_cb (FdContactPane *self)
{
  FdConversationModel *model = fd_conversation_part_get_model (FD_CONVERSATION_PART (self));
  const FdConversation *conv = fd_conversation_model_get_conversation (model);
  const FdContact *who = conv != NULL ? conv->contact : NULL;
  g_autofree char *browser = NULL;
  g_autofree char *ip = NULL;
  g_autofree char *on_file = NULL;
  g_autofree char *crm = NULL;

  if (conv == NULL)
    return;
  /* The person in the chat is who they said they are for this
   * conversation; the contact on file is shown beside, never instead. */
  set_label (self->name_label, fd_format_visitor_name (conv) != NULL ? fd_format_visitor_name (conv) : _("Visitor"));
  /* The CRM's match (issue 15): "(Salesforce Lead) · Dixie Chicks Ltd". */
  if (who != NULL && who->crm_label != NULL && *who->crm_label != '\0')
    crm = who->crm_company != NULL && *who->crm_company != '\0'
        ? g_strdup_printf ("%s · %s", who->crm_label, who->crm_company) : g_strdup (who->crm_label);
  /* A tweet's customer: their @handle on X (issue 14). */
  set_label (self->handle_label, who != NULL ? who->twitter_handle : NULL);
  set_label (self->crm_label, crm);
  on_file = fd_format_on_file (conv);
  set_label (self->on_file_label, on_file);
  set_link (self->email_button, shown_email (conv));
  set_link (self->phone_button, who != NULL ? who->phone : NULL);
  set_label (self->verified_label, fd_format_address_note (conv));
  set_label (self->department_label, conv->department);
  browser = fd_format_browser (conv);
  set_label (self->browser_label, browser);
  if (conv->ip != NULL)
    ip = g_strdup_printf (_("IP: %s"), conv->ip);
  set_label (self->ip_label, ip);
  set_label (self->page_label, conv->page_url);
}

static void
fd_contact_pane_reload (FdConversationPart *part)
{
  fd_conversation_part_connect (part, "changed", G_CALLBACK (on_model_changed_cb));
  on_model_changed_cb (FD_CONTACT_PANE (part));
}

static void
fd_contact_pane_class_init (FdContactPaneClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  FD_CONVERSATION_PART_CLASS (klass)->reload = fd_contact_pane_reload;
  fd_conversation_part_class_set_template (widget_class, "fd-contact-pane", 0);
  gtk_widget_class_bind_template_child (widget_class, FdContactPane, name_label);
  gtk_widget_class_bind_template_child (widget_class, FdContactPane, crm_label);
  gtk_widget_class_bind_template_child (widget_class, FdContactPane, on_file_label);
  gtk_widget_class_bind_template_child (widget_class, FdContactPane, handle_label);
  gtk_widget_class_bind_template_child (widget_class, FdContactPane, email_button);
  gtk_widget_class_bind_template_child (widget_class, FdContactPane, phone_button);
  gtk_widget_class_bind_template_child (widget_class, FdContactPane, verified_label);
  gtk_widget_class_bind_template_child (widget_class, FdContactPane, department_label);
  gtk_widget_class_bind_template_child (widget_class, FdContactPane, browser_label);
  gtk_widget_class_bind_template_child (widget_class, FdContactPane, ip_label);
  gtk_widget_class_bind_template_child (widget_class, FdContactPane, page_label);
  gtk_widget_class_bind_template_callback (widget_class, on_email_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_phone_button_clicked_cb);
}

static void
fd_contact_pane_init (FdContactPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

const char *
fd_contact_pane_get_detail (FdContactPane *self,
                            const char    *name)
{
  g_return_val_if_fail (FD_IS_CONTACT_PANE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (g_str_equal (name, "name"))
    return gtk_label_get_text (self->name_label);
  if (g_str_equal (name, "on-file"))
    return gtk_label_get_text (self->on_file_label);
  if (g_str_equal (name, "verified"))
    return gtk_label_get_text (self->verified_label);
  if (g_str_equal (name, "handle"))
    return gtk_label_get_text (self->handle_label);
  if (g_str_equal (name, "email"))
    return gtk_button_get_label (self->email_button);
  if (g_str_equal (name, "phone"))
    return gtk_button_get_label (self->phone_button);
  if (g_str_equal (name, "department"))
    return gtk_label_get_text (self->department_label);
  if (g_str_equal (name, "browser"))
    return gtk_label_get_text (self->browser_label);
  if (g_str_equal (name, "ip"))
    return gtk_label_get_text (self->ip_label);
  if (g_str_equal (name, "page"))
    return gtk_label_get_text (self->page_label);
  return NULL;
}
