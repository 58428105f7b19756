/* The agent's reply as a message (fd_mail_compose_reply()): every header
 * with its exact value, the thread kept, the quoted original, attachments
 * parsed back with GMime, and no way for a field to add a header. */

#include <gmime/gmime.h>
#include <string.h>

#include "fd-mail-compose.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)

static GDateTime *
utc (int year, int month, int day, int hour, int minute)
{
  return g_date_time_new_utc (year, month, day, hour, minute, 0);
}

/* A reply as the outbox would pass it, with fixed date and Message-ID. */
static FdMailReply
base_reply (GDateTime *date, GDateTime *quoted_date)
{
  static const char * const references[] = { "<c1@customer.example>", NULL };
  FdMailReply reply = {
    .from_address = "support@acme.example",
    .from_name = "Acme Support",
    .to_address = "jane@customer.example",
    .to_name = "Jane Doe",
    .message_id = "<r1@frontdesk.example>",
    .domain = "frontdesk.example",
    .date = date,
    .subject = "Re: Re: Order 55",
    .conversation = 1234,
    .in_reply_to = "<c2@customer.example>",
    .references = references,
    .text = "Thanks, it ships today.\n",
    .quoted_text = "Where is my order?\n\nJane\n",
    .quoted_date = quoted_date,
  };
  return reply;
}

static char *
compose_text (const FdMailReply *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = fd_mail_compose_reply (reply, &error);
  gsize len;
  const char *data;

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  data = g_bytes_get_data (bytes, &len);
  g_assert_null (memchr (data, 0, len));  /* no NUL inside */
  return g_strndup (data, len);
}

/* The header block (up to the first empty line), unfolded per line. */
static char *
header_block (const char *raw)
{
  const char *end = strstr (raw, "\r\n\r\n");

  g_assert_nonnull (end);
  return g_strndup (raw, (gsize) (end - raw + 2));
}

static void
assert_has_line (const char *headers,
                 const char *line)
{
  g_autofree char *needle = g_strdup_printf ("\r\n%s\r\n", line);
  g_autofree char *block = g_strdup_printf ("\r\n%s", headers);

  if (strstr (block, needle) == NULL)
    g_error ("header line \"%s\" not in:\n%s", line, headers);
}

static GMimeMessage *
parse (const char *raw)
{
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (raw, strlen (raw));
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);

  g_object_unref (parser);
  g_object_unref (stream);
  g_assert_nonnull (message);
  return message;
}

static GBytes *
decoded_content (GMimePart *part)
{
  GMimeDataWrapper *wrapper = g_mime_part_get_content (part);
  GMimeStream *stream = g_mime_stream_mem_new ();
  GByteArray *array;
  GBytes *bytes;

  g_assert_cmpint (g_mime_data_wrapper_write_to_stream (wrapper, stream), >=, 0);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  bytes = g_bytes_new (array->data, array->len);
  g_object_unref (stream);
  return bytes;
}

/* The text of a text part, with the CRLF of the wire turned back into LF. */
static char *
part_text (GMimePart *part)
{
  g_autoptr(GBytes) bytes = decoded_content (part);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);

  return g_strjoinv ("\n", lines);
}

static void
assert_crlf_only (const char *raw)
{
  for (const char *p = raw; *p != '\0'; p++)
    {
      if (*p == '\n')
        g_assert_true (p > raw && p[-1] == '\r');
      if (*p == '\r')
        g_assert_true (p[1] == '\n');
    }
}

static void
test_headers (void)
{
  g_autoptr(GDateTime) date = utc (2026, 12, 7, 10, 0);
  g_autoptr(GDateTime) quoted_date = utc (2026, 12, 6, 9, 30);
  FdMailReply reply = base_reply (date, quoted_date);
  g_autofree char *raw = compose_text (&reply);
  g_autofree char *headers = header_block (raw);

  assert_has_line (headers, "From: Acme Support <support@acme.example>");
  assert_has_line (headers, "To: Jane Doe <jane@customer.example>");
  assert_has_line (headers, "Subject: Re: Order 55 [#1234]");
  assert_has_line (headers, "Date: Mon, 07 Dec 2026 10:00:00 +0000");
  assert_has_line (headers, "Message-Id: <r1@frontdesk.example>");
  assert_has_line (headers, "In-Reply-To: <c2@customer.example>");
  assert_has_line (headers, "References: <c1@customer.example> <c2@customer.example>");
  assert_has_line (headers, "MIME-Version: 1.0");
  assert_has_line (headers, "Content-Type: text/plain; charset=utf-8");
  assert_crlf_only (raw);
  /* Each header once. */
  g_assert_null (strstr (strstr (headers, "Subject:") + 1, "\r\nSubject:"));
  g_assert_null (strstr (strstr (headers, "References:") + 1, "\r\nReferences:"));
}

static void
test_message_id_generated (void)
{
  g_autoptr(GDateTime) date = utc (2026, 12, 7, 10, 0);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GRegex) pattern = g_regex_new ("^<[0-9a-f]{32}@frontdesk\\.example>$", 0, 0, NULL);

  for (guint i = 0; i < 50; i++)
    {
      FdMailReply reply = base_reply (date, NULL);
      g_autofree char *raw = NULL;
      g_autoptr(GMimeMessage) message = NULL;
      g_autofree char *id = NULL;

      reply.message_id = NULL;
      raw = compose_text (&reply);
      message = parse (raw);
      id = g_strdup_printf ("<%s>", g_mime_message_get_message_id (message));
      g_assert_true (g_regex_match (pattern, id, 0, NULL));
      g_assert_true (g_hash_table_add (seen, g_steal_pointer (&id)));
    }

  {
    g_autofree char *a = fd_mail_message_id_new ("frontdesk.example");
    g_autofree char *b = fd_mail_message_id_new ("frontdesk.example");

    g_assert_true (g_regex_match (pattern, a, 0, NULL));
    g_assert_cmpstr (a, !=, b);
    g_assert_null (fd_mail_message_id_new ("bad domain"));
    g_assert_null (fd_mail_message_id_new ("x>\r\nBcc: y"));
    g_assert_null (fd_mail_message_id_new (""));
  }
}

static void
test_subject (void)
{
  static const struct { const char *in; gint64 conversation; const char *out; } cases[] = {
    { "Order 55", 1234, "Re: Order 55 [#1234]" },
    { "Re: Order 55", 1234, "Re: Order 55 [#1234]" },
    { "Re: Re: Order 55", 1234, "Re: Order 55 [#1234]" },
    { "RE: re:Aw: SV: Order 55", 1234, "Re: Order 55 [#1234]" },
    { "Re[2]: Order 55", 1234, "Re: Order 55 [#1234]" },
    { "Re: Order 55 [#1234]", 1234, "Re: Order 55 [#1234]" },
    { "Re: Re: [#1234] Order 55", 1234, "Re: [#1234] Order 55" },
    { "Order 55 [#999]", 1234, "Re: Order 55 [#999] [#1234]" },
    { "Order 55", 0, "Re: Order 55" },
    { "", 7, "Re: [#7]" },
    { NULL, 7, "Re: [#7]" },
    { "Réponse: Régate", 7, "Re: Réponse: Régate [#7]" },
    { "Reorder", 7, "Re: Reorder [#7]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *subject = fd_mail_reply_subject (cases[i].in, cases[i].conversation);

      g_assert_cmpstr (subject, ==, cases[i].out);
    }
}

/* A long thread: References keeps the root and the most recent ones. */
static void
test_references_trimmed (void)
{
  g_autoptr(GDateTime) date = utc (2026, 12, 7, 10, 0);
  g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) expected = g_string_new ("References:");
  FdMailReply reply = base_reply (date, NULL);
  g_autofree char *raw = NULL;
  g_autoptr(GMimeMessage) message = NULL;
  const char *value;

  for (guint i = 0; i < 30; i++)
    g_ptr_array_add (refs, g_strdup_printf ("m%u@customer.example", i));  /* without <> too */
  g_ptr_array_add (refs, NULL);
  reply.references = (const char * const *) refs->pdata;
  reply.in_reply_to = "<last@customer.example>";

  /* 31 ids: the first and the last 19. */
  g_string_append (expected, " <m0@customer.example>");
  for (guint i = 12; i < 30; i++)
    g_string_append_printf (expected, " <m%u@customer.example>", i);
  g_string_append (expected, " <last@customer.example>");

  raw = compose_text (&reply);
  message = parse (raw);
  value = g_mime_object_get_header (GMIME_OBJECT (message), "References");
  g_assert_nonnull (value);
  {
    g_autofree char *compact = g_strdup (value);
    g_auto(GStrv) words = g_strsplit_set (g_strstrip (compact), " \t\r\n", -1);
    g_autoptr(GString) joined = g_string_new ("References:");

    for (guint i = 0; words[i] != NULL; i++)
      if (words[i][0] != '\0')
        g_string_append_printf (joined, " %s", words[i]);
    g_assert_cmpstr (joined->str, ==, expected->str);
  }
  assert_crlf_only (raw);

  /* The parent already last in References is not repeated. */
  {
    static const char * const chain[] = { "<a@x.example>", "<b@x.example>", NULL };
    g_autofree char *raw2 = NULL;
    g_autofree char *headers = NULL;

    reply.references = chain;
    reply.in_reply_to = "b@x.example";
    raw2 = compose_text (&reply);
    headers = header_block (raw2);
    assert_has_line (headers, "References: <a@x.example> <b@x.example>");
    assert_has_line (headers, "In-Reply-To: <b@x.example>");
  }

  /* No parent at all: neither header. */
  {
    g_autofree char *raw3 = NULL;
    g_autofree char *headers = NULL;

    reply.references = NULL;
    reply.in_reply_to = NULL;
    raw3 = compose_text (&reply);
    headers = header_block (raw3);
    g_assert_null (strstr (headers, "References:"));
    g_assert_null (strstr (headers, "In-Reply-To:"));
  }
}

static GMimePart *
body_part (GMimeMessage *message)
{
  GMimeObject *part = g_mime_message_get_mime_part (message);

  if (GMIME_IS_MULTIPART (part))
    part = g_mime_multipart_get_part (GMIME_MULTIPART (part), 0);
  g_assert_true (GMIME_IS_PART (part));
  return GMIME_PART (part);
}

static void
test_quoted_original (void)
{
  g_autoptr(GDateTime) date = utc (2026, 12, 7, 10, 0);
  g_autoptr(GDateTime) quoted_date = utc (2026, 12, 6, 9, 30);
  FdMailReply reply = base_reply (date, quoted_date);
  g_autofree char *raw = NULL;
  g_autoptr(GMimeMessage) message = NULL;
  g_autofree char *text = NULL;

  raw = compose_text (&reply);
  message = parse (raw);
  text = part_text (body_part (message));
  g_assert_cmpstr (text, ==,
                   "Thanks, it ships today.\n"
                   "\n"
                   "On Sun, 06 Dec 2026 09:30:00 +0000, Jane Doe wrote:\n"
                   "> Where is my order?\n"
                   ">\n"
                   "> Jane\n");
  g_assert_nonnull (strstr (raw, "Content-Transfer-Encoding: 7bit\r\n"));

  /* Customer text is data: markup, encoded words, a lone dot, "From ",
   * CR LF, and a forged header stay in the quoted body, as text. */
  {
    g_autofree char *raw2 = NULL;
    g_autoptr(GMimeMessage) message2 = NULL;
    g_autofree char *text2 = NULL;
    g_autofree char *headers = NULL;

    reply.quoted_name = "Mallory\r\nBcc: evil@example.com";
    reply.quoted_text = "<script>alert(1)</script>\r\n=?utf-8?b?SGk=?=\r\n.\r\nFrom here\r\nBcc: evil@example.com\rend";
    reply.text = "Grüße, Zoë\r\n";
    raw2 = compose_text (&reply);
    headers = header_block (raw2);
    g_assert_null (strstr (headers, "Bcc"));
    g_assert_nonnull (strstr (headers, "Content-Transfer-Encoding: quoted-printable\r\n"));
    message2 = parse (raw2);
    g_assert_null (g_mime_object_get_header (GMIME_OBJECT (message2), "Bcc"));
    text2 = part_text (body_part (message2));
    g_assert_cmpstr (text2, ==,
                     "Grüße, Zoë\n"
                     "\n"
                     "On Sun, 06 Dec 2026 09:30:00 +0000, Mallory  Bcc: evil@example.com wrote:\n"
                     "> <script>alert(1)</script>\n"
                     "> =?utf-8?b?SGk=?=\n"
                     "> .\n"
                     "> From here\n"
                     "> Bcc: evil@example.com\n"
                     "> end\n");
    assert_crlf_only (raw2);
  }

  /* Without a date or name: "<address> wrote:". */
  {
    g_autofree char *raw3 = NULL;
    g_autoptr(GMimeMessage) message3 = NULL;
    g_autofree char *text3 = NULL;

    reply.quoted_name = NULL;
    reply.to_name = NULL;
    reply.quoted_date = NULL;
    reply.quoted_text = "Hi";
    reply.text = "Hello";
    raw3 = compose_text (&reply);
    message3 = parse (raw3);
    text3 = part_text (body_part (message3));
    g_assert_cmpstr (text3, ==, "Hello\n\njane@customer.example wrote:\n> Hi\n");
  }
}

static void
test_attachments (void)
{
  g_autoptr(GDateTime) date = utc (2026, 12, 7, 10, 0);
  FdMailReply reply = base_reply (date, NULL);
  guint8 binary[1024];
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GBytes) txt = g_bytes_new_static ("line one\nline two\n", 18);
  FdMailAttachment attachments[2];
  g_autofree char *raw = NULL;
  g_autofree char *body_text = NULL;
  g_autoptr(GMimeMessage) message = NULL;
  GMimeObject *top;
  GMimeMultipart *mixed;

  for (guint i = 0; i < sizeof binary; i++)
    binary[i] = (guint8) (i * 7);
  pdf = g_bytes_new (binary, sizeof binary);
  attachments[0] = (FdMailAttachment) { "invoice 55.pdf", "application/pdf", pdf };
  attachments[1] = (FdMailAttachment) { "Übersicht – März.txt", NULL, txt };
  reply.attachments = attachments;
  reply.n_attachments = 2;

  raw = compose_text (&reply);
  assert_crlf_only (raw);
  /* RFC 2231 for the name that is not ASCII; every byte of the message
   * 7-bit. */
  g_assert_nonnull (strstr (raw, "filename*=UTF-8''%C3%9Cbersicht%20%E2%80%93%20M%C3%A4rz.txt"));
  for (const char *p = raw; *p != '\0'; p++)
    g_assert_cmpuint ((guchar) *p, <, 0x80);

  message = parse (raw);
  top = g_mime_message_get_mime_part (message);
  g_assert_true (GMIME_IS_MULTIPART (top));
  g_assert_true (g_mime_content_type_is_type (g_mime_object_get_content_type (top), "multipart", "mixed"));
  mixed = GMIME_MULTIPART (top);
  g_assert_cmpint (g_mime_multipart_get_count (mixed), ==, 3);

  body_text = part_text (body_part (message));
  g_assert_cmpstr (body_text, ==, "Thanks, it ships today.\n\nJane Doe wrote:\n> Where is my order?\n>\n> Jane\n");

  for (guint i = 0; i < 2; i++)
    {
      GMimeObject *object = g_mime_multipart_get_part (mixed, (int) i + 1);
      GMimePart *part;
      g_autoptr(GBytes) content = NULL;
      g_autofree char *type = NULL;

      g_assert_true (GMIME_IS_PART (object));
      part = GMIME_PART (object);
      g_assert_cmpstr (g_mime_part_get_filename (part), ==, attachments[i].filename);
      g_assert_true (g_mime_part_is_attachment (part));
      g_assert_cmpint (g_mime_part_get_content_encoding (part), ==, GMIME_CONTENT_ENCODING_BASE64);
      type = g_mime_content_type_get_mime_type (g_mime_object_get_content_type (object));
      g_assert_cmpstr (type, ==, i == 0 ? "application/pdf" : "application/octet-stream");
      content = decoded_content (part);
      g_assert_true (g_bytes_equal (content, attachments[i].data));
    }

  /* Bad attachments are refused, not sent half. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = NULL;

    attachments[0].content_type = "pdf";
    bytes = fd_mail_compose_reply (&reply, &error);
    g_assert_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID);
    g_assert_null (bytes);
    g_clear_error (&error);

    attachments[0].content_type = "application/pdf; name=x";
    bytes = fd_mail_compose_reply (&reply, &error);
    g_assert_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID);
    g_clear_error (&error);

    attachments[0].content_type = "application/pdf";
    attachments[0].data = NULL;
    bytes = fd_mail_compose_reply (&reply, &error);
    g_assert_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID);
  }
}

typedef enum {
  FIELD_FROM_ADDRESS, FIELD_FROM_NAME, FIELD_TO_ADDRESS, FIELD_TO_NAME,
  FIELD_SUBJECT, FIELD_MESSAGE_ID, FIELD_IN_REPLY_TO, FIELD_REFERENCES,
  FIELD_FILENAME, FIELD_CONTENT_TYPE, N_FIELDS
} Field;

/* CR or LF in any one-line field: refused, nothing composed. */
static void
test_header_injection (void)
{
  static const char * const breaks[] = { "\r\nBcc: evil@example.com", "\nBcc: evil@example.com",
                                         "\rBcc: evil@example.com", "\r\n\r\nbody" };
  g_autoptr(GDateTime) date = utc (2026, 12, 7, 10, 0);
  g_autoptr(GBytes) data = g_bytes_new_static ("x", 1);

  for (guint f = 0; f < N_FIELDS; f++)
    for (guint b = 0; b < G_N_ELEMENTS (breaks); b++)
      {
        FdMailReply reply = base_reply (date, NULL);
        FdMailAttachment attachment = { "a.txt", "text/plain", data };
        g_autofree char *value = NULL;
        const char *references[] = { "<c1@customer.example>", NULL };
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) bytes = NULL;

        reply.attachments = &attachment;
        reply.n_attachments = 1;
        reply.references = references;
        switch ((Field) f)
          {
          case FIELD_FROM_ADDRESS: reply.from_address = value = g_strconcat ("support@acme.example", breaks[b], NULL); break;
          case FIELD_FROM_NAME: reply.from_name = value = g_strconcat ("Acme", breaks[b], NULL); break;
          case FIELD_TO_ADDRESS: reply.to_address = value = g_strconcat ("jane@customer.example", breaks[b], NULL); break;
          case FIELD_TO_NAME: reply.to_name = value = g_strconcat ("Jane", breaks[b], NULL); break;
          case FIELD_SUBJECT: reply.subject = value = g_strconcat ("Order", breaks[b], NULL); break;
          case FIELD_MESSAGE_ID: reply.message_id = value = g_strconcat ("<r1@frontdesk.example>", breaks[b], NULL); break;
          case FIELD_IN_REPLY_TO: reply.in_reply_to = value = g_strconcat ("<c2@customer.example>", breaks[b], NULL); break;
          case FIELD_REFERENCES: references[0] = value = g_strconcat ("<c1@customer.example>", breaks[b], NULL); break;
          case FIELD_FILENAME: attachment.filename = value = g_strconcat ("a.txt", breaks[b], NULL); break;
          case FIELD_CONTENT_TYPE: attachment.content_type = value = g_strconcat ("text/plain", breaks[b], NULL); break;
          case N_FIELDS:
          default: g_assert_not_reached ();
          }
        bytes = fd_mail_compose_reply (&reply, &error);
        g_assert_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_HEADER_INJECTION);
        g_assert_null (bytes);
      }
}

static void
test_non_ascii (void)
{
  g_autoptr(GDateTime) date = utc (2026, 12, 7, 10, 0);
  FdMailReply reply = base_reply (date, NULL);
  g_autofree char *raw = NULL;
  g_autofree char *headers = NULL;
  g_autoptr(GMimeMessage) message = NULL;
  InternetAddressList *list;
  InternetAddress *address;

  reply.from_name = "Zoë's Büro, Inc.";
  reply.to_name = "Łukasz Żółć";
  reply.subject = "Re: Größe der Bestellung ✓";
  raw = compose_text (&reply);
  headers = header_block (raw);
  for (const char *p = headers; *p != '\0'; p++)
    g_assert_cmpuint ((guchar) *p, <, 0x80);
  {
    g_autofree char *lower = g_ascii_strdown (headers, -1);

    g_assert_nonnull (strstr (lower, "=?utf-8?"));
  }

  message = parse (raw);
  g_assert_cmpstr (g_mime_message_get_subject (message), ==, "Re: Größe der Bestellung ✓ [#1234]");
  list = g_mime_message_get_from (message);
  g_assert_cmpint (internet_address_list_length (list), ==, 1);
  address = internet_address_list_get_address (list, 0);
  g_assert_cmpstr (internet_address_get_name (address), ==, "Zoë's Büro, Inc.");
  g_assert_cmpstr (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)), ==, "support@acme.example");
  list = g_mime_message_get_to (message);
  address = internet_address_list_get_address (list, 0);
  g_assert_cmpstr (internet_address_get_name (address), ==, "Łukasz Żółć");
}

static void
test_invalid (void)
{
  g_autoptr(GDateTime) date = utc (2026, 12, 7, 10, 0);
  static const char * const bad_addresses[] = {
    "", "jane", "@customer.example", "jane@", "jane doe@customer.example",
    "Jane <jane@customer.example>", "a@b@c.example", "jäne@customer.example",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad_addresses); i++)
    {
      FdMailReply reply = base_reply (date, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;

      reply.to_address = bad_addresses[i];
      bytes = fd_mail_compose_reply (&reply, &error);
      g_assert_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID);
      g_assert_null (bytes);
      g_assert_false (fd_mail_address_is_plain (bad_addresses[i]));
    }
  g_assert_true (fd_mail_address_is_plain ("jane.doe+tag@customer.example"));

  {
    FdMailReply reply = base_reply (date, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = NULL;

    reply.text = NULL;
    bytes = fd_mail_compose_reply (&reply, &error);
    g_assert_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID);
    g_clear_error (&error);

    reply.text = "ok";
    reply.message_id = NULL;
    reply.domain = "not a domain";
    bytes = fd_mail_compose_reply (&reply, &error);
    g_assert_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID);
    g_clear_error (&error);

    reply.message_id = "<two words@x.example>";
    bytes = fd_mail_compose_reply (&reply, &error);
    g_assert_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID);
    g_clear_error (&error);

    reply.message_id = "<r1@frontdesk.example>";
    reply.subject = "bad \x01 control";
    bytes = fd_mail_compose_reply (&reply, &error);
    g_assert_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID);
    g_clear_error (&error);

    reply.subject = "bad \xff utf-8";
    bytes = fd_mail_compose_reply (&reply, &error);
    g_assert_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID);
  }
}

/* The agent's To and Cc: one mailbox per item, parsed by GMime, written
 * back in one form; the subject keeps the conversation's token. */
static void
test_mailboxes (void)
{
  const char *bad[] = { "", "not an address", "a@b.test, c@d.test", "Group: a@b.test;",
                        "x@y.test\r\nBcc: victim@z.test", "Name <a b@x.test>" };
  g_autofree char *name = NULL;
  g_autofree char *address = NULL;
  g_autofree char *formatted = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *kept = NULL;

  g_assert_true (fd_mail_mailbox_parse ("\"Bob, the boss\" <bob@x.test>", &name, &address, NULL));
  g_assert_cmpstr (name, ==, "Bob, the boss");
  g_assert_cmpstr (address, ==, "bob@x.test");
  formatted = fd_mail_mailbox_format (name, address);
  g_assert_cmpstr (formatted, ==, "\"Bob, the boss\" <bob@x.test>");
  g_clear_pointer (&name, g_free);
  g_clear_pointer (&address, g_free);
  g_assert_true (fd_mail_mailbox_parse ("ada@x.test", &name, &address, NULL));
  g_assert_null (name);
  g_assert_cmpstr (address, ==, "ada@x.test");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("refused: %s", bad[i]);
      g_assert_false (fd_mail_mailbox_parse (bad[i], NULL, NULL, &error));
      g_assert_error (error, FD_MAIL_COMPOSE_ERROR, FD_MAIL_COMPOSE_ERROR_INVALID);
    }

  subject = fd_mail_subject_with_token ("  Your order ", 42);
  g_assert_cmpstr (subject, ==, "Your order [#42]");
  kept = fd_mail_subject_with_token ("[#42] Your order", 42);
  g_assert_cmpstr (kept, ==, "[#42] Your order");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_mime_init ();

  g_test_add_func ("/mail-compose/headers", test_headers);
  g_test_add_func ("/mail-compose/message-id", test_message_id_generated);
  g_test_add_func ("/mail-compose/subject", test_subject);
  g_test_add_func ("/mail-compose/references", test_references_trimmed);
  g_test_add_func ("/mail-compose/quoted-original", test_quoted_original);
  g_test_add_func ("/mail-compose/attachments", test_attachments);
  g_test_add_func ("/mail-compose/header-injection", test_header_injection);
  g_test_add_func ("/mail-compose/non-ascii", test_non_ascii);
  g_test_add_func ("/mail-compose/invalid", test_invalid);
  g_test_add_func ("/mail-compose/mailboxes", test_mailboxes);

  status = g_test_run ();
  g_mime_shutdown ();
  return status;
}
