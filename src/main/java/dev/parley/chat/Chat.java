package dev.parley.chat;

import dev.parley.chat.bus.Appended;
import dev.parley.chat.bus.ChatBus;
import dev.parley.chat.bus.Draft;
import dev.parley.chat.bus.Names;
import dev.parley.chat.bus.Recovery;
import dev.parley.chat.bus.Retries;
import dev.parley.chat.bus.Slice;
import dev.parley.chat.bus.Stream;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Position;
import dev.parley.ops.Meters;
import java.lang.ref.WeakReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The chat engine both protocols drive: names, rooms and inboxes over the {@link ChatBus}. A message goes
 * one way: a session asks here, the bus numbers and stores it, then each room's {@link LocalRoom} (or the
 * user's {@link LocalInbox}) hears it and delivers it, encoded once per protocol. Plain Java, so that unit
 * tests drive it with in-memory peers; {@link ChatService} wires it into the container.
 */
public final class Chat {

    /**
     * How long a join's recovery waits for this node to hear the join told: a join that the bus made is
     * normally heard at once; should it be lost on its way, the room's next read of its state tells it.
     */
    private static final long JOIN_HEARD_WAIT_SECONDS = 5;
    private static final Logger LOG = Logger.getLogger(Chat.class.getName());

    private final ChatSettings settings;
    private final ChatBus bus;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    /** Rooms with members on this node. */
    private final ConcurrentHashMap<String, LocalRoom> rooms = new ConcurrentHashMap<>();
    /** Users with a session on this node: each has its inbox open here. */
    private final ConcurrentHashMap<String, LocalInbox> inboxes = new ConcurrentHashMap<>();

    public Chat(ChatSettings settings, ChatBus bus, ScheduledExecutorService scheduler, Clock clock) {
        this.settings = settings;
        this.bus = bus;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** The time by this chat's clock, which its scheduler's delays agree with. */
    Instant now() {
        return clock.instant();
    }

    /** A session speaking {@code protocol} to {@code peer}, with no login. */
    ChatSession open(Protocol protocol, Peer peer) {
        return open(protocol, peer, Optional.empty());
    }

    /** A session speaking {@code protocol} to {@code peer}, whose handshake the server's login authenticated as {@code login}. */
    ChatSession open(Protocol protocol, Peer peer, Optional<String> login) {
        return protocol == Protocol.V2 ? new V2Session(this, peer, login) : new V1Session(this, peer);
    }

    /**
     * Runs {@code task} on {@code owner} after {@code delay}, off the message path (a session's deadline), unless
     * the owner is gone by then. The task holds its owner weakly: a cancelled task may stay queued until it
     * is due, and must not keep a closed session alive meanwhile.
     */
    <T> ScheduledFuture<?> schedule(Duration delay, T owner, Consumer<T> task) {
        WeakReference<T> weakly = new WeakReference<>(owner);
        return scheduler.schedule(() -> {
            T alive = weakly.get();
            if (alive != null) {
                task.accept(alive);
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Users with a session on this node. */
    public int localUsers() {
        return inboxes.size();
    }

    /** Rooms with members on this node. */
    public int localRooms() {
        return rooms.size();
    }

    public Names names() {
        return bus.names();
    }

    ChatSettings settings() {
        return settings;
    }

    // ---- inboxes

    /**
     * Opens the user's inbox to one of its sessions. An authenticated user's inbox outlives its sessions
     * (bounded by the history settings): a v2 session is answered with {@code welcome} and what it missed
     * since {@code since}, else the latest messages. An anonymous name's starts afresh, as the name keeps
     * nothing of its last holder. A v1 session hears it live at once; the stage then tells nothing.
     */
    CompletionStage<Void> openInbox(Receiver device, Optional<Position> since, Function<Event.Resume, Event> welcome) {
        boolean kept = settings.auth().isAuthenticatedName(device.user);
        LocalInbox local = inboxes.compute(device.user, (user, existing) -> {
            LocalInbox open = existing;
            if (open == null) {
                open = new LocalInbox(user);
                Stream inbox = Stream.inbox(user);
                if (!kept) {
                    bus.drop(inbox);
                }
                bus.subscribe(inbox, open);
            }
            open.attach(device);
            return open;
        });
        if (device.protocol == Protocol.V1) {
            return CompletableFuture.completedFuture(null);
        }
        return bus.recover(Stream.inbox(device.user), kept ? since : Optional.empty(), kept ? settings.onJoin() : 0)
                .thenAccept(recovery -> {
                    if (kept && since.isPresent()) {
                        Meters.resumed(recovery.recovered());
                    }
                    local.resumed(device, recovery, welcome);
                });
    }

    /** The session is done with its user's inbox; an anonymous name's goes with its last session. */
    void closeInbox(Receiver device) {
        inboxes.computeIfPresent(device.user, (user, local) -> {
            if (!local.detach(device)) {
                return local;
            }
            if (settings.auth().isAuthenticatedName(user)) {
                bus.unsubscribe(Stream.inbox(user));
            } else {
                bus.retire(Stream.inbox(user));
            }
            return null;
        });
    }

    /** Whether a private message to {@code user} is kept while the user is offline: an authenticated user's is. */
    boolean keepsInbox(String user) {
        return settings.auth().isAuthenticatedName(user);
    }

    CompletionStage<Appended> whisper(String from, String to, String text, Optional<String> cid) {
        return counted(bus.appendPrivate(new Draft(from, Optional.of(to), text, cid)));
    }

    /** A send stored once already (a retry with the same cid) is counted. */
    private static CompletionStage<Appended> counted(CompletionStage<Appended> append) {
        return append.whenComplete((stored, failure) -> {
            if (stored != null && stored.dup()) {
                Meters.deduplicated();
            }
        });
    }

    // ---- rooms

    /** Whether a session may join a room it is not in: the room exists here, or there is room for one more. */
    boolean canJoin(String room) {
        return rooms.containsKey(room) || rooms.size() < settings.maxRooms() || ChatSettings.LOBBY.equals(room);
    }

    /**
     * Joins {@code member} to {@code room}: it subscribes first, so that it misses nothing, then the bus
     * announces the join in order with the room's messages; a v2 member is then answered with its recovery.
     */
    CompletionStage<Void> join(RoomMember member, String room, Optional<Position> since, String content,
            Optional<String> ref) {
        LocalRoom local = rooms.compute(room, (name, existing) -> {
            LocalRoom joined = existing != null ? existing : subscribed(name);
            joined.attach(member);
            return joined;
        });
        CompletionStage<Void> announced = bus.announceJoin(Stream.room(room), member.membership, content);
        if (member.protocol == Protocol.V1) {
            return announced;
        }
        return announced.thenCompose(done -> member.joinHeard.completeOnTimeout(null, JOIN_HEARD_WAIT_SECONDS,
                TimeUnit.SECONDS)).thenCompose(done -> resume(local, member, since, ref));
    }

    /** A member joins a room it is in again, to repair a gap: only its recovery is repeated. */
    CompletionStage<Void> rejoin(RoomMember member, String room, Optional<Position> since, Optional<String> ref) {
        LocalRoom local = rooms.get(room);
        if (local == null || !local.reattach(member)) {
            return CompletableFuture.completedFuture(null);
        }
        return resume(local, member, since, ref);
    }

    /**
     * The member stops hearing the room here as it leaves, before its leave is told (a leaver hears nothing
     * of its own leave, as the tutorial's {@code logout} goes to the others), and even if the leave fails:
     * a node that lost Redis has its members evicted by the others. The room stops listening here once the
     * leave is made, if nobody else here is in.
     */
    CompletionStage<Void> leave(RoomMember member, String room, String content) {
        room(room).ifPresent(local -> local.detach(member));
        CompletionStage<Void> left = bus.announceLeave(Stream.room(room), member.membership, content);
        leaveMade(left, () -> bus.announceLeave(Stream.room(room), member.membership, content), room, member.user);
        return left;
    }

    /**
     * A leave that failed is tried again until it is made, in the background: a membership left behind
     * would keep its user listed for good. Until then the room stays subscribed here, and so filed under this
     * node's lease, so that should the node die, its eviction ends the membership instead.
     */
    private void leaveMade(CompletionStage<Void> left, Supplier<CompletionStage<Void>> again, String room, String user) {
        Executor later = task -> scheduler.schedule(task, Retries.UNDO_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        Retries.untilMade(left, again, Retries.UNDO_TRIES, later).whenComplete((done, failure) -> {
            if (failure == null) {
                forgetIfEmpty(room);
            } else {
                LOG.log(Level.WARNING, "gave up leaving room '" + room + "' for " + user, failure);
            }
        });
    }

    CompletionStage<Appended> post(String from, String room, String text, Optional<String> cid) {
        return counted(bus.append(Stream.room(room), new Draft(from, Optional.empty(), text, cid)));
    }

    CompletionStage<Slice> history(String room, long before, int limit) {
        return bus.before(Stream.room(room), before, limit, ChatSettings.HISTORY_PAGE_WEIGHT);
    }

    Optional<LocalRoom> room(String name) {
        return Optional.ofNullable(rooms.get(name));
    }

    private CompletionStage<Void> resume(LocalRoom local, RoomMember member, Optional<Position> since,
            Optional<String> ref) {
        return bus.recover(Stream.room(local.name), since, settings.onJoin()).thenAccept(recovery -> {
            if (since.isPresent()) {
                Meters.resumed(recovery.recovered());
            }
            local.resumed(member, recovery, ref);
        });
    }

    private LocalRoom subscribed(String name) {
        LocalRoom room = new LocalRoom(name, settings, scheduler);
        bus.subscribe(Stream.room(name), room);
        return room;
    }

    /** A room without members here stops listening; the bus keeps its history until it expires. */
    private void forgetIfEmpty(String room) {
        rooms.computeIfPresent(room, (name, local) -> {
            if (!local.isEmpty()) {
                return local;
            }
            bus.unsubscribe(Stream.room(name));
            return null;
        });
    }
}
