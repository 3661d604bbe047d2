package dev.parley.client;

import jakarta.websocket.CloseReason;

/** A Parley client could not do what it was asked: connect, register, or reach the server in time. */
public class ParleyClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ParleyClientException(String message) {
        super(message);
    }

    public ParleyClientException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A close as the clients' messages show it: its code, and its phrase if it has one. */
    public static String describe(CloseReason reason) {
        String phrase = reason.getReasonPhrase();
        return reason.getCloseCode().getCode() + (phrase == null || phrase.isEmpty() ? "" : " " + phrase);
    }

    /** The message of the innermost cause: what went wrong, without the layers that passed it on. */
    public static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
