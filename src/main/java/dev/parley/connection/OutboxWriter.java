package dev.parley.connection;

import jakarta.websocket.Session;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Which thread starts an outbox's writes ({@code parley.outbox.writer}): the thread that queued the frame,
 * Parley's writer executor, or the connection's own I/O thread. {@code auto} picks what suits the container.
 */
public enum OutboxWriter {
    AUTO, CALLER, EXECUTOR, IO_THREAD;

    private static final Executor CALLERS_THREAD = Runnable::run;

    /**
     * Where writes to {@code session} start. Tyrus's async send blocks (see {@link SessionTransport}), so
     * there it is the executor; on Undertow, the connection's I/O thread, which lets a burst of frames
     * queue up and go out in one write. {@code io_thread} falls back to the caller's thread elsewhere.
     */
    Executor writerFor(Session session, Optional<Executor> ioThread, Executor executor) {
        return switch (this) {
            case CALLER -> CALLERS_THREAD;
            case EXECUTOR -> executor;
            case IO_THREAD -> ioThread.orElse(CALLERS_THREAD);
            case AUTO -> Tyrus.owns(session) ? executor
                    : ioThread.orElse(CALLERS_THREAD);
        };
    }
}
