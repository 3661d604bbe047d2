package dev.parley.chat.bus;

import java.util.Optional;

/**
 * A numbered, retained message. Kept lean, as a room holds up to {@code parley.history.size} of them:
 * the time as epoch milliseconds, and the stream's name and epoch are not repeated per event.
 */
public record Stored(long seq, long timeMillis, String from, Optional<String> to, String text, Optional<String> cid) {

    /** Object headers, fields and the strings' own headers: a fair estimate of what this costs the heap. */
    private static final int OVERHEAD = 96;

    /** What the event counts against {@code parley.history.max-bytes}. */
    public long weight() {
        return OVERHEAD + text.length() + cid.map(String::length).orElse(0);
    }
}
