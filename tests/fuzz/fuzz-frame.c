#define G_LOG_DOMAIN "fd-fuzz"

/* libFuzzer target: every input is decoded as a frame of each of the four
 * frame sets. What decodes must encode, decode again to an equal frame and
 * encode to the same text; anything else is a bug and aborts. */

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

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const FdFrameSet sets[] = {
    FD_FRAMES_AGENT_CLIENT, FD_FRAMES_AGENT_SERVER,
    FD_FRAMES_VISITOR_CLIENT, FD_FRAMES_VISITOR_SERVER,
  };

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
