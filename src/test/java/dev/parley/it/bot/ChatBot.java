package dev.parley.it.bot;

import dev.parley.chat.protocol.v2.Event;
import dev.parley.client.ChatOptions;
import dev.parley.client.v2.ChatEvents;
import dev.parley.client.v2.Identity;
import dev.parley.client.v2.ParleyChat;
import dev.parley.client.v2.RoomListener;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.ContainerProvider;
import java.net.URI;
import java.util.Optional;

/**
 * Another Jakarta EE application's use of the client library, on {@code parley.v2}: a CDI bean that says
 * hello as {@code bot}, joins the lobby and answers every private message it gets.
 */
@ApplicationScoped
public class ChatBot {

    public static final String NAME = "bot";
    private static final String LOBBY = "lobby";

    /** Reconnection attempts run on the server's own scheduler rather than a thread of the library's. */
    @Resource
    ManagedScheduledExecutorService scheduler;

    private volatile ParleyChat chat;

    public synchronized void join(URI chatUri) {
        if (chat != null) {
            chat.close();
        }
        ChatOptions options = ChatOptions.defaults()
                .withContainer(ContainerProvider.getWebSocketContainer())
                .withScheduler(scheduler);
        chat = ParleyChat.connect(chatUri, Identity.user(NAME), new Replier(), options);
        chat.join(LOBBY, new RoomListener() { });
    }

    @PreDestroy
    void leave() {
        if (chat != null) {
            chat.close();
        }
    }

    private final class Replier implements ChatEvents {
        @Override
        public void onPrivateMessage(Event.Message message) {
            if (message.to().equals(Optional.of(NAME)) && !message.from().equals(NAME)) {
                chat.sendTo(message.from(), "bot heard '" + message.text() + "' from " + message.from());
            }
        }
    }
}
