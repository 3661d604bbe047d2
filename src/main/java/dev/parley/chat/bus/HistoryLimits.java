package dev.parley.chat.bus;

import java.time.Duration;

/**
 * How much history the bus keeps: per stream by count ({@code parley.history.size}) and age
 * ({@code parley.history.ttl-seconds}), and in all by weight ({@code parley.history.max-bytes}); and how
 * long a send's cid is remembered ({@code parley.send.dedupe-seconds}).
 */
public record HistoryLimits(int size, Duration ttl, long maxBytes, Duration dedupe) {

    public HistoryLimits {
        if (size < 1 || ttl.isNegative() || ttl.isZero() || maxBytes < 1 || dedupe.isNegative()) {
            throw new IllegalArgumentException("history limits must be positive: " + size + ", " + ttl + ", "
                    + maxBytes + ", " + dedupe);
        }
    }
}
