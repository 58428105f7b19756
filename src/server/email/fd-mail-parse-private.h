#pragma once

/* Shared by the MIME parser's own files only: fd-mail-parse.c (the entry
 * point, the bounds, the MIME walk), fd-mail-headers.c (the header fields,
 * the dedupe key) and fd-mail-automatic.c (loop protection). */

#include "fd-mail-parse.h"

#include <gmime/gmime.h>

G_BEGIN_DECLS

/* fd-mail-headers.c */
void      mail_address_free     (gpointer            data);
void      mail_clip_utf8        (GString            *s,
                                 gsize               max);
char     *mail_clean_line       (const char         *text);
gsize     mail_find_body        (const guint8       *data,
                                 gsize               len);
char     *mail_dedupe_key       (FdMail             *mail,
                                 const guint8       *raw,
                                 gsize               len);
/* Addresses, subject, date, ids, references and token of @message. */
void      mail_read_headers     (FdMail             *mail,
                                 GMimeMessage       *message,
                                 GMimeParserOptions *options,
                                 const FdMailLimits *limits);

/* fd-mail-parse.c */
gboolean  mail_is_type          (GMimeObject        *object,
                                 const char         *type,
                                 const char         *subtype);

/* fd-mail-automatic.c */
/* Why @message is automatic mail by its own headers, or NULL. */
char     *mail_automatic_reason (FdMail             *mail,
                                 GMimeObject        *message);

G_END_DECLS
