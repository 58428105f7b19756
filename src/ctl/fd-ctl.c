#define G_LOG_DOMAIN "fd-ctl"

/* frontdeskctl's command line: options, the command table, --help, the
 * admin token, and the dispatch to a command. The entities' list / create /
 * update / delete come from their table in fd-ctl-entities.c; the other
 * commands are small functions of their own (fd-ctl-private.h says where). */

#include "fd-config.h"
#include "fd-ctl-private.h"

#include <string.h>

#define DEFAULT_SERVER_URL "http://127.0.0.1:8080"
#define TOKEN_FILE_SUFFIX ".admin-token"

/* A command is one verb of an entity of the table (list / create / update /
 * delete), or a handler with its own options, arguments and --help line. */
typedef struct {
  const FdCtlEntity *entity;
  FdCtlVerb          verb;
  const char        *noun;
  const char        *verb_name;
  FdCtlHandler       handler;
  const char        *options;        /* space-separated option names this verb takes */
  guint              min_args;
  guint              max_args;
  const char        *usage;
} CtlCommand;

#define CRUD_VERB(id, v) { .entity = &fd_ctl_entities[id], .verb = (v) }
#define CRUD(id) \
  CRUD_VERB (id, FD_CTL_VERB_LIST), CRUD_VERB (id, FD_CTL_VERB_CREATE), \
  CRUD_VERB (id, FD_CTL_VERB_UPDATE), CRUD_VERB (id, FD_CTL_VERB_DELETE)
#define COMMAND(noun, verb, handler, options, min, max, usage) \
  { NULL, 0, noun, verb, handler, options, min, max, usage }

/* In the order of --help. */
static const CtlCommand commands[] = {
  CRUD (FD_CTL_ENTITY_ORGANIZATION),
  CRUD (FD_CTL_ENTITY_AGENT),
  COMMAND ("agent", "sign-out", fd_ctl_agent_sign_out, "org", 1, 1, "agent sign-out --org ORG AGENT"),
  CRUD (FD_CTL_ENTITY_QUEUE),
  COMMAND ("queue", "add-member", fd_ctl_queue_add_member, "org", 2, 2, "queue add-member --org ORG QUEUE AGENT"),
  COMMAND ("queue", "remove-member", fd_ctl_queue_remove_member, "org", 2, 2,
           "queue remove-member --org ORG QUEUE AGENT"),
  CRUD (FD_CTL_ENTITY_STREAM),
  COMMAND ("stream", "show", fd_ctl_stream_show, "org", 1, 1,
           "stream show --org ORG STREAM   (its settings one per line; never a secret)"),
  COMMAND ("stream", "snippet", fd_ctl_stream_snippet, "org public-url", 0, 1,
           "stream snippet --org ORG [STREAM] [--public-url URL]   (the widget's embed tag)"),
  COMMAND ("stream", "resend-authorization", fd_ctl_stream_resend_authorization, "org print-link", 1, 1,
           "stream resend-authorization --org ORG STREAM [--print-link]   (a new authorization email)"),
  COMMAND ("phase", "list", fd_ctl_phase_list, "org", 1, 1, "phase list --org ORG STREAM"),
  COMMAND ("phase", "set", fd_ctl_phase_set, "org phase", 1, 1,
           "phase set --org ORG STREAM [--phase strategy=ring-all,agents=a@x;b@y,bounce=30,duration=120]…"),
  CRUD (FD_CTL_ENTITY_CANNED_REPLY),
  CRUD (FD_CTL_ENTITY_RESOURCE),
  COMMAND ("site", "export", fd_ctl_site_export, "", 1, 1, "site export ORG > FILE"),
  COMMAND ("site", "import", fd_ctl_site_import, "org", 1, 1, "site import FILE|- [--org ORG]"),
  COMMAND ("crm", "connect", fd_ctl_crm_connect, "provider instance-url client-id client-secret-stdin", 1, 1,
           "crm connect ORG --provider salesforce|zendesk --instance-url URL --client-id ID [--client-secret-stdin]"),
  COMMAND ("crm", "status", fd_ctl_crm_status, "", 1, 1, "crm status ORG"),
  COMMAND ("crm", "disconnect", fd_ctl_crm_disconnect, "", 1, 1, "crm disconnect ORG"),
};

static const char * const verb_names[] = { "list", "create", "update", "delete" };
static const char * const flag_options[] = { "json", "help", "version", "password-stdin",
                                             "oauth-client-secret-stdin", "print-link", "client-secret-stdin",
                                             "x-client-secret-stdin", NULL };
static const char * const global_options[] = { "server", "token-file", "db", "json", "help", "version", NULL };

static void
ctl_clear (FdCtl *ctl)
{
  g_clear_object (&ctl->client);
  g_clear_pointer (&ctl->options, g_hash_table_unref);
  g_clear_pointer (&ctl->args, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FdCtl, ctl_clear)

static const char *
command_noun (const CtlCommand *command)
{
  return command->entity != NULL ? command->entity->noun : command->noun;
}

static const char *
command_verb (const CtlCommand *command)
{
  return command->entity != NULL ? verb_names[command->verb] : command->verb_name;
}

static char *
command_usage (const CtlCommand *command)
{
  if (command->entity != NULL)
    return fd_ctl_entity_usage (command->entity, command->verb);
  return g_strdup (command->usage);
}

/* Positional arguments: create takes NAME where the entity has one, update
 * and delete the entity's id or name. */
static void
command_args (const CtlCommand *command,
              guint            *min_args,
              guint            *max_args)
{
  if (command->entity == NULL)
    {
      *min_args = command->min_args;
      *max_args = command->max_args;
      return;
    }
  switch (command->verb)
    {
    case FD_CTL_VERB_LIST:
      *min_args = *max_args = 0;
      break;
    case FD_CTL_VERB_CREATE:
      *min_args = *max_args = command->entity->name_arg != NULL ? 1 : 0;
      break;
    case FD_CTL_VERB_UPDATE:
    case FD_CTL_VERB_DELETE:
    default:
      *min_args = *max_args = 1;
      break;
    }
}

static gboolean
option_allowed (const CtlCommand *command,
                const char       *name)
{
  g_auto(GStrv) names = NULL;

  if (g_strv_contains (global_options, name))
    return TRUE;
  if (command->entity != NULL)
    return fd_ctl_entity_takes (command->entity, command->verb, name);
  names = g_strsplit (command->options, " ", -1);
  return g_strv_contains ((const char * const *) names, name);
}

static void
print_help (void)
{
  g_print ("Usage: frontdeskctl [--server URL] [--token-file FILE | --db PATH] [--json] NOUN VERB [ARGS]\n"
           "\n"
           "The admin command line of Frontdesk (see docs/admin.md).\n"
           "\n"
           "  --server URL       the frontdeskd to talk to (default $FRONTDESK_SERVER or " DEFAULT_SERVER_URL ")\n"
           "  --token-file FILE  read the admin token from FILE (default $FRONTDESK_ADMIN_TOKEN)\n"
           "  --db PATH          read the token from PATH" TOKEN_FILE_SUFFIX ", the file frontdeskd writes\n"
           "  --json             print JSON instead of tables\n"
           "\n"
           "Commands (ORG, QUEUE, STREAM: an id or a name; AGENT: an id or an email):\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *usage = command_usage (&commands[i]);

      g_print ("  %s\n", usage);
    }
  g_print ("\nExit status: 0 done, 1 the server refused or could not be reached, 2 usage error.\n");
}

/* Reads the admin token: --token-file, then $FRONTDESK_ADMIN_TOKEN, then the
 * file frontdeskd writes beside --db PATH. */
static char *
load_token (FdCtl   *ctl,
            int     *status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;

  if (fd_ctl_opt (ctl, "token-file") != NULL)
    path = g_strdup (fd_ctl_opt (ctl, "token-file"));
  else if (g_getenv ("FRONTDESK_ADMIN_TOKEN") != NULL && *g_getenv ("FRONTDESK_ADMIN_TOKEN") != '\0')
    return g_strdup (g_getenv ("FRONTDESK_ADMIN_TOKEN"));
  else if (fd_ctl_opt (ctl, "db") != NULL)
    path = g_strconcat (fd_ctl_opt (ctl, "db"), TOKEN_FILE_SUFFIX, NULL);
  else
    {
      *status = fd_ctl_usage_error ("no admin token: give --token-file FILE, --db PATH or set FRONTDESK_ADMIN_TOKEN");
      return NULL;
    }

  if (!g_file_get_contents (path, &contents, NULL, &error))
    {
      *status = fd_ctl_usage_error ("cannot read the admin token file: %s", error->message);
      return NULL;
    }
  g_strstrip (contents);
  if (contents[0] == '\0')
    {
      *status = fd_ctl_usage_error ("the admin token file “%s” is empty", path);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

/* Splits argv into the noun, verb and arguments (@words) and the options
 * of @ctl; FD_CTL_EXIT_OK or a usage error. */
static int
parse_options (FdCtl      *ctl,
               int         argc,
               char      **argv,
               GPtrArray  *words)
{
  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      g_autofree char *name = NULL;
      const char *value = NULL;
      GPtrArray *values;

      if (!g_str_has_prefix (arg, "--") || g_str_equal (arg, "--"))
        {
          g_ptr_array_add (words, (gpointer) arg);
          continue;
        }

      if (strchr (arg, '=') != NULL)
        {
          name = g_strndup (arg + 2, strchr (arg, '=') - (arg + 2));
          value = strchr (arg, '=') + 1;
        }
      else
        name = g_strdup (arg + 2);

      if (g_strv_contains (flag_options, name))
        {
          if (value != NULL)
            return fd_ctl_usage_error ("--%s takes no value", name);
          value = "";
        }
      else if (value == NULL)
        {
          if (i + 1 >= argc)
            return fd_ctl_usage_error ("--%s needs a value", name);
          value = argv[++i];
        }

      values = g_hash_table_lookup (ctl->options, name);
      if (values == NULL)
        {
          values = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (ctl->options, g_strdup (name), values);
        }
      g_ptr_array_add (values, g_strdup (value));
    }
  return FD_CTL_EXIT_OK;
}

/* The command named by @noun and @verb, or NULL after a usage error. */
static const CtlCommand *
find_command (const char *noun,
              const char *verb)
{
  g_autoptr(GPtrArray) nouns = g_ptr_array_new ();
  g_autofree char *known = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (!g_ptr_array_find_with_equal_func (nouns, command_noun (&commands[i]), g_str_equal, NULL))
        g_ptr_array_add (nouns, (gpointer) command_noun (&commands[i]));
      if (g_str_equal (command_noun (&commands[i]), noun) && g_str_equal (command_verb (&commands[i]), verb))
        return &commands[i];
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (command_noun (&commands[i]), noun))
      {
        fd_ctl_usage_error ("“%s” is not a verb of “%s”", verb, noun);
        return NULL;
      }
  g_ptr_array_add (nouns, NULL);
  known = g_strjoinv (", ", (char **) nouns->pdata);
  fd_ctl_usage_error ("unknown noun “%s” (%s)", noun, known);
  return NULL;
}

int
fd_ctl_run (int    argc,
            char **argv)
{
  g_auto(FdCtl) ctl_storage = { 0 };
  FdCtl *ctl = &ctl_storage;
  g_autoptr(GPtrArray) words = g_ptr_array_new ();
  g_autofree char *token = NULL;
  g_autofree char *usage = NULL;
  const CtlCommand *command = NULL;
  GHashTableIter iter;
  gpointer key;
  const char *server;
  int status = FD_CTL_EXIT_OK;
  guint min_args, max_args;

  g_return_val_if_fail (argc >= 0, FD_CTL_EXIT_USAGE);

  ctl->options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  ctl->args = g_ptr_array_new ();
  if ((status = parse_options (ctl, argc, argv, words)) != FD_CTL_EXIT_OK)
    return status;

  if (fd_ctl_opt (ctl, "help") != NULL)
    {
      print_help ();
      return FD_CTL_EXIT_OK;
    }
  if (fd_ctl_opt (ctl, "version") != NULL)
    {
      g_print ("frontdeskctl %s\n", PACKAGE_VERSION);
      return FD_CTL_EXIT_OK;
    }
  ctl->json = fd_ctl_opt (ctl, "json") != NULL;

  if (words->len < 2)
    return fd_ctl_usage_error ("give a noun and a verb, e.g. “frontdeskctl org list”");
  if ((command = find_command (words->pdata[0], words->pdata[1])) == NULL)
    return FD_CTL_EXIT_USAGE;
  usage = command_usage (command);

  g_hash_table_iter_init (&iter, ctl->options);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!option_allowed (command, key))
      return fd_ctl_usage_error ("%s %s does not take --%s; usage: frontdeskctl %s",
                                 command_noun (command), command_verb (command), (char *) key, usage);

  for (guint i = 2; i < words->len; i++)
    g_ptr_array_add (ctl->args, words->pdata[i]);
  command_args (command, &min_args, &max_args);
  if (ctl->args->len < min_args || ctl->args->len > max_args)
    return fd_ctl_usage_error ("wrong number of arguments; usage: frontdeskctl %s", usage);

  token = load_token (ctl, &status);
  if (token == NULL)
    return status;

  server = fd_ctl_opt (ctl, "server");
  if (server == NULL)
    server = g_getenv ("FRONTDESK_SERVER");
  if (server == NULL || *server == '\0')
    server = DEFAULT_SERVER_URL;
  if (!g_str_has_prefix (server, "http://") && !g_str_has_prefix (server, "https://"))
    return fd_ctl_usage_error ("--server must be an http:// or https:// URL, not “%s”", server);

  ctl->client = fd_admin_client_new (server, token);
  memset (token, 0, strlen (token));
  if (command->entity != NULL)
    return fd_ctl_entity_run (ctl, command->entity, command->verb);
  return command->handler (ctl);
}
