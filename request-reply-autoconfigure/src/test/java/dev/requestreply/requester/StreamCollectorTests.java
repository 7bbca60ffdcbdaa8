package dev.requestreply.requester;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.requestreply.StreamOverflowException;
import dev.requestreply.TestSubscriber;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.wire.RequestReplyHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Ordering and de-duplication of stream elements, without a broker.
 */
@ExtendWith(OutputCaptureExtension.class)
class StreamCollectorTests {

	@Test
	void whenElementsArriveOutOfOrderOrTwiceThenTheyAreDeliveredInOrderOnce() throws Exception {
		try (PendingRequests registry = new PendingRequests()) {
			PayloadConverter converter = new PayloadConverter(JsonMapper.builder().build());
			ReplyPublisher<String> publisher = new ReplyPublisher<>();
			PendingRequest<Void> request = registry.collected().registerStream("t", String.class, Duration.ofSeconds(30),
					Duration.ofSeconds(30), converter, publisher, Registration.UNSENT);
			TestSubscriber<String> subscriber = TestSubscriber.subscribe(publisher, 1);
			ReplyCollector collector = request.collector;
			collector.onReply(request, part(2L, null, "c"));
			collector.onReply(request, part(null, 3L, null));
			collector.onReply(request, part(0L, null, "a"));
			collector.onReply(request, part(0L, null, "a"));
			// Delivered on a completion thread, and never the one after before it.
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(subscriber.elements).containsExactly("a"));
			collector.onReply(request, part(1L, null, "b"));
			assertThat(subscriber.done.get(5, TimeUnit.SECONDS)).containsExactly("a", "b", "c");
			assertThat(registry.duplicateReplyCount()).isOne();
			assertThat(registry.pendingCount()).isZero();
		}
	}

	@Test
	void whenMoreElementsArriveOutOfOrderThanTheStreamBufferThenTheStreamFailsWithAnOverflowAndItsRequestIsCancelled(
			CapturedOutput output) throws Exception {
		try (PendingRequests registry = new PendingRequests()) {
			PayloadConverter converter = new PayloadConverter(JsonMapper.builder().build());
			ReplyPublisher<String> publisher = new ReplyPublisher<>(3);
			PendingRequest<Void> request = registry.collected().registerStream("t", String.class, Duration.ofSeconds(30),
					Duration.ofSeconds(30), converter, publisher, Registration.UNSENT);
			TestSubscriber<String> subscriber = TestSubscriber.subscribe(publisher, 10);
			ReplyCollector collector = request.collector;
			// Element 0 never comes: 1, 2 and 3 wait for it, as many as the buffer holds; 4 is one too many.
			for (long sequence = 1; sequence <= 4; sequence++) {
				collector.onReply(request, part(sequence, null, "e" + sequence));
			}
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> subscriber.done.get(5, TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(StreamOverflowException.class)
				.withMessageContaining("element 0");
			assertThat(subscriber.elements).isEmpty();
			assertThat(registry.statistics().streamOverflows()).isOne();
			assertThat(registry.cancelledCount()).isOne();
			assertThat(registry.pendingCount()).isZero();
			assertThat(output).contains("WARN").contains("element 0 never arrived while 3 later element(s) did");
		}
	}

	private static ConsumerRecord<byte[], ByteBuffer> part(Long sequence, Long end, String value) {
		RecordHeaders headers = new RecordHeaders();
		if (sequence != null) {
			headers.add(RequestReplyHeaders.SEQUENCE, sequence.toString().getBytes(StandardCharsets.US_ASCII));
		}
		if (end != null) {
			headers.add(RequestReplyHeaders.END, end.toString().getBytes(StandardCharsets.US_ASCII));
		}
		return new ConsumerRecord<>("replies", 0, 0, 0L, TimestampType.CREATE_TIME, 0, 0, null,
				(value != null) ? ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)) : null, headers,
				Optional.empty());
	}

}
