package dev.parley.client;

import jakarta.websocket.ClientEndpoint;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/** The connection of a {@link TextClient}: queues each text reply for the client to take in order. */
@ClientEndpoint
public class TextSocket {

    final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    final CompletableFuture<CloseReason> closed = new CompletableFuture<>();

    @OnMessage
    public void onText(String reply) {
        replies.add(reply);
    }

    @OnClose
    public void onClose(CloseReason reason) {
        closed.complete(reason);
    }
}
