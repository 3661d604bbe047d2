package dev.parley.connection;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCode;
import jakarta.websocket.CloseReason.CloseCodes;

/**
 * Every reason Parley closes a connection for, with the close code and phrase its clients see. The
 * phrases are part of the wire contract (README, "Limits and failure behaviour"): change one and clients that match on it break.
 */
public enum Disconnect {

    /** A message over the size limit. */
    MESSAGE_TOO_BIG(CloseCodes.TOO_BIG, "message too big"),
    /** Went on sending while over the rate limit. */
    FLOOD(CloseCodes.VIOLATED_POLICY, "rate limit exceeded"),
    /** Raced past the handshake's connection limits together with others. */
    TOO_MANY_CONNECTIONS(CloseCodes.TRY_AGAIN_LATER, "too many connections"),
    /** Silent past the keepalive timeout. */
    NO_ANSWER(CloseCodes.GOING_AWAY, "no answer to ping"),
    /** A write to it failed: the peer is gone, whether or not the container has noticed yet. It hears nothing. */
    CONNECTION_LOST(CloseCodes.GOING_AWAY, "connection lost"),
    /** Its outbound queue passed its bound while it was not reading. */
    SLOW_CONSUMER(CloseCodes.VIOLATED_POLICY, "slow consumer"),
    /** Undeploy or shutdown. */
    SHUTDOWN(CloseCodes.GOING_AWAY, "server shutting down"),
    /** This node lost its place in the cluster (Redis out of reach): its clients should go to another. */
    NODE_LAPSED(CloseCodes.SERVICE_RESTART, "node out of the cluster; reconnect"),
    /**
     * No valid token (or none in time): a client must not reconnect as it is. Closes in 4000-4099 are
     * Parley's own, and all of them mean that.
     */
    UNAUTHORIZED(CloseCodes.getCloseCode(4001), "unauthorized"),
    /** The token expired, and no refresh came within the grace. */
    TOKEN_EXPIRED(CloseCodes.getCloseCode(4003), "token expired");

    /** Made once: a CloseReason is immutable. */
    private final CloseReason reason;

    Disconnect(CloseCode code, String phrase) {
        this.reason = new CloseReason(code, phrase);
    }

    /** Its name in metrics: {@code slow_consumer}, {@code token_expired}, ... */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** What the close frame carries. */
    public CloseReason reason() {
        return reason;
    }
}
