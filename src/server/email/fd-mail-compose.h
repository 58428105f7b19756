#pragma once

/* The agent's reply to an email conversation, built with GMime as one
 * RFC 5322 message ready for SMTP (CRLF line endings): From the stream's
 * address, To the customer, "Re: <subject> [#<conversation>]", a Message-ID
 * on the server's domain, In-Reply-To and References that keep the thread,
 * the agent's text with the quoted original below, and attachments.
 *
 * Every one-line field is checked: CR or LF anywhere refuses the reply with
 * FD_MAIL_COMPOSE_ERROR_HEADER_INJECTION, so customer text can never add a
 * header. Pure and thread-safe (GMime is initialized once, on first use).
 * The rules are written down in docs/email.md, "Sending (SMTP)". */

#include <glib.h>

G_BEGIN_DECLS

#define FD_MAIL_COMPOSE_ERROR (fd_mail_compose_error_quark ())

typedef enum {
  FD_MAIL_COMPOSE_ERROR_INVALID,           /* a missing field, a bad address or Message-ID */
  FD_MAIL_COMPOSE_ERROR_HEADER_INJECTION,  /* CR or LF in a one-line field */
} FdMailComposeError;

GQuark fd_mail_compose_error_quark (void);

/* At most this many Message-IDs in References: the first one (the thread's
 * root) and the most recent ones (RFC 5322 3.6.4, RFC 5537 3.4.4). */
#define FD_MAIL_REFERENCES_MAX 20

typedef struct {
  const char *filename;      /* UTF-8, shown to the customer; required */
  const char *content_type;  /* "type/subtype"; NULL = application/octet-stream */
  GBytes     *data;          /* required */
} FdMailAttachment;

typedef struct {
  /* Envelope of the reply. */
  const char *from_address;  /* the stream's address; required */
  const char *from_name;     /* the stream's display name; NULL = none */
  const char *to_address;    /* the customer; required */
  const char *to_name;       /* NULL = none */

  /* Message-ID of this reply with or without <>. NULL = a new one on
   * `domain`; the outbox passes the one it stored (fd_mail_message_id_new())
   * so that a reply sent again after a crash keeps its Message-ID. */
  const char *message_id;
  const char *domain;        /* the server's domain, for a new Message-ID */
  GDateTime  *date;          /* NULL = now */

  /* Threading, from the customer's mail that is being answered. */
  const char *subject;       /* the customer's subject; NULL = empty */
  gint64      conversation;  /* the token "[#<conversation>]"; <= 0 = none */
  const char *in_reply_to;   /* the customer's Message-ID; NULL = none */
  const char * const *references;  /* the customer's References, oldest first, NULL-terminated; may be NULL */

  /* Body: the agent's text, then "On <date>, <name> wrote:" and the
   * customer's text with "> " before every line. */
  const char *text;          /* required, UTF-8 */
  const char *quoted_text;   /* NULL = nothing quoted */
  const char *quoted_name;   /* NULL = to_name, or to_address */
  GDateTime  *quoted_date;   /* NULL = no date in the attribution line */

  const FdMailAttachment *attachments;
  guint       n_attachments;
  /* What the agent chose (send-message's to, cc, subject), each checked by
   * fd_mail_mailbox_parse(): further To mailboxes after to_address, and
   * Cc, NULL-terminated (may be NULL); the whole subject line as sent
   * (NULL = fd_mail_reply_subject (subject, conversation)). */
  const char * const *more_to;
  const char * const *cc;
  const char *subject_line;
} FdMailReply;

/* One mailbox as a person writes it ("Ada <ada@example.com>" or
 * "ada@example.com"), parsed by GMime: exactly one mailbox whose address
 * is plain (fd_mail_address_is_plain()), no line break. @name is NULL when
 * there is none. FD_MAIL_COMPOSE_ERROR_INVALID with a sentence otherwise. */
gboolean fd_mail_mailbox_parse  (const char  *text,
                                 char       **name,
                                 char       **address,
                                 GError     **error);
/* The mailbox written back as one string, "Name <address>" (the name
 * quoted when it needs it, UTF-8, not encoded) or "address". */
char    *fd_mail_mailbox_format (const char  *name,
                                 const char  *address);
/* @subject with the token " [#<conversation>]" added when it lacks it. */
char    *fd_mail_subject_with_token (const char *subject,
                                     gint64      conversation);

/* An addr-spec "local@domain" of printable ASCII without the characters
 * that would need quoting (no spaces, brackets, quotes, CR or LF): what the
 * stream's and the customers' addresses are in practice. Anything else is
 * refused rather than guessed at. */
gboolean fd_mail_address_is_plain (const char *address);

/* A new Message-ID "<random@domain>" (with the angle brackets), unique:
 * 128 random bits. NULL when domain is not a plain host name. */
char   *fd_mail_message_id_new (const char *domain);

/* "Re: <subject> [#<conversation>]": one "Re:" however many the customer's
 * client stacked ("Re: RE: Aw:" …), and the token once. */
char   *fd_mail_reply_subject  (const char *subject,
                                gint64      conversation);

/* The whole message with CRLF line endings, ready for fd_smtp_send(). */
GBytes *fd_mail_compose_reply  (const FdMailReply *reply,
                                GError           **error);

G_END_DECLS
