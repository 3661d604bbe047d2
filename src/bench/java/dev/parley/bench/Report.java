package dev.parley.bench;

import jakarta.json.Json;
import jakarta.json.JsonReader;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Turns the results file into {@code BENCHMARKS.md}'s tables and a plot of echo latency percentiles against
 * offered load. Ratios are against the baseline server of the same run (Node {@code ws}).
 *
 * <pre>java dev.parley.bench.Report RESULTS_FILE TABLES_MD PLOT_PNG BASELINE_SERVER</pre>
 */
public final class Report {

    private final List<Result> results;
    private final String baseline;
    private final List<String> servers;

    private Report(List<Result> results, String baseline) {
        this.results = results;
        this.baseline = baseline;
        Set<String> names = new LinkedHashSet<>();
        results.forEach(result -> names.add(result.server()));
        this.servers = List.copyOf(names);
    }

    public static void main(String[] args) throws IOException {
        Report report = new Report(read(Path.of(args[0])), args[3]);
        Files.writeString(Path.of(args[1]), report.tables());
        report.plot(Path.of(args[2]));
    }

    /** A results file: one result a line. */
    static List<Result> read(Path file) throws IOException {
        List<Result> results = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            try (JsonReader reader = Json.createReader(new StringReader(line))) {
                results.add(Result.fromJson(reader.readObject()));
            }
        }
        return results;
    }

    String tables() {
        StringBuilder md = new StringBuilder();
        md.append("### Server CPU per unit of work (lower is better; × is the ratio to ").append(baseline)
                .append(")\n\n| server | echo µs/round trip | pipeline µs/msg | fan-out µs/delivery | connect µs/conn |\n")
                .append("|---|---|---|---|---|\n");
        for (String server : servers) {
            md.append("| ").append(server)
                    .append(" | ").append(withRatio(server, "echo", "server_cpu_us_per_round_trip"))
                    .append(" | ").append(withRatio(server, "pipeline", "server_cpu_us_per_message"))
                    .append(" | ").append(withRatio(server, "fanout", "server_cpu_us_per_delivery"))
                    .append(" | ").append(withRatio(server, "connect", "server_cpu_us_per_connection"))
                    .append(" |\n");
        }
        md.append("\n### Throughput and latency\n\n| server | echo round trips/s (8 conns) | echo p50 / p99 µs "
                + "| pipeline msgs/s | fan-out deliveries/s | fan-out p50 / p99 µs | fan-out faults |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (String server : servers) {
            md.append("| ").append(server)
                    .append(" | ").append(figure(server, "echo", "round_trip_per_s"))
                    .append(" | ").append(figure(server, "echo", "p50_us")).append(" / ")
                    .append(figure(server, "echo", "p99_us"))
                    .append(" | ").append(figure(server, "pipeline", "message_per_s"))
                    .append(" | ").append(figure(server, "fanout", "delivery_per_s"))
                    .append(" | ").append(figure(server, "fanout", "p50_us")).append(" / ")
                    .append(figure(server, "fanout", "p99_us"))
                    .append(" | ").append(figure(server, "fanout", "faults"))
                    .append(" |\n");
        }
        md.append("\n### One stalled receiver among the crowd, and idle connections\n\n| server | users "
                + "| deliveries/s without / with it | ratio | stalled one cut off | p99 µs with it "
                + "| connections held | KiB per idle connection |\n|---|---|---|---|---|---|---|---|\n");
        for (String server : servers) {
            md.append("| ").append(server)
                    .append(" | ").append(figure(server, "fanout-stalled", "users"))
                    .append(" | ").append(figure(server, "fanout-stalled", "baseline_delivery_per_s")).append(" / ")
                    .append(figure(server, "fanout-stalled", "delivery_per_s"))
                    .append(" | ").append(figure(server, "fanout-stalled", "rate_vs_baseline"))
                    .append(" | ").append(find(server, "fanout-stalled")
                            .map(r -> r.figures().get("stalled_cut_off") == 1 ? "yes" : "no").orElse("–"))
                    .append(" | ").append(figure(server, "fanout-stalled", "p99_us"))
                    .append(" | ").append(figure(server, "connect", "held"))
                    .append(" | ").append(figure(server, "connect", "kib_per_idle_connection"))
                    .append(" |\n");
        }
        List<String> notes = results.stream().filter(r -> !r.note().isEmpty())
                .map(r -> "- " + r.server() + ", " + r.scenario() + ": " + r.note()).toList();
        if (!notes.isEmpty()) {
            md.append("\nNotes from the run:\n").append(String.join("\n", notes)).append('\n');
        }
        return md.toString();
    }

    private String withRatio(String server, String scenario, String figure) {
        Optional<Double> value = value(server, scenario, figure);
        Optional<Double> base = value(baseline, scenario, figure);
        if (value.isEmpty()) {
            return "–";
        }
        String text = format(value.get());
        return base.isEmpty() || server.equals(baseline) ? text
                : text + " (" + String.format(Locale.ROOT, "%.2f", value.get() / base.get()) + "×)";
    }

    private String figure(String server, String scenario, String figure) {
        return value(server, scenario, figure).map(Report::format).orElse("–");
    }

    private Optional<Double> value(String server, String scenario, String figure) {
        return find(server, scenario).map(r -> r.figures().get(figure)).filter(v -> v != null && v >= 0);
    }

    private Optional<Result> find(String server, String scenario) {
        return results.stream().filter(r -> r.server().equals(server) && r.scenario().equals(scenario)).findFirst();
    }

    /** Three significant figures or so, thousands separated: 1.39, 15.5, 707,968. */
    static String format(double value) {
        if (value >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, value >= 10 ? "%.1f" : "%.2f", value);
    }

    /** Echo latency p50 and p99 against offered load, one pair of lines per server, log-scaled latency. */
    void plot(Path png) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (String server : servers) {
            for (String percentile : List.of("p50_us", "p99_us")) {
                XYSeries series = new XYSeries(server + " " + percentile.replace("_us", ""));
                results.stream().filter(atRate(server))
                        .forEach(r -> series.add(r.figures().get("offered_per_s"), r.figures().get(percentile)));
                data.addSeries(series);
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Echo latency against offered load (8 connections)",
                "offered load, messages/s", "latency, µs (log)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis latency = new LogAxis("latency, µs (log)");
        latency.setSmallestValue(1);
        plot.setRangeAxis(latency);
        Color[] palette = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
            new Color(0xff7f0e), new Color(0x8c564b)};
        for (int i = 0; i < data.getSeriesCount(); i++) {
            plot.getRenderer().setSeriesPaint(i, palette[(i / 2) % palette.length]);
            plot.getRenderer().setSeriesStroke(i, new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND,
                    1f, i % 2 == 0 ? null : new float[] {6f, 4f}, 0f));
        }
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 600);
    }

    private static Predicate<Result> atRate(String server) {
        return r -> r.server().equals(server) && r.scenario().equals("echo-at-rate");
    }

}
