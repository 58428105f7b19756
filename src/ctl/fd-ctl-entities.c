#define G_LOG_DOMAIN "fd-ctl"

/* The entities frontdeskctl lists, creates, updates and deletes, described
 * once each, and the one implementation of those four commands over the
 * descriptions. The admin API describes the same entities with its
 * EntityClass table (src/server/api/fd-admin-api.c).
 *
 * To add an option to an entity, add a row to its field table: the option,
 * the JSON member it sets, its kind, FD_CTL_REQUIRED if create needs it,
 * the column that shows it (or NULL), and its words in --help. The option
 * check, the "needs" message, --help and the table follow from the row. */

#include "fd-config.h"
#include "fd-ctl-private.h"

#include <string.h>

static const FdCtlField organization_fields[] = {
  { NULL, "id", FD_CTL_SHOWN, 0, "ID" },
  { "name", "name", FD_CTL_TEXT, FD_CTL_UPDATE_ONLY, "NAME", NULL, "[--name NAME]" },
  { "reserve-acd", "reserve_acd", FD_CTL_ENUM, 0, "RESERVE-ACD",
    "[--reserve-acd keep|unavailable|wrap-up]", "[--reserve-acd …]", &fd_reserve_acd_enum },
  /* A comma list; "default" in it stands for the server's list
   * (docs/admin.md, "Attachment policy"). */
  { "blocked-extensions", "blocked_extensions", FD_CTL_TEXTS, 0, NULL,
    "[--blocked-extensions LIST]", "[--blocked-extensions LIST]" },
  /* Who receives the email streams' authorization emails (docs/admin.md,
   * "Email streams"); a comma list. */
  { "authorization-addresses", "authorization_addresses", FD_CTL_TEXTS, 0, NULL,
    "[--authorization-addresses LIST]", "[--authorization-addresses LIST]" },
};

static const FdCtlField agent_fields[] = {
  { NULL, "id", FD_CTL_SHOWN, 0, "ID" },
  { "email", "email", FD_CTL_TEXT, FD_CTL_REQUIRED, "EMAIL", "--email EMAIL", "[--email E]" },
  { "name", "name", FD_CTL_TEXT, FD_CTL_REQUIRED, "NAME", "--name NAME", "[--name N]" },
  { "role", "role", FD_CTL_ENUM, 0, "ROLE", "[--role agent|supervisor|admin]", "[--role R]", &fd_role_enum },
  { NULL, "acd_state", FD_CTL_SHOWN, 0, "STATE" },
  { "password", "password", FD_CTL_PASSWORD, 0, NULL, "[--password P|-]", "[--password P|-]" },
};

static const FdCtlField queue_fields[] = {
  { NULL, "id", FD_CTL_SHOWN, 0, "ID" },
  { "name", "name", FD_CTL_TEXT, FD_CTL_UPDATE_ONLY, "NAME", NULL, "[--name NAME]" },
  /* The service level threshold, 1–3600 s (docs/admin.md, "Service level"). */
  { "service-level", "service_level_seconds", FD_CTL_INT, 0, "SERVICE-LEVEL", "[--service-level SECONDS]",
    "[--service-level SECONDS]" },
  { NULL, "member_ids", FD_CTL_SHOWN, 0, "MEMBERS" },
};

static const FdCtlField stream_fields[] = {
  { NULL, "id", FD_CTL_SHOWN, 0, "ID" },
  { "kind", "kind", FD_CTL_ENUM, FD_CTL_REQUIRED, "KIND", "--kind webchat|callback|email|twitter", NULL,
    &fd_stream_kind_enum },
  { "name", "name", FD_CTL_TEXT, FD_CTL_REQUIRED, "NAME", "--name NAME", "[--name N]" },
  { "queue", "queue_id", FD_CTL_REF, FD_CTL_REQUIRED, "QUEUE", "--queue QUEUE", "[--queue Q]",
    .ref = FD_CTL_ENTITY_QUEUE },
  { NULL, "key", FD_CTL_SHOWN, 0, "KEY" },
  { "department", "departments", FD_CTL_TEXTS, 0, "DEPARTMENTS", "[--department D]…", "[--department D]…" },
  { "origin", "allowed_origins", FD_CTL_TEXTS, 0, "ORIGINS", "[--origin URL]…", "[--origin URL]…" },
  { "settings", "settings_json", FD_CTL_JSON_OBJECT, 0, NULL, "[--settings JSON]", "[--settings JSON]" },
  /* An email stream's settings one by one (docs/admin.md, "Email streams"):
   * each sets its member of settings_json, over what --settings gave (and
   * on update over the stream's current settings). */
  { "address", "address", FD_CTL_SETTING, 0, NULL, "[--address A]", "[--address A]" },
  { "display-name", "display_name", FD_CTL_SETTING, 0, NULL, "[--display-name N]", "[--display-name N]" },
  { "platform", "platform", FD_CTL_SETTING, 0, NULL, "[--platform other|office365|gmail]", "[--platform P]" },
  { "imap-host", "imap_host", FD_CTL_SETTING, 0, NULL, "[--imap-host H]", "[--imap-host H]" },
  { "imap-port", "imap_port", FD_CTL_SETTING_INT, 0, NULL, "[--imap-port N]", "[--imap-port N]" },
  { "imap-tls", "imap_tls", FD_CTL_SETTING, 0, NULL, "[--imap-tls implicit|starttls|none]", "[--imap-tls T]" },
  { "smtp-host", "smtp_host", FD_CTL_SETTING, 0, NULL, "[--smtp-host H]", "[--smtp-host H]" },
  { "smtp-port", "smtp_port", FD_CTL_SETTING_INT, 0, NULL, "[--smtp-port N]", "[--smtp-port N]" },
  { "smtp-tls", "smtp_tls", FD_CTL_SETTING, 0, NULL, "[--smtp-tls implicit|starttls|none]", "[--smtp-tls T]" },
  { "user-name", "user_name", FD_CTL_SETTING, 0, NULL, "[--user-name U]", "[--user-name U]" },
  { "poll-seconds", "poll_seconds", FD_CTL_SETTING_INT, 0, NULL, "[--poll-seconds S]", "[--poll-seconds S]" },
  { "sent-folder", "sent_folder", FD_CTL_SETTING, 0, NULL, "[--sent-folder F]", "[--sent-folder F]" },
  { "ca-file", "ca_file", FD_CTL_SETTING, 0, NULL, "[--ca-file PEM]", "[--ca-file PEM]" },
  { "oauth-client-id", "oauth_client_id", FD_CTL_SETTING, 0, NULL, "[--oauth-client-id ID]", "[--oauth-client-id ID]" },
  { "oauth-tenant", "oauth_tenant", FD_CTL_SETTING, 0, NULL, "[--oauth-tenant T]", "[--oauth-tenant T]" },
  /* A twitter stream's (docs/admin.md, "Twitter streams"; --poll-seconds
   * above too): the account's handle and the X app's client id. */
  { "handle", "handle", FD_CTL_SETTING, 0, NULL, "[--handle @NAME]", "[--handle @NAME]" },
  { "x-client-id", "oauth_client_id", FD_CTL_SETTING, 0, NULL, "[--x-client-id ID]", "[--x-client-id ID]" },
  /* Write-only: sent as the stream's "password" and "oauth_client_secret"
   * members, never shown; read from standard input in this order. */
  { "password-stdin", "password", FD_CTL_PASSWORD_STDIN, 0, NULL, "[--password-stdin]", "[--password-stdin]" },
  { "oauth-client-secret-stdin", "oauth_client_secret", FD_CTL_PASSWORD_STDIN, 0, NULL,
    "[--oauth-client-secret-stdin]", "[--oauth-client-secret-stdin]" },
  { "x-client-secret-stdin", "oauth_client_secret", FD_CTL_PASSWORD_STDIN, 0, NULL,
    "[--x-client-secret-stdin]", "[--x-client-secret-stdin]" },
  { NULL, "health", FD_CTL_SHOWN, 0, "HEALTH" },
  { NULL, "health_reason", FD_CTL_SHOWN, 0, "REASON" },
};

#define LEVEL_FIELDS \
  { "level", "level", FD_CTL_LEVEL, 0, "LEVEL", "[--level L --owner OWNER]", "[--level L --owner OWNER]" }, \
  { "owner", "owner_id", FD_CTL_OWNER, 0, "OWNER" }

static const FdCtlField canned_reply_fields[] = {
  { NULL, "id", FD_CTL_SHOWN, 0, "ID" },
  LEVEL_FIELDS,
  { "name", "name", FD_CTL_TEXT, FD_CTL_REQUIRED, "NAME", "--name NAME", "[--name NAME]" },
  { "text", "text", FD_CTL_TEXT, FD_CTL_REQUIRED, "TEXT", "--text TEXT", "[--text TEXT]" },
};

static const FdCtlField resource_fields[] = {
  { NULL, "id", FD_CTL_SHOWN, 0, "ID" },
  LEVEL_FIELDS,
  { "name", "name", FD_CTL_TEXT, FD_CTL_REQUIRED, "NAME", "--name NAME", "[--name N]" },
  { "url", "url", FD_CTL_TEXT, FD_CTL_REQUIRED, "URL", "--url URL", "[--url URL]" },
  { "description", "description", FD_CTL_TEXT, 0, "DESCRIPTION", "[--description TEXT]", "[--description TEXT]" },
};

#define FIELDS(table) table, G_N_ELEMENTS (table)

/* noun, what, collection, in_org, ref_member, id_only, ref_usage, name_arg, codec, fields */
const FdCtlEntity fd_ctl_entities[FD_CTL_N_ENTITIES] = {
  [FD_CTL_ENTITY_ORGANIZATION] = { "org", "organization", "organizations", FALSE, "name", TRUE, "ID", "name",
                                   &fd_organization_info, FIELDS (organization_fields) },
  [FD_CTL_ENTITY_AGENT] = { "agent", "agent", "agents", TRUE, "email", FALSE, "AGENT", NULL, &fd_agent_info,
                            FIELDS (agent_fields) },
  [FD_CTL_ENTITY_QUEUE] = { "queue", "queue", "queues", TRUE, "name", FALSE, "QUEUE", "name", &fd_queue_info,
                            FIELDS (queue_fields) },
  [FD_CTL_ENTITY_STREAM] = { "stream", "media stream", "streams", TRUE, "name", FALSE, "STREAM", NULL,
                             &fd_stream_info, FIELDS (stream_fields) },
  [FD_CTL_ENTITY_CANNED_REPLY] = { "canned", "canned reply", "canned-replies", TRUE, NULL, TRUE, "ID", NULL,
                                   &fd_canned_reply_info, FIELDS (canned_reply_fields) },
  [FD_CTL_ENTITY_RESOURCE] = { "resource", "resource", "resources", TRUE, NULL, TRUE, "ID", NULL,
                               &fd_resource_info, FIELDS (resource_fields) },
};

/* The collection's path (@id 0) or one entity's. */
char *
fd_ctl_entity_path (FdCtl             *ctl,
                    const FdCtlEntity *entity,
                    gint64             id)
{
  g_autoptr(GString) path = g_string_new (NULL);

  if (entity->in_org)
    g_string_append_printf (path, "/organizations/%" G_GINT64_FORMAT, ctl->org_id);
  g_string_append_printf (path, "/%s", entity->collection);
  if (id != 0)
    g_string_append_printf (path, "/%" G_GINT64_FORMAT, id);
  return g_string_free (g_steal_pointer (&path), FALSE);
}

/* Prints @node with the entity's columns, or as JSON with --json. */
void
fd_ctl_entity_print (FdCtl             *ctl,
                     const FdCtlEntity *entity,
                     JsonNode          *node)
{
  g_autofree FdCtlColumn *columns = g_new0 (FdCtlColumn, entity->n_fields);
  guint n_columns = 0;

  for (guint i = 0; i < entity->n_fields; i++)
    if (entity->fields[i].column != NULL)
      columns[n_columns++] = (FdCtlColumn) { entity->fields[i].column, entity->fields[i].member };
  fd_ctl_print_table (ctl, node, columns, n_columns);
}

/* GETs one entity: a JSON object, or NULL with @error set. */
JsonNode *
fd_ctl_entity_get (FdCtl              *ctl,
                   const FdCtlEntity  *entity,
                   gint64              id,
                   GError            **error)
{
  g_autofree char *path = fd_ctl_entity_path (ctl, entity, id);
  g_autoptr(JsonNode) answer = fd_admin_client_request (ctl->client, "GET", path, NULL, error);

  if (answer == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (answer))
    {
      g_set_error_literal (error, FD_ADMIN_CLIENT_ERROR, FD_ADMIN_CLIENT_ERROR_BAD_RESPONSE,
                           "The server did not answer with a JSON object.");
      return NULL;
    }
  return g_steal_pointer (&answer);
}

gboolean
fd_ctl_entity_takes (const FdCtlEntity *entity,
                     FdCtlVerb          verb,
                     const char        *option)
{
  if (g_str_equal (option, "org"))
    return entity->in_org;
  if (verb != FD_CTL_VERB_CREATE && verb != FD_CTL_VERB_UPDATE)
    return FALSE;
  for (guint i = 0; i < entity->n_fields; i++)
    {
      const FdCtlField *field = &entity->fields[i];

      if (field->option != NULL && g_str_equal (field->option, option))
        return verb == FD_CTL_VERB_UPDATE || !(field->flags & FD_CTL_UPDATE_ONLY);
    }
  return FALSE;
}

/* The line of --help, e.g. "queue update --org ORG QUEUE --name NAME". */
char *
fd_ctl_entity_usage (const FdCtlEntity *entity,
                     FdCtlVerb          verb)
{
  static const char * const verbs[] = { "list", "create", "update", "delete" };
  g_autoptr(GString) usage = g_string_new (entity->noun);

  g_string_append_printf (usage, " %s", verbs[verb]);
  if (entity->in_org)
    g_string_append (usage, " --org ORG");
  if (verb == FD_CTL_VERB_CREATE && entity->name_arg != NULL)
    g_string_append (usage, " NAME");
  if (verb == FD_CTL_VERB_UPDATE || verb == FD_CTL_VERB_DELETE)
    g_string_append_printf (usage, " %s", entity->ref_usage);
  for (guint i = 0; (verb == FD_CTL_VERB_CREATE || verb == FD_CTL_VERB_UPDATE) && i < entity->n_fields; i++)
    {
      const char *words = verb == FD_CTL_VERB_CREATE ? entity->fields[i].create_usage : entity->fields[i].update_usage;

      if (words != NULL)
        g_string_append_printf (usage, " %s", words);
    }
  return g_string_free (g_steal_pointer (&usage), FALSE);
}

/* The REF argument: an id, or (unless the entity is named by id only) its
 * ref_member. */
static int
entity_arg_id (FdCtl             *ctl,
               const FdCtlEntity *entity,
               gint64            *id)
{
  g_autoptr(GError) error = NULL;
  const char *ref = ctl->args->pdata[0];

  if (entity->id_only)
    {
      if (fd_ctl_parse_id (ref, id))
        return FD_CTL_EXIT_OK;
      return fd_ctl_usage_error ("“%s” is not %s %s id", ref,
                                 strchr ("aeiou", entity->what[0]) != NULL ? "an" : "a", entity->what);
    }
  if (!fd_ctl_resolve (ctl, entity - fd_ctl_entities, ref, id, &error))
    return fd_ctl_failed (error);
  return FD_CTL_EXIT_OK;
}

static int
send_entity (FdCtl             *ctl,
             const FdCtlEntity *entity,
             const char        *method,
             gint64             id,
             JsonNode          *body)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fd_ctl_entity_path (ctl, entity, id);
  g_autoptr(JsonNode) answer = fd_admin_client_request (ctl->client, method, path, body, &error);

  if (answer == NULL)
    return fd_ctl_failed (error);
  fd_ctl_entity_print (ctl, entity, answer);
  return FD_CTL_EXIT_OK;
}

/* "agent create needs --email and --name", before anything is sent. */
static int
check_required (const FdCtlEntity *entity,
                FdCtl             *ctl)
{
  g_autoptr(GPtrArray) required = g_ptr_array_new ();
  gboolean missing = FALSE, levels = FALSE;
  g_autofree char *names = NULL;

  for (guint i = 0; i < entity->n_fields; i++)
    {
      const FdCtlField *field = &entity->fields[i];

      levels |= field->kind == FD_CTL_LEVEL;
      if (!(field->flags & FD_CTL_REQUIRED))
        continue;
      g_ptr_array_add (required, (gpointer) field->option);
      missing |= fd_ctl_opt (ctl, field->option) == NULL;
    }
  if (!missing)
    return FD_CTL_EXIT_OK;
  names = fd_ctl_join_words ((const char * const *) required->pdata, required->len, "--", " and ");
  return fd_ctl_usage_error ("%s create needs %s%s", entity->noun, names,
                             levels ? " (and --level/--owner below the organization)" : "");
}

static int
apply_fields (FdCtl             *ctl,
              const FdCtlEntity *entity,
              FdCtlVerb          verb,
              JsonNode          *body)
{
  int status = FD_CTL_EXIT_OK;

  for (guint i = 0; status == FD_CTL_EXIT_OK && i < entity->n_fields; i++)
    status = fd_ctl_field_apply (ctl, entity, &entity->fields[i], verb, json_node_get_object (body));
  return status;
}

static int
entity_list (FdCtl             *ctl,
             const FdCtlEntity *entity)
{
  return send_entity (ctl, entity, "GET", 0, NULL);
}

static int
entity_create (FdCtl             *ctl,
               const FdCtlEntity *entity)
{
  g_autoptr(JsonNode) body = NULL;
  gpointer blank;
  int status;

  if ((status = check_required (entity, ctl)) != FD_CTL_EXIT_OK)
    return status;
  blank = fd_codec_new (entity->type);
  body = fd_codec_to_json (entity->type, blank);
  fd_codec_free (entity->type, blank);
  if (entity->name_arg != NULL)
    json_object_set_string_member (json_node_get_object (body), entity->name_arg, ctl->args->pdata[0]);
  if ((status = apply_fields (ctl, entity, FD_CTL_VERB_CREATE, body)) != FD_CTL_EXIT_OK)
    return status;
  return send_entity (ctl, entity, "POST", 0, body);
}

/* Reads the entity, changes what the options say, and PUTs it whole. */
static int
entity_update (FdCtl             *ctl,
               const FdCtlEntity *entity)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(JsonNode) body = NULL;
  gpointer decoded;
  gint64 id = 0;
  int status;

  if ((status = entity_arg_id (ctl, entity, &id)) != FD_CTL_EXIT_OK)
    return status;
  if ((current = fd_ctl_entity_get (ctl, entity, id, &error)) == NULL ||
      (decoded = fd_codec_from_json (entity->type, current, &error)) == NULL)
    return fd_ctl_failed (error);
  body = fd_codec_to_json (entity->type, decoded);
  fd_codec_free (entity->type, decoded);
  if ((status = apply_fields (ctl, entity, FD_CTL_VERB_UPDATE, body)) != FD_CTL_EXIT_OK)
    return status;
  return send_entity (ctl, entity, "PUT", id, body);
}

static int
entity_delete (FdCtl             *ctl,
               const FdCtlEntity *entity)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = NULL;
  gint64 id = 0;
  int status;

  if ((status = entity_arg_id (ctl, entity, &id)) != FD_CTL_EXIT_OK)
    return status;
  path = fd_ctl_entity_path (ctl, entity, id);
  if ((answer = fd_admin_client_request (ctl->client, "DELETE", path, NULL, &error)) == NULL)
    return fd_ctl_failed (error);
  if (ctl->json)
    g_print ("{}\n");
  else
    g_print ("Deleted %s %" G_GINT64_FORMAT ".\n", entity->what, id);
  return FD_CTL_EXIT_OK;
}

int
fd_ctl_entity_run (FdCtl             *ctl,
                   const FdCtlEntity *entity,
                   FdCtlVerb          verb)
{
  int status;

  if (entity->in_org && (status = fd_ctl_require_org (ctl)) != FD_CTL_EXIT_OK)
    return status;

  switch (verb)
    {
    case FD_CTL_VERB_LIST:
      return entity_list (ctl, entity);
    case FD_CTL_VERB_CREATE:
      return entity_create (ctl, entity);
    case FD_CTL_VERB_UPDATE:
      return entity_update (ctl, entity);
    case FD_CTL_VERB_DELETE:
    default:
      return entity_delete (ctl, entity);
    }
}
