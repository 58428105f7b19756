#define G_LOG_DOMAIN "fd-fuzz"

/* libFuzzer target: every input is decoded as a frame of each of the four
 * frame sets. What decodes must encode, decode again to an equal frame and
 * encode to the same text; anything else is a bug and aborts. The scanner
 * that reads the "id" of frames that fail to decode must agree with the
 * parser on every input the parser takes. */

#include <stdlib.h>
#include <string.h>

#include "fd-protocol.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_frame (FdFrameSet     set,
             const FdFrame *frame)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) again = NULL;
  g_autofree char *text1 = NULL;
  g_autofree char *text2 = NULL;
  gsize len1 = 0;

  text1 = fd_frame_encode (frame, &len1);
  again = fd_frame_decode (set, text1, len1, &error);
  if (again == NULL)
    g_error ("An encoded frame failed to decode: %s", error->message);
  if (!fd_frame_equal (frame, again))
    g_error ("A frame changed in a round trip.");
  text2 = fd_frame_encode (again, NULL);
  if (strcmp (text1, text2) != 0)
    g_error ("A frame encoded differently after a round trip.");
}

/* fd_json_peek_string_member() finds what the tree has at the top level. */
static void
check_peek (const char *data,
            gsize       size)
{
  g_autoptr(JsonNode) root = fd_json_parse (data, size, FD_LIMIT_SERVER_FRAME_SIZE, NULL);
  g_autofree char *peeked = NULL;
  const char *expected = NULL;
  JsonNode *member;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  member = json_object_get_member (json_node_get_object (root), "id");
  if (member != NULL && JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
    expected = json_node_get_string (member);
  peeked = fd_json_peek_string_member (data, size, "id");
  if (g_strcmp0 (expected, peeked) != 0)
    g_error ("The id scanner read another id than the parser.");
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const FdFrameSet sets[] = {
    FD_FRAMES_AGENT_CLIENT, FD_FRAMES_AGENT_SERVER,
    FD_FRAMES_VISITOR_CLIENT, FD_FRAMES_VISITOR_SERVER,
  };

  check_peek ((const char *) data, size);
  for (guint i = 0; i < G_N_ELEMENTS (sets); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FdFrame) frame = fd_frame_decode (sets[i], (const char *) data, size, &error);

      if (frame != NULL)
        check_frame (sets[i], frame);
      else if (error == NULL || error->domain != FD_PROTOCOL_ERROR || error->message[0] == '\0')
        g_error ("A frame failed to decode without a protocol error.");
    }
  return 0;
}
