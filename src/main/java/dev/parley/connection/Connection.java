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
    static final CloseReason FLOOD = new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "rate limit exceeded");

    /** What becomes of an incoming message. */
    public enum Admission {
        ACCEPTED,
        /** Over the rate limit: dropped; the connection stays open. */
        RATE_LIMITED,
        /** Too big, or part of a flood: dropped, and the connection is being closed. */
        CLOSING
    }

    private final Session session;
    private final ParleyEndpoint endpoint;
    private final Outbox outbox;
    private final int maxMessageBytes;
    private final RateLimit rateLimit;
    /** When the peer last showed it is alive (System.nanoTime()): any message or pong. */
    private volatile long lastHeard = System.nanoTime();

    Connection(Session session, ParleyEndpoint endpoint, Outbox outbox, int maxMessageBytes, RateLimit rateLimit) {
        this.session = session;
        this.endpoint = endpoint;
        this.outbox = outbox;
        this.maxMessageBytes = maxMessageBytes;
        this.rateLimit = rateLimit;
    }

    /**
     * Judges an incoming text message against the size limit (too big closes the connection with 1009;
     * the containers only enforce the fixed ceiling of the {@code @OnMessage} annotations) and the rate
     * limit (a flood closes it with 1008).
     */
    public Admission admit(String text) {
        heard();
        // at least one and at most three UTF-8 bytes per UTF-16 unit: count exactly only in between
        boolean fits = text.length() <= maxMessageBytes / 3
                || text.length() <= maxMessageBytes && text.getBytes(StandardCharsets.UTF_8).length <= maxMessageBytes;
        return fits ? throttle() : refuseAsTooBig(text.length() + " characters");
    }

    /** Like {@link #admit(String)}, for a binary message. */
    public Admission admit(ByteBuffer data) {
        heard();
        return data.remaining() <= maxMessageBytes ? throttle() : refuseAsTooBig(data.remaining() + " bytes");
    }

    /** For endpoints that have no way to tell a sender it was throttled: only accepted messages count. */
    public boolean admits(String text) {
        return admit(text) == Admission.ACCEPTED;
    }

    public boolean admits(ByteBuffer data) {
        return admit(data) == Admission.ACCEPTED;
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

    /** The peer showed it is alive: a message or a pong arrived. */
    public void heard() {
        lastHeard = System.nanoTime();
    }

    long nanosSinceHeard(long now) {
        return now - lastHeard;
    }

    /** Queues a keepalive ping; never blocks. */
    void ping() {
        outbox.send(new OutboundFrame.Ping());
    }

    /** Closes without blocking the caller. */
    public void close(CloseReason reason) {
        outbox.close(reason);
    }

    /** Closes on the caller's thread, for shutdown, when no executor may be left to do it. */
    void closeNow(CloseReason reason) {
        outbox.discard();
        new SessionTransport(session).close(reason);
    }

    private Admission throttle() {
        if (outbox.isClosed()) {
            return Admission.CLOSING; // what arrives after the cut-off is not worth judging
        }
        RateLimit.Verdict verdict = rateLimit.admit(System.nanoTime());
        if (verdict == RateLimit.Verdict.ACCEPT) {
            return Admission.ACCEPTED;
        }
        if (verdict == RateLimit.Verdict.REFUSE) {
            LOG.fine(() -> "session " + id() + " on " + endpoint.path() + ": over the rate limit, message dropped");
            return Admission.RATE_LIMITED;
        }
        if (outbox.close(FLOOD)) {
            LOG.warning(() -> "session " + id() + " on " + endpoint.path()
                    + ": kept sending over the rate limit; closing with 1008");
        }
        return Admission.CLOSING;
    }

    private Admission refuseAsTooBig(String size) {
        if (outbox.close(TOO_BIG)) {
            LOG.warning(() -> "session " + id() + " on " + endpoint.path() + ": a message of " + size
                    + " is over the limit of " + maxMessageBytes + " bytes; closing with 1009");
        }
        return Admission.CLOSING;
    }

    @Override
    public String toString() {
        return endpoint.path() + "#" + id();
    }
}
