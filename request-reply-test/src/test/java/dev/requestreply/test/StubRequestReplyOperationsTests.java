package dev.requestreply.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import dev.requestreply.CorrelationId;
import dev.requestreply.GatherPolicy;
import dev.requestreply.GatherResult;
import dev.requestreply.RemoteHandlerException;
import dev.requestreply.Reply;
import dev.requestreply.RequestReplyException;
import dev.requestreply.RequestTimeoutException;
import dev.requestreply.wire.RequestReplyHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link StubRequestReplyOperations}: replies, failures and timeouts as the real template gives
 * them, without Kafka.
 */
class StubRequestReplyOperationsTests {

	private final StubRequestReplyOperations requestReply = new StubRequestReplyOperations();

	@Test
	void whenValueStubbedThenFutureCompletesWithItConvertedToTheReplyType() throws Exception {
		this.requestReply.on("quotes").reply(Map.of("symbol", "ACME", "price", 12.5));
		Quote quote = this.requestReply.request("quotes", "ACME", Quote.class).get(5, TimeUnit.SECONDS);
		assertThat(quote).isEqualTo(new Quote("ACME", 12.5));
	}

	@Test
	void whenReplyDoesNotConvertThenRequestReplyException() {
		this.requestReply.on("quotes").reply("not json");
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> this.requestReply.request("quotes", "ACME", Quote.class).get(5, TimeUnit.SECONDS))
			.havingCause()
			.isExactlyInstanceOf(RequestReplyException.class)
			.withMessageContaining("quotes");
	}

	@Test
	void whenErrorStubbedThenRemoteHandlerExceptionWithTypeAndMessage() {
		this.requestReply.on("quotes").answer(StubReply.error(IllegalArgumentException.class, "Unknown symbol 'NOPE'")
			.withCode("NOT_FOUND"));
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> this.requestReply.request("quotes", "NOPE", Quote.class).get(5, TimeUnit.SECONDS))
			.havingCause()
			.isExactlyInstanceOf(RemoteHandlerException.class)
			.satisfies((ex) -> {
				RemoteHandlerException remote = (RemoteHandlerException) ex;
				assertThat(remote.getErrorType()).isEqualTo(IllegalArgumentException.class.getName());
				assertThat(remote.getRemoteMessage()).isEqualTo("Unknown symbol 'NOPE'");
			});
	}

	@Test
	void whenNoReplyThenTimeoutAfterTheRequestsTimeout() {
		this.requestReply.on("quotes").noReply();
		long start = System.nanoTime();
		CompletableFuture<Quote> future = this.requestReply.request("quotes", "ACME", Quote.class,
				Duration.ofMillis(200));
		assertThat(future).isNotDone();
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> future.get(5, TimeUnit.SECONDS))
			.havingCause()
			.isExactlyInstanceOf(RequestTimeoutException.class)
			.satisfies((ex) -> assertThat(((RequestTimeoutException) ex).getTimeout()).isEqualTo(Duration.ofMillis(200)));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
	}

	@Test
	void whenReplyDelayedPastTheTimeoutThenTimeout() {
		this.requestReply.on("quotes").answer(StubReply.value(new Quote("ACME", 1)).after(Duration.ofSeconds(5)));
		assertThatExceptionOfType(RequestTimeoutException.class)
			.isThrownBy(() -> this.requestReply.requestAndWait("quotes", "ACME", Quote.class, Duration.ofMillis(100)));
	}

	@Test
	void whenReplyDelayedWithinTheTimeoutThenReplyAfterTheDelay() {
		this.requestReply.on("quotes").answer(StubReply.value(new Quote("ACME", 1)).after(Duration.ofMillis(150)));
		long start = System.nanoTime();
		assertThat(this.requestReply.requestAndWait("quotes", "ACME", Quote.class)).isEqualTo(new Quote("ACME", 1));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
	}

	@Test
	void whenTopicNotStubbedThenClearFailure() {
		assertThatExceptionOfType(RequestReplyException.class)
			.isThrownBy(() -> this.requestReply.requestAndWait("nobody", "x", String.class))
			.withMessageContaining("No stub for topic 'nobody'");
	}

	@Test
	void whenPayloadCannotBeWrittenThenRequestReplyException() {
		this.requestReply.on("quotes").reply("ok");
		assertThatExceptionOfType(RequestReplyException.class)
			.isThrownBy(() -> this.requestReply.requestAndWait("quotes", new Unwritable(), String.class))
			.withMessageContaining("cannot be converted");
	}

	@Test
	void whenAnswerComputedThenItSeesThePayloadAndRequestsAreRecorded() {
		this.requestReply.on("echo").answer((payload) -> StubReply.value("echo " + payload));
		ProducerRecord<String, String> record = new ProducerRecord<>("echo", "key-1", "two");
		record.headers().add("tenant", "t1".getBytes());
		this.requestReply.requestAndWait("echo", "one", String.class);
		assertThat(this.requestReply.request(record, String.class).join()).isEqualTo("echo two");
		List<RecordedRequest> requests = this.requestReply.requests("echo");
		assertThat(requests).extracting(RecordedRequest::payload).containsExactly("one", "two");
		assertThat(requests.get(1).key()).isEqualTo("key-1");
		assertThat(requests.get(1).headers().lastHeader("tenant").value()).isEqualTo("t1".getBytes());
		assertThat(requests.get(0).timeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(requests.get(0).correlationId()).isNotEqualTo(requests.get(1).correlationId());
	}

	@Test
	void whenAnswerThrowsThenRemoteHandlerException() {
		this.requestReply.on("echo").answer((payload) -> {
			throw new IllegalStateException("down");
		});
		assertThatExceptionOfType(RemoteHandlerException.class)
			.isThrownBy(() -> this.requestReply.requestAndWait("echo", "x", String.class))
			.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(IllegalStateException.class.getName()));
	}

	@Test
	void whenStreamStubbedThenEachElementArrivesInOrderThenCompletion() {
		this.requestReply.on("history").reply(List.of(new Quote("A", 1), new Quote("A", 2), new Quote("A", 3)));
		Flow.Publisher<Quote> publisher = this.requestReply.requestStream("history", "A", Quote.class,
				Duration.ofSeconds(1), Duration.ofSeconds(5));
		assertThat(collect(publisher, 1).join()).extracting(Quote::price).containsExactly(1.0, 2.0, 3.0);
	}

	@Test
	void whenStreamGetsNoReplyThenItFailsWithTimeoutAfterTheIdleTimeout() {
		this.requestReply.on("history").noReply();
		Flow.Publisher<Quote> publisher = this.requestReply.requestStream("history", "A", Quote.class,
				Duration.ofMillis(100), Duration.ofSeconds(5));
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> collect(publisher, 1).get(5, TimeUnit.SECONDS))
			.havingCause()
			.isExactlyInstanceOf(RequestTimeoutException.class);
	}

	@Test
	void whenGatherPolicySatisfiedThenRepliesOfEveryResponderWithoutTimeout() throws Exception {
		this.requestReply.on("venues")
			.answer(StubReply.value(new Quote("A", 2)).from("lse"),
					StubReply.error(IllegalStateException.class, "closed").from("nyse").after(Duration.ofMillis(50)),
					StubReply.value(new Quote("A", 1)).from("late").after(Duration.ofSeconds(10)));
		GatherResult<Quote> result = this.requestReply
			.scatterGather(List.of("venues"), "A", Quote.class, GatherPolicy.count(2, Duration.ofSeconds(2)))
			.get(5, TimeUnit.SECONDS);
		assertThat(result.timedOut()).isFalse();
		assertThat(result.responders()).containsExactly("lse", "nyse");
		assertThat(result.errors().get(0).error()).isInstanceOf(RemoteHandlerException.class);
	}

	@Test
	void whenGatherPolicyNotSatisfiedThenPartialResultAtTheTimeout() throws Exception {
		this.requestReply.on("venues").answer(StubReply.value(new Quote("A", 2)).from("lse"));
		this.requestReply.on("other").noReply();
		GatherResult<Quote> result = this.requestReply
			.scatterGather(List.of("venues", "other"), "A", Quote.class, GatherPolicy.count(2, Duration.ofMillis(200)))
			.get(5, TimeUnit.SECONDS);
		assertThat(result.timedOut()).isTrue();
		assertThat(result.values()).containsExactly(new Quote("A", 2));
		assertThat(this.requestReply.requests()).extracting(RecordedRequest::kind)
			.containsOnly(RecordedRequest.Kind.GATHER);
	}

	@Test
	void whenGatherPolicyAnswersNoAtTheTimeoutThenTheGatherTimesOut() {
		this.requestReply.on("venues").answer(StubReply.value(new Quote("A", 2)).from("lse"));
		GatherPolicy<Quote> policy = GatherPolicy.<Quote>count(2, Duration.ofMillis(200))
			.releaseAtTimeout((replies) -> replies.size() >= 2);
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.requestReply.scatterGather(List.of("venues"), "A", Quote.class, policy)
				.get(5, TimeUnit.SECONDS))
			.withCauseInstanceOf(RequestTimeoutException.class);
	}

	@Test
	void whenGenericReplyTypeRequestedThenEachElementConvertsToItsType() throws Exception {
		this.requestReply.on("quotes").reply(List.of(Map.of("symbol", "ACME", "price", 1.5)));
		List<Quote> quotes = this.requestReply
			.request("quotes", "ACME", new ParameterizedTypeReference<List<Quote>>() {
			})
			.get(5, TimeUnit.SECONDS);
		assertThat(quotes).containsExactly(new Quote("ACME", 1.5));
	}

	@Test
	void whenExchangedThenReplyCarriesItsHeadersTheRequestKeyAndAPosition() throws Exception {
		this.requestReply.on("quotes")
			.answer(StubReply.value(new Quote("ACME", 2)).from("pricing").withHeader("price-source", "cache"));
		ProducerRecord<String, String> request = new ProducerRecord<>("quotes", "ACME-key", "ACME");
		Reply<Quote> first = this.requestReply
			.exchange(request, ParameterizedTypeReference.<Quote>forType(Quote.class), Duration.ofSeconds(5))
			.get(5, TimeUnit.SECONDS);
		Reply<Quote> second = this.requestReply.exchange("quotes", "ACME", Quote.class, Duration.ofSeconds(5))
			.get(5, TimeUnit.SECONDS);
		assertThat(first.value()).isEqualTo(new Quote("ACME", 2));
		assertThat(first.header("price-source")).isEqualTo("cache");
		assertThat(first.header(RequestReplyHeaders.RESPONDER)).isEqualTo("pricing");
		assertThat(CorrelationId.fromBytes(first.headers().lastHeader(RequestReplyHeaders.CORRELATION_ID).value()))
			.isEqualTo(this.requestReply.requests().get(0).correlationId());
		assertThat(first.key()).asString(StandardCharsets.UTF_8).isEqualTo("ACME-key");
		assertThat(first.topic()).isEqualTo(StubRequestReplyOperations.REPLY_TOPIC);
		assertThat(second.key()).isNull();
		assertThat(second.offset()).isEqualTo(first.offset() + 1);
	}

	@Test
	void whenARequestIsMadeWithoutAKeyThenItsRecordedKeyIsNullAndDeclaredNullable() throws Exception {
		this.requestReply.on("quotes").reply(new Quote("ACME", 2));
		this.requestReply.request("quotes", "ACME", Quote.class).get(5, TimeUnit.SECONDS);
		assertThat(this.requestReply.requests().get(0).key()).isNull();
		assertThat(RecordedRequest.class.getRecordComponents()[1].getAnnotatedType()
			.isAnnotationPresent(Nullable.class)).as("RecordedRequest.key declared @Nullable")
			.isTrue();
	}

	@Test
	void whenExchangeGetsAnErrorReplyThenRemoteHandlerException() {
		this.requestReply.on("quotes").fail(IllegalArgumentException.class, "Unknown symbol 'NOPE'");
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> this.requestReply.exchange("quotes", "NOPE", Quote.class, Duration.ofSeconds(5))
				.get(5, TimeUnit.SECONDS))
			.havingCause()
			.isExactlyInstanceOf(RemoteHandlerException.class);
	}

	@Test
	void whenGenericStreamRequestedThenEachElementConvertsToItsType() {
		this.requestReply.on("history").reply(List.of(List.of(1, 2), List.of(3)));
		Flow.Publisher<List<Integer>> publisher = this.requestReply.requestStream("history", "A",
				new ParameterizedTypeReference<List<Integer>>() {
				}, Duration.ofSeconds(1), Duration.ofSeconds(5));
		assertThat(collect(publisher, 1).join()).containsExactly(List.of(1, 2), List.of(3));
	}

	@Test
	void whenGenericGatherThenEachReplyConvertsToItsType() throws Exception {
		this.requestReply.on("venues").answer(StubReply.value(List.of(new Quote("A", 2))).from("lse"));
		GatherResult<List<Quote>> result = this.requestReply
			.scatterGather(List.of("venues"), "A", new ParameterizedTypeReference<List<Quote>>() {
			}, GatherPolicy.count(1, Duration.ofSeconds(2)))
			.get(5, TimeUnit.SECONDS);
		assertThat(result.values()).containsExactly(List.of(new Quote("A", 2)));
	}

	private static <T> CompletableFuture<List<T>> collect(Flow.Publisher<T> publisher, long batch) {
		CompletableFuture<List<T>> all = new CompletableFuture<>();
		publisher.subscribe(new Flow.Subscriber<>() {

			private final List<T> received = new ArrayList<>();

			private Flow.Subscription subscription;

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				this.subscription = subscription;
				subscription.request(batch);
			}

			@Override
			public void onNext(T item) {
				this.received.add(item);
				this.subscription.request(batch);
			}

			@Override
			public void onError(Throwable failure) {
				all.completeExceptionally(failure);
			}

			@Override
			public void onComplete() {
				all.complete(this.received);
			}

		});
		return all;
	}

	record Quote(String symbol, double price) {
	}

	static class Unwritable {

		public String getValue() {
			throw new IllegalStateException("not now");
		}

	}

}
