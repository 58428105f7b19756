#define G_LOG_DOMAIN "fd-ctl"

/* `phase list` and `phase set`: the routing phases of a media stream,
 * replaced as a whole. */

#include "fd-config.h"
#include "fd-ctl-private.h"

#include <string.h>

static const FdCtlColumn phase_columns[] = {
  { "POSITION", "position" }, { "STRATEGY", "strategy" }, { "AGENTS", "agent_ids" },
  { "BOUNCE", "bounce_seconds" }, { "DURATION", "duration_seconds" },
};

/* Parses "strategy=ring-all,agents=a@x;b@y,bounce=30,duration=120". */
static FdPhase *
parse_phase (FdCtl       *ctl,
             const char  *spec,
             gint         position,
             gboolean    *usage,
             GError     **error)
{
  g_autoptr(FdPhase) phase = fd_phase_new ();
  g_auto(GStrv) pairs = g_strsplit (spec, ",", -1);

  phase->position = position;
  if (phase->agent_ids == NULL)
    phase->agent_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  *usage = TRUE;
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *eq = strchr (pairs[i], '=');
      g_autofree char *key = NULL;
      const char *value;

      if (eq == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "“%s” in --phase is not KEY=VALUE", pairs[i]);
          return NULL;
        }
      key = g_strndup (pairs[i], eq - pairs[i]);
      value = eq + 1;

      if (g_str_equal (key, "strategy"))
        {
          if (!fd_strategy_from_string (value, &phase->strategy))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "strategy must be ring-all, circular or longest-idle, not “%s”", value);
              return NULL;
            }
        }
      else if (g_str_equal (key, "bounce") || g_str_equal (key, "duration"))
        {
          gint *target = g_str_equal (key, "bounce") ? &phase->bounce_seconds : &phase->duration_seconds;
          guint64 seconds = 0;

          if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT32, &seconds, NULL))
            *target = (gint) seconds;
          else
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "%s must be a number of seconds, not “%s”", key, value);
              return NULL;
            }
        }
      else if (g_str_equal (key, "agents"))
        {
          g_auto(GStrv) refs = g_strsplit (value, ";", -1);

          for (guint j = 0; refs[j] != NULL; j++)
            {
              gint64 id;

              if (refs[j][0] == '\0')
                continue;
              if (!fd_ctl_resolve (ctl, FD_CTL_ENTITY_AGENT, refs[j], &id, error))
                {
                  *usage = FALSE;
                  return NULL;
                }
              g_array_append_val (phase->agent_ids, id);
            }
        }
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "unknown --phase key “%s” (strategy, agents, bounce, duration)", key);
          return NULL;
        }
    }

  *usage = FALSE;
  return g_steal_pointer (&phase);
}

/* The body of `phase set`: every --phase SPEC in order. */
static int
phases_body (FdCtl     *ctl,
             JsonNode **body)
{
  g_autoptr(JsonArray) phases = json_array_new ();
  GPtrArray *specs = fd_ctl_opt_all (ctl, "phase");

  for (guint i = 0; specs != NULL && i < specs->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FdPhase) phase = NULL;
      gboolean usage = FALSE;

      phase = parse_phase (ctl, specs->pdata[i], (gint) i, &usage, &error);
      if (phase == NULL)
        return usage ? fd_ctl_usage_error ("%s", error->message) : fd_ctl_failed (error);
      json_array_add_element (phases, fd_phase_to_json (phase));
    }
  *body = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (*body, phases);
  return FD_CTL_EXIT_OK;
}

/* GET (`phase list`) or PUT (`phase set`) the phases of the STREAM argument. */
static int
send_phases (FdCtl      *ctl,
             const char *method)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) body = NULL;
  gint64 stream_id;
  int status = fd_ctl_require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!fd_ctl_resolve (ctl, FD_CTL_ENTITY_STREAM, ctl->args->pdata[0], &stream_id, &error))
    return fd_ctl_failed (error);
  if (g_str_equal (method, "PUT") && (status = phases_body (ctl, &body)) != FD_CTL_EXIT_OK)
    return status;

  answer = fd_ctl_request (ctl, method, body, &error,
                           "/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT "/phases",
                           ctl->org_id, stream_id);
  if (answer == NULL)
    return fd_ctl_failed (error);
  fd_ctl_print_table (ctl, answer, phase_columns, G_N_ELEMENTS (phase_columns));
  return FD_CTL_EXIT_OK;
}

int
fd_ctl_phase_list (FdCtl *ctl)
{
  return send_phases (ctl, "GET");
}

int
fd_ctl_phase_set (FdCtl *ctl)
{
  return send_phases (ctl, "PUT");
}
