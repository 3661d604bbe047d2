package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ServerEvent;
import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.Logout;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A cluster keeps its promises through real failures: Redis (with AOF) killed and restarted in the middle
 * of a burst, a node cut off from Redis, a node killed with SIGKILL in the middle of a burst. Every member ends with every acknowledged message once,
 * in seq order; the dead node's users are told gone everywhere once each, within the TTL plus 5 s, and its
 * clients resume on the other nodes through nginx.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailoverIT {

    private static final Duration TTL = Duration.ofSeconds(5);
    /** parley.redis.timeout-millis's default, which the nodes run with. */
    private static final long REDIS_TIMEOUT_MILLIS = 2_000;
    private static final int EACH = 400;
    /** Between one sender's sends: the burst lasts a few seconds, long enough to fail something in it. */
    private static final Duration PAUSE = Duration.ofMillis(5);

    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalCluster.start(Collections.nCopies(3, ParleyNode.Server.WILDFLY), TTL, true, 0, Map.of(),
                Set.of(3));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aRedisRestartedWithAofMidBurstLosesNoAcknowledgedMessageAndLeavesNoNodeDeaf() throws Exception {
        List<Follower> senders = new ArrayList<>();
        List<Follower> listeners = new ArrayList<>();
        try {
            for (int node = 1; node <= 3; node++) {
                listeners.add(Follower.join(cluster.chatOn(node), "restart-rx-" + node, "restart"));
                senders.add(Follower.join(cluster.chatOn(node), "restart-tx-" + node, "restart"));
            }
            long back;
            double[] catchUps = new double[3];
            double[] appends = new double[3];
            double[] heard = new double[3];
            for (int node = 1; node <= 3; node++) {
                String metrics = metricsOf(node);
                catchUps[node - 1] = catchUps(metrics);
                appends[node - 1] = MetricsIT.sample(metrics, APPENDS, ANSWERED_APPEND);
                heard[node - 1] = MetricsIT.sample(metrics, HEARD, "");
            }
            try (Burst burst = Burst.start(senders, listeners, EACH, PAUSE, cluster.ws("chat"))) {
                Thread.sleep(1_000);
                cluster.redis.restart(Duration.ofMillis(500));
                back = System.nanoTime();
                burst.await(Duration.ofMinutes(3));
            }
            for (Follower member : all(senders, listeners)) {
                member.assertHasAllInOrder(senders.size(), EACH);
                assertEquals(0, member.reconnects, member.name + " kept its connection: its node kept its lease");
                long carriedOn = member.firstMessageAfter(back) - back;
                assertTrue(carriedOn < TimeUnit.SECONDS.toNanos(5), member.name + " heard the chat again only "
                        + TimeUnit.NANOSECONDS.toMillis(carriedOn) + " ms after Redis was back");
                System.out.printf("Redis restart: %s heard the chat again %d ms after Redis was back%n", member.name,
                        TimeUnit.NANOSECONDS.toMillis(carriedOn));
            }
            // what the nodes counted (#13): each read the room again once pub/sub was back, sends were timed
            // in Redis, and what they heard on the channel had its lag measured
            for (int node = 1; node <= 3; node++) {
                String metrics = metricsOf(node);
                assertTrue(catchUps(metrics) > catchUps[node - 1], "node " + node + " counted its catch-up");
                assertTrue(MetricsIT.sample(metrics, APPENDS, ANSWERED_APPEND) > appends[node - 1],
                        "node " + node + " timed its sends");
                assertTrue(MetricsIT.sample(metrics, HEARD, "") > heard[node - 1],
                        "node " + node + " measured its pub/sub lag");
            }
        } finally {
            closeAll(all(senders, listeners));
        }
    }

    /**
     * Node 3 reaches Redis through a proxy that stops passing bytes (as a partition does): its requests fail
     * with {@code unavailable}, after the TTL it closes its clients with 1012, they resume on the other nodes,
     * which evict its members once; healed, it serves again under a new lease without telling anything twice.
     */
    @Test
    @Order(2)
    void aNodeCutOffFromRedisClosesItsClientsWith1012AndTheyResumeElsewhere() throws Exception {
        URI nginx = cluster.ws("chat");
        try (Follower one = Follower.join(cluster.chatOn(1), "cut-rx-1", "cut");
                Follower two = Follower.join(cluster.chatOn(2), "cut-rx-2", "cut");
                Follower victim = Follower.join(cluster.chatOn(3), "cut-v2", "cut");
                ChatUser watcher = ChatUser.connect(cluster.chatOn(1));
                ChatUser victimV1 = ChatUser.connect(cluster.chatOn(3))) {
            watcher.register("cut-watcher", "");
            watcher.expect(new Login("cut-watcher", "", List.of("cut-watcher")));
            victimV1.register("cut-v1", "");
            watcher.expect(new Login("cut-v1", "", List.of("cut-watcher", "cut-v1")));
            one.send("before", "cut-1", nginx);
            two.awaitMessages(1, nginx);
            victim.awaitMessages(1, nginx);
            assertEquals(200, ready(3).statusCode(), ready(3).body());

            cluster.proxyOf(3).blackhole();
            long cut = System.nanoTime();
            victim.send("during", "cut-2", nginx); // refused, closed with 1012, resumed elsewhere, sent there
            long refused = victim.errorArrivals.get(0) - cut;
            long closed = victim.closeArrivals.get(0) - cut;
            System.out.printf("cut off: first 'unavailable' after %d ms, closed with %s after %d ms (TTL %d ms)%n",
                    TimeUnit.NANOSECONDS.toMillis(refused), victim.closeCodes, TimeUnit.NANOSECONDS.toMillis(closed),
                    TTL.toMillis());
            assertTrue(victim.errors.stream().allMatch(e -> e.code() == ErrorCode.UNAVAILABLE), "" + victim.errors);
            assertTrue(refused < TimeUnit.MILLISECONDS.toNanos(REDIS_TIMEOUT_MILLIS + 1_500),
                    "'unavailable' within the Redis timeout, not a hang");
            assertEquals(1012, victim.closeCodes.get(0));
            assertTrue(closed >= TTL.toNanos() / 2 && closed < TTL.plusSeconds(3).toNanos(), "closed once the TTL passed");
            assertEquals(1, victim.reconnects);
            assertEquals(1012, victimV1.raw().awaitClose().getCloseCode().getCode());
            // out of the cluster, node 3 tells a load balancer's health check so; the others are ready
            HttpResponse<String> cutOff = ready(3);
            assertEquals(503, cutOff.statusCode(), cutOff.body());
            assertTrue(cutOff.body().contains("{\"name\":\"heartbeat\",\"status\":\"DOWN\"}"), cutOff.body());
            assertEquals(200, ready(1).statusCode(), ready(1).body());

            for (Follower other : List.of(one, two)) {
                other.awaitMessages(2, nginx);
                assertEquals(List.of("before", "during"), other.texts());
                assertEquals(1, other.leavesOf("cut-v2"), other.name + " was told once that cut-v2 left");
                assertTrue(other.leftAt("cut-v2") - cut < TTL.plusSeconds(5).toNanos(), "within TTL + 5 s");
            }
            watcher.expect(new Logout("cut-v1", "", List.of("cut-watcher")));

            cluster.proxyOf(3).heal();
            try (Follower back = awaitServing(cluster.chatOn(3), "cut-back", "cut")) {
                assertEquals(200, ready(3).statusCode(), "ready again: " + ready(3).body());
                one.send("after", "cut-3", nginx);
                back.awaitMessages(3, nginx);
                assertEquals(List.of("before", "during", "after"), back.texts());
                for (Follower member : List.of(one, two, victim)) {
                    member.awaitMessages(3, nginx);
                    assertEquals(List.of("before", "during", "after"), member.texts(), member.name);
                }
                for (Follower other : List.of(one, two)) {
                    assertEquals(1, other.leavesOf("cut-v2"), other.name + ": nothing told twice");
                    assertEquals(2, other.joinsOf("cut-v2"), other.name + ": cut-v2 joined, then again once, elsewhere");
                }
            }
            watcher.say("marker");
            assertEquals(new ServerEvent.UserMessage("marker", "cut-watcher", Optional.empty()), watcher.next(),
                    "the v1 user's leave was told once");
            watcher.unregister("cut-watcher", "");
            watcher.say("gone?");
            watcher.expectError(ErrorCode.NOT_REGISTERED); // the lobby is empty again for the next test
        }
    }

    /** Node {@code n}'s answer to {@code GET /api/health/ready}. */
    private static HttpResponse<String> ready(int n) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(cluster.nodes.get(n - 1).http("api/health/ready"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Joins on {@code node} once it serves again (a node out of the cluster closes new connections, 1012). */
    private static Follower awaitServing(URI node, String name, String room) throws Exception {
        long deadline = System.nanoTime() + TTL.plusSeconds(15).toNanos();
        while (true) {
            try {
                return Follower.join(node, name, room);
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("node 3 did not serve again after the cut healed", notYet);
                }
                Thread.sleep(200);
            }
        }
    }

    @Test
    @Order(3)
    void aNodeKilledMidBurstHasItsUsersLeaveOnceEverywhereAndItsClientsResumeElsewhere() throws Exception {
        List<Follower> senders = new ArrayList<>();
        List<Follower> listeners = new ArrayList<>();
        try (ChatUser watcher = ChatUser.connect(cluster.chatOn(1)); ChatUser doomedV1 = ChatUser.connect(cluster.chatOn(3))) {
            watcher.register("kill-watcher", "");
            watcher.expect(new Login("kill-watcher", "", List.of("kill-watcher")));
            doomedV1.register("kill-v1", "");
            watcher.expect(new Login("kill-v1", "", List.of("kill-watcher", "kill-v1")));
            for (int node = 1; node <= 3; node++) {
                listeners.add(Follower.join(cluster.chatOn(node), "kill-rx-" + node, "kill"));
                senders.add(Follower.join(cluster.chatOn(node), "kill-tx-" + node, "kill"));
            }
            long killed;
            double evictions = evictions();
            try (Burst burst = Burst.start(senders, listeners, EACH, PAUSE, cluster.ws("chat"))) {
                Thread.sleep(1_000);
                cluster.nodes.get(2).kill();
                killed = System.nanoTime();
                burst.await(Duration.ofMinutes(3));
            }
            List<String> doomed = List.of("kill-rx-3", "kill-tx-3");
            long limit = TTL.plusSeconds(5).toNanos();
            for (Follower member : all(senders, listeners)) {
                member.assertHasAllInOrder(senders.size(), EACH);
                if (doomed.contains(member.name)) {
                    assertTrue(member.reconnects > 0, member.name + " lost its node");
                    continue;
                }
                assertEquals(0, member.reconnects, member.name + " kept its connection");
                for (String gone : doomed) {
                    assertEquals(1, member.leavesOf(gone), member.name + " was told once that " + gone + " left");
                    long after = member.leftAt(gone) - killed;
                    assertTrue(after < limit, member.name + " was told that " + gone + " left "
                            + TimeUnit.NANOSECONDS.toMillis(after) + " ms after the kill");
                    System.out.printf("kill -9: %s was told that %s left %d ms after the kill (TTL %d ms)%n",
                            member.name, gone, TimeUnit.NANOSECONDS.toMillis(after), TTL.toMillis());
                }
            }
            watcher.expect(new Logout("kill-v1", "", List.of("kill-watcher")));
            watcher.say("after");
            assertEquals(new ServerEvent.UserMessage("after", "kill-watcher", Optional.empty()), watcher.next(),
                    "the v1 user's leave was told once");
            // node 3's three members (two in the room, one in v1's lobby), evicted once by one reaper or another;
            // a reaper counts after its script published the leaves, so the count may come a moment after them
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (evictions() - evictions < 3 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(3, evictions() - evictions, "members evicted, as counted by the survivors");
        } finally {
            closeAll(all(senders, listeners));
        }
    }

    private static final String APPENDS = "parley_redis_latency_seconds_count";
    private static final String ANSWERED_APPEND = "outcome=\"answered\",script=\"append\"";
    private static final String HEARD = "parley_pubsub_lag_seconds_count";

    private static String metricsOf(int node) throws Exception {
        return MetricsIT.scrape(cluster.nodes.get(node - 1).http("api/metrics"));
    }

    /** A node's catch-ups in its {@code metrics}, every cause together. */
    private static double catchUps(String metrics) {
        double sum = 0;
        for (String cause : new String[] {"gap", "epoch", "resubscribed"}) {
            sum += MetricsIT.sample(metrics, "parley_catchups_total", "cause=\"" + cause + "\"");
        }
        return sum;
    }

    /** Members evicted by nodes 1 and 2's reapers. */
    private static double evictions() throws Exception {
        return MetricsIT.sample(metricsOf(1), "parley_cluster_evictions_total", "cause=\"reaper\"")
                + MetricsIT.sample(metricsOf(2), "parley_cluster_evictions_total", "cause=\"reaper\"");
    }

    private static List<Follower> all(List<Follower> senders, List<Follower> listeners) {
        List<Follower> all = new ArrayList<>(senders);
        all.addAll(listeners);
        return all;
    }

    private static void closeAll(List<Follower> members) {
        for (Follower member : members) {
            try {
                member.close();
            } catch (Exception e) {
                // already gone with its node
            }
        }
    }
}
