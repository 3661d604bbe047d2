package dev.parley.connection;

import jakarta.websocket.Session;

/**
 * Which thread starts an outbox's writes ({@code parley.outbox.writer}): the thread that queued the frame,
 * or Parley's writer executor. {@code auto} picks the executor only where the container needs it.
 */
public enum OutboxWriter {
    AUTO, CALLER, EXECUTOR;

    /** True if writes to {@code session} must leave the caller's thread; see {@link SessionTransport}. */
    boolean needsExecutor(Session session) {
        return switch (this) {
            case CALLER -> false;
            case EXECUTOR -> true;
            case AUTO -> session.getClass().getName().startsWith("org.glassfish.tyrus.");
        };
    }
}
