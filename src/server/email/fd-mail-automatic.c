#define G_LOG_DOMAIN "fd-mail-parse"

/* Loop protection: the rules that tell automatic mail (auto-replies,
 * bounces and delivery reports, list and bulk mail, mail from a mail
 * server) from a person's mail. mail_automatic_reason() reads them off the
 * parsed message once (fd_mail_parse() keeps the reason in the FdMail);
 * fd_mail_is_automatic() answers with that reason, or because the mail
 * comes from the stream's own address. */

#include "fd-mail-parse.h"
#include "fd-mail-parse-private.h"

#include <string.h>

#include <gmime/gmime.h>

static const char *
header_value (GMimeObject *object,
              const char  *name)
{
  GMimeHeader *header = g_mime_header_list_get_header (g_mime_object_get_header_list (object), name);

  return header != NULL ? g_mime_header_get_value (header) : NULL;
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
  g_autofree char *line = mail_clean_line (value);
  char *end;

  if (line == NULL)
    return NULL;
  end = line + strcspn (line, " ;(");
  *end = '\0';
  return g_ascii_strdown (line, -1);
}

char *
mail_automatic_reason (FdMail      *mail,
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
  if (body != NULL && mail_is_type (body, "multipart", "report"))
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
