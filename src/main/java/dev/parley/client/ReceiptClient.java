package dev.parley.client;

import jakarta.websocket.WebSocketContainer;
import java.net.URI;

/** A client of {@code /receipt}: each message is acknowledged with the server's time of receipt. */
public final class ReceiptClient extends TextClient {

    public ReceiptClient(URI uri) {
        super(uri);
    }

    public ReceiptClient(WebSocketContainer container, URI uri) {
        super(container, uri, DEFAULT_TIMEOUT);
    }

    public String receipt(String data) {
        return request(data);
    }
}
