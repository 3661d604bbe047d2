package dev.parley.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a chat tries to connect again: capped exponential backoff with jitter. Each delay is drawn between
 * half and all of the current step, so that clients cut off together come back apart; the step doubles with
 * each failure up to the cap, and starts over after a success. One per chat; thread-safe.
 */
public final class Backoff {

    private final Duration first;
    private final Duration max;
    private Duration step;

    public Backoff(Duration first, Duration max) {
        this.first = first;
        this.max = max;
        this.step = first;
    }

    /** The delay before the next attempt; the one after it will be drawn from twice the step (up to the cap). */
    public synchronized Duration next() {
        long millis = step.toMillis();
        Duration doubled = step.multipliedBy(2);
        step = doubled.compareTo(max) > 0 ? max : doubled;
        return jittered(millis);
    }

    /** Connected again: the next delay is drawn from the first step. */
    public synchronized void reset() {
        step = first;
    }

    /** Between half and all of {@code millis}. */
    public static Duration jittered(long millis) {
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }
}
