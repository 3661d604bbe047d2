package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.client.ChatOptions;
import dev.parley.client.v2.ChatEvents;
import dev.parley.client.v2.Identity;
import dev.parley.client.v2.ParleyChat;
import dev.parley.client.v2.Room;
import dev.parley.client.v2.RoomListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue #14: a single node restarted loses its rooms' history (it is in memory), so the room's epoch
 * changes; the client library, reconnected to the new node on the same port, rejoins and hears that the
 * room was not recovered, and goes on sending.
 */
class ClientRestartNodesIT {

    /** What the room's listener heard of its (re)joins. */
    static final class Joins implements RoomListener {
        final List<Boolean> recovered = new ArrayList<>();

        @Override
        public synchronized void onJoined(Room room, boolean wasRecovered, int missed) {
            recovered.add(wasRecovered);
            notifyAll();
        }

        synchronized void awaitJoins(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (recovered.size() < count && System.nanoTime() < deadline) {
                TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
            }
            assertEquals(count, recovered.size(), "joins heard: " + recovered);
        }

        synchronized List<Boolean> recovered() {
            return List.copyOf(recovered);
        }
    }

    @Test
    void aRestartedNodesRoomIsToldNotRecoveredAndTheChatGoesOn() throws Exception {
        ParleyNode first = ParleyNode.launch(ParleyNode.Server.WILDFLY, "restart-1", Map.of(), Map.of()).awaitReady();
        int port = first.port;
        Joins joins = new Joins();
        ChatOptions options = ChatOptions.defaults().withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        try (ParleyChat chat = ParleyChat.connect(first.ws("chat"), Identity.user("restarted"), new ChatEvents() { },
                options)) {
            Room room = chat.join("restart", joins);
            assertEquals(1L, room.send("before").toCompletableFuture().get(20, TimeUnit.SECONDS));
            first.close();
            try (ParleyNode second = ParleyNode.launch(ParleyNode.Server.WILDFLY, "restart-2", Map.of(), Map.of(), port)
                    .awaitReady()) {
                joins.awaitJoins(2);
                assertEquals(List.of(false, false), joins.recovered(), "the first join had nothing to resume; the "
                        + "rejoin could not recover the lost history");
                assertEquals(1L, room.send("after").toCompletableFuture().get(20, TimeUnit.SECONDS),
                        "the new epoch numbers from 1");
            }
        } finally {
            first.close();
        }
    }
}
