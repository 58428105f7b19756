#define G_LOG_DOMAIN "fd-twitter"

/* One twitter stream's polling cycle (docs/twitter.md, "Polling"), on the
 * main loop: a token; users/me once when the account's id is unknown; the
 * mentions since the stored since_id (every page, newest first, at most
 * TWITTER_MAX_PAGES); the DM events down to the newest one stored; then
 * each new item handed to the center oldest first, one transaction each
 * with the position, a few per main-loop turn. X's rate limits are kept
 * per endpoint: a 429 or a page with x-rate-limit-remaining 0 skips that
 * endpoint until x-rate-limit-reset. Errors back off (--x-backoff-ms,
 * doubled up to 15 minutes) and set the stream's health. */

#include "fd-twitter-private.h"

#include "fd-center-twitter.h"
#include "fd-store-twitter.h"

/* Items stored per main-loop turn. */
#define STORE_BATCH 25

typedef enum {
  ENDPOINT_MENTIONS,
  ENDPOINT_DM,
  N_ENDPOINTS
} Endpoint;

struct _Poller {
  gint              ref;
  gboolean          stopped;
  FdTwitter        *tw;
  gint64            organization_id;
  gint64            stream_id;
  char             *fingerprint;
  FdXSettings      *settings;
  FdXClient        *client;
  GCancellable     *cancellable;
  guint             timer_id;
  guint             store_id;
  guint             failures;          /* consecutive failed cycles */
  gint64            limited_until[N_ENDPOINTS];  /* real time, µs: no call before */
  gboolean          retried_401;       /* this cycle refreshed after a 401 already */
  /* The cycle under way. */
  GPtrArray        *items;             /* FdXPost*, newest first, of the endpoint being read */
  guint             pages;
  char             *known_id;          /* since_id, or the newest DM event stored */
  Endpoint          endpoint;
  guint             stored;            /* items of @items handed to the center */
  GError           *cycle_error;       /* the first error of the cycle */
};

static void cycle_start      (Poller *p);
static void endpoint_start   (Poller *p);
static void cycle_end        (Poller *p);

static Poller *
poller_ref (Poller *p)
{
  p->ref++;
  return p;
}

static void
poller_unref (Poller *p)
{
  if (--p->ref > 0)
    return;
  g_free (p->fingerprint);
  fd_x_settings_free (p->settings);
  g_clear_object (&p->client);
  g_clear_object (&p->cancellable);
  g_clear_pointer (&p->items, g_ptr_array_unref);
  g_free (p->known_id);
  g_clear_error (&p->cycle_error);
  g_free (p);
}

const char *
twitter_poller_fingerprint (Poller *p)
{
  return p->fingerprint;
}

void
twitter_poller_set_fingerprint (Poller *p,
                                char   *fingerprint)
{
  g_free (p->fingerprint);
  p->fingerprint = fingerprint;
}

void
twitter_poller_stop (gpointer data)
{
  Poller *p = data;

  p->stopped = TRUE;
  g_cancellable_cancel (p->cancellable);
  g_clear_handle_id (&p->timer_id, g_source_remove);
  g_clear_handle_id (&p->store_id, g_source_remove);
  poller_unref (p);
}

/* Whether a callback finds its poller gone (stopped, or the service freed). */
static gboolean
gone (Poller        *p,
      const GError  *error)
{
  return p->stopped || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static const char *
endpoint_what (Endpoint endpoint)
{
  return endpoint == ENDPOINT_MENTIONS ? "the mentions" : "the direct messages";
}

/* What X's rate-limit headers of an answer say: nothing more of this
 * endpoint before the reset when nothing remains. */
static void
note_rate (Poller             *p,
           Endpoint            endpoint,
           const FdXRateLimit *rate,
           gboolean            limited)
{
  gint64 now = g_get_real_time ();

  if ((limited || rate->remaining == 0) && rate->reset > 0)
    p->limited_until[endpoint] = MAX (p->limited_until[endpoint], rate->reset * G_USEC_PER_SEC);
  else if (limited)
    p->limited_until[endpoint] = MAX (p->limited_until[endpoint],
                                      now + (gint64) FD_X_DEFAULT_RESET_SECONDS * G_USEC_PER_SEC);
}

static void
keep_error (Poller       *p,
            const char   *what,
            const GError *error)
{
  if (p->cycle_error == NULL)
    p->cycle_error = g_error_new (error->domain, error->code, "Reading %s failed: %s", what, error->message);
}

/* --- Timer ------------------------------------------------------------------- */

static gboolean
on_timer_cb (gpointer data)
{
  Poller *p = data;

  p->timer_id = 0;
  cycle_start (p);
  return G_SOURCE_REMOVE;
}

static void
schedule (Poller *p,
          guint   delay_ms)
{
  g_clear_handle_id (&p->timer_id, g_source_remove);
  p->timer_id = g_timeout_add (delay_ms, on_timer_cb, p);
}

/* --- Storing -------------------------------------------------------------------- */

static gboolean
store_one (Poller        *p,
           const FdXPost *post,
           GError       **error)
{
  FdCenterXItemIn in = { 0 };
  gboolean own = p->settings->account_id != NULL && g_strcmp0 (post->author_id, p->settings->account_id) == 0;

  in.direct = post->direct;
  in.id = post->id;
  in.thread_key = post->conversation_id;
  in.author_id = post->author_id;
  in.author_handle = post->author_username;
  in.author_name = post->author_name;
  /* The account's own posts and DMs move the position only. */
  in.text = own ? NULL : (post->text != NULL ? post->text : "");
  in.in_reply_to = post->in_reply_to;
  in.media_urls = (const char * const *) post->media_urls;
  return fd_center_receive_x_item (p->tw->center, p->organization_id, p->stream_id, &in, NULL, error);
}

static gboolean
on_store_cb (gpointer data)
{
  Poller *p = data;
  guint n = 0;

  while (p->stored < p->items->len && n < STORE_BATCH)
    {
      /* Oldest first: the list is newest first. */
      const FdXPost *post = g_ptr_array_index (p->items, p->items->len - 1 - p->stored);
      g_autoptr(GError) error = NULL;

      if (!store_one (p, post, &error))
        {
          g_warning ("Twitter stream %" G_GINT64_FORMAT ": cannot store an X item: %s", p->stream_id, error->message);
          if (p->cycle_error == NULL)
            p->cycle_error = g_error_new (error->domain, error->code,
                                          "An item read from X cannot be stored: %s", error->message);
          /* Nothing after it is stored: the position stays before it. */
          p->stored = p->items->len;
          break;
        }
      p->stored++;
      n++;
    }
  if (p->stored < p->items->len)
    return G_SOURCE_CONTINUE;
  p->store_id = 0;
  g_ptr_array_set_size (p->items, 0);
  if (p->endpoint == ENDPOINT_MENTIONS)
    {
      p->endpoint = ENDPOINT_DM;
      endpoint_start (p);
    }
  else
    cycle_end (p);
  return G_SOURCE_REMOVE;
}

static void
store_items (Poller *p)
{
  p->stored = 0;
  p->store_id = g_idle_add (on_store_cb, p);
}

/* --- Reading ------------------------------------------------------------------- */

static void fetch_page (Poller *p, const char *token, const char *pagination_token);

static void
after_unauthorized (Poller *p);

static void
on_page_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Poller *p = data;
  FdXRateLimit rate = { -1, -1, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(FdXPage) page = NULL;
  gboolean reached_known = FALSE;

  page = p->endpoint == ENDPOINT_MENTIONS
         ? fd_x_client_mentions_finish (FD_X_CLIENT (source), result, &rate, &error)
         : fd_x_client_dm_events_finish (FD_X_CLIENT (source), result, &rate, &error);
  if (gone (p, error))
    {
      poller_unref (p);
      return;
    }
  twitter_count_call (p->tw, p->organization_id, p->stream_id);
  note_rate (p, p->endpoint, &rate, g_error_matches (error, FD_X_ERROR, FD_X_ERROR_RATE_LIMITED));
  if (page == NULL)
    {
      if (g_error_matches (error, FD_X_ERROR, FD_X_ERROR_UNAUTHORIZED) && !p->retried_401)
        {
          g_ptr_array_set_size (p->items, 0);
          after_unauthorized (p);
          poller_unref (p);
          return;
        }
      /* A 429 is no failure: the endpoint waits for its reset. The pages
       * read so far are the newer ones: storing them would move the
       * position past the older ones not read yet, so they are dropped
       * and read again next time. */
      if (!g_error_matches (error, FD_X_ERROR, FD_X_ERROR_RATE_LIMITED))
        keep_error (p, endpoint_what (p->endpoint), error);
      g_ptr_array_set_size (p->items, 0);
      store_items (p);
      poller_unref (p);
      return;
    }
  p->pages++;
  for (guint i = 0; i < page->posts->len; i++)
    {
      FdXPost *post = g_ptr_array_index (page->posts, i);

      if (fd_x_id_compare (post->id, p->known_id) <= 0)
        {
          /* DM events have no since_id: the newest stored one ends the reading. */
          reached_known = TRUE;
          break;
        }
      g_ptr_array_add (p->items, g_steal_pointer (&page->posts->pdata[i]));
    }
  if (!reached_known && page->next_token != NULL && p->pages < TWITTER_MAX_PAGES &&
      g_get_real_time () < p->limited_until[p->endpoint])
    {
      /* Nothing remains of the window before the older pages are read:
       * they are read after the reset, with the newer ones again. */
      g_ptr_array_set_size (p->items, 0);
      store_items (p);
      poller_unref (p);
      return;
    }
  if (!reached_known && page->next_token != NULL && p->pages < TWITTER_MAX_PAGES)
    {
      g_autofree char *next = g_strdup (page->next_token);

      /* The client keeps the cycle's access token. */
      fetch_page (p, NULL, next);
      poller_unref (p);
      return;
    }
  if (!reached_known && page->next_token != NULL && p->pages >= TWITTER_MAX_PAGES)
    g_message ("Twitter stream %" G_GINT64_FORMAT ": more than %d pages of %s in one cycle; the older ones "
               "are left", p->stream_id, TWITTER_MAX_PAGES, endpoint_what (p->endpoint));
  store_items (p);
  poller_unref (p);
}

static void
fetch_page (Poller     *p,
            const char *token,
            const char *pagination_token)
{
  if (token != NULL)
    fd_x_client_set_access_token (p->client, token);
  if (p->endpoint == ENDPOINT_MENTIONS)
    fd_x_client_mentions_async (p->client, p->settings->account_id, p->known_id, pagination_token,
                                p->cancellable, on_page_cb, poller_ref (p));
  else
    fd_x_client_dm_events_async (p->client, pagination_token, p->cancellable, on_page_cb, poller_ref (p));
}

static void
endpoint_start (Poller *p)
{
  FdStoreXPosition position = { 0 };
  g_autoptr(GError) error = NULL;

  if (p->endpoint >= N_ENDPOINTS)
    {
      cycle_end (p);
      return;
    }
  if (g_get_real_time () < p->limited_until[p->endpoint])
    {
      /* Rate-limited: this endpoint waits for its reset. */
      if (p->endpoint == ENDPOINT_MENTIONS)
        {
          p->endpoint = ENDPOINT_DM;
          endpoint_start (p);
        }
      else
        cycle_end (p);
      return;
    }
  if (!fd_store_get_x_position (p->tw->store, p->organization_id, p->stream_id, &position, &error))
    {
      keep_error (p, endpoint_what (p->endpoint), error);
      cycle_end (p);
      return;
    }
  g_free (p->known_id);
  p->known_id = g_strdup (p->endpoint == ENDPOINT_MENTIONS ? position.mentions_since_id : position.dm_newest_id);
  fd_store_x_position_clear (&position);
  p->pages = 0;
  g_ptr_array_set_size (p->items, 0);
  fetch_page (p, NULL, NULL);
}

/* --- users/me ------------------------------------------------------------------- */

static gboolean
save_account_id (Poller      *p,
                 const char  *account_id,
                 GError     **error)
{
  FdStore *store = p->tw->store;
  g_autoptr(FdStream) stream = fd_store_get_stream (store, p->organization_id, p->stream_id, error);
  g_autofree char *json = NULL;

  if (stream == NULL)
    return FALSE;
  json = fd_x_settings_with_account_id (stream->settings_json, account_id);
  if (json == NULL)
    {
      g_set_error_literal (error, FD_X_SETTINGS_ERROR, FD_X_SETTINGS_ERROR_INVALID,
                           "The stream's settings are not a JSON object.");
      return FALSE;
    }
  g_free (stream->settings_json);
  stream->settings_json = g_steal_pointer (&json);
  if (!fd_store_begin (store, error))
    return FALSE;
  if (!fd_store_update_stream (store, stream, error) || !fd_store_commit (store, error))
    {
      fd_store_rollback (store);
      return FALSE;
    }
  g_free (p->settings->account_id);
  p->settings->account_id = g_strdup (account_id);
  /* The server's own change restarts nothing. */
  twitter_poller_set_fingerprint (p, twitter_fingerprint (p->tw, stream));
  return TRUE;
}

static void
on_me_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Poller *p = data;
  FdXRateLimit rate = { -1, -1, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(FdXUser) me = fd_x_client_get_me_finish (FD_X_CLIENT (source), result, &rate, &error);

  if (gone (p, error))
    {
      poller_unref (p);
      return;
    }
  twitter_count_call (p->tw, p->organization_id, p->stream_id);
  if (me == NULL && g_error_matches (error, FD_X_ERROR, FD_X_ERROR_UNAUTHORIZED) && !p->retried_401)
    {
      after_unauthorized (p);
      poller_unref (p);
      return;
    }
  if (me == NULL || !save_account_id (p, me->id, &error))
    {
      keep_error (p, "the X account", error);
      cycle_end (p);
      poller_unref (p);
      return;
    }
  p->endpoint = ENDPOINT_MENTIONS;
  endpoint_start (p);
  poller_unref (p);
}

/* --- The cycle ------------------------------------------------------------------ */

static void
on_token_cb (FdTwitter    *tw,
             const char   *token,
             const GError *error,
             gpointer      data)
{
  Poller *p = data;

  if (gone (p, error))
    {
      poller_unref (p);
      return;
    }
  if (token == NULL)
    {
      /* A revoked grant set needs-authorization already. */
      if (!g_error_matches (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED))
        keep_error (p, "the stream's X tokens", error);
      else if (p->cycle_error == NULL)
        p->cycle_error = g_error_copy (error);
      cycle_end (p);
      poller_unref (p);
      return;
    }
  fd_x_client_set_access_token (p->client, token);
  if (p->settings->account_id == NULL)
    fd_x_client_get_me_async (p->client, p->cancellable, on_me_cb, poller_ref (p));
  else
    {
      p->endpoint = ENDPOINT_MENTIONS;
      endpoint_start (p);
    }
  poller_unref (p);
}

/* A 401: the access token is refreshed once and the cycle starts over. */
static void
after_unauthorized (Poller *p)
{
  p->retried_401 = TRUE;
  twitter_get_token (p->tw, p->organization_id, p->stream_id, TRUE, on_token_cb, poller_ref (p));
}

static void
cycle_start (Poller *p)
{
  p->retried_401 = FALSE;
  g_clear_error (&p->cycle_error);
  g_ptr_array_set_size (p->items, 0);
  twitter_get_token (p->tw, p->organization_id, p->stream_id, FALSE, on_token_cb, poller_ref (p));
}

static void
cycle_end (Poller *p)
{
  guint delay_ms = p->settings->poll_seconds * 1000;

  if (p->cycle_error == NULL)
    {
      p->failures = 0;
      twitter_set_health (p->tw, p->organization_id, p->stream_id, "ok", NULL);
    }
  else
    {
      p->failures++;
      delay_ms = MAX (delay_ms, twitter_backoff_ms (p->tw, p->failures));
      if (!g_error_matches (p->cycle_error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED))
        {
          g_autofree char *reason = g_strdup_printf ("%s (retrying in %u s)", p->cycle_error->message,
                                                     (delay_ms + 999) / 1000);

          g_message ("Twitter stream %" G_GINT64_FORMAT ": %s", p->stream_id, p->cycle_error->message);
          twitter_set_health (p->tw, p->organization_id, p->stream_id, "needs-attention", reason);
        }
    }
  schedule (p, delay_ms);
}

Poller *
twitter_poller_new (FdTwitter      *tw,
                    const FdStream *stream,
                    FdXSettings    *settings,
                    char           *fingerprint)
{
  Poller *p = g_new0 (Poller, 1);

  p->ref = 1;
  p->tw = tw;
  p->organization_id = stream->organization_id;
  p->stream_id = stream->id;
  p->fingerprint = fingerprint;
  p->settings = settings;
  p->client = fd_x_client_new (tw->session, tw->api_base_url);
  p->cancellable = g_cancellable_new ();
  p->items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_x_post_free);
  /* The first cycle at once. */
  schedule (p, 0);
  return p;
}
