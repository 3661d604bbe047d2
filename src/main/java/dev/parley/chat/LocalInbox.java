package dev.parley.chat;

import dev.parley.chat.bus.Recovery;
import dev.parley.chat.bus.StreamListener;
import dev.parley.chat.bus.Stored;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.V2Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A user's inbox as this node delivers it: to each of the user's sessions here (an authenticated user's
 * devices; an anonymous name has one). Its monitor is the one lock of the inbox's delivery, as a
 * {@link LocalRoom}'s is of a room's: a v2 session's {@code welcome} and replay are queued under it, so that
 * no private message falls between them.
 */
final class LocalInbox implements StreamListener {

    private final String user;
    private final List<Receiver> devices = new ArrayList<>(1);

    LocalInbox(String user) {
        this.user = user;
    }

    /** A v2 session holds back what comes until {@link #resumed} answers its hello; a v1 one hears it at once. */
    synchronized void attach(Receiver device) {
        if (device.protocol == Protocol.V2) {
            device.startRecovering();
        }
        devices.add(device);
    }

    /** True if no session of the user is left here. */
    synchronized boolean detach(Receiver device) {
        devices.remove(device);
        return devices.isEmpty();
    }

    @Override
    public void posted(String epoch, Stored message) {
        List<Receiver> written = new ArrayList<>(1);
        synchronized (this) {
            String v1 = null;
            String v2 = null;
            for (Receiver device : devices) {
                if (device.isRecovering()) {
                    device.pending.add(message);
                    continue;
                } else if (device.replayed(epoch, message.seq())) {
                    continue;
                }
                String frame;
                if (device.protocol == Protocol.V2) {
                    frame = v2 = v2 != null ? v2 : Render.v2(Optional.empty(), epoch, message);
                } else {
                    frame = v1 = v1 != null ? v1 : Render.v1(message);
                }
                device.peer.enqueue(frame);
                ChatLog.replied(frame, device.peer);
                written.add(device);
            }
        }
        written.forEach(device -> device.peer.flush());
    }

    /**
     * Answers a v2 session's hello once the inbox's recovery is read: {@code welcome} with where the inbox
     * stands and how much follows, the missed messages, then live.
     */
    void resumed(Receiver device, Recovery recovery, Function<Event.Resume, Event> welcome) {
        synchronized (this) {
            if (!devices.contains(device) || !device.isRecovering()) {
                return; // closed meanwhile
            }
            List<Stored> replay = device.handOver(recovery, "inbox " + user);
            String welcomed = V2Json.write(welcome.apply(new Event.Resume(recovery.epoch(), device.replayedTo,
                    recovery.recovered(), replay.size())));
            device.peer.enqueue(welcomed);
            ChatLog.replied(welcomed, device.peer);
            for (Stored message : replay) {
                device.peer.enqueue(Render.v2(Optional.empty(), recovery.epoch(), message));
            }
            ChatLog.replayed("inbox " + user, replay.size(), device.peer);
        }
        device.peer.flush();
    }

    synchronized boolean isEmpty() {
        return devices.isEmpty();
    }
}
