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
/* The contact's record in the CRM's web UI (docs/app.md, "CRM") when it
 * is an https URL with a host; NULL otherwise (nothing else is opened). */
const char *fd_format_crm_record_url (const FdContact *contact);
/* What the contact pop's notification says: the name with the CRM label,
 * then the company on its own line when the CRM named one. */
char       *fd_format_crm_details    (const FdConversation *conversation);

/* A returning customer (docs/app.md, "A returning customer"): the name the
 * visitor typed for this conversation, else the contact's; NULL for none. */
const char *fd_format_visitor_name   (const FdConversation *conversation);
/* fd_format_from() with what the visitor typed in place of the contact's
 * name and email address; a tweet's customer with their handle, "Natalie
 * Maines (@nmaines)". */
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

/* Errors of fd_format_parse_addresses(): every message is a sentence the
 * window can show as it is. */
#define FD_FORMAT_ERROR (fd_format_error_quark ())
GQuark      fd_format_error_quark    (void);
typedef enum {
  FD_FORMAT_ERROR_ADDRESS,    /* an item is not one email address */
  FD_FORMAT_ERROR_TOO_MANY,   /* more than FD_FORMAT_MAX_ADDRESSES */
} FdFormatError;

/* The protocol's bound on To and Cc (docs/protocol.md, "send-message"). */
#define FD_FORMAT_MAX_ADDRESSES 100

/* One mailbox as a person reads and writes it: "Name <address>", the
 * name quoted when it holds a comma, a quote or a bracket; the address
 * alone without a name. */
char       *fd_format_mailbox        (const char *name,
                                      const char *address);
/* The To or Cc field as typed: mailboxes separated by commas or
 * semicolons ("Ada <ada@example.com>, bob@example.com"; a quoted name may
 * hold a comma), each with a plain local@domain address, as the server
 * accepts them (it checks again). Returns the mailboxes, written back by
 * fd_format_mailbox() (empty for a blank field), or NULL with an
 * FD_FORMAT_ERROR naming the item. */
char      **fd_format_parse_addresses (const char  *text,
                                       GError     **error);
/* TRUE for a plain address "local@domain": one @, no spaces, brackets,
 * quotes, commas or control characters, at most 254 bytes. */
gboolean    fd_format_address_is_plain (const char *address);

/* A supervisor's line for a stream that needs attention: "Email stream
 * “Support” needs attention: <reason>"; a twitter stream's names the X API
 * calls of the day, "X stream “Kakapo on X” needs authorization: <reason>
 * (3 X API calls today)". */
char       *fd_format_stream_health  (const FdStreamHealthInfo *info);

G_END_DECLS
