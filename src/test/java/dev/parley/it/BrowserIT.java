package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.UserMessage;
import java.net.URL;
import java.util.List;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two people at the browser page and one Tyrus client, chatting through Parley. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BrowserIT {

    /** Markup and script that the page must show as text and never run. */
    private static final String HOSTILE = "<script>window.pwned = 1</script><b>bold</b><img src=x onerror=\"window.pwned = 2\">";
    private static final String HOSTILE_NAME = "<img src=y onerror=\"window.pwned = 3\">";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    @Test
    void twoBrowsersAndATyrusClientChat() throws Exception {
        try (ChatUser tom = ChatUser.connect(Deployments.ws(base, "chat"));
                BrowserUser anna = new BrowserUser(Deployments.http(base, ""));
                BrowserUser ben = new BrowserUser(Deployments.http(base, ""))) {
            tom.register("tom", "from Tyrus");
            tom.expect(new Login("tom", "from Tyrus", List.of("tom")));

            anna.join("anna");
            tom.expect(new Login("anna", "joined from the browser", List.of("tom", "anna")));
            ben.join("ben");
            tom.expect(new Login("ben", "joined from the browser", List.of("tom", "anna", "ben")));
            anna.awaitUsers(List.of("tom", "anna", "ben"));
            anna.awaitLine("ben joined: joined from the browser");

            anna.say("hello from anna");
            tom.expect(new UserMessage("hello from anna", "anna", Optional.empty()));
            ben.awaitLine("anna: hello from anna");

            tom.say("hi browsers");
            tom.expect(new UserMessage("hi browsers", "tom", Optional.empty()));
            anna.awaitLine("tom: hi browsers");
            ben.awaitLine("tom: hi browsers");

            // private: ben to anna; tom never sees it, his next event is the one after
            ben.sendTo("anna", "just for you");
            anna.awaitLine("ben \u2192 anna (private): just for you");
            ben.awaitLine("ben \u2192 anna (private): just for you");
            anna.sendTo("tom", "and one for tom");
            tom.expect(new UserMessage("and one for tom", "anna", Optional.of("tom")));

            // markup from a Tyrus client is shown as text, in messages and in names
            tom.say(HOSTILE);
            anna.awaitLine("tom: " + HOSTILE);
            try (ChatUser mallory = ChatUser.connect(Deployments.ws(base, "chat"))) {
                mallory.register(HOSTILE_NAME, "hi");
                ben.awaitUsers(List.of("tom", "anna", "ben", HOSTILE_NAME));
                ben.awaitLine(HOSTILE_NAME + " joined: hi");
            }
            for (BrowserUser browser : List.of(anna, ben)) {
                assertNull(browser.script("return window.pwned;"), "markup from the chat ran in the page");
                assertEquals(0, browser.elementsInLog("b, script, img"));
            }
        }
    }

    @Test
    void thePageReconnectsAndJoinsAgainWhenTheConnectionDrops() throws Exception {
        try (ChatUser tom = ChatUser.connect(Deployments.ws(base, "chat"));
                BrowserUser cleo = new BrowserUser(Deployments.http(base, ""))) {
            tom.register("tom2", "");
            tom.expect(new Login("tom2", "", List.of("tom2")));
            cleo.join("cleo");
            tom.expect(new Login("cleo", "joined from the browser", List.of("tom2", "cleo")));

            // past the size limit: the server closes the page's connection with 1009
            cleo.say("x".repeat(70_000));
            cleo.awaitLine("connection lost (1009 message too big); reconnecting in 0.3 s");
            tom.next(); // cleo's logout
            tom.expect(new Login("cleo", "joined from the browser", List.of("tom2", "cleo")));

            cleo.say("back again");
            tom.expect(new UserMessage("back again", "cleo", Optional.empty()));
            assertTrue(cleo.lines().stream().filter(line -> line.endsWith("cleo joined: joined from the browser"))
                    .count() == 2, cleo.lines().toString());
        }
    }
}
