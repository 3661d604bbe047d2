package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.chat.protocol.ProtocolException;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Position;
import dev.parley.chat.protocol.v2.Request;
import dev.parley.chat.protocol.v2.V2Json;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Resume and exactly-once against real failures: TCP connections cut without a close frame (a reset, as a
 * dying network gives) while the room is busy, and a send whose connection dies before its ack.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ResumeIT {

    private static final int SENDERS = 10;
    private static final int EACH = 1_000;
    private static final int CUTS = 20;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    private URI chat() {
        return Deployments.ws(base, "chat");
    }

    @Test
    void aReceiverCutOffAgainAndAgainEndsWithEveryMessageOnceInOrder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        List<V2User> senders = new ArrayList<>();
        try {
            for (int i = 0; i < SENDERS; i++) {
                V2User sender = V2User.hello(chat(), "fire-s" + i);
                sender.join("fire");
                senders.add(sender);
            }
            RawWebSocket receiver = RawWebSocket.openV2(chat());
            List<String> texts = new ArrayList<>(); // index = seq - 1
            Position last = joinAs(receiver, "fire-rx-0", Optional.empty(), texts);

            List<Future<?>> sending = new ArrayList<>();
            for (int i = 0; i < SENDERS; i++) {
                V2User sender = senders.get(i);
                int s = i;
                sending.add(pool.submit(() -> {
                    for (int n = 0; n < EACH; n++) {
                        sender.say("fire", s + ":" + n, "fire-" + s + "-" + n);
                        if (n % 20 == 19) {
                            sleep(100); // about 200 messages a second: under the rate limit, and long enough for the cuts
                        }
                    }
                }));
            }
            for (int cut = 1; cut <= CUTS; cut++) {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextInt(20, 200));
                while (System.nanoTime() < until && texts.size() < SENDERS * EACH) {
                    take(receiver, texts);
                }
                receiver.cut();
                receiver = RawWebSocket.openV2(chat());
                last = new Position(last.epoch(), texts.size());
                Position resumedAt = joinAs(receiver, "fire-rx-" + cut, Optional.of(last), texts);
                assertEquals(last.epoch(), resumedAt.epoch(), "one epoch throughout");
            }
            for (Future<?> sent : sending) {
                sent.get(2, TimeUnit.MINUTES);
            }
            while (texts.size() < SENDERS * EACH) {
                take(receiver, texts);
            }
            receiver.close();

            int[] next = new int[SENDERS];
            for (String text : texts) {
                String[] parts = text.split(":");
                int s = Integer.parseInt(parts[0]);
                assertEquals(next[s], Integer.parseInt(parts[1]), "sender " + s + "'s order");
                next[s]++;
            }
            for (int s = 0; s < SENDERS; s++) {
                assertEquals(EACH, next[s], "messages of sender " + s);
            }
        } finally {
            senders.forEach(V2User::close);
            pool.shutdownNow();
        }
    }

    @Test
    void aSendWhoseConnectionDiedBeforeItsAckIsStoredOnceWhenRetried() throws Exception {
        try (V2User watcher = V2User.hello(chat(), "lost-watcher")) {
            watcher.join("lost");
            RawWebSocket first = RawWebSocket.openV2(chat());
            joinAs(first, "lost-sender", Optional.empty(), new ArrayList<>());
            first.sendText(V2Json.write(new Request.SendToRoom("lost", "only once", "lost-1", Optional.empty())));
            Event.Message stored = watcher.nextIgnoringPresence(Event.Message.class);
            assertEquals(Optional.of("lost-1"), stored.cid());
            first.cut(); // stored, but the sender dies without reading its ack

            try (V2User again = V2User.helloWhenFree(chat(), "lost-sender")) {
                again.join("lost");
                again.nextIgnoringPresence(Event.Message.class); // the recent conversation: the first send
                again.say("lost", "only once", "lost-1");
                Event.Ack ack = again.nextIgnoringPresence(Event.Ack.class);
                assertEquals(stored.seq(), ack.seq(), "the retry's ack repeats the first send's seq");
                assertTrue(ack.dup(), "the retry is a duplicate");

                watcher.say("lost", "marker", "lost-marker");
                Event.Message next = watcher.nextIgnoringPresence(Event.Message.class);
                assertEquals(Optional.of("lost-marker"), next.cid(), "the room holds the message once");
                assertEquals(stored.seq() + 1, next.seq());
            }
        }
    }

    /**
     * Says hello and joins "fire" (or any room the socket's test uses) resuming after {@code since}, and takes
     * the replay into {@code texts}; returns where the room stood.
     */
    private static Position joinAs(RawWebSocket socket, String name, Optional<Position> since, List<String> texts)
            throws IOException {
        socket.sendText(V2Json.write(new Request.Hello(name, Optional.empty(), Optional.empty())));
        event(socket, Event.Welcome.class);
        String room = name.startsWith("lost") ? "lost" : "fire";
        socket.sendText(V2Json.write(new Request.Join(room, since, Optional.empty())));
        Event.Joined joined = event(socket, Event.Joined.class);
        since.ifPresent(position -> assertTrue(joined.position().recovered(), "resumed after " + position + ": " + joined));
        for (int i = 0; i < joined.position().missed(); i++) {
            take(socket, texts);
        }
        return new Position(joined.position().epoch(), joined.position().seq());
    }

    /** Takes the next room message, which must be the next seq: no gap, no duplicate. */
    private static void take(RawWebSocket socket, List<String> texts) throws IOException {
        Event.Message message = event(socket, Event.Message.class);
        assertEquals(texts.size() + 1, message.seq(), "seq after " + texts.size());
        texts.add(message.text());
    }

    /** The next event of {@code type}, presence skipped; the socket's read timeout fails a wait. */
    private static <T extends Event> T event(RawWebSocket socket, Class<T> type) throws IOException {
        while (true) {
            RawWebSocket.Frame frame = socket.read();
            if (frame.opcode() != RawWebSocket.TEXT) {
                fail("expected a text frame, got opcode " + frame.opcode());
            }
            Event event;
            try {
                event = V2Json.readEvent(frame.text());
            } catch (ProtocolException e) {
                throw new AssertionError("not a v2 event: " + frame.text(), e);
            }
            if (type.isInstance(event)) {
                return type.cast(event);
            }
            if (!(event instanceof Event.Presence || event instanceof Event.PresenceCount)) {
                fail("expected " + type.getSimpleName() + ", got " + event);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
