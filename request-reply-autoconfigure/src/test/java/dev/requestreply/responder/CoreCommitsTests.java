package dev.requestreply.responder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.requestreply.ReplyHandler;
import dev.requestreply.handler.ReplyHandlerIdempotency;
import dev.requestreply.responder.core.CommitMetadata;
import dev.requestreply.responder.core.Partition;
import dev.requestreply.responder.core.RequestRef;
import dev.requestreply.responder.core.ResponderAction;
import dev.requestreply.responder.core.ResponderCore;
import dev.requestreply.responder.core.ResponderEvent;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the commits, pauses and resumes a handler's core decides are carried out by the consumer
 * that owns the partition, on a {@link MockConsumer}: one call each, on the consumer's thread.
 */
class CoreCommitsTests {

	private static final Partition P0 = new Partition("t", 0);

	private final TopicPartition partition = new TopicPartition("t", 0);

	private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

	private final List<Boolean> done = new ArrayList<>();

	// Commits at every poll.
	private final ConsumerLedgers owner = new ConsumerLedgers(this.consumer,
			new ResponderSettings("test", 1, 64, Duration.ofMinutes(5), 1000, Duration.ZERO, Duration.ofSeconds(10),
					4096, TestSettings.DEFAULTS.policy(), ReplyHandlerIdempotency.DEFAULT, false, Duration.ofSeconds(10)),
			new HandlerExecutor(64, Runnable::run, Runnable::run, (request) -> {
			}, () -> {
			}, false), true, new CoreCommits((offsets, succeeded) -> this.done.add(succeeded)));

	private final CoreConsumers consumers = new CoreConsumers();

	private final ResponderCore core = new ResponderCore(ReplyHandler.Ordering.NONE, 4096);

	private int woken;

	@BeforeEach
	void assign() {
		this.consumer.assign(List.of(this.partition));
		this.owner.assigned(List.of(this.partition));
		this.consumers.assigned(this.owner, List.of(this.partition));
		this.core.on(new ResponderEvent.Assigned(P0, -1, null));
	}

	@Test
	void whenTheCoreAsksForCommitsThenTheConsumerCommitsItsLatestPointWithItsMetadataAtItsNextPoll() {
		for (long offset = 0; offset < 3; offset++) {
			on(new ResponderEvent.Arrived(ref(offset), null, Long.MAX_VALUE));
		}
		on(new ResponderEvent.Started(ref(1), true));
		on(new ResponderEvent.Returned(ref(1), false));
		on(new ResponderEvent.ReplySent(ref(1)));
		assertThat(this.consumer.committed(Set.of(this.partition))).isEmpty();
		this.owner.beforePoll(false);
		// 0 and 2 unfinished, 1 finished: the runs 1, 1.
		OffsetAndMetadata committed = this.consumer.committed(Set.of(this.partition)).get(this.partition);
		assertThat(committed).isEqualTo(new OffsetAndMetadata(0, CommitMetadata.PREFIX + "AQE"));
		assertThat(CommitMetadata.decode(0, committed.metadata()).contains(1)).isTrue();
		assertThat(this.done).containsExactly(true);
	}

	@Test
	void whenTheLoopStallsAndCatchesUpThenAPartitionTheCorePausedForItsMetadataStaysPausedUntilTheCoreResumesIt() {
		this.consumers.carryOut(new ResponderAction.Pause(P0), (woken) -> this.woken++);
		this.owner.pauses().loopStalled(true);
		this.owner.beforePoll(false);
		assertThat(this.consumer.paused()).containsExactly(this.partition);
		this.owner.pauses().loopStalled(false);
		this.owner.beforePoll(false);
		assertThat(this.consumer.paused()).containsExactly(this.partition);
		this.consumers.carryOut(new ResponderAction.Resume(P0), (woken) -> this.woken++);
		this.owner.beforePoll(false);
		assertThat(this.consumer.paused()).isEmpty();
		assertThat(this.woken).isOne();
	}

	@Test
	void whenPartitionsAreRevokedThenTheCoresLastCommitIsCarriedOutInTheCallbackAndOfLostOnesNothingIs() {
		on(new ResponderEvent.Arrived(ref(0), null, Long.MAX_VALUE));
		on(new ResponderEvent.Lost(List.of(P0)));
		this.owner.revoked(List.of(this.partition), false);
		assertThat(this.consumer.committed(Set.of(this.partition))).isEmpty();
		this.owner.assigned(List.of(this.partition));
		this.consumers.assigned(this.owner, List.of(this.partition));
		this.core.on(new ResponderEvent.Assigned(P0, -1, null));
		on(new ResponderEvent.Arrived(ref(0), null, Long.MAX_VALUE));
		on(new ResponderEvent.Cancel(ref(0)));
		on(new ResponderEvent.Revoked(List.of(P0)));
		this.owner.revoked(List.of(this.partition), true);
		assertThat(this.consumer.committed(Set.of(this.partition)).get(this.partition))
			.isEqualTo(new OffsetAndMetadata(1, ""));
	}

	private void on(ResponderEvent event) {
		for (ResponderAction action : this.core.on(event)) {
			this.consumers.carryOut(action, (woken) -> this.woken++);
		}
	}

	private static RequestRef ref(long offset) {
		return new RequestRef(offset, P0, offset);
	}

}
