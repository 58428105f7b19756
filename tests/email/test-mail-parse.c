#define G_LOG_DOMAIN "test-mail-parse"

/* fd_mail_parse() and fd_mail_is_automatic() on the hand-written mails of
 * tests/email/corpus (one per rule of docs/email.md, "Parsing (MIME)"), the
 * hostile ones (hostile-*.eml) and hostile mails too big to keep in the
 * repository, built here. */

#include <string.h>

#include "fd-mail-parse.h"
#include "fd-mail-text.h"

static FdMail *
parse_bytes_with (const char         *data,
                  gsize               len,
                  const FdMailLimits *limits)
{
  g_autoptr(GBytes) raw = g_bytes_new (data, len);
  g_autoptr(GError) error = NULL;
  FdMail *mail = fd_mail_parse (raw, limits, &error);

  g_assert_no_error (error);
  g_assert_nonnull (mail);
  /* Whatever came in, what comes out is valid UTF-8. */
  g_assert_true (g_utf8_validate (mail->subject, -1, NULL));
  g_assert_true (g_utf8_validate (mail->text, -1, NULL));
  g_assert_cmpuint (strlen (mail->dedupe_key), ==, 64);
  return mail;
}

static char *
read_corpus (const char *name,
             gsize      *len)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "email", "corpus", name, NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (path, &data, len, &error);
  g_assert_no_error (error);
  return data;
}

static FdMail *
parse_corpus_with (const char         *name,
                   const FdMailLimits *limits)
{
  gsize len = 0;
  g_autofree char *data = read_corpus (name, &len);

  return parse_bytes_with (data, len, limits);
}

static FdMail *
parse_corpus (const char *name)
{
  return parse_corpus_with (name, NULL);
}

static void
assert_address (GPtrArray  *list,
                guint       i,
                const char *name,
                const char *address)
{
  FdMailAddress *a;

  g_assert_cmpuint (i, <, list->len);
  a = list->pdata[i];
  g_assert_cmpstr (a->name, ==, name);
  g_assert_cmpstr (a->address, ==, address);
}

static void
assert_automatic (const char *name,
                  const char *reason)
{
  g_autoptr(FdMail) mail = parse_corpus (name);
  g_autofree char *why = NULL;

  g_assert_true (fd_mail_is_automatic (mail, NULL, &why));
  g_assert_cmpstr (why, ==, reason);
}

static void
test_headers (void)
{
  g_autoptr(FdMail) mail = parse_corpus ("plain.eml");
  g_autofree char *date = NULL;

  g_assert_cmpstr (mail->from->name, ==, "Ana Pérez");
  g_assert_cmpstr (mail->from->address, ==, "ana@example.org");
  g_assert_cmpuint (mail->to->len, ==, 2);
  assert_address (mail->to, 0, "Support", "support@shop.example");
  assert_address (mail->to, 1, "Billing, Team", "billing@shop.example");
  g_assert_cmpuint (mail->cc->len, ==, 1);
  assert_address (mail->cc, 0, "Börje Källström", "borje@example.net");
  assert_address (mail->reply_to, 0, "Ana at home", "ana.home@example.org");
  g_assert_cmpstr (mail->subject, ==, "Re: Bestellung über € 50 [#1234]");
  date = g_date_time_format_iso8601 (mail->date);
  g_assert_cmpstr (date, ==, "2026-12-01T09:30:00+01");
  g_assert_cmpstr (mail->message_id, ==, "CAF1234.5678@Mail.Example.ORG");
  g_assert_cmpstr (mail->in_reply_to, ==, "reply-2@shop.example");
  g_assert_cmpuint (mail->references->len, ==, 2);
  g_assert_cmpstr (mail->references->pdata[0], ==, "root-1@shop.example");
  g_assert_cmpstr (mail->references->pdata[1], ==, "reply-2@shop.example");
  g_assert_cmpint (mail->token, ==, 1234);
  g_assert_cmpstr (mail->text, ==,
                   "Hallo,\n\nmeine Bestellung über 50 € ist nicht angekommen.\nGrüße, Ana\n");
  g_assert_false (mail->text_from_html);
  g_assert_cmpuint (mail->parts->len, ==, 0);
  g_assert_cmpuint (mail->over_limits, ==, FD_MAIL_OVER_NONE);
  g_assert_false (fd_mail_is_automatic (mail, NULL, NULL));
}

static void
test_references_bounded (void)
{
  g_autoptr(GString) raw = g_string_new ("From: a@example.com\nSubject: many\nReferences:");
  g_autoptr(FdMail) mail = NULL;
  FdMailLimits limits = { .max_references = 3 };

  for (guint i = 0; i < 10; i++)
    g_string_append_printf (raw, " <r%u@example.com>\n", i);
  g_string_append (raw, "\nbody\n");
  mail = parse_bytes_with (raw->str, raw->len, &limits);
  /* The root and the nearest parents, in order. */
  g_assert_cmpuint (mail->references->len, ==, 3);
  g_assert_cmpstr (mail->references->pdata[0], ==, "r0@example.com");
  g_assert_cmpstr (mail->references->pdata[1], ==, "r8@example.com");
  g_assert_cmpstr (mail->references->pdata[2], ==, "r9@example.com");
  g_assert_true (mail->over_limits & FD_MAIL_OVER_REFERENCES);
}

static char *
sha256_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

static void
test_dedupe_key (void)
{
  g_autoptr(FdMail) mail = parse_corpus ("plain.eml");
  g_autoptr(FdMail) other = parse_corpus ("no-message-id.eml");
  g_autofree char *expected = sha256_hex ("message-id\nCAF1234.5678@mail.example.org");
  g_autofree char *fallback = sha256_hex ("no-message-id\n2026-12-02T10:00:00Z\nbob@example.com\n"
                                          "Where is my parcel?\nIt has been two weeks.\n");
  gsize len = 0;
  g_autofree char *data = read_corpus ("plain.eml", &len);
  g_auto(GStrv) lines = g_strsplit (data, "\n", -1);
  g_autofree char *crlf = g_strjoinv ("\r\n", lines);
  g_autoptr(FdMail) again = parse_bytes_with (crlf, strlen (crlf), NULL);

  /* The domain of the Message-ID is case-insensitive, its local part not. */
  g_assert_cmpstr (mail->dedupe_key, ==, expected);
  g_assert_null (other->message_id);
  g_assert_cmpstr (other->dedupe_key, ==, fallback);
  /* The same mail with CRLF line ends, as IMAP serves it. */
  g_assert_cmpstr (again->dedupe_key, ==, mail->dedupe_key);
  g_assert_cmpstr (again->subject, ==, mail->subject);
  g_assert_cmpstr (again->text, ==, mail->text);
}

static void
test_token (void)
{
  g_autoptr(FdMail) none = parse_corpus ("no-message-id.eml");
  const char *raw = "From: a@example.com\nSubject: AW: [#x] [#0] Re: [#987654] and [#12]\n\nbody\n";
  g_autoptr(FdMail) mail = parse_bytes_with (raw, strlen (raw), NULL);

  g_assert_cmpint (none->token, ==, 0);
  g_assert_cmpint (mail->token, ==, 987654);
}

static void
test_flowed (void)
{
  g_autoptr(FdMail) mail = parse_corpus ("flowed.eml");

  g_assert_cmpstr (mail->text, ==,
                   "This is a long line that was wrapped by the sender's mail client because it is flowed.\n"
                   "From the start of a line, space-stuffed.\n"
                   "> Quoted text that was also wrapped.\n"
                   "-- \n"
                   "Carla\n");
}

static void
test_unflow_without_delsp (void)
{
  g_autofree char *text = fd_mail_text_unflow ("one \ntwo \nthree\n", FALSE);

  g_assert_cmpstr (text, ==, "one two three\n");
}

static void
test_charsets (void)
{
  g_autoptr(FdMail) latin1 = parse_corpus ("latin1.eml");
  g_autofree char *koi8 = fd_mail_text_to_utf8 ((const guint8 *) "\xf0\xd2\xc9\xd7\xc5\xd4", 6, "koi8-r");

  g_assert_cmpstr (latin1->text, ==, "Schöne Grüße");
  g_assert_cmpstr (koi8, ==, "Привет");
}

static void
test_html_only (void)
{
  g_autoptr(FdMail) mail = parse_corpus ("html-only.eml");

  g_assert_true (mail->text_from_html);
  g_assert_cmpstr (mail->text, ==,
                   "Hello\xc2\xa0there & <welcome> café €5\n" /* &nbsp; */
                   "\n"
                   "See my order <https://shop.example/order/7> and click me.\n"
                   "\n"
                   "Logo\n"
                   "\n"
                   "- one\n"
                   "- two\n"
                   "\n"
                   "Mail dora@example.com\n");
}

static void
test_alternative_prefers_plain (void)
{
  g_autoptr(FdMail) mail = parse_corpus ("alternative.eml");

  g_assert_cmpstr (mail->text, ==, "The plain version");
  g_assert_false (mail->text_from_html);
  g_assert_cmpuint (mail->parts->len, ==, 0);
}

static void
assert_part (FdMail                *mail,
             guint                  i,
             FdMailPartDisposition  disposition,
             const char            *filename,
             const char            *content_type,
             const char            *content_id,
             const char            *bytes,
             gsize                  size)
{
  FdMailPart *part;

  g_assert_cmpuint (i, <, mail->parts->len);
  part = mail->parts->pdata[i];
  g_assert_cmpint (part->disposition, ==, disposition);
  g_assert_cmpstr (part->filename, ==, filename);
  g_assert_cmpstr (part->content_type, ==, content_type);
  g_assert_cmpstr (part->content_id, ==, content_id);
  g_assert_cmpuint (part->size, ==, size);
  g_assert_nonnull (part->bytes);
  g_assert_cmpmem (g_bytes_get_data (part->bytes, NULL), g_bytes_get_size (part->bytes), bytes, size);
}

static void
test_attachments (void)
{
  g_autoptr(FdMail) mail = parse_corpus ("attachments.eml");

  g_assert_cmpstr (mail->text, ==, "See the photo and the invoice.");
  g_assert_cmpuint (mail->parts->len, ==, 3);
  assert_part (mail, 0, FD_MAIL_PART_INLINE, NULL, "image/png", "photo-1@example.com",
               "\x89PNG\r\n\x1a\n", 8);
  assert_part (mail, 1, FD_MAIL_PART_ATTACHMENT, "Rechnung März.pdf", "application/pdf", NULL,
               "%PDF-1.4\n", 9);
  /* A text/plain with a file name is a file, not the body. */
  assert_part (mail, 2, FD_MAIL_PART_ATTACHMENT, "notes.txt", "text/plain", NULL,
               "not the body", 12);
  g_assert_cmpuint (mail->over_limits, ==, FD_MAIL_OVER_NONE);
}

/* A content type is ASCII tokens: one in other bytes (which GMime may
 * decode from Latin-1) is an unknown type, never a name to show or trust.
 * fuzz-mail-parse found such a type that was not even valid UTF-8. */
static void
test_content_type_not_ascii (void)
{
  g_autoptr(FdMail) mail = parse_corpus ("content-type-not-ascii.eml");

  g_assert_cmpstr (mail->text, ==, "hello");
  g_assert_cmpuint (mail->parts->len, ==, 1);
  g_assert_cmpstr (((FdMailPart *) mail->parts->pdata[0])->content_type, ==, "application/octet-stream");
}

static void
test_part_limits (void)
{
  FdMailLimits few = { .max_parts = 1 };
  FdMailLimits small = { .max_part_bytes = 8 };
  g_autoptr(FdMail) mail = parse_corpus_with ("attachments.eml", &few);
  g_autoptr(FdMail) cut = parse_corpus_with ("attachments.eml", &small);
  FdMailPart *pdf;

  g_assert_cmpuint (mail->parts->len, ==, 1);
  g_assert_cmpuint (mail->parts_dropped, ==, 2);
  g_assert_true (mail->over_limits & FD_MAIL_OVER_PARTS);

  /* Over max_part_bytes a part is reported with its size, without bytes. */
  g_assert_cmpuint (cut->parts->len, ==, 3);
  pdf = cut->parts->pdata[1];
  g_assert_cmpstr (pdf->filename, ==, "Rechnung März.pdf");
  g_assert_cmpuint (pdf->size, ==, 9);
  g_assert_null (pdf->bytes);
  g_assert_nonnull (((FdMailPart *) cut->parts->pdata[0])->bytes);
  g_assert_true (cut->over_limits & FD_MAIL_OVER_PART_BYTES);
}

static void
test_message_size_limit (void)
{
  FdMailLimits limits = { .max_message_bytes = 200 };
  g_autoptr(FdMail) mail = parse_corpus_with ("attachments.eml", &limits);

  /* Who wrote and about what is still known; the body is not read. */
  g_assert_cmpstr (mail->from->address, ==, "finn@example.com");
  g_assert_cmpstr (mail->subject, ==, "Invoice and photo");
  g_assert_cmpstr (mail->text, ==, "");
  g_assert_cmpuint (mail->parts->len, ==, 0);
  g_assert_true (mail->over_limits & FD_MAIL_OVER_MESSAGE_BYTES);
}

static void
test_text_limit (void)
{
  FdMailLimits limits = { .max_text_bytes = 12 };
  g_autoptr(FdMail) mail = parse_corpus_with ("plain.eml", &limits);

  /* Cut on a character boundary: "über" is not cut inside "ü". */
  g_assert_cmpstr (mail->text, ==, "Hallo,\n\nmein");
  g_assert_true (mail->over_limits & FD_MAIL_OVER_TEXT_BYTES);
  g_clear_pointer (&mail, fd_mail_free);
  limits.max_text_bytes = 26;
  mail = parse_corpus_with ("plain.eml", &limits);
  g_assert_cmpstr (mail->text, ==, "Hallo,\n\nmeine Bestellung ");
}

static void
test_auto_submitted (void)
{
  g_autoptr(FdMail) person = parse_corpus ("auto-submitted-no.eml");

  assert_automatic ("auto-submitted.eml", "Auto-Submitted: auto-replied");
  g_assert_false (fd_mail_is_automatic (person, NULL, NULL));
}

static void
test_precedence (void)
{
  assert_automatic ("precedence-bulk.eml", "Precedence: bulk");
  assert_automatic ("precedence-junk.eml", "Precedence: junk");
}

static void
test_list_headers (void)
{
  assert_automatic ("list-id.eml", "List-Id (list mail)");
  assert_automatic ("list-unsubscribe.eml", "List-Unsubscribe (list mail)");
}

static void
test_x_autoreply (void)
{
  assert_automatic ("x-autoreply.eml", "X-Autoreply");
  assert_automatic ("x-autorespond.eml", "X-Autorespond");
}

static void
test_return_path_empty (void)
{
  assert_automatic ("return-path-empty.eml", "Return-Path <> (a bounce)");
}

static void
test_mail_servers (void)
{
  assert_automatic ("mailer-daemon.eml", "From MAILER-DAEMON@mx.example.com (a mail server)");
  assert_automatic ("postmaster.eml", "From postmaster@mx.example.com (a mail server)");
}

static void
test_own_address (void)
{
  const char * const own[] = { "help@shop.example", "Ana@Example.org", NULL };
  const char * const others[] = { "help@shop.example", NULL };
  g_autoptr(FdMail) mail = parse_corpus ("plain.eml");
  g_autofree char *why = NULL;

  g_assert_false (fd_mail_is_automatic (mail, others, NULL));
  g_assert_true (fd_mail_is_automatic (mail, own, &why));
  g_assert_cmpstr (why, ==, "From ana@example.org, the stream's own address");
}

static void
test_bounce_report (void)
{
  g_autoptr(FdMail) mail = parse_corpus ("bounce-report.eml");

  assert_automatic ("bounce-report.eml", "multipart/report (a bounce or delivery report)");
  g_assert_cmpstr (mail->text, ==, "Your message to nobody@example.org could not be delivered.");
  g_assert_cmpuint (mail->parts->len, ==, 2);
  g_assert_cmpstr (((FdMailPart *) mail->parts->pdata[0])->content_type, ==, "message/delivery-status");
  g_assert_cmpstr (((FdMailPart *) mail->parts->pdata[1])->content_type, ==, "message/rfc822");
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (((FdMailPart *) mail->parts->pdata[1])->bytes, NULL),
                                  -1, "Thanks for your order."));
}

static void
test_unparsable (void)
{
  const char *names[] = { "hostile-empty.eml", "hostile-not-a-mail.eml" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gsize len = 0;
      g_autofree char *data = read_corpus (names[i], &len);
      g_autoptr(GBytes) raw = g_bytes_new (data, len);
      g_autoptr(GError) error = NULL;
      g_autoptr(FdMail) mail = fd_mail_parse (raw, NULL, &error);

      g_assert_null (mail);
      g_assert_error (error, FD_MAIL_ERROR, FD_MAIL_ERROR_UNPARSABLE);
    }
}

static void
test_hostile_forged_from (void)
{
  g_autoptr(FdMail) mail = parse_corpus ("hostile-forged-from.eml");

  /* The encoded display name is a name: the address is the real one. */
  g_assert_cmpstr (mail->from->name, ==, "Support <evil@x>");
  g_assert_cmpstr (mail->from->address, ==, "mallory@attacker.example");
  /* An encoded line break does not make a header. */
  g_assert_cmpstr (mail->subject, ==, "Reset password Bcc: victim@example.com");
  g_assert_cmpuint (mail->cc->len, ==, 0);
}

static void
test_hostile_html (void)
{
  g_autoptr(FdMail) mail = parse_corpus ("hostile-html.eml");

  g_assert_true (mail->text_from_html);
  /* No script, style, comment, iframe, remote image or javascript: URL;
   * a link whose text is another URL shows where it really goes. */
  g_assert_cmpstr (mail->text, ==,
                   "Visible text unclosed\n"
                   "\n"
                   "Win a prize data link https://bank.example/login <http://evil.example/login> "
                   "<script>not run</script>\n");
}

/* A link's URL stays visible, between angle brackets, so that the agent
 * app can make it a link and knows where it ends: parentheses inside it
 * are kept, what would end it early is percent-encoded. */
static void
test_html_links (void)
{
  const char *html =
    "<p>See <a href=\"https://en.wikipedia.org/wiki/Bar_(unit)\">the article</a>, "
    "<a href=\" https://x.example/a b>c\">odd</a>, "
    "<a href=\"mailto:help@acme.test\">write us</a>, "
    "<a href=\"https://plain.example/\">https://plain.example/</a> and "
    "<a href=\"javascript:alert(1)\">no link</a>.</p>";
  g_autofree char *text = fd_mail_text_from_html (html, strlen (html));

  g_assert_cmpstr (text, ==,
                   "See the article <https://en.wikipedia.org/wiki/Bar_(unit)>, "
                   "odd <https://x.example/a%20b%3Ec>, "
                   "write us <help@acme.test>, "
                   "https://plain.example/ and no link.\n");
}

static void
test_hostile_broken_boundary (void)
{
  g_autoptr(FdMail) mail = parse_corpus ("hostile-broken-boundary.eml");

  g_assert_cmpstr (mail->text, ==, "The real text, never closed.");
  g_assert_cmpuint (mail->parts->len, ==, 1);
  assert_part (mail, 0, FD_MAIL_PART_ATTACHMENT, NULL, "application/octet-stream", NULL, "\0\1\2", 3);
}

static void
test_hostile_missing_boundary (void)
{
  g_autoptr(FdMail) mail = parse_corpus ("hostile-missing-boundary.eml");

  /* Nothing is lost: the undivided body is the text. */
  g_assert_nonnull (strstr (mail->text, "Text without a declared boundary."));
}

static void
test_hostile_charsets (void)
{
  g_autoptr(FdMail) bad = parse_corpus ("hostile-bad-charset.eml");
  g_autoptr(FdMail) invalid = parse_corpus ("hostile-invalid-utf8.eml");

  /* An unknown charset reads as UTF-8 with replacement characters. */
  g_assert_cmpstr (bad->text, ==, "caf\xef\xbf\xbd \xef\xbf\xbd end\n");
  g_assert_true (g_str_has_prefix (bad->subject, "café"));
  g_assert_true (g_str_has_suffix (bad->subject, "ok"));
  /* Raw 8-bit header bytes that are not UTF-8 read as windows-1252. */
  g_assert_cmpstr (invalid->subject, ==, "Invalid UTF-8 Ã( in the subject");
  g_assert_cmpstr (invalid->text, ==,
                   "bad \xef\xbf\xbd\xef\xbf\xbd bytes and a NUL \xef\xbf\xbd here\n");
}

static void
test_hostile_truncated_base64 (void)
{
  g_autoptr(FdMail) mail = parse_corpus ("hostile-truncated-base64.eml");
  FdMailPart *photo, *zip;

  g_assert_cmpstr (mail->text, ==, "See attached.");
  g_assert_cmpuint (mail->parts->len, ==, 2);
  photo = mail->parts->pdata[0];
  zip = mail->parts->pdata[1];
  /* A path in a file name is not kept; broken base64 decodes what it can. */
  g_assert_cmpstr (photo->filename, ==, "photo.jpg");
  g_assert_cmpstr (photo->content_type, ==, "image/jpeg");
  g_assert_true (photo->size > 0 && photo->size < 16);
  /* An unknown transfer encoding keeps the bytes as they came. */
  g_assert_cmpstr (zip->content_type, ==, "application/zip");
  g_assert_cmpmem (g_bytes_get_data (zip->bytes, NULL), zip->size, "PK raw\n", 7);
}

static void
test_hostile_empty_parts (void)
{
  /* Found by fuzz-mail-parse: a part with an empty body. */
  const char *raw = "From: e@example.com\nSubject: Empty\nMIME-Version: 1.0\n"
                    "Content-Type: multipart/mixed; boundary=e\n\n"
                    "--e\nContent-Type: text/plain; charset=utf-8\n\n"
                    "--e\nContent-Type: text/html\n\n"
                    "--e\nContent-Type: image/gif\n\n"
                    "--e--\n";
  g_autoptr(FdMail) mail = parse_bytes_with (raw, strlen (raw), NULL);

  g_assert_cmpstr (mail->text, ==, "");
  g_assert_cmpuint (mail->parts->len, ==, 1);
  g_assert_cmpuint (((FdMailPart *) mail->parts->pdata[0])->size, ==, 0);

  /* A mail that is all subject: no body at all. */
  g_clear_pointer (&mail, fd_mail_free);
  raw = "From: e@example.com\nSubject: Call me\n";
  mail = parse_bytes_with (raw, strlen (raw), NULL);
  g_assert_cmpstr (mail->subject, ==, "Call me");
  g_assert_cmpstr (mail->text, ==, "");
}

static GString *
nested_mail (guint depth)
{
  GString *raw = g_string_new ("From: deep@example.com\nSubject: Deep\nMIME-Version: 1.0\n");

  for (guint i = 0; i < depth; i++)
    g_string_append_printf (raw, "Content-Type: multipart/mixed; boundary=\"b%u\"\n\n--b%u\n", i, i);
  g_string_append (raw, "Content-Type: text/plain\n\nThe innermost text.\n");
  for (guint i = depth; i > 0; i--)
    g_string_append_printf (raw, "--b%u--\n", i - 1);
  return raw;
}

static void
test_hostile_deep_nesting (void)
{
  g_autoptr(GString) shallow = nested_mail (3);
  g_autoptr(GString) deep = nested_mail (200);
  g_autoptr(GString) deeper = nested_mail (5000);
  g_autoptr(FdMail) ok = parse_bytes_with (shallow->str, shallow->len, NULL);
  g_autoptr(FdMail) mail = parse_bytes_with (deep->str, deep->len, NULL);
  g_autoptr(FdMail) most = parse_bytes_with (deeper->str, deeper->len, NULL);

  g_assert_cmpstr (ok->text, ==, "The innermost text.");
  g_assert_cmpuint (ok->over_limits, ==, FD_MAIL_OVER_NONE);
  /* Parts deeper than max_depth are not walked, and that is said. */
  g_assert_cmpstr (mail->subject, ==, "Deep");
  g_assert_cmpstr (mail->text, ==, "");
  g_assert_true (mail->over_limits & FD_MAIL_OVER_DEPTH);
  g_assert_cmpuint (mail->parts_dropped, ==, 1);
  /* Far deeper: GMime is not even asked to recurse into it. */
  g_assert_cmpstr (most->from->address, ==, "deep@example.com");
  g_assert_cmpstr (most->text, ==, "");
  g_assert_true (most->over_limits & FD_MAIL_OVER_DEPTH);
}

static void
test_hostile_huge_header (void)
{
  g_autoptr(GString) raw = g_string_new ("From: Olga <olga@example.com>\nX-Junk: ");
  g_autoptr(FdMail) mail = NULL;

  /* A 1 MiB header line before the fields that matter. */
  for (guint i = 0; i < 1024 * 1024 / 8; i++)
    g_string_append (raw, "AAAAAAAA");
  g_string_append (raw, "\nSubject: After the junk\nContent-Type: text/plain; charset=utf-8\n\nStill here.\n");
  mail = parse_bytes_with (raw->str, raw->len, NULL);
  g_assert_cmpstr (mail->from->address, ==, "olga@example.com");
  g_assert_cmpstr (mail->subject, ==, "After the junk");
  g_assert_cmpstr (mail->text, ==, "Still here.\n");
  g_assert_true (mail->over_limits & FD_MAIL_OVER_HEADER_BYTES);

  /* A 1 MiB subject is clipped to a line. */
  g_string_assign (raw, "From: olga@example.com\nSubject: ");
  for (guint i = 0; i < 1024 * 1024 / 8; i++)
    g_string_append (raw, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
  g_string_append (raw, "\n\nbody\n");
  g_clear_pointer (&mail, fd_mail_free);
  {
    FdMailLimits limits = { .max_header_bytes = 2 * 1024 * 1024 };

    mail = parse_bytes_with (raw->str, raw->len, &limits);
  }
  g_assert_cmpuint (strlen (mail->subject), <=, 998);
  g_assert_cmpuint (strlen (mail->subject), >=, 996);
  g_assert_cmpstr (mail->text, ==, "body\n");
}

static void
test_hostile_many_parts (void)
{
  g_autoptr(GString) raw = g_string_new ("From: p@example.com\nSubject: Parts\nMIME-Version: 1.0\n"
                                         "Content-Type: multipart/mixed; boundary=\"p\"\n\n");
  g_autoptr(FdMail) mail = NULL;

  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (raw, "--p\nContent-Type: application/octet-stream\n\npart %u\n", i);
  g_string_append (raw, "--p--\n");
  mail = parse_bytes_with (raw->str, raw->len, NULL);
  g_assert_cmpuint (mail->parts->len, ==, FD_MAIL_DEFAULT_MAX_PARTS);
  g_assert_cmpuint (mail->parts_dropped, ==, 1000 - FD_MAIL_DEFAULT_MAX_PARTS);
  g_assert_true (mail->over_limits & FD_MAIL_OVER_PARTS);
}

static gpointer
parse_in_thread (gpointer data)
{
  test_attachments ();
  test_hostile_html ();
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();

  /* Parsing in several threads at once (the fetch workers) is safe. */
  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (threads, g_thread_new ("parse", parse_in_thread, NULL));
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (threads->pdata[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mail-parse/headers", test_headers);
  g_test_add_func ("/mail-parse/references-bounded", test_references_bounded);
  g_test_add_func ("/mail-parse/dedupe-key", test_dedupe_key);
  g_test_add_func ("/mail-parse/token", test_token);
  g_test_add_func ("/mail-parse/flowed", test_flowed);
  g_test_add_func ("/mail-parse/unflow-without-delsp", test_unflow_without_delsp);
  g_test_add_func ("/mail-parse/charsets", test_charsets);
  g_test_add_func ("/mail-parse/html-only", test_html_only);
  g_test_add_func ("/mail-parse/alternative-prefers-plain", test_alternative_prefers_plain);
  g_test_add_func ("/mail-parse/attachments", test_attachments);
  g_test_add_func ("/mail-parse/part-limits", test_part_limits);
  g_test_add_func ("/mail-parse/message-size-limit", test_message_size_limit);
  g_test_add_func ("/mail-parse/text-limit", test_text_limit);
  g_test_add_func ("/mail-parse/automatic/auto-submitted", test_auto_submitted);
  g_test_add_func ("/mail-parse/automatic/precedence", test_precedence);
  g_test_add_func ("/mail-parse/automatic/list-headers", test_list_headers);
  g_test_add_func ("/mail-parse/automatic/x-autoreply", test_x_autoreply);
  g_test_add_func ("/mail-parse/automatic/return-path-empty", test_return_path_empty);
  g_test_add_func ("/mail-parse/automatic/mail-servers", test_mail_servers);
  g_test_add_func ("/mail-parse/automatic/own-address", test_own_address);
  g_test_add_func ("/mail-parse/automatic/bounce-report", test_bounce_report);
  g_test_add_func ("/mail-parse/unparsable", test_unparsable);
  g_test_add_func ("/mail-parse/hostile/forged-from", test_hostile_forged_from);
  g_test_add_func ("/mail-parse/hostile/html", test_hostile_html);
  g_test_add_func ("/mail-parse/hostile/broken-boundary", test_hostile_broken_boundary);
  g_test_add_func ("/mail-parse/hostile/missing-boundary", test_hostile_missing_boundary);
  g_test_add_func ("/mail-parse/hostile/charsets", test_hostile_charsets);
  g_test_add_func ("/mail-parse/hostile/truncated-base64", test_hostile_truncated_base64);
  g_test_add_func ("/mail-parse/hostile/empty-parts", test_hostile_empty_parts);
  g_test_add_func ("/mail-parse/hostile/deep-nesting", test_hostile_deep_nesting);
  g_test_add_func ("/mail-parse/hostile/huge-header", test_hostile_huge_header);
  g_test_add_func ("/mail-parse/hostile/many-parts", test_hostile_many_parts);
  g_test_add_func ("/mail-parse/hostile/content-type-not-ascii", test_content_type_not_ascii);
  g_test_add_func ("/mail-parse/threads", test_threads);
  g_test_add_func ("/mail-parse/html-links", test_html_links);
  return g_test_run ();
}
