package dev.parley.cli;

import dev.parley.chat.protocol.ErrorCode;
import dev.parley.client.ChatListener;
import dev.parley.client.ChatOptions;
import dev.parley.client.ParleyChat;
import dev.parley.client.ParleyClientException;
import jakarta.websocket.CloseReason;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code chat --v1}, the tutorial's protocol: a line is broadcast, {@code /to NAME text} is private, {@code /users} lists, {@code exit} leaves. */
final class V1ChatCommand {

    static final String EXIT = "exit";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    /** How long a leaving chat waits for its own last messages to come back from the server. */
    private static final long DRAIN_SECONDS = 5;

    private final URI uri;
    private final String user;

    private V1ChatCommand(URI uri, String user) {
        this.uri = uri;
        this.user = user;
    }

    static V1ChatCommand fromOptions(URI uri, List<String> options) {
        if (options.size() != 2 || !options.get(0).equals("--user") || options.get(1).isBlank()) {
            throw new IllegalArgumentException("chat needs --user NAME");
        }
        return new V1ChatCommand(uri, options.get(1));
    }

    int run(BufferedReader in, PrintStream out, PrintStream err) {
        Printer printer = new Printer(out, user);
        // a script that pipes its input in wants to see what the server did, so no silent reconnects
        ChatOptions options = ChatOptions.defaults().withGreeting("hello").withReconnect(false);
        try (ParleyChat chat = ParleyChat.connect(uri, user, printer, options)) {
            BlockingQueue<Optional<String>> lines = readInBackground(in);
            while (printer.lost.getCount() > 0) {
                Optional<String> line = nextLine(lines);
                if (line == null) {
                    continue; // nothing typed yet: look at the connection again
                }
                if (line.isEmpty() || line.get().equals(EXIT)) {
                    printer.awaitOwnMessages();
                    if (printer.lost.getCount() == 0) {
                        break;
                    }
                    chat.leave("bye");
                    out.println(stamp() + " you left the chat");
                    return ParleyCli.OK;
                }
                try {
                    if (!handle(line.get(), chat, printer, out)) {
                        err.println("usage: /to NAME text | /users | exit");
                    }
                } catch (ParleyClientException e) {
                    // the connection went away under the send: say why, once the close has come in
                    if (!printer.awaitLoss()) {
                        throw e;
                    }
                }
            }
            err.println("parley: the server closed the connection: " + printer.closeReason);
            return ParleyCli.CONNECTION_FAILED;
        }
    }

    /** Reads input on a daemon thread, so that a dropped connection is noticed while the user is silent. */
    static BlockingQueue<Optional<String>> readInBackground(BufferedReader in) {
        BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(Optional.of(line));
                }
            } catch (IOException e) {
                // unreadable input ends the session like end of input
            }
            lines.add(Optional.empty());
        }, "parley-cli-input");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    /** The next line, empty at end of input, or null if none came within a moment. */
    static Optional<String> nextLine(BlockingQueue<Optional<String>> lines) {
        try {
            return lines.poll(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static boolean handle(String line, ParleyChat chat, Printer printer, PrintStream out) {
        if (line.equals("/users")) {
            printer.awaitOwnMessages(); // so that the list reflects what was typed before
            out.println(stamp() + " online: " + String.join(", ", chat.users()));
            return true;
        }
        if (line.startsWith("/to ")) {
            String[] parts = line.substring(4).split(" ", 2);
            if (parts.length < 2 || parts[0].isEmpty()) {
                return false;
            }
            printer.pending.incrementAndGet();
            chat.sendTo(parts[0], parts[1]);
            return true;
        }
        if (line.startsWith("/")) {
            return false;
        }
        printer.pending.incrementAndGet();
        chat.send(line);
        return true;
    }

    static String stamp() {
        return "[" + TIME.format(LocalTime.now().truncatedTo(ChronoUnit.SECONDS)) + "]";
    }

    /** Prints each chat event as a readable line with its time. */
    static final class Printer implements ChatListener {
        private final PrintStream out;
        private final String me;
        final AtomicInteger pending = new AtomicInteger();
        final CountDownLatch lost = new CountDownLatch(1);
        volatile String closeReason = "";

        Printer(PrintStream out, String me) {
            this.out = out;
            this.me = me;
        }

        @Override
        public void onJoin(String user, String greeting, List<String> users) {
            out.println(stamp() + " * " + user + " joined" + quoted(greeting) + " (online: " + String.join(", ", users) + ")");
        }

        @Override
        public void onLeave(String user, String farewell, List<String> users) {
            out.println(stamp() + " * " + user + " left" + quoted(farewell) + " (online: " + String.join(", ", users) + ")");
        }

        @Override
        public void onMessage(String from, String text, Optional<String> to) {
            String privately = to.map(t -> " -> " + t + " (private)").orElse("");
            out.println(stamp() + " " + from + privately + ": " + text);
            if (from.equals(me)) {
                pending.decrementAndGet();
            }
        }

        @Override
        public void onError(ErrorCode code, String reason) {
            out.println(stamp() + " ! " + code.wireName() + ": " + reason);
            // a refused message never comes back
            pending.decrementAndGet();
        }

        @Override
        public void onDisconnect(CloseReason reason, boolean willReconnect) {
            closeReason = reason.getCloseCode().getCode() + " " + reason.getReasonPhrase();
            lost.countDown();
        }

        boolean awaitLoss() {
            try {
                return lost.await(DRAIN_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        void awaitOwnMessages() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
            while (pending.get() > 0 && lost.getCount() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private static String quoted(String text) {
            return text.isEmpty() ? "" : " \"" + text + "\"";
        }
    }
}
