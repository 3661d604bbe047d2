package dev.parley.connection;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/** One open WebSocket session of a Parley endpoint: what endpoints and fan-out use instead of the raw session. */
public final class Connection {

    private static final Logger LOG = Logger.getLogger(Connection.class.getName());
    static final CloseReason TOO_BIG = new CloseReason(CloseReason.CloseCodes.TOO_BIG, "message too big");

    private final Session session;
    private final ParleyEndpoint endpoint;
    private final Outbox outbox;
    private final int maxMessageBytes;

    Connection(Session session, ParleyEndpoint endpoint, Outbox outbox, int maxMessageBytes) {
        this.session = session;
        this.endpoint = endpoint;
        this.outbox = outbox;
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * Whether an incoming text message is within the size limit; one that is not closes the connection
     * with 1009. The containers only enforce the fixed ceiling of the {@code @OnMessage} annotations.
     */
    public boolean admits(String text) {
        // at least one and at most three UTF-8 bytes per UTF-16 unit: count exactly only in between
        boolean fits = text.length() <= maxMessageBytes / 3
                || text.length() <= maxMessageBytes && text.getBytes(StandardCharsets.UTF_8).length <= maxMessageBytes;
        return fits || refuseAsTooBig(text.length() + " characters");
    }

    /** Like {@link #admits(String)}, for a binary message. */
    public boolean admits(ByteBuffer data) {
        return data.remaining() <= maxMessageBytes || refuseAsTooBig(data.remaining() + " bytes");
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

    private boolean refuseAsTooBig(String size) {
        LOG.warning(() -> "session " + id() + " on " + endpoint.path() + ": a message of " + size
                + " is over the limit of " + maxMessageBytes + " bytes; closing with 1009");
        close(TOO_BIG);
        return false;
    }

    @Override
    public String toString() {
        return endpoint.path() + "#" + id();
    }
}
