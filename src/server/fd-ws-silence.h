#pragma once

/* FdWsSilence: one timer that pings an API's websockets and closes the
 * silent ones (docs/architecture.md, "Fan-out from memory"; docs/protocol.md,
 * "Agent websocket" and "Visitor websocket").
 *
 * Every ping_s seconds the timer has each watched socket pinged (libsoup's
 * keepalive set to 1 s, so that libsoup sends a ping within a second and
 * again each second until the pong comes back; the pong sets it back to 0:
 * libsoup 3 has no call that sends one ping). A socket that sent nothing,
 * not even a pong, for silence_s seconds is closed with 1001, "Silent for
 * too long". One timer for all the sockets, not libsoup's keepalive timer
 * per socket: every source is visited on every turn of the main loop
 * (docs/performance.md, "Fan-out"). */

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _FdWsSilence FdWsSilence;

/* @test_env names an environment variable that may hold "PING SILENCE" in
 * seconds, for the integration tests only (tests/integration/test-keepalive.c),
 * so that a test need not wait the real silence. */
FdWsSilence *fd_ws_silence_new    (guint                    ping_s,
                                   guint                    silence_s,
                                   const char              *test_env);
/* Stops watching every socket (without closing them) and frees. */
void         fd_ws_silence_free   (FdWsSilence             *self);
/* Watches @conn from now on (its silence starts now); turns libsoup's own
 * keepalive off. */
void         fd_ws_silence_add    (FdWsSilence             *self,
                                   SoupWebsocketConnection *conn);
/* Stops watching @conn (at its close); nothing if it was not watched. */
void         fd_ws_silence_remove (FdWsSilence             *self,
                                   SoupWebsocketConnection *conn);

G_END_DECLS
