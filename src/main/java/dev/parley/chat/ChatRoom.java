package dev.parley.chat;

import dev.parley.chat.FanOut.Delivery;
import dev.parley.chat.protocol.ClientMessage;
import dev.parley.chat.protocol.ClientMessage.Register;
import dev.parley.chat.protocol.ClientMessage.Send;
import dev.parley.chat.protocol.ClientMessage.Unregister;
import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ServerEvent;
import dev.parley.chat.protocol.ServerEvent.Handshake;
import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.Logout;
import dev.parley.chat.protocol.ServerEvent.UserMessage;
import dev.parley.connection.Connection;
import dev.parley.connection.ConnectionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/** The chat's rules: who may register, send and leave, and who hears about it. */
@ApplicationScoped
public class ChatRoom {

    /** Serialises membership changes, so that every user sees logins and logouts in the same order. */
    private final Object membership = new Object();

    @Inject
    ConnectionRegistry registry;

    @Inject
    FanOut fanOut;

    public void join(Connection connection) {
        fanOut.reply(new Handshake(), connection);
    }

    public void handle(Connection connection, ClientMessage message) {
        if (message instanceof Register register) {
            register(connection, register);
        } else if (message instanceof Send send) {
            send(connection, send);
        } else if (message instanceof Unregister unregister) {
            unregister(connection, unregister);
        }
    }

    /** A connection that closed or failed leaves as if it had unregistered with no content. */
    public void leave(Connection connection) {
        Delivery delivery;
        synchronized (membership) {
            Optional<String> uuid = registry.unbind(connection);
            if (uuid.isEmpty()) {
                return;
            }
            delivery = fanOut.enqueue(new Logout(uuid.get(), "", registry.users()), registry.userConnections());
        }
        delivery.flush();
    }

    public void refuse(Connection connection, ErrorCode code, String reason) {
        refuse(connection, new ServerEvent.Error(code, reason));
    }

    public void refuse(Connection connection, ServerEvent.Error error) {
        fanOut.reply(error, connection);
    }

    private void register(Connection connection, Register register) {
        Delivery delivery;
        synchronized (membership) {
            Optional<String> current = registry.userOf(connection);
            if (current.isPresent()) {
                delivery = refusal(connection, ErrorCode.ALREADY_REGISTERED,
                        "this connection is already registered as '" + current.get() + "'");
            } else if (!registry.bind(register.uuid(), connection)) {
                delivery = refusal(connection, ErrorCode.UUID_TAKEN, "uuid '" + register.uuid() + "' is taken");
            } else {
                delivery = fanOut.enqueue(new Login(register.uuid(), register.content(), registry.users()),
                        registry.userConnections());
            }
        }
        delivery.flush();
    }

    private void send(Connection connection, Send send) {
        Optional<String> from = registry.userOf(connection);
        if (from.isEmpty()) {
            refuse(connection, ErrorCode.NOT_REGISTERED, "register before sending");
            return;
        }
        if (send.to().isEmpty()) {
            fanOut.deliver(new UserMessage(send.content(), from.get(), Optional.empty()), registry.userConnections());
            return;
        }
        String to = send.to().get();
        Optional<Connection> receiver = registry.connectionOf(to);
        if (receiver.isEmpty()) {
            refuse(connection, ErrorCode.NO_SUCH_USER, "no user '" + to + "' is registered");
            return;
        }
        List<Connection> receivers = receiver.get() == connection ? List.of(connection)
                : List.of(receiver.get(), connection);
        fanOut.deliver(new UserMessage(send.content(), from.get(), send.to()), receivers);
    }

    private void unregister(Connection connection, Unregister unregister) {
        Delivery delivery;
        synchronized (membership) {
            Optional<String> current = registry.userOf(connection);
            if (current.isEmpty()) {
                delivery = refusal(connection, ErrorCode.NOT_REGISTERED, "this connection is not registered");
            } else if (!current.get().equals(unregister.uuid())) {
                delivery = refusal(connection, ErrorCode.NOT_YOURS,
                        "uuid '" + unregister.uuid() + "' is not this connection's");
            } else {
                registry.unbind(connection);
                delivery = fanOut.enqueue(new Logout(unregister.uuid(), unregister.content(), registry.users()),
                        registry.userConnections());
            }
        }
        delivery.flush();
    }

    private Delivery refusal(Connection connection, ErrorCode code, String reason) {
        return fanOut.enqueue(new ServerEvent.Error(code, reason), List.of(connection));
    }
}
