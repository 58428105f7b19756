#define G_LOG_DOMAIN "fd-fuzz"

/* libFuzzer target: every input is a received mail for fd_mail_parse()
 * (src/server/email/fd-mail-parse.c), with low limits so that every limit
 * is reached. A mail parses or gives FD_MAIL_ERROR_UNPARSABLE; what it
 * gives is valid UTF-8 within the limits; anything else is a bug and
 * aborts. The seeds are the mails of tests/email/corpus. */

#include <string.h>

#include "fd-mail-parse.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_utf8 (const char *text,
            const char *what)
{
  if (text != NULL && !g_utf8_validate (text, -1, NULL))
    g_error ("The mail's %s is not valid UTF-8.", what);
}

static void
check_address (const FdMailAddress *address)
{
  check_utf8 (address->name, "display name");
  check_utf8 (address->address, "address");
  if (address->address == NULL || strchr (address->address, '\n') != NULL)
    g_error ("An address is missing or spans lines.");
}

static void
check_addresses (GPtrArray *list)
{
  for (guint i = 0; i < list->len; i++)
    check_address (list->pdata[i]);
}

static void
check_mail (const FdMail       *mail,
            const FdMailLimits *limits)
{
  if (mail->from != NULL)
    check_address (mail->from);
  check_addresses (mail->to);
  check_addresses (mail->cc);
  check_addresses (mail->reply_to);
  check_utf8 (mail->subject, "subject");
  if (mail->subject == NULL || strchr (mail->subject, '\n') != NULL || strchr (mail->subject, '\r') != NULL)
    g_error ("The subject is missing or spans lines.");
  check_utf8 (mail->message_id, "Message-ID");
  check_utf8 (mail->in_reply_to, "In-Reply-To");
  if (mail->dedupe_key == NULL || strlen (mail->dedupe_key) != 64)
    g_error ("The dedupe key is not a SHA-256.");
  if (mail->token < 0)
    g_error ("A negative conversation token.");
  if (mail->references->len > limits->max_references)
    g_error ("More references than the limit.");
  for (guint i = 0; i < mail->references->len; i++)
    check_utf8 (mail->references->pdata[i], "References");
  check_utf8 (mail->text, "text");
  if (strlen (mail->text) > limits->max_text_bytes)
    g_error ("The text is over its limit.");
  if (mail->parts->len > limits->max_parts)
    g_error ("More parts than the limit.");
  for (guint i = 0; i < mail->parts->len; i++)
    {
      FdMailPart *part = mail->parts->pdata[i];

      check_utf8 (part->filename, "file name");
      check_utf8 (part->content_type, "content type");
      check_utf8 (part->content_id, "content id");
      if (part->filename != NULL && (strchr (part->filename, '/') != NULL || strchr (part->filename, '\\') != NULL))
        g_error ("A file name holds a path.");
      if (part->bytes != NULL && (g_bytes_get_size (part->bytes) != part->size || part->size > limits->max_part_bytes))
        g_error ("A part's bytes disagree with its size or limit.");
      if (part->bytes == NULL && !(mail->over_limits & FD_MAIL_OVER_PART_BYTES))
        g_error ("A part without bytes, not reported.");
    }
  if (mail->parts_dropped > 0 && !(mail->over_limits & (FD_MAIL_OVER_PARTS | FD_MAIL_OVER_DEPTH)))
    g_error ("Parts dropped without a report.");
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const char * const own[] = { "support@shop.example", NULL };
  FdMailLimits limits = {
    .max_message_bytes = 64 * 1024,
    .max_header_bytes = 2048,
    .max_part_bytes = 512,
    .max_text_bytes = 1024,
    .max_parts = 4,
    .max_depth = 4,
    .max_references = 3,
  };
  g_autoptr(GBytes) raw = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdMail) mail = fd_mail_parse (raw, &limits, &error);
  g_autofree char *reason = NULL;

  if (mail == NULL)
    {
      if (!g_error_matches (error, FD_MAIL_ERROR, FD_MAIL_ERROR_UNPARSABLE))
        g_error ("A mail was refused without FD_MAIL_ERROR_UNPARSABLE.");
      return 0;
    }
  if (error != NULL)
    g_error ("A mail parsed with an error set.");
  check_mail (mail, &limits);
  if (fd_mail_is_automatic (mail, own, &reason) != (reason != NULL))
    g_error ("An automatic mail without a reason, or a reason for a person's.");
  check_utf8 (reason, "automatic reason");
  return 0;
}
