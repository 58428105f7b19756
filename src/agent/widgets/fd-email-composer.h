#pragma once

#include "fd-conversation-part.h"
#include "fd-recent-files.h"

G_BEGIN_DECLS

/* The Email window's reply area (docs/app.md, "The Email window"): To, Cc
 * and Subject (prefilled for a reply, editable, checked as typed: error
 * styling and a sentence), the text (placeholder "Click here to start
 * typing your reply"; a draft kept like the Web Chat's), and the files
 * attached so far, each uploaded at once and removable until sent. */

#define FD_TYPE_EMAIL_COMPOSER (fd_email_composer_get_type ())
G_DECLARE_FINAL_TYPE (FdEmailComposer, fd_email_composer, FD, EMAIL_COMPOSER, FdConversationPart)

/* Fills empty To and Subject from the conversation ("Re: subject", the
 * customer's address); nothing once the agent changed them. */
void          fd_email_composer_prefill         (FdEmailComposer *self);
/* Puts the kept draft back when the text is empty. */
void          fd_email_composer_restore_draft   (FdEmailComposer *self);
/* Whether the reply can be sent; @error says why not. */
gboolean      fd_email_composer_check           (FdEmailComposer *self,
                                                 GError         **error);
/* Sends the reply when it can be and clears the text and attachments;
 * otherwise shows why in the reply area and returns FALSE. */
gboolean      fd_email_composer_send            (FdEmailComposer *self);
/* Uploads @file and lists it (refused with a sentence before reserving,
 * over 10 MB, or when it is no file). @recent_files keeps its path. */
void          fd_email_composer_attach_file     (FdEmailComposer *self,
                                                 GFile           *file,
                                                 FdRecentFiles   *recent_files);
void          fd_email_composer_insert          (FdEmailComposer *self,
                                                 const char      *text);
char         *fd_email_composer_dup_text        (FdEmailComposer *self);
char         *fd_email_composer_dup_selection   (FdEmailComposer *self);
/* The attachments uploaded and not removed (FdAttachment*). */
GPtrArray    *fd_email_composer_get_attachments (FdEmailComposer *self);
guint         fd_email_composer_get_n_uploading (FdEmailComposer *self);
/* The sentence under the fields, "" when none. */
const char   *fd_email_composer_get_error       (FdEmailComposer *self);
GtkTextView  *fd_email_composer_get_view        (FdEmailComposer *self);
GtkEditable  *fd_email_composer_get_to          (FdEmailComposer *self);
GtkEditable  *fd_email_composer_get_cc          (FdEmailComposer *self);
GtkEditable  *fd_email_composer_get_subject     (FdEmailComposer *self);
GtkWidget    *fd_email_composer_get_placeholder (FdEmailComposer *self);

/* Checks an address field as fd_format_parse_addresses() reads it
 * ("a@b.example, Name <c@d.example>"); @required: at least one. FALSE
 * with a sentence naming the first bad one. */
gboolean      fd_email_composer_check_addresses (const char      *text,
                                                 gboolean         required,
                                                 GError         **error);

G_END_DECLS
