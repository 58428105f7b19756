#define G_LOG_DOMAIN "fd-smtp"

#include "fd-smtp.h"

#include <curl/curl.h>
#include <string.h>

#include "fd-mail-compose.h"  /* fd_mail_address_is_plain() */

/* The server's last reply, kept with the error so that the outbox can show
 * the agent why a reply failed ("550 5.7.1 Relay access denied"). */
typedef struct {
  guint  reply_code;
  char  *reply_text;
} FdSmtpErrorPrivate;

static void
fd_smtp_error_private_init (FdSmtpErrorPrivate *priv)
{
  priv->reply_code = 0;
  priv->reply_text = NULL;
}

static void
fd_smtp_error_private_copy (const FdSmtpErrorPrivate *src,
                            FdSmtpErrorPrivate       *dest)
{
  dest->reply_code = src->reply_code;
  dest->reply_text = g_strdup (src->reply_text);
}

static void
fd_smtp_error_private_clear (FdSmtpErrorPrivate *priv)
{
  g_clear_pointer (&priv->reply_text, g_free);
}

G_DEFINE_EXTENDED_ERROR (FdSmtpError, fd_smtp_error)

guint
fd_smtp_error_get_reply_code (const GError *error)
{
  FdSmtpErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, 0);
  priv = fd_smtp_error_get_private (error);
  return priv != NULL ? priv->reply_code : 0;
}

const char *
fd_smtp_error_get_reply_text (const GError *error)
{
  FdSmtpErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);
  priv = fd_smtp_error_get_private (error);
  return priv != NULL ? priv->reply_text : NULL;
}

/* The last reply is kept for the error; a server that talks without end
 * cannot make it grow past this. */
#define REPLY_TEXT_MAX 512

#define DEFAULT_CONNECT_TIMEOUT_S 30
#define DEFAULT_TIMEOUT_S         300

typedef struct {
  const guint8 *data;
  gsize         len;
  gsize         offset;
  GCancellable *cancellable;
  /* The server's last reply: its code and its text (continuation lines
   * joined by spaces). `complete` once its last line ("250 …") arrived, so
   * that the next line starts a new reply. */
  guint         reply_code;
  GString      *reply_text;
  gboolean      reply_complete;
} Transfer;

static size_t
read_cb (char   *buffer,
         size_t  size,
         size_t  nitems,
         void   *user_data)
{
  Transfer *transfer = user_data;
  gsize n = MIN (size * nitems, transfer->len - transfer->offset);

  memcpy (buffer, transfer->data + transfer->offset, n);
  transfer->offset += n;
  return n;
}

/* libcurl calls this about once a second, and more often while data flows:
 * a cancelled send stops within about a second, whatever the server does. */
static int
progress_cb (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  Transfer *transfer = user_data;

  return g_cancellable_is_cancelled (transfer->cancellable) ? 1 : 0;
}

static void
take_reply_line (Transfer   *transfer,
                 const char *line,
                 gsize       len)
{
  guint code;

  while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
    len--;
  if (len < 3 || !g_ascii_isdigit (line[0]) || !g_ascii_isdigit (line[1]) || !g_ascii_isdigit (line[2]))
    return;
  code = (guint) ((line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0'));

  /* The first refusal is the reason: libcurl quits right after it, and the
   * "221 Bye" to that QUIT must not hide it. */
  if (transfer->reply_complete && transfer->reply_code >= 400)
    return;
  if (transfer->reply_complete)
    {
      g_string_truncate (transfer->reply_text, 0);
      transfer->reply_complete = FALSE;
    }
  transfer->reply_code = code;
  transfer->reply_complete = len == 3 || line[3] == ' ';
  if (len > 4)
    {
      gsize room = REPLY_TEXT_MAX - MIN (REPLY_TEXT_MAX, transfer->reply_text->len);

      if (transfer->reply_text->len > 0 && room > 0)
        {
          g_string_append_c (transfer->reply_text, ' ');
          room--;
        }
      g_string_append_len (transfer->reply_text, line + 4, (gssize) MIN (room, len - 4));
    }
}

/* Only what the server says is looked at (CURLINFO_HEADER_IN): never what
 * is sent, which holds the credentials and the message. */
static int
debug_cb (CURL          *handle,
          curl_infotype  type,
          char          *data,
          size_t         size,
          void          *user_data)
{
  Transfer *transfer = user_data;
  const char *end = data + size;
  const char *line = data;

  if (type != CURLINFO_HEADER_IN)
    return 0;
  while (line < end)
    {
      const char *nl = memchr (line, '\n', (gsize) (end - line));
      const char *next = nl != NULL ? nl + 1 : end;

      take_reply_line (transfer, line, (gsize) (next - line));
      line = next;
    }
  return 0;
}

static void
ensure_curl (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK)
        g_error ("libcurl could not be initialized");
      g_once_init_leave (&initialized, 1);
    }
}

static gboolean
is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static gboolean
is_host (const char *host)
{
  if (host == NULL || *host == '\0' || strlen (host) > 253)
    return FALSE;
  for (const char *p = host; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr (".-:", *p) == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_config (const FdSmtpConfig  *config,
              const char          *from,
              const char * const  *rcpt,
              GError             **error)
{
  if (!is_host (config->host))
    {
      g_set_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_INVALID,
                   "The mail server's host name is missing or not a host name.");
      return FALSE;
    }
  if (config->tls == FD_SMTP_TLS_NONE && !is_loopback (config->host))
    {
      g_set_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_INVALID,
                   "Mail to %s must go over TLS (implicit or STARTTLS); plain text is "
                   "only allowed to this machine.", config->host);
      return FALSE;
    }
  if (config->auth == FD_SMTP_AUTH_PASSWORD && (config->username == NULL || config->password == NULL))
    {
      g_set_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_INVALID,
                   "Password authentication needs a user name and a password.");
      return FALSE;
    }
  if (config->auth == FD_SMTP_AUTH_XOAUTH2 && (config->username == NULL || config->access_token == NULL))
    {
      g_set_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_INVALID,
                   "XOAUTH2 authentication needs a user name and an access token.");
      return FALSE;
    }
  if (!fd_mail_address_is_plain (from))
    {
      g_set_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_INVALID,
                   "The sender is not a plain email address (local@domain).");
      return FALSE;
    }
  if (rcpt == NULL || rcpt[0] == NULL)
    {
      g_set_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_INVALID, "The message has no recipient.");
      return FALSE;
    }
  for (guint i = 0; rcpt[i] != NULL; i++)
    {
      if (!fd_mail_address_is_plain (rcpt[i]))
        {
          g_set_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_INVALID,
                       "Recipient %u is not a plain email address (local@domain).", i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
is_tls_failure (CURLcode res)
{
  switch (res)
    {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
set_error (GError             **error,
           FdSmtpError          code,
           const Transfer      *transfer,
           const char          *format,
           ...) G_GNUC_PRINTF (4, 5);

static void
set_error (GError             **error,
           FdSmtpError          code,
           const Transfer      *transfer,
           const char          *format,
           ...)
{
  GError *new_error;
  FdSmtpErrorPrivate *priv;
  va_list args;

  va_start (args, format);
  new_error = g_error_new_valist (FD_SMTP_ERROR, code, format, args);
  va_end (args);
  priv = fd_smtp_error_get_private (new_error);
  if (transfer->reply_code >= 400)
    {
      priv->reply_code = transfer->reply_code;
      /* The server's words go to the agent: UTF-8 whatever it sent. */
      priv->reply_text = g_utf8_make_valid (transfer->reply_text->str, -1);
    }
  g_propagate_error (error, new_error);
}

/* The replies of RFC 4954 that are about the credentials, whatever command
 * they answer: 530 authentication required, 534 mechanism too weak, 535
 * credentials invalid, 538 encryption required for the mechanism. */
static gboolean
is_auth_reply (guint code)
{
  return code == 530 || code == 534 || code == 535 || code == 538;
}

/* Every failure as one of the typed errors: what the outbox needs to decide
 * between retrying, giving up and asking the administrator. */
static void
classify (CURLcode            res,
          const Transfer     *transfer,
          const FdSmtpConfig *config,
          const char         *detail,
          GError            **error)
{
  guint code = transfer->reply_code;
  g_autofree char *text = g_utf8_make_valid (transfer->reply_text->str, -1);

  if (res == CURLE_ABORTED_BY_CALLBACK || g_cancellable_is_cancelled (transfer->cancellable))
    set_error (error, FD_SMTP_ERROR_CANCELLED, transfer, "Sending was cancelled.");
  else if (is_tls_failure (res))
    set_error (error, FD_SMTP_ERROR_TLS, transfer,
               "No secure connection to the mail server %s: %s. Check its TLS mode, port and certificate.",
               config->host, detail);
  else if (res == CURLE_LOGIN_DENIED && code >= 400 && code < 500)
    set_error (error, FD_SMTP_ERROR_TEMPORARY, transfer,
               "The mail server could not check the credentials now (%u %s); the reply will be sent again later.",
               code, text);
  else if (res == CURLE_LOGIN_DENIED || is_auth_reply (code))
    set_error (error, FD_SMTP_ERROR_AUTH, transfer,
               "The mail server %s refused the credentials%s%s. Authorize the stream again.",
               config->host, code >= 500 ? ": " : "", code >= 500 ? text : "");
  else if (code >= 400 && code < 500)
    set_error (error, FD_SMTP_ERROR_TEMPORARY, transfer,
               "The mail server asks to try again later: %u %s", code, text);
  else if (code >= 500)
    set_error (error, FD_SMTP_ERROR_REJECTED, transfer,
               "The mail server refused the message: %u %s", code, text);
  else
    set_error (error, FD_SMTP_ERROR_NETWORK, transfer,
               "Could not talk to the mail server %s: %s", config->host, detail);
}

/* A GLib cleanup for the libcurl handles. */
static void
easy_cleanup (CURL *curl)
{
  curl_easy_cleanup (curl);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CURL, easy_cleanup)
typedef struct curl_slist FdCurlSlist;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdCurlSlist, curl_slist_free_all)

gboolean
fd_smtp_send (const FdSmtpConfig  *config,
              const char          *from,
              const char * const  *rcpt,
              GBytes              *message,
              GCancellable        *cancellable,
              GError             **error)
{
  g_autoptr(CURL) curl = NULL;
  g_autoptr(FdCurlSlist) recipients = NULL;
  g_autoptr(GString) reply_text = g_string_new (NULL);
  g_autofree char *url = NULL;
  g_autofree char *mail_from = NULL;
  char detail[CURL_ERROR_SIZE] = "";
  Transfer transfer = { 0, };
  guint16 port;
  CURLcode res;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_config (config, from, rcpt, error))
    return FALSE;
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_CANCELLED, "Sending was cancelled.");
      return FALSE;
    }

  ensure_curl ();
  curl = curl_easy_init ();
  if (curl == NULL)
    g_error ("libcurl could not make a handle (out of memory)");

  transfer.data = g_bytes_get_data (message, &transfer.len);
  transfer.cancellable = cancellable;
  transfer.reply_text = reply_text;

  port = config->port != 0 ? config->port : (config->tls == FD_SMTP_TLS_IMPLICIT ? 465 : 587);
  url = g_strdup_printf ("%s://%s%s%s:%u",
                         config->tls == FD_SMTP_TLS_IMPLICIT ? "smtps" : "smtp",
                         strchr (config->host, ':') != NULL ? "[" : "",
                         config->host,
                         strchr (config->host, ':') != NULL ? "]" : "",
                         port);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  /* The mail server is reached directly: a proxy of the environment
   * (all_proxy) is not for it. */
  curl_easy_setopt (curl, CURLOPT_PROXY, "");
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, detail);

  /* STARTTLS is required, never opportunistic: a server (or a man in the
   * middle) that drops it does not get the credentials in clear. */
  if (config->tls != FD_SMTP_TLS_NONE)
    curl_easy_setopt (curl, CURLOPT_USE_SSL, (long) CURLUSESSL_ALL);
  if (config->ca_file != NULL)
    curl_easy_setopt (curl, CURLOPT_CAINFO, config->ca_file);

  switch (config->auth)
    {
    case FD_SMTP_AUTH_NONE:
      break;
    case FD_SMTP_AUTH_PASSWORD:
      curl_easy_setopt (curl, CURLOPT_USERNAME, config->username);
      curl_easy_setopt (curl, CURLOPT_PASSWORD, config->password);
      /* Only these two: a password never goes to an older mechanism. */
      curl_easy_setopt (curl, CURLOPT_LOGIN_OPTIONS, "AUTH=PLAIN;AUTH=LOGIN");
      break;
    case FD_SMTP_AUTH_XOAUTH2:
      curl_easy_setopt (curl, CURLOPT_USERNAME, config->username);
      curl_easy_setopt (curl, CURLOPT_XOAUTH2_BEARER, config->access_token);
      curl_easy_setopt (curl, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2");
      break;
    default:
      g_return_val_if_reached (FALSE);
    }

  mail_from = g_strdup_printf ("<%s>", from);
  curl_easy_setopt (curl, CURLOPT_MAIL_FROM, mail_from);
  for (guint i = 0; rcpt[i] != NULL; i++)
    {
      g_autofree char *to = g_strdup_printf ("<%s>", rcpt[i]);
      struct curl_slist *list = curl_slist_append (recipients, to);

      if (list == NULL)
        g_error ("libcurl could not add a recipient (out of memory)");
      recipients = list;
    }
  curl_easy_setopt (curl, CURLOPT_MAIL_RCPT, recipients);

  curl_easy_setopt (curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt (curl, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt (curl, CURLOPT_READDATA, &transfer);
  curl_easy_setopt (curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t) transfer.len);

  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, (long) (config->connect_timeout_s != 0 ? config->connect_timeout_s : DEFAULT_CONNECT_TIMEOUT_S));
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, (long) (config->timeout_s != 0 ? config->timeout_s : DEFAULT_TIMEOUT_S));
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, progress_cb);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &transfer);

  /* VERBOSE only feeds debug_cb, which keeps the server's replies; nothing
   * is printed. */
  curl_easy_setopt (curl, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt (curl, CURLOPT_DEBUGFUNCTION, debug_cb);
  curl_easy_setopt (curl, CURLOPT_DEBUGDATA, &transfer);

  res = curl_easy_perform (curl);
  if (res == CURLE_OK)
    return TRUE;

  if (detail[0] == '\0')
    g_strlcpy (detail, curl_easy_strerror (res), sizeof detail);
  classify (res, &transfer, config, detail, error);
  return FALSE;
}
