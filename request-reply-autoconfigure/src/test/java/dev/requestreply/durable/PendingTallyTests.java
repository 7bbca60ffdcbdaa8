package dev.requestreply.durable;

import java.util.List;
import java.util.Map;

import dev.requestreply.DurableOutcome;
import dev.requestreply.responder.PartitionLedger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pending requests of the owned partitions are counted by kind, those being delivered
 * included, with the oldest one's submission time; outcomes are counted by kind and type.
 */
class PendingTallyTests {

	@Test
	void whenRequestsArePendingOrBeingDeliveredThenTheyAreCountedByKindWithTheOldest() {
		OwnedPartition first = partition(0);
		first.states.put("a", state("report", 3_000));
		first.states.put("b", state("invoice", 2_000));
		first.inFlight.put("c", state("report", 1_000));
		OwnedPartition second = partition(1);
		second.states.put("d", state("report", 4_000));
		PendingTally tally = new PendingTally();
		tally.count(List.of(first, second), 0);
		assertThat(tally.byKind()).containsExactly(Map.entry("invoice", 1), Map.entry("report", 3));
		assertThat(tally.oldestSubmittedAt()).isEqualTo(1_000);
	}

	@Test
	void whenCountedAgainSoonerThanItsPeriodThenTheLastCountStands() {
		OwnedPartition partition = partition(0);
		partition.states.put("a", state("report", 1_000));
		PendingTally tally = new PendingTally();
		tally.count(List.of(partition), 0);
		partition.states.clear();
		tally.count(List.of(partition), PendingTally.EVERY_NANOS - 1);
		assertThat(tally.byKind()).containsExactly(Map.entry("report", 1));
		tally.count(List.of(partition), PendingTally.EVERY_NANOS);
		assertThat(tally.byKind()).isEmpty();
		assertThat(tally.oldestSubmittedAt()).isEqualTo(-1);
	}

	@Test
	void whenOutcomesOfTwoKindsEndThenEachIsCountedByKindAndType() {
		DurableFigures figures = new DurableFigures();
		figures.delivered(new DurableOutcome.Replied<>("a", "report", Map.of(), 1, "done"));
		figures.delivered(new DurableOutcome.Replied<>("b", "report", Map.of(), 1, "done"));
		figures.delivered(new DurableOutcome.Cancelled<>("c", "invoice", Map.of(), 1));
		assertThat(figures.outcomes("report", "replied")).isEqualTo(2);
		assertThat(figures.outcomes("invoice", "cancelled")).isEqualTo(1);
		assertThat(figures.outcomes("invoice", "replied")).isZero();
		assertThat(figures.outcomes("replied")).isEqualTo(2);
		assertThat(figures.outcomesByKind(List.of("quote"))).containsOnlyKeys("invoice", "quote", "report");
		assertThat(figures.outcomesByKind(List.of()).get("invoice")).containsExactly(Map.entry("replied", 0L),
				Map.entry("failed", 0L), Map.entry("timed_out", 0L), Map.entry("cancelled", 1L));
	}

	private static OwnedPartition partition(int number) {
		return new OwnedPartition(new TopicPartition("app-durable-pending", number),
				new PartitionLedger(new TopicPartition("app-durable-replies", number), null, 4096));
	}

	private static PendingState state(String kind, long submittedAt) {
		return new PendingState(PendingState.VERSION, kind, submittedAt + 60_000, Map.of(), "jobs", 0, submittedAt);
	}

}
