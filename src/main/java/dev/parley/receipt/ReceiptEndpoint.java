package dev.parley.receipt;

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
import java.time.OffsetDateTime;

/** {@code /receipt}: acknowledges every text message with the time the server received it. */
@ServerEndpoint(value = "/receipt", configurator = ClientAddress.class)
public class ReceiptEndpoint {

    @Inject
    ConnectionRegistry registry;

    @OnOpen
    public void open(Session session) {
        registry.open(session, ParleyEndpoint.RECEIPT);
    }

    @OnMessage(maxMessageSize = ParleyConfig.MESSAGE_BYTES_CEILING)
    public void text(String data, Session session) {
        Connection connection = registry.of(session);
        if (connection.admits(data)) {
            connection.send(Receipt.of(data, OffsetDateTime.now()));
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
