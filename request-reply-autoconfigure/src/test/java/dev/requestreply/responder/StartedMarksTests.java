package dev.requestreply.responder;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import dev.requestreply.responder.core.CommitMetadata;
import dev.requestreply.responder.core.StartedOffsets;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The started marks a handler commits beside its finished offsets: which unfinished requests had
 * been running a second or more, so that the partition's next owner (after a crash, a lost
 * partition, a revocation past its grace) counts what it runs a second time.
 */
class StartedMarksTests {

	private static final TopicPartition PARTITION = new TopicPartition("requests", 0);

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	@Test
	void whenAMethodRunsForASecondThenTheCommitNamesItStartedAndTheNextOwnerCountsItsSecondRunOnce() {
		PartitionLedger ledger = new PartitionLedger(PARTITION, null, 4096);
		LongStream.range(0, 6).forEach(ledger::receive);
		long start = 0;
		ledger.start(1, start);
		ledger.start(4, start);
		ledger.start(3, start + SECOND / 2);
		ledger.finish(2);
		ledger.finish(4);
		// Short requests add nothing: under a second, the finished ones alone.
		assertThat(ledger.commitPoint(start + SECOND - 1).metadata()).startsWith(CommitMetadata.PREFIX);
		OffsetAndMetadata point = ledger.commitPoint(start + SECOND);
		assertThat(point.offset()).isZero();
		assertThat(point.metadata()).startsWith(CommitMetadata.STARTED_PREFIX);
		PartitionLedger next = new PartitionLedger(PARTITION, point, 4096);
		assertThat(next.inheritedStarted()).isOne();
		assertThat(next.inheritedUnnamed()).isZero();
		for (long offset = 0; offset < 6; offset++) {
			assertThat(next.receive(offset)).as("offset %d handled again", offset).isEqualTo(offset != 2 && offset != 4);
		}
		assertThat(next.start(0, start)).isFalse();
		assertThat(next.start(1, start)).isTrue();
		assertThat(next.start(1, start)).as("counted once").isFalse();
		assertThat(next.start(3, start)).isFalse();
		// Half a second later the third one is named too.
		PartitionLedger later = new PartitionLedger(PARTITION, ledger.commitPoint(start + SECOND * 3 / 2), 4096);
		assertThat(later.inheritedStarted()).isEqualTo(2);
	}

	@Test
	void whenEncodedWithStartedRecordsThenTheMetadataIsTheExampleOfTheWireFormatDocument() {
		// docs/wire-format.md, "Commit metadata": the example's runs, 100 and 104 started.
		CommitMetadata.Encoded encoded = CommitMetadata.encode(100, new long[] { 100, 103, 104 }, 3, 110,
				new long[] { 100, 104 }, 4096);
		assertThat(encoded.text()).isEqualTo("rr2:AQICBQ.AAAE");
		assertThat(encoded.complete()).isTrue();
		StartedOffsets started = CommitMetadata.decodeStarted(100, encoded.text());
		assertThat(started).isNotNull();
		assertThat(started.offsets()).containsExactly(100, 104);
		assertThat(CommitMetadata.decode(100, encoded.text()).ranges()).isEqualTo(2);
	}

	@Test
	void whenOnlyStartedRecordsAreUnfinishedThenTheCommitNamesThemWithoutFinishedRuns() {
		PartitionLedger ledger = new PartitionLedger(PARTITION, new OffsetAndMetadata(10), 4096);
		LongStream.range(10, 13).forEach(ledger::receive);
		ledger.start(10, 0);
		ledger.start(11, 0);
		OffsetAndMetadata point = ledger.commitPoint(SECOND);
		assertThat(point).isEqualTo(new OffsetAndMetadata(10, "rr2:.AAAB"));
		PartitionLedger next = new PartitionLedger(PARTITION, point, 4096);
		LongStream.range(10, 13).forEach((offset) -> assertThat(next.receive(offset)).isTrue());
		assertThat(next.start(10, 0)).isTrue();
		assertThat(next.start(11, 0)).isTrue();
		assertThat(next.start(12, 0)).isFalse();
	}

	@Test
	void whenStartedMarksDoNotFitThenTheHighestAreLeftOutAndCountedAndThePartitionTakesMore() {
		PartitionLedger ledger = new PartitionLedger(PARTITION, null, 40);
		LongStream.range(0, 600).forEach(ledger::receive);
		ledger.finish(1);
		LongStream.range(0, 600).filter((offset) -> offset != 1).forEach((offset) -> ledger.start(offset, 0));
		OffsetAndMetadata point = ledger.commitPoint(SECOND);
		assertThat(point.metadata()).hasSizeLessThanOrEqualTo(40);
		// The finished offset fits: no reason to pause, whatever the marks left out.
		assertThat(ledger.truncated()).isFalse();
		PartitionLedger next = new PartitionLedger(PARTITION, point, 40);
		assertThat(next.receive(1)).isFalse();
		assertThat(next.inheritedStarted()).isBetween(10, 40);
		assertThat(next.inheritedStarted() + next.inheritedUnnamed()).isEqualTo(599);
		assertThat(next.start(0, 0)).isTrue();
		assertThat(next.start(599, 0)).isFalse();
	}

	@Test
	void whenTheMetadataIsOfAnEarlierVersionOrGarbledThenNothingCountsAsStarted() {
		// What request-reply 0.3 commits: finished runs only, read as before.
		PartitionLedger fromOlder = new PartitionLedger(PARTITION, new OffsetAndMetadata(100, "rr1:AQICBQ"), 4096);
		assertThat(fromOlder.receive(101)).isFalse();
		assertThat(fromOlder.receive(103)).isTrue();
		assertThat(fromOlder.inheritedStarted()).isZero();
		assertThat(fromOlder.start(103, 0)).isFalse();
		for (String metadata : new String[] { "", "rr2:AQICBQ", "rr2:.!!", "rr2:.AAAA", "rr2:.gA", "rr3:.AAE" }) {
			PartitionLedger next = new PartitionLedger(PARTITION, new OffsetAndMetadata(5, metadata), 4096);
			assertThat(next.inheritedStarted()).as(metadata).isZero();
			assertThat(next.inheritedUnnamed()).as(metadata).isZero();
			LongStream.range(5, 10).forEach((offset) -> assertThat(next.receive(offset)).isTrue());
		}
	}

	@Test
	void whenMarksAreCommittedThenAnEarlierVersionFindsNoPrefixItKnowsAndHandlesEverythingAgain() {
		// request-reply 0.3 reads only metadata starting with rr1: (anything else as empty): with
		// marks, it runs again the finished records above the committed offset too.
		PartitionLedger ledger = new PartitionLedger(PARTITION, null, 4096);
		LongStream.range(0, 3).forEach(ledger::receive);
		ledger.start(0, 0);
		ledger.finish(1);
		assertThat(ledger.commitPoint(SECOND).metadata()).doesNotStartWith(CommitMetadata.PREFIX);
		// Without a mark, exactly what 0.3 writes and reads.
		assertThat(ledger.commitPoint(SECOND - 1).metadata()).isEqualTo("rr1:AQE");
	}

	@Test
	void whenARequestHasRunASecondThenItsConsumerCommitsItsMarkThoughNothingElseFinished() {
		MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
		ResponderSettings settings = new ResponderSettings("test", 1, 64, Duration.ofMinutes(5), 1000,
				Duration.ZERO, Duration.ofSeconds(10), 4096, TestSettings.DEFAULTS.policy(),
				TestSettings.DEFAULTS.idempotency(), false, Duration.ofSeconds(10));
		ConsumerLedgers ledgers = new ConsumerLedgers(consumer, settings,
				new HandlerExecutor(64, Runnable::run, Runnable::run, (request) -> {
				}, () -> {
				}, false), true);
		consumer.assign(List.of(PARTITION));
		ledgers.assigned(List.of(PARTITION));
		PartitionLedger ledger = ledgers.ledger(PARTITION);
		ledger.receive(0);
		ledger.receive(1);
		ledger.start(0, System.nanoTime());
		ledgers.beforePoll(false);
		assertThat(committed(consumer)).isEqualTo(new OffsetAndMetadata(0, ""));
		// The same request, a second on: nothing else changed but its mark.
		ledger.start(0, System.nanoTime() - SECOND);
		ledgers.beforePoll(false);
		assertThat(committed(consumer).metadata()).startsWith(CommitMetadata.STARTED_PREFIX);
		assertThat(new PartitionLedger(PARTITION, committed(consumer), 4096).inheritedStarted()).isOne();
	}

	private static OffsetAndMetadata committed(MockConsumer<byte[], byte[]> consumer) {
		Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(java.util.Set.of(PARTITION));
		return committed.get(PARTITION);
	}

}
