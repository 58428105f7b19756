#define G_LOG_DOMAIN "fd-ctl"

/* How the options of one row of the entity table (fd-ctl-entities.c)
 * become members of the JSON body that create and update send. */

#include "fd-config.h"
#include "fd-ctl-private.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* --department Sales,Billing --department Support → three names. */
static JsonArray *
list_from_option (GPtrArray *values)
{
  g_autoptr(JsonArray) array = json_array_new ();

  for (guint i = 0; values != NULL && i < values->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (values->pdata[i], ",", -1);

      for (guint j = 0; parts[j] != NULL; j++)
        {
          g_strstrip (parts[j]);
          if (parts[j][0] != '\0')
            json_array_add_string_element (array, parts[j]);
        }
    }
  return g_steal_pointer (&array);
}

/* Reads a password from stdin, prompting without echo on a terminal. */
char *
fd_ctl_read_password (const char  *prompt_name,
               GError     **error)
{
  char buffer[1024];
  struct termios saved, quiet;
  gboolean tty = isatty (STDIN_FILENO);
  gsize len;

  if (tty)
    {
      g_printerr ("Password for %s: ", prompt_name);
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
        }
      else
        tty = FALSE;
    }

  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    buffer[0] = '\0';

  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }

  len = strlen (buffer);
  while (len > 0 && (buffer[len - 1] == '\n' || buffer[len - 1] == '\r'))
    buffer[--len] = '\0';

  if (len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "no password given: use --password or write it to standard input");
      return NULL;
    }

  {
    char *password = g_strdup (buffer);

    memset (buffer, 0, sizeof buffer);
    return password;
  }
}

/* --password VALUE, or from stdin with "--password -" (and on create with
 * no --password at all), prompting with @prompt_name. */
static int
apply_password (FdCtl            *ctl,
                const FdCtlField *field,
                gboolean          creating,
                const char       *prompt_name,
                JsonObject       *body)
{
  g_autoptr(GError) error = NULL;
  const char *value = fd_ctl_opt (ctl, field->option);
  char *password;

  if (value == NULL && !creating)
    return FD_CTL_EXIT_OK;
  if (value != NULL && !g_str_equal (value, "-"))
    password = g_strdup (value);
  else if ((password = fd_ctl_read_password (prompt_name, &error)) == NULL)
    return fd_ctl_usage_error ("%s", error->message);
  json_object_set_string_member (body, field->member, password);
  memset (password, 0, strlen (password));
  g_free (password);
  return FD_CTL_EXIT_OK;
}

/* @value as one of @choices' names, or a usage error. */
static int
parse_choice (const char       *option,
              const FdEnumInfo *choices,
              const char       *value,
              int              *out)
{
  g_autofree char *names = NULL;

  if (fd_enum_from_string (choices, value, out))
    return FD_CTL_EXIT_OK;
  names = fd_ctl_join_words (choices->names, choices->n_names, "", " or ");
  return fd_ctl_usage_error ("--%s must be %s, not “%s”", option, names, value);
}

/* Which entity the --owner of each level names. */
static const FdCtlEntityId level_owners[] = {
  [FD_LEVEL_QUEUE] = FD_CTL_ENTITY_QUEUE,
  [FD_LEVEL_STREAM] = FD_CTL_ENTITY_STREAM,
  [FD_LEVEL_AGENT] = FD_CTL_ENTITY_AGENT,
};

/* --level organization|queue|stream|agent with --owner (the next row)
 * naming the queue, stream (id or name) or agent (id or email). Without
 * --level, --owner keeps the entity's current level. */
static int
apply_level (FdCtl            *ctl,
             const FdCtlField *field,
             JsonObject       *body)
{
  g_autoptr(GError) error = NULL;
  const FdCtlField *owner_field = field + 1;
  const char *text = fd_ctl_opt (ctl, field->option);
  const char *owner = fd_ctl_opt (ctl, owner_field->option);
  int level = FD_LEVEL_ORGANIZATION;
  gint64 owner_id = 0;
  int status;

  g_assert (owner_field->kind == FD_CTL_OWNER);

  if (text != NULL && (status = parse_choice (field->option, &fd_level_enum, text, &level)) != FD_CTL_EXIT_OK)
    return status;
  if (text == NULL && owner == NULL)
    return FD_CTL_EXIT_OK;
  if (text == NULL)
    fd_enum_from_string (&fd_level_enum, json_object_get_string_member_with_default (body, field->member, ""), &level);

  if (level == FD_LEVEL_ORGANIZATION && owner != NULL)
    return fd_ctl_usage_error ("an organization-level entry has no --owner");
  if (level != FD_LEVEL_ORGANIZATION && owner == NULL)
    return fd_ctl_usage_error ("--level %s needs --owner naming the %s", fd_level_to_string (level),
                               fd_level_to_string (level));
  if (level != FD_LEVEL_ORGANIZATION && !fd_ctl_resolve (ctl, level_owners[level], owner, &owner_id, &error))
    return fd_ctl_failed (error);

  json_object_set_string_member (body, field->member, fd_level_to_string (level));
  json_object_set_int_member (body, owner_field->member, owner_id);
  return FD_CTL_EXIT_OK;
}

/* The text of a JSON object, or a usage error. */
static int
check_json_object (const FdCtlField *field,
                   const char       *value)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (json_parser_load_from_data (parser, value, -1, NULL) && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FD_CTL_EXIT_OK;
  return fd_ctl_usage_error ("--%s must be a JSON object, e.g. '{\"address\":\"help@example.com\"}'", field->option);
}

/* --address help@example.com sets "address" in the JSON object that
 * settings_json holds (what --settings gave, or on update the stream's
 * current settings), and writes the object back as text. */
static int
apply_setting (const FdCtlField *field,
               const char       *value,
               JsonObject       *body)
{
  const char *text = json_object_get_string_member_with_default (body, "settings_json", "");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonObject) settings = NULL;
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *new_text = NULL;
  gint64 number = 0;

  if (text[0] != '\0' && json_parser_load_from_data (parser, text, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    settings = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  else
    settings = json_object_new ();

  if (field->kind == FD_CTL_SETTING_INT)
    {
      if (!fd_ctl_parse_id (value, &number))
        return fd_ctl_usage_error ("--%s must be a positive whole number, not “%s”", field->option, value);
      json_object_set_int_member (settings, field->member, number);
    }
  else
    json_object_set_string_member (settings, field->member, value);

  json_node_set_object (root, settings);
  new_text = json_to_string (root, FALSE);
  json_object_set_string_member (body, "settings_json", new_text);
  return FD_CTL_EXIT_OK;
}

/* --password-stdin, --oauth-client-secret-stdin: the secret from standard
 * input (one line each, in that order when both are given), never from the
 * command line (where ps would show it). */
static int
apply_password_stdin (FdCtl            *ctl,
                      const FdCtlField *field,
                      const char       *prompt_name,
                      JsonObject       *body)
{
  gboolean is_password = g_str_equal (field->member, "password");
  g_autofree char *prompt = is_password ? g_strdup (prompt_name)
                                        : g_strdup_printf ("%s (OAuth client secret)", prompt_name);
  g_autoptr(GError) error = NULL;
  char *password;

  if (fd_ctl_opt (ctl, field->option) == NULL)
    return FD_CTL_EXIT_OK;
  if ((password = fd_ctl_read_password (prompt, &error)) == NULL)
    return fd_ctl_usage_error ("--%s: no %s on standard input", field->option,
                               is_password ? "password" : "client secret");
  json_object_set_string_member (body, field->member, password);
  memset (password, 0, strlen (password));
  g_free (password);
  return FD_CTL_EXIT_OK;
}

/* Sets @body's members from the options of @field: FD_CTL_EXIT_OK, or the
 * status of the error already reported. */
int
fd_ctl_field_apply (FdCtl             *ctl,
                    const FdCtlEntity *entity,
                    const FdCtlField  *field,
                    FdCtlVerb          verb,
                    JsonObject        *body)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *values = field->option != NULL ? fd_ctl_opt_all (ctl, field->option) : NULL;
  const char *value = values != NULL && values->len > 0 ? values->pdata[values->len - 1] : NULL;
  int status = FD_CTL_EXIT_OK;
  gint64 id = 0;

  if (field->option == NULL || (verb == FD_CTL_VERB_CREATE && (field->flags & FD_CTL_UPDATE_ONLY)))
    return FD_CTL_EXIT_OK;

  switch (field->kind)
    {
    case FD_CTL_LEVEL:
      return apply_level (ctl, field, body);
    case FD_CTL_PASSWORD:
      return apply_password (ctl, field, verb == FD_CTL_VERB_CREATE,
                             json_object_get_string_member_with_default (body, entity->ref_member, ""), body);
    case FD_CTL_PASSWORD_STDIN:
      return apply_password_stdin (ctl, field,
                                   json_object_get_string_member_with_default (body, entity->ref_member, ""), body);
    case FD_CTL_SETTING:
    case FD_CTL_SETTING_INT:
      return value != NULL ? apply_setting (field, value, body) : FD_CTL_EXIT_OK;
    case FD_CTL_TEXTS:
      if (values != NULL)
        json_object_set_array_member (body, field->member, list_from_option (values));
      return FD_CTL_EXIT_OK;
    case FD_CTL_ENUM:
      if (value != NULL && (status = parse_choice (field->option, field->choices, value, NULL)) == FD_CTL_EXIT_OK)
        json_object_set_string_member (body, field->member, value);
      return status;
    case FD_CTL_JSON_OBJECT:
      if (value != NULL && (status = check_json_object (field, value)) == FD_CTL_EXIT_OK)
        json_object_set_string_member (body, field->member, value);
      return status;
    case FD_CTL_REF:
      if (value != NULL && !fd_ctl_resolve (ctl, field->ref, value, &id, &error))
        return fd_ctl_failed (error);
      if (value != NULL)
        json_object_set_int_member (body, field->member, id);
      return FD_CTL_EXIT_OK;
    case FD_CTL_TEXT:
      if (value != NULL)
        json_object_set_string_member (body, field->member, value);
      return FD_CTL_EXIT_OK;
    case FD_CTL_INT:
      if (value == NULL)
        return FD_CTL_EXIT_OK;
      if (!fd_ctl_parse_id (value, &id))
        return fd_ctl_usage_error ("--%s must be a positive whole number, not “%s”", field->option, value);
      json_object_set_int_member (body, field->member, id);
      return FD_CTL_EXIT_OK;
    case FD_CTL_SHOWN:
    case FD_CTL_OWNER:
    default:
      return FD_CTL_EXIT_OK;
    }
}
