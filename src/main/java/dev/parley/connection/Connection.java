package dev.parley.connection;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;

/** One open WebSocket session of a Parley endpoint: what endpoints and fan-out use instead of the raw session. */
public final class Connection {

    private final Session session;
    private final ParleyEndpoint endpoint;
    private final Outbox outbox;

    Connection(Session session, ParleyEndpoint endpoint, Outbox outbox) {
        this.session = session;
        this.endpoint = endpoint;
        this.outbox = outbox;
    }

    public String id() {
        return session.getId();
    }

    public ParleyEndpoint endpoint() {
        return endpoint;
    }

    public Outbox outbox() {
        return outbox;
    }

    /** Queues a text frame; never blocks. */
    public void send(String text) {
        outbox.send(new OutboundFrame.Text(text));
    }

    /** Queues a binary frame; never blocks. The buffer must not change afterwards. */
    public void send(ByteBuffer data) {
        outbox.send(new OutboundFrame.Binary(data));
    }

    /** Closes without blocking the caller. */
    public void close(CloseReason reason) {
        outbox.close(reason);
    }

    Session session() {
        return session;
    }

    @Override
    public String toString() {
        return endpoint.path() + "#" + id();
    }
}
