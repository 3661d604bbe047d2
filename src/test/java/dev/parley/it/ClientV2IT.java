package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.chat.bus.redis.TcpProxy;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.client.ChatOptions;
import dev.parley.client.v2.ChatEvents;
import dev.parley.client.v2.Identity;
import dev.parley.client.v2.ParleyChat;
import dev.parley.client.v2.Room;
import dev.parley.client.v2.RoomListener;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #14, the client library on {@code parley.v2} (Tyrus standalone, outside any server): rooms, private
 * messages and acknowledged sends; sends in flight while the TCP connection is cut complete once each and
 * are stored once; a member cut off resumes with no gap and no duplicate.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClientV2IT {

    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final AtomicInteger ROOMS = new AtomicInteger();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    private URI chat() {
        return Deployments.ws(base, "chat");
    }

    /** The chat endpoint through {@code proxy}, which a test cuts. */
    private URI through(TcpProxy proxy) {
        URI direct = chat();
        return URI.create("ws://127.0.0.1:" + proxy.port() + direct.getRawPath());
    }

    private TcpProxy proxy() throws Exception {
        URI direct = chat();
        return TcpProxy.to(direct.getHost(), direct.getPort());
    }

    private static ChatOptions fast() {
        return ChatOptions.defaults().withBackoff(Duration.ofMillis(50), Duration.ofMillis(400));
    }

    private static String room() {
        return "lib2-" + ROOMS.incrementAndGet() + "-" + System.nanoTime();
    }

    /** What a room's listener heard: its messages' texts and seqs, and its joins' recoveries. */
    static final class Heard implements RoomListener {
        final List<String> texts = new ArrayList<>();
        final List<Long> seqs = new ArrayList<>();
        final List<Boolean> recoveries = new ArrayList<>();
        final List<String> presence = new ArrayList<>();

        @Override
        public synchronized void onMessage(Room room, Event.Message message) {
            texts.add(message.text());
            seqs.add(message.seq());
            notifyAll();
        }

        @Override
        public synchronized void onJoined(Room room, boolean recovered, int missed) {
            recoveries.add(recovered);
            notifyAll();
        }

        @Override
        public synchronized void onPresence(Room room, List<String> joined, List<String> left) {
            joined.forEach(user -> presence.add("+" + user));
            left.forEach(user -> presence.add("-" + user));
            notifyAll();
        }

        synchronized void awaitMessages(int count) throws InterruptedException {
            long deadline = System.nanoTime() + WITHIN.toNanos();
            while (texts.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("heard " + texts.size() + " of " + count + " messages: " + texts);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        synchronized List<String> texts() {
            return List.copyOf(texts);
        }

        synchronized List<Long> seqs() {
            return List.copyOf(seqs);
        }

        synchronized List<Boolean> recoveries() {
            return List.copyOf(recoveries);
        }
    }

    /** Private messages heard. */
    static final class Inbox implements ChatEvents {
        final List<String> texts = new ArrayList<>();

        @Override
        public synchronized void onPrivateMessage(Event.Message message) {
            texts.add(message.from() + "->" + message.to().orElse("?") + ": " + message.text());
            notifyAll();
        }

        synchronized void await(String text) throws InterruptedException {
            long deadline = System.nanoTime() + WITHIN.toNanos();
            while (!texts.contains(text)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("no '" + text + "' in " + texts);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    private static <T> T done(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void roomsPrivateMessagesAndAcks() throws Exception {
        String name = room();
        Heard aliceHears = new Heard();
        Heard bobHears = new Heard();
        Inbox bobsInbox = new Inbox();
        try (ParleyChat alice = ParleyChat.connect(chat(), Identity.user("lib2-alice"), new ChatEvents() { }, fast());
                ParleyChat bob = ParleyChat.connect(chat(), Identity.user("lib2-bob"), bobsInbox, fast())) {
            assertEquals("lib2-alice", alice.user());
            Room aliceIn = alice.join(name, aliceHears);
            Room bobIn = bob.join(name, bobHears);
            assertEquals(List.of("lib2-alice", "lib2-bob"), bobIn.members());

            assertEquals(1L, done(aliceIn.send("one")));
            assertEquals(2L, done(bobIn.send("two")));
            aliceHears.awaitMessages(2);
            bobHears.awaitMessages(2);
            assertEquals(List.of("one", "two"), aliceHears.texts());
            assertEquals(List.of("one", "two"), bobHears.texts());
            assertEquals(List.of("one", "two"), done(bobIn.history(OptionalLong.empty(), 10)).stream()
                    .map(Event.Message::text).toList());

            assertTrue(done(alice.sendTo("lib2-bob", "psst")) > 0, "acked with the seq in alice's inbox");
            bobsInbox.await("lib2-alice->lib2-bob: psst");

            done(bobIn.leave());
            assertEquals(3L, done(aliceIn.send("three")));
            aliceHears.awaitMessages(3);
            assertEquals(List.of("one", "two"), bobHears.texts(), "bob left: nothing more");
        }
    }

    @Test
    void sendsInFlightWhileTheConnectionIsCutCompleteOnceAndAreStoredOnce() throws Exception {
        String name = room();
        int sends = 60;
        Heard watcherHears = new Heard();
        Heard senderHears = new Heard();
        try (TcpProxy proxy = proxy();
                ParleyChat watcher = ParleyChat.connect(chat(), Identity.user("lib2-watcher"), new ChatEvents() { }, fast());
                ParleyChat sender = ParleyChat.connect(through(proxy), Identity.user("lib2-sender"), new ChatEvents() { },
                        fast())) {
            watcher.join(name, watcherHears);
            Room room = sender.join(name, senderHears);
            List<CompletableFuture<Long>> acks = new ArrayList<>();
            for (int i = 1; i <= sends; i++) {
                acks.add(room.send("m" + i).toCompletableFuture());
                if (i == sends / 3) {
                    proxy.cut(); // mid-stream: some stored and acked, some stored with the ack lost, some not sent
                }
            }
            proxy.heal();
            List<Long> seqs = new ArrayList<>();
            for (CompletableFuture<Long> ack : acks) {
                seqs.add(ack.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS));
            }
            assertEquals(IntStream.rangeClosed(1, sends).mapToObj(Long::valueOf).toList(), seqs,
                    "every send completes, once, with the seq of its one copy, in the order sent");
            watcherHears.awaitMessages(sends);
            senderHears.awaitMessages(sends);
            List<String> expected = IntStream.rangeClosed(1, sends).mapToObj(i -> "m" + i).toList();
            assertEquals(expected, watcherHears.texts(), "the room holds each message once, in order");
            assertEquals(expected, senderHears.texts(), "the sender too, across its reconnect");
            assertEquals(expected, done(room.history(OptionalLong.empty(), 100)).stream().map(Event.Message::text)
                    .toList());
        }
    }

    @Test
    void aMemberCutOffResumesWithNoGapAndNoDuplicate() throws Exception {
        String name = room();
        Heard readerHears = new Heard();
        try (TcpProxy proxy = proxy();
                ParleyChat writer = ParleyChat.connect(chat(), Identity.user("lib2-writer"), new ChatEvents() { }, fast());
                ParleyChat reader = ParleyChat.connect(through(proxy), Identity.user("lib2-reader"),
                        new ChatEvents() { }, fast())) {
            Room room = writer.join(name, new Heard());
            reader.join(name, readerHears);
            for (int i = 1; i <= 40; i++) {
                done(room.send("m" + i));
                if (i == 10) {
                    proxy.cut();
                }
                if (i == 30) {
                    proxy.heal();
                }
            }
            readerHears.awaitMessages(40);
            assertEquals(IntStream.rangeClosed(1, 40).mapToObj(i -> "m" + i).toList(), readerHears.texts());
            assertEquals(IntStream.rangeClosed(1, 40).mapToObj(Long::valueOf).toList(), readerHears.seqs());
            assertEquals(true, readerHears.recoveries().get(readerHears.recoveries().size() - 1),
                    "the rejoin recovered: " + readerHears.recoveries());
        }
    }
}
