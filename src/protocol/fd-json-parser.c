#define G_LOG_DOMAIN "fd-protocol"

#include <errno.h>
#include <string.h>

#include "fd-codec-private.h"
#include "fd-error.h"

/* A strict RFC 8259 parser building json-glib trees. json-glib's own parser
 * recurses without a depth limit, accepts lone UTF-16 surrogates and more
 * than JSON (comments, single quotes, trailing text on some paths) and leaks
 * memory on several syntax errors; input from the network never reaches it. */

typedef struct {
  const char *data;
  gsize       len;
  gsize       pos;
  GError    **error;
} Parser;

static gboolean
parse_fail (Parser     *p,
            const char *what)
{
  g_set_error (p->error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED,
               "The frame is not valid JSON: %s at byte %" G_GSIZE_FORMAT ".", what, p->pos);
  return FALSE;
}

static void
skip_ws (Parser *p)
{
  while (p->pos < p->len &&
         (p->data[p->pos] == ' ' || p->data[p->pos] == '\t' ||
          p->data[p->pos] == '\n' || p->data[p->pos] == '\r'))
    p->pos++;
}

static gboolean
read_hex4 (Parser *p,
           guint  *out)
{
  guint value = 0;

  if (p->len - p->pos < 4)
    return parse_fail (p, "a truncated \\u escape");
  for (guint k = 0; k < 4; k++)
    {
      int digit = g_ascii_xdigit_value (p->data[p->pos + k]);

      if (digit < 0)
        return parse_fail (p, "a \\u escape without four hex digits");
      value = value * 16 + (guint) digit;
    }
  p->pos += 4;
  *out = value;
  return TRUE;
}

/* At the opening quote; returns the decoded text. */
static char *
parse_string (Parser *p)
{
  g_autoptr(GString) s = g_string_new (NULL);

  p->pos++;
  for (;;)
    {
      guchar c;

      if (p->pos >= p->len)
        {
          parse_fail (p, "an unterminated string");
          return NULL;
        }
      c = (guchar) p->data[p->pos];
      if (c == '"')
        {
          p->pos++;
          return g_string_free (g_steal_pointer (&s), FALSE);
        }
      if (c < 0x20)
        {
          parse_fail (p, "a control character inside a string");
          return NULL;
        }
      if (c != '\\')
        {
          g_string_append_c (s, (char) c);
          p->pos++;
          continue;
        }

      p->pos++;
      if (p->pos >= p->len)
        {
          parse_fail (p, "a truncated escape");
          return NULL;
        }
      c = (guchar) p->data[p->pos++];
      switch (c)
        {
        case '"':
        case '\\':
        case '/':
          g_string_append_c (s, (char) c);
          break;
        case 'b':
          g_string_append_c (s, '\b');
          break;
        case 'f':
          g_string_append_c (s, '\f');
          break;
        case 'n':
          g_string_append_c (s, '\n');
          break;
        case 'r':
          g_string_append_c (s, '\r');
          break;
        case 't':
          g_string_append_c (s, '\t');
          break;
        case 'u':
          {
            guint unit, low;
            gunichar ch;

            if (!read_hex4 (p, &unit))
              return NULL;
            if (unit >= 0xDC00 && unit <= 0xDFFF)
              {
                parse_fail (p, "a lone low surrogate escape");
                return NULL;
              }
            if (unit >= 0xD800 && unit <= 0xDBFF)
              {
                if (p->len - p->pos < 2 || p->data[p->pos] != '\\' || p->data[p->pos + 1] != 'u')
                  {
                    parse_fail (p, "a high surrogate escape without its low half");
                    return NULL;
                  }
                p->pos += 2;
                if (!read_hex4 (p, &low))
                  return NULL;
                if (low < 0xDC00 || low > 0xDFFF)
                  {
                    parse_fail (p, "a high surrogate escape without its low half");
                    return NULL;
                  }
                ch = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
              }
            else
              ch = unit;
            /* Strings are NUL-terminated C strings in the structs. */
            if (ch == 0)
              {
                parse_fail (p, "an escaped NUL character");
                return NULL;
              }
            g_string_append_unichar (s, ch);
          }
          break;
        default:
          p->pos--;
          parse_fail (p, "an unknown escape");
          return NULL;
        }
    }
}

static JsonNode *
parse_number (Parser *p)
{
  gsize start = p->pos;
  gboolean integral = TRUE;
  JsonNode *node;
  g_autofree char *text = NULL;

  if (p->data[p->pos] == '-')
    p->pos++;
  if (p->pos >= p->len || !g_ascii_isdigit (p->data[p->pos]))
    {
      parse_fail (p, "a number without digits");
      return NULL;
    }
  if (p->data[p->pos] == '0')
    p->pos++;
  else
    while (p->pos < p->len && g_ascii_isdigit (p->data[p->pos]))
      p->pos++;
  if (p->pos < p->len && p->data[p->pos] == '.')
    {
      integral = FALSE;
      p->pos++;
      if (p->pos >= p->len || !g_ascii_isdigit (p->data[p->pos]))
        {
          parse_fail (p, "a number without digits after the point");
          return NULL;
        }
      while (p->pos < p->len && g_ascii_isdigit (p->data[p->pos]))
        p->pos++;
    }
  if (p->pos < p->len && (p->data[p->pos] == 'e' || p->data[p->pos] == 'E'))
    {
      integral = FALSE;
      p->pos++;
      if (p->pos < p->len && (p->data[p->pos] == '+' || p->data[p->pos] == '-'))
        p->pos++;
      if (p->pos >= p->len || !g_ascii_isdigit (p->data[p->pos]))
        {
          parse_fail (p, "a number without exponent digits");
          return NULL;
        }
      while (p->pos < p->len && g_ascii_isdigit (p->data[p->pos]))
        p->pos++;
    }

  text = g_strndup (p->data + start, p->pos - start);
  node = json_node_new (JSON_NODE_VALUE);
  if (integral)
    {
      gint64 value;

      errno = 0;
      value = g_ascii_strtoll (text, NULL, 10);
      /* An integer beyond 64 bits is kept as a number with a fraction, which
       * no integer field accepts. */
      if (errno == 0)
        {
          json_node_set_int (node, value);
          return node;
        }
    }
  json_node_set_double (node, g_ascii_strtod (text, NULL));
  return node;
}

static gboolean
match_word (Parser     *p,
            const char *word)
{
  gsize n = strlen (word);

  if (p->len - p->pos < n || memcmp (p->data + p->pos, word, n) != 0)
    return parse_fail (p, "an unexpected character");
  p->pos += n;
  return TRUE;
}

static JsonNode *parse_value (Parser *p,
                              guint   depth);

static JsonNode *
parse_container (Parser *p,
                 guint   depth)
{
  gboolean is_object = p->data[p->pos] == '{';
  char close = is_object ? '}' : ']';
  g_autoptr(JsonNode) node = json_node_new (is_object ? JSON_NODE_OBJECT : JSON_NODE_ARRAY);
  JsonObject *obj = NULL;
  JsonArray *arr = NULL;

  if (depth > FD_LIMIT_DEPTH)
    {
      g_set_error (p->error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_TOO_DEEP,
                   "The frame nests arrays and objects more than %d levels deep.", FD_LIMIT_DEPTH);
      return NULL;
    }
  if (is_object)
    {
      obj = json_object_new ();
      json_node_take_object (node, obj);
    }
  else
    {
      arr = json_array_new ();
      json_node_take_array (node, arr);
    }

  p->pos++;
  skip_ws (p);
  if (p->pos < p->len && p->data[p->pos] == close)
    {
      p->pos++;
      return g_steal_pointer (&node);
    }

  for (;;)
    {
      g_autofree char *name = NULL;
      JsonNode *child;

      skip_ws (p);
      if (is_object)
        {
          if (p->pos >= p->len || p->data[p->pos] != '"')
            {
              parse_fail (p, "a member without a quoted name");
              return NULL;
            }
          name = parse_string (p);
          if (name == NULL)
            return NULL;
          skip_ws (p);
          if (p->pos >= p->len || p->data[p->pos] != ':')
            {
              parse_fail (p, "a member name without a colon");
              return NULL;
            }
          p->pos++;
        }
      child = parse_value (p, depth);
      if (child == NULL)
        return NULL;
      if (is_object)
        json_object_set_member (obj, name, child);
      else
        json_array_add_element (arr, child);

      skip_ws (p);
      if (p->pos >= p->len)
        {
          parse_fail (p, "an unterminated array or object");
          return NULL;
        }
      if (p->data[p->pos] == ',')
        {
          p->pos++;
          continue;
        }
      if (p->data[p->pos] == close)
        {
          p->pos++;
          return g_steal_pointer (&node);
        }
      parse_fail (p, "a missing comma");
      return NULL;
    }
}

static JsonNode *
parse_value (Parser *p,
             guint   depth)
{
  JsonNode *node;

  skip_ws (p);
  if (p->pos >= p->len)
    {
      parse_fail (p, "a missing value");
      return NULL;
    }
  switch (p->data[p->pos])
    {
    case '{':
    case '[':
      return parse_container (p, depth + 1);
    case '"':
      {
        g_autofree char *str = parse_string (p);

        if (str == NULL)
          return NULL;
        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_string (node, str);
        return node;
      }
    case 't':
    case 'f':
      {
        gboolean value = p->data[p->pos] == 't';

        if (!match_word (p, value ? "true" : "false"))
          return NULL;
        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_boolean (node, value);
        return node;
      }
    case 'n':
      if (!match_word (p, "null"))
        return NULL;
      return json_node_new (JSON_NODE_NULL);
    default:
      if (p->data[p->pos] == '-' || g_ascii_isdigit (p->data[p->pos]))
        return parse_number (p);
      parse_fail (p, "an unexpected character");
      return NULL;
    }
}

gboolean
fd_json_check_bytes (const char *data,
                     gsize       len,
                     gsize       max_size,
                     GError    **error)
{
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (len > max_size)
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_TOO_LARGE,
                   "The frame is %" G_GSIZE_FORMAT " bytes long; the limit is %" G_GSIZE_FORMAT " bytes.",
                   len, max_size);
      return FALSE;
    }
  if (!g_utf8_validate_len (data, len, NULL))
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED,
                   "The frame is not valid UTF-8 text.");
      return FALSE;
    }
  /* g_utf8_validate_len() accepts NUL bytes; JSON text has none. */
  if (len > 0 && memchr (data, '\0', len) != NULL)
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED,
                   "The frame contains a NUL byte.");
      return FALSE;
    }
  return TRUE;
}

JsonNode *
fd_json_parse (const char *data,
               gsize       len,
               gsize       max_size,
               GError    **error)
{
  Parser p = { data, len, 0, error };
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!fd_json_check_bytes (data, len, max_size, error))
    return NULL;

  skip_ws (&p);
  if (p.pos >= p.len)
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED,
                   "The frame is empty; it must be a JSON object.");
      return NULL;
    }
  root = parse_value (&p, 0);
  if (root == NULL)
    return NULL;
  skip_ws (&p);
  if (p.pos < p.len)
    {
      parse_fail (&p, "text after the end of the value");
      return NULL;
    }
  return g_steal_pointer (&root);
}

/* --- reading one member without a tree ------------------------------------ */

/* Past the string at the opening quote, without decoding it. */
static gboolean
scan_string (Parser *p)
{
  for (p->pos++; p->pos < p->len; p->pos++)
    {
      if (p->data[p->pos] == '"')
        {
          p->pos++;
          return TRUE;
        }
      if (p->data[p->pos] == '\\')
        p->pos++;
    }
  return FALSE;
}

/* Past one value of any depth: brackets are counted, not recursed into. The
 * structure inside is not checked; only where the value ends matters. */
static gboolean
scan_value (Parser *p)
{
  gsize depth = 0;

  for (;;)
    {
      char c;

      skip_ws (p);
      if (p->pos >= p->len)
        return FALSE;
      c = p->data[p->pos];
      if (c == '"')
        {
          if (!scan_string (p))
            return FALSE;
        }
      else if (c == '{' || c == '[')
        {
          depth++;
          p->pos++;
          continue;
        }
      else if (c == '}' || c == ']')
        {
          if (depth == 0)
            return FALSE;
          depth--;
          p->pos++;
        }
      else if (c == ',' || c == ':')
        {
          if (depth == 0)
            return FALSE;
          p->pos++;
          continue;
        }
      else
        {
          /* A number or a literal, up to the next delimiter; its first
           * byte is not one, so the scan always moves on. */
          do
            p->pos++;
          while (p->pos < p->len && p->data[p->pos] != '\0' &&
                 strchr (",:[]{}\" \t\r\n", p->data[p->pos]) == NULL);
        }
      if (depth == 0)
        return TRUE;
    }
}

char *
fd_json_peek_string_member (const char *data,
                            gsize       len,
                            const char *name)
{
  Parser p = { data, len, 0, NULL };
  g_autofree char *found = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  skip_ws (&p);
  if (p.pos >= p.len || p.data[p.pos] != '{')
    return NULL;
  p.pos++;
  skip_ws (&p);
  if (p.pos < p.len && p.data[p.pos] == '}')
    return NULL;

  /* Member by member; like the parser, the last of duplicate names wins. */
  for (;;)
    {
      g_autofree char *key = NULL;

      skip_ws (&p);
      if (p.pos >= p.len || p.data[p.pos] != '"' || (key = parse_string (&p)) == NULL)
        break;
      skip_ws (&p);
      if (p.pos >= p.len || p.data[p.pos] != ':')
        break;
      p.pos++;
      skip_ws (&p);
      if (strcmp (key, name) == 0)
        {
          g_clear_pointer (&found, g_free);
          if (p.pos < p.len && p.data[p.pos] == '"')
            {
              found = parse_string (&p);
              if (found == NULL)
                break;
            }
          else if (!scan_value (&p))
            break;
        }
      else if (!scan_value (&p))
        break;
      skip_ws (&p);
      if (p.pos >= p.len || p.data[p.pos] != ',')
        break;
      p.pos++;
    }
  return g_steal_pointer (&found);
}
