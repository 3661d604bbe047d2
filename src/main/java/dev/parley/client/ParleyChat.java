package dev.parley.client;

import static dev.parley.client.ParleyClientException.describe;
import static dev.parley.client.ParleyClientException.rootMessage;

import dev.parley.chat.protocol.ClientMessage;
import dev.parley.chat.protocol.ServerEvent;
import dev.parley.chat.protocol.ServerEvent.Handshake;
import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.Logout;
import dev.parley.chat.protocol.ServerEvent.UserMessage;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EncodeException;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * A user in a Parley chat: connects, registers, sends, and hears events through a {@link ChatListener}.
 * After a dropped connection it reconnects with capped exponential backoff and registers again, unless
 * its {@link ChatOptions} say not to.
 *
 * <pre>{@code
 * ParleyChat chat = ParleyChat.connect(URI.create("ws://localhost:8080/parley/chat"), "alice", listener);
 * chat.send("hello everyone");
 * chat.sendTo("bob", "hello bob");
 * chat.leave("bye");
 * }</pre>
 */
public final class ParleyChat implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ParleyChat.class.getName());

    private final URI uri;
    private final String user;
    private final ChatListener listener;
    private final ChatOptions options;

    private volatile Session session;
    private volatile CompletableFuture<Void> registration = new CompletableFuture<>();
    private volatile List<String> users = List.of();
    private volatile boolean closing;
    private final Backoff backoff;

    private ParleyChat(URI uri, String user, ChatListener listener, ChatOptions options) {
        this.uri = uri;
        this.user = user;
        this.listener = listener;
        this.options = options;
        this.backoff = new Backoff(options.firstRetry(), options.maxRetry());
    }

    /** Connects with {@link ChatOptions#defaults()} and returns once {@code user} is registered. */
    public static ParleyChat connect(URI uri, String user, ChatListener listener) {
        return connect(uri, user, listener, ChatOptions.defaults());
    }

    /**
     * Connects and returns once {@code user} is registered.
     *
     * @throws ParleyClientException if the server cannot be reached or refuses the user
     */
    public static ParleyChat connect(URI uri, String user, ChatListener listener, ChatOptions options) {
        ParleyChat chat = new ParleyChat(uri, user, listener, options);
        chat.open();
        return chat;
    }

    public String user() {
        return user;
    }

    /** Everyone registered, as of the latest join or leave this chat heard of. */
    public List<String> users() {
        return users;
    }

    public boolean isConnected() {
        Session current = session;
        return current != null && current.isOpen() && registration.isDone()
                && !registration.isCompletedExceptionally();
    }

    /** Sends {@code text} to everyone. */
    public void send(String text) {
        send(new ClientMessage.Send(text, Optional.empty()));
    }

    /** Sends {@code text} to {@code to} only; the sender sees it too. */
    public void sendTo(String to, String text) {
        send(new ClientMessage.Send(text, Optional.of(to)));
    }

    /** Unregisters with {@code farewell}, then closes the connection. */
    public void leave(String farewell) {
        send(new ClientMessage.Unregister(user, farewell));
        close();
    }

    /** Closes the connection for good: no reconnection follows. */
    @Override
    public void close() {
        closing = true;
        Session current = session;
        if (current != null && current.isOpen()) {
            try {
                current.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye"));
            } catch (IOException e) {
                LOG.fine(() -> "closing: " + e);
            }
        }
    }

    // ---- called by ChatSocket

    void onEvent(ServerEvent event, Session from) {
        if (event instanceof Handshake) {
            send(from, new ClientMessage.Register(user, options.greeting()));
        } else if (event instanceof Login login) {
            users = login.users();
            listener.onJoin(login.uuid(), login.content(), login.users());
            // after the listener, so that connect() returns with the join already told
            if (login.uuid().equals(user)) {
                registration.complete(null);
            }
        } else if (event instanceof Logout logout) {
            users = logout.users();
            listener.onLeave(logout.uuid(), logout.content(), logout.users());
        } else if (event instanceof UserMessage message) {
            listener.onMessage(message.from(), message.content(), message.to());
        } else if (event instanceof ServerEvent.Error error) {
            if (!registration.isDone()) {
                registration.completeExceptionally(new ParleyClientException(
                        "could not register as '" + user + "': " + error.code().wireName() + ": " + error.reason()));
            } else {
                listener.onError(error.code(), error.reason());
            }
        }
    }

    void onClose(Session closed, CloseReason reason) {
        if (closed != session) {
            return; // an earlier connection, already replaced
        }
        boolean wasRegistered = registration.isDone() && !registration.isCompletedExceptionally();
        registration.completeExceptionally(new ParleyClientException("connection closed: " + describe(reason)));
        boolean willReconnect = !closing && wasRegistered && options.reconnect();
        listener.onDisconnect(reason, willReconnect);
        if (willReconnect) {
            scheduleReconnect();
        }
    }

    // ---- connecting

    private void open() {
        registration = new CompletableFuture<>();
        try {
            session = options.container().connectToServer(new ChatSocket(this), uri);
        } catch (Exception e) {
            throw new ParleyClientException("cannot connect to " + uri + ": " + rootMessage(e), e);
        }
        try {
            registration.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            closeQuietly();
            throw e.getCause() instanceof ParleyClientException refused ? refused
                    : new ParleyClientException("registration failed", e.getCause());
        } catch (TimeoutException e) {
            closeQuietly();
            throw new ParleyClientException("no answer from " + uri + " within " + options.timeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly();
            throw new ParleyClientException("interrupted while connecting");
        }
    }

    private void scheduleReconnect() {
        options.scheduleAttempt(this::reconnect, backoff.next());
    }

    private void reconnect() {
        if (closing) {
            return;
        }
        try {
            open();
        } catch (ParleyClientException e) {
            LOG.fine(() -> "reconnect to " + uri + " failed: " + e.getMessage());
            scheduleReconnect();
            return;
        }
        backoff.reset();
        listener.onReconnect();
    }

    private void send(ClientMessage message) {
        Session current = session;
        if (current == null || !current.isOpen()) {
            throw new ParleyClientException("not connected to " + uri);
        }
        send(current, message);
    }

    /** Blocking sends, one at a time per connection: Jakarta WebSocket forbids overlapping ones. */
    private void send(Session to, ClientMessage message) {
        synchronized (to) {
            try {
                to.getBasicRemote().sendObject(message);
            } catch (IOException | EncodeException | IllegalStateException e) { // ISE: a session closing under us
                throw new ParleyClientException("send failed: " + rootMessage(e), e);
            }
        }
    }

    private void closeQuietly() {
        Session current = session;
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                LOG.fine(() -> "closing: " + e);
            }
        }
    }
}
