#pragma once

/* FdCenterSink: how sockets subscribe to the live center
 * (docs/architecture.md, "The parts"). The center knows no socket and no
 * HTTP: after each commit it hands the frames the transaction produced to
 * every registered sink, in the order they were produced, and asks the
 * sinks to close sockets or whether an agent is online. The agent and
 * visitor APIs (src/server/api) keep the socket registries and register
 * one sink each; a sink leaves out the functions it has no use for. */

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  /* An agent event was committed: send @text to the agent sockets of
   * @organization_id past their hello that were not sent @seq yet and
   * whose agent may see an event of (@queue_id, @agent_id)
   * (fd_center_agent_may_see()). @folded: a `conversation` event that
   * only repeats the conversation the `message` event before it carried;
   * sockets whose hello set `message_conversation` skip it. */
  void     (*agent_event)   (gpointer     sink,
                             gint64       organization_id,
                             gint64       seq,
                             gint64       queue_id,
                             gint64       agent_id,
                             gboolean     folded,
                             const char  *text);
  /* A visitor frame was committed: send @text to the visitor sockets of
   * @conversation_id past their hello. */
  void     (*visitor_frame) (gpointer     sink,
                             gint64       conversation_id,
                             const char  *text);
  /* Whether @agent_id has an open socket past its hello. */
  gboolean (*agent_online)  (gpointer     sink,
                             gint64       agent_id);
  /* Close the open agent sockets of a token (by its hash) with @code and
   * @reason. */
  void     (*close_token)   (gpointer     sink,
                             const char  *token_hash,
                             gushort      code,
                             const char  *reason);
  /* Close the open sockets of an agent with @code and @reason. */
  void     (*close_agent)   (gpointer     sink,
                             gint64       organization_id,
                             gint64       agent_id,
                             gushort      code,
                             const char  *reason);
} FdCenterSink;

G_END_DECLS
