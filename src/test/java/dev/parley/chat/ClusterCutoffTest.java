package dev.parley.chat;

import static dev.parley.chat.ClusterKit.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.ClusterKit.Client;
import dev.parley.chat.ClusterKit.Node;
import dev.parley.chat.bus.redis.RedisProcess;
import dev.parley.chat.bus.redis.TcpProxy;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One node of three cut off from Redis while it keeps running (issue #12): node c reaches Redis through a
 * {@link TcpProxy}, a and b directly. c's clients are answered {@code unavailable} in time, c lapses
 * once its lease's TTL has passed and closes them, a and b evict its members once, its clients take
 * their names and rooms again on a, and when Redis is back c serves under a new lease without
 * re-announcing anyone.
 */
class ClusterCutoffTest {

    private static final Duration TTL = Duration.ofSeconds(2);
    /** The cut-off node's Redis timeout: the longest its clients wait for an answer. */
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    /** The healthy nodes': more lenient on a busy machine; their reapers wait as long past a lease's expiry. */
    private static final Duration HEALTHY_TIMEOUT = Duration.ofSeconds(1);
    /** What a busy test machine may add to a deadline. */
    private static final Duration SLACK = Duration.ofSeconds(1);
    private static final AtomicInteger ROOMS = new AtomicInteger();
    private static RedisProcess redis;

    private final ClusterKit kit = new ClusterKit();
    private final String room = "cutoff" + ROOMS.incrementAndGet();
    private TcpProxy proxy;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @BeforeEach
    void startProxy() throws Exception {
        proxy = TcpProxy.to(redis);
    }

    @AfterEach
    void stopNodes() throws Exception {
        kit.close();
        proxy.close();
        redis.command("FLUSHALL"); // names and leases are cluster-wide: the next test starts clean
    }

    /** How c is cut off. */
    private enum Cut {
        /** Silence: its connections stay open and nothing comes back, as behind a SIGSTOP'd proxy. */
        BLACKHOLE,
        /** Its connections are reset and new ones refused, as when the proxy died. */
        RESET
    }

    @Test
    void aNodeCutOffSilentlyLapsesOnceItsMembersLeaveOnceAndItComesBackUnderANewLease() throws Exception {
        cutOffAndHeal(Cut.BLACKHOLE);
    }

    @Test
    void aNodeWhoseRedisConnectionsAreResetLapsesOnceItsMembersLeaveOnceAndItComesBack() throws Exception {
        cutOffAndHeal(Cut.RESET);
    }

    private void cutOffAndHeal(Cut cut) throws Exception {
        Node a = kit.node("a", redis.uri(), TTL, HEALTHY_TIMEOUT);
        Node b = kit.node("b", redis.uri(), TTL, HEALTHY_TIMEOUT);
        Node c = kit.node("c", proxy.redisUri(), TTL, TIMEOUT);
        await(() -> a.bus.isLive() && b.bus.isLive() && c.bus.isLive(), "three live nodes");

        Client ann = joined(v2(a, "ann"));
        Client bea = joined(v2(b, "bea"));
        Client al = v1(a, "al");
        Client bo = v1(b, "bo");
        Client cal = joined(v2(c, "cal"));
        Client cy = joined(v2(c, "cy"));
        Client cleo = v1(c, "cleo");
        List<Client> roomWatchers = List.of(ann, bea);
        List<Client> lobbyWatchers = List.of(al, bo);
        await(() -> roomWatchers.stream().allMatch(w -> w.arrivals("cal") == 1 && w.arrivals("cy") == 1)
                && lobbyWatchers.stream().allMatch(w -> w.arrivals("cleo") == 1), "c's members heard on a and b");

        // acknowledged before the cut; cal's cursor is the last message it heard
        assertEquals("ack", type(sends(cal, "m1", "c1")));
        assertEquals("ack", type(sends(bea, "m2", "b1")));
        JsonObject cursor = Client.parse(cal.awaits(message("m2"), "m2 on c"));

        long cutAt = System.nanoTime();
        if (cut == Cut.BLACKHOLE) {
            proxy.blackhole();
        } else {
            proxy.cut();
        }

        // c answers every request in time, and says it was not done
        long asked = System.nanoTime();
        JsonObject refused = Client.parse(sends(cal, "lost", "c2"));
        long answeredIn = millisSince(asked);
        assertEquals("error", refused.getString("type"), refused.toString());
        assertEquals("unavailable", refused.getString("code"));
        assertTrue(answeredIn <= TIMEOUT.plus(SLACK).toMillis(), "answered after " + answeredIn + " ms");
        asked = System.nanoTime();
        cleo.says("{'type':'send','content':'lost too'}");
        cleo.awaits("'code':'unavailable'");
        answeredIn = millisSince(asked);
        assertTrue(answeredIn <= TIMEOUT.plus(SLACK).toMillis(), "v1 answered after " + answeredIn + " ms");

        // the chat goes on without c
        assertEquals("ack", type(sends(ann, "during1", "a1")));
        assertEquals("ack", type(sends(bea, "during2", "b2")));

        // c lapses once its lease's TTL has passed since its last renewal (up to a renewal period before the cut)
        await(() -> c.lapses.get() > 0, "c's lapse");
        long lapsedAfter = millisSince(cutAt);
        long period = TTL.toMillis() / 3;
        assertTrue(lapsedAfter >= TTL.toMillis() - period - 50, "c lapsed too early, " + lapsedAfter + " ms after the cut");
        assertTrue(lapsedAfter <= TTL.toMillis() + period + SLACK.toMillis(), "c lapsed " + lapsedAfter + " ms after the cut");
        for (Client client : List.of(cal, cy, cleo)) {
            assertEquals(1, client.closedByNode.get(), "each of c's clients closed (1012) once");
        }

        // a and b evict c's members, each leave told once everywhere
        await(() -> roomWatchers.stream().allMatch(w -> w.departures("cal") == 1 && w.departures("cy") == 1)
                && lobbyWatchers.stream().allMatch(w -> w.departures("cleo") == 1), "c's members leaving on a and b");
        long evictedAfter = millisSince(cutAt);
        assertTrue(evictedAfter <= TTL.plusSeconds(5).toMillis(), "evicted " + evictedAfter + " ms after the cut");

        // their names are free: cal takes his on a and resumes the room from his cursor
        await(() -> !held(a, "cal") && !held(a, "cy") && !held(a, "cleo"), "c's names freed");
        Client cal2 = v2(a, "cal");
        String inboxEpoch = cal2.heard().stream().map(Client::parse)
                .filter(e -> "welcome".equals(e.getString("type"))).findFirst().orElseThrow()
                .getJsonObject("inbox").getString("epoch");
        cal2.says("{'type':'join','room':'" + room + "','since':{'epoch':'" + cursor.getString("epoch") + "','seq':"
                + cursor.getJsonNumber("seq").longValue() + "}}");
        JsonObject resumed = Client.parse(cal2.awaits("'type':'joined'"));
        assertTrue(resumed.getBoolean("recovered"), resumed.toString());
        cal2.awaits(message("during2"), "the replay");
        long from = cursor.getJsonNumber("seq").longValue();
        assertEquals(List.of((from + 1) + ":during1", (from + 2) + ":during2"), messages(cal2),
                "what was sent after the cursor, once each: no gap, nothing before it again");
        // the client retries what c could not do, with the same cid
        assertEquals("ack", type(sends(cal2, "lost", "c2")));
        v1(a, "cleo");
        ann.says("{'type':'send','to':'cal','text':'psst','cid':'w1'}");
        assertEquals(1, Client.parse(cal2.awaits(message("psst"), "the whisper")).getJsonNumber("seq").intValue());

        proxy.heal();
        await(c.bus::isLive, "c back in the cluster");
        assertEquals(1, c.lapses.get(), "one lapse");

        // c serves again: its new members are heard everywhere, and what its old ones did lands nowhere
        Client cora = joined(v2(c, "cora"));
        Client cole = v1(c, "cole");
        await(() -> roomWatchers.stream().allMatch(w -> w.arrivals("cora") == 1)
                && lobbyWatchers.stream().allMatch(w -> w.arrivals("cole") == 1), "c's new members heard on a and b");
        assertEquals("ack", type(sends(ann, "after", "a2")));
        cora.awaits(message("after"), "a message on c after it came back");
        Thread.sleep(TTL.toMillis()); // reapers go on evicting c's old lease meanwhile: nothing must come of it
        for (Client watcher : roomWatchers) {
            assertEquals(2, watcher.arrivals("cal"), "cal joined on c, then on a: " + watcher.seen);
            assertEquals(1, watcher.departures("cal"), "cal left once: " + watcher.seen);
            assertEquals(1, watcher.arrivals("cy"), watcher.seen.toString());
            assertEquals(1, watcher.departures("cy"), watcher.seen.toString());
            assertEquals(0, watcher.departures("cora"), watcher.seen.toString());
        }
        for (Client watcher : lobbyWatchers) {
            assertEquals(2, watcher.arrivals("cleo"), "cleo registered on c, then on a: " + watcher.seen);
            assertEquals(1, watcher.departures("cleo"), watcher.seen.toString());
            assertEquals(0, watcher.departures("cole"), watcher.seen.toString());
        }
        for (Client member : List.of(ann, bea, cal2, cora)) {
            assertEquals(1, member.heard().stream().filter(message("lost")).count(), "'lost' stored once: " + member.seen);
        }
        assertTrue(held(a, "cal") && held(a, "cleo") && !held(a, "cy"), "only what a holds is held");
        // c hears only what its members do now: not its old members' inboxes
        assertEquals(0, subscribers("parley:{i:cy}:events"), "nobody hears cy's inbox");
        assertEquals(1, subscribers("parley:{i:cal}:events"), "a alone hears cal's inbox");
        assertEquals(1, subscribers("parley:{i:cleo}:events"), "a alone hears cleo's inbox");
        ann.says("{'type':'send','to':'cal','text':'still there?','cid':'w2'}");
        JsonObject whisper = Client.parse(cal2.awaits(message("still there?"), "the second whisper"));
        assertEquals(inboxEpoch, whisper.getString("epoch"), "cal's inbox is the one he opened on a: " + cal2.seen);
        assertEquals(2, whisper.getJsonNumber("seq").intValue());
    }

    private Client joined(Client client) throws InterruptedException {
        client.says("{'type':'join','room':'" + room + "'}");
        client.awaits("'type':'joined'");
        return client;
    }

    private static Client v2(Node node, String user) throws InterruptedException {
        Client client = node.connect(Protocol.V2);
        client.says("{'type':'hello','user':'" + user + "'}");
        client.awaits("'type':'welcome'");
        return client;
    }

    private static Client v1(Node node, String user) throws InterruptedException {
        Client client = node.connect(Protocol.V1);
        client.says("{'type':'register','uuid':'" + user + "','content':''}");
        client.awaits("{'type':'login','uuid':'" + user + "'");
        return client;
    }

    /** Sends to the room, or privately, and returns the answer: an ack or an error, with the cid. */
    private String sends(Client client, String text, String cid) throws InterruptedException {
        client.says("{'type':'send','room':'" + room + "','text':'" + text + "','cid':'" + cid + "'}");
        String tagged = "\"cid\":\"" + cid + "\"";
        return client.awaits(frame -> frame.contains(tagged) && !frame.contains("\"type\":\"message\""),
                "the answer to " + cid);
    }

    private static Predicate<String> message(String text) {
        return frame -> {
            JsonObject event = Client.parse(frame);
            return "message".equals(event.getString("type", "")) && text.equals(event.getString("text", null));
        };
    }

    /** The room messages a client heard, as seq:text. */
    private List<String> messages(Client client) {
        return client.heard().stream().map(Client::parse)
                .filter(e -> "message".equals(e.getString("type")) && room.equals(e.getString("room", null)))
                .map(e -> e.getJsonNumber("seq").longValue() + ":" + e.getString("text")).toList();
    }

    private static String type(String frame) {
        return Client.parse(frame).getString("type");
    }

    private static boolean held(Node node, String name) {
        try {
            return node.chat.names().isHeld(name).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not ask " + node.id + " about " + name, e);
        }
    }

    /** How many nodes subscribe to a sharded channel. */
    private static long subscribers(String channel) throws Exception {
        return (Long) ((List<?>) redis.command("PUBSUB", "SHARDNUMSUB", channel)).get(1);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
