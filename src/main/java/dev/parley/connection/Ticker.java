package dev.parley.connection;

/**
 * A monotonic clock in nanoseconds, read wherever a connection judges time: its outbox's stalls, its
 * rate limit, the keepalive's silences. Injected, so that unit tests advance time rather than sleep.
 */
@FunctionalInterface
public interface Ticker {

    Ticker SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary origin, as {@link System#nanoTime()}: only differences mean anything. */
    long nanoTime();
}
