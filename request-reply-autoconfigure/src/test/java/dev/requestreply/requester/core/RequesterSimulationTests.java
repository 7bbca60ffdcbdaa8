package dev.requestreply.requester.core;

import java.util.EnumSet;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The requester's core driven by {@link RequesterSimulation} through random schedules, each from
 * a seed: {@code -Dsimulation.schedules=1000000} runs a million, {@code -Dsimulation.seed=...}
 * replays one (the seed a failure prints).
 */
class RequesterSimulationTests {

	private static final int MAX_STEPS = 120;

	@Test
	void whenCoreRunsRandomSchedulesThenEveryInvariantHoldsAfterEveryStep() {
		String replay = System.getProperty("simulation.seed");
		if (replay != null) {
			runOne(Long.parseLong(replay), RequestCore.SOUND);
			return;
		}
		int schedules = Integer.getInteger("simulation.schedules", 20_000);
		long base = Long.getLong("simulation.base", 0x5eed_34L);
		SplittableRandom seeds = new SplittableRandom(base);
		long start = System.nanoTime();
		long steps = 0;
		for (int i = 0; i < schedules; i++) {
			steps += runOne(seeds.nextLong(), RequestCore.SOUND);
		}
		long millis = (System.nanoTime() - start) / 1_000_000;
		System.out.println("RequesterSimulation: " + schedules + " schedules, " + steps + " steps in " + millis + " ms");
		assertThat(millis).as("simulation time").isLessThan(30_000 * Math.max(1, schedules / 20_000L));
	}

	@ParameterizedTest
	@EnumSource(RequestCore.Defect.class)
	void whenDefectOfIssue31IsPutBackThenSimulationCatchesIt(RequestCore.Defect defect) {
		RequestCore mutant = new RequestCore(EnumSet.of(defect));
		SplittableRandom seeds = new SplittableRandom(0x5eed_34L);
		for (int i = 0; i < 20_000; i++) {
			long seed = seeds.nextLong();
			try {
				new RequesterSimulation(seed, mutant).run(MAX_STEPS);
			}
			catch (AssertionError caught) {
				System.out.println("RequesterSimulation caught " + defect + " at schedule " + i + " (seed " + seed
						+ "): " + caught.getMessage());
				assertThat(caught.getMessage()).contains(expectedInvariant(defect));
				return;
			}
		}
		fail("No schedule caught " + defect);
	}

	private static String expectedInvariant(RequestCore.Defect defect) {
		return switch (defect) {
			case EXPIRY_ON_COMPLETION_THREADS, LISTENERS_ON_ENDING_THREAD -> "engine-side end late";
			case NO_CANCEL_AFTER_EARLY_GATHER -> "cancel records sent";
			case UNBOUNDED_STREAM_BUFFER -> "stream holds";
			case FIGURES_WITH_COMPLETION -> "library figures";
			case PARTIAL_AS_TIMEOUT -> "gather's timeout with";
		};
	}

	private static int runOne(long seed, RequestCore core) {
		RequesterSimulation simulation = new RequesterSimulation(seed, core);
		try {
			simulation.run(MAX_STEPS);
		}
		catch (AssertionError ex) {
			throw new AssertionError("Schedule with seed " + seed + " failed (replay: -Dsimulation.seed=" + seed + "): "
					+ ex.getMessage(), ex);
		}
		return simulation.steps;
	}

}
