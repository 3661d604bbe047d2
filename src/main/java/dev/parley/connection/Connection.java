package dev.parley.connection;

import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/** One open WebSocket session of a Parley endpoint: what endpoints and fan-out use instead of the raw session. */
public final class Connection {

    private static final Logger LOG = Logger.getLogger(Connection.class.getName());

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
    /** The client's remote address, if the handshake told it. */
    private final Optional<String> address;
    private final Outbox outbox;
    private final int maxMessageBytes;
    private final RateLimit rateLimit;
    private final Ticker ticker;
    /** When the peer last showed it is alive, by the ticker: any message or pong. */
    private volatile long lastHeard;
    /** When the last keepalive ping was sent, by the ticker; as old as lastHeard until one is. */
    private volatile long pingSentAt;
    private final AtomicBoolean pingQueued = new AtomicBoolean();

    /** The rate limit starts now, by {@code ticker}, the clock every judgement of this connection reads. */
    Connection(Session session, ParleyEndpoint endpoint, Optional<String> address, Outbox outbox, int maxMessageBytes,
            RateLimits rateLimits, Ticker ticker) {
        this.session = session;
        this.endpoint = endpoint;
        this.address = address;
        this.outbox = outbox;
        this.maxMessageBytes = maxMessageBytes;
        this.ticker = ticker;
        this.lastHeard = ticker.nanoTime();
        this.pingSentAt = lastHeard;
        this.rateLimit = rateLimits.start(lastHeard);
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

    /** Who the server's login authenticated the handshake as, if it did. */
    public Optional<String> login() {
        return Optional.ofNullable(session.getUserPrincipal()).map(Principal::getName);
    }

    /** The subprotocol the handshake agreed on; empty if none. */
    public String subprotocol() {
        return session.getNegotiatedSubprotocol();
    }

    public ParleyEndpoint endpoint() {
        return endpoint;
    }

    public Optional<String> address() {
        return address;
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
        lastHeard = ticker.nanoTime();
    }

    long nanosSinceHeard(long now) {
        return now - lastHeard;
    }

    /** Queues a keepalive ping unless one is waiting to be written or unanswered; never blocks. */
    void ping() {
        boolean unanswered = pingSentAt - lastHeard > 0;
        if (!unanswered && pingQueued.compareAndSet(false, true)) {
            outbox.send(new OutboundFrame.Ping(() -> {
                pingSentAt = ticker.nanoTime();
                pingQueued.set(false);
            }));
        }
    }

    /**
     * True if the peer has been silent for longer than {@code timeout} and that is its own doing: it does
     * not read at all, or it has had our ping on the wire for longer than {@code answerWindow} while we
     * had nothing else queued for it. A live reader working through a backlog of our frames hears the
     * ping only after them, so while frames are still flowing to it, it is not taken for dead.
     */
    boolean seemsDead(long now, long timeout, long answerWindow) {
        long heard = lastHeard;
        if (now - heard <= timeout) {
            return false;
        }
        if (outbox.isStalled(now)) {
            return true;
        }
        if (outbox.pendingFrames() > 0) {
            return false;
        }
        long pinged = pingSentAt;
        return pinged - heard > 0 && now - pinged > answerWindow;
    }

    /** Closes without blocking the caller. */
    public void close(Disconnect why) {
        outbox.close(why);
    }

    /** Closes on the caller's thread, for shutdown, when no executor may be left to do it. */
    void closeNow(Disconnect why) {
        outbox.closeNow(why);
    }

    private Admission throttle() {
        if (outbox.isClosed()) {
            return Admission.CLOSING; // what arrives after the cut-off is not worth judging
        }
        RateLimit.Verdict verdict = rateLimit.admit(ticker.nanoTime());
        if (verdict == RateLimit.Verdict.ACCEPT) {
            return Admission.ACCEPTED;
        }
        if (verdict == RateLimit.Verdict.REFUSE) {
            LOG.fine(() -> "session " + id() + " on " + endpoint.path() + ": over the rate limit, message dropped");
            return Admission.RATE_LIMITED;
        }
        if (outbox.close(Disconnect.FLOOD)) {
            LOG.warning(() -> "session " + id() + " on " + endpoint.path()
                    + ": kept sending over the rate limit; closing with 1008");
        }
        return Admission.CLOSING;
    }

    private Admission refuseAsTooBig(String size) {
        if (outbox.close(Disconnect.MESSAGE_TOO_BIG)) {
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
