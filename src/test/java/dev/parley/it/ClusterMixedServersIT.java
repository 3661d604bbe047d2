package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.Logout;
import dev.parley.chat.protocol.ServerEvent.UserMessage;
import dev.parley.chat.protocol.v2.Event;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The same WAR clusters on both servers: a WildFly node and a Payara Micro node on one Redis are one chat,
 * and a Payara node that is shut down takes its users out of the chat before it goes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterMixedServersIT {

    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalCluster.start(List.of(ParleyNode.Server.WILDFLY, ParleyNode.Server.PAYARA), Duration.ofSeconds(15),
                false, 0, Map.of(), Set.of());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static URI onWildFly() {
        return cluster.chatOn(1);
    }

    private static URI onPayara() {
        return cluster.chatOn(2);
    }

    @Test
    @Order(1)
    void v1AndV2UsersOnWildFlyAndPayaraChatTogether() throws Exception {
        try (ChatUser alice = ChatUser.connect(onWildFly()); ChatUser bob = ChatUser.connect(onPayara())) {
            alice.register("mixed-alice", "");
            alice.expect(new Login("mixed-alice", "", List.of("mixed-alice")));
            bob.register("mixed-bob", "");
            Login bobJoined = new Login("mixed-bob", "", List.of("mixed-alice", "mixed-bob"));
            alice.expect(bobJoined);
            bob.expect(bobJoined);
            alice.say("from WildFly");
            alice.expect(new UserMessage("from WildFly", "mixed-alice", Optional.empty()));
            bob.expect(new UserMessage("from WildFly", "mixed-alice", Optional.empty()));
            bob.sayTo("mixed-alice", "from Payara");
            UserMessage whisper = new UserMessage("from Payara", "mixed-bob", Optional.of("mixed-alice"));
            alice.expect(whisper);
            bob.expect(whisper);

            try (V2User ann = V2User.hello(onPayara(), "mixed-ann"); V2User ben = V2User.hello(onWildFly(), "mixed-ben")) {
                ann.join("mixed");
                ben.join("mixed");
                ann.say("mixed", "hello WildFly", "a-1");
                assertEquals(1, ann.acked().seq());
                assertEquals("hello WildFly", ben.nextIgnoringPresence(Event.Message.class).text());
                ben.sayTo("mixed-ann", "hello Payara", "b-1");
                ben.acked();
                assertEquals("hello Payara", ann.nextIgnoringPresence(Event.Message.class).text());
            }
            bob.unregister("mixed-bob", "bye");
            alice.expect(new Logout("mixed-bob", "bye", List.of("mixed-alice")));
        }
    }

    @Test
    @Order(2)
    void aBurstFromBothServersReachesMembersOnBothOnceEachInOrder() throws Exception {
        List<Follower> senders = new ArrayList<>();
        List<Follower> listeners = new ArrayList<>();
        try {
            senders.add(Follower.join(onWildFly(), "mixed-tx-w", "mixed-burst"));
            senders.add(Follower.join(onPayara(), "mixed-tx-p", "mixed-burst"));
            listeners.add(Follower.join(onWildFly(), "mixed-rx-w", "mixed-burst"));
            listeners.add(Follower.join(onPayara(), "mixed-rx-p", "mixed-burst"));
            try (Burst burst = Burst.start(senders, listeners, 500, Duration.ZERO, cluster.ws("chat"))) {
                burst.await(Duration.ofMinutes(3));
            }
            for (Follower member : senders) {
                member.assertHasAllInOrder(2, 500);
            }
            for (Follower member : listeners) {
                member.assertHasAllInOrder(2, 500);
            }
        } finally {
            for (Follower member : senders) {
                member.close();
            }
            for (Follower member : listeners) {
                member.close();
            }
        }
    }

    /** Shut down (SIGTERM), a node removes its members everywhere at once rather than after its TTL. */
    @Test
    @Order(3)
    void aPayaraNodeShutDownTakesItsUsersOutOfTheChatFirst() throws Exception {
        try (Follower stays = Follower.join(onWildFly(), "mixed-stays", "mixed-shutdown");
                Follower goes = Follower.join(onPayara(), "mixed-goes", "mixed-shutdown")) {
            long stopped = System.nanoTime();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
                try {
                    cluster.nodes.get(1).close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            while (stays.leavesOf("mixed-goes") == 0) {
                stays.next();
            }
            long after = stays.leftAt("mixed-goes") - stopped;
            System.out.printf("shutdown: a Payara node's user was told gone %d ms after SIGTERM (TTL 15 s)%n",
                    TimeUnit.NANOSECONDS.toMillis(after));
            stopping.get(1, TimeUnit.MINUTES);
            assertTrue(after < TimeUnit.SECONDS.toNanos(10), "told gone " + TimeUnit.NANOSECONDS.toMillis(after)
                    + " ms after the node was stopped: by its own shutdown, not its TTL");
        }
    }
}
