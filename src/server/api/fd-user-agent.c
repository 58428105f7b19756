#define G_LOG_DOMAIN "fd-user-agent"

/* The browser and system of a visitor, read from its User-Agent header
 * (docs/architecture.md, "Decisions"). */

#include "fd-user-agent.h"

#include <string.h>

typedef struct {
  const char *needle;
  const char *name;
} UaRule;

/* Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari". */
static const UaRule browsers[] = {
  { "Edg/", "Edge" },
  { "Edge/", "Edge" },
  { "OPR/", "Opera" },
  { "Opera", "Opera" },
  { "SamsungBrowser/", "Samsung Internet" },
  { "Firefox/", "Firefox" },
  { "FxiOS/", "Firefox" },
  { "CriOS/", "Chrome" },
  { "Chromium/", "Chromium" },
  { "Chrome/", "Chrome" },
  { "Safari/", "Safari" },
  { "MSIE ", "Internet Explorer" },
  { "Trident/", "Internet Explorer" },
};

static const UaRule systems[] = {
  { "Windows", "Windows" },
  { "iPhone", "iOS" },
  { "iPad", "iOS" },
  { "Android", "Android" },
  { "CrOS", "ChromeOS" },
  { "Mac OS X", "macOS" },
  { "Macintosh", "macOS" },
  { "Linux", "Linux" },
  { "FreeBSD", "FreeBSD" },
};

static const char *
match_rule (const UaRule *rules,
            guint         n_rules,
            const char   *user_agent)
{
  for (guint i = 0; user_agent != NULL && i < n_rules; i++)
    if (strstr (user_agent, rules[i].needle) != NULL)
      return rules[i].name;
  /* No name: the app says "Unknown" in the agent's language. */
  return NULL;
}

void
fd_visitor_parse_user_agent (const char  *user_agent,
                             char       **out_browser,
                             char       **out_os)
{
  g_return_if_fail (out_browser != NULL && out_os != NULL);

  *out_browser = g_strdup (match_rule (browsers, G_N_ELEMENTS (browsers), user_agent));
  *out_os = g_strdup (match_rule (systems, G_N_ELEMENTS (systems), user_agent));
}
