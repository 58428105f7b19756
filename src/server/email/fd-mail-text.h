#pragma once

/* The text of a received mail (docs/email.md, "Parsing (MIME)"): charsets
 * to UTF-8, format=flowed joined, HTML turned into plain text. Every result
 * is valid UTF-8, to be shown as data, never as markup. */

#include <glib.h>

G_BEGIN_DECLS

/* @data in @charset (NULL: UTF-8) as UTF-8; bytes that are invalid in the
 * charset, or a charset iconv does not know, give U+FFFD, never a failure. */
char *fd_mail_text_to_utf8   (const guint8 *data,
                              gsize         len,
                              const char   *charset);

/* Joins the soft line breaks of a text/plain; format=flowed body (RFC 3676)
 * and removes space-stuffing; quoted lines keep their '>' depth. */
char *fd_mail_text_unflow    (const char   *text,
                              gboolean      delsp);

/* Plain text of the HTML @html (UTF-8): scripts, styles and what cannot be
 * shown as text dropped; entities decoded; links as "text <url>" for http,
 * https and mailto only; images as their alt text. Nothing is loaded. */
char *fd_mail_text_from_html (const char   *html,
                              gsize         len);

G_END_DECLS
