package dev.parley.chat.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.chat.bus.StreamListener;
import dev.parley.chat.bus.Stored;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A node's delivery of one channel: in order, once, with holes filled from the log. */
class StreamDeliveryTest {

    private final List<String> heard = new ArrayList<>();
    private final List<String> reads = new ArrayList<>();
    private CompletableFuture<StreamDelivery.Range> pendingRead;

    private final StreamDelivery delivery = new StreamDelivery(new StreamListener() {
        @Override
        public void posted(String epoch, Stored message) {
            heard.add(epoch + ":" + message.seq());
        }

        @Override
        public void joined(String user, String content) {
            heard.add("join " + user);
        }
    }, (epoch, after) -> {
        reads.add(epoch + " after " + after);
        pendingRead = new CompletableFuture<>();
        return pendingRead;
    });

    @Test
    void deliversInOrderAndSkipsWhatItHad() {
        delivery.on(posted("e", 4)); // subscribed just now: starts wherever the channel is
        delivery.on(posted("e", 5));
        delivery.on(posted("e", 5));
        delivery.on(posted("e", 3));
        assertEquals(List.of("e:4", "e:5"), heard);
        assertEquals(List.of(), reads);
    }

    @Test
    void aHoleIsReadFromTheLogWhileLaterEventsWait() {
        delivery.on(posted("e", 1));
        delivery.on(posted("e", 4));
        delivery.on(new StreamDelivery.Membership(true, "carol", ""));
        delivery.on(posted("e", 5));
        assertEquals(List.of("e:1"), heard, "nothing jumps the hole");
        assertEquals(List.of("e after 1"), reads);
        pendingRead.complete(new StreamDelivery.Range(List.of(stored(2), stored(3), stored(4))));
        assertEquals(List.of("e:1", "e:2", "e:3", "e:4", "join carol", "e:5"), heard);
    }

    @Test
    void aHoleTheLogNoLongerHoldsIsPassedOnceNotRetriedForever() {
        delivery.on(posted("e", 1));
        delivery.on(posted("e", 9));
        pendingRead.complete(new StreamDelivery.Range(List.of()));
        delivery.on(posted("e", 10));
        assertEquals(List.of("e:1", "e:9", "e:10"), heard);
        assertEquals(1, reads.size());
    }

    @Test
    void aNewEpochStartsAtOne() {
        delivery.on(posted("old", 7));
        delivery.on(posted("new", 1));
        delivery.on(posted("new", 2));
        assertEquals(List.of("old:7", "new:1", "new:2"), heard);
    }

    @Test
    void aResubscriptionReadsWhatWasPublishedMeanwhile() {
        delivery.catchUp(); // nothing delivered yet: nothing to catch up from
        assertEquals(List.of(), reads);
        delivery.on(posted("e", 1));
        delivery.catchUp();
        delivery.on(posted("e", 4));
        pendingRead.complete(new StreamDelivery.Range(List.of(stored(2), stored(3))));
        assertEquals(List.of("e:1", "e:2", "e:3", "e:4"), heard);
        assertEquals(List.of("e after 1"), reads);
    }

    private static StreamDelivery.Posted posted(String epoch, long seq) {
        return new StreamDelivery.Posted(epoch, stored(seq));
    }

    private static Stored stored(long seq) {
        return new Stored(seq, 0, "bob", Optional.empty(), "m" + seq, Optional.empty());
    }
}
