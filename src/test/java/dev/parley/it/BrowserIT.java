package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.bus.redis.TcpProxy;
import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.UserMessage;
import dev.parley.chat.protocol.v2.Event;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Keys;

/**
 * The browser page on {@code parley.v2} (issue #14), in headless Chromium: two people in two rooms and a
 * private conversation, beside a tutorial (v1) client in the lobby; markup shown as text; the page's
 * connection cut while others talk: a banner, then every message once, in order, and what was typed meanwhile
 * sent once; a room whose messages expired while the page was away (here after 12 s) marked as truncated.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BrowserIT {

    /** Markup and script that the page must show as text and never run. */
    private static final String HOSTILE = "<script>window.pwned = 1</script><b>bold</b><img src=x onerror=\"window.pwned = 2\">";
    private static final String HOSTILE_NAME = "<img src=y onerror=\"window.pwned = 3\">";
    /** How long the server keeps a message: what a page away longer cannot get back. */
    private static final int HISTORY_SECONDS = 12;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley().addAsResource(new StringAsset("parley.history.ttl-seconds=" + HISTORY_SECONDS),
                "META-INF/microprofile-config.properties");
    }

    @ArquillianResource
    URL base;

    @Test
    void twoBrowsersInTwoRoomsAndAPrivateConversation() throws Exception {
        try (ChatUser tom = ChatUser.connect(Deployments.ws(base, "chat"));
                BrowserUser anna = new BrowserUser(Deployments.http(base, ""));
                BrowserUser ben = new BrowserUser(Deployments.http(base, ""))) {
            tom.register("tom", "from Tyrus");
            tom.expect(new Login("tom", "from Tyrus", List.of("tom")));

            anna.join("anna");
            tom.expect(new Login("anna", "", List.of("tom", "anna")));
            ben.join("ben");
            tom.expect(new Login("ben", "", List.of("tom", "anna", "ben")));
            anna.awaitMembers(List.of("tom", "anna", "ben"));
            anna.awaitLine("#lobby", "ben joined");

            anna.say("hello from anna");
            tom.expect(new UserMessage("hello from anna", "anna", Optional.empty()));
            ben.awaitLine("#lobby", "anna: hello from anna");
            tom.say("hi browsers");
            anna.awaitLine("#lobby", "tom: hi browsers");
            ben.awaitLine("#lobby", "tom: hi browsers");

            anna.joinRoom("tea");
            ben.joinRoom("tea");
            ben.say("in tea");
            anna.awaitLine("#tea", "ben: in tea");
            anna.show("#lobby");
            ben.say("again in tea");
            anna.awaitLine("#tea", "ben: again in tea");
            assertEquals("1", anna.unread("#tea"), "unread while anna looks at the lobby");
            anna.show("#tea");
            assertEquals("", anna.unread("#tea"));

            anna.openPrivate("ben");
            anna.say("just for you");
            ben.awaitLine("@anna", "anna: just for you");
            assertEquals("1", ben.unread("@anna"));
            anna.awaitLine("@ben", "anna: just for you");

            // markup from a Tyrus client is shown as text, in messages and in names
            tom.say(HOSTILE);
            ben.awaitLine("#lobby", "tom: " + HOSTILE);
            try (ChatUser mallory = ChatUser.connect(Deployments.ws(base, "chat"))) {
                mallory.register(HOSTILE_NAME, "hi");
                ben.show("#lobby");
                ben.awaitMembers(List.of("tom", "anna", "ben", HOSTILE_NAME));
                ben.awaitLine("#lobby", HOSTILE_NAME + " joined");
            }
            for (BrowserUser browser : List.of(anna, ben)) {
                assertNull(browser.script("return window.pwned;"), "markup from the chat ran in the page");
                assertEquals(0, browser.elementsInLogs("b, script, img"));
            }
        }
    }

    /**
     * Everything by keyboard alone: join, talk, create a room, go back to the lobby, open a private
     * conversation from the member list; the conversations are an ARIA live region.
     */
    @Test
    void usableByKeyboardAlone() throws Exception {
        try (V2User tom = V2User.hello(Deployments.ws(base, "chat"), "tom-keys");
                BrowserUser kit = new BrowserUser(Deployments.http(base, ""))) {
            Event.Joined joined = tom.join("lobby");
            for (int replayed = 0; replayed < joined.position().missed(); replayed++) { // what others said before
                tom.nextIgnoringPresence(Event.Message.class);
            }
            kit.press(Keys.TAB);
            assertEquals("name", kit.focused(), "the name field comes first");
            kit.press("kit", Keys.ENTER);
            kit.awaitConversation("#lobby");
            assertEquals("text", kit.focused(), "joined, the message field has the focus");
            kit.press("typed, not clicked", Keys.ENTER);
            assertEquals("typed, not clicked", tom.nextIgnoringPresence(Event.Message.class).text());

            kit.tabTo("room-name", true);
            kit.press("keys", Keys.ENTER);
            kit.awaitConversation("#keys");
            assertEquals("text", kit.focused());
            kit.press("in keys", Keys.ENTER);
            kit.awaitLine("#keys", "kit: in keys");

            kit.tabTo("#lobby", true);
            kit.press(Keys.ENTER);
            assertEquals("#lobby", kit.script("return document.getElementById('title').textContent;"));
            kit.tabTo("tom-keys", false); // the member list, after the message field
            kit.press(Keys.ENTER);
            kit.awaitConversation("@tom-keys");
            assertEquals("text", kit.focused());
            kit.press("psst", Keys.ENTER);
            Event.Message private_ = tom.nextIgnoringPresence(Event.Message.class);
            assertEquals("psst", private_.text());
            assertEquals(Optional.of("tom-keys"), private_.to());

            assertEquals("log", kit.script("return document.getElementById('logs').getAttribute('role');"));
            assertEquals("polite", kit.script("return document.getElementById('logs').getAttribute('aria-live');"));
        }
    }

    @Test
    void aCutPageShowsTheBannerThenEveryMessageOnceInOrderAndMarksWhatWasLost() throws Exception {
        URI direct = Deployments.http(base, "");
        try (TcpProxy proxy = TcpProxy.to(direct.getHost(), direct.getPort());
                V2User tom = V2User.hello(Deployments.ws(base, "chat"), "tom3");
                BrowserUser cleo = new BrowserUser(URI.create("http://127.0.0.1:" + proxy.port() + direct.getRawPath()))) {
            tom.join("quiet");
            tom.join("busy");
            cleo.join("cleo");
            cleo.joinRoom("busy");
            cleo.joinRoom("quiet");
            cleo.awaitMembers(List.of("tom3", "cleo"));

            proxy.cut();
            cleo.awaitBanner(true);
            for (int i = 1; i <= 3; i++) { // expired before cleo is back: she cannot get them
                tom.say("busy", "busy " + i, "b-" + i);
                tom.acked();
            }
            Thread.sleep((HISTORY_SECONDS + 1) * 1000L);
            List<String> sent = IntStream.rangeClosed(1, 5).mapToObj(i -> "while away " + i).toList();
            for (String text : sent) {
                tom.say("quiet", text, "c-" + text);
                tom.acked();
            }
            cleo.say("typed while away");
            assertEquals(1, cleo.pending("#quiet").size(), "shown as pending until acknowledged");

            proxy.heal();
            cleo.awaitBanner(false);
            cleo.awaitLine("#quiet", "tom3: while away 5");
            List<String> heard = cleo.lines("#quiet").stream().filter(line -> line.contains("tom3: while away"))
                    .map(line -> line.substring(line.indexOf("tom3: ") + 6)).toList();
            assertEquals(sent, heard, "every message once, in order");
            Event.Message typed = tom.nextIgnoringPresence(Event.Message.class);
            assertEquals("typed while away", typed.text());
            cleo.awaitLine("#busy", "some messages may be missing here \u2014");
            assertTrue(cleo.lines("#busy").stream().noneMatch(line -> line.contains("tom3: busy")),
                    cleo.lines("#busy").toString());
            assertTrue(cleo.pending("#quiet").isEmpty(), "acknowledged once back");
            cleo.show("#busy");
            tom.say("busy", "back to business", "b-back");
            tom.acked();
            cleo.awaitLine("#busy", "tom3: back to business");

            tom.say("quiet", "after", "c-after");
            tom.acked();
            cleo.awaitLine("#quiet", "tom3: after");
            assertEquals("1", cleo.unread("#quiet"));
            cleo.screenshot(Path.of("target", "screenshots", "parley-page.png")); // rooms, members, a gap marker
            assertEquals(1, cleo.lines("#quiet").stream().filter(line -> line.endsWith("cleo: typed while away"))
                    .count(), "sent once");
        }
    }
}
