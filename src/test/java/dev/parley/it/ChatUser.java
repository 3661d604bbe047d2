package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.chat.protocol.ChatJson;
import dev.parley.chat.protocol.ClientMessage;
import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.chat.protocol.ServerEvent;
import java.net.URI;
import java.util.Optional;

/** A chat participant in a test: sends protocol messages and takes the server's events in order. */
public final class ChatUser implements AutoCloseable {

    private final WsClient client;

    private ChatUser(WsClient client) {
        this.client = client;
    }

    /** Connects and takes the handshake every new connection is sent. */
    public static ChatUser connect(URI chat) {
        ChatUser user = new ChatUser(WsClient.connect(chat));
        user.expect(new ServerEvent.Handshake());
        return user;
    }

    public WsClient raw() {
        return client;
    }

    public void register(String uuid, String content) {
        send(new ClientMessage.Register(uuid, content));
    }

    public void say(String content) {
        send(new ClientMessage.Send(content, Optional.empty()));
    }

    public void sayTo(String to, String content) {
        send(new ClientMessage.Send(content, Optional.of(to)));
    }

    public void unregister(String uuid, String content) {
        send(new ClientMessage.Unregister(uuid, content));
    }

    public void send(ClientMessage message) {
        client.send(ChatJson.write(message));
    }

    public ServerEvent next() {
        return event(client.nextText());
    }

    /** A chat event as the server sent it, for clients other than this one. */
    static ServerEvent event(String text) {
        try {
            return ChatJson.readServerEvent(text);
        } catch (ProtocolException e) {
            throw new AssertionError("not a chat event: " + text, e);
        }
    }

    public void expect(ServerEvent expected) {
        assertEquals(expected, next());
    }

    /** The next event must be an error with {@code code}; returns it for further checks. */
    public ServerEvent.Error expectError(ErrorCode code) {
        ServerEvent event = next();
        if (!(event instanceof ServerEvent.Error error) || error.code() != code) {
            throw new AssertionError("expected an error " + code.wireName() + ", got " + event);
        }
        return error;
    }

    @Override
    public void close() {
        client.close();
    }
}
