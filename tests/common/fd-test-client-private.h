#pragma once

/* Shared by the test client's own files only: fd-test-client.c (waits,
 * plain HTTP), fd-test-client-admin.c (the admin API),
 * fd-test-client-socket.c (the websockets and their queue of frames),
 * fd-test-client-agent.c (the agent) and fd-test-client-visitor.c (the
 * visitor). The tests use fd-test-client.h. */

#include "fd-test-client.h"

G_BEGIN_DECLS

struct _FdTestSocket
{
  SoupSession             *session;
  SoupWebsocketConnection *conn;
  FdFrameSet               set;       /* the frames this side receives */
  GQueue                   frames;    /* FdFrame*, oldest first */
  GArray                  *seqs;      /* gint64: every event seq received, in order */
  gint64                   last_seq;
  gboolean                 closed;
  gushort                  close_code;
  char                    *close_data;
  GError                  *error;     /* the first transport error */
  guint                    next_id;
};

/* fd-test-client.c */
/* The answer as text, for failure messages. */
char     *test_client_describe    (JsonNode     *answer);
/* POSTs @request (consumed) to @url_path and returns the answer, failing
 * the test (naming @what) unless it comes with @expected_status. */
JsonNode *test_client_post_expect (FdTestServer *server,
                                   const char   *url_path,
                                   JsonNode     *request,
                                   guint         expected_status,
                                   const char   *what);

G_END_DECLS
