#define G_LOG_DOMAIN "fd-mail-text"

#include "fd-mail-text.h"

#include <errno.h>
#include <string.h>

#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#define REPLACEMENT "\xef\xbf\xbd"

static gboolean
is_utf8_name (const char *charset)
{
  return charset == NULL ||
         g_ascii_strcasecmp (charset, "utf-8") == 0 ||
         g_ascii_strcasecmp (charset, "utf8") == 0 ||
         g_ascii_strcasecmp (charset, "us-ascii") == 0 ||
         g_ascii_strcasecmp (charset, "ascii") == 0;
}

char *
fd_mail_text_to_utf8 (const guint8 *data,
                      gsize         len,
                      const char   *charset)
{
  g_autoptr(GString) out = NULL;
  GIConv cd;
  char *in;
  gsize in_left;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  /* An empty body's bytes may be NULL. */
  if (len == 0)
    return g_strdup ("");
  if (is_utf8_name (charset))
    return g_utf8_make_valid ((const char *) data, len);

  /* GMime knows the aliases mail uses ("latin1", "x-unknown", "cp1252"). */
  cd = g_iconv_open ("UTF-8", g_mime_charset_iconv_name (charset));
  if (cd == (GIConv) -1)
    return g_utf8_make_valid ((const char *) data, len);

  out = g_string_sized_new (len + 16);
  in = (char *) data;
  in_left = len;
  while (in_left > 0)
    {
      char buf[4096];
      char *outp = buf;
      gsize out_left = sizeof buf;
      gsize r = g_iconv (cd, &in, &in_left, &outp, &out_left);

      g_string_append_len (out, buf, outp - buf);
      if (r == (gsize) -1)
        {
          if (errno == E2BIG)
            continue;
          /* EILSEQ or EINVAL (a truncated sequence at the end): one byte is
           * replaced and the conversion starts again after it. */
          g_string_append (out, REPLACEMENT);
          in++;
          in_left--;
          g_iconv (cd, NULL, NULL, NULL, NULL);
        }
    }
  g_iconv_close (cd);

  /* iconv may emit NUL for a NUL byte; the text is a C string. */
  return g_utf8_make_valid (out->str, out->len);
}

char *
fd_mail_text_unflow (const char *text,
                     gboolean    delsp)
{
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) out = NULL;
  gboolean joining = FALSE;
  guint joining_depth = 0;

  g_return_val_if_fail (text != NULL, NULL);

  lines = g_strsplit (text, "\n", -1);
  out = g_string_sized_new (strlen (text));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);
      guint depth = 0;
      gboolean flowed;

      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
      /* The last element after a final newline is no line. */
      if (lines[i + 1] == NULL && len == 0)
        break;
      while (line[0] == '>')
        {
          depth++;
          line++;
          len--;
        }
      if (line[0] == ' ')
        {
          line++;
          len--;
        }
      flowed = len > 0 && line[len - 1] == ' ' && strcmp (line, "-- ") != 0;
      if (flowed && delsp)
        line[--len] = '\0';

      /* A flowed line is joined to the next one of the same depth only. */
      if (joining && depth != joining_depth)
        g_string_append_c (out, '\n');
      if (!joining || depth != joining_depth)
        {
          for (guint d = 0; d < depth; d++)
            g_string_append_c (out, '>');
          if (depth > 0)
            g_string_append_c (out, ' ');
        }
      g_string_append_len (out, line, len);
      joining = flowed;
      joining_depth = depth;
      if (!flowed)
        g_string_append_c (out, '\n');
    }
  if (joining)
    g_string_append_c (out, '\n');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* HTML to text. The tree libxml2 builds is walked without recursion (its
 * depth is the sender's choice); the text is written with whitespace
 * collapsed as a browser would, and blocks on lines of their own. */

typedef struct {
  GString *out;
  gboolean space;      /* a space is due before the next word */
  guint newlines;      /* newlines due before the next word (at most 2) */
  guint pre;           /* inside <pre> */
} HtmlText;

static gboolean
name_is (const xmlNode *node,
         const char    *name)
{
  return node->name != NULL && g_ascii_strcasecmp ((const char *) node->name, name) == 0;
}

static gboolean
is_skipped (const xmlNode *node)
{
  static const char * const skipped[] = {
    "script", "style", "head", "title", "template", "noscript", "iframe",
    "object", "embed", "svg", "math", "select", "button", "applet", "frameset",
  };

  for (guint i = 0; i < G_N_ELEMENTS (skipped); i++)
    if (name_is (node, skipped[i]))
      return TRUE;
  return FALSE;
}

static guint
block_newlines (const xmlNode *node)
{
  static const char * const paragraphs[] = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre",
    "ul", "ol", "dl", "hr",
  };
  static const char * const lines[] = {
    "div", "li", "tr", "dt", "dd", "section", "article", "header", "footer",
    "address", "form", "fieldset", "center", "main", "nav", "aside", "figure",
    "figcaption", "caption", "body",
  };

  for (guint i = 0; i < G_N_ELEMENTS (paragraphs); i++)
    if (name_is (node, paragraphs[i]))
      return 2;
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    if (name_is (node, lines[i]))
      return 1;
  return 0;
}

static void
want_newlines (HtmlText *t,
               guint     n)
{
  t->newlines = MAX (t->newlines, n);
  t->space = FALSE;
}

static void
put_word (HtmlText   *t,
          const char *word,
          gsize       len)
{
  if (t->out->len > 0)
    {
      for (guint i = 0; i < t->newlines; i++)
        g_string_append_c (t->out, '\n');
      if (t->newlines == 0 && t->space)
        g_string_append_c (t->out, ' ');
    }
  t->newlines = 0;
  t->space = FALSE;
  g_string_append_len (t->out, word, len);
}

static void
put_text (HtmlText   *t,
          const char *text)
{
  const char *p = text;

  if (t->pre > 0)
    {
      /* Preformatted text keeps its lines and spaces. */
      if (*p != '\0')
        put_word (t, p, strlen (p));
      return;
    }
  while (*p != '\0')
    {
      const char *start;

      if (g_ascii_isspace (*p))
        {
          t->space = TRUE;
          p++;
          continue;
        }
      start = p;
      while (*p != '\0' && !g_ascii_isspace (*p))
        p++;
      put_word (t, start, p - start);
    }
}

static void
html_open (HtmlText *t,
           xmlNode  *node)
{
  guint n;

  if (name_is (node, "br"))
    {
      /* A line break inside a paragraph: one newline, even if repeated. */
      put_word (t, "", 0);
      g_string_append_c (t->out, '\n');
      return;
    }
  if (name_is (node, "li"))
    {
      want_newlines (t, 1);
      put_word (t, "- ", 2);
      return;
    }
  if (name_is (node, "td") || name_is (node, "th"))
    {
      t->space = TRUE;
      return;
    }
  if (name_is (node, "img"))
    {
      g_autofree xmlChar *alt = xmlGetProp (node, (const xmlChar *) "alt");

      if (alt != NULL)
        put_text (t, (const char *) alt);
      return;
    }
  if (name_is (node, "pre"))
    t->pre++;
  n = block_newlines (node);
  if (n > 0)
    want_newlines (t, n);
}

static gboolean
is_shown_link (const char *href)
{
  return g_ascii_strncasecmp (href, "http://", 7) == 0 ||
         g_ascii_strncasecmp (href, "https://", 8) == 0 ||
         g_ascii_strncasecmp (href, "mailto:", 7) == 0;
}

static void
html_close (HtmlText *t,
            xmlNode  *node)
{
  guint n;

  if (name_is (node, "a"))
    {
      g_autofree xmlChar *href = xmlGetProp (node, (const xmlChar *) "href");
      g_autofree xmlChar *content = NULL;
      g_autofree char *url = NULL;
      g_autofree char *label = NULL;
      const char *shown;

      if (href == NULL)
        return;
      url = g_strstrip (g_strdup ((const char *) href));
      /* javascript:, data:, file: and the like are not worth a reader's
       * click: only the link's text stays. */
      if (!is_shown_link (url))
        return;
      shown = g_ascii_strncasecmp (url, "mailto:", 7) == 0 ? url + 7 : url;
      content = xmlNodeGetContent (node);
      label = g_strstrip (g_strdup (content != NULL ? (const char *) content : ""));
      if (strcmp (label, shown) == 0 || strcmp (label, url) == 0)
        return;
      if (label[0] != '\0')
        t->space = TRUE;
      /* "text <url>": angle brackets cannot be part of a URL (RFC 3986,
       * appendix C), so a reader's linkifier knows where it ends even when
       * it holds parentheses; what would end it early (spaces, < > ", control
       * characters) is percent-encoded. */
      put_word (t, "<", 1);
      for (const char *p = shown; *p != '\0'; p++)
        {
          if ((guchar) *p <= 0x20 || *p == '<' || *p == '>' || *p == '"' || *p == 0x7f)
            g_string_append_printf (t->out, "%%%02X", (guchar) *p);
          else
            g_string_append_c (t->out, *p);
        }
      g_string_append_c (t->out, '>');
      return;
    }
  if (name_is (node, "pre") && t->pre > 0)
    t->pre--;
  n = block_newlines (node);
  if (n > 0)
    want_newlines (t, n);
}

/* Removes the spaces that end lines and more than one empty line in a row. */
static char *
tidy_lines (const char *text)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint empty = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strchomp (lines[i]);
      if (lines[i][0] == '\0')
        {
          empty++;
          continue;
        }
      if (out->len > 0)
        g_string_append (out, empty > 0 ? "\n\n" : "\n");
      empty = 0;
      g_string_append (out, lines[i]);
    }
  if (out->len > 0)
    g_string_append_c (out, '\n');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
fd_mail_text_from_html (const char *html,
                        gsize       len)
{
  htmlDocPtr doc;
  xmlNode *node;
  HtmlText t = { 0 };
  g_autofree char *text = NULL;

  g_return_val_if_fail (html != NULL || len == 0, NULL);

  if (len == 0)
    return g_strdup ("");
  /* The length is the caller's max_text_bytes bound, far below INT_MAX. */
  doc = htmlReadMemory (html, (int) MIN (len, (gsize) G_MAXINT), NULL, "UTF-8",
                        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                        HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  if (doc == NULL)
    return g_strdup ("");

  t.out = g_string_new (NULL);
  node = xmlDocGetRootElement (doc);
  while (node != NULL)
    {
      gboolean descend = FALSE;

      if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
        put_text (&t, (const char *) node->content);
      else if (node->type == XML_ELEMENT_NODE && !is_skipped (node))
        {
          html_open (&t, node);
          descend = node->children != NULL;
          if (!descend)
            html_close (&t, node);
        }

      if (descend)
        {
          node = node->children;
          continue;
        }
      /* Next sibling, or up until there is one, closing each parent. */
      while (node != NULL && node->next == NULL)
        {
          node = node->parent;
          if (node == NULL || node->type == XML_DOCUMENT_NODE ||
              node->type == XML_HTML_DOCUMENT_NODE)
            {
              node = NULL;
              break;
            }
          html_close (&t, node);
        }
      if (node != NULL)
        node = node->next;
    }
  xmlFreeDoc (doc);

  text = g_string_free (t.out, FALSE);
  return tidy_lines (text);
}
