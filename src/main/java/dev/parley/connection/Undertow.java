package dev.parley.connection;

import jakarta.websocket.Session;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * What Parley uses of Undertow (WildFly) beyond the WebSocket API. Reached by reflection: Undertow's
 * classes sit in a private WildFly module that deployments do not see, and Payara has none of them.
 */
final class Undertow {

    /**
     * Frames one write-out may hand over. Undertow queues overlapping async sends in order and writes
     * what is queued with one gathering write; past 50 queued frames it stops reading from the peer.
     */
    static final int BATCH_LIMIT = 32;

    private Undertow() {
    }

    /**
     * The XNIO I/O thread that owns the session's connection, if it is an Undertow session. Work run
     * there runs after the thread's current event, so frames queued meanwhile go out together, and it
     * never contends with the connection's own reads and writes.
     */
    static Optional<Executor> ioThread(Session session) {
        if (!session.getClass().getName().startsWith("io.undertow.")) {
            return Optional.empty();
        }
        try {
            Object channel = session.getClass().getMethod("getWebSocketChannel").invoke(session);
            Object thread = channel.getClass().getMethod("getIoThread").invoke(channel);
            return thread instanceof Executor executor ? Optional.of(executor) : Optional.empty();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
