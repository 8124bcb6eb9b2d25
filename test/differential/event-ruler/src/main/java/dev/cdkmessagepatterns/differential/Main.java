package dev.cdkmessagepatterns.differential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import software.amazon.event.ruler.Machine;

/**
 * Asks aws/event-ruler, the matching engine of Amazon EventBridge, for its verdicts.
 *
 * <p>Default mode: reads JSON lines {"pattern": {...}, "event": {...}} from stdin and
 * prints one line per input: "true", "false" or "error:" followed by the message
 * (for a pattern or event event-ruler rejects). Each pattern gets its own Machine,
 * matched with rulesForJSONEvent (array-consistent matching, as EventBridge does).
 *
 * <p>Benchmark mode: {@code bench <corpus.jsonl> <seconds>} compiles every pattern of
 * the corpus once, parses every event once, then evaluates all pairs in a loop and
 * prints the evaluations per second as JSON.
 */
public final class Main {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Main() { }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("bench")) {
      bench(args[1], Double.parseDouble(args[2]));
      return;
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isEmpty()) {
        continue;
      }
      out.write(verdict(line));
      out.newLine();
      if (!in.ready()) {
        // Nothing more to read for now: answer what we have (interactive use, e.g. while shrinking).
        out.flush();
      }
    }
    out.flush();
  }

  private static String verdict(String line) {
    try {
      JsonNode pair = MAPPER.readTree(line);
      Machine machine = new Machine();
      machine.addRule("rule", MAPPER.writeValueAsString(pair.get("pattern")));
      return Boolean.toString(!machine.rulesForJSONEvent(MAPPER.writeValueAsString(pair.get("event"))).isEmpty());
    } catch (Exception e) {
      String message = String.valueOf(e.getMessage()).replace('\n', ' ').replace('\r', ' ');
      return "error:" + e.getClass().getSimpleName() + ": " + message;
    }
  }

  private static void bench(String corpusPath, double seconds) throws Exception {
    List<Machine> machines = new ArrayList<>();
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(Paths.get(corpusPath), StandardCharsets.UTF_8)) {
      if (line.isEmpty()) {
        continue;
      }
      JsonNode pair = MAPPER.readTree(line);
      Machine machine = new Machine();
      machine.addRule("rule", MAPPER.writeValueAsString(pair.get("pattern")));
      machines.add(machine);
      events.add(pair.get("event"));
    }
    int n = machines.size();
    // One pass first: the number of matching pairs, for comparison with the other engine.
    long matchedPerPass = 0;
    for (int i = 0; i < n; i++) {
      matchedPerPass += machines.get(i).rulesForJSONEvent(events.get(i)).size();
    }
    long matched = 0;
    // Warm-up: let the JIT compile the hot paths before measuring.
    long warmupEnd = System.nanoTime() + (long) (seconds * 0.5e9);
    while (System.nanoTime() < warmupEnd) {
      for (int i = 0; i < n; i++) {
        matched += machines.get(i).rulesForJSONEvent(events.get(i)).size();
      }
    }
    long evaluations = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long now = start;
    while (now < end) {
      for (int i = 0; i < n; i++) {
        matched += machines.get(i).rulesForJSONEvent(events.get(i)).size();
      }
      evaluations += n;
      now = System.nanoTime();
    }
    double elapsed = (now - start) / 1e9;
    System.out.println("{\"engine\":\"event-ruler\",\"evaluations\":" + evaluations + ",\"seconds\":" + elapsed
        + ",\"perSecond\":" + (evaluations / elapsed) + ",\"matchedPerPass\":" + matchedPerPass
        + ",\"ignore\":" + (matched % 2) + "}");
  }
}
