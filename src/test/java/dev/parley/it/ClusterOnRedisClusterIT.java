package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.chat.bus.redis.RedisClusterProcess;
import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.UserMessage;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two WildFly nodes on a real three-master Redis Cluster ({@code parley.redis.uri=redis-cluster://...}):
 * rooms whose keys live on different masters each keep one numbering, and the v1 lobby and names work as on
 * one Redis.
 */
class ClusterOnRedisClusterIT {

    private static RedisClusterProcess redis;
    private static final List<ParleyNode> NODES = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisClusterProcess.start(3);
        for (int i = 1; i <= 2; i++) {
            NODES.add(ParleyNode.wildFly("rc-node-" + i, Map.of("parley.redis.uri", redis.uri(), "parley.node.id",
                    "rc-node-" + i)));
        }
        for (ParleyNode node : NODES) {
            node.awaitReady();
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (ParleyNode node : NODES) {
            node.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static URI chatOn(int node) {
        return NODES.get(node - 1).ws("chat");
    }

    /** Room names whose keys (hash tag {@code {r:NAME}}) are owned by each of the three masters, one each. */
    private static List<String> oneRoomPerMaster() throws Exception {
        List<String> rooms = new ArrayList<>();
        Set<Integer> owners = new TreeSet<>();
        for (int i = 0; owners.size() < 3; i++) {
            String room = "rc-room-" + i;
            if (owners.add(redis.ownerOf("parley:{r:" + room + "}:meta"))) {
                rooms.add(room);
            }
        }
        return rooms;
    }

    @Test
    void roomsOnEveryMasterKeepOneNumberingAcrossNodes() throws Exception {
        List<String> rooms = oneRoomPerMaster();
        int each = 200;
        List<Follower> senders = new ArrayList<>();
        List<Follower> listeners = new ArrayList<>();
        List<Burst> bursts = new ArrayList<>();
        try {
            for (String room : rooms) {
                List<Follower> sending = List.of(Follower.join(chatOn(1), room + "-tx-1", room),
                        Follower.join(chatOn(2), room + "-tx-2", room));
                List<Follower> listening = List.of(Follower.join(chatOn(1), room + "-rx-1", room),
                        Follower.join(chatOn(2), room + "-rx-2", room));
                senders.addAll(sending);
                listeners.addAll(listening);
                bursts.add(Burst.start(sending, listening, each, Duration.ZERO, chatOn(1)));
            }
            for (Burst burst : bursts) {
                burst.await(Duration.ofMinutes(3));
            }
            for (Follower member : senders) {
                member.assertHasAllInOrder(2, each);
            }
            for (Follower member : listeners) {
                member.assertHasAllInOrder(2, each);
                assertEquals(0, member.reconnects, member.name);
            }
        } finally {
            bursts.forEach(Burst::close);
            for (Follower member : senders) {
                member.close();
            }
            for (Follower member : listeners) {
                member.close();
            }
        }
    }

    @Test
    void theTutorialsChatAcrossNodes() {
        try (ChatUser alice = ChatUser.connect(chatOn(1)); ChatUser bob = ChatUser.connect(chatOn(2))) {
            alice.register("rc-alice", "hi");
            alice.expect(new Login("rc-alice", "hi", List.of("rc-alice")));
            bob.register("rc-bob", "hello");
            Login bobJoined = new Login("rc-bob", "hello", List.of("rc-alice", "rc-bob"));
            alice.expect(bobJoined);
            bob.expect(bobJoined);
            bob.sayTo("rc-alice", "psst");
            UserMessage whisper = new UserMessage("psst", "rc-bob", Optional.of("rc-alice"));
            bob.expect(whisper);
            alice.expect(whisper);
            alice.say("all");
            alice.expect(new UserMessage("all", "rc-alice", Optional.empty()));
            bob.expect(new UserMessage("all", "rc-alice", Optional.empty()));
        }
    }
}
