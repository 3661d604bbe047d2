package dev.parley.cli;

import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.client.ChatOptions;
import dev.parley.client.ParleyClientException;
import dev.parley.client.v2.ChatEvents;
import dev.parley.client.v2.Identity;
import dev.parley.client.v2.ParleyChat;
import dev.parley.client.v2.Room;
import dev.parley.client.v2.RoomListener;
import jakarta.websocket.CloseReason;
import java.io.BufferedReader;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code chat}, on {@code parley.v2}: rooms ({@code /join}, {@code /leave}, {@code /rooms}, {@code /switch},
 * {@code /members}, {@code /history}), private messages ({@code /to}), typed lines to the current room. It
 * starts in the lobby. A dropped connection is resumed with nothing lost; where the server could not
 * recover a room, a "history truncated" line marks the gap. {@code exit} or the end of input leaves once
 * every send is acknowledged and shown.
 */
final class ChatCommand {

    static final String LOBBY = "lobby";
    private static final String USAGE = "usage: /join ROOM | /leave ROOM | /rooms | /switch ROOM | /members | "
            + "/history [N] | /to NAME text | exit";
    /** How long a leaving chat waits for its sends to be acknowledged and shown. */
    private static final long DRAIN_SECONDS = 10;

    private final URI uri;
    private final Identity identity;

    private ChatCommand(URI uri, Identity identity) {
        this.uri = uri;
        this.identity = identity;
    }

    static ChatCommand fromOptions(URI uri, List<String> options) {
        if (options.size() == 2 && options.get(0).equals("--user") && !options.get(1).isBlank()) {
            return new ChatCommand(uri, Identity.user(options.get(1)));
        }
        if (options.size() == 2 && options.get(0).equals("--token") && !options.get(1).isBlank()) {
            return new ChatCommand(uri, Identity.token(options.get(1)));
        }
        throw new IllegalArgumentException("chat needs --user NAME or --token JWT");
    }

    int run(BufferedReader in, PrintStream out, PrintStream err) {
        Printer printer = new Printer(out);
        try (ParleyChat chat = ParleyChat.connect(uri, identity, printer, ChatOptions.defaults())) {
            Session session = new Session(chat, printer, out, err);
            try {
                session.join(LOBBY);
            } catch (ParleyClientException refused) { // a token may not list the lobby
                err.println("parley: could not join " + LOBBY + ": " + refused.getMessage());
            }
            var lines = V1ChatCommand.readInBackground(in);
            while (printer.lost.getCount() > 0) {
                Optional<String> line = V1ChatCommand.nextLine(lines);
                if (line == null) {
                    continue; // nothing typed yet: look at the connection again
                }
                if (line.isEmpty() || line.get().equals(V1ChatCommand.EXIT)) {
                    boolean allAcked = session.drain();
                    if (printer.lost.getCount() == 0) {
                        break; // the server closed it meanwhile
                    }
                    if (!allAcked) {
                        err.println("parley: some messages were not acknowledged before leaving");
                        return ParleyCli.CONNECTION_FAILED;
                    }
                    out.println(V1ChatCommand.stamp() + " you left the chat");
                    return ParleyCli.OK;
                }
                try {
                    session.handle(line.get());
                } catch (ParleyClientException e) {
                    err.println("parley: " + e.getMessage());
                }
            }
            err.println("parley: the server closed the connection: " + printer.closeReason);
            return ParleyCli.CONNECTION_FAILED;
        }
    }

    /** The rooms typed into, and the sends still waiting for their acknowledgement. */
    private static final class Session {
        private final ParleyChat chat;
        private final Printer printer;
        private final PrintStream out;
        private final PrintStream err;
        private final Map<String, Room> rooms = new LinkedHashMap<>();
        private String current;
        private final List<CompletableFuture<?>> sends = new ArrayList<>();
        /** The last seq of this user's own message acknowledged, per room ("" for its inbox): shown before leaving. */
        private final Map<String, Long> acked = new HashMap<>();

        Session(ParleyChat chat, Printer printer, PrintStream out, PrintStream err) {
            this.chat = chat;
            this.printer = printer;
            this.out = out;
            this.err = err;
        }

        void handle(String line) {
            String[] words = line.strip().split(" ", 2);
            String argument = words.length > 1 ? words[1].strip() : "";
            switch (words[0]) {
                case "/join" -> require(!argument.isEmpty(), () -> join(argument));
                case "/leave" -> require(rooms.containsKey(argument), () -> leave(argument));
                case "/switch" -> require(rooms.containsKey(argument), () -> {
                    current = argument;
                    out.println(V1ChatCommand.stamp() + " now typing to #" + current);
                });
                case "/rooms" -> out.println(V1ChatCommand.stamp() + " rooms: " + String.join(", ", rooms.keySet())
                        + (current != null ? " (typing to #" + current + ")" : ""));
                case "/members" -> require(current != null, () -> members(rooms.get(current)));
                case "/history" -> require(current != null && argument.matches("\\d{0,3}"),
                        () -> history(rooms.get(current), argument.isEmpty() ? 20 : Integer.parseInt(argument)));
                case "/to" -> {
                    String[] parts = argument.split(" ", 2);
                    require(parts.length == 2 && !parts[0].isEmpty(), () -> sent("", chat.sendTo(parts[0], parts[1])));
                }
                default -> {
                    if (line.startsWith("/")) {
                        err.println(USAGE);
                    } else if (current == null) {
                        err.println("parley: join a room first (/join ROOM)");
                    } else {
                        sent(current, rooms.get(current).send(line));
                    }
                }
            }
        }

        private void require(boolean valid, Runnable then) {
            if (valid) {
                then.run();
            } else {
                err.println(USAGE);
            }
        }

        void join(String name) {
            if (!rooms.containsKey(name)) {
                rooms.put(name, chat.join(name, printer.listener()));
            }
            current = name;
        }

        private void leave(String name) {
            await(rooms.remove(name).leave().toCompletableFuture());
            out.println(V1ChatCommand.stamp() + " #" + name + " you left");
            if (name.equals(current)) {
                current = rooms.isEmpty() ? null : rooms.keySet().iterator().next();
            }
        }

        private void members(Room room) {
            out.println(V1ChatCommand.stamp() + " #" + room.name() + " members (" + room.count() + "): "
                    + String.join(", ", room.members()));
        }

        private void history(Room room, int limit) {
            for (Event.Message message : await(room.history(OptionalLong.empty(), Math.max(1, limit))
                    .toCompletableFuture())) {
                out.println(V1ChatCommand.stamp() + " #" + room.name() + " (history) " + message.from() + ": "
                        + message.text());
            }
        }

        private void sent(String where, CompletionStage<Long> send) {
            sends.add(send.toCompletableFuture().whenComplete((seq, failure) -> {
                if (failure != null) {
                    out.println(V1ChatCommand.stamp() + " ! not sent: " + failure.getMessage());
                    return;
                }
                synchronized (acked) {
                    acked.merge(where, seq, Math::max);
                }
            }));
        }

        /**
         * Waits for every send's acknowledgement, then for this user's own copies of them to be shown; false
         * if any send failed or was not acknowledged in time.
         */
        boolean drain() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
            boolean allAcked = true;
            try {
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(DRAIN_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                allAcked = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                allAcked = false;
            }
            Map<String, Long> wanted;
            synchronized (acked) {
                wanted = Map.copyOf(acked);
            }
            printer.awaitShown(wanted, deadline);
            return allAcked;
        }

        private static <T> T await(CompletableFuture<T> reply) {
            try {
                return reply.get(DRAIN_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof ParleyClientException refused ? refused
                        : new ParleyClientException(e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new ParleyClientException("no answer in time");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ParleyClientException("interrupted");
            }
        }
    }

    /** Prints each chat event as a readable line with its time and room. */
    static final class Printer implements ChatEvents {
        private final PrintStream out;
        final CountDownLatch lost = new CountDownLatch(1);
        volatile String closeReason = "";
        /** The last seq shown per room ("" for the inbox). */
        private final Map<String, Long> shown = new HashMap<>();

        Printer(PrintStream out) {
            this.out = out;
        }

        RoomListener listener() {
            return new RoomListener() {
                private boolean joinedBefore;

                @Override
                public void onJoined(Room room, boolean recovered, int missed) {
                    if (!joinedBefore) {
                        out.println(V1ChatCommand.stamp() + " #" + room.name() + " you joined (members: "
                                + String.join(", ", room.members()) + ")");
                    } else if (!recovered) {
                        out.println(V1ChatCommand.stamp() + " #" + room.name()
                                + " --- history truncated: messages may be missing here ---");
                    }
                    joinedBefore = true;
                }

                @Override
                public void onMessage(Room room, Event.Message message) {
                    out.println(V1ChatCommand.stamp() + " #" + room.name() + " " + message.from() + ": " + message.text());
                    shown(room.name(), message.seq());
                }

                @Override
                public void onPresence(Room room, List<String> joined, List<String> left) {
                    joined.forEach(user -> out.println(V1ChatCommand.stamp() + " #" + room.name() + " * " + user + " joined"));
                    left.forEach(user -> out.println(V1ChatCommand.stamp() + " #" + room.name() + " * " + user + " left"));
                }

                @Override
                public void onLost(Room room, String why) {
                    out.println(V1ChatCommand.stamp() + " #" + room.name() + " --- you are no longer in this room: "
                            + why + " ---");
                }
            };
        }

        @Override
        public void onPrivateMessage(Event.Message message) {
            out.println(V1ChatCommand.stamp() + " " + message.from() + " -> " + message.to().orElse("?") + " (private): "
                    + message.text());
            shown("", message.seq());
        }

        @Override
        public void onError(ErrorCode code, String reason) {
            out.println(V1ChatCommand.stamp() + " ! " + code.wireName() + ": " + reason);
        }

        @Override
        public void onDisconnect(CloseReason reason, boolean willReconnect) {
            if (willReconnect) {
                out.println(V1ChatCommand.stamp() + " ! connection lost; reconnecting...");
                return;
            }
            closeReason = reason.getCloseCode().getCode() + " " + reason.getReasonPhrase();
            lost.countDown();
        }

        @Override
        public void onReconnect() {
            out.println(V1ChatCommand.stamp() + " * reconnected");
        }

        private synchronized void shown(String where, long seq) {
            shown.merge(where, seq, Math::max);
            notifyAll();
        }

        synchronized void awaitShown(Map<String, Long> wanted, long deadline) {
            try {
                while (wanted.entrySet().stream().anyMatch(w -> shown.getOrDefault(w.getKey(), 0L) < w.getValue())) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
