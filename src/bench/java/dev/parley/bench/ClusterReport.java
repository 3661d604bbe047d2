package dev.parley.bench;

import static dev.parley.bench.Cells.count;
import static dev.parley.bench.Cells.fig;
import static dev.parley.bench.Cells.met;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Turns {@code src/bench/run cluster}'s results into the "Cluster" tables of {@code BENCHMARKS.md}: the
 * targets of issue #12, each met or not, then every phase's figures. Ratios and differences are between
 * the cluster and the single node of the same run, overall and block by block.
 *
 * <pre>java dev.parley.bench.ClusterReport RESULTS_FILE TABLES_MD COMMAND REVISION</pre>
 */
public final class ClusterReport {

    private static final double FANOUT_RATIO_TARGET = 1.5;
    private static final double ADDED_P50_MS_TARGET = 1;
    private static final double RESUME_AFTER_TTL_S_TARGET = 15;
    private static final String SINGLE = "single";

    private final List<Result> results;

    private ClusterReport(List<Result> results) {
        this.results = results;
    }

    public static void main(String[] args) throws IOException {
        Files.writeString(Path.of(args[1]), new ClusterReport(Report.read(Path.of(args[0]))).tables(args[2], args[3]));
    }

    String tables(String command, String revision) {
        StringBuilder md = new StringBuilder();
        md.append("Written by `").append(command).append("` on ").append(LocalDate.now(ZoneOffset.UTC))
                .append(", Parley ").append(revision).append(" on WildFly: ").append(cluster())
                .append(" (nodes on one Redis) against `single` (one node, in-memory bus).\n\n");
        targets(md);
        fanOut(md);
        redisCommands(md);
        light(md);
        failover(md);
        noise(md);
        return md.toString();
    }

    private void targets(StringBuilder md) {
        md.append("### Targets (issue #12)\n\n| benchmark | target | measured | met |\n|---|---|---|---|\n");
        List<Result> fanOut = all("fanout");
        if (!fanOut.isEmpty()) {
            Result any = fanOut.get(0);
            double ratio = mean("fanout", cluster(), cpuPerDelivery()) / mean("fanout", SINGLE, cpuPerDelivery());
            md.append(String.format(Locale.ROOT, "| fan-out: server CPU per delivery, all nodes and Redis (%s users in"
                    + " one room, %s senders × %s messages, 8 in flight) | ≤ %.1f × single node | %s µs against %s µs:"
                    + " %.2f× (by block: %s) | %s |\n",
                    count(any, "users"), count(any, "senders"), count(any, "messages_per_sender"), FANOUT_RATIO_TARGET,
                    Report.format(mean("fanout", cluster(), cpuPerDelivery())),
                    Report.format(mean("fanout", SINGLE, cpuPerDelivery())), ratio,
                    byBlock("fanout", b -> String.format(Locale.ROOT, "%.2f×",
                            mean("fanout", cluster(), cpuPerDelivery(), block(b))
                                    / mean("fanout", SINGLE, cpuPerDelivery(), block(b)))),
                    met(ratio <= FANOUT_RATIO_TARGET && fanOut.stream().allMatch(r -> r.figures().get("faults") == 0
                            && r.figures().get("complete") == 1))));
            ToDoubleFunction<Result> redis = r -> r.figures().get("redis_cpu_us_per_message");
            ToDoubleFunction<Result> redisShare = r -> r.figures().get("redis_cpu_us_per_delivery")
                    / r.figures().get("server_cpu_us_per_delivery");
            md.append(String.format(Locale.ROOT, "| Redis CPU per published message (same phases) | none set | %s µs"
                    + " (by block: %s), %.0f %% of the cluster's CPU | – |\n",
                    Report.format(mean("fanout", cluster(), redis)),
                    byBlock("fanout", b -> Report.format(mean("fanout", cluster(), redis, block(b))) + " µs"),
                    100 * mean("fanout", cluster(), redisShare)));
        }
        for (int spread = 0; spread <= 1; spread++) {
            Predicate<Result> placed = spread(spread);
            List<Result> light = all("light").stream().filter(placed).toList();
            if (light.isEmpty()) {
                continue;
            }
            Result any = light.get(0);
            ToDoubleFunction<Result> p50 = r -> r.figures().get("p50_us") / 1e3;
            ToDoubleFunction<Result> p99 = r -> r.figures().get("p99_us") / 1e3;
            double added = mean("light", cluster(), p50, placed) - mean("light", SINGLE, p50, placed);
            md.append(String.format(Locale.ROOT, "| latency at light load, send to receipt (1 sender, %s messages/s,"
                    + " %s receivers on the other nodes), %s | added p50 ≤ %.0f ms | p50 %s ms against %s ms: %+.2f ms"
                    + " (by block: %s); p99 %s against %s ms | %s |\n",
                    count(any, "messages_per_s"), count(any, "receivers"),
                    spread == 0 ? "servers on one core, as in the fan-out" : "servers free on both cores", ADDED_P50_MS_TARGET,
                    Report.format(mean("light", cluster(), p50, placed)), Report.format(mean("light", SINGLE, p50, placed)),
                    added, byBlock("light", b -> String.format(Locale.ROOT, "%+.2f ms",
                            mean("light", cluster(), p50, placed.and(block(b)))
                                    - mean("light", SINGLE, p50, placed.and(block(b))))),
                    Report.format(mean("light", cluster(), p99, placed)), Report.format(mean("light", SINGLE, p99, placed)),
                    met(added <= ADDED_P50_MS_TARGET && light.stream().allMatch(r -> r.figures().get("complete") == 1))));
        }
        for (Result r : all("failover")) {
            double afterTtl = r.figures().get("all_resumed_after_ttl_s");
            md.append("| failover: ").append(count(r, "clients")).append(" clients on a node killed with SIGKILL"
                    + " resume on the other two (TTL ").append(count(r, "ttl_s")).append(" s) | all within ")
                    .append(count(RESUME_AFTER_TTL_S_TARGET)).append(" s after the TTL | ")
                    .append(afterTtl < 0 ? count(r, "resumed") + " of " + count(r, "clients") + " resumed"
                            : "all " + fig(r, "all_resumed_s") + " s after the kill, " + fig(r, "all_resumed_after_ttl_s")
                                    + " s after the TTL (first " + fig(r, "first_resumed_s") + " s, median "
                                    + fig(r, "median_resumed_s") + " s)")
                    .append(" | ").append(met(afterTtl >= 0 && afterTtl <= RESUME_AFTER_TTL_S_TARGET)).append(" |\n");
            md.append("| failover: messages lost (acknowledged, never delivered to a member that resumed) | 0 | ")
                    .append(count(r, "lost")).append(" of ").append(count(r, "owed_deliveries"))
                    .append(" deliveries owed").append(r.figures().containsKey("owed_away")
                            ? ", besides " + count(r, "owed_away") + " owed to clients that never resumed" : "")
                    .append(" (").append(count(r, "acked_messages")).append(" messages acknowledged); ")
                    .append(count(r, "duplicates")).append(" delivered twice; ").append(count(r, "not_recovered"))
                    .append(" resumes not recovered | ")
                    .append(met(r.figures().get("lost") == 0 && r.figures().get("failures") == 0
                            && r.figures().get("resumed").equals(r.figures().get("clients"))))
                    .append(" |\n");
        }
    }

    private void fanOut(StringBuilder md) {
        md.append("\n### Fan-out, phase by phase\n\nServer CPU is the sum over the deployment's processes (every node's"
                + " JVM, and Redis) from `/proc/<pid>/stat`; Redis's own share is also given per published message, and"
                + " the share the JVMs' JIT compiler threads took (a one-off cost, which the warm-up is meant to leave"
                + " behind)."
                + "\n\n| block | phase | deployment | server µs/delivery | JIT share | Redis µs/published message | deliveries/s "
                + "| p50 / p99 ms | faults | generator, cores | other processes, cores |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        phases("fanout").forEach(r -> md.append("| ").append(count(r, "block")).append(" | ").append(count(r, "phase"))
                .append(" | ").append(r.server()).append(" | ").append(fig(r, "server_cpu_us_per_delivery"))
                .append(" | ").append(r.figures().containsKey("server_jit_share")
                        ? Math.round(100 * r.figures().get("server_jit_share")) + " %" : "–")
                .append(" | ").append(fig(r, "redis_cpu_us_per_message")).append(" | ").append(fig(r, "delivery_per_s"))
                .append(" | ").append(Report.format(r.figures().get("p50_us") / 1e3)).append(" / ")
                .append(Report.format(r.figures().get("p99_us") / 1e3)).append(" | ").append(count(r, "faults"))
                .append(" | ").append(fig(r, "generator_load")).append(" | ").append(fig(r, "others_load"))
                .append(" |\n"));
    }

    /** Redis's commands over the recorded phases, the costliest first, per published message. */
    private void redisCommands(StringBuilder md) {
        for (Result r : all("redis-commands")) {
            double published = r.figures().get("published");
            double commandsMicros = r.figures().entrySet().stream().filter(e -> e.getKey().endsWith("_usec")
                    && !e.getKey().startsWith("eval")).mapToDouble(e -> e.getValue()).sum();
            md.append(String.format(Locale.ROOT, "\n### Redis, command by command\n\nRedis used %s µs of CPU per"
                    + " published message over the recorded phases of the cluster (fan-out and light load: %s messages"
                    + " published; `/proc`). Where it went, by Redis's `INFO commandstats` over the same time: calls,"
                    + " and each command's share of the time of all commands (those run inside the scripts counted on"
                    + " their own; `evalsha`, the scripts as a whole, left out of the shares). Redis times a command"
                    + " by the clock, not its CPU, and shares core 0 with four JVMs, so a command it was preempted in"
                    + " counts the wait too: the µs per call are upper bounds, the shares what to read.\n\n"
                    + "| command | calls per published message | share of the commands' time | µs per call, clock |\n"
                    + "|---|---|---|---|\n",
                    Report.format(r.figures().get("redis_cpu_us") / published), count(published)));
            r.figures().entrySet().stream().filter(e -> e.getKey().endsWith("_usec"))
                    .sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(10).forEach(e -> {
                        String command = e.getKey().substring(0, e.getKey().length() - "_usec".length());
                        double calls = r.figures().get(command + "_calls");
                        md.append("| `").append(command).append("` | ").append(Report.format(calls / published))
                                .append(" | ").append(command.startsWith("eval") ? "–"
                                        : String.format(Locale.ROOT, "%.0f %%", 100 * e.getValue() / commandsMicros))
                                .append(" | ").append(Report.format(e.getValue() / calls)).append(" |\n");
                    });
        }
    }

    private void light(StringBuilder md) {
        md.append("\n### Latency at light load, phase by phase\n\nOne sender on the first node sends at a fixed rate,"
                + " whatever the answers; the receivers are on the other nodes (on `single`, the same node); latency"
                + " is from the send to each receiver's receipt, both on the generator's clock, the sender's own"
                + " copy not counted. Servers: on core 0 as in the fan-out, or free on both cores (the generator, nearly"
                + " idle, stays on core 1).\n\n| block | phase | servers on | deployment | messages | p50 / p99 / max ms "
                + "| server µs/delivery | other processes, cores |\n|---|---|---|---|---|---|---|---|\n");
        phases("light").forEach(r -> md.append("| ").append(count(r, "block")).append(" | ").append(count(r, "phase"))
                .append(" | ").append(spread(1).test(r) ? "both cores" : "core 0")
                .append(" | ").append(r.server()).append(" | ").append(count(r, "messages")).append(" | ")
                .append(Report.format(r.figures().get("p50_us") / 1e3)).append(" / ")
                .append(Report.format(r.figures().get("p99_us") / 1e3)).append(" / ")
                .append(Report.format(r.figures().get("max_us") / 1e3)).append(" | ")
                .append(fig(r, "server_cpu_us_per_delivery")).append(" | ").append(fig(r, "others_load"))
                .append(" |\n"));
    }

    private void failover(StringBuilder md) {
        List<Result> failover = all("failover");
        if (failover.isEmpty()) {
            return;
        }
        md.append("\n### Failover\n\nThe clients connect to the first node from six loopback addresses, join their"
                + " rooms, and the senders (on the other nodes) start; then the first node's JVM gets SIGKILL. Each"
                + " client connects again directly to one of the other two (half to each), sends `hello` again while"
                + " its name is still held, and joins with `since`; a request answered `unavailable` makes it start"
                + " over on a new connection. Between tries it backs off: ").append(count(failover.get(0), "retry_ms"))
                .append(" ms doubling up to ").append(count(failover.get(0), "retry_cap_ms"))
                .append(" ms, half of it at random. Resumed is when its `joined` came."
                + " After the last resume, the senders go on for a few seconds and stop; then every client must have"
                + " every acknowledged message of its room. Server CPU is the two surviving nodes' and Redis's from"
                + " the kill to the last resume, per resumed client.\n\n"
                + "| clients | rooms | senders | TTL s | resumed | first / median / all resumed, s after the kill "
                + "| all, s after the TTL | connections lost, clients / senders | hellos refused (name held) "
                + "| `unavailable` answers | messages acked | lost | delivered twice | not recovered "
                + "| server CPU ms per resume | other processes, cores |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        failover.forEach(r -> md.append("| ").append(count(r, "clients")).append(" | ").append(count(r, "rooms"))
                .append(" | ").append(count(r, "senders")).append(" | ").append(count(r, "ttl_s")).append(" | ")
                .append(count(r, "resumed")).append(" | ").append(fig(r, "first_resumed_s")).append(" / ")
                .append(fig(r, "median_resumed_s")).append(" / ").append(fig(r, "all_resumed_s")).append(" | ")
                .append(fig(r, "all_resumed_after_ttl_s")).append(" | ").append(count(r, "reconnects")).append(" / ")
                .append(count(r, "sender_reconnects")).append(" | ").append(count(r, "hello_refusals"))
                .append(" | ").append(count(r, "unavailable_answers")).append(" | ").append(count(r, "acked_messages")).append(" | ").append(count(r, "lost")).append(" | ")
                .append(count(r, "duplicates")).append(" | ").append(count(r, "not_recovered")).append(" | ")
                .append(fig(r, "server_cpu_ms_per_resume")).append(" | ").append(fig(r, "others_load"))
                .append(" |\n"));
    }

    private void noise(StringBuilder md) {
        DoubleSummaryStatistics others = results.stream().map(r -> r.figures().get("others_load"))
                .filter(v -> v != null && v >= 0).mapToDouble(Double::doubleValue).summaryStatistics();
        if (others.getCount() > 0) {
            md.append(String.format(Locale.ROOT, "\nNoise: other processes (others' builds and tests on this 2-core"
                    + " machine, and whichever deployment was idle) used %.2f to %.2f cores, %.2f on average, during"
                    + " the measured phases (`/proc/stat`, less the measured processes and the generator).\n",
                    others.getMin(), others.getMax(), others.getAverage()));
        }
        List<String> notes = results.stream().filter(r -> !r.note().isEmpty())
                .map(r -> "- " + r.server() + ", " + r.scenario() + ": " + r.note()).toList();
        if (!notes.isEmpty()) {
            md.append("\nNotes from the run:\n").append(String.join("\n", notes)).append('\n');
        }
    }

    /** The cluster's name in the results ({@code cluster-3}). */
    private String cluster() {
        return results.stream().map(Result::server).filter(name -> !name.equals(SINGLE)).findFirst().orElse("cluster");
    }

    private static ToDoubleFunction<Result> cpuPerDelivery() {
        return r -> r.figures().get("server_cpu_us_per_delivery");
    }

    /** The mean of {@code figure} over a deployment's phases of {@code scenario} (the phases are the same size). */
    private double mean(String scenario, String server, ToDoubleFunction<Result> figure) {
        return mean(scenario, server, figure, r -> true);
    }

    private double mean(String scenario, String server, ToDoubleFunction<Result> figure, Predicate<Result> which) {
        return all(scenario).stream().filter(r -> r.server().equals(server)).filter(which).mapToDouble(figure)
                .average().orElse(Double.NaN);
    }

    private static Predicate<Result> block(double block) {
        return r -> r.figures().get("block") == block;
    }

    /** Light phases with the servers on their core (0) or free on every core (1). */
    private static Predicate<Result> spread(int spread) {
        return r -> r.figures().getOrDefault("spread", 0.0) == spread;
    }

    private String byBlock(String scenario, Function<Double, String> text) {
        List<String> blocks = new ArrayList<>();
        all(scenario).stream().map(r -> r.figures().get("block")).distinct().sorted()
                .forEach(block -> blocks.add(text.apply(block)));
        return String.join(", ", blocks);
    }

    private List<Result> phases(String scenario) {
        return all(scenario).stream().sorted(Comparator.comparingDouble(r -> r.figures().get("phase"))).toList();
    }

    private List<Result> all(String scenario) {
        return results.stream().filter(scenario(scenario)).toList();
    }

    private static Predicate<Result> scenario(String name) {
        return r -> r.scenario().equals(name);
    }
}
