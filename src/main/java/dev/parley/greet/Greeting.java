package dev.parley.greet;

/**
 * The greeting service's handshake, for one connection: nothing but {@code Hi} is accepted until
 * {@code Hi} has been said, and every message after it is acknowledged.
 */
public final class Greeting {

    public static final String HELLO = "Hi";
    public static final String ACCEPTED = "success";
    public static final String REFUSED = "connected fail";
    public static final String ACK_PREFIX = "success,get mess: ";

    private boolean greeted;

    /** The reply to {@code message}; the first exact {@code Hi} completes the handshake. */
    public String reply(String message) {
        if (greeted) {
            return ACK_PREFIX + message;
        }
        if (HELLO.equals(message)) {
            greeted = true;
            return ACCEPTED;
        }
        return REFUSED;
    }
}
