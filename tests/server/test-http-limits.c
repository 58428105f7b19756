/* Request bodies are checked before they are read (src/server/api/
 * fd-http-guard.c), against a real frontdeskd: bodies over an address's
 * limit and bodies without the credential the address needs are answered
 * without being kept, with or without "Expect: 100-continue", and the
 * server's memory does not grow with them (issue 10, finding 4).
 *
 * The requests are written on raw sockets: an HTTP library would not send
 * a body it was told to stop, nor read the answer while still sending. */

#include "fd-test-client.h"
#include "fd-test-server.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MIB (1024 * 1024)
/* Not a timing assertion: only how long a test waits for any answer
 * before it calls the request unanswered. */
#define ANSWER_WAIT_SECONDS 120

static const char site[] =
  "{\"format\":\"frontdesk-site\",\"version\":1,"
  "\"organization\":{\"name\":\"Limits Test\",\"reserve_acd\":\"keep\"},"
  "\"agents\":["
  "{\"email\":\"ann@limits.example\",\"name\":\"Ann\",\"role\":\"agent\",\"password\":\"ann-password\"}],"
  "\"queues\":[{\"name\":\"Chat\",\"members\":[\"ann@limits.example\"]}],"
  "\"streams\":[{\"kind\":\"webchat\",\"name\":\"Chat\",\"queue\":\"Chat\",\"key\":\"limits-chat\","
  "\"departments\":[],\"allowed_origins\":[],"
  "\"phases\":[{\"strategy\":\"ring-all\",\"agents\":[],\"bounce_seconds\":0,\"duration_seconds\":0}]}]}";

/* One raw request and what came back. */
typedef struct {
  guint16     port;
  char       *method;
  char       *path;
  char       *extra_headers;   /* "Name: value\r\n" lines, or NULL */
  goffset     body_length;     /* announced and sent (zeros); -1: chunked, body never sent */
  gboolean    expect_continue;
  /* Results. */
  guint       status;          /* final status; 0 = no answer */
  gboolean    got_continue;
  goffset     body_sent;
  GString    *answer;
} RawRequest;

static RawRequest *
raw_request_new (guint16     port,
                 const char *method,
                 const char *path,
                 const char *extra_headers,
                 goffset     body_length,
                 gboolean    expect_continue)
{
  RawRequest *req = g_new0 (RawRequest, 1);

  req->port = port;
  req->method = g_strdup (method);
  req->path = g_strdup (path);
  req->extra_headers = g_strdup (extra_headers);
  req->body_length = body_length;
  req->expect_continue = expect_continue;
  req->answer = g_string_new (NULL);
  return req;
}

static void
raw_request_free (RawRequest *req)
{
  g_free (req->method);
  g_free (req->path);
  g_free (req->extra_headers);
  g_string_free (req->answer, TRUE);
  g_free (req);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawRequest, raw_request_free)

/* The final status of the answer read so far (skipping a 100 Continue),
 * and whether the whole answer is in (headers and Content-Length bytes). */
static guint
parse_answer (RawRequest *req,
              gboolean   *out_complete)
{
  const char *text = req->answer->str;
  const char *end;

  *out_complete = FALSE;
  while (TRUE)
    {
      guint status;
      const char *cl;
      gsize header_len;

      end = strstr (text, "\r\n\r\n");
      if (end == NULL || !g_str_has_prefix (text, "HTTP/1.1 "))
        return 0;
      status = (guint) g_ascii_strtoull (text + 9, NULL, 10);
      header_len = (gsize) (end + 4 - text);
      if (status == 100)
        {
          req->got_continue = TRUE;
          text = end + 4;
          continue;
        }
      cl = g_strstr_len (text, header_len, "\r\nContent-Length: ");
      if (cl == NULL)
        *out_complete = TRUE;
      else
        {
          gsize want = (gsize) g_ascii_strtoull (cl + 18, NULL, 10);

          *out_complete = (gsize) (req->answer->str + req->answer->len - (end + 4)) >= want;
        }
      return status;
    }
}

/* Sends the request and reads the answer at the same time, as a browser
 * does: the server may answer (and stop reading) in the middle of the
 * body. */
static gpointer
raw_request_run (gpointer data)
{
  RawRequest *req = data;
  static const guint8 zeros[64 * 1024];
  struct sockaddr_in addr = { 0 };
  g_autofree char *head = NULL;
  gsize head_sent = 0;
  gboolean writing = TRUE;
  gboolean complete = FALSE;
  gint64 deadline = g_get_monotonic_time () + ANSWER_WAIT_SECONDS * G_USEC_PER_SEC;
  int fd;

  if (req->body_length >= 0)
    head = g_strdup_printf ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %" G_GOFFSET_FORMAT "\r\n%s%s\r\n",
                            req->method, req->path, req->body_length,
                            req->expect_continue ? "Expect: 100-continue\r\n" : "",
                            req->extra_headers != NULL ? req->extra_headers : "");
  else
    head = g_strdup_printf ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n%s%s\r\n",
                            req->method, req->path,
                            req->expect_continue ? "Expect: 100-continue\r\n" : "",
                            req->extra_headers != NULL ? req->extra_headers : "");

  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  g_assert_cmpint (fd, >=, 0);
  addr.sin_family = AF_INET;
  addr.sin_port = g_htons (req->port);
  addr.sin_addr.s_addr = g_htonl (INADDR_LOOPBACK);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    g_assert_cmpint (errno, ==, EINPROGRESS);

  while (!complete && g_get_monotonic_time () < deadline)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      gboolean body_allowed = !req->expect_continue || req->got_continue;
      goffset body_total = MAX (req->body_length, 0);

      if (writing && (head_sent < strlen (head) || (body_allowed && req->body_sent < body_total)))
        pfd.events |= POLLOUT;
      if (poll (&pfd, 1, 1000) <= 0)
        continue;
      if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
        {
          char buf[4096];
          ssize_t n = recv (fd, buf, sizeof buf, 0);

          if (n > 0)
            {
              g_string_append_len (req->answer, buf, n);
              req->status = parse_answer (req, &complete);
              /* A final answer: the client stops sending, as browsers do. */
              if (req->status != 0)
                writing = FALSE;
              continue;
            }
          if (n == 0 || (errno != EAGAIN && errno != EINTR))
            break;
        }
      if (pfd.revents & POLLOUT)
        {
          ssize_t n;

          if (head_sent < strlen (head))
            n = send (fd, head + head_sent, strlen (head) - head_sent, MSG_NOSIGNAL);
          else if (req->body_length >= 0)
            n = send (fd, zeros, (gsize) MIN ((goffset) sizeof zeros, req->body_length - req->body_sent),
                      MSG_NOSIGNAL);
          else
            n = 0;   /* chunked bodies are never sent: the tests expect a refusal first */
          if (n < 0 && errno != EAGAIN && errno != EINTR)
            writing = FALSE;   /* the server closed its side: read what it said */
          else if (n > 0 && head_sent < strlen (head))
            head_sent += (gsize) n;
          else if (n > 0)
            req->body_sent += n;
        }
    }
  close (fd);
  return NULL;
}

static void
raw_request_run_all (RawRequest **reqs,
                     guint        n)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (threads, g_thread_new ("raw-request", raw_request_run, reqs[i]));
  for (guint i = 0; i < n; i++)
    g_thread_join (threads->pdata[i]);
}

/* The error code of a JSON answer, flat or under "error". */
static char *
answer_code (RawRequest *req)
{
  const char *final = g_strrstr (req->answer->str, "HTTP/1.1 ");
  const char *body = final != NULL ? strstr (final, "\r\n\r\n") : NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *obj;

  if (body == NULL)
    return NULL;
  node = json_from_string (body + 4, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  obj = json_node_get_object (node);
  if (json_object_has_member (obj, "error"))
    obj = json_object_get_object_member (obj, "error");
  return g_strdup (json_object_get_string_member_with_default (obj, "code", ""));
}

static void
assert_answer (RawRequest *req,
               guint       status,
               const char *code)
{
  g_autofree char *got = NULL;

  g_test_message ("%s %s → %u (sent %" G_GOFFSET_FORMAT ")", req->method, req->path, req->status, req->body_sent);
  g_assert_cmpuint (req->status, ==, status);
  got = answer_code (req);
  g_assert_cmpstr (got, ==, code);
}

/* --- The server's memory ------------------------------------------------------ */

/* frontdeskd of @server: the process whose command line names its database. */
static int
server_pid (FdTestServer *server)
{
  const char *db = fd_test_server_get_db_path (server);
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  g_assert_nonnull (proc);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *cmdline = NULL;
      gsize len = 0;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_build_filename ("/proc", name, "cmdline", NULL);
      if (!g_file_get_contents (path, &cmdline, &len, NULL))
        continue;
      for (gsize i = 0; i + 1 < len; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';
      if (strstr (cmdline, "frontdeskd") != NULL && strstr (cmdline, db) != NULL)
        return atoi (name);
    }
  g_error ("frontdeskd of %s is not running", db);
}

/* The peak resident memory of @pid so far, in KiB (VmHWM). */
static guint64
peak_rss_kib (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "VmHWM:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + 6, NULL, 10);
}

static guint64
rss_kib (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtoull (line + 6, NULL, 10) : 0;
}

/* The kernel updates VmHWM lazily (memory returned to the heap is not
 * seen), so the peak is also sampled while the requests run. */
typedef struct {
  int       pid;
  gint      stop;
  guint64   peak;
} Sampler;

static gpointer
sample_rss (gpointer data)
{
  Sampler *sampler = data;

  while (!g_atomic_int_get (&sampler->stop))
    {
      sampler->peak = MAX (sampler->peak, rss_kib (sampler->pid));
      g_usleep (2000);
    }
  return NULL;
}

/* Runs @reqs at once and returns how much frontdeskd's resident memory
 * grew at its peak, in KiB. */
static guint64
run_and_measure (FdTestServer  *server,
                 RawRequest   **reqs,
                 guint          n)
{
  Sampler sampler = { server_pid (server), 0, 0 };
  guint64 before_hwm = peak_rss_kib (sampler.pid);
  guint64 before = rss_kib (sampler.pid);
  guint64 growth;
  GThread *thread = g_thread_new ("rss-sampler", sample_rss, &sampler);

  raw_request_run_all (reqs, n);
  g_atomic_int_set (&sampler.stop, 1);
  g_thread_join (thread);
  growth = MAX (peak_rss_kib (sampler.pid) - before_hwm, sampler.peak > before ? sampler.peak - before : 0);
  g_test_message ("frontdeskd's resident memory grew by %" G_GUINT64_FORMAT " KiB at its peak", growth);
  return growth;
}

/* --- Tests ------------------------------------------------------------------ */

typedef struct {
  FdTestServer *server;
  FdTestAgent  *ann;
  char         *admin_token;
  gint64        conv_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(FdTestVisitor) visitor = NULL;

  f->server = fd_test_server_new_started ();
  fd_test_admin_import_site (f->server, site);
  f->admin_token = fd_test_admin_read_token (f->server);
  f->ann = fd_test_agent_sign_in (f->server, "ann@limits.example", "ann-password");
  visitor = fd_test_visitor_start (f->server, "limits-chat", "Vera");
  f->conv_id = visitor->conversation_id;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->ann, fd_test_agent_free);
  g_free (f->admin_token);
  fd_test_server_free (f->server);
}

static char *
bearer (const char *token)
{
  return g_strdup_printf ("Authorization: Bearer %s\r\n", token);
}

static char *
upload_path (Fixture    *f,
             const char *name)
{
  return g_strdup_printf ("/api/agent/v1/files?conversation_id=%" G_GINT64_FORMAT "&name=%s", f->conv_id, name);
}

/* Four unauthenticated 128 MiB bodies at once, to four addresses: each is
 * refused, and the server's peak memory barely moves (it kept 300 MiB
 * before the fix). */
static void
test_large_bodies_memory (Fixture       *f,
                          gconstpointer  data)
{
  guint16 port = fd_test_server_get_port (f->server);
  g_autofree char *files = upload_path (f, "big.bin");
  RawRequest *reqs[] = {
    raw_request_new (port, "POST", files, NULL, 128 * MIB, FALSE),
    raw_request_new (port, "POST", "/api/admin/v1/sites", NULL, 128 * MIB, FALSE),
    raw_request_new (port, "POST", "/api/visitor/v1/sessions", NULL, 128 * MIB, FALSE),
    raw_request_new (port, "POST", "/api/agent/v1/sessions", NULL, 128 * MIB, FALSE),
  };

  guint64 growth = run_and_measure (f->server, reqs, G_N_ELEMENTS (reqs));

  for (guint i = 0; i < G_N_ELEMENTS (reqs); i++)
    assert_answer (reqs[i], 413, "too-large");
  g_assert_cmpuint (growth, <, 32 * 1024);
  for (guint i = 0; i < G_N_ELEMENTS (reqs); i++)
    raw_request_free (reqs[i]);
}

/* Bodies within the limit but without the token the address needs: 401,
 * and nothing of them is kept. */
static void
test_unauthenticated_bodies (Fixture       *f,
                             gconstpointer  data)
{
  guint16 port = fd_test_server_get_port (f->server);
  g_autofree char *files = upload_path (f, "report.pdf");
  g_autofree char *admin_files = g_strdup ("/api/admin/v1/organizations/1/files?name=logo.png");
  RawRequest *reqs[] = {
    raw_request_new (port, "POST", files, NULL, 9 * MIB, FALSE),
    raw_request_new (port, "POST", files, "Authorization: Bearer fda_wrong\r\n", 9 * MIB, FALSE),
    raw_request_new (port, "POST", admin_files, NULL, 9 * MIB, FALSE),
    raw_request_new (port, "POST", "/api/admin/v1/sites", "Authorization: Bearer wrong\r\n", 7 * MIB, FALSE),
  };

  guint64 growth = run_and_measure (f->server, reqs, G_N_ELEMENTS (reqs));

  for (guint i = 0; i < G_N_ELEMENTS (reqs); i++)
    assert_answer (reqs[i], 401, "unauthorized");
  g_assert_cmpuint (growth, <, 8 * 1024);
  for (guint i = 0; i < G_N_ELEMENTS (reqs); i++)
    raw_request_free (reqs[i]);
}

/* An 11 MiB upload (over the 10 MiB limit) is answered, whether the client
 * waits for "100 Continue" or sends the body at once. */
static void
test_oversized_upload_answered (Fixture       *f,
                                gconstpointer  data)
{
  guint16 port = fd_test_server_get_port (f->server);
  g_autofree char *files = upload_path (f, "big.bin");
  g_autofree char *auth = bearer (f->ann->token);
  g_autoptr(RawRequest) plain = raw_request_new (port, "POST", files, auth, 11 * MIB, FALSE);
  g_autoptr(RawRequest) expecting = raw_request_new (port, "POST", files, auth, 11 * MIB, TRUE);

  raw_request_run (plain);
  assert_answer (plain, 413, "too-large");

  /* With Expect the refusal comes instead of the 100, and no body is sent. */
  raw_request_run (expecting);
  assert_answer (expecting, 413, "too-large");
  g_assert_false (expecting->got_continue);
  g_assert_cmpint (expecting->body_sent, ==, 0);
}

/* With Expect and a good token the server asks for the body, and takes it. */
static void
test_expect_continue_accepted (Fixture       *f,
                               gconstpointer  data)
{
  guint16 port = fd_test_server_get_port (f->server);
  g_autofree char *auth = bearer (f->admin_token);
  g_autoptr(RawRequest) req = raw_request_new (port, "POST", "/api/admin/v1/organizations/1/files?name=zeros.bin",
                                               auth, 1 * MIB, TRUE);

  raw_request_run (req);
  g_assert_true (req->got_continue);
  g_assert_cmpint (req->body_sent, ==, 1 * MIB);
  g_assert_cmpuint (req->status, ==, 201);
}

/* A body without Content-Length cannot be checked first: 411, and 413 where
 * the address takes no body at all. */
static void
test_chunked_refused (Fixture       *f,
                      gconstpointer  data)
{
  guint16 port = fd_test_server_get_port (f->server);
  g_autofree char *files = upload_path (f, "streamed.bin");
  g_autofree char *auth = bearer (f->ann->token);
  g_autoptr(RawRequest) upload = raw_request_new (port, "POST", files, auth, -1, TRUE);
  g_autoptr(RawRequest) sign_in = raw_request_new (port, "POST", "/api/agent/v1/sessions", NULL, -1, TRUE);
  g_autoptr(RawRequest) health = raw_request_new (port, "POST", "/healthz", NULL, -1, TRUE);
  g_autoptr(RawRequest) body_to_get = raw_request_new (port, "GET", "/healthz", NULL, 4096, TRUE);

  raw_request_run (upload);
  assert_answer (upload, 411, "malformed");
  raw_request_run (sign_in);
  assert_answer (sign_in, 411, "malformed");
  raw_request_run (health);
  assert_answer (health, 413, "too-large");
  raw_request_run (body_to_get);
  assert_answer (body_to_get, 413, "too-large");
}

/* Each JSON address has its own, small limit. */
static void
test_json_limits (Fixture       *f,
                  gconstpointer  data)
{
  guint16 port = fd_test_server_get_port (f->server);
  g_autofree char *auth = bearer (f->admin_token);
  const struct {
    const char *method;
    const char *path;
    const char *headers;
    goffset     length;
    guint       status;
    const char *code;
  } cases[] = {
    { "POST", "/api/agent/v1/sessions", NULL, 16 * 1024 + 1, 413, "too-large" },
    { "POST", "/api/visitor/v1/sessions", NULL, 32 * 1024 + 1, 413, "too-large" },
    { "POST", "/api/visitor/v1/callbacks", NULL, 16 * 1024 + 1, 413, "too-large" },
    { "PATCH", "/api/admin/v1/organizations/1", auth, 1 * MIB + 1, 413, "too-large" },
    { "PUT", "/api/admin/v1/organizations/1/site", auth, 8 * MIB + 1, 413, "too-large" },
    /* Within the limit, the body is read and judged as JSON. */
    { "POST", "/api/agent/v1/sessions", NULL, 16 * 1024, 400, "malformed" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RawRequest) req = raw_request_new (port, cases[i].method, cases[i].path, cases[i].headers,
                                                   cases[i].length, TRUE);

      raw_request_run (req);
      assert_answer (req, cases[i].status, cases[i].code);
    }
}

int
main (int argc, char **argv)
{
  g_autofree char *asan = NULL;

  g_test_init (&argc, &argv, NULL);
  /* Under AddressSanitizer freed memory waits in a quarantine (256 MiB)
   * before it is reused, which would count every discarded chunk of body
   * as growth: the spawned servers keep a small one. */
  asan = g_strconcat (g_getenv ("ASAN_OPTIONS") != NULL ? g_getenv ("ASAN_OPTIONS") : "",
                      g_getenv ("ASAN_OPTIONS") != NULL ? ":" : "", "quarantine_size_mb=1", NULL);
  g_setenv ("ASAN_OPTIONS", asan, TRUE);

#define ADD(path, func) \
  g_test_add ("/http-limits/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("large-bodies-memory", test_large_bodies_memory);
  ADD ("unauthenticated-bodies", test_unauthenticated_bodies);
  ADD ("oversized-upload-answered", test_oversized_upload_answered);
  ADD ("expect-continue-accepted", test_expect_continue_accepted);
  ADD ("chunked-refused", test_chunked_refused);
  ADD ("json-limits", test_json_limits);

#undef ADD

  return g_test_run ();
}
