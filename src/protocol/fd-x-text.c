#include "fd-x-text.h"

#include <string.h>

/* twitter-text v3: the ranges of weight 1 (100 in its units); the rest 2. */
static gboolean
light (gunichar c)
{
  return c <= 0x10FF || (c >= 0x2000 && c <= 0x200D) || (c >= 0x2010 && c <= 0x201F) ||
         (c >= 0x2032 && c <= 0x2037);
}

static gboolean
emoji_base (gunichar c)
{
  return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) || (c >= 0x2300 && c <= 0x23FF) ||
         (c >= 0x2B00 && c <= 0x2BFF);
}

static gboolean
emoji_modifier (gunichar c)
{
  return c == 0xFE0E || c == 0xFE0F || c == 0x20E3 || (c >= 0x1F3FB && c <= 0x1F3FF) ||
         (c >= 0xE0020 && c <= 0xE007F);
}

static gboolean
regional (gunichar c)
{
  return c >= 0x1F1E6 && c <= 0x1F1FF;
}

/* A URL starts here: "http://", "https://" (any case) or "www." at the
 * start of a word. It runs to the next white space; trailing punctuation
 * that ends a sentence is not part of it. Returns its length in bytes. */
static gsize
url_at (const char *start,
        const char *p)
{
  static const char * const prefixes[] = { "https://", "http://", "www." };
  if (p > start)
    {
      gunichar before = g_utf8_get_char (g_utf8_find_prev_char (start, p));
      if (!g_unichar_isspace (before) && before != '(' && before != '"' && before != '\'')
        return 0;
    }
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      gsize n = strlen (prefixes[i]);
      if (g_ascii_strncasecmp (p, prefixes[i], n) != 0)
        continue;
      const char *end = p + n;
      while (*end != '\0' && !g_unichar_isspace (g_utf8_get_char (end)))
        end = g_utf8_next_char (end);
      while (end > p + n && strchr (".,;:!?)\"'", end[-1]) != NULL)
        end--;
      /* A host needs at least one character after the prefix. */
      return end > p + n ? (gsize) (end - p) : 0;
    }
  return 0;
}

gint
fd_x_weighted_length (const char *text)
{
  if (text == NULL)
    return 0;
  if (!g_utf8_validate (text, -1, NULL))
    return -1;
  g_autofree char *nfc = g_utf8_normalize (text, -1, G_NORMALIZE_NFC);
  if (nfc == NULL)
    return -1;

  gint length = 0;
  const char *p = nfc;
  while (*p != '\0')
    {
      gsize url = url_at (nfc, p);
      if (url > 0)
        {
          length += FD_X_URL_WEIGHT;
          p += url;
          continue;
        }
      gunichar c = g_utf8_get_char (p);
      p = g_utf8_next_char (p);
      if (regional (c))
        {
          if (regional (g_utf8_get_char (p)))
            p = g_utf8_next_char (p);
          length += 2;
          continue;
        }
      gboolean keycap = (c == '#' || c == '*' || g_ascii_isdigit (c)) && g_utf8_get_char (p) == 0xFE0F &&
                        g_utf8_get_char (g_utf8_next_char (p)) == 0x20E3;
      if (emoji_base (c) || keycap)
        {
          /* The whole sequence: modifiers, and a joiner with what it joins. */
          for (;;)
            {
              gunichar next = g_utf8_get_char (p);
              if (emoji_modifier (next))
                p = g_utf8_next_char (p);
              else if (next == 0x200D && *g_utf8_next_char (p) != '\0')
                {
                  p = g_utf8_next_char (p);
                  p = g_utf8_next_char (p);
                }
              else
                break;
            }
          length += 2;
          continue;
        }
      length += light (c) ? 1 : 2;
    }
  return length;
}

gboolean
fd_x_text_fits (const char *text,
                gint       *length)
{
  gint weighted = fd_x_weighted_length (text);
  if (length != NULL)
    *length = weighted;
  if (weighted <= 0 || weighted > FD_X_MAX_WEIGHTED_LENGTH)
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}
