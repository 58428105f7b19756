#pragma once

/* FdWsBudget: a bound on what one websocket may owe its client
 * (docs/architecture.md, "Output budgets").
 *
 * libsoup queues every frame it is given until the kernel takes it, without
 * a limit, so a client that stops reading would make the server grow
 * without end. Every frame for a socket goes through fd_ws_budget_send(),
 * which counts what was handed over and, near the budget, asks the kernel
 * how much of it the socket has taken (TCP_INFO bytes acknowledged plus
 * SIOCOUTQ). A socket whose unsent output would pass the budget (in bytes,
 * or in frames) is closed with
 * FD_WS_CLOSE_TOO_SLOW; agents resume and resync from the event log, so
 * nothing is lost. One frame larger than the budget may go when nothing
 * else is waiting, so the bound is the budget plus one frame. */

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Close code for a socket over its budget. */
#define FD_WS_CLOSE_TOO_SLOW 4429
/* Default budget: above the largest burst the server sends at once (a
 * snapshot of up to 8 MiB, or a capped replay). */
#define FD_WS_BUDGET_DEFAULT (16 * 1024 * 1024)
/* Default bound on unsent frames: libsoup keeps a record per queued frame,
 * so many tiny frames cost more than their bytes. */
#define FD_WS_BUDGET_DEFAULT_FRAMES 16384

typedef struct _FdWsBudget FdWsBudget;

/* The budget of sockets made from now on (frontdeskd --socket-output-budget). */
void        fd_ws_budget_set_default_limit (gsize                    limit);
gsize       fd_ws_budget_get_default_limit (void);
/* The bound on unsent frames (frontdeskd --socket-output-frames). */
void        fd_ws_budget_set_default_frame_limit (guint             limit);

FdWsBudget *fd_ws_budget_new               (SoupWebsocketConnection *conn);
void        fd_ws_budget_free              (FdWsBudget              *self);
/* Queues @text when the socket is open and within its budget; closes the
 * socket and returns FALSE when this frame would take it over. */
gboolean    fd_ws_budget_send              (FdWsBudget              *self,
                                            const char              *text);
/* Like fd_ws_budget_send() for @text made with g_ref_string_new(): while
 * output is held, each socket keeps a reference instead of a copy (one
 * event's text for every socket it goes to). */
gboolean    fd_ws_budget_send_shared       (FdWsBudget              *self,
                                            const char              *text);
/* Like fd_ws_budget_send() for the answer to a request: while output is
 * held, @fail_text (may be NULL) is sent instead when the held changes are
 * lost. */
gboolean    fd_ws_budget_send_reply        (FdWsBudget              *self,
                                            const char              *text,
                                            const char              *fail_text);

/* Holding output until a group commit is synced (docs/architecture.md,
 * "Durability"): from fd_ws_budget_hold (@group), frames are queued per
 * socket, in order, instead of sent, since they may describe changes not
 * saved yet; each carries the number of the last group whose changes it
 * may describe (@group, until the next call). fd_ws_budget_release
 * (@upto) takes the frames of groups up to @upto: sends them (@saved) or,
 * when those changes were lost, sends the failure answers, drops the rest
 * of the socket's output and closes every socket that had such output held
 * (FD_WS_CLOSE_NOT_SAVED) so that its client reconnects, resumes from what
 * was saved and sends again. Holding stops when @upto reaches the group
 * last held. */
void        fd_ws_budget_hold              (guint64                  group);
void        fd_ws_budget_release           (guint64                  upto,
                                            gboolean                 saved);
gboolean    fd_ws_budget_is_holding        (void);
/* Close code and reason for a socket whose held changes were lost. */
#define FD_WS_CLOSE_NOT_SAVED 1011

/* Bytes handed to libsoup that the kernel has not taken yet (an upper
 * bound when the socket is not a TCP socket of an FdListener). */
guint64     fd_ws_budget_get_unsent        (FdWsBudget              *self);
gboolean    fd_ws_budget_is_over           (FdWsBudget              *self);

G_END_DECLS
