package dev.parley.it;

import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.Logout;
import dev.parley.chat.protocol.ServerEvent.UserMessage;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The tutorial chat's flows, with each user connected where the caller says: all to one server, or each to
 * a node of its own.
 */
final class ChatFlows {

    private ChatFlows() {
    }

    /** Three users register, talk, whisper, one unregisters and comes back, one disconnects. */
    static void joinBroadcastPrivateLeaveAndDisconnect(URI aliceAt, URI bobAt, URI carolAt) {
        try (ChatUser alice = ChatUser.connect(aliceAt);
                ChatUser bob = ChatUser.connect(bobAt);
                ChatUser carol = ChatUser.connect(carolAt)) {
            alice.register("alice", "hello");
            alice.expect(new Login("alice", "hello", List.of("alice")));

            bob.register("bob", "hi all");
            Login bobJoined = new Login("bob", "hi all", List.of("alice", "bob"));
            alice.expect(bobJoined);
            bob.expect(bobJoined);

            carol.register("carol", "hey");
            Login carolJoined = new Login("carol", "hey", List.of("alice", "bob", "carol"));
            alice.expect(carolJoined);
            bob.expect(carolJoined);
            carol.expect(carolJoined);

            bob.say("good morning");
            UserMessage broadcast = new UserMessage("good morning", "bob", Optional.empty());
            alice.expect(broadcast);
            bob.expect(broadcast);
            carol.expect(broadcast);

            alice.sayTo("carol", "psst");
            UserMessage whisper = new UserMessage("psst", "alice", Optional.of("carol"));
            carol.expect(whisper);
            alice.expect(whisper);
            // bob's next event is the one after the whisper: he never saw it
            carol.say("marker");
            UserMessage marker = new UserMessage("marker", "carol", Optional.empty());
            bob.expect(marker);
            alice.expect(marker);
            carol.expect(marker);

            bob.unregister("bob", "bye");
            Logout bobLeft = new Logout("bob", "bye", List.of("alice", "carol"));
            alice.expect(bobLeft);
            carol.expect(bobLeft);

            // still connected, bob may come back, and is now last in the list
            bob.register("bob", "back");
            Login bobBack = new Login("bob", "back", List.of("alice", "carol", "bob"));
            alice.expect(bobBack);
            carol.expect(bobBack);
            bob.expect(bobBack);

            carol.close();
            Logout carolGone = new Logout("carol", "", List.of("alice", "bob"));
            alice.expect(carolGone);
            bob.expect(carolGone);
        }
    }
}
