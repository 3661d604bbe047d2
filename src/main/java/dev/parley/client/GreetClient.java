package dev.parley.client;

import jakarta.websocket.WebSocketContainer;
import java.net.URI;

/** A client of {@code /greet}: the tutorial's {@code Hi} / {@code success} handshake, then messages. */
public final class GreetClient extends TextClient {

    public static final String HELLO = "Hi";
    public static final String ACCEPTED = "success";

    public GreetClient(URI uri) {
        super(uri);
    }

    public GreetClient(WebSocketContainer container, URI uri) {
        super(container, uri, DEFAULT_TIMEOUT);
    }

    /**
     * Says {@code Hi} and returns true if the server answered {@code success}, as the tutorial's
     * client does.
     */
    public boolean handshake() {
        return ACCEPTED.equals(request(HELLO));
    }

    /** Sends {@code text} after the handshake; the reply is {@code success,get mess: <text>}. */
    public String say(String text) {
        return request(text);
    }
}
