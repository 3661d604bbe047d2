package dev.parley.bench;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** One scenario's figures on one server, in the order they were added. */
record Result(String server, String scenario, Map<String, Double> figures, String note) {

    static Builder of(String server, String scenario) {
        return new Builder(server, scenario);
    }

    JsonObject toJson() {
        JsonObjectBuilder values = Json.createObjectBuilder();
        figures.forEach(values::add);
        return Json.createObjectBuilder().add("server", server).add("scenario", scenario)
                .add("figures", values).add("note", note).build();
    }

    static Result fromJson(JsonObject json) {
        Map<String, Double> figures = new LinkedHashMap<>();
        json.getJsonObject("figures").forEach((key, value) -> figures.put(key, ((JsonNumber) value).doubleValue()));
        return new Result(json.getString("server"), json.getString("scenario"), figures, json.getString("note"));
    }

    static final class Builder {
        private final String server;
        private final String scenario;
        private final Map<String, Double> figures = new LinkedHashMap<>();
        private String note = "";

        private Builder(String server, String scenario) {
            this.server = server;
            this.scenario = scenario;
        }

        Builder figure(String name, double value) {
            figures.put(name, Double.isFinite(value) ? value : -1);
            return this;
        }

        Builder figures(Map<String, Double> more) {
            figures.putAll(more);
            return this;
        }

        Builder sample(Meter.Sample sample, String unit) {
            return figure(unit + "_per_s", sample.perSecond())
                    .figure("server_cpu_us_per_" + unit, sample.cpuMicrosPerUnit())
                    .figure("server_switches_per_" + unit, sample.switchesPerUnit())
                    .figure("server_jit_share", sample.compilerShare())
                    .figure("server_load", sample.serverLoad())
                    .figure("generator_load", sample.generatorLoad())
                    .figure("others_load", sample.othersLoad());
        }

        /** Latency percentiles, recorded in nanoseconds, as microseconds. */
        Builder latency(Histogram nanos) {
            for (double percentile : new double[] {50, 90, 99, 99.9}) {
                figure("p" + (percentile == (int) percentile ? Integer.toString((int) percentile) : "99_9")
                        + "_us", nanos.getValueAtPercentile(percentile) / 1e3);
            }
            return figure("max_us", nanos.getMaxValue() / 1e3);
        }

        Builder note(String text) {
            this.note = text;
            return this;
        }

        Result build() {
            return new Result(server, scenario, new LinkedHashMap<>(figures), note);
        }
    }
}
