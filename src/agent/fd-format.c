#define G_LOG_DOMAIN "fd-format"

#include <glib/gi18n.h>
#include <string.h>

#include "fd-format.h"

char *
fd_format_duration (gint64 usec)
{
  gint64 seconds = usec > 0 ? usec / G_USEC_PER_SEC : 0;

  if (seconds >= 3600)
    return g_strdup_printf ("%02" G_GINT64_FORMAT ":%02d:%02d",
                            seconds / 3600, (int) (seconds / 60 % 60), (int) (seconds % 60));
  return g_strdup_printf ("%02d:%02d", (int) (seconds / 60), (int) (seconds % 60));
}

char *
fd_format_day (GDateTime *when)
{
  g_return_val_if_fail (when != NULL, NULL);

  /* Translators: a transcript's day line, a g_date_time_format() string.
   * "%-d" is the day of the month without padding ("%e" pads with a
   * space: "Sunday,  6 December 2026"). */
  return g_date_time_format (when, _("%A, %-d %B %Y"));
}

const char *
fd_format_activity (FdStreamKind kind)
{
  switch (kind)
    {
    case FD_STREAM_WEBCHAT:
      return _("WebChat");
    case FD_STREAM_CALLBACK:
      return _("Callback");
    case FD_STREAM_EMAIL:
      return _("Email");
    case FD_STREAM_TWITTER:
      return _("Tweet");
    default:
      return _("Conversation");
    }
}

const char *
fd_format_activity_icon (FdStreamKind kind)
{
  /* Icons of the Adwaita icon theme that Debian 12 ships, so that the list
   * never shows a missing-image placeholder. */
  switch (kind)
    {
    case FD_STREAM_WEBCHAT:
      return "user-available-symbolic";
    case FD_STREAM_CALLBACK:
      return "call-start-symbolic";
    case FD_STREAM_EMAIL:
      return "mail-unread-symbolic";
    case FD_STREAM_TWITTER:
      return "send-to-symbolic";
    default:
      return "dialog-question-symbolic";
    }
}

static gboolean
is_set (const char *s)
{
  return s != NULL && *s != '\0';
}

char *
fd_format_from (const FdContact *contact)
{
  const char *name = NULL;

  if (contact != NULL)
    {
      if (is_set (contact->name))
        name = contact->name;
      else if (is_set (contact->email))
        name = contact->email;
      else if (is_set (contact->phone))
        name = contact->phone;
      else if (is_set (contact->twitter_handle))
        name = contact->twitter_handle;
    }
  if (name == NULL)
    name = _("Unknown visitor");

  if (contact == NULL || !is_set (contact->crm_label))
    return g_strdup (name);
  /* The protocol carries the label with its brackets; accept it without. */
  if (contact->crm_label[0] == '(')
    return g_strdup_printf ("%s %s", name, contact->crm_label);
  return g_strdup_printf ("%s (%s)", name, contact->crm_label);
}

const char *
fd_format_crm_record_url (const FdContact *contact)
{
  g_autoptr(GUri) uri = NULL;

  if (contact == NULL || !is_set (contact->crm_record_url))
    return NULL;
  uri = g_uri_parse (contact->crm_record_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' || g_uri_get_userinfo (uri) != NULL)
    return NULL;
  return contact->crm_record_url;
}

char *
fd_format_crm_details (const FdConversation *conversation)
{
  g_autofree char *from = fd_format_visitor (conversation);
  const FdContact *contact = conversation != NULL ? conversation->contact : NULL;

  if (contact == NULL || !is_set (contact->crm_company))
    return g_steal_pointer (&from);
  return g_strconcat (from, "\n", contact->crm_company, NULL);
}

/* What the visitor typed for this conversation comes first: an agent talks
 * to the person in the chat, who may not be the contact on file (docs/app.md,
 * "A returning customer"). */
const char *
fd_format_visitor_name (const FdConversation *conversation)
{
  if (conversation == NULL)
    return NULL;
  if (is_set (conversation->visitor_name))
    return conversation->visitor_name;
  if (conversation->contact != NULL && is_set (conversation->contact->name))
    return conversation->contact->name;
  return NULL;
}

char *
fd_format_visitor (const FdConversation *conversation)
{
  FdContact shown = { 0 };

  if (conversation == NULL)
    return fd_format_from (NULL);
  if (conversation->contact != NULL)
    shown = *conversation->contact;
  if (is_set (conversation->visitor_name))
    shown.name = conversation->visitor_name;
  if (is_set (conversation->visitor_email))
    shown.email = conversation->visitor_email;
  /* A tweet's customer is known by their display name and handle on X
   * (the issue: "From = the customer's name and @handle"):
   * "Natalie Maines (@nmaines)". */
  if (conversation->kind == FD_STREAM_TWITTER && is_set (shown.name) && is_set (shown.twitter_handle))
    {
      g_autofree char *named = g_strdup_printf ("%s (%s%s)", shown.name,
                                                shown.twitter_handle[0] == '@' ? "" : "@", shown.twitter_handle);

      shown.name = named;
      return fd_format_from (&shown);
    }
  return fd_format_from (&shown);
}

char *
fd_format_on_file (const FdConversation *conversation)
{
  g_autofree char *typed = NULL;
  g_autofree char *stored = NULL;

  if (conversation == NULL || !is_set (conversation->visitor_name) ||
      conversation->contact == NULL || !is_set (conversation->contact->name))
    return NULL;
  /* "ada lovelace" is the same name as "Ada Lovelace". */
  typed = g_utf8_casefold (conversation->visitor_name, -1);
  stored = g_utf8_casefold (conversation->contact->name, -1);
  if (g_utf8_collate (typed, stored) == 0)
    return NULL;
  return g_strdup_printf (_("On file as %s"), conversation->contact->name);
}

const char *
fd_format_address_note (const FdConversation *conversation)
{
  if (conversation == NULL || conversation->address_verified)
    return NULL;
  if (!is_set (conversation->visitor_email) &&
      (conversation->contact == NULL ||
       (!is_set (conversation->contact->email) && !is_set (conversation->contact->phone))))
    return NULL;
  return _("Not verified");
}

char *
fd_format_browser (const FdConversation *conversation)
{
  const char *browser, *os;

  if (conversation == NULL)
    return NULL;
  /* The server reads a web chat's User-Agent; a name it did not know is
   * absent. Other channels have none. */
  if (conversation->browser == NULL && conversation->os == NULL &&
      conversation->kind != FD_STREAM_WEBCHAT)
    return NULL;
  if (conversation->browser == NULL && conversation->os == NULL)
    return g_strdup (_("Unknown"));
  browser = conversation->browser != NULL ? conversation->browser : _("Unknown");
  os = conversation->os != NULL ? conversation->os : _("Unknown");
  /* Translators: a browser on a system, "Firefox on Linux". */
  return g_strdup_printf (_("%s on %s"), browser, os);
}

char *
fd_format_note (const FdMessage *message)
{
  g_return_val_if_fail (message != NULL, NULL);

  if (message->direction != FD_DIRECTION_SYSTEM || message->note == NULL ||
      message->author_name == NULL || *message->author_name == '\0')
    return NULL;
  /* Translators: a line of the transcript; %s is the agent who reserved
   * the conversation. */
  if (g_str_equal (message->note, FD_NOTE_RESERVED))
    return g_strdup_printf (_("Reserved by %s"), message->author_name);
  /* Translators: a line of the transcript; %s is the colleague who took
   * the conversation over. */
  if (g_str_equal (message->note, FD_NOTE_TRANSFERRED))
    return g_strdup_printf (_("Transferred to %s"), message->author_name);
  return NULL;
}

/* --- email addresses ------------------------------------------------------------ */

G_DEFINE_QUARK (fd-format-error-quark, fd_format_error)

#define ADDRESS_MAX 254  /* RFC 5321's path limit, less the brackets */

gboolean
fd_format_address_is_plain (const char *address)
{
  const char *at;

  if (address == NULL)
    return FALSE;
  at = strrchr (address, '@');
  if (at == NULL || at == address || at[1] == '\0' || strlen (address) > ADDRESS_MAX ||
      strchr (address, '@') != at)
    return FALSE;
  for (const char *p = address; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f || strchr ("<>()[]\\,;:\"", *p) != NULL)
      return FALSE;
  return TRUE;
}

char *
fd_format_mailbox (const char *name,
                   const char *address)
{
  GString *out;

  g_return_val_if_fail (address != NULL, NULL);

  if (name == NULL || *name == '\0')
    return g_strdup (address);
  if (strpbrk (name, ",;:<>()[]@\"\\") == NULL)
    return g_strdup_printf ("%s <%s>", name, address);
  out = g_string_new ("\"");
  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_printf (out, "\" <%s>", address);
  return g_string_free (out, FALSE);
}

static gboolean
address_error (GError     **error,
               const char  *item)
{
  g_set_error (error, FD_FORMAT_ERROR, FD_FORMAT_ERROR_ADDRESS,
               _("“%s” is not an email address. Write it as name@example.com or Name <name@example.com>."),
               item);
  return FALSE;
}

/* One item of the field: "address", "Name <address>" or "\"Name\" <address>". */
static gboolean
parse_mailbox (const char  *item,
               char       **name,
               char       **address,
               GError     **error)
{
  const char *open = strrchr (item, '<');
  g_autofree char *display = NULL;
  g_autofree char *addr = NULL;

  if (open == NULL)
    {
      if (!fd_format_address_is_plain (item))
        return address_error (error, item);
      *name = NULL;
      *address = g_strdup (item);
      return TRUE;
    }
  if (!g_str_has_suffix (item, ">"))
    return address_error (error, item);
  addr = g_strndup (open + 1, strlen (open + 1) - 1);
  g_strstrip (addr);
  if (!fd_format_address_is_plain (addr))
    return address_error (error, item);
  display = g_strstrip (g_strndup (item, open - item));
  if (display[0] == '"')
    {
      GString *unquoted = g_string_new (NULL);
      const char *p = display + 1;

      for (; *p != '\0' && *p != '"'; p++)
        {
          if (*p == '\\' && p[1] != '\0')
            p++;
          g_string_append_c (unquoted, *p);
        }
      if (*p != '"' || p[1] != '\0')
        {
          g_string_free (unquoted, TRUE);
          return address_error (error, item);
        }
      g_free (display);
      display = g_string_free (unquoted, FALSE);
    }
  else if (strpbrk (display, "<>\"") != NULL)
    return address_error (error, item);
  *name = *display != '\0' ? g_steal_pointer (&display) : NULL;
  *address = g_steal_pointer (&addr);
  return TRUE;
}

char **
fd_format_parse_addresses (const char  *text,
                           GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GString) item = g_string_new (NULL);
  gboolean quoted = FALSE;
  gboolean bracketed = FALSE;
  guint n = 0;

  g_return_val_if_fail (text != NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL) || strpbrk (text, "\r\n") != NULL)
    {
      g_set_error (error, FD_FORMAT_ERROR, FD_FORMAT_ERROR_ADDRESS,
                   _("An address list is one line of text."));
      return NULL;
    }
  for (const char *p = text;; p++)
    {
      if (*p == '\0' || (!quoted && !bracketed && (*p == ',' || *p == ';')))
        {
          g_autofree char *one = g_strstrip (g_strdup (item->str));
          g_autofree char *name = NULL;
          g_autofree char *address = NULL;

          g_string_truncate (item, 0);
          if (*one != '\0')
            {
              if (!parse_mailbox (one, &name, &address, error))
                return NULL;
              if (++n > FD_FORMAT_MAX_ADDRESSES)
                {
                  g_set_error (error, FD_FORMAT_ERROR, FD_FORMAT_ERROR_TOO_MANY,
                               _("A mail can have at most %d addresses in To and %d in Cc."),
                               FD_FORMAT_MAX_ADDRESSES, FD_FORMAT_MAX_ADDRESSES);
                  return NULL;
                }
              g_autofree char *written = fd_format_mailbox (name, address);

              g_strv_builder_add (builder, written);
            }
          if (*p == '\0')
            break;
          continue;
        }
      if (*p == '\\' && quoted && p[1] != '\0')
        {
          g_string_append_c (item, *p++);
        }
      else if (*p == '"' && !bracketed)
        quoted = !quoted;
      else if (*p == '<' && !quoted)
        bracketed = TRUE;
      else if (*p == '>' && !quoted)
        bracketed = FALSE;
      g_string_append_c (item, *p);
    }
  return g_strv_builder_end (builder);
}

/* The stream-health strip's line for one stream (docs/app.md, "Stream
 * health"). */
char *
fd_format_stream_health (const FdStreamHealthInfo *info)
{
  const char *reason = info->reason != NULL && *info->reason != '\0' ? info->reason : _("no reason given");
  const char *name = info->name != NULL ? info->name : "";

  if (info->kind == FD_STREAM_EMAIL)
    {
      if (info->health == FD_STREAM_HEALTH_NEEDS_AUTHORIZATION)
        /* TRANSLATORS: %s are the stream's name and the server's reason. */
        return g_strdup_printf (_("Email stream “%s” needs authorization: %s"), name, reason);
      /* TRANSLATORS: %s are the stream's name and the server's reason. */
      return g_strdup_printf (_("Email stream “%s” needs attention: %s"), name, reason);
    }
  if (info->kind == FD_STREAM_TWITTER)
    {
      /* X bills reads: the day's calls tell a supervisor what the polling
       * cycle costs (docs/twitter.md, "Health"). */
      /* TRANSLATORS: %d is the number of X API calls the stream made since 00:00 UTC. */
      g_autofree char *calls = g_strdup_printf (ngettext ("%d X API call today", "%d X API calls today",
                                                          info->calls_today), info->calls_today);

      if (info->health == FD_STREAM_HEALTH_NEEDS_AUTHORIZATION)
        /* TRANSLATORS: %s are the stream's name, the server's reason and the calls of the day. */
        return g_strdup_printf (_("X stream “%s” needs authorization: %s (%s)"), name, reason, calls);
      /* TRANSLATORS: %s are the stream's name, the server's reason and the calls of the day. */
      return g_strdup_printf (_("X stream “%s” needs attention: %s (%s)"), name, reason, calls);
    }
  if (info->health == FD_STREAM_HEALTH_NEEDS_AUTHORIZATION)
    /* TRANSLATORS: %s are the stream's name and the server's reason. */
    return g_strdup_printf (_("Media stream “%s” needs authorization: %s"), name, reason);
  /* TRANSLATORS: %s are the stream's name and the server's reason. */
  return g_strdup_printf (_("Media stream “%s” needs attention: %s"), name, reason);
}
