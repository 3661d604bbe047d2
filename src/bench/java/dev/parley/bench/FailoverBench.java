package dev.parley.bench;

import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Request;
import dev.parley.chat.protocol.v2.V2Json;
import dev.parley.it.RawWebSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A node killed under its clients (issue #12). All the clients are on the first node of a cluster, in a
 * few rooms; senders on the other nodes send to every room, each message with a cid, the next once the
 * last is acknowledged. The first node's JVM gets SIGKILL; every client connects again, directly to one of
 * the other nodes (taken in turn, so half to each of two), says hello until its name is freed (after the
 * dead node's TTL, by the others' reaper) and joins with {@code since}, starting over on a new connection
 * when a request is answered {@code unavailable}; it backs off between tries. Measured: the time from the kill
 * until every client had joined again, and, once the senders stopped and every client caught up, the
 * acknowledged messages never delivered to a member and those delivered twice.
 */
final class FailoverBench {

    record Scale(int clients, int rooms, int sendersPerRoom, Duration sendPause, Duration before, Duration after) {

        static final Scale QUICK = new Scale(1_000, 3, 2, Duration.ofMillis(200), Duration.ofSeconds(2),
                Duration.ofSeconds(2));
        static final Scale FULL = new Scale(3_000, 3, 2, Duration.ofMillis(200), Duration.ofSeconds(5),
                Duration.ofSeconds(3));
    }

    /** Loopback addresses the clients connect from, 127.0.20.2 and up: many sockets, as ConnectBench does. */
    private static final int SOURCES = 6;
    /** Clients saying hello and joining at once while they enter, so that entering does not swamp the node. */
    private static final int ENTERING_AT_ONCE = 16;
    private static final Duration ENTRY_LIMIT = Duration.ofMinutes(5);
    /** How long after the TTL the clients may take to resume before the bench stops waiting. */
    private static final Duration RESUME_LIMIT = Duration.ofMinutes(2);
    private static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(60);

    private final Scale scale;
    private final Deployment cluster;
    private final Duration ttl;

    FailoverBench(Scale scale, Deployment cluster, Duration ttl) {
        this.scale = scale;
        this.cluster = cluster;
        this.ttl = ttl;
    }

    Result run() throws InterruptedException, IOException, ProtocolException {
        List<Target> survivors = cluster.nodes.subList(1, cluster.nodes.size());
        Semaphore entering = new Semaphore(ENTERING_AT_ONCE);
        List<FailoverMember> members = new ArrayList<>();
        for (int i = 0; i < scale.clients(); i++) {
            members.add(new FailoverMember("f-" + i, room(i % scale.rooms()), source(i), cluster.nodes.get(0).chat(),
                    survivors.get(i % survivors.size()).chat(), entering));
        }
        Map<String, BitSet> acked = new LinkedHashMap<>();
        List<Sender> senders = new ArrayList<>();
        try {
            members.forEach(FailoverMember::start);
            long entryDeadline = System.nanoTime() + ENTRY_LIMIT.toNanos();
            for (FailoverMember member : members) {
                if (!member.awaitJoined(Duration.ofNanos(Math.max(1, entryDeadline - System.nanoTime())))
                        || member.failure().isPresent()) {
                    throw new IllegalStateException("a client did not enter: " + member.failure().orElse("too slow"));
                }
            }
            for (int r = 0; r < scale.rooms(); r++) {
                BitSet roomAcked = new BitSet();
                acked.put(room(r), roomAcked);
                for (int k = 0; k < scale.sendersPerRoom(); k++) {
                    int n = r * scale.sendersPerRoom() + k;
                    senders.add(Sender.open("s-" + r + "-" + k, room(r), survivors.get(n % survivors.size()),
                            roomAcked, scale.sendPause()));
                }
            }
            senders.forEach(Sender::start);
            Thread.sleep(scale.before().toMillis());

            List<ServerProcess> survivorProcesses = new ArrayList<>(survivors.stream().map(Target::process).toList());
            cluster.redis.ifPresent(survivorProcesses::add);
            Meter meter = Meter.start(survivorProcesses);
            long killed = System.nanoTime();
            cluster.cluster.orElseThrow().nodes.get(0).kill();
            long resumeDeadline = killed + ttl.plus(RESUME_LIMIT).toNanos();
            while (members.stream().anyMatch(m -> m.resumedAt() == 0) && System.nanoTime() < resumeDeadline) {
                Thread.sleep(10);
            }
            List<Long> resumedAfter = members.stream().filter(m -> m.resumedAt() != 0)
                    .map(m -> m.resumedAt() - killed).sorted().toList();
            Meter.Sample outage = meter.stop(resumedAfter.size());

            Thread.sleep(scale.after().toMillis());
            for (Sender sender : senders) {
                sender.stop();
            }
            long catchUpDeadline = System.nanoTime() + CATCH_UP_LIMIT.toNanos();
            while (members.stream().anyMatch(m -> m.highest() < lastSeq(acked.get(m.room())))
                    && System.nanoTime() < catchUpDeadline) {
                Thread.sleep(10);
            }
            for (FailoverMember member : members) {
                member.stop();
            }
            return result(members, senders, acked, resumedAfter, outage);
        } finally {
            for (Sender sender : senders) {
                sender.stop();
            }
            for (FailoverMember member : members) {
                member.stop();
            }
        }
    }

    private Result result(List<FailoverMember> members, List<Sender> senders, Map<String, BitSet> acked,
            List<Long> resumedAfter, Meter.Sample outage) {
        long ackedMessages = acked.values().stream().mapToLong(BitSet::cardinality).sum();
        long owed = members.stream().mapToLong(m -> acked.get(m.room()).cardinality()).sum();
        long lost = members.stream().filter(m -> !m.away()).mapToLong(m -> m.missing(acked.get(m.room()))).sum();
        long owedAway = members.stream().filter(FailoverMember::away).mapToLong(m -> m.missing(acked.get(m.room()))).sum();
        long duplicates = members.stream().mapToLong(FailoverMember::duplicates).sum();
        long notRecovered = members.stream().filter(m -> !m.recovered()).count();
        List<String> failures = new ArrayList<>();
        members.forEach(m -> m.failure().ifPresent(failures::add));
        senders.forEach(s -> s.failure().ifPresent(failures::add));
        double last = resumedAfter.isEmpty() ? -1 : resumedAfter.get(resumedAfter.size() - 1) / 1e9;
        List<String> twice = members.stream().flatMap(m -> m.firstDuplicate().stream()).toList();
        List<String> notes = new ArrayList<>();
        if (resumedAfter.size() < members.size()) {
            notes.add((members.size() - resumedAfter.size()) + " clients had not resumed when the bench stopped waiting");
        }
        if (!failures.isEmpty()) {
            notes.add(failures.size() + " clients or senders failed, the first: " + failures.get(0));
        }
        if (!twice.isEmpty()) {
            notes.add(twice.size() + " clients were delivered a message twice: " + String.join("; ",
                    twice.subList(0, Math.min(5, twice.size()))));
        }
        String note = String.join("; ", notes);
        return Result.of(cluster.name, "failover").figure("clients", members.size()).figure("rooms", scale.rooms())
                .figure("senders", senders.size()).figure("send_pause_ms", scale.sendPause().toMillis())
                .figure("ttl_s", ttl.toSeconds()).figure("retry_ms", FailoverMember.RETRY.toMillis())
                .figure("retry_cap_ms", FailoverMember.RETRY_CAP.toMillis())
                .figure("resumed", resumedAfter.size())
                .figure("first_resumed_s", resumedAfter.isEmpty() ? -1 : resumedAfter.get(0) / 1e9)
                .figure("median_resumed_s", resumedAfter.isEmpty() ? -1 : resumedAfter.get(resumedAfter.size() / 2) / 1e9)
                .figure("all_resumed_s", resumedAfter.size() == members.size() ? last : -1)
                .figure("all_resumed_after_ttl_s", resumedAfter.size() == members.size() ? last - ttl.toSeconds() : -1)
                .figure("hello_refusals", members.stream().mapToLong(FailoverMember::helloRefusals).sum())
                .figure("unavailable_answers", members.stream().mapToLong(FailoverMember::unavailable).sum())
                .figure("reconnects", members.stream().mapToLong(FailoverMember::reconnects).sum())
                .figure("sender_reconnects", senders.stream().mapToLong(Sender::reconnects).sum())
                .figure("acked_messages", ackedMessages).figure("owed_deliveries", owed).figure("lost", lost)
                .figure("owed_away", owedAway)
                .figure("duplicates", duplicates).figure("not_recovered", notRecovered)
                .figure("failures", failures.size())
                .figure("server_cpu_ms_per_resume", outage.cpuMicrosPerUnit() / 1e3)
                .figure("others_load", outage.othersLoad()).figure("generator_load", outage.generatorLoad())
                .note(note).build();
    }

    private static String room(int r) {
        return "failover-" + r;
    }

    private static long lastSeq(BitSet acked) {
        synchronized (acked) {
            return acked.length() - 1;
        }
    }

    private static InetAddress source(int client) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 20, (byte) (2 + client % SOURCES)});
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A member of one room on a node that stays up, sending to it on a thread of its own: each message
     * with a cid, the next after the ack and a pause. A send answered {@code unavailable}, or whose
     * connection is closed (a node that could not renew its lease closes its clients with 1012), is sent
     * again with the same cid, on a new connection if need be: the cid makes it one message. The seq of
     * each ack goes into the room's set.
     */
    private static final class Sender {
        private static final Duration ACK_WAIT = Duration.ofSeconds(30);
        private static final Duration RETRY = Duration.ofMillis(250);

        private final String name;
        private final String room;
        private final URI node;
        private final BitSet acked;
        private final Duration pause;
        private final Thread thread;
        private volatile RawWebSocket socket;
        private volatile boolean stopping;
        private volatile String failure;
        private volatile int reconnects;

        private Sender(String name, String room, URI node, BitSet acked, Duration pause) {
            this.name = name;
            this.room = room;
            this.node = node;
            this.acked = acked;
            this.pause = pause;
            this.thread = new Thread(this::run, name);
            thread.setDaemon(true);
        }

        static Sender open(String name, String room, Target node, BitSet acked, Duration pause)
                throws IOException, ProtocolException, InterruptedException {
            Sender sender = new Sender(name, room, node.chat(), acked, pause);
            sender.connect();
            return sender;
        }

        /** Connects, says hello (again while the name is held) and joins; anything else answered fails it. */
        private void connect() throws IOException, ProtocolException, InterruptedException {
            socket = RawWebSocket.openV2(node, null);
            socket.readTimeout(ACK_WAIT);
            while (!(request(new Request.Hello(name, Optional.empty(), Optional.empty())) instanceof Event.Welcome)) {
                Thread.sleep(RETRY.toMillis());
            }
            if (!(request(new Request.Join(room, Optional.empty(), Optional.empty())) instanceof Event.Joined)) {
                throw new IllegalStateException(name + " could not join " + room);
            }
        }

        /** The answer to {@code request}: its reply, or {@code uuid_taken}; any other error fails it. */
        private Event request(Request request) throws IOException, ProtocolException {
            socket.sendText(V2Json.write(request));
            while (true) {
                Event event = next();
                if (event instanceof Event.Error error && error.code() != ErrorCode.UUID_TAKEN) {
                    throw new IllegalStateException(name + ": " + request + " refused: " + error);
                }
                if (event instanceof Event.Welcome || event instanceof Event.Joined || event instanceof Event.Error) {
                    return event;
                }
            }
        }

        void start() {
            thread.start();
        }

        private void run() {
            try {
                for (int n = 0; !stopping; n++) {
                    long seq = send(name + "-" + n);
                    synchronized (acked) {
                        acked.set((int) seq);
                    }
                    Thread.sleep(pause.toMillis());
                }
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            } catch (IOException | ProtocolException | RuntimeException e) {
                failure = name + ": " + e;
            }
        }

        /** Sends until acknowledged, through {@code unavailable} answers and lost connections; the ack's seq. */
        private long send(String cid) throws IOException, ProtocolException, InterruptedException {
            String request = V2Json.write(new Request.SendToRoom(room, cid, cid, Optional.empty()));
            while (true) {
                try {
                    socket.sendText(request);
                    Event answer = replyTo(cid);
                    if (answer instanceof Event.Ack ack) {
                        return ack.seq();
                    }
                    Event.Error error = (Event.Error) answer;
                    if (error.code() != ErrorCode.UNAVAILABLE) {
                        throw new IllegalStateException(cid + " refused: " + error);
                    }
                    Thread.sleep(RETRY.toMillis());
                } catch (IOException lost) {
                    if (stopping) {
                        throw lost;
                    }
                    reconnects++;
                    closeQuietly();
                    Thread.sleep(RETRY.toMillis());
                    try {
                        connect();
                    } catch (IOException | IllegalStateException notYet) {
                        closeQuietly(); // the node is still lapsed or swamped: the next round tries again
                    }
                }
            }
        }

        /** The ack or error for {@code cid}; the room's messages on the way are let go. */
        private Event replyTo(String cid) throws IOException, ProtocolException {
            while (true) {
                Event event = next();
                if (event instanceof Event.Ack ack && ack.cid().equals(cid)
                        || event instanceof Event.Error error && error.cid().equals(Optional.of(cid))) {
                    return event;
                }
            }
        }

        /** The next event; a close frame is a lost connection. */
        private Event next() throws IOException, ProtocolException {
            RawWebSocket.Frame frame = socket.read();
            if (frame.opcode() == RawWebSocket.CLOSE) {
                throw new IOException(name + "'s connection was closed with " + frame.closeCode());
            }
            return V2Json.readEvent(frame.text());
        }

        Optional<String> failure() {
            return Optional.ofNullable(failure);
        }

        int reconnects() {
            return reconnects;
        }

        /** Lets the send in flight be acknowledged, then closes. */
        void stop() throws InterruptedException {
            stopping = true;
            thread.join(ACK_WAIT.toMillis());
            closeQuietly();
        }

        private void closeQuietly() {
            try {
                socket.close();
            } catch (IOException e) {
                // gone already
            }
        }
    }
}
