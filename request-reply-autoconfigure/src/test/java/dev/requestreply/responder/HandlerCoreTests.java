package dev.requestreply.responder;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.requestreply.CorrelationId;
import dev.requestreply.ReplyHandler;
import dev.requestreply.handler.ReplyHandlerOutcome;
import dev.requestreply.responder.core.RequestRef;
import dev.requestreply.responder.core.ResponderAction;
import dev.requestreply.responder.core.ResponderEvent;
import dev.requestreply.wire.RequestHeaders;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the threads of a handler post to its core, unfolded on its loop: a worker's claim told
 * with what ends its call, or by the loop before an event that depends on it; an event about a
 * request whose poll was not posted yet told right after its arrival.
 */
class HandlerCoreTests {

	private final List<ResponderEvent> events = new CopyOnWriteArrayList<>();

	private final List<ResponderAction> actions = new CopyOnWriteArrayList<>();

	// The loop drains on the posting thread: each post is decided before it returns.
	private final HandlerCore core = new HandlerCore("orders", ReplyHandler.Ordering.PARTITION, 0, Runnable::run,
			this.actions::add, LoopIntake.of(() -> {
			}, () -> {
			}), Runnable::run);

	HandlerCoreTests() {
		this.core.loop().recordTo(this.events::add);
		this.core.assigned(new ConsumerLedgers(new MockConsumer<>("earliest"), TestSettings.DEFAULTS,
				new HandlerExecutor(64, Runnable::run, Runnable::run, (request) -> {
				}, () -> {
				}, false), true), List.of(new TopicPartition("t", 0)), Map.of());
	}

	@Test
	void whenAWorkerClaimedARequestWithoutTellingTheCoreThenACancelStopsItsCallRatherThanWithdrawingIt() {
		InHandRequest request = arrived(0);
		RequestRef ref = ref(request);
		assertThat(this.actions).contains(new ResponderAction.Start(ref));
		// Its worker won the claim; the core hears of it with what ends the call.
		assertThat(request.take()).isTrue();
		this.core.claimed(request);
		assertThat(this.events).doesNotContain(new ResponderEvent.Started(ref, true));
		this.core.post(request, TicketEvent.CANCEL);
		assertThat(this.events).containsSubsequence(new ResponderEvent.Started(ref, true),
				new ResponderEvent.Cancel(ref));
		assertThat(this.actions).contains(new ResponderAction.Interrupt(ref))
			.doesNotContain(new ResponderAction.Withdraw(ref));
	}

	@Test
	void whenAWorkerMadeItsReplyThenItsClaimAndItsReturnAreToldTogetherAndTheReplyGoes() {
		InHandRequest request = arrived(0);
		RequestRef ref = ref(request);
		assertThat(request.take()).isTrue();
		this.core.claimed(request);
		RequestHeaders headers = new RequestHeaders(CorrelationId.random().toBytes(), "replies", null,
				RequestHeaders.NO_DEADLINE, null, false);
		this.core.made(request, new CoreTicket.Prepared(new ReplyAddress(headers, null, "t", 0, null), new byte[0],
				null, ReplyHandlerOutcome.SUCCESS, null), null);
		this.core.returned(request);
		this.core.workerDone(request);
		assertThat(this.events).endsWith(new ResponderEvent.Started(ref, true),
				new ResponderEvent.Returned(ref, false));
		assertThat(this.actions).endsWith(new ResponderAction.SendReply(ref));
	}

	@Test
	void whenACancelIsReadBeforeItsPollWasPostedThenTheCoreIsToldOfItRightAfterItsArrival() {
		RequestRef ref = toldBeforeArrival(TicketEvent.CANCEL);
		assertThat(this.events).endsWith(new ResponderEvent.Arrived(ref, null, RequestHeaders.NO_DEADLINE),
				new ResponderEvent.Cancel(ref));
		assertThat(this.actions).contains(new ResponderAction.Outcome(ref, ResponderAction.Ending.CANCELLED));
	}

	@Test
	void whenACancelAndADeadlineComeBeforeTheirPollWasPostedThenTheCoreIsToldOfBothInTheirOrder() {
		// The cancel reader and the watchdog both find it in hand before its poll's arrivals go.
		RequestRef ref = toldBeforeArrival(TicketEvent.CANCEL, TicketEvent.DEADLINE);
		assertThat(this.events).endsWith(new ResponderEvent.Arrived(ref, null, RequestHeaders.NO_DEADLINE),
				new ResponderEvent.Cancel(ref), new ResponderEvent.DeadlinePassed(ref));
		assertThat(this.actions).contains(new ResponderAction.Outcome(ref, ResponderAction.Ending.CANCELLED));
	}

	// A request taken in hand, told the events, then its poll's arrivals posted.
	private RequestRef toldBeforeArrival(TicketEvent... early) {
		InHandRequest request = TestCalls.request(0);
		this.core.taken(request);
		for (TicketEvent event : early) {
			this.core.post(request, event);
		}
		this.core.arrived(List.of(request));
		return ref(request);
	}

	private InHandRequest arrived(long offset) {
		InHandRequest request = TestCalls.request(offset);
		this.core.taken(request);
		this.core.arrived(List.of(request));
		return request;
	}

	private static RequestRef ref(InHandRequest request) {
		return Objects.requireNonNull(request.ticket).ref;
	}

}
