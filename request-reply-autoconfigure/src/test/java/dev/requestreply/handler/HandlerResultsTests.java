package dev.requestreply.handler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import dev.requestreply.wire.RequestHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The one reply value of what a handler returned, for a request that wants one reply.
 */
class HandlerResultsTests {

	private final HandlerCallContext context = new HandlerCallContext(new ConsumerRecord<>("t", 0, 0, null, null),
			new RequestHeaders(new byte[16], "replies", null, RequestHeaders.NO_DEADLINE, null, false));

	@Test
	void whenALazyStreamThrowsThenTheSingleValueFailsWithWhatItThrew() {
		Stream<String> failing = Stream.of("a", "b").map((element) -> {
			throw new IllegalStateException("no " + element);
		});
		CompletableFuture<Object> single = HandlerInvoker.single(failing, this.context);
		assertThatExceptionOfType(CompletionException.class).isThrownBy(single::join)
			.withCauseExactlyInstanceOf(IllegalStateException.class)
			.withMessageContaining("no a");
	}

	@Test
	void whenAPublisherNeverEndsThenCancellingTheContextStopsCollectingIt() throws Exception {
		AtomicBoolean subscriptionCancelled = new AtomicBoolean();
		Flow.Publisher<Object> endless = (subscriber) -> subscriber.onSubscribe(new Flow.Subscription() {

			@Override
			public void request(long n) {
				subscriber.onNext("tick");
			}

			@Override
			public void cancel() {
				subscriptionCancelled.set(true);
			}

		});
		CompletableFuture<Object> single = HandlerInvoker.single(endless, this.context);
		assertThat(single).isNotDone();
		this.context.cancel();
		assertThat(subscriptionCancelled).isTrue();
		assertThat(single).isCancelled();
	}

	@Test
	void whenAStreamIsFiniteThenItsElementsAreTheValue() throws Exception {
		assertThat(HandlerInvoker.single(Stream.of(1, 2, 3), this.context).get(1, TimeUnit.SECONDS))
			.isEqualTo(java.util.List.of(1, 2, 3));
	}

}
