package dev.parley.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.chat.ChatTestKit.RecordingPeer;
import dev.parley.chat.bus.Names;
import dev.parley.chat.bus.Recovery;
import dev.parley.chat.bus.Stored;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seam between a member's replay and the live messages when the recovery is read from somewhere ahead
 * of this node's delivery (a cluster's Redis, ahead of the node's channel): nothing twice, nothing missed.
 */
class LocalRoomSeamTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final LocalRoom room = new LocalRoom("seam", ChatTestKit.settings().build(), scheduler);
    private final RecordingPeer peer = new RecordingPeer();
    private final RoomMember member = new RoomMember(new Names.Claim("ann", "1"), Protocol.V2, peer);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aMessageTheReplayHeldIsNotDeliveredAgainWhenItComesLive() {
        room.members(List.of("ann"));
        room.attach(member);
        room.posted("e", stored(3)); // heard while the recovery is read
        room.resumed(member, new Recovery("e", 5, true, List.of(stored(3), stored(4), stored(5))), Optional.empty());
        room.posted("e", stored(4)); // the node's channel is behind the recovery it read
        room.posted("e", stored(5));
        room.posted("e", stored(6));
        room.posted("other", stored(2)); // a new epoch numbers afresh
        List<String> frames = peer.drain();
        assertEquals(List.of("joined", "3", "4", "5", "6", "2"), frames.stream().map(LocalRoomSeamTest::seqOf).toList(),
                String.join("\n", frames));
    }

    private static String seqOf(String frame) {
        return frame.contains("\"type\":\"joined\"") ? "joined" : frame.replaceAll(".*\"seq\":(\\d+).*", "$1");
    }

    private static Stored stored(long seq) {
        return new Stored(seq, 0, "bob", Optional.empty(), "m" + seq, Optional.empty());
    }
}
