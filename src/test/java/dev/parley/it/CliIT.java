package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.Logout;
import dev.parley.chat.protocol.ServerEvent.UserMessage;
import dev.parley.chat.protocol.v2.Event;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
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

/** {@code java -jar target/parley-cli.jar ...} as a script would run it, with its input piped in. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CliIT {

    private static final String CLI_JAR = System.getProperty("parley.cli.jar", "target/parley-cli.jar");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    record Run(int status, List<String> out, String err) {
    }

    @Test
    void echoAndReceiptAnswerEveryLine() throws Exception {
        Run echo = cli("hello\nworld\n", "echo", url("echo"));
        assertEquals(0, echo.status(), echo.err());
        assertEquals(List.of("Echo: hello", "Echo: world"), echo.out());

        Run receipt = cli("one\n", "receipt", url("receipt"));
        assertEquals(0, receipt.status(), receipt.err());
        assertEquals(1, receipt.out().size());
        assertTrue(receipt.out().get(0).matches("Data received as \"one\"\\. time: \\S+[+-]\\d\\d:\\d\\d"),
                receipt.out().toString());
    }

    @Test
    void greetIsTheTutorialsInteractiveClient() throws Exception {
        Run greet = cli("how are you\nexit\n", "greet", url("greet"));
        assertEquals(0, greet.status(), greet.err());
        assertEquals(List.of("handshake succeeded", "input text: success,get mess: how are you",
                "input text: exit, bye!"), greet.out());
    }

    @Test
    void chatBroadcastsWhispersListsAndLeaves() throws Exception {
        try (ChatUser watcher = ChatUser.connect(Deployments.ws(base, "chat"))) {
            watcher.register("watcher", "");
            watcher.expect(new Login("watcher", "", List.of("watcher")));

            Run chat = cli("hi all\n/to watcher psst\n/users\nexit\n", "chat", url("chat"), "--v1", "--user",
                    "cli-alice");
            assertEquals(0, chat.status(), chat.err());

            watcher.expect(new Login("cli-alice", "hello", List.of("watcher", "cli-alice")));
            watcher.expect(new UserMessage("hi all", "cli-alice", Optional.empty()));
            watcher.expect(new UserMessage("psst", "cli-alice", Optional.of("watcher")));
            watcher.expect(new Logout("cli-alice", "bye", List.of("watcher")));

            List<String> lines = chat.out().stream().map(line -> line.replaceFirst("^\\[\\d\\d:\\d\\d:\\d\\d] ", "")).toList();
            assertEquals(List.of(
                    "* cli-alice joined \"hello\" (online: watcher, cli-alice)",
                    "cli-alice: hi all",
                    "cli-alice -> watcher (private): psst",
                    "online: watcher, cli-alice",
                    "you left the chat"), lines);
        }
    }

    /** Issue #14: the chat command speaks parley.v2 by default, through pipes. */
    @Test
    void chatOnV2JoinsRoomsSendsPrivatelyAndShowsHistory() throws Exception {
        try (V2User watcher = V2User.hello(Deployments.ws(base, "chat"), "cli-watcher")) {
            watcher.join("cli-room");
            Run chat = cli("hello lobby\n/join cli-room\nhi room\n/to cli-watcher psst\n/rooms\n/switch lobby\n"
                    + "/history 5\n/nonsense\nexit\n", "chat", url("chat"), "--user", "cli-ann");
            assertEquals(0, chat.status(), chat.err());
            assertEquals("hi room", watcher.nextIgnoringPresence(Event.Message.class).text());
            Event.Message psst = watcher.nextIgnoringPresence(Event.Message.class);
            assertEquals(Optional.of("cli-watcher"), psst.to());
            assertEquals("psst", psst.text());

            List<String> lines = chat.out().stream().map(line -> line.replaceFirst("^\\[\\d\\d:\\d\\d:\\d\\d] ", ""))
                    .toList();
            assertTrue(lines.containsAll(List.of(
                    "#lobby cli-ann: hello lobby",
                    "#cli-room you joined (members: cli-watcher, cli-ann)",
                    "#cli-room cli-ann: hi room",
                    "cli-ann -> cli-watcher (private): psst",
                    "rooms: lobby, cli-room (typing to #cli-room)",
                    "now typing to #lobby",
                    "#lobby (history) cli-ann: hello lobby")), String.join("\n", lines));
            assertTrue(lines.get(0).startsWith("#lobby you joined"), lines.get(0));
            assertEquals("you left the chat", lines.get(lines.size() - 1));
            assertTrue(chat.err().contains("usage: /join ROOM"), chat.err());
        }
    }

    @Test
    void failuresAreExplainedWithANonZeroStatus() throws Exception {
        Run refused = cli("", "echo", "ws://127.0.0.1:1/parley/echo");
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("cannot connect to ws://127.0.0.1:1/parley/echo"), refused.err());

        Run notFound = cli("", "echo", url("nowhere"));
        assertEquals(1, notFound.status());
        assertTrue(notFound.err().contains("404"), notFound.err());

        Run notWebSocket = cli("", "echo", "http://localhost/parley/echo");
        assertEquals(2, notWebSocket.status());
        assertTrue(notWebSocket.err().contains("ws://"), notWebSocket.err());

        Run noUser = cli("", "chat", url("chat"));
        assertEquals(2, noUser.status());
        assertTrue(noUser.err().contains("--user"), noUser.err());

        // a line past the server's size limit makes the server close the connection (1009)
        Run closed = cli("x".repeat(70_000) + "\nstill there?\n", "chat", url("chat"), "--user", "cli-bob");
        assertEquals(1, closed.status());
        assertTrue(closed.err().contains("the server closed the connection: 1009"), closed.err());
    }

    private String url(String path) {
        return Deployments.ws(base, path).toString();
    }

    private static Run cli(String input, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", CLI_JAR));
        command.addAll(List.of(args));
        File out = File.createTempFile("cli-out", ".txt", new File("target"));
        File err = File.createTempFile("cli-err", ".txt", new File("target"));
        Process process = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the CLI did not finish: " + String.join(" ", args));
        }
        return new Run(process.exitValue(),
                java.nio.file.Files.readAllLines(out.toPath(), StandardCharsets.UTF_8),
                java.nio.file.Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }
}
