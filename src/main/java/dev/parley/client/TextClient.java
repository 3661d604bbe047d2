package dev.parley.client;

import static dev.parley.client.ParleyClientException.describe;
import static dev.parley.client.ParleyClientException.rootMessage;

import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A request/reply conversation with one of Parley's text services (echo, receipt, greet): each message
 * sent is answered by one reply. The base of {@link EchoClient}, {@link ReceiptClient} and {@link GreetClient}.
 */
public class TextClient implements AutoCloseable {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final URI uri;
    private final Session session;
    private final TextSocket socket;
    private final Duration timeout;

    protected TextClient(WebSocketContainer container, URI uri, Duration timeout) {
        this.uri = uri;
        this.socket = new TextSocket();
        this.timeout = timeout;
        try {
            this.session = container.connectToServer(socket, uri);
        } catch (Exception e) {
            throw new ParleyClientException("cannot connect to " + uri + ": " + rootMessage(e), e);
        }
    }

    /** A conversation with any text service at {@code uri}, through the default container. */
    public TextClient(URI uri) {
        this(ContainerProvider.getWebSocketContainer(), uri, DEFAULT_TIMEOUT);
    }

    /** Sends {@code text} and returns the service's reply. */
    public String request(String text) {
        synchronized (session) {
            try {
                session.getBasicRemote().sendText(text);
            } catch (IOException | IllegalStateException e) {
                throw new ParleyClientException("send to " + uri + " failed: " + describeClose(), e);
            }
            return nextReply();
        }
    }

    /** Closes the connection with a normal close and {@code reason}. */
    public void close(String reason) {
        if (session.isOpen()) {
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, reason));
            } catch (IOException e) {
                // already gone: nothing left to close
            }
        }
    }

    @Override
    public void close() {
        close("");
    }

    public boolean isOpen() {
        return session.isOpen();
    }

    private String nextReply() {
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String reply = socket.replies.poll(50, TimeUnit.MILLISECONDS);
                if (reply != null) {
                    return reply;
                }
                if (socket.closed.isDone()) {
                    throw new ParleyClientException("the server closed the connection: " + describeClose());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new ParleyClientException("no reply from " + uri + " within " + timeout);
    }

    private String describeClose() {
        return socket.closed.isDone() ? describe(socket.closed.join()) : "connection lost";
    }
}
