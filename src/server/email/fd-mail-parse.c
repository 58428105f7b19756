#define G_LOG_DOMAIN "fd-mail-parse"

/* fd_mail_parse(): the raw bytes of one mail read with GMime into an
 * FdMail. It holds the entry point and what it needs around GMime: the
 * libraries initialized once, the limits resolved, the mail bounded before
 * GMime reads it (header fields over the header bound dropped, a body over
 * the size bound or with more nesting than would be walked left unread),
 * and the walk of the MIME tree into the text a person wrote and the parts
 * kept as files. The header fields (fd-mail-headers.c) and the automatic
 * mail rules (fd-mail-automatic.c) are read by their own files. */

#include "fd-mail-parse.h"
#include "fd-mail-parse-private.h"

#include <string.h>

#include <gmime/gmime.h>
#include <libxml/parser.h>

#include "fd-mail-text.h"

G_DEFINE_QUARK (fd-mail-error-quark, fd_mail_error)

/* GMime 3.2 declares no cleanup functions of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)

typedef struct {
  FdMailLimits limits;
  FdMail *mail;
  GString *plain;
  GString *html;
} Walk;

static gpointer
init_libraries (gpointer data)
{
  g_mime_init ();
  xmlInitParser ();
  return NULL;
}

void
fd_mail_libraries_init (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_libraries, NULL);
}

void
fd_mail_limits_init (FdMailLimits *limits)
{
  g_return_if_fail (limits != NULL);

  limits->max_message_bytes = FD_MAIL_DEFAULT_MAX_MESSAGE_BYTES;
  limits->max_header_bytes = FD_MAIL_DEFAULT_MAX_HEADER_BYTES;
  limits->max_part_bytes = FD_MAIL_DEFAULT_MAX_PART_BYTES;
  limits->max_text_bytes = FD_MAIL_DEFAULT_MAX_TEXT_BYTES;
  limits->max_parts = FD_MAIL_DEFAULT_MAX_PARTS;
  limits->max_depth = FD_MAIL_DEFAULT_MAX_DEPTH;
  limits->max_references = FD_MAIL_DEFAULT_MAX_REFERENCES;
}

static void
resolve_limits (FdMailLimits       *out,
                const FdMailLimits *in)
{
  fd_mail_limits_init (out);
  if (in == NULL)
    return;
#define TAKE(field) if (in->field > 0) out->field = in->field
  TAKE (max_message_bytes);
  TAKE (max_header_bytes);
  TAKE (max_part_bytes);
  TAKE (max_text_bytes);
  TAKE (max_parts);
  TAKE (max_depth);
  TAKE (max_references);
#undef TAKE
}

static void
part_free (gpointer data)
{
  FdMailPart *part = data;

  g_free (part->filename);
  g_free (part->content_type);
  g_free (part->content_id);
  g_clear_pointer (&part->bytes, g_bytes_unref);
  g_free (part);
}

void
fd_mail_free (FdMail *mail)
{
  if (mail == NULL)
    return;
  mail_address_free (mail->from);
  g_ptr_array_unref (mail->to);
  g_ptr_array_unref (mail->cc);
  g_ptr_array_unref (mail->reply_to);
  g_free (mail->subject);
  g_clear_pointer (&mail->date, g_date_time_unref);
  g_free (mail->message_id);
  g_free (mail->in_reply_to);
  g_ptr_array_unref (mail->references);
  g_free (mail->dedupe_key);
  g_free (mail->text);
  g_ptr_array_unref (mail->parts);
  g_free (mail->auto_reason);
  g_free (mail);
}

/* The header block of @data without the fields that do not fit in
 * @max_header_bytes (each field kept if it fits, in order), then @body_len
 * bytes of the body. NULL when nothing was dropped and the body is whole. */
static GByteArray *
bounded_copy (const guint8 *data,
              gsize         len,
              gsize         max_header_bytes,
              gsize         body_len,
              gboolean     *dropped)
{
  gsize body = mail_find_body (data, len);
  GByteArray *out;
  gsize kept = 0;
  gsize field = 0;

  *dropped = FALSE;
  if (body <= max_header_bytes && body_len >= len - body)
    return NULL;

  out = g_byte_array_sized_new (MIN (body, max_header_bytes) + MIN (body_len, len - body) + 1);
  while (field < body)
    {
      gsize end = field;

      /* A field ends before the next line that does not start with a
       * space or a tab (a folded line belongs to its field). */
      do
        {
          const guint8 *nl = memchr (data + end, '\n', body - end);

          end = nl != NULL ? (gsize) (nl - data) + 1 : body;
        }
      while (end < body && (data[end] == ' ' || data[end] == '\t'));

      if (end == body && body < len)
        {
          /* The empty line itself. */
          g_byte_array_append (out, data + field, end - field);
          break;
        }
      if (kept + (end - field) <= max_header_bytes)
        {
          g_byte_array_append (out, data + field, end - field);
          kept += end - field;
        }
      else
        *dropped = TRUE;
      field = end;
    }
  if (body == len)
    g_byte_array_append (out, (const guint8 *) "\n", 1);
  g_byte_array_append (out, data + body, MIN (body_len, len - body));
  return out;
}

/* Counts where a part may hold parts ("multipart/…", "message/…"), an upper
 * bound of the nesting GMime's recursive parser would follow. */
static gsize
count_containers (const guint8 *data,
                  gsize         len)
{
  gsize n = 0;

  for (gsize i = 0; i < len; i++)
    {
      if (data[i] != 'm' && data[i] != 'M')
        continue;
      if ((len - i >= 9 && g_ascii_strncasecmp ((const char *) data + i, "multipart", 9) == 0) ||
          (len - i >= 8 && g_ascii_strncasecmp ((const char *) data + i, "message/", 8) == 0))
        n++;
    }
  return n;
}

static GBytes *
decoded_content (GMimePart *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  g_autoptr(GMimeStream) stream = NULL;
  GByteArray *array;

  if (content == NULL)
    return g_bytes_new (NULL, 0);
  stream = g_mime_stream_mem_new ();
  g_mime_data_wrapper_write_to_stream (content, stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (stream), FALSE);
  return g_byte_array_free_to_bytes (array);
}

static GBytes *
serialized_message (GMimeMessagePart *part)
{
  GMimeMessage *message = g_mime_message_part_get_message (part);
  g_autoptr(GMimeStream) stream = NULL;
  GByteArray *array;

  if (message == NULL)
    return g_bytes_new (NULL, 0);
  stream = g_mime_stream_mem_new ();
  g_mime_object_write_to_stream (GMIME_OBJECT (message), NULL, stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (stream), FALSE);
  return g_byte_array_free_to_bytes (array);
}

static gboolean
is_attachment (GMimeObject *object)
{
  const char *disposition = g_mime_object_get_disposition (object);

  return disposition != NULL && g_ascii_strcasecmp (disposition, "attachment") == 0;
}


/* A MIME type is two ASCII tokens (RFC 2045); anything else (bytes of
 * another charset, spaces, controls) is an unknown type. */
static gboolean
is_mime_type (const char *type)
{
  if (type == NULL || *type == '\0')
    return FALSE;
  for (const char *p = type; *p != '\0'; p++)
    if (!g_ascii_isgraph (*p))
      return FALSE;
  return strchr (type, '/') != NULL;
}

static void
add_part (Walk        *w,
          GMimeObject *object,
          GBytes      *bytes)
{
  FdMail *mail = w->mail;
  FdMailPart *part;
  g_autofree char *type = NULL;

  if (mail->parts->len >= w->limits.max_parts)
    {
      mail->over_limits |= FD_MAIL_OVER_PARTS;
      mail->parts_dropped++;
      return;
    }
  part = g_new0 (FdMailPart, 1);
  type = g_mime_content_type_get_mime_type (g_mime_object_get_content_type (object));
  part->content_type = g_ascii_strdown (is_mime_type (type) ? type : "application/octet-stream", -1);
  part->content_id = mail_clean_line (g_mime_object_get_content_id (object));
  if (GMIME_IS_PART (object))
    {
      /* A file name is a name, not a path: "../../x.jpg" is "x.jpg". */
      const char *name = g_mime_part_get_filename (GMIME_PART (object));
      const char *slash = name != NULL ? strrchr (name, '/') : NULL;
      const char *backslash = name != NULL ? strrchr (name, '\\') : NULL;

      if (slash != NULL || backslash != NULL)
        name = MAX (slash, backslash) + 1;
      part->filename = mail_clean_line (name);
    }
  part->disposition = !is_attachment (object) &&
                      (part->content_id != NULL ||
                       g_strcmp0 (g_mime_object_get_disposition (object), "inline") == 0)
                      ? FD_MAIL_PART_INLINE : FD_MAIL_PART_ATTACHMENT;
  part->size = g_bytes_get_size (bytes);
  if (part->size <= w->limits.max_part_bytes)
    part->bytes = g_bytes_ref (bytes);
  else
    mail->over_limits |= FD_MAIL_OVER_PART_BYTES;
  g_ptr_array_add (mail->parts, part);
}

static void
append_text (Walk       *w,
             GString    *into,
             const char *text)
{
  if (into->len > 0 && text[0] != '\0')
    g_string_append_c (into, '\n');
  g_string_append (into, text);
  if (into->len > w->limits.max_text_bytes)
    {
      mail_clip_utf8 (into, w->limits.max_text_bytes);
      w->mail->over_limits |= FD_MAIL_OVER_TEXT_BYTES;
    }
}

static void crlf_to_lf (char *text);

static void
walk_text_part (Walk      *w,
                GMimePart *part,
                gboolean   html)
{
  GMimeContentType *type = g_mime_object_get_content_type (GMIME_OBJECT (part));
  const char *charset = g_mime_content_type_get_parameter (type, "charset");
  g_autoptr(GBytes) bytes = decoded_content (part);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autofree char *text = NULL;

  if (html)
    {
      /* HTML is bulky: more than four times the text bound is not read. */
      gsize max = w->limits.max_text_bytes * 4;
      g_autofree char *utf8 = fd_mail_text_to_utf8 (data, MIN (len, max), charset);

      if (len > max)
        w->mail->over_limits |= FD_MAIL_OVER_TEXT_BYTES;
      text = fd_mail_text_from_html (utf8, strlen (utf8));
      append_text (w, w->html, text);
    }
  else
    {
      gsize max = w->limits.max_text_bytes + 1;
      g_autofree char *utf8 = fd_mail_text_to_utf8 (data, MIN (len, max), charset);
      const char *format = g_mime_content_type_get_parameter (type, "format");

      crlf_to_lf (utf8);
      if (len > max)
        w->mail->over_limits |= FD_MAIL_OVER_TEXT_BYTES;
      if (format != NULL && g_ascii_strcasecmp (format, "flowed") == 0)
        {
          const char *delsp = g_mime_content_type_get_parameter (type, "delsp");

          text = fd_mail_text_unflow (utf8, delsp != NULL && g_ascii_strcasecmp (delsp, "yes") == 0);
        }
      else
        text = g_steal_pointer (&utf8);
      append_text (w, w->plain, text);
    }
}

/* Line ends as LF, in place: IMAP serves CRLF, files hold LF. */
static void
crlf_to_lf (char *text)
{
  char *out = text;

  for (const char *p = text; *p != '\0'; p++)
    if (!(p[0] == '\r' && p[1] == '\n'))
      *out++ = *p;
  *out = '\0';
}

gboolean
mail_is_type (GMimeObject *object,
              const char  *type,
              const char  *subtype)
{
  return g_mime_content_type_is_type (g_mime_object_get_content_type (object), type, subtype);
}

static gboolean
is_body_text (GMimeObject *object)
{
  return GMIME_IS_PART (object) && !is_attachment (object) &&
         g_mime_part_get_filename (GMIME_PART (object)) == NULL &&
         (mail_is_type (object, "text", "plain") || mail_is_type (object, "text", "html"));
}

static void walk (Walk *w, GMimeObject *object, guint depth);

/* multipart/alternative: the text/plain alternative, else one that holds
 * parts (HTML with its images), else HTML, else the first. */
static GMimeObject *
best_alternative (GMimeMultipart *multipart)
{
  int n = g_mime_multipart_get_count (multipart);
  GMimeObject *html = NULL, *container = NULL;

  for (int i = 0; i < n; i++)
    {
      GMimeObject *child = g_mime_multipart_get_part (multipart, i);

      if (is_body_text (child) && mail_is_type (child, "text", "plain"))
        return child;
      if (GMIME_IS_MULTIPART (child) && container == NULL)
        container = child;
      if (is_body_text (child) && html == NULL)
        html = child;
    }
  if (container != NULL)
    return container;
  if (html != NULL)
    return html;
  return n > 0 ? g_mime_multipart_get_part (multipart, 0) : NULL;
}

static void
walk (Walk        *w,
      GMimeObject *object,
      guint        depth)
{
  if (object == NULL)
    return;
  if (depth > w->limits.max_depth)
    {
      w->mail->over_limits |= FD_MAIL_OVER_DEPTH;
      w->mail->parts_dropped++;
      return;
    }

  if (GMIME_IS_MULTIPART (object))
    {
      GMimeMultipart *multipart = GMIME_MULTIPART (object);
      int n = g_mime_multipart_get_count (multipart);

      /* Without a boundary (or with one never used), GMime keeps the whole
       * body as the prologue: it is the text a person wrote. */
      if (n == 0)
        {
          const char *prologue = g_mime_multipart_get_prologue (multipart);

          if (prologue != NULL)
            {
              g_autofree char *text = g_utf8_make_valid (prologue, -1);

              append_text (w, w->plain, text);
            }
          return;
        }
      if (mail_is_type (object, "multipart", "alternative"))
        {
          walk (w, best_alternative (multipart), depth + 1);
          return;
        }
      for (int i = 0; i < n; i++)
        walk (w, g_mime_multipart_get_part (multipart, i), depth + 1);
    }
  else if (GMIME_IS_MESSAGE_PART (object))
    {
      /* A forwarded or bounced mail is kept whole, as a file. */
      g_autoptr(GBytes) bytes = serialized_message (GMIME_MESSAGE_PART (object));

      add_part (w, object, bytes);
    }
  else if (is_body_text (object))
    walk_text_part (w, GMIME_PART (object), mail_is_type (object, "text", "html"));
  else if (GMIME_IS_PART (object))
    {
      g_autoptr(GBytes) bytes = decoded_content (GMIME_PART (object));

      add_part (w, object, bytes);
    }
}

static GMimeParserOptions *
parser_options (void)
{
  static const char *fallback[] = { "UTF-8", "windows-1252", NULL };
  GMimeParserOptions *options = g_mime_parser_options_new ();

  g_mime_parser_options_set_rfc2047_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_address_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_parameter_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_allow_addresses_without_domain (options, TRUE);
  g_mime_parser_options_set_fallback_charsets (options, fallback);
  return options;
}

FdMail *
fd_mail_parse (GBytes              *raw,
               const FdMailLimits  *limits,
               GError             **error)
{
  g_autoptr(FdMail) mail = NULL;
  g_autoptr(GByteArray) copy = NULL;
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  g_autoptr(GMimeMessage) message = NULL;
  g_autoptr(GString) plain = NULL;
  g_autoptr(GString) html = NULL;
  GMimeParserOptions *options;
  Walk w = { 0 };
  const guint8 *data;
  gsize len = 0, body_len, parse_len;
  const guint8 *parse_data;
  gboolean dropped = FALSE;

  g_return_val_if_fail (raw != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  fd_mail_libraries_init ();
  resolve_limits (&w.limits, limits);
  data = g_bytes_get_data (raw, &len);
  if (data == NULL)
    data = (const guint8 *) "";

  mail = g_new0 (FdMail, 1);
  mail->to = g_ptr_array_new_with_free_func (mail_address_free);
  mail->cc = g_ptr_array_new_with_free_func (mail_address_free);
  mail->reply_to = g_ptr_array_new_with_free_func (mail_address_free);
  mail->references = g_ptr_array_new_with_free_func (g_free);
  mail->parts = g_ptr_array_new_with_free_func (part_free);

  /* Over the size bound only the header is read: the conversation opens
   * with who wrote and about what, and the raw mail is kept. */
  body_len = len;
  if (len > w.limits.max_message_bytes)
    {
      body_len = 0;
      mail->over_limits |= FD_MAIL_OVER_MESSAGE_BYTES;
    }
  copy = bounded_copy (data, len, w.limits.max_header_bytes, body_len, &dropped);
  if (dropped)
    mail->over_limits |= FD_MAIL_OVER_HEADER_BYTES;
  parse_data = copy != NULL ? copy->data : data;
  parse_len = copy != NULL ? copy->len : len;

  /* GMime follows nested parts by recursion, without a bound of its own:
   * more places that may nest than the parts we would keep and the depth
   * we would walk, and the body is not read (the stack stays small). */
  if (count_containers (parse_data, parse_len) > 2 * (gsize) (w.limits.max_parts + w.limits.max_depth))
    {
      gsize body = mail_find_body (parse_data, parse_len);

      mail->over_limits |= FD_MAIL_OVER_PARTS | FD_MAIL_OVER_DEPTH;
      if (copy == NULL)
        {
          copy = g_byte_array_sized_new (body + 1);
          g_byte_array_append (copy, data, body);
        }
      else
        g_byte_array_set_size (copy, body);
      parse_data = copy->data;
      parse_len = copy->len;
      /* Its header alone may still name a multipart: no part is read. */
      if (count_containers (parse_data, parse_len) > 2 * (gsize) (w.limits.max_parts + w.limits.max_depth))
        {
          g_set_error (error, FD_MAIL_ERROR, FD_MAIL_ERROR_UNPARSABLE,
                       "The mail's header names more nested parts than can be read.");
          return NULL;
        }
    }

  options = parser_options ();
  stream = g_mime_stream_mem_new_with_buffer ((const char *) parse_data, parse_len);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  message = g_mime_parser_construct_message (parser, options);
  if (message == NULL ||
      g_mime_header_list_get_count (g_mime_object_get_header_list (GMIME_OBJECT (message))) == 0)
    {
      g_mime_parser_options_free (options);
      g_set_error (error, FD_MAIL_ERROR, FD_MAIL_ERROR_UNPARSABLE,
                   "The mail has no header that could be read; it is kept as it came.");
      return NULL;
    }

  mail_read_headers (mail, message, options, &w.limits);
  g_mime_parser_options_free (options);

  plain = g_string_new (NULL);
  html = g_string_new (NULL);
  w.mail = mail;
  w.plain = plain;
  w.html = html;
  if (!(mail->over_limits & FD_MAIL_OVER_MESSAGE_BYTES))
    walk (&w, g_mime_message_get_mime_part (message), 0);
  if (plain->len > 0 || html->len == 0)
    mail->text = g_string_free (g_steal_pointer (&plain), FALSE);
  else
    {
      mail->text = g_string_free (g_steal_pointer (&html), FALSE);
      mail->text_from_html = TRUE;
    }

  mail->dedupe_key = mail_dedupe_key (mail, data, len);
  mail->auto_reason = mail_automatic_reason (mail, GMIME_OBJECT (message));
  return g_steal_pointer (&mail);
}
