package dev.parley.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The load generator: runs every scenario against one server and appends the figures, one JSON object a
 * line, to the results file. {@code src/bench/run} starts each server in turn and calls this once for each.
 *
 * <pre>java dev.parley.bench.Bench --server NAME --url ws://127.0.0.1:PORT/parley --pid PID --out FILE
 *     [--scale quick|full] [--suite all|v2|heap] [--dedupe-seconds N] [--only SCENARIO]</pre>
 *
 * The suite {@code all} (the default) compares the servers; {@code v2} and {@code heap} are chat protocol
 * v2 against v1 on one server ({@link V2Bench}); {@code heap} needs the server's {@code --dedupe-seconds}.
 */
public final class Bench {

    /**
     * Idle connections the connect scenario holds: each costs the server and the generator a file
     * descriptor, and this machine's hard limit is 20,000 per process (raising it is not permitted here).
     */
    private static final int HELD_CONNECTIONS = 18_000;

    /** How big each scenario is: {@code quick} checks that everything works, {@code full} measures. */
    record Scale(Duration warmUp, int warmUpConnections, Duration echo, int pipeline, List<Integer> rates,
            Duration atRate, int fanOutUsers, int fanOutSenders, int fanOutMessages, int crowd, int crowdMessages,
            int connections) {

        static final Scale QUICK = new Scale(Duration.ofSeconds(3), 200, Duration.ofSeconds(3), 20_000,
                List.of(1_000, 5_000), Duration.ofSeconds(2), 20, 4, 300, 100, 200, 1_000);
        static final Scale FULL = new Scale(Duration.ofSeconds(15), 5_000, Duration.ofSeconds(10), 200_000,
                List.of(1_000, 2_000, 5_000, 10_000, 20_000, 40_000), Duration.ofSeconds(5),
                100, 10, 3_000, 1_000, 1_000, HELD_CONNECTIONS);
    }

    private static final int WINDOW = 8;
    private static final int PIPELINE_WINDOW = 1_000;

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        Scale scale = "full".equals(options.getOrDefault("scale", "quick")) ? Scale.FULL : Scale.QUICK;
        Path out = Path.of(options.get("out"));
        Target target = new Target(options.get("server"), URI.create(options.get("url")),
                new ServerProcess(Long.parseLong(options.get("pid"))), HttpClient.newHttpClient());
        boolean full = scale == Scale.FULL;
        Map<String, Callable<List<Result>>> scenarios = switch (options.getOrDefault("suite", "all")) {
            case "all" -> comparison(target, scale);
            case "v2" -> new V2Bench(target, full ? V2Bench.Scale.FULL : V2Bench.Scale.QUICK).protocolSuite();
            case "heap" -> new V2Bench(target, full ? V2Bench.Scale.FULL : V2Bench.Scale.QUICK)
                    .heapSuite(Integer.parseInt(options.get("dedupe-seconds")));
            default -> throw new IllegalArgumentException("unknown --suite " + options.get("suite"));
        };
        // --only NAME runs one scenario, e.g. to profile it
        String only = options.get("only");
        for (Map.Entry<String, Callable<List<Result>>> scenario : scenarios.entrySet()) {
            if (only == null || only.equals(scenario.getKey())) {
                record(out, target, scenario.getValue());
            }
        }
    }

    /** Warms the server up, then gives the scenarios that compare it with the other servers. */
    private static Map<String, Callable<List<Result>>> comparison(Target target, Scale scale) throws Exception {
        EchoBench echo = new EchoBench(target);
        FanOutBench fanOut = new FanOutBench(target);

        // warm-up, not recorded, the same for every server: the JVM servers compile their hot paths, on the
        // one core they have, and that one-off cost would otherwise land in the first scenarios' figures.
        // Connections first: the server's work on closing them is then over before echo is measured.
        ConnectBench connect = new ConnectBench(target);
        connect.warmUp(scale.warmUpConnections(), 4);
        echo.roundTrips(8, scale.warmUp());
        echo.pipeline(scale.pipeline(), PIPELINE_WINDOW);
        fanOut.fanOut(20, 4, 1_000, WINDOW);

        Map<String, Callable<List<Result>>> scenarios = new LinkedHashMap<>();
        scenarios.put("echo", () -> List.of(echo.roundTrips(8, scale.echo())));
        scenarios.put("pipeline", () -> List.of(echo.pipeline(scale.pipeline(), PIPELINE_WINDOW)));
        for (int rate : scale.rates()) {
            scenarios.put("echo-at-rate-" + rate, () -> List.of(echo.atRate(rate, 8, scale.atRate())));
        }
        scenarios.put("fanout", () -> List.of(fanOut.fanOut(scale.fanOutUsers(), scale.fanOutSenders(),
                scale.fanOutMessages(), WINDOW)));
        scenarios.put("fanout-stalled", () -> List.of(fanOut.stalledReceiver(scale.crowd(), scale.crowdMessages(),
                WINDOW)));
        scenarios.put("connect", () -> List.of(connect.measure(scale.connections(), 4)));
        return scenarios;
    }

    private static void record(Path out, Target target, Callable<List<Result>> scenario) throws Exception {
        target.process().awaitQuiet();
        for (Result result : scenario.call()) {
            String line = result.toJson().toString();
            System.out.println(line);
            Files.writeString(out, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        for (String required : List.of("server", "url", "pid", "out")) {
            if (!options.containsKey(required)) {
                throw new IllegalArgumentException("missing --" + required);
            }
        }
        return options;
    }
}
