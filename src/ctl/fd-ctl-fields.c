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
static char *
read_password (const char  *prompt_name,
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
 * no --password at all). The prompt names the entity by its ref_member. */
static gboolean
apply_password (FdCtl             *ctl,
                const FdCtlEntity *entity,
                const FdCtlField  *field,
                FdCtlVerb          verb,
                JsonObject        *body,
                int               *status)
{
  g_autoptr(GError) error = NULL;
  const char *value = fd_ctl_opt (ctl, field->option);
  char *password;

  if (value == NULL && verb != FD_CTL_VERB_CREATE)
    return TRUE;
  if (value != NULL && !g_str_equal (value, "-"))
    password = g_strdup (value);
  else if ((password = read_password (json_object_get_string_member_with_default (body, entity->ref_member, ""),
                                      &error)) == NULL)
    {
      *status = fd_ctl_usage_error ("%s", error->message);
      return FALSE;
    }
  json_object_set_string_member (body, field->member, password);
  memset (password, 0, strlen (password));
  g_free (password);
  return TRUE;
}

/* Which entity the --owner of each level names. */
static const FdCtlEntityId level_owners[] = {
  [FD_LEVEL_QUEUE] = FD_CTL_ENTITY_QUEUE,
  [FD_LEVEL_STREAM] = FD_CTL_ENTITY_STREAM,
  [FD_LEVEL_AGENT] = FD_CTL_ENTITY_AGENT,
};

/* --level organization|queue|stream|agent with --owner (the next row)
 * naming the queue, stream (id or name) or agent (id or email). */
static gboolean
apply_level (FdCtl            *ctl,
             const FdCtlField *field,
             JsonObject       *body,
             int              *status)
{
  g_autoptr(GError) error = NULL;
  const FdCtlField *owner_field = field + 1;
  const char *text = fd_ctl_opt (ctl, field->option);
  const char *owner = fd_ctl_opt (ctl, owner_field->option);
  FdLevel level = FD_LEVEL_ORGANIZATION;
  gint64 owner_id = 0;

  g_assert (owner_field->kind == FD_CTL_OWNER);

  if (text != NULL && !fd_level_from_string (text, &level))
    {
      g_autofree char *choices = fd_ctl_join_words (fd_level_enum.names, fd_level_enum.n_names, "", " or ");

      *status = fd_ctl_usage_error ("--%s must be %s, not “%s”", field->option, choices, text);
      return FALSE;
    }
  if (text == NULL && owner == NULL)
    return TRUE;
  if (text == NULL)
    fd_level_from_string (json_object_get_string_member_with_default (body, field->member, ""), &level);

  if (level == FD_LEVEL_ORGANIZATION)
    {
      if (owner != NULL)
        {
          *status = fd_ctl_usage_error ("an organization-level entry has no --owner");
          return FALSE;
        }
    }
  else if (owner == NULL)
    {
      *status = fd_ctl_usage_error ("--level %s needs --owner naming the %s", fd_level_to_string (level),
                                    fd_level_to_string (level));
      return FALSE;
    }
  else if (!fd_ctl_resolve (ctl, level_owners[level], owner, &owner_id, &error))
    {
      *status = fd_ctl_failed (error);
      return FALSE;
    }

  json_object_set_string_member (body, field->member, fd_level_to_string (level));
  json_object_set_int_member (body, owner_field->member, owner_id);
  return TRUE;
}

gboolean
fd_ctl_field_apply (FdCtl             *ctl,
                    const FdCtlEntity *entity,
                    const FdCtlField  *field,
                    FdCtlVerb          verb,
                    JsonObject        *body,
                    int               *status)
{
  g_autoptr(GError) error = NULL;
  const char *value;
  gint64 id;

  if (field->option == NULL || (verb == FD_CTL_VERB_CREATE && (field->flags & FD_CTL_UPDATE_ONLY)))
    return TRUE;

  switch (field->kind)
    {
    case FD_CTL_LEVEL:
      return apply_level (ctl, field, body, status);
    case FD_CTL_PASSWORD:
      return apply_password (ctl, entity, field, verb, body, status);
    case FD_CTL_TEXTS:
      if (fd_ctl_opt_all (ctl, field->option) != NULL)
        json_object_set_array_member (body, field->member, list_from_option (fd_ctl_opt_all (ctl, field->option)));
      return TRUE;
    case FD_CTL_SHOWN:
    case FD_CTL_OWNER:
    case FD_CTL_TEXT:
    case FD_CTL_ENUM:
    case FD_CTL_JSON_OBJECT:
    case FD_CTL_REF:
    default:
      break;
    }

  value = fd_ctl_opt (ctl, field->option);
  if (value == NULL || field->kind == FD_CTL_SHOWN || field->kind == FD_CTL_OWNER)
    return TRUE;

  if (field->kind == FD_CTL_ENUM && !fd_enum_from_string (field->choices, value, NULL))
    {
      g_autofree char *choices = fd_ctl_join_words (field->choices->names, field->choices->n_names, "", " or ");

      *status = fd_ctl_usage_error ("--%s must be %s, not “%s”", field->option, choices, value);
      return FALSE;
    }
  if (field->kind == FD_CTL_JSON_OBJECT)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (!json_parser_load_from_data (parser, value, -1, NULL) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          *status = fd_ctl_usage_error ("--%s must be a JSON object, e.g. '{\"address\":\"help@example.com\"}'",
                                        field->option);
          return FALSE;
        }
    }
  if (field->kind == FD_CTL_REF)
    {
      if (!fd_ctl_resolve (ctl, field->ref, value, &id, &error))
        {
          *status = fd_ctl_failed (error);
          return FALSE;
        }
      json_object_set_int_member (body, field->member, id);
      return TRUE;
    }
  json_object_set_string_member (body, field->member, value);
  return TRUE;
}
