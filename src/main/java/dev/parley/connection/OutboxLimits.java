package dev.parley.connection;

import java.time.Duration;

/**
 * How far a session's outbound queue may grow. Past {@code maxFrames} or {@code maxSize}, a receiver
 * whose write in flight has not completed within {@code stall} is a slow consumer and is cut off; past
 * {@value #HARD_BOUND_FACTOR} times those bounds, any receiver is.
 */
public record OutboxLimits(int maxFrames, long maxSize, Duration stall) {

    public static final int HARD_BOUND_FACTOR = 4;

    public OutboxLimits {
        if (maxFrames < 1 || maxSize < 1 || stall.isNegative()) {
            throw new IllegalArgumentException("outbox limits must be positive: " + maxFrames + ", " + maxSize
                    + ", " + stall);
        }
    }

    /** Bounds that cut off as soon as they are passed, whether the receiver reads or not. */
    public static OutboxLimits strict(int maxFrames, long maxSize) {
        return new OutboxLimits(maxFrames, maxSize, Duration.ZERO);
    }

    boolean isOver(int frames, long size) {
        return frames > maxFrames || size > maxSize;
    }

    boolean isOverHardBound(int frames, long size) {
        return frames > (long) maxFrames * HARD_BOUND_FACTOR || size > maxSize * HARD_BOUND_FACTOR;
    }

    long stallNanos() {
        return stall.toNanos();
    }
}
