#!/usr/bin/python3
# Generates alert.oga, the new-conversation chime: two soft bell-like tones
# (G5 then E5), each a sine with two quiet overtones and an exponential decay,
# encoded as mono Ogg Vorbis with GStreamer. Run with Debian's python3 (it
# needs python3-gi and gstreamer1.0-plugins-base): ./make-alert.py alert.oga
import math
import struct
import sys

import gi
gi.require_version('Gst', '1.0')
from gi.repository import Gst  # noqa: E402

RATE = 48000
LENGTH = 1.1  # seconds


def tone(t, freq, start):
    if t < start:
        return 0.0
    dt = t - start
    attack = min(1.0, dt / 0.008)
    envelope = attack * math.exp(-dt * 4.5)
    return envelope * (math.sin(2 * math.pi * freq * dt)
                       + 0.25 * math.sin(2 * math.pi * 2 * freq * dt)
                       + 0.08 * math.sin(2 * math.pi * 3 * freq * dt))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else 'alert.oga'
    frames = bytearray()
    for i in range(int(RATE * LENGTH)):
        t = i / RATE
        v = 0.32 * (tone(t, 783.99, 0.0) + tone(t, 659.25, 0.28))
        frames += struct.pack('<h', int(max(-1.0, min(1.0, v)) * 32767))

    Gst.init(None)
    pipeline = Gst.parse_launch(
        'appsrc name=src format=time caps=audio/x-raw,format=S16LE,channels=1,rate=%d,layout=interleaved '
        '! audioconvert ! vorbisenc quality=0.3 ! oggmux ! filesink location="%s"' % (RATE, out))
    src = pipeline.get_by_name('src')
    pipeline.set_state(Gst.State.PLAYING)
    buf = Gst.Buffer.new_wrapped(bytes(frames))
    buf.pts = 0
    buf.duration = int(LENGTH * Gst.SECOND)
    src.emit('push-buffer', buf)
    src.emit('end-of-stream')
    msg = pipeline.get_bus().timed_pop_filtered(Gst.CLOCK_TIME_NONE,
                                                Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if msg.type == Gst.MessageType.ERROR:
        sys.exit('Cannot encode the alert sound: %s' % msg.parse_error()[0].message)


if __name__ == '__main__':
    main()
