package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.protocol.ServerEvent;
import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.Logout;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A cluster keeps its promises through real failures in the middle of a burst: Redis (with AOF) killed
 * and restarted, then a node killed with SIGKILL. Every member ends with every acknowledged message once,
 * in seq order; the dead node's users are told gone everywhere once each, within the TTL plus 5 s, and its
 * clients resume on the other nodes through nginx.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailoverIT {

    private static final Duration TTL = Duration.ofSeconds(5);
    private static final int EACH = 400;
    /** Between one sender's sends: the burst lasts a few seconds, long enough to fail something in it. */
    private static final Duration PAUSE = Duration.ofMillis(5);

    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalCluster.start(3, TTL, true, 0, Map.of());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static URI chatOn(int node) {
        return cluster.nodes.get(node - 1).ws("chat");
    }

    @Test
    @Order(1)
    void aRedisRestartedWithAofMidBurstLosesNoAcknowledgedMessageAndLeavesNoNodeDeaf() throws Exception {
        List<Follower> senders = new ArrayList<>();
        List<Follower> listeners = new ArrayList<>();
        try {
            for (int node = 1; node <= 3; node++) {
                listeners.add(Follower.join(chatOn(node), "restart-rx-" + node, "restart"));
                senders.add(Follower.join(chatOn(node), "restart-tx-" + node, "restart"));
            }
            long back;
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
        } finally {
            closeAll(all(senders, listeners));
        }
    }

    @Test
    @Order(2)
    void aNodeKilledMidBurstHasItsUsersLeaveOnceEverywhereAndItsClientsResumeElsewhere() throws Exception {
        List<Follower> senders = new ArrayList<>();
        List<Follower> listeners = new ArrayList<>();
        try (ChatUser watcher = ChatUser.connect(chatOn(1)); ChatUser doomedV1 = ChatUser.connect(chatOn(3))) {
            watcher.register("kill-watcher", "");
            watcher.expect(new Login("kill-watcher", "", List.of("kill-watcher")));
            doomedV1.register("kill-v1", "");
            watcher.expect(new Login("kill-v1", "", List.of("kill-watcher", "kill-v1")));
            for (int node = 1; node <= 3; node++) {
                listeners.add(Follower.join(chatOn(node), "kill-rx-" + node, "kill"));
                senders.add(Follower.join(chatOn(node), "kill-tx-" + node, "kill"));
            }
            long killed;
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
        } finally {
            closeAll(all(senders, listeners));
        }
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
