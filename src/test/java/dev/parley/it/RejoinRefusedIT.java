package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.bus.redis.TcpProxy;
import dev.parley.client.ChatOptions;
import dev.parley.client.ParleyClientException;
import dev.parley.client.v2.ChatEvents;
import dev.parley.client.v2.Identity;
import dev.parley.client.v2.ParleyChat;
import dev.parley.client.v2.Room;
import dev.parley.client.v2.RoomListener;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A room the server will not take back after a reconnect (here: while the client was away, others filled the
 * server's {@code parley.rooms.max} of 2) is not left silent: the library tells the room's listener it is
 * lost and the room's sends fail, and the browser page says so in the room's conversation; joining it again
 * once there is space works.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RejoinRefusedIT {

    private static final Duration WITHIN = Duration.ofSeconds(20);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley().addAsResource(new StringAsset("parley.rooms.max=2"),
                "META-INF/microprofile-config.properties");
    }

    @ArquillianResource
    URL base;

    private TcpProxy proxy() throws Exception {
        URI direct = Deployments.http(base, "");
        return TcpProxy.to(direct.getHost(), direct.getPort());
    }

    private static URI through(TcpProxy proxy, URI direct) {
        return URI.create(direct.getScheme() + "://127.0.0.1:" + proxy.port() + direct.getRawPath());
    }

    /** The listener of a room, which waits to hear it lost. */
    static final class Lost implements RoomListener {
        final CompletableFuture<String> why = new CompletableFuture<>();

        @Override
        public void onLost(Room room, String reason) {
            why.complete(reason);
        }
    }

    /**
     * Joins {@code room}, trying again while the server is still full: the rooms of a client just cut off
     * go once the server has noticed the cut.
     */
    private static Room joinWhenThereIsSpace(ParleyChat chat, String room) throws InterruptedException {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (true) {
            try {
                return chat.join(room, new RoomListener() { });
            } catch (ParleyClientException full) {
                if (!full.getMessage().startsWith("too_many_rooms") || System.nanoTime() > deadline) {
                    throw full;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void theLibraryTellsTheRoomItIsLostAndItsSendsFail() throws Exception {
        Lost lost = new Lost();
        ChatOptions fast = ChatOptions.defaults().withBackoff(Duration.ofMillis(50), Duration.ofMillis(400));
        try (TcpProxy proxy = proxy();
                ParleyChat ada = ParleyChat.connect(through(proxy, Deployments.ws(base, "chat")), Identity.user("ada"),
                        new ChatEvents() { }, fast)) {
            Room kept = ada.join("kept", lost);
            assertEquals(1L, kept.send("before").toCompletableFuture().get(WITHIN.toMillis(), TimeUnit.MILLISECONDS));

            proxy.cut();
            try (ParleyChat filler = ParleyChat.connect(Deployments.ws(base, "chat"), Identity.user("filler"),
                    new ChatEvents() { }, fast)) {
                joinWhenThereIsSpace(filler, "full-1");
                Room second = joinWhenThereIsSpace(filler, "full-2");
                proxy.heal();

                String why = lost.why.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
                assertTrue(why.contains("too_many_rooms"), why);
                ExecutionException refused = assertThrows(ExecutionException.class,
                        () -> kept.send("after").toCompletableFuture().get(WITHIN.toMillis(), TimeUnit.MILLISECONDS));
                assertTrue(refused.getCause().getMessage().startsWith("not_joined"), refused.getCause().getMessage());

                second.leave().toCompletableFuture().get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
                Room again = joinWhenThereIsSpace(ada, "kept");
                assertEquals(2L, again.send("after").toCompletableFuture().get(WITHIN.toMillis(), TimeUnit.MILLISECONDS),
                        "the room's history outlived its members: the seq goes on");
            }
        }
    }

    @Test
    void thePageSaysInTheRoomThatItIsNoLongerIn() throws Exception {
        try (TcpProxy proxy = proxy();
                BrowserUser bea = new BrowserUser(through(proxy, Deployments.http(base, "")))) {
            bea.join("bea");
            bea.joinRoom("mine");
            bea.awaitMembers(List.of("bea"));

            proxy.cut();
            bea.awaitBanner(true);
            try (ParleyChat filler = ParleyChat.connect(Deployments.ws(base, "chat"), Identity.user("filler2"),
                    new ChatEvents() { }, ChatOptions.defaults())) {
                joinWhenThereIsSpace(filler, "full-3");
                joinWhenThereIsSpace(filler, "full-4");
                proxy.heal();
                bea.awaitBanner(false);
                bea.awaitLine("#mine", "you are not in this room: the server holds as many rooms as it may \u2014");
                bea.awaitMembers(List.of()); // the room shown lists nobody now
                bea.show("#lobby");
                bea.awaitMembers(List.of("bea")); // the lobby is always allowed, and was taken back
            }
        }
    }
}
