package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.Logout;
import dev.parley.chat.protocol.ServerEvent.UserMessage;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Position;
import dev.parley.chat.protocol.v2.Request;
import dev.parley.chat.protocol.v2.V2Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three WildFly nodes on one Redis behind nginx are one chat: every v1 and v2 flow works with its users on
 * different nodes, and a burst from senders spread over the nodes reaches members on every node once each,
 * in seq order.
 */
class ClusterIT {

    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalCluster.start(3, Duration.ofSeconds(15), false, 0, Map.of());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theTutorialsChatWithItsUsersOnThreeNodes() {
        ChatFlows.joinBroadcastPrivateLeaveAndDisconnect(cluster.chatOn(1), cluster.chatOn(2), cluster.chatOn(3));
    }

    @Test
    void namesAreUniqueAcrossNodesAndV1AndV2UsersShareTheLobby() {
        try (ChatUser alice = ChatUser.connect(cluster.chatOn(1)); ChatUser impostor = ChatUser.connect(cluster.chatOn(3))) {
            alice.register("lobby-alice", "hello");
            alice.expect(new Login("lobby-alice", "hello", List.of("lobby-alice")));
            impostor.register("lobby-alice", "me too");
            impostor.expectError(ErrorCode.UUID_TAKEN); // held on node 1

            try (V2User dan = V2User.hello(cluster.chatOn(2), "lobby-dan")) {
                Event.Joined joined = dan.join("lobby");
                assertEquals(Optional.of(List.of("lobby-alice", "lobby-dan")), joined.members());
                alice.expect(new Login("lobby-dan", "", List.of("lobby-alice", "lobby-dan")));
                for (int i = 0; i < joined.position().missed(); i++) {
                    dan.nextIgnoringPresence(Event.Message.class); // the recent conversation
                }
                dan.say("lobby", "from v2", "d-1");
                dan.acked();
                alice.expect(new UserMessage("from v2", "lobby-dan", Optional.empty()));
                alice.sayTo("lobby-dan", "from v1");
                alice.expect(new UserMessage("from v1", "lobby-alice", Optional.of("lobby-dan")));
                Event.Message whisper = dan.nextIgnoringPresence(Event.Message.class);
                assertEquals(Optional.of("lobby-dan"), whisper.to());
                assertEquals("from v1", whisper.text());

                impostor.register("lobby-dan", "");
                impostor.expectError(ErrorCode.UUID_TAKEN); // one name space, v1 and v2, cluster-wide
            }
            alice.expect(new Logout("lobby-dan", "", List.of("lobby-alice")));
        }
    }

    @Test
    void roomsHistoryPrivateMessagesDedupeAndResumeAcrossNodes() throws Exception {
        try (V2User ann = V2User.hello(cluster.chatOn(1), "ann"); V2User ben = V2User.hello(cluster.chatOn(2), "ben")) {
            Event.Joined annJoined = ann.join("across");
            String epoch = annJoined.position().epoch();
            Event.Joined benJoined = ben.join("across");
            assertEquals(epoch, benJoined.position().epoch(), "one room, one epoch, whichever node");
            assertEquals(Optional.of(List.of("ann", "ben")), benJoined.members());
            assertEquals(new Event.Presence("across", List.of("ben"), List.of()), ann.next());

            ann.say("across", "one", "a-1");
            assertEquals(1, ann.acked().seq());
            assertEquals("one", ben.nextIgnoringPresence(Event.Message.class).text());
            ben.say("across", "two", "b-2");
            assertEquals(2, ben.acked().seq());
            assertEquals(2, ann.nextIgnoringPresence(Event.Message.class).seq());

            // a send stored on node 2 whose sender dies before the ack is stored once when retried on node 3
            RawWebSocket lost = RawWebSocket.openV2(cluster.chatOn(2));
            lost.sendText(V2Json.write(new Request.Hello("cy", Optional.empty(), Optional.empty())));
            lost.sendText(V2Json.write(new Request.Join("across", Optional.empty(), Optional.empty())));
            lost.sendText(V2Json.write(new Request.SendToRoom("across", "three", "c-3", Optional.empty())));
            Event.Message three = ann.nextIgnoringPresence(Event.Message.class);
            assertEquals(new Event.Message(Optional.of("across"), Optional.empty(), "cy", 3, epoch, "three",
                    three.time(), Optional.of("c-3")), three);
            assertEquals(three, ben.nextIgnoringPresence(Event.Message.class));
            lost.cut();
            try (Follower cy = Follower.join(cluster.chatOn(3), "cy", "across")) {
                Event.Ack retried = cy.send("three", "c-3", cluster.chatOn(3));
                assertEquals(3, retried.seq(), "the retry's ack repeats the first send's seq");
                assertTrue(retried.dup(), "stored once");
            }

            // private messages go to the receiver's node, and the sender is acknowledged with the inbox's seq
            ben.sayTo("ann", "psst", "p-1");
            Event.Ack whispered = ben.acked(); // and the copy in his own inbox
            assertEquals(Optional.of("ann"), whispered.to());
            Event.Message whisper = ann.nextIgnoringPresence(Event.Message.class);
            assertEquals(Optional.of("ann"), whisper.to());
            assertEquals("psst", whisper.text());
            assertEquals("ben", whisper.from());

            // the log is Redis's: history and resume on a node that never had the room
            try (V2User dee = V2User.hello(cluster.chatOn(3), "dee")) {
                dee.join("across");
                for (int seq = 1; seq <= 3; seq++) {
                    assertEquals(seq, dee.nextIgnoringPresence(Event.Message.class).seq(), "the recent conversation");
                }
                dee.history("across", OptionalLong.of(3), 10);
                Event.History page = dee.nextIgnoringPresence(Event.History.class);
                assertEquals(List.of("one", "two"), page.messages().stream().map(Event.Message::text).toList());
            }
            ben.close();
            ann.say("across", "four", "a-4");
            ann.acked();
            ann.say("across", "five", "a-5");
            ann.acked();
            try (V2User benAgain = V2User.helloWhenFree(cluster.chatOn(3), "ben")) {
                Event.Joined resumed = benAgain.join("across", Optional.of(new Position(epoch, 3)));
                assertEquals(new Event.Resume(epoch, 5, true, 2), resumed.position());
                assertEquals("four", benAgain.nextIgnoringPresence(Event.Message.class).text());
                assertEquals("five", benAgain.nextIgnoringPresence(Event.Message.class).text());
            }
        }
    }

    /** Ten senders spread over the nodes by nginx, a member on every node: each message once, in seq order. */
    @Test
    void aBurstOfTenSendersReachesMembersOnEveryNodeOnceEachInOrder() throws Exception {
        int senders = 10;
        int each = 1_000;
        List<Follower> members = new ArrayList<>();
        try {
            List<Follower> listening = new ArrayList<>();
            for (int node = 1; node <= 3; node++) {
                listening.add(Follower.join(cluster.chatOn(node), "burst-rx-" + node, "burst"));
            }
            members.addAll(listening);
            List<Follower> sending = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                sending.add(Follower.join(cluster.ws("chat"), "burst-tx-" + s, "burst"));
            }
            members.addAll(sending);
            try (Burst burst = Burst.start(sending, listening, each, Duration.ZERO, cluster.ws("chat"))) {
                burst.await(Duration.ofMinutes(5));
            }
            for (Follower member : members) {
                assertEquals(0, member.reconnects, member.name + " kept its connection");
                member.assertHasAllInOrder(senders, each);
            }
        } finally {
            for (Follower member : members) {
                member.close();
            }
        }
    }
}
