#pragma once

/* Parsing a received mail (docs/email.md, "Parsing (MIME)").
 *
 * fd_mail_parse() turns the raw bytes of one mail, as IMAP delivers them,
 * into an FdMail: decoded addresses and subject, threading headers, a
 * dedupe key, the conversation token of the subject, the text to show an
 * agent, and the attachments and inline parts. Everything in an FdMail is
 * valid UTF-8 and is data, never markup. Whatever a limit cut is reported
 * in FdMail.over_limits, so that the caller keeps the raw mail.
 *
 * No global state: any thread may parse at the same time (GMime and libxml2
 * are initialized once, the first time). */

#include <glib.h>

G_BEGIN_DECLS

#define FD_MAIL_ERROR (fd_mail_error_quark ())
GQuark fd_mail_error_quark (void);

typedef enum {
  /* GMime could not make a message of the bytes at all (no header, or not
   * a mail): keep the raw bytes and flag the conversation. */
  FD_MAIL_ERROR_UNPARSABLE,
} FdMailError;

/* Bounds of one parse; 0 in a field stands for its default (FD_MAIL_DEFAULT_*). */
typedef struct {
  gsize max_message_bytes;  /* raw size; over it, only the header is parsed */
  gsize max_header_bytes;   /* the message's header block */
  gsize max_part_bytes;     /* each attachment or inline part, decoded */
  gsize max_text_bytes;     /* the text shown to the agent */
  guint max_parts;          /* attachments and inline parts kept */
  guint max_depth;          /* multipart nesting walked */
  guint max_references;     /* message ids kept of References */
} FdMailLimits;

#define FD_MAIL_DEFAULT_MAX_MESSAGE_BYTES (25 * 1024 * 1024)
#define FD_MAIL_DEFAULT_MAX_HEADER_BYTES  (256 * 1024)
#define FD_MAIL_DEFAULT_MAX_PART_BYTES    (20 * 1024 * 1024)
#define FD_MAIL_DEFAULT_MAX_TEXT_BYTES    (1024 * 1024)
#define FD_MAIL_DEFAULT_MAX_PARTS         100
#define FD_MAIL_DEFAULT_MAX_DEPTH         16
#define FD_MAIL_DEFAULT_MAX_REFERENCES    50

/* What a limit cut (flags of FdMail.over_limits). */
typedef enum {
  FD_MAIL_OVER_NONE          = 0,
  FD_MAIL_OVER_MESSAGE_BYTES = 1 << 0,  /* body not parsed at all */
  FD_MAIL_OVER_HEADER_BYTES  = 1 << 1,  /* header fields dropped */
  FD_MAIL_OVER_PART_BYTES    = 1 << 2,  /* a part kept without its bytes */
  FD_MAIL_OVER_TEXT_BYTES    = 1 << 3,  /* the text clipped */
  FD_MAIL_OVER_PARTS         = 1 << 4,  /* parts not kept */
  FD_MAIL_OVER_DEPTH         = 1 << 5,  /* nested parts not walked */
  FD_MAIL_OVER_REFERENCES    = 1 << 6,  /* References shortened */
} FdMailOverLimits;

typedef struct {
  char *name;     /* decoded display name, or NULL */
  char *address;  /* addr-spec as written (never decoded from the name) */
} FdMailAddress;

typedef enum {
  FD_MAIL_PART_ATTACHMENT,
  FD_MAIL_PART_INLINE,     /* shown in the body (an image of an HTML mail) */
} FdMailPartDisposition;

typedef struct {
  FdMailPartDisposition disposition;
  char   *filename;      /* decoded (RFC 2047 or 2231), or NULL */
  char   *content_type;  /* "image/png", lower case */
  char   *content_id;    /* without < >, or NULL */
  gsize   size;          /* decoded size, even when bytes is NULL */
  GBytes *bytes;         /* decoded content; NULL when over max_part_bytes */
} FdMailPart;

typedef struct {
  FdMailAddress *from;         /* the first From mailbox, or NULL */
  GPtrArray     *to;           /* of FdMailAddress */
  GPtrArray     *cc;           /* of FdMailAddress */
  GPtrArray     *reply_to;     /* of FdMailAddress */
  char          *subject;      /* decoded, one line; "" when none */
  GDateTime     *date;         /* NULL when missing or unreadable */
  char          *message_id;   /* without < >, or NULL */
  char          *in_reply_to;  /* the first id of In-Reply-To, or NULL */
  GPtrArray     *references;   /* of char *, in order, bounded */
  char          *dedupe_key;   /* 64 hex digits (see docs/email.md) */
  gint64         token;        /* the subject's [#1234], or 0 */
  char          *text;         /* the text for the agent, never NULL */
  gboolean       text_from_html;
  GPtrArray     *parts;        /* of FdMailPart, bounded by max_parts */
  guint          parts_dropped;  /* parts not kept (max_parts, max_depth) */
  FdMailOverLimits over_limits;

  /*< private >*/
  char          *auto_reason;  /* what marks it automatic, from its headers */
} FdMail;

void     fd_mail_limits_init      (FdMailLimits        *limits);

FdMail  *fd_mail_parse            (GBytes              *raw,
                                   const FdMailLimits  *limits,
                                   GError             **error);
void     fd_mail_free             (FdMail              *mail);

/* Loop protection: TRUE when @mail was sent by a program (an auto-reply, a
 * bounce, list mail) or by the stream itself (@own_addresses, NULL-ended,
 * may be NULL); such mail opens no conversation and is never answered.
 * *@reason (may be NULL) gets why, as a sentence for the log. */
gboolean fd_mail_is_automatic     (const FdMail        *mail,
                                   const char * const  *own_addresses,
                                   char               **reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdMail, fd_mail_free)

/* GMime and libxml2 have no lock of their own around their set-up: every
 * module of libfrontdesk-email calls this before using them (once per
 * process, from any thread). */
void           fd_mail_libraries_init (void);

G_END_DECLS
