package dev.parley.client;

import jakarta.websocket.WebSocketContainer;
import java.net.URI;

/** A client of {@code /echo}: {@code echo("hi")} returns {@code "Echo: hi"}. */
public final class EchoClient extends TextClient {

    public EchoClient(URI uri) {
        super(uri);
    }

    public EchoClient(WebSocketContainer container, URI uri) {
        super(container, uri, DEFAULT_TIMEOUT);
    }

    public String echo(String text) {
        return request(text);
    }
}
