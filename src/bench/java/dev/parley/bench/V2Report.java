package dev.parley.bench;

import static dev.parley.bench.Cells.count;
import static dev.parley.bench.Cells.fig;
import static dev.parley.bench.Cells.met;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Turns {@code src/bench/run v2}'s results into the "Protocol v2" tables of {@code BENCHMARKS.md}: the
 * targets of issue #11, each met or not, then every scenario's figures.
 *
 * <pre>java dev.parley.bench.V2Report RESULTS_FILE TABLES_MD COMMAND REVISION</pre>
 */
public final class V2Report {

    private static final double FANOUT_RATIO_TARGET = 1.1;
    private static final double JOIN_SECONDS_TARGET = 5;
    private static final double JOIN_MB_TARGET = 50;
    private static final double HEAP_RATIO_TARGET = 1.5;

    private final List<Result> results;

    private V2Report(List<Result> results) {
        this.results = results;
    }

    public static void main(String[] args) throws IOException {
        Files.writeString(Path.of(args[1]), new V2Report(Report.read(Path.of(args[0]))).tables(args[2], args[3]));
    }

    String tables(String command, String revision) {
        StringBuilder md = new StringBuilder();
        md.append("Written by `").append(command).append("` on ").append(LocalDate.now(ZoneOffset.UTC))
                .append(", Parley ").append(revision).append(" on ").append(server()).append(".\n\n");
        targets(md);
        fanOut(md);
        joins(md);
        replay(md);
        heap(md);
        noise(md);
        return md.toString();
    }

    private void targets(StringBuilder md) {
        md.append("### Targets (issue #11)\n\n| benchmark | target | v2 | v1, same run | met |\n"
                + "|---|---|---|---|---|\n");
        double v1 = meanCpuPerDelivery("fanout", block -> true);
        double v2 = meanCpuPerDelivery("v2-fanout", block -> true);
        List<Result> fanOut = all("v2-fanout");
        if (!fanOut.isEmpty()) {
            Result any = fanOut.get(0);
            List<String> blocks = new ArrayList<>();
            fanOut.stream().map(r -> r.figures().getOrDefault("block", 1.0)).distinct().forEach(block -> blocks.add(
                    String.format(Locale.ROOT, "%.2f×", meanCpuPerDelivery("v2-fanout", block::equals)
                            / meanCpuPerDelivery("fanout", block::equals))));
            md.append(String.format(Locale.ROOT, "| fan-out: server CPU per delivery (%s users in one room, %s senders"
                    + " × %s messages, 8 in flight) | v2 ≤ %.1f × v1 | %s µs (%.2f× v1; by block of phases: %s) "
                    + "| %s µs | %s |\n",
                    count(any, "users"), count(any, "senders"), count(any, "messages_per_sender"), FANOUT_RATIO_TARGET,
                    Report.format(v2), v2 / v1, String.join(", ", blocks), Report.format(v1),
                    met(v2 / v1 <= FANOUT_RATIO_TARGET
                            && fanOut.stream().allMatch(r -> r.figures().get("faults") == 0))));
        }
        List<Result> joins = all("v2-join");
        if (!joins.isEmpty()) {
            List<String> v2Seconds = joins.stream().map(r -> fig(r, "seconds") + " s").toList();
            List<String> v2Bytes = joins.stream().map(r -> fig(r, "settled_mb_received") + " MB").toList();
            List<String> v1Seconds = all("v1-register").stream()
                    .map(r -> count(r, "users") + " users: " + fig(r, "seconds") + " s").toList();
            List<String> v1Bytes = all("v1-register").stream()
                    .map(r -> count(r, "users") + " users: " + fig(r, "settled_mb_received") + " MB").toList();
            boolean allIn = joins.stream().allMatch(r -> r.figures().get("entered").equals(r.figures().get("users")));
            String users = count(joins.get(0), "users") + " users join one room one after another (v1: register in"
                    + " lobby), ";
            md.append("| ").append(users).append("time | ≤ ").append(count(JOIN_SECONDS_TARGET))
                    .append(" s | ").append(String.join("; ", v2Seconds)).append(" | ")
                    .append(String.join("; ", v1Seconds))
                    .append(" | ").append(met(allIn && joins.stream()
                            .allMatch(r -> r.figures().get("seconds") <= JOIN_SECONDS_TARGET))).append(" |\n");
            md.append("| ").append(users).append("bytes sent by the server | ≤ ").append(count(JOIN_MB_TARGET))
                    .append(" MB | ").append(String.join("; ", v2Bytes)).append(" | ")
                    .append(String.join("; ", v1Bytes))
                    .append(" | ").append(met(allIn && joins.stream()
                            .allMatch(r -> r.figures().get("settled_mb_received") <= JOIN_MB_TARGET))).append(" |\n");
        }
        for (Result r : all("v2-replay")) {
            md.append("| a member that missed ").append(count(r, "missed")).append(" messages resumes (`join` with"
                    + " `since`), ").append(count(r, "repetitions")).append(" times | none set | p50 ")
                    .append(fig(r, "p50_ms")).append(" ms, p99 ").append(fig(r, "p99_ms")).append(" ms; ")
                    .append(Report.format(r.figures().get("server_cpu_us_per_replay") / 1e3))
                    .append(" ms of server CPU per resume | – | – |\n");
        }
        for (boolean dedupe : new boolean[] {true, false}) {
            List<Result> heap = all("v2-heap").stream().filter(r -> (r.figures().get("dedupe_seconds") > 0) == dedupe)
                    .toList();
            if (heap.isEmpty()) {
                continue;
            }
            List<String> text = new ArrayList<>();
            heap.forEach(r -> text.add(count(r, "text_chars") + "-char text: " + fig(r, "heap_bytes_per_event")
                    + " B against " + fig(r, "json_bytes_per_event") + " B (" + fig(r, "heap_vs_json") + "×)"));
            md.append("| heap per retained message event, ")
                    .append(dedupe ? "default dedupe window (300 s: every cid held)"
                            : "dedupe entries gone (`parley.send.dedupe-seconds=0`): history alone")
                    .append(" | ≤ 1.5 × its JSON | ").append(String.join("; ", text)).append(" | – | ")
                    .append(met(heap.stream().allMatch(r -> r.figures().get("heap_vs_json") <= HEAP_RATIO_TARGET)))
                    .append(" |\n");
        }
    }

    private void fanOut(StringBuilder md) {
        md.append("\n### Fan-out, phase by phase\n\n| block | phase | protocol | server µs/delivery | deliveries/s "
                + "| p50 / p99 ms | faults | other processes, cores |\n|---|---|---|---|---|---|---|---|\n");
        results.stream().filter(scenario("fanout").or(scenario("v2-fanout")))
                .sorted((a, b) -> Double.compare(a.figures().get("phase"), b.figures().get("phase")))
                .forEach(r -> md.append("| ").append(count(r, "block")).append(" | ").append(count(r, "phase"))
                        .append(" | ")
                        .append(r.scenario().startsWith("v2") ? "v2, room" : "v1, lobby").append(" | ")
                        .append(fig(r, "server_cpu_us_per_delivery")).append(" | ").append(fig(r, "delivery_per_s"))
                        .append(" | ").append(Report.format(r.figures().get("p50_us") / 1e3)).append(" / ")
                        .append(Report.format(r.figures().get("p99_us") / 1e3)).append(" | ")
                        .append(count(r, "faults")).append(" | ").append(fig(r, "others_load")).append(" |\n"));
    }

    private void joins(StringBuilder md) {
        md.append("\n### Entering one room, one user after another\n\nEach user connects, then v2: `hello`, waits for"
                + " `welcome`, `join`, waits for `joined`; v1: `register`, waits for its `login`. MB are the text"
                + " frames' payloads the generator's clients received (all ASCII, so characters are bytes; frame"
                + " headers, 2–4 bytes a frame, not counted), until the last user was in and until nothing more"
                + " came for a second (the last presence, the last logins to the others).\n\n"
                + "| protocol | users | s until the last is in | MB by then | s / MB until all settled "
                + "| server CPU µs per user | generator, cores | other processes, cores | note |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        results.stream().filter(scenario("v2-join").or(scenario("v1-register")))
                .forEach(r -> md.append("| ").append(r.scenario().startsWith("v2") ? "v2" : "v1").append(" | ")
                        .append(count(r, "users")).append(" | ").append(fig(r, "seconds")).append(" | ")
                        .append(fig(r, "mb_received")).append(" | ").append(fig(r, "settled_seconds")).append(" / ")
                        .append(fig(r, "settled_mb_received")).append(" | ").append(fig(r, "server_cpu_us_per_user"))
                        .append(" | ").append(fig(r, "generator_load")).append(" | ").append(fig(r, "others_load"))
                        .append(" | ").append(r.note()).append(" |\n"));
    }

    private void replay(StringBuilder md) {
        md.append("\n### Replay on join\n\nOne sender fills a room, then one member joins it with `since` at seq 0"
                + " of its epoch (so it is owed every message), is answered `joined` (`recovered:true`) and the"
                + " messages, then leaves; timed from sending the join to receiving the last message. CPU is per"
                + " resume, its leave included; 10 unrecorded resumes first.\n\n| missed | resumes | p50 ms | p99 ms "
                + "| max ms | server CPU ms per resume | bytes received per replayed message "
                + "| other processes, cores |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        all("v2-replay").forEach(r -> md.append("| ").append(count(r, "missed")).append(" | ")
                .append(count(r, "repetitions")).append(" | ").append(fig(r, "p50_ms")).append(" | ")
                .append(fig(r, "p99_ms")).append(" | ").append(fig(r, "max_ms")).append(" | ")
                .append(Report.format(r.figures().get("server_cpu_us_per_replay") / 1e3)).append(" | ")
                .append(fig(r, "bytes_per_replayed_message")).append(" | ").append(fig(r, "others_load"))
                .append(" |\n"));
    }

    private void heap(StringBuilder md) {
        md.append("\n### Heap per retained message\n\nA server started with `PARLEY_HISTORY_SIZE=200000`; one v2 user"
                + " sends N messages (text padded to the length given, a cid `c<n>` each) to a room of its own and"
                + " goes. Live heap (`jcmd <pid> GC.class_histogram`, after its full GC) after, less before, over N;"
                + " JSON is the mean `message` event as members receive it.\n\n| text chars | dedupe s | N "
                + "| heap B/event | JSON B/event | heap ÷ JSON | growth per event by class (B) |\n"
                + "|---|---|---|---|---|---|---|\n");
        all("v2-heap").forEach(r -> md.append("| ").append(count(r, "text_chars")).append(" | ")
                .append(count(r, "dedupe_seconds")).append(" | ").append(count(r, "events")).append(" | ")
                .append(fig(r, "heap_bytes_per_event")).append(" | ").append(fig(r, "json_bytes_per_event"))
                .append(" | ").append(fig(r, "heap_vs_json")).append(" | ")
                .append(r.note().replace("growth per event by class: ", "")).append(" |\n"));
    }

    private void noise(StringBuilder md) {
        DoubleSummaryStatistics others = results.stream().map(r -> r.figures().get("others_load"))
                .filter(v -> v != null && v >= 0).mapToDouble(Double::doubleValue).summaryStatistics();
        if (others.getCount() > 0) {
            md.append(String.format(Locale.ROOT, "\nNoise: other processes (others' builds and tests on this 2-core"
                    + " machine) used %.2f to %.2f cores, %.2f on average, during the measured runs (`/proc/stat`, less"
                    + " the server and the generator).\n", others.getMin(), others.getMax(), others.getAverage()));
        }
        List<String> notes = results.stream().filter(r -> !r.note().isEmpty() && !r.scenario().equals("v2-heap"))
                .map(r -> "- " + r.scenario() + ": " + r.note()).toList();
        if (!notes.isEmpty()) {
            md.append("\nNotes from the run:\n").append(String.join("\n", notes)).append('\n');
        }
    }

    /** CPU per delivery over the phases of one protocol in the blocks chosen (the phases are the same size). */
    private double meanCpuPerDelivery(String scenario, Predicate<Double> blocks) {
        return all(scenario).stream().filter(r -> blocks.test(r.figures().getOrDefault("block", 1.0)))
                .mapToDouble(r -> r.figures().get("server_cpu_us_per_delivery")).average().orElse(Double.NaN);
    }

    private String server() {
        return results.isEmpty() ? "no server" : results.get(0).server();
    }

    private List<Result> all(String scenario) {
        return results.stream().filter(scenario(scenario)).toList();
    }

    private static Predicate<Result> scenario(String name) {
        return r -> r.scenario().equals(name);
    }
}
