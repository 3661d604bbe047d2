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

    /** Closes the connection; may block briefly, so it is never called on the message path. */
    void close(CloseReason reason);
}
