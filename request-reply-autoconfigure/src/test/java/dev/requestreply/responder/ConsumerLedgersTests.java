package dev.requestreply.responder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.requestreply.handler.ReplyHandlerIdempotency;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one consumer of a handler pauses and resumes, on a {@link MockConsumer}.
 */
class ConsumerLedgersTests {

	private final TopicPartition partition = new TopicPartition("orders-requests", 0);

	private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

	@Test
	void whenFinishedOffsetsFitTheCommitMetadataAgainWithoutATransactionThenThePartitionResumes() {
		// Room for the runs of 3 offsets that finished above the committed one, no more.
		ResponderSettings settings = new ResponderSettings("test", 1, 64, Duration.ofMinutes(5), 1000,
				Duration.ofMillis(100), Duration.ofSeconds(10), 12, TestSettings.DEFAULTS.policy(),
				ReplyHandlerIdempotency.DEFAULT, false, Duration.ofSeconds(10));
		// Offsets committed by transactions, not by the consumer.
		ConsumerLedgers ledgers = new ConsumerLedgers(this.consumer, settings, new HandlerExecutor(64, Runnable::run, Runnable::run,
				(request) -> {
				}, () -> {
				}, false), false);
		this.consumer.assign(List.of(this.partition));
		ledgers.assigned(List.of(this.partition));
		PartitionLedger ledger = ledgers.ledger(this.partition);
		for (long offset = 0; offset < 20; offset++) {
			ledger.receive(offset);
		}
		for (long offset = 1; offset < 20; offset += 2) {
			ledger.finish(offset);
		}
		// A transaction's commit point: 10 runs of finished offsets, more than the metadata holds.
		ledger.commitPoint();
		ledgers.afterPoll(Set.of(this.partition), false);
		assertThat(this.consumer.paused()).containsExactly(this.partition);
		// The rest but the first end without a reply (expired, cancelled): no transaction runs.
		for (long offset = 2; offset < 20; offset += 2) {
			ledger.finish(offset);
		}
		ledgers.beforePoll(false);
		assertThat(this.consumer.paused()).isEmpty();
	}

	@Test
	void whenTheLoopQueuesAPollsRequestsOnlyAfterThePollThenTheExecutorAtItsLimitWakesTheConsumerToPauseBeforeItsNext() {
		ResponderSettings settings = new ResponderSettings("test", 1, 64, Duration.ofMinutes(5), 1000,
				Duration.ofMillis(100), Duration.ofSeconds(10), 4096, TestSettings.DEFAULTS.policy(),
				ReplyHandlerIdempotency.DEFAULT, false, Duration.ofSeconds(10));
		List<Runnable> workers = new ArrayList<>();
		AtomicInteger told = new AtomicInteger();
		// One call at a time; its worker never runs, so that what is queued stays queued.
		HandlerExecutor executor = new HandlerExecutor(1, workers::add, Runnable::run, (request) -> {
		}, told::incrementAndGet, false);
		ConsumerLedgers ledgers = new ConsumerLedgers(this.consumer, settings, executor, false);
		this.consumer.assign(List.of(this.partition));
		ledgers.assigned(List.of(this.partition));
		// The poll's records are in hand; the loop has not started any of them yet.
		ledgers.afterPoll(Set.of(this.partition), false);
		assertThat(this.consumer.paused()).isEmpty();
		// Now the loop does: one runs, the next waits, and the executor is at its limit.
		executor.submit(TestCalls.request(0));
		executor.submit(TestCalls.request(1));
		assertThat(executor.saturated()).isTrue();
		assertThat(told).hasValue(1);
		ledgers.beforePoll(false);
		assertThat(this.consumer.paused()).containsExactly(this.partition);
	}

}
