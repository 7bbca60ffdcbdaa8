package dev.requestreply.bench;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The command of a turn of {@link FairEndToEndBenchmark}: the class path of a labelled
 * implementation, the settings it passes on and the turn's own, which win.
 */
class FairEndToEndBenchmarkTests {

	@AfterEach
	void clear() {
		System.clearProperty("bench.classpath.before");
		System.clearProperty("bench.latency.seconds");
	}

	@Test
	void whenAnImplementationIsLabelledThenItsTurnRunsOnTheLabelsClassPath() {
		System.setProperty("bench.classpath.before", "/tmp/before.jar");
		System.setProperty("bench.latency.seconds", "8");
		List<String> command = FairEndToEndBenchmark.turnCommand("ours-queue@before", "ours-queue-before-2",
				"localhost:9092", List.of("-Dbench.latency.seconds=2"));
		assertThat(command).containsSequence("-cp", "/tmp/before.jar")
			.contains("-Dbench.servers=localhost:9092", "-Dbench.turn.impl=ours-queue",
					"-Dbench.turn.prefix=ours-queue-before-2")
			.doesNotContain("-Dbench.classpath.before=/tmp/before.jar")
			.endsWith(ImplementationTurn.class.getName());
		// The turn's own setting comes last, so it is the one the turn's JVM reads.
		assertThat(command.indexOf("-Dbench.latency.seconds=2")).isGreaterThan(command.indexOf("-Dbench.latency.seconds=8"));
	}

	@Test
	void whenALabelHasNoClassPathThenTheTurnIsRefusedNamingTheProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> FairEndToEndBenchmark.turnCommand("ours@after", "ours-after-1", "localhost:9092", List.of()))
			.withMessageContaining("-Dbench.classpath.after=");
	}

	@Test
	void whenNotLabelledThenTheTurnRunsOnThisClassPath() {
		List<String> command = FairEndToEndBenchmark.turnCommand("raw", "raw-1", "localhost:9092", List.of());
		assertThat(command).containsSequence("-cp", System.getProperty("java.class.path"))
			.contains("-Dbench.turn.impl=raw");
	}

}
