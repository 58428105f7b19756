#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FD_TYPE_SIGN_IN_PAGE (fd_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (FdSignInPage, fd_sign_in_page, FD, SIGN_IN_PAGE, GtkWidget)

/* The first-run page: server URL, email and password. It only collects
 * them: its "submit" signal (url, email, password) lets the window sign
 * in, and the window reports back with set_busy / set_error. */

GtkWidget  *fd_sign_in_page_new            (void);
void        fd_sign_in_page_set_server_url (FdSignInPage *self,
                                            const char   *url);
void        fd_sign_in_page_set_email      (FdSignInPage *self,
                                            const char   *email);
/* @message is a sentence shown on the page; NULL hides it. */
void        fd_sign_in_page_set_error      (FdSignInPage *self,
                                            const char   *message);
const char *fd_sign_in_page_get_error      (FdSignInPage *self);
void        fd_sign_in_page_set_busy       (FdSignInPage *self,
                                            gboolean      busy);
/* Fills the fields and submits as a person pressing Sign In would (tests
 * and accessibility tools). */
void        fd_sign_in_page_submit         (FdSignInPage *self,
                                            const char   *url,
                                            const char   *email,
                                            const char   *password);

G_END_DECLS
