#pragma once

/* Shared pieces of the reliability suite (bench/reliability, figures in
 * docs/reliability.md): the server's process figures from /proc, loopback
 * sockets bound to chosen source addresses, plain HTTP over a raw socket,
 * and the result document each program writes for bench/reliability/run.
 *
 * These programs are benchmarks, not tests: they measure and report, and a
 * goal that is missed is a figure, not a failure. They stop by themselves:
 * every loop has a count and a deadline. */

#include <json-glib/json-glib.h>

#include "fd-test-client.h"

G_BEGIN_DECLS

/* Raises the soft descriptor limit to the hard one (servers started after
 * this inherit it), seeds the random generator from REL_SEED (default 1)
 * and starts the result document named by REL_RESULT (or argv[1]). */
void         rel_init              (int          *argc,
                                    char       ***argv,
                                    const char   *scenario);
/* Writes the result document and returns the exit status. */
int          rel_finish            (void);

/* The result document: one JSON object of figures per scenario. */
void         rel_set_int           (const char   *key,
                                    gint64        value);
void         rel_set_double        (const char   *key,
                                    double        value);
void         rel_set_string        (const char   *key,
                                    const char   *value);
void         rel_set_bool          (const char   *key,
                                    gboolean      value);
/* A note printed and kept in the document ("notes" array). */
void         rel_note              (const char   *format,
                                    ...) G_GNUC_PRINTF (1, 2);

GRand       *rel_rand              (void);
/* Monotonic seconds. */
double       rel_now               (void);
/* Iterates the default main context for @ms milliseconds. */
void         rel_pump              (guint         ms);
/* Iterates until @done (a gboolean) is TRUE or @ms pass; returns *@done. */
gboolean     rel_pump_until        (const gboolean *done,
                                    guint         ms);

/* Whether `$FRONTDESKD --help` lists @option (e.g. "--max-connections"). */
gboolean     rel_server_supports   (const char   *option);
/* Adds "@option @value" to @server's arguments when the server has it. */
void         rel_server_add_option (FdTestServer *server,
                                    const char   *option,
                                    const char   *value);
/* The pid of the frontdeskd that this process started for @server. */
GPid         rel_server_pid        (FdTestServer *server);

/* A field of /proc/PID/status in KiB ("VmRSS", "VmHWM"); -1 when gone. */
gint64       rel_proc_kib          (GPid          pid,
                                    const char   *field);
/* Resets VmHWM to the current VmRSS (/proc/PID/clear_refs); FALSE when
 * the kernel does not allow it. */
gboolean     rel_reset_hwm         (GPid          pid);
/* Open descriptors of @pid, -1 when unreadable. */
gint         rel_count_fds         (GPid          pid);

/* Samples VmRSS of a process every 20 ms while the main context runs. */
typedef struct _RelSampler RelSampler;
RelSampler  *rel_sampler_new       (GPid          pid);
/* Takes one sample now (call it from loops that do not run the context). */
void         rel_sampler_poll      (RelSampler   *self);
gint64       rel_sampler_max_kib   (RelSampler   *self);
void         rel_sampler_free      (RelSampler   *self);

/* The loopback source address number @i (0 → 127.0.0.2, 1 → 127.0.0.3, …),
 * so that many connections do not all come from one address. */
char        *rel_source_address    (guint         i);
/* A TCP connection from @source (NULL: any) to 127.0.0.1:@port; with
 * @nonblock the connect may still be in progress. -1 on failure (errno). */
int          rel_tcp_connect       (const char   *source,
                                    guint16       port,
                                    gboolean      nonblock);
/* Sends "GET @path" on a fresh connection and reads the status line,
 * waiting at most @timeout_ms; returns the status (0 when no answer came)
 * and the elapsed seconds in @out_seconds. */
guint        rel_http_get          (guint16       port,
                                    const char   *path,
                                    guint         timeout_ms,
                                    double       *out_seconds);

/* A websocket client that never reads, on a raw socket with a small
 * receive buffer: the handshake (with @token as bearer for agents, or the
 * widget's Origin for visitors), then masked text frames. */
int          rel_ws_open_raw       (guint16       port,
                                    const char   *path_and_query,
                                    const char   *bearer,
                                    const char   *origin);
/* Sends one text frame; FALSE when the connection is gone. Waits at most
 * @timeout_ms for room in the send buffer. */
gboolean     rel_ws_send_raw       (int           fd,
                                    const char   *text,
                                    guint         timeout_ms);
/* Whether the server still holds its end of @fd's connection open
 * (/proc/net/tcp: ESTABLISHED); FALSE once it closed or reset it. */
gboolean     rel_tcp_peer_open     (int           fd,
                                    guint16       server_port);

/* Median of @n doubles (sorts them). */
double       rel_median            (double       *values,
                                    guint         n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RelSampler, rel_sampler_free)

G_END_DECLS
