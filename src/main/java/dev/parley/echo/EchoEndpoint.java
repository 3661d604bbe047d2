package dev.parley.echo;

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
import java.nio.ByteBuffer;

/** {@code /echo}: text comes back as {@code Echo: <text>}, binary comes back unchanged. */
@ServerEndpoint(value = "/echo", configurator = ClientAddress.class)
public class EchoEndpoint {

    public static final String PREFIX = "Echo: ";

    @Inject
    ConnectionRegistry registry;

    @OnOpen
    public void open(Session session) {
        registry.open(session, ParleyEndpoint.ECHO);
    }

    @OnMessage(maxMessageSize = ParleyConfig.MESSAGE_BYTES_CEILING)
    public void text(String message, Session session) {
        Connection connection = registry.of(session);
        if (connection.admits(message)) {
            connection.send(PREFIX + message);
        }
    }

    @OnMessage(maxMessageSize = ParleyConfig.MESSAGE_BYTES_CEILING)
    public void binary(ByteBuffer data, Session session) {
        Connection connection = registry.of(session);
        if (connection.admits(data)) {
            // the container may reuse its buffer once this returns, and the send is queued
            connection.send(ByteBuffer.allocate(data.remaining()).put(data).flip());
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
