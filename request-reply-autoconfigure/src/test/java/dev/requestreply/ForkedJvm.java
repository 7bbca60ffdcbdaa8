package dev.requestreply;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A JVM started from the test class path, for tests that kill a responder, a requester or a
 * broker outright ({@link #kill()}: SIGKILL, as a crash or an OOM kill). It answers over its
 * standard output with lines starting {@value #PREFIX}; whatever else it prints goes to this
 * JVM's output, or to a log file. Every JVM still running is killed when this one exits.
 */
final class ForkedJvm {

	static final String PREFIX = "FORKED ";

	private static final List<String> JVM_OPTIONS = List.of("-Xmx384m", "-XX:+UseSerialGC",
			"-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");

	private static final Set<ForkedJvm> running = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(ForkedJvm::killAll));
	}

	private final String name;

	private final Process process;

	private final PrintWriter commands;

	private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

	// Every answer, in order, kept after await() took it: for lines the JVM prints unasked.
	private final List<String> said = new CopyOnWriteArrayList<>();

	private ForkedJvm(String name, Process process) {
		this.name = name;
		this.process = process;
		this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
		running.add(this);
	}

	/**
	 * Start {@code mainClass} with the given arguments; its answers are read from its output.
	 */
	static ForkedJvm start(String name, Class<?> mainClass, List<String> args) {
		return start(name, Path.of(System.getProperty("java.home")), mainClass, args);
	}

	/**
	 * Start {@code mainClass} on the Java installed at {@code javaHome}; its answers are read from
	 * its output.
	 */
	static ForkedJvm start(String name, Path javaHome, Class<?> mainClass, List<String> args) {
		ForkedJvm jvm = new ForkedJvm(name, launch(javaHome, mainClass.getName(), args, null));
		Thread reader = new Thread(jvm::readOutput, "forked-" + name);
		reader.setDaemon(true);
		reader.start();
		return jvm;
	}

	/**
	 * Start {@code mainClass} with its output going to a file (for chatty programs such as a
	 * broker, which answer no commands).
	 */
	static ForkedJvm startLoggingTo(String name, Path log, String mainClass, List<String> args) {
		return new ForkedJvm(name, launch(Path.of(System.getProperty("java.home")), mainClass, args, log));
	}

	private static Process launch(Path javaHome, String mainClass, List<String> args, Path log) {
		List<String> command = new ArrayList<>();
		command.add(javaHome.resolve("bin").resolve("java").toString());
		command.addAll(JVM_OPTIONS);
		command.add(mainClass);
		command.addAll(args);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		// Through the environment rather than -cp: keeps the command line short.
		builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
		if (log != null) {
			builder.redirectOutput(log.toFile());
		}
		try {
			return builder.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start " + mainClass, ex);
		}
	}

	private void readOutput() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (line.startsWith(PREFIX)) {
					this.answers.add(line.substring(PREFIX.length()));
					this.said.add(line.substring(PREFIX.length()));
				}
				System.out.println("[" + this.name + "] " + line);
			}
		}
		catch (IOException ex) {
			// The process is gone.
		}
	}

	/**
	 * Wait for the next answer, which must start with {@code word}, and return what follows it.
	 */
	String await(String word, Duration timeout) throws InterruptedException {
		long end = System.nanoTime() + timeout.toNanos();
		while (true) {
			String line = this.answers.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
			if (line == null) {
				throw new IllegalStateException(this.name + " did not answer '" + word + "' within " + timeout
						+ (this.process.isAlive() ? "" : " (exited with " + this.process.exitValue() + ")"));
			}
			if (line.startsWith(word)) {
				return line.substring(word.length()).trim();
			}
		}
	}

	/**
	 * Return every answer so far that starts with {@code word}, what follows it, in order: for
	 * lines printed unasked (such as a handler's), which {@link #await} skips.
	 */
	List<String> said(String word) {
		return this.said.stream()
			.filter((line) -> line.startsWith(word + " "))
			.map((line) -> line.substring(word.length() + 1))
			.toList();
	}

	/**
	 * Send a command and return its answer.
	 */
	String ask(String command, Duration timeout) throws InterruptedException {
		this.commands.println(command);
		return await(command.split(" ")[0], timeout);
	}

	/**
	 * Kill the process with SIGKILL, children included, and wait until it is gone.
	 */
	void kill() {
		running.remove(this);
		this.process.descendants().forEach(ProcessHandle::destroyForcibly);
		this.process.destroyForcibly();
		try {
			this.process.waitFor(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Find a Java of at least the given version: this JVM's own, the one at
	 * {@code -Dtest.java21.home}, or one under {@code /usr/lib/jvm}, the newest first.
	 */
	static Optional<Path> javaHome(int minVersion) {
		List<Path> candidates = new ArrayList<>();
		candidates.add(Path.of(System.getProperty("java.home")));
		String configured = System.getProperty("test.java21.home");
		if (configured != null && !configured.isBlank()) {
			candidates.add(Path.of(configured));
		}
		try (Stream<Path> installed = Files.list(Path.of("/usr/lib/jvm"))) {
			installed.sorted(Comparator.comparingInt(ForkedJvm::version).reversed()).forEach(candidates::add);
		}
		catch (IOException ex) {
			// No such directory: only the JVMs above.
		}
		return candidates.stream()
			.filter((home) -> Files.isExecutable(home.resolve("bin").resolve("java")))
			.filter((home) -> version(home) >= minVersion)
			.findFirst();
	}

	// The feature version in the installation's release file (JAVA_VERSION="25.0.1"), 0 if unknown.
	private static int version(Path home) {
		try {
			for (String line : Files.readAllLines(home.resolve("release"))) {
				if (line.startsWith("JAVA_VERSION=")) {
					String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
					return Integer.parseInt(version.split("[.+-]")[0]);
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			// Not a JDK, or one of unknown version.
		}
		return 0;
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	static void killAll() {
		List.copyOf(running).forEach(ForkedJvm::kill);
	}

}
