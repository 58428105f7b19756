#define G_LOG_DOMAIN "fd-mail-parse"

/* The header fields of a mail read into an FdMail (fd-mail-parse.c calls
 * mail_read_headers()): From, To, Cc and Reply-To as address lists,
 * subject, date, Message-ID, In-Reply-To and References (bounded), the
 * conversation token of the subject; every one-line field cleaned into safe
 * UTF-8 and clipped. Also the dedupe key, from the Message-ID or, without
 * one, from the date, sender, subject and the start of the body. */

#include "fd-mail-parse.h"
#include "fd-mail-parse-private.h"

#include <string.h>

#include <gmime/gmime.h>

/* One-line fields (subject, names, ids, file names) are clipped here: RFC
 * 5322 allows 998 characters a line, and nothing longer is worth a column. */
#define MAX_FIELD_BYTES 998
/* Addresses kept of each of To, Cc and Reply-To. */
#define MAX_ADDRESSES 200
/* The fallback dedupe key reads this much of the body. */
#define DEDUPE_BODY_BYTES 1024

void
mail_address_free (gpointer data)
{
  FdMailAddress *address = data;

  if (address == NULL)
    return;
  g_free (address->name);
  g_free (address->address);
  g_free (address);
}

/* Cuts @s (valid UTF-8) to at most @max bytes, on a character boundary. */
void
mail_clip_utf8 (GString *s,
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
char *
mail_clean_line (const char *text)
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
  mail_clip_utf8 (out, MAX_FIELD_BYTES);
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
          g_autofree char *addr = mail_clean_line (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)));
          FdMailAddress *address;

          if (addr == NULL)
            continue;
          address = g_new0 (FdMailAddress, 1);
          address->name = mail_clean_line (internet_address_get_name (ia));
          address->address = g_steal_pointer (&addr);
          g_ptr_array_add (into, address);
        }
    }
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
        mail->in_reply_to = mail_clean_line (g_mime_references_get_message_id (refs, 0));
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
      char *id = mail_clean_line (g_mime_references_get_message_id (refs, i));
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
gsize
mail_find_body (const guint8 *data,
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

char *
mail_dedupe_key (FdMail       *mail,
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
      gsize body = mail_find_body (raw, len);
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

void
mail_read_headers (FdMail             *mail,
                   GMimeMessage       *message,
                   GMimeParserOptions *options,
                   const FdMailLimits *limits)
{
  g_autoptr(GPtrArray) from = g_ptr_array_new_with_free_func (mail_address_free);
  g_autofree char *subject = NULL;
  GDateTime *date;

  add_addresses (from, g_mime_message_get_from (message), 0);
  if (from->len > 0)
    mail->from = g_ptr_array_steal_index (from, 0);
  add_addresses (mail->to, g_mime_message_get_to (message), 0);
  add_addresses (mail->cc, g_mime_message_get_cc (message), 0);
  add_addresses (mail->reply_to, g_mime_message_get_reply_to (message), 0);

  subject = mail_clean_line (g_mime_message_get_subject (message));
  mail->subject = subject != NULL ? g_steal_pointer (&subject) : g_strdup ("");
  date = g_mime_message_get_date (message);
  mail->date = date != NULL ? g_date_time_ref (date) : NULL;
  mail->message_id = mail_clean_line (g_mime_message_get_message_id (message));
  if (mail->message_id != NULL && strchr (mail->message_id, ' ') != NULL)
    g_clear_pointer (&mail->message_id, g_free);
  read_references (mail, GMIME_OBJECT (message), options, limits);
  mail->token = find_token (mail->subject);
}
