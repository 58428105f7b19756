#define G_LOG_DOMAIN "fd-format"

#include <glib/gi18n.h>

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
