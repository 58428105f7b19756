#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The phone call the agent started from the app (a callback), as far as the
 * app knows: it begins when the app hands the number to the dialer and
 * lasts until the agent says how the call went. One call at a time: the
 * guide's rule that an agent already on a call cannot start a callback. */
#define FD_TYPE_CALL_STATE (fd_call_state_get_type ())
G_DECLARE_FINAL_TYPE (FdCallState, fd_call_state, FD, CALL_STATE, GObject)

#define FD_CALL_STATE_ERROR (fd_call_state_error_quark ())
typedef enum {
  FD_CALL_STATE_ERROR_BUSY,
} FdCallStateError;

GQuark       fd_call_state_error_quark        (void);

FdCallState *fd_call_state_new                (void);
/* Starts a call to @name in @conversation_id; fails with BUSY, naming the
 * call in progress, when there is one. */
gboolean     fd_call_state_begin              (FdCallState  *self,
                                               gint64        conversation_id,
                                               const char   *name,
                                               GError      **error);
/* Ends the call of @conversation_id (nothing happens for another id). */
void         fd_call_state_end                (FdCallState  *self,
                                               gint64        conversation_id);
gboolean     fd_call_state_get_on_call        (FdCallState  *self);
gint64       fd_call_state_get_conversation_id (FdCallState *self);

G_END_DECLS
