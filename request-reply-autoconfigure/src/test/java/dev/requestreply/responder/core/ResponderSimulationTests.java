package dev.requestreply.responder.core;

import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The responder core driven through random interleavings of every event, with every invariant
 * checked after each step. {@code -Dsimulation.schedules=1000000} runs more schedules,
 * {@code -Dsimulation.seed=...} replays the one a failure printed.
 */
class ResponderSimulationTests {

	private static final long BASE_SEED = 33;

	@Test
	void whenSchedulesRunThenEveryInvariantHoldsAfterEveryStep() {
		Long replay = Long.getLong("simulation.seed");
		if (replay != null) {
			ResponderSimulation simulation = runOrReport(replay, EnumSet.noneOf(Fault.class));
			System.out.println("Responder simulation: seed " + replay + " replayed, " + simulation.steps + " steps");
			return;
		}
		long schedules = Long.getLong("simulation.schedules", 20_000);
		SplittableRandom seeds = new SplittableRandom(BASE_SEED);
		long started = System.nanoTime();
		long steps = 0;
		long requests = 0;
		for (long i = 0; i < schedules; i++) {
			ResponderSimulation simulation = runOrReport(seeds.nextLong(), EnumSet.noneOf(Fault.class));
			steps += simulation.steps;
			requests += simulation.requests.size();
		}
		long millis = (System.nanoTime() - started) / 1_000_000;
		System.out.println("Responder simulation: " + schedules + " schedules, " + steps + " steps, " + requests
				+ " deliveries in " + millis + " ms");
		assertThat(steps).isGreaterThan(schedules * 10);
	}

	@ParameterizedTest
	@CsvSource({ "EARLY_END_PASSES_TURN, LANE_EXCLUSIVE LANE_ORDER", "START_AFTER_REVOKE, NO_START_AFTER_REVOKE",
			"METHOD_AFTER_DEADLINE_EXCEEDED, NO_METHOD_AFTER_END", "REPLY_HELD_FOR_NEXT_CALL, ENDS_WITHIN_BOUND",
			"FAILED_REPLY_KEEPS_REQUEST, ENDS_WITHIN_BOUND", "COMMIT_PAST_UNFINISHED, COMMIT_NOT_PAST_UNFINISHED",
			"TRUNCATED_METADATA_NOT_PAUSED, TRUNCATED_METADATA_PAUSES",
			"METADATA_LIMIT_MISCOUNTED, METADATA_NAMES_EVERY_FINISHED" })
	void whenADefectOfStateIsReintroducedThenTheSimulationCatchesIt(Fault fault, String expected) {
		SplittableRandom seeds = new SplittableRandom(BASE_SEED);
		SimulationChecks.Violation caught = null;
		int schedules = 0;
		while (caught == null && schedules < 20_000) {
			schedules++;
			caught = violationOf(seeds.nextLong(), EnumSet.of(fault));
		}
		System.out.println("Mutation " + fault + " caught after " + schedules + " schedule(s): "
				+ ((caught != null) ? caught.getMessage() : "never"));
		assertThat(caught).isNotNull();
		assertThat(expected.split(" ")).contains(caught.invariant.name());
	}

	@Test
	void whenASeedIsReplayedThenTheSameScheduleRuns() {
		long seed = new SplittableRandom(BASE_SEED).nextLong();
		ResponderSimulation first = runOrReport(seed, EnumSet.noneOf(Fault.class));
		ResponderSimulation second = runOrReport(seed, EnumSet.noneOf(Fault.class));
		assertThat(second.steps).isEqualTo(first.steps);
		assertThat(second.now).isEqualTo(first.now);
		assertThat(second.requests).hasSameSizeAs(first.requests);
	}

	private static ResponderSimulation runOrReport(long seed, Set<Fault> faults) {
		ResponderSimulation simulation = new ResponderSimulation(seed, faults);
		try {
			simulation.run();
		}
		catch (SimulationChecks.Violation ex) {
			throw new AssertionError("Schedule with seed " + seed + " (replay: -Dsimulation.seed=" + seed + ", "
					+ simulation.ordering + " ordering, " + simulation.partitions.length + " partition(s)) broke "
					+ ex.getMessage(), ex);
		}
		return simulation;
	}

	private static SimulationChecks.@Nullable Violation violationOf(long seed, Set<Fault> faults) {
		try {
			new ResponderSimulation(seed, faults).run();
			return null;
		}
		catch (SimulationChecks.Violation ex) {
			return ex;
		}
	}

}
