package dev.parley.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A JVM's live objects, as {@code jcmd <pid> GC.class_histogram} counts them after the full collection it
 * starts: bytes in all and by class.
 */
record LiveHeap(long bytes, Map<String, Long> bytesByClass) {

    /** {@code   12:        100000        4800000  dev.parley.chat.bus.Stored} */
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+\\d+\\s+(\\d+)");

    static LiveHeap of(ServerProcess process) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(process.pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(2, TimeUnit.MINUTES) || jcmd.exitValue() != 0) {
            throw new IOException("jcmd GC.class_histogram failed: " + out);
        }
        Map<String, Long> byClass = new HashMap<>();
        long total = -1;
        for (String line : out.split("\n")) {
            Matcher row = ROW.matcher(line);
            Matcher sum = TOTAL.matcher(line);
            if (row.find()) {
                byClass.merge(row.group(2), Long.parseLong(row.group(1)), Long::sum);
            } else if (sum.find()) {
                total = Long.parseLong(sum.group(1));
            }
        }
        if (total < 0) {
            throw new IOException("no total in jcmd's histogram: " + out);
        }
        return new LiveHeap(total, byClass);
    }

    /**
     * What grew from {@code before} to this, per {@code units}: the {@code top} largest classes of at least
     * half a byte per unit, e.g. "Stored 48.0, ...".
     */
    String growthPerUnit(LiveHeap before, long units, int top) {
        return bytesByClass.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.bytesByClass.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() * 2 >= units)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .map(e -> String.format(Locale.ROOT, "%s %.1f", shortName(e.getKey()),
                        (double) e.getValue() / units))
                .collect(Collectors.joining(", "));
    }

    private static String shortName(String className) {
        if (className.startsWith("[L")) {
            return shortName(className.substring(2, className.length() - 1)) + "[]";
        }
        return className.equals("[B") ? "byte[]" : className.substring(className.lastIndexOf('.') + 1);
    }
}
