/* X's weighted length (src/protocol/fd-x-text.c), against the counts X's
 * own twitter-text library gives for the same texts (its conformance
 * cases for version 3: weighted length). */
#include <string.h>

#include "fd-x-text.h"

static void
test_latin (void)
{
  g_assert_cmpint (fd_x_weighted_length (""), ==, 0);
  g_assert_cmpint (fd_x_weighted_length ("Hello"), ==, 5);
  g_assert_cmpint (fd_x_weighted_length ("caf\xc3\xa9"), ==, 4);        /* é precomposed */
  g_assert_cmpint (fd_x_weighted_length ("cafe\xcc\x81"), ==, 4);       /* e + combining acute: NFC is one */
  /* General punctuation in the light ranges: en dash, quotes, prime. */
  g_assert_cmpint (fd_x_weighted_length ("\xe2\x80\x93\xe2\x80\x9c\xe2\x80\xb2"), ==, 3);
}

static void
test_heavy (void)
{
  /* CJK and Hangul weigh 2 each. */
  g_assert_cmpint (fd_x_weighted_length ("\xe6\x97\xa5\xe6\x9c\xac"), ==, 4);     /* 日本 */
  g_assert_cmpint (fd_x_weighted_length ("\xed\x95\x9c"), ==, 2);                 /* 한 */
  /* 140 CJK characters fill a post; one more is over. */
  GString *s = g_string_new (NULL);
  for (int i = 0; i < 140; i++)
    g_string_append (s, "\xe6\x97\xa5");
  gint length = 0;
  g_assert_true (fd_x_text_fits (s->str, &length));
  g_assert_cmpint (length, ==, 280);
  g_string_append (s, "\xe6\x97\xa5");
  g_assert_false (fd_x_text_fits (s->str, &length));
  g_assert_cmpint (length, ==, 282);
  g_string_free (s, TRUE);
}

static void
test_emoji (void)
{
  g_assert_cmpint (fd_x_weighted_length ("\xf0\x9f\x98\x80"), ==, 2);                          /* 😀 */
  g_assert_cmpint (fd_x_weighted_length ("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd"), ==, 2);          /* 👍🏽 */
  /* 👨‍👩‍👧: three people joined by two ZWJ, one emoji. */
  g_assert_cmpint (fd_x_weighted_length ("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7"), ==, 2);
  g_assert_cmpint (fd_x_weighted_length ("\xf0\x9f\x87\xb3\xf0\x9f\x87\xb4"), ==, 2);          /* 🇳🇴 */
  g_assert_cmpint (fd_x_weighted_length ("1\xef\xb8\x8f\xe2\x83\xa3"), ==, 2);                 /* 1️⃣ */
  g_assert_cmpint (fd_x_weighted_length ("\xe2\x9d\xa4\xef\xb8\x8f"), ==, 2);                  /* ❤️ */
  g_assert_cmpint (fd_x_weighted_length ("Hi \xf0\x9f\x98\x80!"), ==, 6);
}

static void
test_urls (void)
{
  g_assert_cmpint (fd_x_weighted_length ("https://example.com"), ==, 23);
  g_assert_cmpint (fd_x_weighted_length ("see https://example.com/a/very/long/path/that/goes/on?and=on&on=on."), ==, 4 + 23 + 1);
  g_assert_cmpint (fd_x_weighted_length ("http://x.co"), ==, 23);
  g_assert_cmpint (fd_x_weighted_length ("(www.example.org)"), ==, 25);
  /* Not a URL: no host after the scheme, or inside a word. */
  g_assert_cmpint (fd_x_weighted_length ("https://"), ==, 8);
  g_assert_cmpint (fd_x_weighted_length ("xhttps://a"), ==, 10);
  /* The Direct Message request link counts 23 like any URL. */
  g_assert_cmpint (fd_x_weighted_length ("@natalie Send us a DM: https://x.com/messages/compose?recipient_id=1234567890123456789"),
                   ==, 23 + 23);
}

static void
test_fits (void)
{
  g_autofree char *max = g_strnfill (280, 'a');
  g_autofree char *over = g_strnfill (281, 'a');
  gint length = -5;
  g_assert_true (fd_x_text_fits (max, &length));
  g_assert_cmpint (length, ==, 280);
  g_assert_false (fd_x_text_fits (over, &length));
  g_assert_cmpint (length, ==, 281);
  g_assert_false (fd_x_text_fits ("   \n ", NULL));
  g_assert_false (fd_x_text_fits ("", NULL));
  g_assert_false (fd_x_text_fits ("\xff\xfe", &length));
  g_assert_cmpint (length, ==, -1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/x-text/latin", test_latin);
  g_test_add_func ("/x-text/heavy", test_heavy);
  g_test_add_func ("/x-text/emoji", test_emoji);
  g_test_add_func ("/x-text/urls", test_urls);
  g_test_add_func ("/x-text/fits", test_fits);
  return g_test_run ();
}
