package dev.parley.chat;

import static dev.parley.chat.ChatTestKit.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.ClusterKit.Client;
import dev.parley.chat.ClusterKit.Node;
import dev.parley.chat.bus.redis.RedisProcess;
import dev.parley.security.AuthSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat engine as a cluster: several nodes in one JVM, each a {@link Chat} on its own Redis bus, on a
 * real Redis. What one node's client does, the others' clients hear; a node that dies has its members
 * evicted by the others.
 */
class ClusterChatTest {

    private static final Duration TTL = Duration.ofSeconds(2);
    private static RedisProcess redis;
    private static final AtomicInteger ROOMS = new AtomicInteger();

    private final ClusterKit kit = new ClusterKit();
    private final String room = "room" + ROOMS.incrementAndGet();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @AfterEach
    void stopNodes() {
        kit.close();
    }

    private Node node(String id) {
        return node(id, redis, TTL);
    }

    private Node node(String id, RedisProcess on, Duration ttl) {
        return kit.node(id, on.uri(), ttl, Duration.ofSeconds(5));
    }

    @Test
    void theTutorialsChatSpansNodes() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Client alice = a.connect(Protocol.V1);
        alice.says("{'type':'register','uuid':'alice','content':'hi'}");
        alice.awaits("{'type':'login','uuid':'alice','content':'hi','user_list':['alice']}");
        Client bob = b.connect(Protocol.V1);
        bob.says("{'type':'register','uuid':'bob','content':'hey'}");
        String login = "{'type':'login','uuid':'bob','content':'hey','user_list':['alice','bob']}";
        bob.awaits(login);
        alice.awaits(login);

        alice.says("{'type':'send','content':'over there?'}");
        bob.awaits("{'type':'user','content':'over there?','from':'alice'}");
        bob.says("{'type':'send','content':'psst','to':'alice'}");
        alice.awaits("'content':'psst'");

        Client impostor = b.connect(Protocol.V1);
        impostor.says("{'type':'register','uuid':'alice','content':''}");
        impostor.awaits("'code':'uuid_taken'");
        impostor.says("{'type':'send','content':'x','to':'nobody'}");
        impostor.awaits("'code':'not_registered'");

        bob.says("{'type':'unregister','uuid':'bob','content':'bye'}");
        alice.awaits("{'type':'logout','uuid':'bob','content':'bye','user_list':['alice']}");
        long deadline = System.nanoTime() + ClusterKit.WITHIN.toNanos(); // bob's name is freed right after his leave is told
        List<String> names = a.chat.names().list().toCompletableFuture().get(5, TimeUnit.SECONDS);
        while (!names.equals(List.of("alice")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            names = a.chat.names().list().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        assertEquals(List.of("alice"), names);
    }

    @Test
    void roomsSpanNodesWithOneNumbering() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Client alice = a.connect(Protocol.V2);
        alice.says("{'type':'hello','user':'alice2'}");
        alice.awaits("'type':'welcome'");
        alice.says("{'type':'join','room':'" + room + "'}");
        alice.awaits("'type':'joined'");
        alice.says("{'type':'send','room':'" + room + "','text':'first','cid':'c1'}");
        alice.awaits("'type':'ack'");

        Client bob = b.connect(Protocol.V2);
        bob.says("{'type':'hello','user':'bob2'}");
        bob.says("{'type':'join','room':'" + room + "'}"); // waits its turn behind the hello's claim
        String joined = bob.awaits("'type':'joined'");
        assertTrue(joined.contains(json("'members':['alice2','bob2']")), joined);
        bob.awaits("'text':'first'"); // the on-join replay, from Redis
        alice.awaits("'joined':['bob2']");

        bob.says("{'type':'send','room':'" + room + "','text':'second','cid':'c1'}");
        String ack = bob.awaits("'type':'ack'");
        assertTrue(ack.contains("\"seq\":2"), ack);
        String heard = alice.awaits("'text':'second'");
        assertTrue(heard.contains("\"seq\":2"), heard);
        bob.says("{'type':'send','room':'" + room + "','text':'second','cid':'c1'}");
        assertTrue(bob.awaits("'type':'ack'").contains("\"dup\":true"));

        alice.says("{'type':'send','to':'bob2','text':'whisper','cid':'p1'}");
        bob.awaits("'text':'whisper'");
        alice.says("{'type':'send','to':'nobody','text':'x','cid':'p2'}");
        alice.awaits("'code':'no_such_user'");
    }

    /**
     * Issue #13: a user's second device joins a room from a node where nobody else is in it yet. That node
     * learns the user is listed from the room's state, not from a join (none is told for a second device):
     * its joined must not wait for one.
     */
    @Test
    void aSecondDeviceJoinsFromANodeNewToTheRoomAtOnce() throws Exception {
        AuthSettings logins = new AuthSettings(AuthSettings.Mode.CONTAINER, Optional.empty(), Duration.ofSeconds(10),
                Duration.ofSeconds(30), false, 10);
        try (ClusterKit logged = new ClusterKit(ChatTestKit.settings().auth(logins).build())) {
            Node a = logged.node("a", redis.uri(), TTL, Duration.ofSeconds(5));
            Node b = logged.node("b", redis.uri(), TTL, Duration.ofSeconds(5));
            Client phone = a.connect(Protocol.V2, Optional.of("uma"));
            phone.says("{'type':'hello'}");
            phone.awaits("'type':'welcome'");
            phone.says("{'type':'join','room':'" + room + "'}");
            phone.awaits("'type':'joined'");
            Client laptop = b.connect(Protocol.V2, Optional.of("uma"));
            laptop.says("{'type':'hello'}");
            laptop.awaits("'type':'welcome'");
            long asked = System.nanoTime();
            laptop.says("{'type':'join','room':'" + room + "'}");
            String joined = laptop.awaits("'type':'joined'");
            long tookMillis = (System.nanoTime() - asked) / 1_000_000;
            // a join that waited for a join to be told would take the 5 s fallback; it takes milliseconds
            assertTrue(tookMillis < 4000, "joined after " + tookMillis + " ms");
            assertTrue(joined.contains(json("'members':['uma']")), joined);
            phone.says("{'type':'send','room':'" + room + "','text':'from the phone','cid':'c1'}");
            laptop.awaits("'text':'from the phone'");
            assertEquals(0, phone.arrivals("uma") + laptop.arrivals("uma"), "no presence for a second device");
        }
    }

    @Test
    void aDeadNodesMembersAreEvictedOnceAndItsNamesFreed() throws Exception {
        Node a = node("a");
        Node doomed = node("doomed");
        Client watcher = a.connect(Protocol.V2);
        watcher.says("{'type':'hello','user':'watcher'}");
        watcher.says("{'type':'join','room':'" + room + "'}");
        watcher.awaits("'type':'joined'");
        Client v1 = a.connect(Protocol.V1);
        v1.says("{'type':'register','uuid':'v1watcher','content':''}");
        v1.awaits("'uuid':'v1watcher'");
        for (String user : List.of("carol", "dave")) {
            Client c = doomed.connect(Protocol.V2);
            c.says("{'type':'hello','user':'" + user + "'}");
            c.says("{'type':'join','room':'" + room + "'}");
            c.awaits("'type':'joined'");
        }
        Client erin = doomed.connect(Protocol.V1);
        erin.says("{'type':'register','uuid':'erin','content':''}");
        v1.awaits("'uuid':'erin'");

        doomed.bus.close(); // dies: no goodbye, its lease runs out
        long died = System.nanoTime();
        v1.awaits("{'type':'logout','uuid':'erin'");
        watcher.awaits(frame -> frame.contains("dave") && frame.contains("\"left\""), "dave's leave");
        long took = (System.nanoTime() - died) / 1_000_000;
        assertTrue(took < TTL.toMillis() + 5000 + 5000, "evicted after " + took + " ms");
        Thread.sleep(TTL.toMillis() * 2); // several reaper rounds of the live node
        assertEquals(1, v1.count("'type':'logout','uuid':'erin'"), "each leave once");
        assertEquals(1, watcher.count("carol") - 1, "carol joined and left, once each: " + watcher.seen);

        Client again = a.connect(Protocol.V2);
        again.says("{'type':'hello','user':'carol'}");
        again.awaits("'type':'welcome'");
        assertEquals(0, a.lapses.get());
    }

    @Test
    void aNodeWhoseLeaseIsGoneLapsesAndComesBackUnderANewOne() throws Exception {
        Node a = node("lapsing");
        Object leases = redis.command("ZRANGE", "parley:{nodes}:leases", "0", "-1");
        assertTrue(leases.toString().contains("lapsing."), leases.toString());
        redis.command("DEL", "parley:{nodes}:leases"); // as if Redis came back empty
        long deadline = System.nanoTime() + ClusterKit.WITHIN.toNanos();
        while (a.lapses.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, a.lapses.get());
        while (!a.bus.isLive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(a.bus.isLive(), "back under a new lease");
    }

    @Test
    void aRedisRestartedWithAofLosesNoAcknowledgedMessageAndLeavesNoNodeDeaf() throws Exception {
        try (RedisProcess durable = RedisProcess.start(true)) {
            Duration ttl = Duration.ofSeconds(8); // a restart must not outlast the leases
            Node a = node("a", durable, ttl);
            Node b = node("b", durable, ttl);
            Client alice = a.connect(Protocol.V2);
            alice.says("{'type':'hello','user':'alice'}");
            alice.says("{'type':'join','room':'" + room + "'}");
            alice.awaits("'type':'joined'");
            Client bob = b.connect(Protocol.V2);
            bob.says("{'type':'hello','user':'bob'}");
            bob.says("{'type':'join','room':'" + room + "'}");
            bob.awaits("'type':'joined'");

            int total = 60;
            int retries = 0;
            for (int i = 1; i <= total; i++) {
                if (i == total / 2) {
                    durable.restart(Duration.ofMillis(500));
                }
                String cid = "\"cid\":\"c" + i + "\"";
                while (true) { // as a client does: the same cid again until it is acked
                    alice.says("{'type':'send','room':'" + room + "','text':'m" + i + "','cid':'c" + i + "'}");
                    String answer = alice.awaits(f -> f.contains(cid) && !f.contains("\"type\":\"message\""),
                            "the answer to c" + i);
                    if (answer.contains("\"type\":\"ack\"")) {
                        break;
                    }
                    assertTrue(answer.contains("unavailable"), answer);
                    retries++;
                    Thread.sleep(200);
                }
            }
            bob.awaits("'text':'m" + total + "'");
            List<String> texts = new ArrayList<>();
            List<Long> seqs = new ArrayList<>();
            for (String frame : bob.seen) {
                if (frame.contains("\"type\":\"message\"")) {
                    texts.add(frame.replaceAll(".*\"text\":\"([^\"]*)\".*", "$1"));
                    seqs.add(Long.parseLong(frame.replaceAll(".*\"seq\":(\\d+).*", "$1")));
                }
            }
            List<String> expected = new ArrayList<>();
            List<Long> expectedSeqs = new ArrayList<>();
            for (int i = 1; i <= total; i++) {
                expected.add("m" + i);
                expectedSeqs.add((long) i);
            }
            assertEquals(expected, texts, "every acked message, once, in order (" + retries + " retries)");
            assertEquals(expectedSeqs, seqs, "one numbering with no hole");
            assertEquals(0, a.lapses.get() + b.lapses.get(), "the leases outlived the restart");
        }
    }

    @Test
    void aRedisThatComesBackEmptyMakesEveryNodeLapse() throws Exception {
        try (RedisProcess forgetful = RedisProcess.start(false)) {
            Node a = node("a", forgetful, TTL);
            Node b = node("b", forgetful, TTL);
            forgetful.restart(Duration.ZERO);
            long deadline = System.nanoTime() + ClusterKit.WITHIN.toNanos();
            while ((a.lapses.get() == 0 || b.lapses.get() == 0) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, a.lapses.get(), "a's lease is gone: it must close its clients");
            assertEquals(1, b.lapses.get());
            while ((!a.bus.isLive() || !b.bus.isLive()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(a.bus.isLive() && b.bus.isLive(), "both back under new leases");
        }
    }
}
