#define G_LOG_DOMAIN "fd-site"

/* Site import (docs/admin.md, "Site format"): a whole organization from one
 * document, in one transaction, references resolved by name and email. */

#include "fd-email-settings.h"
#include "fd-secret-box.h"
#include "fd-site-private.h"

#include "fd-auth.h"
#include "fd-store-email.h"
#include "twitter/fd-x-settings.h"

#include <string.h>

typedef struct {
  FdStore    *store;
  FdSecretBox *box;      /* seals streams' secrets; NULL: a document with one is refused */
  gint64      organization_id;
  GHashTable *agents;    /* case-folded email → gint64* id */
  GHashTable *queues;    /* name → gint64* id */
  GHashTable *streams;   /* name → gint64* id */
} Import;

static gint64 *
id_dup (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

static gboolean
get_section (JsonObject  *site,
             const char  *name,
             JsonArray  **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (site, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID,
                   "The site's “%s” must be an array.", name);
      return FALSE;
    }
  *out = json_node_get_array (node);
  return TRUE;
}

/* A new object with the members of @source. json_node_copy() shares the
 * object, and import must not edit the caller's document. */
static JsonObject *
object_copy (JsonObject *source)
{
  JsonObject *obj = json_object_new ();
  g_autoptr(GList) names = json_object_get_members (source);

  for (GList *l = names; l != NULL; l = l->next)
    json_object_set_member (obj, l->data, json_object_dup_member (source, l->data));
  return obj;
}

/* A copy of element @i of @section without its database-local members. */
static JsonObject *
element_copy (JsonArray   *array,
              guint        i,
              const char  *section,
              GError     **error)
{
  JsonNode *node = json_array_get_element (array, i);
  JsonObject *obj;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID,
                   "%s[%u] must be an object.", section, i);
      return NULL;
    }
  obj = object_copy (json_node_get_object (node));
  fd_site_drop_local_members (obj);
  return obj;
}

/* Removes @member from @obj and returns it as a string (NULL when absent). */
static gboolean
pop_string (JsonObject  *obj,
            const char  *member,
            char       **out,
            const char  *where,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (node != NULL)
        json_object_remove_member (obj, member);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID,
                   "%s.%s must be a string.", where, member);
      return FALSE;
    }
  *out = g_strdup (json_node_get_string (node));
  json_object_remove_member (obj, member);
  return TRUE;
}

/* Removes @member, an array of strings, from @obj (NULL when absent). */
static gboolean
pop_strings (JsonObject  *obj,
             const char  *member,
             GStrv       *out,
             const char  *where,
             GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (node != NULL)
        json_object_remove_member (obj, member);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto invalid;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        goto invalid;
      g_strv_builder_add (builder, json_node_get_string (item));
    }
  *out = g_strv_builder_end (builder);
  json_object_remove_member (obj, member);
  return TRUE;

invalid:
  g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID,
               "%s.%s must be an array of strings.", where, member);
  return FALSE;
}

static gboolean
lookup_agent (Import      *import,
              const char  *email,
              gint64      *out,
              const char  *where,
              GError     **error)
{
  g_autofree char *folded = g_utf8_casefold (email, -1);
  gint64 *id = g_hash_table_lookup (import->agents, folded);

  if (id == NULL)
    {
      g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID,
                   "%s names the agent “%s”, who is not among the site's agents.", where, email);
      return FALSE;
    }
  *out = *id;
  return TRUE;
}

static gboolean
lookup_name (GHashTable  *table,
             const char  *what,
             const char  *name,
             gint64      *out,
             const char  *where,
             GError     **error)
{
  gint64 *id = name != NULL ? g_hash_table_lookup (table, name) : NULL;

  if (id == NULL)
    {
      g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID,
                   "%s names the %s “%s”, which is not in the site.", where, what,
                   name ? name : "");
      return FALSE;
    }
  *out = *id;
  return TRUE;
}

/* The emails of @emails as agent ids, in order. */
static GArray *
lookup_agents (Import       *import,
               char * const *emails,
               const char   *where,
               GError      **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; emails != NULL && emails[i] != NULL; i++)
    {
      gint64 agent_id;

      if (!lookup_agent (import, emails[i], &agent_id, where, error))
        return NULL;
      g_array_append_val (ids, agent_id);
    }
  return g_steal_pointer (&ids);
}

/* Queues and streams are named in the site: a name given twice could not
 * be told apart. */
static gboolean
check_new_name (GHashTable  *names,
                const char  *what,
                const char  *name,
                const char  *where,
                GError     **error)
{
  if (name == NULL || !g_hash_table_contains (names, name))
    return TRUE;
  g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID,
               "%s: the site has two %s called “%s”.", where, what, name);
  return FALSE;
}

/* @ok, with an error prefixed by the element it is about. */
static gboolean
at_element (gboolean     ok,
            const char  *where,
            GError     **error)
{
  if (!ok)
    g_prefix_error (error, "%s: ", where);
  return ok;
}

static gboolean
decode_into (JsonObject        *obj,
             gpointer          *out,
             const FdTypeInfo  *info,
             const char        *where,
             GError           **error)
{
  g_autoptr(JsonNode) node = fd_site_object_node (json_object_ref (obj));

  *out = fd_codec_from_json (info, node, error);
  return at_element (*out != NULL, where, error);
}

static gboolean
import_agents (Import     *import,
               JsonArray  *array,
               GError    **error)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf ("agents[%u]", i);
      g_autoptr(JsonObject) obj = element_copy (array, i, "agents", error);
      g_autoptr(FdAgent) agent = NULL;
      g_autofree char *password = NULL;
      g_autoptr(GError) local_error = NULL;
      gboolean ok;

      if (obj == NULL ||
          !pop_string (obj, "password", &password, where, error) ||
          !decode_into (obj, (gpointer *) &agent, &fd_agent_info, where, error))
        return FALSE;

      /* An agent without a password gets a random one that nobody knows:
       * it cannot sign in until an admin sets a password. */
      agent->organization_id = import->organization_id;
      if (password == NULL)
        password = fd_auth_generate_token ("");
      ok = fd_auth_create_agent (import->store, agent, password, &local_error);
      memset (password, 0, strlen (password));
      /* A password too short or too long is the document's fault, like any
       * other invalid field (found by fuzz-site-import). */
      if (g_error_matches (local_error, FD_AUTH_ERROR, FD_AUTH_ERROR_WEAK_PASSWORD))
        {
          g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID, "%s: %s", where, local_error->message);
          return FALSE;
        }
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      if (!at_element (ok, where, error))
        return FALSE;
      g_hash_table_insert (import->agents, g_utf8_casefold (agent->email, -1), id_dup (agent->id));
    }
  return TRUE;
}

static gboolean
import_queues (Import     *import,
               JsonArray  *array,
               GError    **error)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf ("queues[%u]", i);
      g_autoptr(JsonObject) obj = element_copy (array, i, "queues", error);
      g_autoptr(FdQueue) queue = NULL;
      g_autoptr(GArray) member_ids = NULL;
      g_auto(GStrv) members = NULL;

      if (obj == NULL ||
          !pop_strings (obj, "members", &members, where, error) ||
          !decode_into (obj, (gpointer *) &queue, &fd_queue_info, where, error))
        return FALSE;

      queue->organization_id = import->organization_id;
      if (!check_new_name (import->queues, "queues", queue->name, where, error) ||
          !at_element (fd_store_create_queue (import->store, queue, error), where, error))
        return FALSE;
      g_hash_table_insert (import->queues, g_strdup (queue->name), id_dup (queue->id));

      member_ids = lookup_agents (import, members, where, error);
      if (member_ids == NULL)
        return FALSE;
      for (guint m = 0; m < member_ids->len; m++)
        if (!fd_store_add_queue_member (import->store, import->organization_id, queue->id,
                                        g_array_index (member_ids, gint64, m), error))
          return FALSE;
    }
  return TRUE;
}

static gboolean
import_phases (Import     *import,
               gint64      stream_id,
               JsonArray  *array,
               const char *stream_where,
               GError    **error)
{
  g_autoptr(GPtrArray) phases = fd_phase_list_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf ("%s.phases[%u]", stream_where, i);
      g_autoptr(JsonObject) obj = element_copy (array, i, where, error);
      g_auto(GStrv) agents = NULL;
      FdPhase *phase = NULL;

      if (obj == NULL ||
          !pop_strings (obj, "agents", &agents, where, error) ||
          !decode_into (obj, (gpointer *) &phase, &fd_phase_info, where, error))
        return FALSE;
      g_ptr_array_add (phases, phase);

      phase->organization_id = import->organization_id;
      phase->stream_id = stream_id;
      phase->position = (gint) i;
      g_clear_pointer (&phase->agent_ids, g_array_unref);
      phase->agent_ids = lookup_agents (import, agents, where, error);
      if (phase->agent_ids == NULL)
        return FALSE;
    }

  if (phases->len == 0)
    return TRUE;
  if (!fd_store_replace_phases (import->store, import->organization_id, stream_id, phases, error))
    {
      g_prefix_error (error, "%s.phases: ", stream_where);
      return FALSE;
    }
  return TRUE;
}

/* The write-only members of an email stream, as the admin API takes them
 * (docs/admin.md, "Email streams"; a twitter stream's are the OAuth ones):
 * never exported, sealed on import. */
static const char * const stream_secret_names[] = { "password", "oauth_client_secret", "oauth_tokens" };

/* Removes the stream secrets from @obj into @out (by stream_secret_names'
 * index): their text, checked, for sealing. */
static gboolean
pop_stream_secrets (JsonObject  *obj,
                    char       **out,
                    const char  *where,
                    GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (stream_secret_names); i++)
    {
      const char *name = stream_secret_names[i];
      g_autoptr(JsonNode) node = json_object_dup_member (obj, name);

      out[i] = NULL;
      if (node == NULL)
        continue;
      json_object_remove_member (obj, name);
      if (g_str_equal (name, "oauth_tokens"))
        {
          g_autoptr(JsonGenerator) generator = json_generator_new ();
          g_autoptr(FdOAuthTokens) tokens = NULL;
          g_autoptr(GError) local_error = NULL;

          json_generator_set_root (generator, node);
          out[i] = json_generator_to_data (generator, NULL);
          tokens = JSON_NODE_HOLDS_OBJECT (node) ? fd_email_oauth_tokens_parse (out[i], strlen (out[i]), &local_error)
                                                 : NULL;
          if (tokens == NULL)
            {
              g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID, "%s: %s", where,
                           local_error != NULL ? local_error->message : "“oauth_tokens” must be an object.");
              return FALSE;
            }
        }
      else if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
               *json_node_get_string (node) == '\0')
        {
          g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID, "%s.%s must be a string that is not empty.",
                       where, name);
          return FALSE;
        }
      else
        out[i] = g_strdup (json_node_get_string (node));
    }
  return TRUE;
}

static void
wipe_stream_secrets (char **secrets)
{
  for (guint i = 0; i < G_N_ELEMENTS (stream_secret_names); i++)
    if (secrets[i] != NULL)
      {
        memset (secrets[i], 0, strlen (secrets[i]));
        g_clear_pointer (&secrets[i], g_free);
      }
}

/* Seals and stores the secrets of @stream, just created. */
static gboolean
store_stream_secrets (Import          *import,
                      const FdStream  *stream,
                      char           **secrets,
                      const char      *where,
                      GError         **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (stream_secret_names); i++)
    {
      g_autoptr(GBytes) plain = NULL;
      g_autoptr(GBytes) sealed = NULL;

      if (secrets[i] == NULL)
        continue;
      /* A twitter stream has the OAuth ones (docs/admin.md, "Twitter streams"). */
      if (stream->kind != FD_STREAM_EMAIL &&
          !(stream->kind == FD_STREAM_TWITTER && !g_str_equal (stream_secret_names[i], "password")))
        {
          g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID, "%s: only an email stream has “%s”%s.",
                       where, stream_secret_names[i],
                       g_str_equal (stream_secret_names[i], "password") ? "" : " (and a twitter stream)");
          return FALSE;
        }
      if (import->box == NULL)
        {
          g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID,
                       "%s: this server keeps no secrets (its secret key could not be opened), so it cannot "
                       "take the stream's “%s”.", where, stream_secret_names[i]);
          return FALSE;
        }
      plain = g_bytes_new (secrets[i], strlen (secrets[i]));
      sealed = fd_secret_box_seal (import->box, plain, error);
      if (sealed == NULL ||
          !fd_store_set_stream_secret (import->store, import->organization_id, stream->id, stream_secret_names[i],
                                       sealed, error))
        return at_element (FALSE, where, error);
    }
  return TRUE;
}

/* One stream of the site (@obj without its "queue" and secrets). */
static gboolean
import_stream (Import      *import,
               JsonObject  *obj,
               const char  *queue,
               char       **secrets,
               const char  *where,
               GError     **error)
{
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(JsonNode) phases = NULL;
  g_autoptr(GError) local_error = NULL;

  if (json_object_has_member (obj, "phases"))
    {
      phases = json_object_dup_member (obj, "phases");
      json_object_remove_member (obj, "phases");
      if (!JSON_NODE_HOLDS_ARRAY (phases) && !JSON_NODE_HOLDS_NULL (phases))
        {
          g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID,
                       "%s.phases must be an array.", where);
          return FALSE;
        }
    }
  if (!decode_into (obj, (gpointer *) &stream, &fd_stream_info, where, error) ||
      !lookup_name (import->queues, "queue", queue, &stream->queue_id, where, error))
    return FALSE;

  stream->organization_id = import->organization_id;
  /* The health is the server's to say, and an email stream's settings
   * are checked as the admin API checks them. */
  g_clear_pointer (&stream->health, g_free);
  g_clear_pointer (&stream->health_reason, g_free);
  if (stream->kind == FD_STREAM_EMAIL && stream->settings_json != NULL &&
      !fd_email_settings_check (stream->settings_json, &local_error))
    {
      /* A site document's fault like any other: the import's domain. */
      g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID, "%s: %s", where, local_error->message);
      return FALSE;
    }
  if (stream->kind == FD_STREAM_TWITTER && stream->settings_json != NULL)
    {
      char *normalized = fd_x_settings_normalize (stream->settings_json, &local_error);

      if (normalized == NULL)
        {
          g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID, "%s: %s", where, local_error->message);
          return FALSE;
        }
      g_free (stream->settings_json);
      stream->settings_json = normalized;
    }
  if (!check_new_name (import->streams, "media streams", stream->name, where, error) ||
      !at_element (fd_store_create_stream (import->store, stream, error), where, error) ||
      !store_stream_secrets (import, stream, secrets, where, error))
    return FALSE;
  g_hash_table_insert (import->streams, g_strdup (stream->name), id_dup (stream->id));

  return phases == NULL || !JSON_NODE_HOLDS_ARRAY (phases) ||
         import_phases (import, stream->id, json_node_get_array (phases), where, error);
}

static gboolean
import_streams (Import     *import,
                JsonArray  *array,
                GError    **error)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf ("streams[%u]", i);
      g_autoptr(JsonObject) obj = element_copy (array, i, "streams", error);
      g_autofree char *queue = NULL;
      char *secrets[G_N_ELEMENTS (stream_secret_names)] = { NULL };
      gboolean ok;

      if (obj == NULL || !pop_string (obj, "queue", &queue, where, error))
        return FALSE;
      ok = pop_stream_secrets (obj, secrets, where, error) &&
           import_stream (import, obj, queue, secrets, where, error);
      wipe_stream_secrets (secrets);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
resolve_owner (Import      *import,
               FdLevel      level,
               const char  *owner,
               gint64      *out,
               const char  *where,
               GError     **error)
{
  *out = 0;
  switch (level)
    {
    case FD_LEVEL_QUEUE:
      return lookup_name (import->queues, "queue", owner, out, where, error);
    case FD_LEVEL_STREAM:
      return lookup_name (import->streams, "media stream", owner, out, where, error);
    case FD_LEVEL_AGENT:
      if (owner == NULL)
        break;
      return lookup_agent (import, owner, out, where, error);
    case FD_LEVEL_ORGANIZATION:
    default:
      return TRUE;
    }

  g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID,
               "%s needs an “owner”: the email of its agent.", where);
  return FALSE;
}

static gboolean
import_owned (Import                *import,
              const FdSiteOwnedKind *kind,
              JsonArray             *array,
              GError               **error)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf ("%s[%u]", kind->section, i);
      g_autoptr(JsonObject) obj = element_copy (array, i, kind->section, error);
      g_autofree char *owner = NULL;
      gpointer item = NULL;
      gboolean ok;

      ok = obj != NULL &&
           pop_string (obj, "owner", &owner, where, error) &&
           decode_into (obj, &item, kind->info, where, error) &&
           resolve_owner (import, G_STRUCT_MEMBER (FdLevel, item, kind->level_offset), owner,
                          &G_STRUCT_MEMBER (gint64, item, kind->owner_offset), where, error);
      if (ok)
        {
          G_STRUCT_MEMBER (gint64, item, kind->organization_offset) = import->organization_id;
          ok = at_element (kind->create (import->store, item, error), where, error);
        }
      if (item != NULL)
        fd_codec_free (kind->info, item);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static FdOrganization *
import_organization (FdStore     *store,
                     JsonObject  *site,
                     gint64       organization_id,
                     GError     **error)
{
  g_autoptr(FdOrganization) org = NULL;
  g_autoptr(FdOrganization) given = NULL;
  g_auto(FdSiteContents) contents = { 0 };
  JsonNode *node = json_object_get_member (site, "organization");

  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      g_autoptr(JsonNode) copy = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error_literal (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID,
                               "The site's “organization” must be an object.");
          return NULL;
        }
      copy = fd_site_object_node (object_copy (json_node_get_object (node)));
      fd_site_drop_local_members (json_node_get_object (copy));
      given = fd_organization_from_json (copy, error);
      if (given == NULL)
        {
          g_prefix_error (error, "organization: ");
          return NULL;
        }
    }

  if (organization_id == 0)
    {
      if (given == NULL || given->name == NULL)
        {
          g_set_error_literal (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID,
                               "The site needs an “organization” with a “name” to create it.");
          return NULL;
        }
      if (!fd_store_create_organization (store, given, error))
        return NULL;
      return g_steal_pointer (&given);
    }

  if (!fd_site_contents_load (store, organization_id, TRUE, &contents, error))
    return NULL;
  org = g_steal_pointer (&contents.organization);
  if (contents.agents->len > 0 || contents.queues->len > 0 || contents.streams->len > 0 ||
      contents.owned[FD_SITE_CANNED_REPLIES]->len > 0 || contents.owned[FD_SITE_RESOURCES]->len > 0)
    {
      g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_NOT_EMPTY,
                   "Organization %" G_GINT64_FORMAT " already has agents, queues, media streams, "
                   "canned replies or resources; import into an empty or a new organization.",
                   organization_id);
      return NULL;
    }

  if (given != NULL)
    {
      if (given->name != NULL)
        {
          g_free (org->name);
          org->name = g_strdup (given->name);
        }
      org->reserve_acd = given->reserve_acd;
      g_strfreev (org->blocked_extensions);
      org->blocked_extensions = g_strdupv (given->blocked_extensions);
      g_strfreev (org->authorization_addresses);
      org->authorization_addresses = g_strdupv (given->authorization_addresses);
      if (!fd_store_update_organization (store, org, error))
        return NULL;
    }
  return g_steal_pointer (&org);
}

FdOrganization *
fd_site_import (FdStore     *store,
                FdSecretBox *box,
                JsonNode    *site,
                gint64       organization_id,
                GError     **error)
{
  g_autoptr(FdOrganization) org = NULL;
  JsonObject *obj;
  JsonArray *agents, *queues, *streams, *owned[FD_SITE_N_OWNED];
  const char *format;
  JsonNode *format_node;
  JsonNode *version_node;
  Import import = { 0 };
  gboolean ok;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (site != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (site))
    {
      g_set_error_literal (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID,
                           "A site document must be a JSON object.");
      return NULL;
    }
  obj = json_node_get_object (site);

  /* Read by type: json-glib's *_with_default getters are critical about a
   * member that is an object or an array (the fuzzer's find). */
  format_node = json_object_get_member (obj, "format");
  format = format_node != NULL && JSON_NODE_HOLDS_VALUE (format_node) &&
           json_node_get_value_type (format_node) == G_TYPE_STRING ? json_node_get_string (format_node) : NULL;
  if (format_node != NULL && g_strcmp0 (format, FD_SITE_FORMAT) != 0)
    {
      g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID,
                   "The document's “format” is not “%s”.", FD_SITE_FORMAT);
      return NULL;
    }
  version_node = json_object_get_member (obj, "version");
  if (version_node != NULL &&
      (!JSON_NODE_HOLDS_VALUE (version_node) || json_node_get_value_type (version_node) != G_TYPE_INT64 ||
       json_node_get_int (version_node) != FD_SITE_VERSION))
    {
      g_set_error (error, FD_SITE_ERROR, FD_SITE_ERROR_INVALID,
                   "This server reads site documents of version %d only.", FD_SITE_VERSION);
      return NULL;
    }

  if (!get_section (obj, "agents", &agents, error) ||
      !get_section (obj, "queues", &queues, error) ||
      !get_section (obj, "streams", &streams, error))
    return NULL;
  for (guint k = 0; k < FD_SITE_N_OWNED; k++)
    if (!get_section (obj, fd_site_owned_kinds[k].section, &owned[k], error))
      return NULL;

  if (!fd_store_begin (store, error))
    return NULL;

  org = import_organization (store, obj, organization_id, error);
  ok = org != NULL;
  if (ok)
    {
      import.store = store;
      import.box = box;
      import.organization_id = org->id;
      import.agents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      import.queues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      import.streams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

      ok = import_agents (&import, agents, error) &&
           import_queues (&import, queues, error) &&
           import_streams (&import, streams, error);
      for (guint k = 0; ok && k < FD_SITE_N_OWNED; k++)
        ok = import_owned (&import, &fd_site_owned_kinds[k], owned[k], error);

      g_hash_table_unref (import.agents);
      g_hash_table_unref (import.queues);
      g_hash_table_unref (import.streams);
    }

  if (!ok || !fd_store_commit (store, error))
    {
      fd_store_rollback (store);
      return NULL;
    }
  return g_steal_pointer (&org);
}
