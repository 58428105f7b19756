#define G_LOG_DOMAIN "fd-mail-parse"

#include "fd-mail-parse.h"

#include <string.h>

#include <gmime/gmime.h>
#include <libxml/parser.h>

#include "fd-mail-text.h"

G_DEFINE_QUARK (fd-mail-error-quark, fd_mail_error)

/* GMime 3.2 declares no cleanup functions of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)

/* One-line fields (subject, names, ids, file names) are clipped here: RFC
 * 5322 allows 998 characters a line, and nothing longer is worth a column. */
#define MAX_FIELD_BYTES 998
/* Addresses kept of each of To, Cc and Reply-To. */
#define MAX_ADDRESSES 200
/* The fallback dedupe key reads this much of the body. */
#define DEDUPE_BODY_BYTES 1024

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
address_free (gpointer data)
{
  FdMailAddress *address = data;

  if (address == NULL)
    return;
  g_free (address->name);
  g_free (address->address);
  g_free (address);
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
  address_free (mail->from);
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

/* Cuts @s (valid UTF-8) to at most @max bytes, on a character boundary. */
static void
clip_utf8 (GString *s,
           gsize    max)
{
  const char *end;

  if (s->len <= max)
    return;
  end = s->str + max;
  /* Back to the start of the character that would be cut. */
  while (end > s->str && ((guchar) *end & 0xc0) == 0x80)
    end--;
  g_string_truncate (s, end - s->str);
}

/* A one-line field of a person's choosing as safe data: valid UTF-8,
 * control characters (line breaks, NUL, escapes) as spaces, spaces
 * collapsed and trimmed, clipped. NULL or "" gives NULL. */
static char *
clean_line (const char *text)
{
  g_autofree char *valid = NULL;
  g_autoptr(GString) out = NULL;
  gboolean space = FALSE;

  if (text == NULL)
    return NULL;
  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c) ||
          (g_unichar_type (c) == G_UNICODE_FORMAT && c != 0x200d))
        {
          space = out->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_unichar (out, c);
    }
  clip_utf8 (out, MAX_FIELD_BYTES);
  if (out->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
add_addresses (GPtrArray           *into,
               InternetAddressList *list,
               guint                depth)
{
  int n;

  if (list == NULL)
    return;
  n = internet_address_list_length (list);
  for (int i = 0; i < n && into->len < MAX_ADDRESSES; i++)
    {
      InternetAddress *ia = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_GROUP (ia))
        {
          /* Groups cannot nest (RFC 5322); GMime's loose parser may still. */
          if (depth == 0)
            add_addresses (into, internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)), 1);
        }
      else if (INTERNET_ADDRESS_IS_MAILBOX (ia))
        {
          g_autofree char *addr = clean_line (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)));
          FdMailAddress *address;

          if (addr == NULL)
            continue;
          address = g_new0 (FdMailAddress, 1);
          address->name = clean_line (internet_address_get_name (ia));
          address->address = g_steal_pointer (&addr);
          g_ptr_array_add (into, address);
        }
    }
}

static const char *
header_value (GMimeObject *object,
              const char  *name)
{
  GMimeHeader *header = g_mime_header_list_get_header (g_mime_object_get_header_list (object), name);

  return header != NULL ? g_mime_header_get_value (header) : NULL;
}

static const char *
header_raw_value (GMimeObject *object,
                  const char  *name)
{
  GMimeHeader *header = g_mime_header_list_get_header (g_mime_object_get_header_list (object), name);

  return header != NULL ? g_mime_header_get_raw_value (header) : NULL;
}

static void
read_references (FdMail              *mail,
                 GMimeObject         *message,
                 GMimeParserOptions  *options,
                 const FdMailLimits  *limits)
{
  const char *raw;
  GMimeReferences *refs;
  int n;

  raw = header_raw_value (message, "In-Reply-To");
  if (raw != NULL && (refs = g_mime_references_parse (options, raw)) != NULL)
    {
      if (g_mime_references_length (refs) > 0)
        mail->in_reply_to = clean_line (g_mime_references_get_message_id (refs, 0));
      g_mime_references_free (refs);
    }

  raw = header_raw_value (message, "References");
  if (raw == NULL || (refs = g_mime_references_parse (options, raw)) == NULL)
    return;
  n = g_mime_references_length (refs);
  for (int i = 0; i < n; i++)
    {
      /* Over the bound, the first id (the thread's root) and the last ones
       * (the nearest parents) are kept, as RFC 5322 advises trimming. */
      if ((guint) n > limits->max_references && i > 0 &&
          (guint) (n - i) >= limits->max_references)
        continue;
      char *id = clean_line (g_mime_references_get_message_id (refs, i));
      if (id != NULL)
        g_ptr_array_add (mail->references, id);
    }
  if ((guint) n > limits->max_references)
    mail->over_limits |= FD_MAIL_OVER_REFERENCES;
  g_mime_references_free (refs);
}

/* The first "[#digits]" of the subject. */
static gint64
find_token (const char *subject)
{
  for (const char *p = strstr (subject, "[#"); p != NULL; p = strstr (p + 1, "[#"))
    {
      const char *q = p + 2;
      gint64 value = 0;
      guint digits = 0;

      while (g_ascii_isdigit (*q) && digits < 18)
        {
          value = value * 10 + (*q - '0');
          q++;
          digits++;
        }
      if (digits > 0 && *q == ']' && value > 0)
        return value;
    }
  return 0;
}

/* Offset of the body: after the first empty line, or the end. */
static gsize
find_body (const guint8 *data,
           gsize         len)
{
  gsize line = 0;

  for (gsize i = 0; i < len; i++)
    {
      if (data[i] != '\n')
        continue;
      if (i == line || (i == line + 1 && data[line] == '\r'))
        return i + 1;
      line = i + 1;
    }
  return len;
}

static char *
dedupe_key (FdMail       *mail,
            const guint8 *raw,
            gsize         len)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  if (mail->message_id != NULL)
    {
      /* The local part is case-sensitive, the domain is not. */
      g_autofree char *id = g_strdup (mail->message_id);
      char *at = strrchr (id, '@');

      if (at != NULL)
        {
          g_autofree char *domain = g_ascii_strdown (at + 1, -1);
          memcpy (at + 1, domain, strlen (domain));
        }
      g_checksum_update (sum, (const guchar *) "message-id\n", -1);
      g_checksum_update (sum, (const guchar *) id, -1);
    }
  else
    {
      g_autofree char *date = mail->date != NULL ? g_date_time_format_iso8601 (mail->date) : NULL;
      g_autofree char *from = mail->from != NULL ? g_ascii_strdown (mail->from->address, -1) : NULL;
      gsize body = find_body (raw, len);
      gsize taken = 0;

      g_checksum_update (sum, (const guchar *) "no-message-id\n", -1);
      g_checksum_update (sum, (const guchar *) (date != NULL ? date : ""), -1);
      g_checksum_update (sum, (const guchar *) "\n", 1);
      g_checksum_update (sum, (const guchar *) (from != NULL ? from : ""), -1);
      g_checksum_update (sum, (const guchar *) "\n", 1);
      g_checksum_update (sum, (const guchar *) mail->subject, -1);
      g_checksum_update (sum, (const guchar *) "\n", 1);
      /* Line ends as LF: the same mail read twice may differ only there. */
      for (gsize i = body; i < len && taken < DEDUPE_BODY_BYTES; i++)
        {
          if (raw[i] == '\r' && i + 1 < len && raw[i + 1] == '\n')
            continue;
          g_checksum_update (sum, raw + i, 1);
          taken++;
        }
    }
  return g_strdup (g_checksum_get_string (sum));
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
  gsize body = find_body (data, len);
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
  part->content_type = g_ascii_strdown (type != NULL ? type : "application/octet-stream", -1);
  part->content_id = clean_line (g_mime_object_get_content_id (object));
  if (GMIME_IS_PART (object))
    {
      /* A file name is a name, not a path: "../../x.jpg" is "x.jpg". */
      const char *name = g_mime_part_get_filename (GMIME_PART (object));
      const char *slash = name != NULL ? strrchr (name, '/') : NULL;
      const char *backslash = name != NULL ? strrchr (name, '\\') : NULL;

      if (slash != NULL || backslash != NULL)
        name = MAX (slash, backslash) + 1;
      part->filename = clean_line (name);
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
      clip_utf8 (into, w->limits.max_text_bytes);
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

static gboolean
is_type (GMimeObject *object,
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
         (is_type (object, "text", "plain") || is_type (object, "text", "html"));
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

      if (is_body_text (child) && is_type (child, "text", "plain"))
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
      if (is_type (object, "multipart", "alternative"))
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
    walk_text_part (w, GMIME_PART (object), is_type (object, "text", "html"));
  else if (GMIME_IS_PART (object))
    {
      g_autoptr(GBytes) bytes = decoded_content (GMIME_PART (object));

      add_part (w, object, bytes);
    }
}

static gboolean
has_header (GMimeObject *object,
            const char  *name)
{
  return g_mime_header_list_contains (g_mime_object_get_header_list (object), name);
}

/* The first word of a header's value ("auto-replied; x=y" → "auto-replied"). */
static char *
header_word (GMimeObject *object,
             const char  *name)
{
  const char *value = header_value (object, name);
  g_autofree char *line = clean_line (value);
  char *end;

  if (line == NULL)
    return NULL;
  end = line + strcspn (line, " ;(");
  *end = '\0';
  return g_ascii_strdown (line, -1);
}

static char *
automatic_reason (FdMail      *mail,
                  GMimeObject *message)
{
  g_autofree char *auto_submitted = header_word (message, "Auto-Submitted");
  g_autofree char *precedence = header_word (message, "Precedence");
  const char *return_path = header_value (message, "Return-Path");
  GMimeObject *body = g_mime_message_get_mime_part (GMIME_MESSAGE (message));

  if (auto_submitted != NULL && strcmp (auto_submitted, "no") != 0)
    return g_strdup_printf ("Auto-Submitted: %s", auto_submitted);
  if (has_header (message, "X-Autoreply"))
    return g_strdup ("X-Autoreply");
  if (has_header (message, "X-Autorespond"))
    return g_strdup ("X-Autorespond");
  if (precedence != NULL &&
      (strcmp (precedence, "bulk") == 0 || strcmp (precedence, "list") == 0 ||
       strcmp (precedence, "junk") == 0 || strcmp (precedence, "auto_reply") == 0))
    return g_strdup_printf ("Precedence: %s", precedence);
  if (has_header (message, "List-Id"))
    return g_strdup ("List-Id (list mail)");
  if (has_header (message, "List-Unsubscribe"))
    return g_strdup ("List-Unsubscribe (list mail)");
  if (return_path != NULL)
    {
      g_autoptr(GString) bare = g_string_new (NULL);

      for (const char *p = return_path; *p != '\0'; p++)
        if (!g_ascii_isspace (*p))
          g_string_append_c (bare, *p);
      if (strcmp (bare->str, "<>") == 0)
        return g_strdup ("Return-Path <> (a bounce)");
    }
  if (body != NULL && is_type (body, "multipart", "report"))
    return g_strdup ("multipart/report (a bounce or delivery report)");
  if (mail->from != NULL)
    {
      g_autofree char *local = g_ascii_strdown (mail->from->address, -1);
      char *at = strchr (local, '@');

      if (at != NULL)
        *at = '\0';
      if (strcmp (local, "mailer-daemon") == 0 || strcmp (local, "postmaster") == 0)
        return g_strdup_printf ("From %s (a mail server)", mail->from->address);
    }
  return NULL;
}

gboolean
fd_mail_is_automatic (const FdMail       *mail,
                      const char * const *own_addresses,
                      char              **reason)
{
  g_return_val_if_fail (mail != NULL, FALSE);
  g_return_val_if_fail (reason == NULL || *reason == NULL, FALSE);

  if (mail->auto_reason != NULL)
    {
      if (reason != NULL)
        *reason = g_strdup (mail->auto_reason);
      return TRUE;
    }
  for (guint i = 0; mail->from != NULL && own_addresses != NULL && own_addresses[i] != NULL; i++)
    if (g_ascii_strcasecmp (mail->from->address, own_addresses[i]) == 0)
      {
        if (reason != NULL)
          *reason = g_strdup_printf ("From %s, the stream's own address", mail->from->address);
        return TRUE;
      }
  return FALSE;
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

static void
read_headers (FdMail             *mail,
              GMimeMessage       *message,
              GMimeParserOptions *options,
              const FdMailLimits *limits)
{
  g_autoptr(GPtrArray) from = g_ptr_array_new_with_free_func (address_free);
  g_autofree char *subject = NULL;
  GDateTime *date;

  add_addresses (from, g_mime_message_get_from (message), 0);
  if (from->len > 0)
    mail->from = g_ptr_array_steal_index (from, 0);
  add_addresses (mail->to, g_mime_message_get_to (message), 0);
  add_addresses (mail->cc, g_mime_message_get_cc (message), 0);
  add_addresses (mail->reply_to, g_mime_message_get_reply_to (message), 0);

  subject = clean_line (g_mime_message_get_subject (message));
  mail->subject = subject != NULL ? g_steal_pointer (&subject) : g_strdup ("");
  date = g_mime_message_get_date (message);
  mail->date = date != NULL ? g_date_time_ref (date) : NULL;
  mail->message_id = clean_line (g_mime_message_get_message_id (message));
  if (mail->message_id != NULL && strchr (mail->message_id, ' ') != NULL)
    g_clear_pointer (&mail->message_id, g_free);
  read_references (mail, GMIME_OBJECT (message), options, limits);
  mail->token = find_token (mail->subject);
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
  mail->to = g_ptr_array_new_with_free_func (address_free);
  mail->cc = g_ptr_array_new_with_free_func (address_free);
  mail->reply_to = g_ptr_array_new_with_free_func (address_free);
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
      gsize body = find_body (parse_data, parse_len);

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

  read_headers (mail, message, options, &w.limits);
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

  mail->dedupe_key = dedupe_key (mail, data, len);
  mail->auto_reason = automatic_reason (mail, GMIME_OBJECT (message));
  return g_steal_pointer (&mail);
}
