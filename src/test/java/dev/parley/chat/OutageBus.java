package dev.parley.chat;

import dev.parley.chat.bus.Appended;
import dev.parley.chat.bus.ChatBus;
import dev.parley.chat.bus.Draft;
import dev.parley.chat.bus.Names;
import dev.parley.chat.bus.Recovery;
import dev.parley.chat.bus.Slice;
import dev.parley.chat.bus.Stream;
import dev.parley.chat.bus.StreamListener;
import dev.parley.chat.protocol.v2.Position;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * A bus whose recoveries fail while {@link #down} is set, leaves while {@link #leavesDown} is and joins while
 * {@link #joinsDown} is, as a
 * cluster's do when Redis does not answer in time; everything else goes to the bus it wraps.
 */
final class OutageBus implements ChatBus {

    private final ChatBus bus;
    volatile boolean down;
    volatile boolean leavesDown;
    /** Joins fail while set, unmade. */
    volatile boolean joinsDown;

    OutageBus(ChatBus bus) {
        this.bus = bus;
    }

    @Override
    public Names names() {
        return bus.names();
    }

    @Override
    public CompletionStage<Appended> append(Stream stream, Draft draft) {
        return bus.append(stream, draft);
    }

    @Override
    public CompletionStage<Appended> appendPrivate(Draft draft) {
        return bus.appendPrivate(draft);
    }

    @Override
    public CompletionStage<Void> announceJoin(Stream room, Names.Claim member, String content) {
        if (joinsDown) {
            return CompletableFuture.failedFuture(new TimeoutException("the bus is down"));
        }
        return bus.announceJoin(room, member, content);
    }

    @Override
    public CompletionStage<Void> announceLeave(Stream room, Names.Claim member, String content) {
        if (leavesDown) {
            return CompletableFuture.failedFuture(new TimeoutException("the bus is down"));
        }
        return bus.announceLeave(room, member, content);
    }

    @Override
    public CompletionStage<Recovery> recover(Stream stream, Optional<Position> since, int latest) {
        return down ? CompletableFuture.failedFuture(new TimeoutException("Redis did not answer"))
                : bus.recover(stream, since, latest);
    }

    @Override
    public CompletionStage<Slice> before(Stream stream, long before, int limit, long maxWeight) {
        return bus.before(stream, before, limit, maxWeight);
    }

    @Override
    public void subscribe(Stream stream, StreamListener listener) {
        bus.subscribe(stream, listener);
    }

    @Override
    public void unsubscribe(Stream stream) {
        bus.unsubscribe(stream);
    }

    @Override
    public void drop(Stream stream) {
        bus.drop(stream);
    }
}
