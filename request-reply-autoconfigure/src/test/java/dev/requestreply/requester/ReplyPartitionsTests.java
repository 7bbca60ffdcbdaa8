package dev.requestreply.requester;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which reply partitions an instance names, owns and reads.
 */
class ReplyPartitionsTests {

	private final ReplyPartitions partitions = new ReplyPartitions(3);

	@Test
	void whenNothingIsOwnedThenRequestsNameNoPartitionAndEveryPartitionIsRead() {
		this.partitions.draining(List.of(0, 1, 2));
		assertThat(this.partitions.acquire()).isNull();
		assertThat(this.partitions.read()).containsExactly(0, 1, 2);
		assertThat(this.partitions.isShared()).isFalse();
	}

	@Test
	void whenPartitionsAreOwnedThenRequestsNameTheFirstWhileItIsOwned() {
		this.partitions.own(List.of(2, 1));
		assertThat(List.of(this.partitions.acquire(), this.partitions.acquire())).containsExactly(1, 1);
		this.partitions.disown(List.of(1));
		assertThat(this.partitions.acquire()).isEqualTo(2);
	}

	@Test
	void whenOwnedAndNoUnnamedRequestIsPendingThenTheOthersAreDrained() {
		this.partitions.draining(List.of(0, 1, 2));
		Integer unnamed = this.partitions.acquire();
		this.partitions.own(List.of(1));
		assertThat(this.partitions.drained(0)).isFalse();
		this.partitions.release(unnamed);
		assertThat(this.partitions.drained(0)).isTrue();
		assertThat(this.partitions.drained(2)).isTrue();
		assertThat(this.partitions.read()).containsExactly(1);
	}

	@Test
	void whenAPartitionIsTakenWhileARequestNamedItThenItIsReadUntilThatRequestEnds() {
		this.partitions.own(List.of(0, 1));
		Integer named = this.partitions.acquire();
		assertThat(this.partitions.disown(List.of(named))).containsExactly(named);
		assertThat(this.partitions.read()).containsExactly(0, 1);
		assertThat(this.partitions.drained(named)).isFalse();
		this.partitions.release(named);
		assertThat(this.partitions.drained(named)).isTrue();
		assertThat(this.partitions.read()).containsExactly(1);
	}

	@Test
	void whenAPartitionWithoutPendingRequestsIsTakenThenItIsNotRead() {
		this.partitions.own(List.of(0, 1));
		assertThat(this.partitions.disown(List.of(1))).isEmpty();
		assertThat(this.partitions.read()).containsExactly(0);
	}

	@Test
	void whenTheLastOwnedPartitionIsTakenThenEveryPartitionIsReadAndTheInstanceShares() {
		this.partitions.own(List.of(0));
		assertThat(this.partitions.disown(List.of(0))).containsExactly(0, 1, 2);
		assertThat(this.partitions.isShared()).isTrue();
		assertThat(this.partitions.acquire()).isNull();
	}

	@Test
	void whenPartitionsAreAddedThenTheyAreReadIfRepliesOfThisInstanceMayComeThere() {
		// Nothing owned yet: requests name no partition, a responder may pick a new one.
		assertThat(this.partitions.grow(5)).containsExactly(3, 4);
		assertThat(this.partitions.topicPartitions()).isEqualTo(5);
		assertThat(this.partitions.grow(5)).isEmpty();
		// Owned, and no request that named none pending: the reply group assigns them.
		this.partitions.own(List.of(0));
		assertThat(this.partitions.grow(7)).isEmpty();
		assertThat(this.partitions.disown(List.of(0))).contains(5, 6);
	}

	@Test
	void whenTheDrainingReaderReadsAnAssignedPartitionThenItHandsItOverOnce() {
		this.partitions.draining(List.of(0, 1));
		assertThat(this.partitions.takeFromDraining(0)).isTrue();
		assertThat(this.partitions.takeFromDraining(0)).isFalse();
		assertThat(this.partitions.drained(0)).isFalse();
	}

}
