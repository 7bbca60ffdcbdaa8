package dev.requestreply.responder;

import java.util.stream.LongStream;

import dev.requestreply.responder.core.CommitMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The finished offsets a handler commits in the metadata, and what the next owner of the
 * partition makes of them.
 */
class CommitMetadataTests {

	private static final TopicPartition PARTITION = new TopicPartition("requests", 0);

	@Test
	void whenRequestsAboveTheLowestUnfinishedOneFinishedThenTheCommitNamesThemAndTheNextOwnerSkipsThem() {
		PartitionLedger ledger = new PartitionLedger(PARTITION, new OffsetAndMetadata(100), 4096);
		LongStream.range(100, 110).forEach((offset) -> assertThat(ledger.receive(offset)).isTrue());
		for (long offset : new long[] { 101, 102, 105, 107, 108, 109 }) {
			ledger.finish(offset);
		}
		OffsetAndMetadata point = ledger.commitPoint();
		assertThat(point.offset()).isEqualTo(100);
		assertThat(point.metadata()).startsWith(CommitMetadata.PREFIX);
		PartitionLedger next = new PartitionLedger(PARTITION, point, 4096);
		for (long offset = 100; offset < 112; offset++) {
			boolean finishedBefore = offset == 101 || offset == 102 || offset == 105 || offset >= 107 && offset < 110;
			assertThat(next.receive(offset)).as("offset %d handled again", offset).isEqualTo(!finishedBefore);
		}
	}

	@Test
	void whenEncodedThenTheMetadataIsTheExampleOfTheWireFormatDocument() {
		// docs/wire-format.md, "Commit metadata".
		CommitMetadata.Encoded encoded = CommitMetadata.encode(100, new long[] { 100, 103, 104 }, 3, 110, 4096);
		assertThat(encoded.text()).isEqualTo("rr1:AQICBQ");
		assertThat(encoded.complete()).isTrue();
	}

	@Test
	void whenEverythingReceivedFinishedThenTheCommitIsThePartitionsPositionWithoutMetadata() {
		PartitionLedger ledger = new PartitionLedger(PARTITION, null, 4096);
		ledger.receive(7);
		ledger.receive(9);
		ledger.finish(9);
		ledger.finish(7);
		assertThat(ledger.commitPoint()).isEqualTo(new OffsetAndMetadata(10));
	}

	@Test
	void whenOnlyTheLowestIsFinishedThenTheCommitMovesOnAndNamesNothing() {
		PartitionLedger ledger = new PartitionLedger(PARTITION, null, 4096);
		LongStream.range(0, 5).forEach(ledger::receive);
		ledger.finish(0);
		ledger.finish(1);
		assertThat(ledger.commitPoint()).isEqualTo(new OffsetAndMetadata(2, ""));
		assertThat(ledger.lowestUnfinished()).isEqualTo(2);
	}

	@Test
	void whenTheFinishedOffsetsWouldNotFitThenTheMetadataIsCutAndThePartitionShouldPause() {
		PartitionLedger ledger = new PartitionLedger(PARTITION, null, 100);
		// Every other one unfinished: two runs per two offsets, as bad as it gets.
		LongStream.range(0, 1000).forEach(ledger::receive);
		LongStream.range(0, 1000).filter((offset) -> offset % 2 == 1).forEach(ledger::finish);
		OffsetAndMetadata point = ledger.commitPoint();
		assertThat(point.metadata().length()).isLessThanOrEqualTo(100);
		assertThat(ledger.truncated()).isTrue();
		// What fits is still right: the first finished ones are skipped, the rest handled again.
		PartitionLedger next = new PartitionLedger(PARTITION, point, 100);
		assertThat(next.receive(0)).isTrue();
		assertThat(next.receive(1)).isFalse();
		assertThat(next.receive(999)).isTrue();
		LongStream.range(0, 1000).filter((offset) -> offset % 2 == 0).forEach(ledger::finish);
		ledger.commitPoint();
		assertThat(ledger.truncated()).isFalse();
	}

	@Test
	void whenOneRequestIsStuckBeforeAMillionFinishedOnesThenTheMetadataStaysSmall() {
		PartitionLedger ledger = new PartitionLedger(PARTITION, null, 4096);
		LongStream.range(0, 100_000).forEach(ledger::receive);
		LongStream.range(1, 100_000).forEach(ledger::finish);
		OffsetAndMetadata point = ledger.commitPoint();
		assertThat(point.offset()).isZero();
		assertThat(point.metadata().length()).isLessThan(20);
		assertThat(ledger.unfinishedCount()).isOne();
	}

	@Test
	void whenMetadataIsNotOursOrGarbledThenNothingCountsAsFinished() {
		for (String metadata : new String[] { "", "something else", CommitMetadata.PREFIX + "!!!",
				CommitMetadata.PREFIX + "gA" }) {
			PartitionLedger next = new PartitionLedger(PARTITION, new OffsetAndMetadata(5, metadata), 4096);
			LongStream.range(5, 10).forEach((offset) -> assertThat(next.receive(offset)).isTrue());
		}
	}

}
