package dev.requestreply.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;

/**
 * What one implementation's turn measured in its own JVM ({@link ImplementationTurn}), as the lines
 * it prints and {@link FairEndToEndBenchmark} reads back: the latency histogram at 1 request in
 * flight and, for it and each in-flight count, the window's round trips and the JVM's CPU time.
 *
 * @param latency every round trip at 1 request in flight, in nanoseconds
 * @param latencyWindow the latency run's window
 * @param throughputs per requests in flight, the throughput run's window
 */
record TurnResult(Histogram latency, Load.Window latencyWindow, Map<Integer, Load.Window> throughputs) {

	/**
	 * The start of every line of a result; the rest of the turn's output is its log.
	 */
	static final String PREFIX = "bench-turn ";

	/**
	 * Return the lines that tell this result.
	 */
	List<String> lines() {
		ByteBuffer buffer = ByteBuffer.allocate(this.latency.getNeededByteBufferCapacity());
		int length = this.latency.encodeIntoCompressedByteBuffer(buffer);
		List<String> lines = new ArrayList<>();
		lines.add(PREFIX + "latency " + window(this.latencyWindow) + " "
				+ Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length)));
		this.throughputs.forEach((inFlight, window) -> lines.add(PREFIX + "throughput " + inFlight + " " + window(window)));
		return lines;
	}

	/**
	 * Read a result from a turn's output; the lines not starting with {@link #PREFIX} are skipped.
	 * @throws IllegalArgumentException if the output holds no latency line
	 */
	static TurnResult parse(List<String> output) {
		Histogram latency = null;
		Load.Window latencyWindow = null;
		Map<Integer, Load.Window> throughputs = new TreeMap<>();
		for (String line : output) {
			if (!line.startsWith(PREFIX)) {
				continue;
			}
			String[] words = line.substring(PREFIX.length()).split(" ");
			if (words[0].equals("latency")) {
				latencyWindow = window(words, 1);
				latency = histogram(words[4]);
			}
			else if (words[0].equals("throughput")) {
				throughputs.put(Integer.parseInt(words[1]), window(words, 2));
			}
		}
		if (latency == null || latencyWindow == null) {
			throw new IllegalArgumentException("No latency line (" + PREFIX + "latency ...) in the turn's output");
		}
		return new TurnResult(latency, latencyWindow, throughputs);
	}

	private static String window(Load.Window window) {
		return window.roundTrips() + " " + window.seconds() + " " + window.cpuNanos();
	}

	private static Load.Window window(String[] words, int from) {
		return new Load.Window(Long.parseLong(words[from]), Double.parseDouble(words[from + 1]),
				Long.parseLong(words[from + 2]));
	}

	private static Histogram histogram(String base64) {
		try {
			return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
		}
		catch (DataFormatException ex) {
			throw new IllegalArgumentException("Not a latency histogram: " + base64, ex);
		}
	}

}
