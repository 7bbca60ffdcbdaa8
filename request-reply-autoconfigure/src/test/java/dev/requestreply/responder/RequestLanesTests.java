package dev.requestreply.responder;

import java.time.Duration;
import java.util.List;

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
		serve(ReplyHandler.Ordering.KEY);
		List<ConsumerRecord<byte[], byte[]>> requests = List.of(request("k", "a", NO_DEADLINE),
				request("k", "b", NO_DEADLINE), request("k", "c", NO_DEADLINE), request("k", "d", NO_DEADLINE));
		startFirst(requests);
		this.engine.cancel(requests.get(2));
		assertOnlyTheFirstRuns();
		assertTheOthersRunInTurn("key k", "a", "b", "d");
	}

	@Test
	void whenAWaitingRequestOfAPartitionExpiresThenTheNextOfThatPartitionStillWaitsForTheOneRunning() {
		serve(ReplyHandler.Ordering.PARTITION);
		long deadline = System.currentTimeMillis() + 60_000;
		List<ConsumerRecord<byte[], byte[]>> requests = List.of(request("k1", "a", NO_DEADLINE),
				request("k2", "b", NO_DEADLINE), request("k3", "c", deadline), request("k4", "d", NO_DEADLINE));
		startFirst(requests);
		// The watchdog a minute later: c's deadline has passed.
		this.engine.watchAfter(Duration.ofSeconds(61));
		assertOnlyTheFirstRuns();
		assertTheOthersRunInTurn("partition 0", "a", "b", "d");
	}

	@Test
	void whenAPartitionIsTakenAwayThenNoneOfItsWaitingRequestsStarts() {
		serve(ReplyHandler.Ordering.KEY);
		List<ConsumerRecord<byte[], byte[]>> requests = List.of(request("k", "a", NO_DEADLINE),
				request("k", "b", NO_DEADLINE), request("k", "c", NO_DEADLINE), request("k", "d", NO_DEADLINE));
		startFirst(requests);
		this.engine.revoke(0);
		assertOnlyTheFirstRuns();
		this.calls.open("a");
		// a still replies; the others are left to the partition's next owner.
		TestEngine.waiting().until(() -> this.engine.inHand() == 0);
		assertThat(this.calls.log).containsExactly("start a", "end a");
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

	private void assertTheOthersRunInTurn(String lane, String... order) {
		for (String call : order) {
			TestEngine.waiting().until(() -> this.calls.started(call));
			this.calls.open(call);
		}
		TestEngine.waiting().until(() -> this.engine.inHand() == 0);
		assertThat(this.calls.log).containsExactly("start a", "end a", "start b", "end b", "start d", "end d");
		assertThat(this.calls.mostAtOnce(lane)).isOne();
	}

}
