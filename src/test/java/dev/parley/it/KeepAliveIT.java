package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.chat.protocol.ChatJson;
import dev.parley.chat.protocol.ClientMessage.Register;
import dev.parley.chat.protocol.ClientMessage.Send;
import dev.parley.chat.protocol.ServerEvent.Handshake;
import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.Logout;
import dev.parley.chat.protocol.ServerEvent.UserMessage;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Idle connections are pinged and kept; dead ones are dropped and logged out. The test servers ping
 * after 1 s of silence and drop after 5 s (arquillian.xml); the defaults are 30 s and 75 s.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class KeepAliveIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    /**
     * On a bare socket, because client libraries answer pings themselves and hide them: this one sees
     * each ping and answers it, so that the test fails if none comes.
     */
    @Test
    void anIdleClientThatAnswersPingsStaysConnected() throws Exception {
        try (RawWebSocket idle = RawWebSocket.open(Deployments.ws(base, "chat"))) {
            assertEquals(new Handshake(), ChatUser.event(idle.read().text()));
            idle.sendText(ChatJson.write(new Register("k-idle", "")));
            assertEquals(new Login("k-idle", "", List.of("k-idle")), ChatUser.event(idle.read().text()));
            // twice the silence after which a peer that does not answer is dropped, saying nothing but pongs
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < until) {
                idle.answerPing();
            }
            idle.sendText(ChatJson.write(new Send("still here", Optional.empty())));
            assertEquals(new UserMessage("still here", "k-idle", Optional.empty()), ChatUser.event(idle.read().text()));
        }
    }

    @Test
    void aPeerThatStopsAnsweringIsDroppedAndLoggedOut() throws Exception {
        URI chat = Deployments.ws(base, "chat");
        try (ChatUser watcher = ChatUser.connect(chat); RawWebSocket ghost = RawWebSocket.open(chat)) {
            watcher.register("k-watcher", "");
            watcher.expect(new Login("k-watcher", "", List.of("k-watcher")));
            ghost.sendText("{\"type\":\"register\",\"uuid\":\"k-ghost\",\"content\":\"\"}");
            watcher.expect(new Login("k-ghost", "", List.of("k-watcher", "k-ghost")));
            // the ghost never reads again, so never answers a ping: dropped within interval + timeout
            watcher.expect(new Logout("k-ghost", "", List.of("k-watcher")));
        }
    }
}
