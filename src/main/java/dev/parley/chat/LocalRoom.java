package dev.parley.chat;

import dev.parley.chat.bus.Recovery;
import dev.parley.chat.bus.StreamListener;
import dev.parley.chat.bus.Stored;
import dev.parley.chat.protocol.ChatJson;
import dev.parley.chat.protocol.ServerEvent;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.V2Json;
import dev.parley.ops.Meters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A room as this node delivers it: its member list, the local members' subscriptions, and the presence
 * changes waiting to be told. Its monitor is the one lock of the room's delivery; the bus calls it in the
 * room's event order, and it never calls the bus, so no lock order runs the other way. Events are encoded
 * once per protocol and queued on every receiver under the lock, written after it.
 */
final class LocalRoom implements StreamListener {

    final String name;
    private final ChatSettings settings;
    private final ScheduledExecutorService scheduler;

    /** Every member, in order of joining. */
    private final LinkedHashSet<String> members = new LinkedHashSet<>();
    /**
     * This node's members' subscriptions, by user: its first session in the room, which links to its other
     * devices' ({@link RoomMember#nextDevice}). Linked, as fan-out walks it for every event.
     */
    private final Map<String, RoomMember> local = new LinkedHashMap<>();
    /** How many of them speak v1: v1's login and logout carry the whole user list, built only if someone hears it. */
    private int v1Members;
    /** Membership changes not yet told, in order; a member that went live meanwhile is owed only the later ones. */
    private final List<Change> pending = new ArrayList<>();
    private boolean presenceScheduled;
    /** Whether the bus has told the member list it keeps (a cluster's); the in-memory bus never does. */
    private boolean seeded;
    private int countTold = -1;

    LocalRoom(String name, ChatSettings settings, ScheduledExecutorService scheduler) {
        this.name = name;
        this.settings = settings;
        this.scheduler = scheduler;
    }

    /**
     * Subscribes a joining member; it holds back messages until {@link #resumed} hands them over. A user
     * already listed here (another of its devices is in) is told no join: its {@code joined} need not wait.
     */
    synchronized void attach(RoomMember member) {
        if (member.protocol == Protocol.V2) {
            member.startRecovering();
            if (members.contains(member.user)) {
                member.joinHeard.complete(null);
            }
        }
        RoomMember first = local.putIfAbsent(member.user, member);
        if (first != null) {
            RoomMember last = first;
            while (last.nextDevice != null) {
                last = last.nextDevice;
            }
            last.nextDevice = member;
        }
        count(member, 1);
    }

    private void count(RoomMember member, int change) {
        if (member != null && member.protocol == Protocol.V1) {
            v1Members += change;
        }
    }

    /** Holds back messages for a member that repairs a gap by joining again. */
    synchronized boolean reattach(RoomMember member) {
        if (!isLocal(member)) {
            return false;
        }
        member.startRecovering();
        return true;
    }

    /**
     * A member that has left stops hearing the room, even before (or without) its leave being told here.
     * Only this takes a session's subscription away: a leave told by the bus is the user's last session's,
     * and one of its sessions here may already be joining again.
     */
    synchronized void detach(RoomMember member) {
        RoomMember first = local.get(member.user);
        if (first == member) {
            if (member.nextDevice != null) {
                local.put(member.user, member.nextDevice);
            } else {
                local.remove(member.user);
            }
        } else {
            RoomMember before = first;
            while (before != null && before.nextDevice != member) {
                before = before.nextDevice;
            }
            if (before == null) {
                return;
            }
            before.nextDevice = member.nextDevice;
        }
        member.nextDevice = null;
        count(member, -1);
    }

    private boolean isLocal(RoomMember member) {
        for (RoomMember device = local.get(member.user); device != null; device = device.nextDevice) {
            if (device == member) {
                return true;
            }
        }
        return false;
    }

    synchronized boolean isEmpty() {
        return local.isEmpty();
    }

    // ---- the bus's events, in the room's order

    @Override
    public void posted(String epoch, Stored message) {
        List<Peer> written;
        synchronized (this) {
            written = new ArrayList<>(local.size());
            if (toldByName() && pending.contains(new Change(message.from(), true))) {
                tellPresence(written); // a member's join reaches everyone before its first message
            }
            String v1 = null;
            String v2 = null;
            for (RoomMember first : local.values()) {
                for (RoomMember member = first; member != null; member = member.nextDevice) {
                    if (member.isRecovering()) {
                        member.pending.add(message);
                    } else if (member.replayed(epoch, message.seq())) {
                        continue;
                    } else if (member.protocol == Protocol.V1) {
                        if (!member.announced) {
                            continue;
                        }
                        v1 = v1 != null ? v1 : Render.v1(message);
                        queue(member, v1, written);
                    } else {
                        v2 = v2 != null ? v2 : Render.v2(Optional.of(name), epoch, message);
                        queue(member, v2, written);
                    }
                }
            }
            ChatLog.delivered(v2 != null ? v2 : v1 != null ? v1 : Render.v2(Optional.of(name), epoch, message),
                    written.size());
            Meters.deliveredAfter(message.timeMillis());
        }
        flush(written);
    }

    @Override
    public void joined(String user, String content) {
        List<Peer> written = new ArrayList<>();
        synchronized (this) {
            join(user, content, written);
        }
        flush(written);
    }

    @Override
    public void left(String user, String content) {
        List<Peer> written = new ArrayList<>();
        synchronized (this) {
            leave(user, content, written);
        }
        flush(written);
    }

    /**
     * The cluster's member list: taken as it is when this node starts to listen (nobody here is live
     * yet), told as the difference after events were missed.
     */
    @Override
    public void members(List<String> users) {
        List<Peer> written = new ArrayList<>();
        synchronized (this) {
            if (!seeded) {
                seeded = true;
                members.addAll(users);
                for (String user : users) { // another device of the user is in: no join of its will be told
                    for (RoomMember device = local.get(user); device != null; device = device.nextDevice) {
                        device.joinHeard.complete(null);
                    }
                }
                return;
            }
            LinkedHashSet<String> now = new LinkedHashSet<>(users);
            for (String user : List.copyOf(members)) {
                if (!now.contains(user)) {
                    leave(user, "", written);
                }
            }
            for (String user : users) {
                if (!members.contains(user)) {
                    join(user, "", written);
                }
            }
        }
        flush(written);
    }

    private void join(String user, String content, List<Peer> written) {
        members.remove(user); // one who comes back goes to the end
        members.add(user);
        for (RoomMember joining = local.get(user); joining != null; joining = joining.nextDevice) {
            joining.announced = true; // a v1 member's own login is the first it hears
            joining.joinHeard.complete(null);
        }
        tellV1(() -> new ServerEvent.Login(user, content, List.copyOf(members)), written);
        if (toldByName() && pending.contains(new Change(user, false))) {
            tellPresence(written); // keep "left" and "joined" of one user in their order
        }
        pending.add(new Change(user, true));
        schedulePresence();
    }

    private void leave(String user, String content, List<Peer> written) {
        if (!members.remove(user)) {
            return;
        }
        tellV1(() -> new ServerEvent.Logout(user, content, List.copyOf(members)), written);
        if (toldByName() && pending.contains(new Change(user, true))) {
            tellPresence(written);
        }
        pending.add(new Change(user, false));
        schedulePresence();
    }

    // ---- what members ask

    /**
     * Answers a (re)join once its recovery is read: {@code joined}, the replay, then the messages held back
     * meanwhile that the replay did not hold, and live from then on.
     */
    void resumed(RoomMember member, Recovery recovery, Optional<String> ref) {
        synchronized (this) {
            if (!isLocal(member) || !member.isRecovering()) {
                return; // left or closed meanwhile
            }
            // what was held back meanwhile joins the replay: the joined reply's seq and member list are both
            // of now, so that every live event after it agrees with that list (a message held back from
            // someone who has left since is history, as the replayed ones are)
            List<Stored> replay = member.handOver(recovery, "room " + name);
            Optional<List<String>> names = members.size() <= settings.fullPresence()
                    ? Optional.of(List.copyOf(members)) : Optional.empty();
            Event.Resume position = new Event.Resume(recovery.epoch(), member.replayedTo, recovery.recovered(),
                    replay.size());
            String joined = V2Json.write(new Event.Joined(name, position, names, members.size(), ref));
            member.peer.enqueue(joined);
            ChatLog.replied(joined, member.peer);
            for (Stored message : replay) {
                member.peer.enqueue(Render.v2(Optional.of(name), recovery.epoch(), message));
            }
            ChatLog.replayed(name, replay.size(), member.peer);
            member.presenceSeen = pending.size(); // its member list already holds those changes
        }
        member.peer.flush();
    }

    /** A page of the member list, in order of joining, after {@code after}; empty if {@code after} left. */
    synchronized Event.Members page(Optional<String> after, int limit, Optional<String> ref) {
        List<String> users = new ArrayList<>(Math.min(limit, members.size()));
        boolean started = after.isEmpty();
        boolean more = false;
        for (String user : members) {
            if (!started) {
                started = user.equals(after.get());
                continue;
            }
            if (users.size() == limit) {
                more = true;
                break;
            }
            users.add(user);
        }
        return new Event.Members(name, users, more ? Optional.of(users.get(users.size() - 1)) : Optional.empty(),
                ref);
    }

    synchronized int count() {
        return members.size();
    }

    // ---- presence

    private void schedulePresence() {
        if (!presenceScheduled) {
            presenceScheduled = true;
            scheduler.schedule(this::presenceDue, presenceDelayMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The presence interval; in count mode, as many intervals as the room holds presence limits. A count
     * goes to every member, so a room k times the limit hears it k times less often: whatever its size, a
     * room's presence costs at most about a limit's worth of frames per interval. Without that, 5,000
     * users joining one after another were sent 260,000 count frames.
     */
    private long presenceDelayMillis() {
        long every = settings.presenceEvery().toMillis();
        int limit = Math.max(1, settings.fullPresence());
        return toldByName() ? every : every * ((members.size() + limit - 1) / limit);
    }

    private void presenceDue() {
        List<Peer> written = new ArrayList<>();
        synchronized (this) {
            presenceScheduled = false;
            tellPresence(written);
        }
        flush(written);
    }

    /**
     * Whether presence names who joined and left, so that a change must be told ahead of the interval to
     * stay in order with the member's messages; a count has no such order, and waits for the interval.
     */
    private boolean toldByName() {
        return members.size() <= settings.fullPresence();
    }

    /**
     * Tells live v2 members what changed since the last time: names in rooms within the presence limit,
     * else only the count, and that only when it changed. Each member hears the changes after the ones
     * its own {@code joined} reply already reflected; nearly always that is all of them, encoded once.
     */
    private void tellPresence(List<Peer> written) {
        boolean counting = members.size() > settings.fullPresence();
        boolean countChanged = members.size() != countTold;
        Map<Integer, String> frames = new HashMap<>();
        Map<String, Integer> receivers = new HashMap<>();
        for (RoomMember first : local.values()) {
            for (RoomMember member = first; member != null; member = member.nextDevice) {
                if (member.protocol != Protocol.V2 || member.isRecovering()) {
                    continue;
                }
                int from = Math.min(member.presenceSeen, pending.size());
                member.presenceSeen = 0;
                if (counting ? !countChanged : from == pending.size()) {
                    continue;
                }
                String frame = frames.computeIfAbsent(from, start -> V2Json.write(counting
                        ? new Event.PresenceCount(name, members.size())
                        : presence(pending.subList(start, pending.size()))));
                queue(member, frame, written);
                receivers.merge(frame, 1, Integer::sum);
            }
        }
        receivers.forEach(ChatLog::delivered); // each frame with its own receivers, so none is counted twice
        pending.clear();
        countTold = members.size();
    }

    private Event.Presence presence(List<Change> changes) {
        List<String> joined = new ArrayList<>();
        List<String> left = new ArrayList<>();
        changes.forEach(change -> (change.joined() ? joined : left).add(change.user()));
        return new Event.Presence(name, joined, left);
    }

    private record Change(String user, boolean joined) {
    }

    private void tellV1(Supplier<ServerEvent> event, List<Peer> written) {
        if (v1Members == 0) {
            return;
        }
        String frame = ChatJson.write(event.get());
        int before = written.size();
        for (RoomMember member : local.values()) { // v1 names are anonymous: one session each
            if (member.protocol == Protocol.V1 && member.announced) {
                queue(member, frame, written);
            }
        }
        ChatLog.delivered(frame, written.size() - before);
    }

    private static void queue(RoomMember member, String frame, List<Peer> written) {
        member.peer.enqueue(frame);
        written.add(member.peer);
    }

    private static void flush(List<Peer> written) {
        written.forEach(Peer::flush);
    }
}
