package dev.parley.client;

/** A Parley client could not do what it was asked: connect, register, or reach the server in time. */
public class ParleyClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ParleyClientException(String message) {
        super(message);
    }

    public ParleyClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
