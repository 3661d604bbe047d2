package dev.parley.connection;

import java.nio.ByteBuffer;

/** One queued frame and what it costs the outbound bound. */
public sealed interface OutboundFrame {

    /** What this frame counts against the size bound: bytes, or UTF-16 units for text. */
    long size();

    record Text(String text) implements OutboundFrame {
        @Override
        public long size() {
            // exact for ASCII, and cheap, which matters as every receiver counts it
            return text.length();
        }
    }

    record Binary(ByteBuffer data) implements OutboundFrame {
        @Override
        public long size() {
            return data.remaining();
        }
    }
}
