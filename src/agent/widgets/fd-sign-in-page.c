#define G_LOG_DOMAIN "fd-sign-in-page"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fd-accessible.h"
#include "fd-sign-in-page.h"

struct _FdSignInPage
{
  GtkWidget  parent_instance;

  AdwEntryRow *server_row;
  AdwEntryRow *email_row;
  AdwEntryRow *password_row;
  GtkLabel    *error_label;
  GtkSpinner  *spinner;
  GtkButton   *sign_in_button;
};

G_DEFINE_FINAL_TYPE (FdSignInPage, fd_sign_in_page, GTK_TYPE_WIDGET)

enum {
  SIGNAL_SUBMIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_sign_in_button_clicked_cb (FdSignInPage *self)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  g_autofree char *email = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_row))));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (*url == '\0' || *email == '\0' || *password == '\0')
    {
      fd_sign_in_page_set_error (self, _("Enter the server address, your email and your password."));
      return;
    }
  if (!g_str_has_prefix (url, "http://") && !g_str_has_prefix (url, "https://"))
    {
      fd_sign_in_page_set_error (self, _("The server address must start with http:// or https://."));
      return;
    }
  fd_sign_in_page_set_error (self, NULL);
  g_signal_emit (self, signals[SIGNAL_SUBMIT], 0, url, email, password);
}

static void
on_row_entry_activated_cb (FdSignInPage *self)
{
  if (gtk_widget_get_sensitive (GTK_WIDGET (self->sign_in_button)))
    on_sign_in_button_clicked_cb (self);
}

static void
fd_sign_in_page_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), FD_TYPE_SIGN_IN_PAGE);
  /* The template's unnamed root (the scrolled window) is ours to unparent. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (fd_sign_in_page_parent_class)->dispose (object);
}

static void
fd_sign_in_page_class_init (FdSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_sign_in_page_dispose;

  /* (url, email, password): the person pressed Sign In. */
  signals[SIGNAL_SUBMIT] =
    g_signal_new ("submit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/frontdeskcc/Frontdesk/ui/fd-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FdSignInPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, FdSignInPage, email_row);
  gtk_widget_class_bind_template_child (widget_class, FdSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, FdSignInPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, FdSignInPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, FdSignInPage, sign_in_button);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_row_entry_activated_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
fd_sign_in_page_init (FdSignInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* libadwaita 1.2's password row shows its text with a button that has
   * a tooltip but no accessible name: give it one. */
  fd_accessible_name_icon_buttons (GTK_WIDGET (self->password_row), "view-reveal-symbolic",
                                   _("Show or Hide the Password"));
}

GtkWidget *
fd_sign_in_page_new (void)
{
  return g_object_new (FD_TYPE_SIGN_IN_PAGE, NULL);
}

void
fd_sign_in_page_set_server_url (FdSignInPage *self,
                                const char   *url)
{
  g_return_if_fail (FD_IS_SIGN_IN_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url ? url : "");
}

void
fd_sign_in_page_set_email (FdSignInPage *self,
                           const char   *email)
{
  g_return_if_fail (FD_IS_SIGN_IN_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->email_row), email ? email : "");
}

void
fd_sign_in_page_set_error (FdSignInPage *self,
                           const char   *message)
{
  g_return_if_fail (FD_IS_SIGN_IN_PAGE (self));
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

const char *
fd_sign_in_page_get_error (FdSignInPage *self)
{
  g_return_val_if_fail (FD_IS_SIGN_IN_PAGE (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

void
fd_sign_in_page_set_busy (FdSignInPage *self,
                          gboolean      busy)
{
  g_return_if_fail (FD_IS_SIGN_IN_PAGE (self));
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !busy);
  if (!busy)
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
}

void
fd_sign_in_page_submit (FdSignInPage *self,
                        const char   *url,
                        const char   *email,
                        const char   *password)
{
  g_return_if_fail (FD_IS_SIGN_IN_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url ? url : "");
  gtk_editable_set_text (GTK_EDITABLE (self->email_row), email ? email : "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password ? password : "");
  /* Not gtk_widget_activate(): a mapped button emits "clicked" only after
   * its press animation, and callers expect the submission to be done. */
  if (gtk_widget_get_sensitive (GTK_WIDGET (self->sign_in_button)))
    on_sign_in_button_clicked_cb (self);
}
