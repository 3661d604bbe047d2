package dev.parley.chat.bus;

import java.util.concurrent.ThreadLocalRandom;

/** A stream's epoch: an opaque random name for one numbering of its messages, short on the wire. */
public final class Epochs {

    private Epochs() {
    }

    public static String next() {
        return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }
}
