#pragma once

#include "fd-conversation-part.h"

G_BEGIN_DECLS

/* The transcript (docs/app.md, "The Web Chat window"): the model's
 * messages, each with its author, local time, text (links for http(s)
 * URLs only), attachments and send state ("Sending…", "Not sent: …" with
 * Retry); a day separator before each new day; follows new content while
 * the view is at the bottom. */

#define FD_TYPE_TRANSCRIPT_VIEW (fd_transcript_view_get_type ())
G_DECLARE_FINAL_TYPE (FdTranscriptView, fd_transcript_view, FD, TRANSCRIPT_VIEW, FdConversationPart)

/* The context menu of each message's text (e.g. "Add Reply to Cache"). */
void        fd_transcript_view_set_extra_menu (FdTranscriptView    *self,
                                               GMenuModel          *menu);
/* Messages shown (system lines included, day separators not). */
guint       fd_transcript_view_get_n_messages (FdTranscriptView    *self);
/* The plain texts of the messages, one per line. */
char       *fd_transcript_view_dup_text       (FdTranscriptView    *self);
/* The selected text of @widget when it is a message's text, else NULL. */
char       *fd_transcript_view_dup_selection  (FdTranscriptView    *self,
                                               GtkWidget           *widget);

/* A message's text as Pango markup: everything escaped, and links only
 * around http(s) URLs that GUri parsed (re-serialized). */
char       *fd_transcript_view_text_to_markup (const char          *text);

G_END_DECLS
