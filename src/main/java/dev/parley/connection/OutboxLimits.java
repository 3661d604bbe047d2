package dev.parley.connection;

/** How far a session's outbound queue may grow before its reader counts as a slow consumer. */
public record OutboxLimits(int maxFrames, long maxSize) {

    public OutboxLimits {
        if (maxFrames < 1 || maxSize < 1) {
            throw new IllegalArgumentException("outbox limits must be positive: " + maxFrames + ", " + maxSize);
        }
    }
}
