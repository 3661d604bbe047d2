package dev.parley.connection;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import java.nio.ByteBuffer;

/** The asynchronous writes an {@link Outbox} needs from a WebSocket session; a seam for unit tests. */
interface Transport {

    void sendText(String text, SendHandler done);

    void sendBinary(ByteBuffer data, SendHandler done);

    /** Closes the connection; may block briefly, so it is never called on the message path. */
    void close(CloseReason reason);
}
