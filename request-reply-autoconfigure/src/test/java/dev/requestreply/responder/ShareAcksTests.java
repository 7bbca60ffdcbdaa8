package dev.requestreply.responder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockShareConsumer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a share consumer's acknowledgements go to the broker: each acknowledgement sent on its own
 * is a request and a write of the share group's state, so those made close together go together.
 */
class ShareAcksTests {

	private static final long MILLIS = 1_000_000;

	private final CountingConsumer consumer = new CountingConsumer();

	private final ShareAcks acks = new ShareAcks(Duration.ofMillis(10));

	@Test
	void whenRequestsOfAPollEndWhileAnotherRunsThenTheirAcknowledgementsGoTogetherOnceTheFirstWaitedTheLinger() {
		this.acks.acknowledge(this.consumer, entry(1), AcknowledgeType.ACCEPT, 0);
		this.acks.send(this.consumer, false, 0);
		this.acks.acknowledge(this.consumer, entry(2), AcknowledgeType.ACCEPT, 4 * MILLIS);
		this.acks.send(this.consumer, false, 4 * MILLIS);
		assertThat(this.consumer.commits).as("acknowledgements sent on their own before the linger").isZero();
		assertThat(this.acks.dueNanos()).isEqualTo(10 * MILLIS);
		this.acks.send(this.consumer, false, 10 * MILLIS);
		assertThat(this.consumer.commits).isOne();
		assertThat(this.consumer.acknowledged).containsExactly(1L, 2L);
		assertThat(this.acks.dueNanos()).isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void whenThePollThatFollowsCarriesThemThenNoneIsSentOnItsOwn() {
		this.acks.accept(this.consumer, record(3), 0);
		this.acks.send(this.consumer, true, 0);
		this.acks.polled();
		this.acks.send(this.consumer, false, 50 * MILLIS);
		assertThat(this.consumer.commits).isZero();
		assertThat(this.acks.dueNanos()).isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void whenARecordsAcquisitionWasLostThenAcknowledgingItSendsNothing() {
		this.consumer.lost = true;
		this.acks.acknowledge(this.consumer, entry(4), AcknowledgeType.ACCEPT, 0);
		this.acks.send(this.consumer, false, 50 * MILLIS);
		assertThat(this.consumer.commits).isZero();
	}

	private static ShareHeld.Entry entry(long offset) {
		ConsumerRecord<byte[], byte[]> record = record(offset);
		InHandRequest request = new InHandRequest(record, (ended, finished) -> {
		}, 1, false, null, null, Long.MAX_VALUE);
		return new ShareHeld.Entry(request, record, 0);
	}

	private static ConsumerRecord<byte[], byte[]> record(long offset) {
		return new ConsumerRecord<>("jobs", 0, offset, new byte[0], new byte[0]);
	}

	/**
	 * Notes what it is told instead of telling a broker.
	 */
	static final class CountingConsumer extends MockShareConsumer<byte[], byte[]> {

		final List<Long> acknowledged = new ArrayList<>();

		int commits;

		boolean lost;

		@Override
		public synchronized void acknowledge(ConsumerRecord<byte[], byte[]> record, AcknowledgeType type) {
			if (this.lost) {
				throw new IllegalStateException("The record cannot be acknowledged.");
			}
			this.acknowledged.add(record.offset());
		}

		@Override
		public synchronized void commitAsync() {
			this.commits++;
		}

	}

}
