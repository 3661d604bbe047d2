package dev.parley.connection;

/**
 * A token bucket for one connection's incoming messages: {@code perSecond} on average, {@code burst} at
 * once. A connection that has {@code strikes} messages refused within one second is flooding.
 */
public final class RateLimit {

    /** What becomes of one incoming message. */
    public enum Verdict {
        ACCEPT,
        /** Dropped; the sender may be told. */
        REFUSE,
        /** Dropped, and the connection is to be closed. */
        FLOOD
    }

    private static final long WINDOW = 1_000_000_000L;

    private final double tokensPerNano;
    private final double burst;
    private final int strikes;

    private double tokens;
    private long refilledAt;
    private long windowStart;
    private int refusedInWindow;

    public RateLimit(double perSecond, int burst, int strikes, long now) {
        if (perSecond <= 0 || burst < 1 || strikes < 1) {
            throw new IllegalArgumentException("rate limits must be positive");
        }
        this.tokensPerNano = perSecond / 1e9;
        this.burst = burst;
        this.strikes = strikes;
        this.tokens = burst;
        this.refilledAt = now;
        this.windowStart = now;
    }

    /** Judges a message that arrived at {@code now} (nanoseconds, as a {@link Ticker} reads them). */
    public synchronized Verdict admit(long now) {
        tokens = Math.min(burst, tokens + (now - refilledAt) * tokensPerNano);
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return Verdict.ACCEPT;
        }
        if (now - windowStart > WINDOW) {
            windowStart = now;
            refusedInWindow = 0;
        }
        return ++refusedInWindow >= strikes ? Verdict.FLOOD : Verdict.REFUSE;
    }
}
