package dev.parley.client.v2;

import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/**
 * A room this chat is in. It tracks where the room stands (epoch and the last seq it delivered), so that
 * after a reconnect, or a gap noticed live, the chat rejoins it with {@code since} and its listener gets
 * each message once, in order. Its state is guarded by its chat's lock.
 */
public final class Room {

    private final ParleyChat chat;
    private final String name;
    final RoomListener listener;
    /** Where it stands; empty before its first {@code joined}. */
    private Optional<Position> position = Optional.empty();
    private List<String> members = List.of();
    private int count;
    /** Set while a rejoin is asked for and its {@code joined} has not come: messages until then are dropped. */
    boolean rejoining;

    Room(ParleyChat chat, String name, RoomListener listener) {
        this.chat = chat;
        this.name = name;
        this.listener = listener;
    }

    public String name() {
        return name;
    }

    /**
     * Sends {@code text} to the room. The stage completes with the message's seq once the server has stored
     * it; the chat keeps it until then and sends it again, with the same cid, after a reconnect, so that it is
     * stored once. It fails only if the chat is closed first, the give-up time passes, or the server refuses it.
     */
    public CompletionStage<Long> send(String text) {
        return chat.send(Optional.of(name), Optional.empty(), text);
    }

    /** The members, in order of joining, as of the last presence heard (empty in rooms over the presence limit). */
    public List<String> members() {
        synchronized (chat.lock) {
            return members;
        }
    }

    /** How many members the room has, as of the last presence heard. */
    public int count() {
        synchronized (chat.lock) {
            return count;
        }
    }

    /** Up to {@code limit} retained messages just before seq {@code before} (all latest if empty), in seq order. */
    public CompletionStage<List<Event.Message>> history(OptionalLong before, int limit) {
        return chat.history(name, before, limit);
    }

    /** Leaves the room: it hears nothing more. */
    public CompletionStage<Void> leave() {
        return chat.leave(this);
    }

    // ---- the chat's bookkeeping, under its lock

    Optional<Position> position() {
        return position;
    }

    /**
     * A {@code joined} came: the replay of {@code missed} messages ending at its seq follows. In the same
     * epoch the position never goes back, so a replay of what was delivered already (a second join's) is
     * dropped, not delivered again.
     */
    void joined(Event.Joined joined) {
        rejoining = false;
        Position replayFrom = new Position(joined.position().epoch(), joined.position().seq() - joined.position().missed());
        boolean behind = position.filter(at -> at.epoch().equals(replayFrom.epoch()) && at.seq() > replayFrom.seq())
                .isPresent();
        if (!behind) {
            position = Optional.of(replayFrom);
        }
        joined.members().ifPresent(list -> members = List.copyOf(list));
        count = joined.count();
    }

    /** Whether {@code message} is the next one; a later one means a gap, an earlier one a duplicate. */
    Delivery accept(Event.Message message) {
        if (rejoining || position.isEmpty()) {
            return Delivery.DROP;
        }
        Position at = position.get();
        if (!message.epoch().equals(at.epoch()) || message.seq() > at.seq() + 1) {
            return Delivery.GAP;
        }
        if (message.seq() <= at.seq()) {
            return Delivery.DROP;
        }
        position = Optional.of(new Position(at.epoch(), message.seq()));
        return Delivery.DELIVER;
    }

    void presence(Event.Presence presence) {
        List<String> now = new ArrayList<>(members);
        now.removeAll(presence.left());
        now.removeAll(presence.joined());
        now.addAll(presence.joined());
        members = List.copyOf(now);
        count = members.size();
    }

    void presence(Event.PresenceCount presence) {
        count = presence.count();
    }

    enum Delivery {
        DELIVER, DROP, GAP
    }
}
