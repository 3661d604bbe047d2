package dev.parley.connection;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** A {@link Transport} over a container's session, writing through its async remote. */
final class SessionTransport implements Transport {

    private static final Logger LOG = Logger.getLogger(SessionTransport.class.getName());

    private final Session session;
    private final int batchLimit;
    private final boolean bareLoader;

    /**
     * {@code batchLimit} above 1 only where the container queues overlapping sends; see {@link Transport}.
     * {@code bareLoader}: sends run under {@link BareLoader}, where each send's scheduling in the container
     * would otherwise scan the application's class path ({@link Tyrus}).
     */
    SessionTransport(Session session, int batchLimit, boolean bareLoader) {
        this.session = session;
        this.batchLimit = batchLimit;
        this.bareLoader = bareLoader;
    }

    @Override
    public int batchLimit() {
        return batchLimit;
    }

    /**
     * Batching mode holds frames back until {@code flushBatch}; it is on only while {@code sends} run, so
     * that frames the container sends itself (pongs, closes) are never held, and those queued meanwhile
     * go out with the batch.
     */
    @Override
    public void batch(Runnable sends) {
        if (batchLimit == 1) {
            sends.run();
            return;
        }
        RemoteEndpoint.Async remote = session.getAsyncRemote();
        try {
            remote.setBatchingAllowed(true);
            try {
                sends.run();
            } finally {
                remote.setBatchingAllowed(false);
                remote.flushBatch();
            }
        } catch (IOException e) {
            // the connection is failing: the sends' handlers hear of it, and onError/onClose follow
            LOG.log(Level.FINE, "session " + session.getId() + ": batch not flushed", e);
        }
    }

    @Override
    public void sendText(String text, SendHandler done) {
        send(() -> session.getAsyncRemote().sendText(text, done));
    }

    @Override
    public void sendBinary(ByteBuffer data, SendHandler done) {
        send(() -> session.getAsyncRemote().sendBinary(data, done));
    }

    private void send(Runnable send) {
        if (bareLoader) {
            BareLoader.run(send);
        } else {
            send.run();
        }
    }

    @Override
    public void sendPing(ByteBuffer payload, SendHandler done) {
        try {
            session.getAsyncRemote().sendPing(payload);
            done.onResult(new SendResult());
        } catch (IOException e) {
            done.onResult(new SendResult(e));
        }
    }

    @Override
    public void close(CloseReason reason) {
        try {
            if (session.isOpen()) {
                session.close(reason);
            }
        } catch (IOException | IllegalStateException e) {
            LOG.log(Level.FINE, "session " + session.getId() + " was already going away", e);
        }
    }
}
