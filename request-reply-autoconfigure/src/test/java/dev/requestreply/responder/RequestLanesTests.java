package dev.requestreply.responder;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.requestreply.ReplyHandler;
import dev.requestreply.handler.ReplyHandlerExecution;
import dev.requestreply.wire.RequestHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests of one key ({@code KEY}) or one partition ({@code PARTITION}) never run at once and
 * start in offset order, whatever ends early in their lane (a cancel record, a deadline, a
 * partition taken away); a partition taken away starts nothing more.
 */
class RequestLanesTests {

	private static final long NO_DEADLINE = RequestHeaders.NO_DEADLINE;

	private final GatedCalls calls = new GatedCalls();

	private TestEngine engine;

	@AfterEach
	void stop() {
		if (this.engine != null) {
			this.engine.close();
		}
	}

	@Test
	void whenAWaitingRequestOfAKeyIsCancelledThenTheNextOfThatKeyStillWaitsForTheOneRunning() {
		assertAnEarlyEndLeavesTheTurn(ReplyHandler.Ordering.KEY, "key k", List.of("k", "k", "k", "k"),
				(c) -> this.engine.cancel(c));
	}

	@Test
	void whenAWaitingRequestOfAPartitionExpiresThenTheNextOfThatPartitionStillWaitsForTheOneRunning() {
		// The watchdog a minute later: c's deadline has passed.
		assertAnEarlyEndLeavesTheTurn(ReplyHandler.Ordering.PARTITION, "partition 0", List.of("k1", "k2", "k3", "k4"),
				(c) -> this.engine.watchAfter(Duration.ofSeconds(61)));
	}

	@Test
	void whenAPartitionIsTakenAwayThenNoneOfItsWaitingRequestsStarts() {
		serve(ReplyHandler.Ordering.KEY);
		List<ConsumerRecord<byte[], byte[]>> requests = List.of(request("k", "a", NO_DEADLINE),
				request("k", "b", NO_DEADLINE), request("k", "c", NO_DEADLINE), request("k", "d", NO_DEADLINE));
		startFirst(requests);
		// The revoke callback waits for a (up to the revoke grace); the others end at once.
		CompletableFuture<Void> revoking = CompletableFuture.runAsync(() -> this.engine.revoke(0));
		TestEngine.waiting().until(() -> this.engine.inHand() == 1);
		assertOnlyTheFirstRuns();
		assertThat(revoking).isNotDone();
		this.calls.open("a");
		// a still replies within the grace; the others are left to the partition's next owner.
		assertThat(revoking).succeedsWithin(Duration.ofSeconds(10));
		TestEngine.waiting().until(() -> this.engine.inHand() == 0);
		assertThat(this.calls.log).containsExactly("start a", "end a");
	}

	/**
	 * a runs, b, c and d wait in one lane (c with a deadline a minute ahead); c ends early: b
	 * still waits for a, then d for b.
	 */
	private void assertAnEarlyEndLeavesTheTurn(ReplyHandler.Ordering ordering, String lane, List<String> keys,
			Consumer<ConsumerRecord<byte[], byte[]>> endEarly) {
		serve(ordering);
		List<ConsumerRecord<byte[], byte[]>> requests = List.of(request(keys.get(0), "a", NO_DEADLINE),
				request(keys.get(1), "b", NO_DEADLINE), request(keys.get(2), "c", System.currentTimeMillis() + 60_000),
				request(keys.get(3), "d", NO_DEADLINE));
		startFirst(requests);
		endEarly.accept(requests.get(2));
		assertOnlyTheFirstRuns();
		for (String call : List.of("a", "b", "d")) {
			TestEngine.waiting().until(() -> this.calls.started(call));
			this.calls.open(call);
		}
		TestEngine.waiting().until(() -> this.engine.inHand() == 0);
		assertThat(this.calls.log).containsExactly("start a", "end a", "start b", "end b", "start d", "end d");
		assertThat(this.calls.mostAtOnce(lane)).isOne();
	}

	private void serve(ReplyHandler.Ordering ordering) {
		this.engine = TestEngine.serve(this.calls, "work", ordering, 64, Duration.ofMinutes(5), List.of(), true);
	}

	private ConsumerRecord<byte[], byte[]> request(String key, String call, long deadline) {
		return this.engine.request(0, key, call, deadline);
	}

	@SuppressWarnings("unchecked")
	private void startFirst(List<ConsumerRecord<byte[], byte[]>> requests) {
		this.engine.deliver(requests.toArray(ConsumerRecord[]::new));
		TestEngine.waiting().until(() -> this.calls.started("a"));
		assertOnlyTheFirstRuns();
	}

	// Checked at once: whatever an end in the lane started would be on the executor already.
	private void assertOnlyTheFirstRuns() {
		ReplyHandlerExecution execution = this.engine.execution();
		assertThat(execution.active() + execution.queued()).as("requests running or queued for a thread").isOne();
		assertThat(this.calls.log).containsExactly("start a");
	}

}
