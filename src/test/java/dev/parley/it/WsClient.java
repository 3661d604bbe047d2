package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.websocket.ClientEndpoint;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A Tyrus test client that records every frame it receives, for tests to take in order. */
@ClientEndpoint
public class WsClient implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private Session session;

    /**
     * Each connection gets a container of its own. A Tyrus client container shuts its executors down when
     * its last session closes; a connect racing with that shutdown loses its handshake (the response is read,
     * then dropped by a RejectedExecutionException) and fails after the 30 s handshake timeout. LeakIT's
     * connect/close cycles ran into it on Payara.
     */
    public static WsClient connect(URI uri) {
        WsClient client = new WsClient();
        try {
            client.session = ContainerProvider.getWebSocketContainer().connectToServer(client, uri);
        } catch (Exception e) {
            throw new AssertionError("could not connect to " + uri + ": " + e, e);
        }
        return client;
    }

    /** Like {@link #connect(URI)}, asking for {@code subprotocol}; {@link #subprotocol()} tells what was agreed. */
    public static WsClient connect(URI uri, String subprotocol) {
        WsClient client = new WsClient();
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(List.of(subprotocol)).build();
        Endpoint endpoint = new Endpoint() {
            @Override
            public void onOpen(Session session, EndpointConfig endpointConfig) {
                session.addMessageHandler(String.class, (MessageHandler.Whole<String>) client::onText);
                session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) client::onBinary);
            }

            @Override
            public void onClose(Session session, CloseReason reason) {
                client.onClose(reason);
            }
        };
        try {
            client.session = ContainerProvider.getWebSocketContainer().connectToServer(endpoint, config, uri);
        } catch (Exception e) {
            throw new AssertionError("could not connect to " + uri + ": " + e, e);
        }
        return client;
    }

    /** The subprotocol the server agreed to; empty if none. */
    public String subprotocol() {
        return session.getNegotiatedSubprotocol();
    }

    @OnMessage
    public void onText(String text) {
        received.add(text);
    }

    @OnMessage
    public void onBinary(ByteBuffer data) {
        received.add(ByteBuffer.allocate(data.remaining()).put(data).flip());
    }

    @OnClose
    public void onClose(CloseReason reason) {
        closed.complete(reason);
    }

    public void send(String text) {
        try {
            session.getBasicRemote().sendText(text);
        } catch (IOException e) {
            throw new AssertionError("send failed", e);
        }
    }

    /**
     * Sends {@code text} unless the connection is closed, or closes while it is sent; tells which. Tyrus
     * reports a closed connection by IOException or IllegalStateException depending on when it noticed, or
     * by RejectedExecutionException when the server's close has already shut its client container's
     * executors down (the connection was this container's only one).
     */
    public boolean trySend(String text) {
        try {
            session.getBasicRemote().sendText(text);
            return true;
        } catch (IOException | IllegalStateException | RejectedExecutionException closed) {
            return false;
        }
    }

    public void send(ByteBuffer data) {
        try {
            session.getBasicRemote().sendBinary(data);
        } catch (IOException e) {
            throw new AssertionError("send failed", e);
        }
    }

    /** The next frame, which must be text. */
    public String nextText() {
        Object next = next();
        if (!(next instanceof String text)) {
            throw new AssertionError("expected a text frame, got " + next);
        }
        return text;
    }

    public ByteBuffer nextBinary() {
        Object next = next();
        if (!(next instanceof ByteBuffer data)) {
            throw new AssertionError("expected a binary frame, got " + next);
        }
        return data;
    }

    /** Sends {@code text} and checks that the reply is {@code expected}. */
    public void exchange(String text, String expected) {
        send(text);
        assertEquals(expected, nextText(), "reply to " + text);
    }

    public CloseReason awaitClose() {
        try {
            return closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("connection was not closed within " + TIMEOUT, e);
        }
    }

    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public void close() {
        try {
            if (session.isOpen()) {
                session.close();
            }
        } catch (IOException e) {
            // the server may have closed it first
        }
    }

    private Object next() {
        try {
            Object next = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(next, "no frame within " + TIMEOUT);
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }
}
