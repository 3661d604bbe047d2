package dev.parley.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One load-generator connection on the JDK's own WebSocket client: light, asynchronous, and the same for
 * every server compared. Whole text messages go to {@code onText}; sends are queued and chained, since
 * the JDK client allows one outstanding send per socket.
 */
final class BenchSocket implements WebSocket.Listener {

    private final Consumer<String> onText;
    private final StringBuilder partial = new StringBuilder();
    private final Queue<String> outgoing = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sending = new AtomicBoolean();
    private volatile WebSocket socket;

    private BenchSocket(Consumer<String> onText) {
        this.onText = onText;
    }

    static BenchSocket open(HttpClient client, URI uri, Consumer<String> onText) {
        return open(client, uri, Optional.empty(), onText);
    }

    /** Opens a connection that asks for {@code subprotocol}, if given (e.g. {@code parley.v2} on {@code /chat}). */
    static BenchSocket open(HttpClient client, URI uri, Optional<String> subprotocol, Consumer<String> onText) {
        BenchSocket listener = new BenchSocket(onText);
        WebSocket.Builder builder = client.newWebSocketBuilder();
        subprotocol.ifPresent(builder::subprotocols);
        listener.socket = builder.buildAsync(uri, listener).join();
        if (!listener.socket.getSubprotocol().equals(subprotocol.orElse(""))) {
            listener.socket.abort();
            throw new IllegalStateException(uri + " answered subprotocol '" + listener.socket.getSubprotocol()
                    + "', not " + subprotocol.orElse("none"));
        }
        return listener;
    }

    void send(String text) {
        outgoing.add(text);
        pump();
    }

    void close() {
        socket.abort();
    }

    private void pump() {
        while (!outgoing.isEmpty() && sending.compareAndSet(false, true)) {
            String next = outgoing.poll();
            if (next == null) {
                sending.set(false);
                continue;
            }
            CompletableFuture<WebSocket> sent = socket.sendText(next, true);
            if (!sent.isDone()) {
                sent.whenComplete((ws, failure) -> {
                    sending.set(false);
                    if (failure == null) {
                        pump();
                    } // else the connection is gone: the scenario sees the answers missing
                });
                return;
            }
            sending.set(false); // completed at once: loop rather than recurse
            if (sent.isCompletedExceptionally()) {
                return;
            }
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            onText.accept(text);
        }
        webSocket.request(1);
        return null;
    }
}
