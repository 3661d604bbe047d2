package dev.parley.client.v2;

import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.logging.Logger;

/**
 * The frames of one connection, written in the order given without blocking whoever gives them: Jakarta
 * WebSocket allows one send at a time per session, so each frame goes when the one before it has. A chat
 * may therefore queue frames while holding its lock, which is what keeps its order (rejoins before resends
 * before new sends). Once a write fails the connection is dying: the rest is dropped, and the chat's
 * reconnect sends again whatever was not acknowledged.
 */
final class Outgoing {

    private static final Logger LOG = Logger.getLogger(Outgoing.class.getName());
    private static final String KEY = Outgoing.class.getName();

    private final Session session;
    private final Queue<String> queued = new ArrayDeque<>();
    /** Whether a thread is draining the queue, or a write is in flight whose handler will. */
    private boolean writing;
    private boolean failed;

    private Outgoing(Session session) {
        this.session = session;
    }

    /** The one writer of {@code session}. */
    static Outgoing of(Session session) {
        synchronized (session) { // the container's map of user properties need not be a concurrent one
            return (Outgoing) session.getUserProperties().computeIfAbsent(KEY, key -> new Outgoing(session));
        }
    }

    void write(String frame) {
        synchronized (this) {
            if (failed) {
                return;
            }
            queued.add(frame);
            if (writing) {
                return;
            }
            writing = true;
        }
        drain();
    }

    /**
     * Run by whoever owns the writing: sends frame after frame until one completes later (its handler then
     * drains on) or none is left. A write that completed before its call returned goes on in this loop
     * instead of in its handler, so that a long queue never becomes a deep stack.
     */
    private void drain() {
        while (true) {
            String frame;
            synchronized (this) {
                frame = queued.poll();
                if (frame == null) {
                    writing = false;
                    return;
                }
            }
            Written written = new Written();
            try {
                session.getAsyncRemote().sendText(frame, written);
            } catch (RuntimeException closing) { // the container refuses writes to a session closing
                fail(closing);
                return;
            }
            SendResult result = written.returned();
            if (result == null) {
                return; // still in flight: its handler drains on
            }
            if (!result.isOK()) {
                fail(result.getException());
                return;
            }
        }
    }

    private void fail(Throwable why) {
        synchronized (this) {
            failed = true;
            queued.clear();
        }
        LOG.fine(() -> "write failed, the rest waits for the reconnect: " + why);
    }

    /** One write's completion, which goes on draining if it came after its call returned. */
    private final class Written implements SendHandler {
        private boolean returned;
        private SendResult result;

        @Override
        public void onResult(SendResult sent) {
            boolean drainHere;
            synchronized (Outgoing.this) {
                result = sent;
                drainHere = returned;
            }
            if (!drainHere) {
                return; // drain() sees it when the call returns
            }
            if (sent.isOK()) {
                drain();
            } else {
                fail(sent.getException());
            }
        }

        /** Its call returned: the result if it is in already (the caller goes on), else null (the handler will). */
        SendResult returned() {
            synchronized (Outgoing.this) {
                returned = true;
                return result;
            }
        }
    }
}
