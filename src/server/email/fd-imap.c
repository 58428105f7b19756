/* fd-imap.c: receiving mail from one IMAP mailbox with libetpan
 * (docs/email.md, "Receiving (IMAP)"). */
#define G_LOG_DOMAIN "fd-imap"

#include "fd-imap.h"
#include "fd-imap-stream.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

#define DEFAULT_TIMEOUT_S 30
#define DEFAULT_MAX_MESSAGE (25 * 1024 * 1024)
#define DEFAULT_BATCH 100
/* The bodies of one UID FETCH are held in memory together: at most this
 * many bytes of them (or one message, if it is larger). */
#define BODY_FETCH_BYTES (16 * 1024 * 1024)

struct _FdImapSession {
  mailimap *imap;
  FdImapStream *stream;         /* owned by imap's mailstream */
  GCancellable *cancellable;    /* interrupts any network wait */
  gulong cancelled_id;
  GCancellable *outer;          /* the caller's, forwarded to cancellable */
  gsize max_message_size;
  gboolean broken;              /* a failed or interrupted exchange: close */
};

G_DEFINE_QUARK (fd-imap-error-quark, fd_imap_error)

/* The server's own words, when it gave some, without control characters. */
static char *
server_text (FdImapSession *self)
{
  const char *text = self->imap != NULL ? self->imap->imap_response : NULL;
  GString *out;

  if (text == NULL || *text == '\0')
    return NULL;
  out = g_string_new (NULL);
  for (const char *p = text; *p != '\0' && out->len < 300; p++)
    g_string_append_c (out, g_ascii_iscntrl (*p) ? ' ' : *p);
  return g_string_free (out, FALSE);
}

/* Turns a libetpan result into a typed error. what says what was being
 * done, as the start of a sentence. */
static void
set_error (FdImapSession *self,
           int            r,
           FdImapError    protocol_code,
           const char    *what,
           GError       **error)
{
  const GError *io = self->stream != NULL ? fd_imap_stream_last_error (self->stream) : NULL;
  g_autofree char *said = NULL;

  if (r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_CONNECTION_REFUSED
      || r == MAILIMAP_ERROR_FATAL || (r == MAILIMAP_ERROR_PARSE && io != NULL))
    {
      self->broken = TRUE;
      if (io != NULL && g_error_matches (io, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_set_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_CANCELLED, "%s: cancelled", what);
      else if (io != NULL && io->domain == G_TLS_ERROR)
        g_set_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_TLS, "%s: TLS failed: %s", what, io->message);
      else if (r == MAILIMAP_ERROR_FATAL && (said = server_text (self)) != NULL)
        g_set_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_NETWORK,
                     "%s: the server closed the session: %s", what, said);
      else
        g_set_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_NETWORK, "%s: %s", what,
                     io != NULL ? io->message : "the connection to the server was lost");
      return;
    }
  if (r == MAILIMAP_ERROR_MEMORY)
    g_error ("out of memory");

  said = server_text (self);
  if (r == MAILIMAP_ERROR_PARSE)
    {
      self->broken = TRUE;
      g_set_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_PROTOCOL,
                   "%s: the server's answer could not be read", what);
      return;
    }
  if (said != NULL && protocol_code != FD_IMAP_ERROR_AUTH
      && (strstr (said, "quota") != NULL || strstr (said, "Quota") != NULL
          || strstr (said, "QUOTA") != NULL))
    protocol_code = FD_IMAP_ERROR_QUOTA;
  if (said != NULL)
    g_set_error (error, FD_IMAP_ERROR, protocol_code, "%s: the server said: %s", what, said);
  else
    g_set_error (error, FD_IMAP_ERROR, protocol_code, "%s: the server refused (libetpan error %d)",
                 what, r);
}

static void
on_outer_cancelled_cb (GCancellable *outer,
                       gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

void
fd_imap_session_free (FdImapSession *self)
{
  if (self == NULL)
    return;
  if (self->imap != NULL)
    {
      /* LOGOUT only on a healthy session: a broken one would wait for an
       * answer that will not come. */
      if (!self->broken && !g_cancellable_is_cancelled (self->cancellable)
          && self->imap->imap_stream != NULL)
        mailimap_logout (self->imap);
      if (self->imap->imap_stream != NULL)
        {
          mailstream_close (self->imap->imap_stream);
          self->imap->imap_stream = NULL;
        }
      mailimap_free (self->imap);
    }
  if (self->outer != NULL)
    g_cancellable_disconnect (self->outer, self->cancelled_id);
  g_clear_object (&self->outer);
  g_clear_object (&self->cancellable);
  g_free (self);
}

static gboolean
login (FdImapSession      *self,
       const FdImapConfig *config,
       GError            **error)
{
  int r;

  if (config->oauth_token != NULL)
    {
      if (!mailimap_has_xoauth2 (self->imap))
        {
          g_set_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_AUTH,
                       "Signing in to %s: the server does not offer XOAUTH2; use a password",
                       config->host);
          return FALSE;
        }
      r = mailimap_oauth2_authenticate (self->imap, config->user, config->oauth_token);
    }
  else
    r = mailimap_login (self->imap, config->user, config->password != NULL ? config->password : "");

  if (r != MAILIMAP_NO_ERROR)
    {
      g_autofree char *what = g_strdup_printf ("Signing in to %s as %s", config->host, config->user);
      set_error (self, r, FD_IMAP_ERROR_AUTH, what, error);
      return FALSE;
    }
  /* Capabilities change once signed in (IDLE, UIDPLUS …). */
  {
    struct mailimap_capability_data *caps = NULL;

    r = mailimap_capability (self->imap, &caps);
    if (r != MAILIMAP_NO_ERROR)
      {
        set_error (self, r, FD_IMAP_ERROR_PROTOCOL, "Reading the server's capabilities", error);
        return FALSE;
      }
    mailimap_capability_data_free (caps);
  }
  return TRUE;
}

FdImapSession *
fd_imap_connect (const FdImapConfig *config,
                 GCancellable       *cancellable,
                 GError            **error)
{
  g_autoptr(FdImapSession) self = NULL;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) local = NULL;
  mailstream *stream;
  guint timeout;
  guint16 port;
  int r;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->host != NULL && config->user != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  timeout = config->timeout_seconds > 0 ? config->timeout_seconds : DEFAULT_TIMEOUT_S;
  port = config->port != 0 ? config->port : config->tls_mode == FD_IMAP_TLS_IMPLICIT ? 993 : 143;

  self = g_new0 (FdImapSession, 1);
  self->cancellable = g_cancellable_new ();
  self->max_message_size = config->max_message_size > 0 ? config->max_message_size
                                                         : DEFAULT_MAX_MESSAGE;
  if (cancellable != NULL)
    {
      self->outer = g_object_ref (cancellable);
      self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_outer_cancelled_cb),
                                                  self->cancellable, NULL);
    }

  if (config->tls_ca_file != NULL)
    {
      database = g_tls_file_database_new (config->tls_ca_file, &local);
      if (database == NULL)
        {
          g_set_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_TLS,
                       "Reading the certificate authorities in %s: %s",
                       config->tls_ca_file, local->message);
          return NULL;
        }
    }

  client = g_socket_client_new ();
  /* IMAP goes straight to the server: no HTTP proxy lookup (libproxy). */
  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_timeout (client, timeout);
  connection = g_socket_client_connect_to_host (client, config->host, port,
                                                self->cancellable, &local);
  if (connection == NULL)
    {
      g_set_error (error, FD_IMAP_ERROR,
                   g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                   ? FD_IMAP_ERROR_CANCELLED : FD_IMAP_ERROR_NETWORK,
                   "Connecting to %s port %u: %s", config->host, port, local->message);
      return NULL;
    }
  /* Every later read and write is bounded by the same timeout. */
  g_socket_set_timeout (g_socket_connection_get_socket (connection), timeout);

  self->imap = mailimap_new (0, NULL);
  if (self->imap == NULL)
    g_error ("out of memory");
  stream = fd_imap_stream_new (connection, self->cancellable, &self->stream);
  identity = g_network_address_new (config->host, port);

  if (config->tls_mode == FD_IMAP_TLS_IMPLICIT
      && !fd_imap_stream_start_tls (self->stream, identity, database, &local))
    {
      mailstream_close (stream);
      g_set_error (error, FD_IMAP_ERROR,
                   g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                   ? FD_IMAP_ERROR_CANCELLED : FD_IMAP_ERROR_TLS,
                   "TLS with %s port %u: %s", config->host, port, local->message);
      self->stream = NULL;
      return NULL;
    }

  r = mailimap_connect (self->imap, stream);
  if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED && r != MAILIMAP_NO_ERROR_AUTHENTICATED)
    {
      g_autofree char *what = g_strdup_printf ("Connecting to %s port %u", config->host, port);

      set_error (self, r, FD_IMAP_ERROR_PROTOCOL, what, error);
      if (self->imap->imap_stream == NULL)
        mailstream_close (stream);
      return NULL;
    }

  if (config->tls_mode == FD_IMAP_TLS_STARTTLS)
    {
      r = mailimap_starttls (self->imap);
      if (r != MAILIMAP_NO_ERROR)
        {
          set_error (self, r, FD_IMAP_ERROR_TLS, "Asking the server for STARTTLS", error);
          return NULL;
        }
      if (!fd_imap_stream_start_tls (self->stream, identity, database, &local))
        {
          self->broken = TRUE;
          g_set_error (error, FD_IMAP_ERROR,
                       g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                       ? FD_IMAP_ERROR_CANCELLED : FD_IMAP_ERROR_TLS,
                       "TLS with %s port %u: %s", config->host, port, local->message);
          return NULL;
        }
    }

  if (r != MAILIMAP_NO_ERROR_AUTHENTICATED && !login (self, config, error))
    return NULL;

  return g_steal_pointer (&self);
}

gboolean
fd_imap_has_idle (FdImapSession *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return mailimap_has_idle (self->imap) != 0;
}

static gboolean
check_usable (FdImapSession *self,
              GError       **error)
{
  if (self->broken)
    {
      g_set_error_literal (error, FD_IMAP_ERROR, FD_IMAP_ERROR_NETWORK,
                           "The IMAP session was interrupted earlier; connect again");
      return FALSE;
    }
  return TRUE;
}

gboolean
fd_imap_select (FdImapSession *self,
                const char    *folder,
                guint32       *uidvalidity,
                guint32       *uidnext,
                GError       **error)
{
  int r;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_usable (self, error))
    return FALSE;
  r = mailimap_select (self->imap, folder);
  if (r != MAILIMAP_NO_ERROR)
    {
      g_autofree char *what = g_strdup_printf ("Opening the folder %s", folder);

      set_error (self, r, FD_IMAP_ERROR_NO_FOLDER, what, error);
      return FALSE;
    }
  if (uidvalidity != NULL)
    *uidvalidity = self->imap->imap_selection_info->sel_uidvalidity;
  if (uidnext != NULL)
    *uidnext = self->imap->imap_selection_info->sel_uidnext;
  return TRUE;
}

/* A UID set of uids[0 .. n-1] (sorted), with runs as intervals. */
static struct mailimap_set *
uid_set_new (const guint32 *uids,
             guint          n)
{
  struct mailimap_set *set = mailimap_set_new_empty ();

  for (guint i = 0; i < n;)
    {
      guint j = i;

      while (j + 1 < n && uids[j + 1] == uids[j] + 1)
        j++;
      mailimap_set_add_interval (set, uids[i], uids[j]);
      i = j + 1;
    }
  return set;
}

typedef struct {
  guint32 uid;
  guint32 size;
  GBytes *raw;
} FetchedMessage;

static void
fetched_message_clear (gpointer data)
{
  FetchedMessage *m = data;

  g_clear_pointer (&m->raw, g_bytes_unref);
}

static int
compare_fetched (gconstpointer a,
                 gconstpointer b)
{
  const FetchedMessage *ma = a, *mb = b;

  return ma->uid < mb->uid ? -1 : ma->uid > mb->uid;
}

static int
compare_uid (gconstpointer a,
             gconstpointer b)
{
  guint32 ua = *(const guint32 *) a, ub = *(const guint32 *) b;

  return ua < ub ? -1 : ua > ub;
}

/* UID FETCH of set with the given attributes; each answer's UID, size and
 * body go into messages (appended). */
static gboolean
uid_fetch (FdImapSession       *self,
           struct mailimap_set *set,
           gboolean             with_body,
           GArray              *messages,
           GError             **error)
{
  struct mailimap_fetch_type *type = mailimap_fetch_type_new_fetch_att_list_empty ();
  clist *result = NULL;
  int r;

  mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_uid ());
  if (with_body)
    mailimap_fetch_type_new_fetch_att_list_add (type,
        mailimap_fetch_att_new_body_peek_section (mailimap_section_new (NULL)));
  else
    mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_rfc822_size ());

  r = mailimap_uid_fetch (self->imap, set, type, &result);
  mailimap_fetch_type_free (type);
  if (r != MAILIMAP_NO_ERROR)
    {
      set_error (self, r, FD_IMAP_ERROR_PROTOCOL, "Fetching messages", error);
      return FALSE;
    }

  for (clistiter *it = clist_begin (result); it != NULL; it = clist_next (it))
    {
      struct mailimap_msg_att *att = clist_content (it);
      FetchedMessage m = { 0, };

      for (clistiter *jt = clist_begin (att->att_list); jt != NULL; jt = clist_next (jt))
        {
          struct mailimap_msg_att_item *item = clist_content (jt);
          struct mailimap_msg_att_static *st;

          if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
            continue;
          st = item->att_data.att_static;
          if (st->att_type == MAILIMAP_MSG_ATT_UID)
            m.uid = st->att_data.att_uid;
          else if (st->att_type == MAILIMAP_MSG_ATT_RFC822_SIZE)
            m.size = st->att_data.att_rfc822_size;
          else if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION
                   && st->att_data.att_body_section->sec_body_part != NULL && m.raw == NULL)
            m.raw = g_bytes_new (st->att_data.att_body_section->sec_body_part,
                                 st->att_data.att_body_section->sec_length);
        }
      /* An unsolicited FETCH (flags of another message) has no UID of
       * ours: ignore it. */
      if (m.uid != 0 && (!with_body || m.raw != NULL))
        g_array_append_val (messages, m);
      else
        fetched_message_clear (&m);
    }
  mailimap_fetch_list_free (result);
  return TRUE;
}

gboolean
fd_imap_fetch_since (FdImapSession     *self,
                     guint32            last_uid,
                     guint              max_batch,
                     FdImapMessageFunc  callback,
                     gpointer           user_data,
                     guint             *n_seen,
                     GError           **error)
{
  g_autoptr(GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  struct mailimap_search_key *key;
  clist *found = NULL;
  guint seen = 0;
  int r;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (callback != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_seen != NULL)
    *n_seen = 0;
  if (!check_usable (self, error))
    return FALSE;
  if (last_uid == G_MAXUINT32)
    return TRUE;
  if (max_batch == 0)
    max_batch = DEFAULT_BATCH;

  /* The UIDs to fetch, once: 4 bytes each, however long the outage was.
   * "n:*" also names the last message when n is past it, hence the
   * filter. */
  key = mailimap_search_key_new_uid (mailimap_set_new_interval (last_uid + 1, 0));
  r = mailimap_uid_search (self->imap, NULL, key, &found);
  mailimap_search_key_free (key);
  if (r != MAILIMAP_NO_ERROR)
    {
      set_error (self, r, FD_IMAP_ERROR_PROTOCOL, "Listing new messages", error);
      return FALSE;
    }
  for (clistiter *it = clist_begin (found); it != NULL; it = clist_next (it))
    {
      guint32 uid = *(guint32 *) clist_content (it);

      if (uid > last_uid)
        g_array_append_val (uids, uid);
    }
  mailimap_search_result_free (found);
  g_array_sort (uids, compare_uid);

  for (guint start = 0; start < uids->len; start += max_batch)
    {
      guint n = MIN (max_batch, uids->len - start);
      const guint32 *batch = &g_array_index (uids, guint32, start);
      g_autoptr(GArray) sizes = g_array_new (FALSE, TRUE, sizeof (FetchedMessage));
      struct mailimap_set *set;
      guint i = 0;
      gboolean ok;

      g_array_set_clear_func (sizes, fetched_message_clear);
      set = uid_set_new (batch, n);
      ok = uid_fetch (self, set, FALSE, sizes, error);
      mailimap_set_free (set);
      if (!ok)
        return FALSE;
      /* Messages expunged since the search are simply not there. */
      g_array_sort (sizes, compare_fetched);

      while (i < sizes->len)
        {
          g_autoptr(GArray) wanted = g_array_new (FALSE, FALSE, sizeof (guint32));
          g_autoptr(GArray) bodies = g_array_new (FALSE, TRUE, sizeof (FetchedMessage));
          guint first = i;
          guint64 bytes = 0;
          guint k = 0;

          g_array_set_clear_func (bodies, fetched_message_clear);
          /* One UID FETCH for as many bodies as fit in BODY_FETCH_BYTES. */
          for (; i < sizes->len; i++)
            {
              const FetchedMessage *m = &g_array_index (sizes, FetchedMessage, i);

              if (m->size > self->max_message_size)
                continue;
              if (wanted->len > 0 && bytes + m->size > BODY_FETCH_BYTES)
                break;
              bytes += m->size;
              g_array_append_val (wanted, m->uid);
            }
          if (wanted->len > 0)
            {
              set = uid_set_new ((const guint32 *) (gpointer) wanted->data, wanted->len);
              ok = uid_fetch (self, set, TRUE, bodies, error);
              mailimap_set_free (set);
              if (!ok)
                return FALSE;
              g_array_sort (bodies, compare_fetched);
            }

          for (guint j = first; j < i; j++)
            {
              const FetchedMessage *m = &g_array_index (sizes, FetchedMessage, j);
              g_autoptr(GError) refused = NULL;
              GBytes *raw = NULL;

              while (k < bodies->len && g_array_index (bodies, FetchedMessage, k).uid < m->uid)
                k++;
              if (m->size > self->max_message_size)
                refused = g_error_new (FD_IMAP_ERROR, FD_IMAP_ERROR_TOO_LARGE,
                                       "Message %u is %u bytes, over the cap of %" G_GSIZE_FORMAT
                                       " bytes: not fetched", m->uid, m->size,
                                       self->max_message_size);
              else if (k < bodies->len && g_array_index (bodies, FetchedMessage, k).uid == m->uid)
                raw = g_array_index (bodies, FetchedMessage, k).raw;
              else
                refused = g_error_new (FD_IMAP_ERROR, FD_IMAP_ERROR_PROTOCOL,
                                       "Message %u: the server did not return it", m->uid);
              seen++;
              if (n_seen != NULL)
                *n_seen = seen;
              if (!callback (m->uid, raw, refused, user_data))
                return FALSE;
            }
        }
    }
  return TRUE;
}

FdImapIdleResult
fd_imap_idle_wait (FdImapSession *self,
                   guint          timeout_seconds,
                   GCancellable  *cancellable,
                   GError       **error)
{
  gint64 deadline;
  gboolean new_mail = FALSE;
  int r;

  g_return_val_if_fail (self != NULL, FD_IMAP_IDLE_FAILED);
  g_return_val_if_fail (error == NULL || *error == NULL, FD_IMAP_IDLE_FAILED);

  if (!check_usable (self, error))
    return FD_IMAP_IDLE_FAILED;
  if (!fd_imap_has_idle (self))
    return FD_IMAP_IDLE_POLL;

  deadline = g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC;
  while (!new_mail)
    {
      struct pollfd fds[2] = { { 0, }, };
      nfds_t nfds = 1;
      GPollFD cancel_fd;
      gint64 left;

      r = mailimap_idle (self->imap);
      if (r != MAILIMAP_NO_ERROR)
        {
          set_error (self, r, FD_IMAP_ERROR_PROTOCOL, "Waiting for new mail (IDLE)", error);
          return FD_IMAP_IDLE_FAILED;
        }

      fds[0].fd = g_socket_get_fd (fd_imap_stream_get_socket (self->stream));
      fds[0].events = POLLIN;
      if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, &cancel_fd))
        {
          fds[1].fd = cancel_fd.fd;
          fds[1].events = POLLIN;
          nfds = 2;
        }

      /* Bytes already read past "+ idling" (by libetpan or by TLS) count
       * as an answer: the socket alone would not say so. */
      while (self->imap->imap_stream->read_buffer_len == 0
             && !fd_imap_stream_is_readable (self->stream)
             && !g_cancellable_is_cancelled (cancellable))
        {
          int n;

          left = deadline - g_get_monotonic_time ();
          if (left <= 0)
            break;
          fds[0].revents = 0;
          fds[1].revents = 0;
          n = poll (fds, nfds, (int) MIN (left / 1000 + 1, G_MAXINT));
          if (n < 0 && errno != EINTR)
            break;
          if (n > 0 && fds[0].revents != 0)
            break;
        }
      if (nfds == 2)
        g_cancellable_release_fd (cancellable);
      if (g_cancellable_is_cancelled (cancellable))
        {
          /* Leaving without DONE: the session is given up. */
          self->broken = TRUE;
          g_set_error_literal (error, FD_IMAP_ERROR, FD_IMAP_ERROR_CANCELLED,
                               "Waiting for new mail (IDLE): cancelled");
          return FD_IMAP_IDLE_FAILED;
        }

      /* DONE ends IDLE; libetpan reads what the server sent meanwhile
       * (EXISTS sets sel_has_exists) up to the tagged OK. */
      r = mailimap_idle_done (self->imap);
      if (r != MAILIMAP_NO_ERROR)
        {
          set_error (self, r, FD_IMAP_ERROR_PROTOCOL, "Waiting for new mail (IDLE)", error);
          return FD_IMAP_IDLE_FAILED;
        }
      new_mail = self->imap->imap_selection_info->sel_has_exists;
      if (g_get_monotonic_time () >= deadline)
        break;
    }
  return new_mail ? FD_IMAP_IDLE_NEW_MAIL : FD_IMAP_IDLE_TIMEOUT;
}

gboolean
fd_imap_noop (FdImapSession *self,
              GError       **error)
{
  int r;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_usable (self, error))
    return FALSE;
  r = mailimap_noop (self->imap);
  if (r != MAILIMAP_NO_ERROR)
    {
      set_error (self, r, FD_IMAP_ERROR_PROTOCOL, "Looking for new mail (NOOP)", error);
      return FALSE;
    }
  return TRUE;
}

gboolean
fd_imap_append_sent (FdImapSession *self,
                     const char    *folder,
                     GBytes        *raw,
                     guint32       *uid,
                     GError       **error)
{
  struct mailimap_flag_list *flags;
  const char *data;
  gsize size;
  uint32_t new_uidvalidity = 0, new_uid = 0;
  int r;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (folder != NULL && raw != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (uid != NULL)
    *uid = 0;
  if (!check_usable (self, error))
    return FALSE;

  data = g_bytes_get_data (raw, &size);
  flags = mailimap_flag_list_new_empty ();
  mailimap_flag_list_add (flags, mailimap_flag_new_seen ());
  if (mailimap_has_extension (self->imap, "UIDPLUS"))
    r = mailimap_uidplus_append (self->imap, folder, flags, NULL, data, size,
                                 &new_uidvalidity, &new_uid);
  else
    r = mailimap_append (self->imap, folder, flags, NULL, data, size);
  mailimap_flag_list_free (flags);
  if (r != MAILIMAP_NO_ERROR)
    {
      g_autofree char *what = g_strdup_printf ("Copying the reply to the folder %s", folder);

      set_error (self, r, self->imap->imap_response_info->rsp_trycreate
                 ? FD_IMAP_ERROR_NO_FOLDER : FD_IMAP_ERROR_PROTOCOL, what, error);
      return FALSE;
    }
  if (uid != NULL)
    *uid = new_uid;
  return TRUE;
}
