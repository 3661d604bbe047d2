package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.parley.chat.protocol.ErrorCode;
import dev.parley.client.ChatListener;
import jakarta.websocket.CloseReason;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Writes down what a {@link dev.parley.client.ParleyChat} tells its listener, one line per call. */
final class RecordingListener implements ChatListener {

    private final BlockingQueue<String> calls = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(String from, String text, Optional<String> to) {
        String shown = text.length() > 80 ? text.substring(0, 20) + "... (" + text.length() + " characters)" : text;
        calls.add("message " + from + to.map(t -> "->" + t).orElse("") + ": " + shown);
    }

    @Override
    public void onJoin(String user, String greeting, List<String> users) {
        calls.add("join " + user + " " + users);
    }

    @Override
    public void onLeave(String user, String farewell, List<String> users) {
        calls.add("leave " + user + " '" + farewell + "' " + users);
    }

    @Override
    public void onError(ErrorCode code, String reason) {
        calls.add("error " + code.wireName());
    }

    @Override
    public void onDisconnect(CloseReason reason, boolean willReconnect) {
        calls.add("disconnect " + reason.getCloseCode().getCode() + (willReconnect ? " reconnecting" : ""));
    }

    @Override
    public void onReconnect() {
        calls.add("reconnect");
    }

    void expect(String call) {
        assertEquals(call, next());
    }

    String next() {
        try {
            String call = calls.poll(WsClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(call, "the listener heard nothing within " + WsClient.TIMEOUT);
            return call;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
