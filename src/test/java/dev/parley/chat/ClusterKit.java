package dev.parley.chat;

import static dev.parley.chat.ChatTestKit.json;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.chat.ChatTestKit.RecordingPeer;
import dev.parley.chat.bus.redis.ClusterSettings;
import dev.parley.chat.bus.redis.RedisBus;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Chat nodes of one cluster in this JVM, each a {@link Chat} on its own {@link RedisBus}, and their
 * in-memory clients: what {@link ClusterChatTest} and {@link ClusterCutoffTest} run. Closing it stops
 * every node without goodbye.
 */
final class ClusterKit implements AutoCloseable {

    /** How long a test waits for anything to cross the cluster. */
    static final Duration WITHIN = Duration.ofSeconds(15);

    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    final ChatSettings settings;
    private final List<RedisBus> buses = new ArrayList<>();

    ClusterKit() {
        this(ChatTestKit.settings().build());
    }

    ClusterKit(ChatSettings settings) {
        this.settings = settings;
    }

    /** A node that has asked for its lease (it waits for Redis up to its timeout). */
    Node node(String id, String redisUri, Duration ttl, Duration timeout) {
        Node node = new Node(id, redisUri, ttl, timeout);
        buses.add(node.bus);
        return node;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        buses.forEach(RedisBus::close);
    }

    /** Waits until {@code condition} holds, failing with {@code what} after {@link #WITHIN}. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + WITHIN + ": " + what);
            }
            Thread.sleep(10);
        }
    }

    /**
     * A node, with its lapses counted. Like {@code ChatService}, a node that lapses closes its clients
     * (1012 in production: here each client counts it) so that they go to other nodes.
     */
    final class Node {
        final String id;
        final RedisBus bus;
        final Chat chat;
        final AtomicInteger lapses = new AtomicInteger();
        private final List<Client> clients = new CopyOnWriteArrayList<>();

        private Node(String id, String redisUri, Duration ttl, Duration timeout) {
            this.id = id;
            bus = RedisBus.connect(new ClusterSettings(redisUri, id, ttl, timeout), settings.history(), this::lapsed);
            bus.start(scheduler);
            chat = new Chat(settings, bus, scheduler, Clock.systemUTC());
        }

        Client connect(Protocol protocol) {
            return connect(protocol, Optional.empty());
        }

        /** A connection whose handshake the server's login authenticated as {@code login}. */
        Client connect(Protocol protocol, Optional<String> login) {
            RecordingPeer peer = new RecordingPeer();
            ChatSession session = chat.open(protocol, peer, login);
            session.opened();
            Client client = new Client(session, peer);
            clients.add(client);
            return client;
        }

        /** Its clients are closed before the lapse is counted, so that a test seeing the count sees them closed. */
        private void lapsed() {
            clients.forEach(Client::closedByNode);
            clients.clear();
            lapses.incrementAndGet();
        }
    }

    /** One connection: frames are taken in order, waiting for them to cross the cluster. */
    static final class Client {
        final ChatSession session;
        final RecordingPeer peer;
        final List<String> seen = new ArrayList<>();
        /** How often its node closed it (1012) for having lapsed. */
        final AtomicInteger closedByNode = new AtomicInteger();

        Client(ChatSession session, RecordingPeer peer) {
            this.session = session;
            this.peer = peer;
        }

        void says(String singleQuoted) {
            session.text(json(singleQuoted));
        }

        private void closedByNode() {
            closedByNode.incrementAndGet();
            session.closed();
        }

        /** Waits for a frame that matches, and returns it; frames before it are kept in {@link #seen}. */
        String awaits(Predicate<String> wanted, String what) throws InterruptedException {
            long deadline = System.nanoTime() + WITHIN.toNanos();
            while (System.nanoTime() < deadline) {
                String frame = peer.poll();
                if (frame == null) {
                    Thread.sleep(5);
                    continue;
                }
                seen.add(frame);
                if (wanted.test(frame)) {
                    return frame;
                }
            }
            return fail("no " + what + " within " + WITHIN + "; heard " + seen);
        }

        String awaits(String singleQuotedPart) throws InterruptedException {
            String part = json(singleQuotedPart);
            return awaits(frame -> frame.contains(part), part);
        }

        long count(String singleQuotedPart) {
            String part = json(singleQuotedPart);
            return heard().stream().filter(frame -> frame.contains(part)).count();
        }

        /** Every frame received so far, the ones not yet awaited too. */
        List<String> heard() {
            seen.addAll(peer.drain());
            return seen;
        }

        /**
         * How often this client was told that {@code user} arrived: a v2 {@code presence} naming it among
         * {@code joined}, or a v1 {@code login} of it.
         */
        int arrivals(String user) {
            return presence(user, "joined", "login");
        }

        /** How often this client was told that {@code user} went: v2 {@code presence} {@code left}, or v1 {@code logout}. */
        int departures(String user) {
            return presence(user, "left", "logout");
        }

        private int presence(String user, String v2Field, String v1Type) {
            int times = 0;
            for (String frame : heard()) {
                JsonObject event = parse(frame);
                String type = event.getString("type", "");
                if (type.equals("presence") && event.containsKey(v2Field)) {
                    times += (int) event.getJsonArray(v2Field).getValuesAs(JsonString.class).stream()
                            .filter(name -> name.getString().equals(user)).count();
                } else if (type.equals(v1Type) && user.equals(event.getString("uuid", null))) {
                    times++;
                }
            }
            return times;
        }

        static JsonObject parse(String frame) {
            try (JsonReader reader = Json.createReader(new StringReader(frame))) {
                return reader.readObject();
            }
        }
    }
}
