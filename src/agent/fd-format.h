#pragma once

#include <glib.h>

#include "fd-protocol.h"

G_BEGIN_DECLS

/* The display texts of the Activity List (docs/app.md, "Display formats"),
 * kept apart from the models so that the chat window and the tests format
 * the same way. */

/* A clock in microseconds since the Unix epoch; models take one so that
 * tests can move time by hand. */
typedef gint64 (*FdClockFunc) (gpointer user_data);

/* "mm:ss" below one hour, "hh:mm:ss" from one hour on; negative spans
 * (a server clock ahead of ours) show as "00:00". */
char       *fd_format_duration       (gint64        usec);
/* A transcript's day line in the user's language: "Sunday, 6 December
 * 2026", the day of the month without padding. */
char       *fd_format_day            (GDateTime    *when);
/* "WebChat", "Callback", "Email", "Tweet". */
const char *fd_format_activity       (FdStreamKind  kind);
const char *fd_format_activity_icon  (FdStreamKind  kind);
/* The customer's name (or address, number, handle) and the CRM label:
 * "Jenna (Zendesk user)". */
char       *fd_format_from           (const FdContact *contact);

/* A returning customer (docs/app.md, "A returning customer"): the name the
 * visitor typed for this conversation, else the contact's; NULL for none. */
const char *fd_format_visitor_name   (const FdConversation *conversation);
/* fd_format_from() with what the visitor typed in place of the contact's
 * name and email address. */
char       *fd_format_visitor        (const FdConversation *conversation);
/* "On file as Ada Lovelace" when the typed name differs from the linked
 * contact's (ignoring case); NULL otherwise. */
char       *fd_format_on_file        (const FdConversation *conversation);
/* "Not verified" when the conversation shows an address (email or phone)
 * that its channel did not prove; NULL otherwise. */
const char *fd_format_address_note   (const FdConversation *conversation);

/* The visitor's browser and system from the User-Agent, "Firefox on
 * Linux", with "Unknown" for one the server did not know; NULL for a
 * conversation of another channel that has none. */
char       *fd_format_browser        (const FdConversation *conversation);
/* A system note in the user's language ("Reserved by Jenna") when the
 * server gave it a kind the app knows (docs/protocol.md, "System notes");
 * NULL otherwise: the message's own text is shown. */
char       *fd_format_note           (const FdMessage      *message);

G_END_DECLS
