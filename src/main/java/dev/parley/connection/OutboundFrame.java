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

    /**
     * A keepalive ping: written in turn with the data frames, which no container lets it overlap.
     * {@code sending} runs as it is handed to the container, which is when the peer's time to answer
     * starts; a pong may well arrive before the write completes.
     */
    record Ping(Runnable sending) implements OutboundFrame {
        @Override
        public long size() {
            return 0;
        }
    }

    record Binary(ByteBuffer data) implements OutboundFrame {
        @Override
        public long size() {
            return data.remaining();
        }
    }

    /** Closes the connection once every frame queued before it has been written: an error, then the close. */
    record Close(Disconnect why) implements OutboundFrame {
        @Override
        public long size() {
            return 0;
        }
    }
}
