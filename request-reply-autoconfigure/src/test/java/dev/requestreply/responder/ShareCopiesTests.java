package dev.requestreply.responder;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second copy of a queue handler's record on one instance: held beside the request in hand, or
 * accepted once the request finished; never a second run.
 */
class ShareCopiesTests {

	private final ShareCopies copies = new ShareCopies();

	private final ShareAcknowledger first = (request, finished) -> {
	};

	private final ShareAcknowledger second = (request, finished) -> {
	};

	@Test
	void whenACopyOfARequestInHandComesThenItIsHeldBesideItUntilItEndsAndLaterCopiesAreAccepted() {
		InHandRequest request = request(record(5));
		this.copies.taken(request);
		assertThat(this.copies.holdCopy(record(5), this.second)).isSameAs(request);
		assertThat(this.copies.holdCopy(record(6), this.second)).isNull();
		assertThat(this.copies.finishedLately(record(5))).isFalse();
		assertThat(this.copies.ended(request, true)).isEqualTo(List.of(this.second));
		// Ended: a copy that comes now is not held, but known as finished.
		assertThat(this.copies.holdCopy(record(5), this.second)).isNull();
		assertThat(this.copies.finishedLately(record(5))).isTrue();
		assertThat(this.copies.ended(request, true)).isEmpty();
	}

	@Test
	void whenARequestEndsUnfinishedThenACopyOfItRunsAgain() {
		InHandRequest request = request(record(7));
		this.copies.taken(request);
		this.copies.ended(request, false);
		assertThat(this.copies.holdCopy(record(7), this.second)).isNull();
		assertThat(this.copies.finishedLately(record(7))).isFalse();
	}

	private InHandRequest request(ConsumerRecord<byte[], byte[]> record) {
		return new InHandRequest(record, this.first, 1, false, null, null, Long.MAX_VALUE);
	}

	private static ConsumerRecord<byte[], byte[]> record(long offset) {
		return new ConsumerRecord<>("jobs", 0, offset, new byte[0], new byte[0]);
	}

}
