package dev.parley.chat.protocol;

import java.util.Locale;

/** The {@code code} of an error event; its wire form is the lower-case name. */
public enum ErrorCode {
    BAD_JSON,
    BAD_MESSAGE,
    UNKNOWN_TYPE,
    NOT_REGISTERED,
    ALREADY_REGISTERED,
    UUID_TAKEN,
    NOT_YOURS,
    NO_SUCH_USER,
    RATE_LIMITED,
    /** The chat's store (Redis) did not answer in time: the request was not done, and may be retried. */
    UNAVAILABLE,
    // parley.v2 only
    HELLO_FIRST,
    BAD_ROOM,
    NOT_JOINED,
    TOO_MANY_ROOMS,
    /** A missing, bad or expired token, or a v1 register where tokens are required: the connection closes (4001). */
    UNAUTHORIZED,
    /** A join of a room that the user's token does not list. */
    FORBIDDEN,
    /** A hello of an authenticated user that holds {@code parley.auth.max-connections-per-user} connections already. */
    TOO_MANY_CONNECTIONS;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ErrorCode fromWire(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }
}
