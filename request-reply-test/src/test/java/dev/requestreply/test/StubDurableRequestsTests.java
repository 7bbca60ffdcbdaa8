package dev.requestreply.test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.requestreply.DurableOptions;
import dev.requestreply.DurableOutcome;
import dev.requestreply.DurableReplyListener;
import dev.requestreply.DurableRequest;
import dev.requestreply.ReplyErrorCodes;
import dev.requestreply.RequestReplyException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link StubDurableRequests}: durable requests on a {@link StubRequestReplyOperations}, their
 * acceptance and outcomes as the real template gives them, without Kafka.
 */
class StubDurableRequestsTests {

	private final StubRequestReplyOperations requestReply = new StubRequestReplyOperations();

	private final List<DurableOutcome<Report>> received = new CopyOnWriteArrayList<>();

	private final List<Thread> listenerThreads = new CopyOnWriteArrayList<>();

	@Test
	void whenSubmittedToAStubbedTopicThenAcceptedCompletes() throws Exception {
		this.requestReply.on("reports").reply(new Report("q3", 12));
		DurableRequest request = this.requestReply.submit("reports", "q3", DurableOptions.kind("report"));
		assertThat(request.accepted().get(5, TimeUnit.SECONDS)).isNull();
		assertThat(request.id()).isNotBlank();
	}

	@Test
	void whenCancelledWhilePendingThenTrueAndOnceEndedFalse() {
		this.requestReply.on("reports").noReply();
		DurableRequest request = this.requestReply.submit("reports", "q3",
				DurableOptions.kind("report").timeout(Duration.ofMinutes(5)));
		assertThat(this.requestReply.cancelDurable(request.id())).isTrue();
		assertThat(this.requestReply.cancelDurable(request.id())).isFalse();
		assertThat(this.requestReply.cancelDurable("unknown")).isFalse();
	}

	@Test
	void whenValueStubbedThenListenerGetsRepliedConvertedToItsTypeWithTheContextOnAnotherThread() throws Exception {
		this.requestReply.on("reports").reply(Map.of("name", "q3", "pages", 12));
		listen();
		DurableRequest request = this.requestReply.submit("reports", "q3",
				DurableOptions.kind("report").context("customer", "c-1"));
		DurableOutcome<Report> outcome = outcome(request);
		assertThat(outcome).isEqualTo(new DurableOutcome.Replied<>(request.id(), "report", Map.of("customer", "c-1"),
				1, new Report("q3", 12)));
		assertThat(this.received).containsExactly(outcome);
		assertThat(this.listenerThreads).doesNotContain(Thread.currentThread());
	}

	@Test
	void whenReplyDoesNotConvertThenFailedWithInvalidArgument() throws Exception {
		this.requestReply.on("reports").reply("not json");
		DurableRequest request = this.requestReply.submit("reports", "q3", DurableOptions.kind("report"));
		assertThat(outcome(request)).isInstanceOfSatisfying(DurableOutcome.Failed.class, (failed) -> {
			assertThat(failed.errorCode()).isEqualTo(ReplyErrorCodes.INVALID_ARGUMENT);
			assertThat(failed.message()).contains("reports", Report.class.getName());
		});
		// The same reply converts to a type that reads it.
		assertThat(this.requestReply.durable().outcome(request.id(), String.class).get(5, TimeUnit.SECONDS))
			.isEqualTo(new DurableOutcome.Replied<>(request.id(), "report", Map.of(), 1, "not json"));
	}

	@Test
	void whenErrorStubbedThenFailedWithCodeTypeAndMessageAndUnknownWithoutCode() throws Exception {
		this.requestReply.on("reports")
			.answer(StubReply.error(IllegalArgumentException.class, "no such quarter").withCode("NOT_FOUND"));
		this.requestReply.on("legacy").fail(IllegalStateException.class, "down");
		DurableRequest notFound = this.requestReply.submit("reports", "q9", DurableOptions.kind("report"));
		DurableRequest unknown = this.requestReply.submit("legacy", "q9", DurableOptions.kind("report"));
		assertThat(outcome(notFound)).isEqualTo(new DurableOutcome.Failed<>(notFound.id(), "report", Map.of(), 1,
				"NOT_FOUND", IllegalArgumentException.class.getName(), "no such quarter"));
		assertThat(outcome(unknown)).isEqualTo(new DurableOutcome.Failed<>(unknown.id(), "report", Map.of(), 1,
				ReplyErrorCodes.UNKNOWN, IllegalStateException.class.getName(), "down"));
	}

	@Test
	void whenNoReplyThenTimedOutOnceTheDeadlinePassed() throws Exception {
		this.requestReply.on("reports").noReply();
		this.requestReply.on("slow").answer(StubReply.value(new Report("q3", 1)).after(Duration.ofMillis(200)));
		listen();
		DurableRequest silent = this.requestReply.submit("reports", "q3",
				DurableOptions.kind("report").timeout(Duration.ofMillis(200)));
		DurableRequest late = this.requestReply.submit("slow", "q3",
				DurableOptions.kind("report").timeout(Duration.ofMillis(200)));
		Instant deadline = this.requestReply.durable().requests().get(0).deadline();
		assertThat(outcome(silent)).isEqualTo(new DurableOutcome.TimedOut<>(silent.id(), "report", Map.of(), 1,
				deadline));
		assertThat(Instant.now()).isAfterOrEqualTo(deadline);
		assertThat(outcome(late)).isInstanceOf(DurableOutcome.TimedOut.class);
		assertThat(this.received).hasSize(2);
	}

	@Test
	void whenCancelledWhilePendingThenCancelledOutcomeOnceAndAReplyAfterwardsIsIgnored() throws Exception {
		this.requestReply.on("reports").answer(StubReply.value(new Report("q3", 1)).after(Duration.ofMillis(100)));
		listen();
		DurableRequest request = this.requestReply.submit("reports", "q3",
				DurableOptions.kind("report").context("customer", "c-1"));
		assertThat(this.requestReply.cancelDurable(request.id())).isTrue();
		assertThat(outcome(request)).isEqualTo(new DurableOutcome.Cancelled<>(request.id(), "report",
				Map.of("customer", "c-1"), 1));
		DurableRequest replied = this.requestReply.submit("reports", "q4", DurableOptions.kind("report"));
		assertThat(outcome(replied)).isInstanceOf(DurableOutcome.Replied.class);
		assertThat(this.requestReply.cancelDurable(replied.id())).isFalse();
		// The first request's reply came before the second's: it delivered nothing more.
		assertThat(this.received).extracting(DurableOutcome::id).containsExactly(request.id(), replied.id());
	}

	@Test
	void whenCancelledAtOnceThenItsOutcomeComesAfterItsAcceptance() throws Exception {
		this.requestReply.on("reports").noReply();
		AtomicReference<DurableRequest> submitted = new AtomicReference<>();
		List<Boolean> acceptedFirst = new CopyOnWriteArrayList<>();
		this.requestReply.durable().onOutcome("report", Report.class,
				(outcome) -> acceptedFirst.add(submitted.get().accepted().isDone()));
		for (int i = 0; i < 50; i++) {
			submitted.set(this.requestReply.submit("reports", "q" + i, DurableOptions.kind("report")));
			assertThat(this.requestReply.cancelDurable(submitted.get().id())).isTrue();
			assertThat(outcome(submitted.get())).isInstanceOf(DurableOutcome.Cancelled.class);
		}
		assertThat(acceptedFirst).hasSize(50).containsOnly(true);
	}

	@Test
	void whenTopicNotStubbedThenAcceptedFailsAndTheRequestHasNoOutcome() {
		DurableRequest request = this.requestReply.submit("nobody", "q3", DurableOptions.kind("report"));
		assertThat(request.accepted()).isCompletedExceptionally();
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> request.accepted().get(5, TimeUnit.SECONDS))
			.havingCause()
			.isExactlyInstanceOf(RequestReplyException.class)
			.withMessageContaining("No stub for topic 'nobody'");
		assertThat(this.requestReply.cancelDurable(request.id())).isFalse();
		assertThat(this.requestReply.durable().requests()).isEmpty();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.requestReply.durable().outcome(request.id(), Report.class))
			.withMessageContaining(request.id());
	}

	@Test
	void whenTheStubHasListenersAndNoneTakesTheKindThenTheRequestIsRefused() {
		this.requestReply.on("reports").reply(new Report("q3", 1));
		listen();
		DurableRequest request = this.requestReply.submit("reports", "q3", DurableOptions.kind("invoice"));
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> request.accepted().get(5, TimeUnit.SECONDS))
			.havingCause()
			.isExactlyInstanceOf(RequestReplyException.class)
			.withMessageContaining("'invoice'")
			.withMessageContaining("[report]");
	}

	@Test
	void whenABeanHasDurableReplyListenerMethodsThenEachGetsTheOutcomesOfItsKindInItsDeclaredType()
			throws Exception {
		this.requestReply.on("reports").reply(List.of(Map.of("name", "q3", "pages", 12)));
		this.requestReply.on("invoices").reply("paid");
		Listeners bean = new Listeners();
		this.requestReply.durable().listeners(bean);
		DurableRequest report = this.requestReply.submit("reports", "q3", DurableOptions.kind("reports"));
		DurableRequest invoice = this.requestReply.submit("invoices", "i-7", DurableOptions.kind("invoice"));
		outcome(report);
		outcome(invoice);
		assertThat(bean.reports).containsExactly(new DurableOutcome.Replied<>(report.id(), "reports", Map.of(), 1,
				List.of(new Report("q3", 12))));
		assertThat(bean.invoices).containsExactly(new DurableOutcome.Replied<>(invoice.id(), "invoice", Map.of(), 1,
				"paid"));
	}

	@Test
	void whenAListenerMethodsReplyTypeIsAWildcardOrATypeVariableThenItIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.requestReply.durable().listeners(new WildcardListener()))
			.withMessageContaining("WildcardListener.onReport")
			.withMessageContaining("?");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.requestReply.durable().listeners(new GenericListener<Report>()))
			.withMessageContaining("GenericListener.onReport");
		assertThatIllegalArgumentException().isThrownBy(() -> this.requestReply.durable().listeners(new Object()))
			.withMessageContaining("no @DurableReplyListener method");
	}

	@Test
	void whenAListenerThrowsThenTheOutcomeFutureFailsWithWhatItThrew() {
		this.requestReply.on("reports").reply(new Report("q3", 1));
		this.requestReply.durable().onOutcome("report", Report.class, (outcome) -> {
			throw new IllegalStateException("store down");
		});
		DurableRequest request = this.requestReply.submit("reports", "q3", DurableOptions.kind("report"));
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> this.requestReply.durable().outcome(request.id(), Report.class).get(5, TimeUnit.SECONDS))
			.havingCause()
			.isExactlyInstanceOf(RequestReplyException.class)
			.withMessageContaining("kind 'report'")
			.havingCause()
			.withMessage("store down");
	}

	@Test
	void whenAListenerThrowsThenItIsCalledThreeTimesInAllWithTheDeliveryAttemptAndTheOutcomeEnds() throws Exception {
		this.requestReply.on("reports").reply(new Report("q3", 1));
		List<Integer> attempts = new CopyOnWriteArrayList<>();
		this.requestReply.durable().onOutcome("report", Report.class, (outcome) -> {
			attempts.add(outcome.deliveryAttempt());
			throw new IllegalStateException("store down " + outcome.deliveryAttempt());
		});
		DurableRequest request = this.requestReply.submit("reports", "q3", DurableOptions.kind("report"));
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> this.requestReply.durable().outcome(request.id(), Report.class).get(5, TimeUnit.SECONDS))
			.havingCause()
			.withMessageContaining("3 times")
			.havingCause()
			.withMessage("store down 3");
		assertThat(attempts).containsExactly(1, 2, 3);
		// It ended: not delivered again.
		assertThat(this.requestReply.cancelDurable(request.id())).isFalse();
		assertThat(attempts).hasSize(3);
	}

	@Test
	void whenAListenerThrowsOnceThenItsSecondAttemptIsTheOutcome() throws Exception {
		this.requestReply.on("reports").reply(new Report("q3", 1));
		List<Integer> attempts = new CopyOnWriteArrayList<>();
		this.requestReply.durable().onOutcome("report", Report.class, (outcome) -> {
			attempts.add(outcome.deliveryAttempt());
			if (outcome.deliveryAttempt() == 1) {
				throw new AssertionError("not yet");
			}
		});
		DurableRequest request = this.requestReply.submit("reports", "q3", DurableOptions.kind("report"));
		assertThat(outcome(request)).isEqualTo(new DurableOutcome.Replied<>(request.id(), "report", Map.of(), 2,
				new Report("q3", 1)));
		assertThat(attempts).containsExactly(1, 2);
	}

	@Test
	void whenASecondListenerOfAKindIsGivenThenItIsRefusedNamingTheKind() {
		listen();
		assertThatIllegalStateException()
			.isThrownBy(() -> this.requestReply.durable().onOutcome("report", String.class, (outcome) -> {
			}))
			.withMessageContaining("'report'");
		assertThatIllegalStateException().isThrownBy(() -> this.requestReply.durable().listeners(new ReportListener()))
			.withMessageContaining("'report'")
			.withMessageContaining("ReportListener.onReport");
		// A bean refused whole: its other kind was not added either.
		this.requestReply.on("invoices").reply("paid");
		assertThat(this.requestReply.submit("invoices", "i-7", DurableOptions.kind("invoice")).accepted())
			.failsWithin(Duration.ofSeconds(5));
	}

	@Test
	void whenSubmittedThenRecordedWithKindContextTimeoutAndDeadline() {
		this.requestReply.on("reports").noReply();
		Instant before = Instant.now();
		this.requestReply.submit("reports", "q3", DurableOptions.kind("report").context("customer", "c-1"));
		this.requestReply.durable().defaultTimeout(Duration.ofMinutes(5));
		this.requestReply.submit("reports", "q4", DurableOptions.kind("report").timeout(Duration.ofMinutes(30)));
		this.requestReply.submit("reports", "q5", DurableOptions.kind("report"));
		List<RecordedDurableRequest> requests = this.requestReply.durable().requests();
		assertThat(requests).extracting(RecordedDurableRequest::payload).containsExactly("q3", "q4", "q5");
		assertThat(requests).extracting(RecordedDurableRequest::timeout)
			.containsExactly(Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofMinutes(5));
		RecordedDurableRequest first = requests.get(0);
		assertThat(first.topic()).isEqualTo("reports");
		assertThat(first.kind()).isEqualTo("report");
		assertThat(first.context()).isEqualTo(Map.of("customer", "c-1"));
		assertThat(first.deadline()).isBetween(before.plus(Duration.ofHours(1)), Instant.now().plus(Duration.ofHours(1)));
		assertThat(this.requestReply.requests()).isEmpty();
	}

	@Test
	void whenResetThenPendingRequestsAreForgottenAndTheirOutcomeFuturesFail() {
		this.requestReply.on("reports").noReply();
		listen();
		DurableRequest request = this.requestReply.submit("reports", "q3",
				DurableOptions.kind("report").timeout(Duration.ofMinutes(5)));
		CompletableFuture<DurableOutcome<Report>> outcome = this.requestReply.durable().outcome(request.id(),
				Report.class);
		this.requestReply.reset();
		assertThat(outcome).isCompletedExceptionally();
		assertThat(this.requestReply.cancelDurable(request.id())).isFalse();
		assertThat(this.requestReply.durable().requests()).isEmpty();
		// Its listeners are gone too: any kind is accepted again.
		this.requestReply.on("reports").reply(new Report("q3", 1));
		assertThat(this.requestReply.submit("reports", "q3", DurableOptions.kind("invoice")).accepted())
			.succeedsWithin(Duration.ofSeconds(5));
	}

	private void listen() {
		this.requestReply.durable().onOutcome("report", Report.class, (outcome) -> {
			this.listenerThreads.add(Thread.currentThread());
			this.received.add(outcome);
		});
	}

	private DurableOutcome<Report> outcome(DurableRequest request) throws Exception {
		request.accepted().get(5, TimeUnit.SECONDS);
		return this.requestReply.durable().outcome(request.id(), Report.class).get(5, TimeUnit.SECONDS);
	}

	record Report(String name, int pages) {
	}

	static class Listeners {

		final List<DurableOutcome<List<Report>>> reports = new CopyOnWriteArrayList<>();

		final List<DurableOutcome<String>> invoices = new CopyOnWriteArrayList<>();

		@DurableReplyListener("reports")
		void onReports(DurableOutcome<List<Report>> outcome) {
			this.reports.add(outcome);
		}

		@DurableReplyListener("invoice")
		void onInvoice(DurableOutcome<String> outcome) {
			this.invoices.add(outcome);
		}

	}

	static class ReportListener {

		@DurableReplyListener("invoice")
		void onInvoice(DurableOutcome<String> outcome) {
		}

		@DurableReplyListener("report")
		void onReport(DurableOutcome<Report> outcome) {
		}

	}

	static class WildcardListener {

		@DurableReplyListener("report")
		void onReport(DurableOutcome<?> outcome) {
		}

	}

	static class GenericListener<T> {

		@DurableReplyListener("report")
		void onReport(DurableOutcome<T> outcome) {
		}

	}

}
