package dev.parley.chat;

import dev.parley.chat.bus.StreamListener;
import dev.parley.chat.bus.Stored;
import java.util.Optional;

/** A user's inbox as this node delivers it: to the one session that holds the name (anonymous mode). */
final class LocalInbox implements StreamListener {

    private final Protocol protocol;
    private final Peer peer;

    LocalInbox(Protocol protocol, Peer peer) {
        this.protocol = protocol;
        this.peer = peer;
    }

    @Override
    public void posted(String epoch, Stored message) {
        String frame = protocol == Protocol.V2 ? Render.v2(Optional.empty(), epoch, message) : Render.v1(message);
        peer.send(frame);
        ChatLog.replied(frame, peer);
    }
}
