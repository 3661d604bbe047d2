package dev.parley.echo;

import dev.parley.connection.ConnectionRegistry;
import dev.parley.connection.ParleyEndpoint;
import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;

/** {@code /echo}: text comes back as {@code Echo: <text>}, binary comes back unchanged. */
@ServerEndpoint("/echo")
public class EchoEndpoint {

    public static final String PREFIX = "Echo: ";

    @Inject
    ConnectionRegistry registry;

    @OnOpen
    public void open(Session session) {
        registry.open(session, ParleyEndpoint.ECHO);
    }

    @OnMessage
    public void text(String message, Session session) {
        registry.of(session).send(PREFIX + message);
    }

    @OnMessage
    public void binary(ByteBuffer data, Session session) {
        // the container may reuse its buffer once this returns, and the send is queued
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
        registry.of(session).send(copy);
    }

    @OnClose
    public void close(Session session) {
        registry.close(registry.of(session));
    }
}
