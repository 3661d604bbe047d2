package dev.parley.connection;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.nio.ByteBuffer;

/** The asynchronous writes an {@link Outbox} needs from a WebSocket session; a seam for unit tests. */
interface Transport {

    void sendText(String text, SendHandler done);

    void sendBinary(ByteBuffer data, SendHandler done);

    /** Sends a ping; containers offer no completion for it, so {@code done} hears of it once it is handed over. */
    default void sendPing(ByteBuffer payload, SendHandler done) {
        done.onResult(new SendResult()); // test transports have no peer to ping
    }

    /**
     * How many frames may be in flight at once. One, unless the container queues overlapping sends in
     * order and can write them together; the WebSocket API promises no more (Tomcat refuses a send while
     * another is in progress).
     */
    default int batchLimit() {
        return 1;
    }

    /** Runs {@code sends}, letting the container hold their frames back and write them together at the end. */
    default void batch(Runnable sends) {
        sends.run();
    }

    /** Closes the connection; may block briefly, so it is never called on the message path. */
    void close(CloseReason reason);
}
