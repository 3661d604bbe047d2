package dev.parley.greet;

import dev.parley.config.ParleyConfig;
import dev.parley.connection.Connection;
import dev.parley.connection.ConnectionRegistry;
import dev.parley.connection.ParleyEndpoint;
import dev.parley.security.ClientAddress;
import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/** {@code /greet}: the tutorial's {@code Hi} / {@code success} handshake, then acknowledgements. */
@ServerEndpoint(value = "/greet", configurator = ClientAddress.class)
public class GreetEndpoint {

    /** Annotated endpoints get one instance per connection, and its messages arrive one at a time. */
    private final Greeting greeting = new Greeting();

    @Inject
    ConnectionRegistry registry;

    @OnOpen
    public void open(Session session) {
        registry.open(session, ParleyEndpoint.GREET);
    }

    @OnMessage(maxMessageSize = ParleyConfig.MESSAGE_BYTES_CEILING)
    public void text(String message, Session session) {
        Connection connection = registry.of(session);
        if (connection.admits(message)) {
            connection.send(greeting.reply(message));
        }
    }

    /** A pong proves the peer alive to {@link dev.parley.connection.KeepAlive}. */
    @OnMessage
    public void pong(PongMessage pong, Session session) {
        registry.of(session).heard();
    }

    @OnClose
    public void close(Session session) {
        registry.close(registry.of(session));
    }
}
