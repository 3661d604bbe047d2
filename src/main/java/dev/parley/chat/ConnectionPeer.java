package dev.parley.chat;

import dev.parley.connection.Connection;
import dev.parley.connection.Disconnect;
import dev.parley.connection.OutboundFrame;

/** A chat session's frames go to its connection's bounded outbox. */
record ConnectionPeer(Connection connection) implements Peer {

    @Override
    public boolean enqueue(String frame) {
        return connection.outbox().enqueue(new OutboundFrame.Text(frame));
    }

    @Override
    public void flush() {
        connection.outbox().flush();
    }

    @Override
    public void close(Disconnect why) {
        connection.outbox().send(new OutboundFrame.Close(why));
    }

    @Override
    public String toString() {
        return connection.toString();
    }
}
