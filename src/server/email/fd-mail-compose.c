#define G_LOG_DOMAIN "fd-mail-compose"

#include "fd-mail-compose.h"
#include "fd-mail-parse.h"

#include <gmime/gmime.h>
#include <sodium.h>
#include <string.h>

G_DEFINE_QUARK (fd-mail-compose-error-quark, fd_mail_compose_error)

/* GMime 3.2 declares no g_autoptr() cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeObject, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimePart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMultipart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeDataWrapper, g_object_unref)

/* RFC 5322 2.1.1: a header line is at most 998 octets; an address (RFC 5321
 * 4.5.3.1) at most 254, and a Message-ID is far shorter in practice. */
#define ADDRESS_MAX     254
#define MESSAGE_ID_MAX  250
#define DOMAIN_MAX      253
#define FIELD_MAX       998

/* The checks every one-line field gets: CR or LF anywhere is an attempt to
 * add a header (or a broken client); other control characters have no
 * business in a header either. */
static gboolean
check_field (const char  *what,
             const char  *value,
             GError     **error)
{
  if (strpbrk (value, "\r\n") != NULL)
    {
      g_set_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_HEADER_INJECTION,
                   "The reply's %s contains a line break; a header must be one line.", what);
      return FALSE;
    }
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID,
                   "The reply's %s is not valid UTF-8.", what);
      return FALSE;
    }
  if (strlen (value) > FIELD_MAX)
    {
      g_set_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID,
                   "The reply's %s is longer than %d bytes.", what, FIELD_MAX);
      return FALSE;
    }
  for (const char *p = value; *p != '\0'; p++)
    {
      if ((guchar) *p < 0x20 && *p != '\t')
        {
          g_set_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID,
                       "The reply's %s contains a control character.", what);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
fd_mail_address_is_plain (const char *address)
{
  const char *at;

  if (address == NULL)
    return FALSE;
  at = strrchr (address, '@');
  if (at == NULL || at == address || at[1] == '\0' || strlen (address) > ADDRESS_MAX)
    return FALSE;
  if (strchr (address, '@') != at)
    return FALSE;
  for (const char *p = address; *p != '\0'; p++)
    {
      if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f || strchr ("<>()[]\\,;:\"", *p) != NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_address (const char  *what,
               const char  *address,
               GError     **error)
{
  if (address == NULL || *address == '\0')
    {
      g_set_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID,
                   "The reply has no %s.", what);
      return FALSE;
    }
  if (!check_field (what, address, error))
    return FALSE;
  if (!fd_mail_address_is_plain (address))
    {
      g_set_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID,
                   "The reply's %s is not a plain email address (local@domain).", what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_domain (const char *domain)
{
  gsize len;

  if (domain == NULL)
    return FALSE;
  len = strlen (domain);
  if (len == 0 || len > DOMAIN_MAX || domain[0] == '.' || domain[0] == '-')
    return FALSE;
  for (const char *p = domain; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-')
        return FALSE;
    }
  return TRUE;
}

/* A Message-ID with or without its angle brackets, returned without them:
 * printable ASCII, no spaces and no brackets inside. */
static char *
normalize_message_id (const char  *what,
                      const char  *value,
                      GError     **error)
{
  const char *start = value;
  gsize len;

  if (!check_field (what, value, error))
    return NULL;

  len = strlen (value);
  if (len >= 2 && value[0] == '<' && value[len - 1] == '>')
    {
      start = value + 1;
      len -= 2;
    }
  if (len == 0 || len > MESSAGE_ID_MAX)
    goto invalid;
  for (gsize i = 0; i < len; i++)
    {
      if ((guchar) start[i] <= 0x20 || (guchar) start[i] >= 0x7f || start[i] == '<' || start[i] == '>')
        goto invalid;
    }
  return g_strndup (start, len);

invalid:
  g_set_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID,
               "The reply's %s is not a Message-ID.", what);
  return NULL;
}

char *
fd_mail_message_id_new (const char *domain)
{
  guchar random[16];
  char hex[sizeof random * 2 + 1];

  if (!is_domain (domain))
    return NULL;

  /* sodium_init() is thread-safe and idempotent. */
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialized");
  randombytes_buf (random, sizeof random);
  sodium_bin2hex (hex, sizeof hex, random, sizeof random);
  return g_strdup_printf ("<%s@%s>", hex, domain);
}

/* Length of one reply prefix ("Re:", "RE[2]:", "Aw:", "Sv:") at the start
 * of s, 0 when there is none. */
static gsize
reply_prefix_length (const char *s)
{
  static const char * const prefixes[] = { "re", "aw", "sv" };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      gsize n = strlen (prefixes[i]);
      const char *p = s + n;

      if (g_ascii_strncasecmp (s, prefixes[i], n) != 0)
        continue;
      if (*p == '[' || *p == '(')
        {
          char close = *p == '[' ? ']' : ')';

          p++;
          while (g_ascii_isdigit (*p))
            p++;
          if (*p != close)
            continue;
          p++;
        }
      if (*p == ':')
        return (gsize) (p + 1 - s);
    }
  return 0;
}

char *
fd_mail_reply_subject (const char *subject,
                       gint64      conversation)
{
  g_autofree char *token = NULL;
  g_autofree char *rest = NULL;
  const char *p = subject != NULL ? subject : "";
  GString *out;
  gsize n;

  for (;;)
    {
      while (*p == ' ' || *p == '\t')
        p++;
      n = reply_prefix_length (p);
      if (n == 0)
        break;
      p += n;
    }
  rest = g_strchomp (g_strdup (p));

  out = g_string_new ("Re:");
  if (*rest != '\0')
    g_string_append_printf (out, " %s", rest);
  if (conversation > 0)
    {
      token = g_strdup_printf ("[#%" G_GINT64_FORMAT "]", conversation);
      if (strstr (rest, token) == NULL)
        g_string_append_printf (out, " %s", token);
    }
  return g_string_free (out, FALSE);
}

char *
fd_mail_subject_with_token (const char *subject,
                            gint64      conversation)
{
  g_autofree char *token = NULL;
  g_autofree char *base = g_strstrip (g_strdup (subject != NULL ? subject : ""));

  if (conversation <= 0)
    return g_steal_pointer (&base);
  token = g_strdup_printf ("[#%" G_GINT64_FORMAT "]", conversation);
  if (strstr (base, token) != NULL)
    return g_steal_pointer (&base);
  return *base != '\0' ? g_strdup_printf ("%s %s", base, token) : g_steal_pointer (&token);
}

/* The one mailbox of @text, or NULL (the message says why). */
static InternetAddress *
parse_one_mailbox (const char  *text,
                   GError     **error)
{
  InternetAddressList *list;
  InternetAddress *ia = NULL;
  const char *addr;

  list = internet_address_list_parse (NULL, text);
  if (list != NULL && internet_address_list_length (list) == 1 &&
      INTERNET_ADDRESS_IS_MAILBOX (internet_address_list_get_address (list, 0)))
    ia = g_object_ref (internet_address_list_get_address (list, 0));
  g_clear_object (&list);
  if (ia == NULL)
    {
      g_set_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID,
                   "“%s” is not one email address (Name <local@domain> or local@domain).", text);
      return NULL;
    }
  addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
  if (addr == NULL || !fd_mail_address_is_plain (addr))
    {
      g_set_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID,
                   "“%s” is not an email address (local@domain).", text);
      g_object_unref (ia);
      return NULL;
    }
  return ia;
}

gboolean
fd_mail_mailbox_parse (const char  *text,
                       char       **name,
                       char       **address,
                       GError     **error)
{
  InternetAddress *ia;
  const char *display;

  g_return_val_if_fail (text != NULL, FALSE);

  fd_mail_libraries_init ();
  if (strpbrk (text, "\r\n") != NULL || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID,
                   "An email address cannot contain a line break.");
      return FALSE;
    }
  ia = parse_one_mailbox (text, error);
  if (ia == NULL)
    return FALSE;
  display = internet_address_get_name (ia);
  if (name != NULL)
    *name = display != NULL && *display != '\0' ? g_strdup (display) : NULL;
  if (address != NULL)
    *address = g_strdup (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)));
  g_object_unref (ia);
  return TRUE;
}

char *
fd_mail_mailbox_format (const char *name,
                        const char *address)
{
  InternetAddress *ia;
  char *text;

  g_return_val_if_fail (address != NULL, NULL);

  if (name == NULL || *name == '\0')
    return g_strdup (address);
  fd_mail_libraries_init ();
  ia = internet_address_mailbox_new (name, address);
  text = internet_address_to_string (ia, NULL, FALSE);
  g_object_unref (ia);
  return text;
}

/* A mailbox already checked by fd_mail_mailbox_parse(). */
static void
add_mailbox (GMimeMessage     *message,
             GMimeAddressType  type,
             const char       *text)
{
  g_autofree char *name = NULL;
  g_autofree char *address = NULL;

  if (fd_mail_mailbox_parse (text, &name, &address, NULL))
    g_mime_message_add_mailbox (message, type, name != NULL ? name : "", address);
}

/* Body text with LF line endings only (GMime writes CRLF on output). */
static char *
normalize_newlines (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p++)
    {
      if (*p == '\r')
        {
          g_string_append_c (out, '\n');
          if (p[1] == '\n')
            p++;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* One line for the attribution: line breaks in a name become spaces. */
static char *
one_line (const char *text)
{
  char *line = g_utf8_make_valid (text, -1);

  for (char *p = line; *p != '\0'; p++)
    {
      if (*p == '\r' || *p == '\n' || *p == '\t')
        *p = ' ';
    }
  return line;
}

static char *
build_body (const FdMailReply *reply)
{
  g_autofree char *text = normalize_newlines (reply->text);
  GString *body = g_string_new (text);

  if (body->len > 0 && body->str[body->len - 1] != '\n')
    g_string_append_c (body, '\n');

  if (reply->quoted_text != NULL)
    {
      g_autofree char *quoted = normalize_newlines (reply->quoted_text);
      g_autofree char *name = NULL;
      g_auto(GStrv) lines = NULL;
      gsize len;

      if (reply->quoted_name != NULL && *reply->quoted_name != '\0')
        name = one_line (reply->quoted_name);
      else if (reply->to_name != NULL && *reply->to_name != '\0')
        name = one_line (reply->to_name);
      else
        name = g_strdup (reply->to_address);

      g_string_append_c (body, '\n');
      if (reply->quoted_date != NULL)
        {
          g_autofree char *date = g_mime_utils_header_format_date (reply->quoted_date);

          g_string_append_printf (body, "On %s, %s wrote:\n", date, name);
        }
      else
        g_string_append_printf (body, "%s wrote:\n", name);

      len = strlen (quoted);
      while (len > 0 && quoted[len - 1] == '\n')
        quoted[--len] = '\0';
      lines = g_strsplit (quoted, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          if (lines[i][0] == '\0')
            g_string_append (body, ">\n");
          else
            g_string_append_printf (body, "> %s\n", lines[i]);
        }
    }
  return g_string_free (body, FALSE);
}

static GMimeDataWrapper *
wrapper_for (const void *data,
             gsize       len)
{
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new_with_buffer (data, len);

  return g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
}

/* 7bit when the text is ASCII in lines short enough for SMTP (RFC 5321
 * 4.5.3.1.6), quoted-printable otherwise: readable in any client, safe on
 * any relay. */
static gboolean
is_7bit (const char *text)
{
  gsize line = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      if ((guchar) *p >= 0x80)
        return FALSE;
      line = *p == '\n' ? 0 : line + 1;
      if (line > FIELD_MAX)
        return FALSE;
    }
  return TRUE;
}

static GMimePart *
build_text_part (const char *body)
{
  g_autoptr(GMimeDataWrapper) wrapper = wrapper_for (body, strlen (body));
  GMimePart *part = g_mime_part_new_with_type ("text", "plain");

  g_mime_object_set_content_type_parameter (GMIME_OBJECT (part), "charset", "utf-8");
  g_mime_part_set_content (part, wrapper);
  g_mime_part_set_content_encoding (part, is_7bit (body) ? GMIME_CONTENT_ENCODING_7BIT
                                                         : GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  return part;
}

/* "type/subtype" of RFC 2045 tokens, nothing else (no parameters). */
static gboolean
is_content_type (const char *value)
{
  const char *slash = strchr (value, '/');

  if (slash == NULL || slash == value || slash[1] == '\0' || strchr (slash + 1, '/') != NULL)
    return FALSE;
  for (const char *p = value; *p != '\0'; p++)
    {
      if (p != slash && !g_ascii_isalnum (*p) && strchr ("!#$&^_.+-", *p) == NULL)
        return FALSE;
    }
  return TRUE;
}

static GMimePart *
build_attachment (const FdMailAttachment  *attachment,
                  guint                    index,
                  GError                 **error)
{
  g_autofree char *what = g_strdup_printf ("attachment %u's name", index + 1);
  g_autofree char *type = NULL;
  g_autoptr(GMimeDataWrapper) wrapper = NULL;
  const char *content_type = attachment->content_type;
  GMimePart *part;
  const char *slash;
  gsize len;
  const void *data;

  if (attachment->filename == NULL || *attachment->filename == '\0' || attachment->data == NULL)
    {
      g_set_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID,
                   "Attachment %u has no name or no data.", index + 1);
      return NULL;
    }
  if (!check_field (what, attachment->filename, error))
    return NULL;
  if (content_type == NULL)
    content_type = "application/octet-stream";
  g_free (what);
  what = g_strdup_printf ("attachment %u's content type", index + 1);
  if (!check_field (what, content_type, error))
    return NULL;
  if (!is_content_type (content_type))
    {
      g_set_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID,
                   "Attachment %u's content type is not of the form type/subtype.", index + 1);
      return NULL;
    }

  slash = strchr (content_type, '/');
  type = g_strndup (content_type, (gsize) (slash - content_type));
  part = g_mime_part_new_with_type (type, slash + 1);
  /* The name goes into Content-Disposition and Content-Type, encoded as
   * RFC 2231 parameters when it is not ASCII (GMime's default). */
  g_mime_part_set_filename (part, attachment->filename);
  data = g_bytes_get_data (attachment->data, &len);
  wrapper = wrapper_for (data, len);
  g_mime_part_set_content (part, wrapper);
  g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);
  return part;
}

/* The References of the reply (RFC 5322 3.6.4): the customer's References
 * followed by the customer's Message-ID, trimmed to the first one and the
 * most recent FD_MAIL_REFERENCES_MAX - 1. NULL when there is none. */
static char *
build_references (const FdMailReply  *reply,
                  const char         *in_reply_to,
                  GError            **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  GString *out;

  if (reply->references != NULL)
    {
      for (guint i = 0; reply->references[i] != NULL; i++)
        {
          char *id = normalize_message_id ("References", reply->references[i], error);

          if (id == NULL)
            return NULL;
          g_ptr_array_add (ids, id);
        }
    }
  if (in_reply_to != NULL &&
      (ids->len == 0 || strcmp (g_ptr_array_index (ids, ids->len - 1), in_reply_to) != 0))
    g_ptr_array_add (ids, g_strdup (in_reply_to));

  if (ids->len == 0)
    return g_strdup ("");
  if (ids->len > FD_MAIL_REFERENCES_MAX)
    g_ptr_array_remove_range (ids, 1, ids->len - FD_MAIL_REFERENCES_MAX);

  out = g_string_new (NULL);
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (out, "%s<%s>", i > 0 ? " " : "", (char *) g_ptr_array_index (ids, i));
  return g_string_free (out, FALSE);
}

GBytes *
fd_mail_compose_reply (const FdMailReply  *reply,
                       GError            **error)
{
  g_autoptr(GMimeMessage) message = NULL;
  g_autoptr(GMimeObject) body_object = NULL;
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *message_id = NULL;
  g_autofree char *in_reply_to = NULL;
  g_autofree char *references = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;
  g_autofree char *generated = NULL;
  GMimeFormatOptions *options;
  GByteArray *array;

  g_return_val_if_fail (reply != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  fd_mail_libraries_init ();

  /* Every field is checked before anything is built. */
  if (!check_address ("From address", reply->from_address, error) ||
      !check_address ("To address", reply->to_address, error))
    return NULL;
  if (reply->from_name != NULL && !check_field ("From name", reply->from_name, error))
    return NULL;
  if (reply->to_name != NULL && !check_field ("To name", reply->to_name, error))
    return NULL;
  if (reply->subject != NULL && !check_field ("Subject", reply->subject, error))
    return NULL;
  if (reply->text == NULL)
    {
      g_set_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID,
                   "The reply has no text.");
      return NULL;
    }

  if (reply->message_id != NULL)
    message_id = normalize_message_id ("Message-ID", reply->message_id, error);
  else if ((generated = fd_mail_message_id_new (reply->domain)) != NULL)
    message_id = normalize_message_id ("Message-ID", generated, error);
  else
    g_set_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID,
                 "The server's domain \"%s\" is not a host name; no Message-ID can be made on it.",
                 reply->domain != NULL ? reply->domain : "");
  if (message_id == NULL)
    return NULL;

  if (reply->in_reply_to != NULL &&
      (in_reply_to = normalize_message_id ("In-Reply-To", reply->in_reply_to, error)) == NULL)
    return NULL;
  if ((references = build_references (reply, in_reply_to, error)) == NULL)
    return NULL;

  subject = reply->subject_line != NULL ? g_strdup (reply->subject_line)
                                        : fd_mail_reply_subject (reply->subject, reply->conversation);
  if (!check_field ("Subject", subject, error))
    return NULL;
  for (guint i = 0; reply->more_to != NULL && reply->more_to[i] != NULL; i++)
    if (!fd_mail_mailbox_parse (reply->more_to[i], NULL, NULL, error))
      return NULL;
  for (guint i = 0; reply->cc != NULL && reply->cc[i] != NULL; i++)
    if (!fd_mail_mailbox_parse (reply->cc[i], NULL, NULL, error))
      return NULL;

  message = g_mime_message_new (TRUE);
  g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_FROM,
                              reply->from_name != NULL ? reply->from_name : "",
                              reply->from_address);
  g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_TO,
                              reply->to_name != NULL ? reply->to_name : "",
                              reply->to_address);
  for (guint i = 0; reply->more_to != NULL && reply->more_to[i] != NULL; i++)
    add_mailbox (message, GMIME_ADDRESS_TYPE_TO, reply->more_to[i]);
  for (guint i = 0; reply->cc != NULL && reply->cc[i] != NULL; i++)
    add_mailbox (message, GMIME_ADDRESS_TYPE_CC, reply->cc[i]);
  g_mime_message_set_subject (message, subject, "utf-8");
  if (reply->date == NULL)
    now = g_date_time_new_now_local ();
  g_mime_message_set_date (message, reply->date != NULL ? reply->date : now);
  g_mime_message_set_message_id (message, message_id);
  if (in_reply_to != NULL)
    {
      g_autofree char *value = g_strdup_printf ("<%s>", in_reply_to);

      g_mime_object_set_header (GMIME_OBJECT (message), "In-Reply-To", value, NULL);
    }
  if (*references != '\0')
    g_mime_object_set_header (GMIME_OBJECT (message), "References", references, NULL);

  body = build_body (reply);
  body_object = GMIME_OBJECT (build_text_part (body));
  if (reply->n_attachments > 0)
    {
      g_autoptr(GMimeMultipart) mixed = g_mime_multipart_new_with_subtype ("mixed");

      g_return_val_if_fail (reply->attachments != NULL, NULL);
      g_mime_multipart_add (mixed, body_object);
      for (guint i = 0; i < reply->n_attachments; i++)
        {
          g_autoptr(GMimePart) part = build_attachment (&reply->attachments[i], i, error);

          if (part == NULL)
            return NULL;
          g_mime_multipart_add (mixed, GMIME_OBJECT (part));
        }
      g_set_object (&body_object, GMIME_OBJECT (mixed));
    }
  g_mime_message_set_mime_part (message, body_object);

  /* SMTP wants CRLF; GMime turns every LF of headers and content into CRLF. */
  options = g_mime_format_options_new ();
  g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_DOS);
  stream = g_mime_stream_mem_new ();
  if (g_mime_object_write_to_stream (GMIME_OBJECT (message), options, stream) < 0)
    {
      g_mime_format_options_free (options);
      g_set_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID,
                   "The reply could not be written out.");
      return NULL;
    }
  g_mime_format_options_free (options);

  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (stream), FALSE);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  return g_byte_array_free_to_bytes (array);
}
