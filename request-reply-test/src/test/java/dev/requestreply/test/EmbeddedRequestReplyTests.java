package dev.requestreply.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.requestreply.wire.RequestReplyHeaders;
import dev.requestreply.RequestReplyOperations;
import dev.requestreply.RequestTimeoutException;
import dev.requestreply.handler.MalformedRequestException;
import dev.requestreply.handler.ReplyHandlerContainers;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link EmbeddedRequestReply} wires a {@code @SpringBootTest} to an embedded broker, and
 * {@link ReplyHandlerClient} calls its handlers through the wire format.
 */
@SpringBootTest(classes = TestHandlers.class, properties = { "request-reply.reply-topic=embedded-test-replies",
		"request-reply.metrics.percentile-histogram=true" })
@EmbeddedRequestReply
class EmbeddedRequestReplyTests {

	@Autowired
	private EmbeddedKafkaBroker broker;

	@Autowired
	private ReplyHandlerContainers handlers;

	@Autowired
	private RequestReplyOperations requestReply;

	@Autowired
	private ReplyHandlerClient client;

	@Test
	void whenContextReadyThenEveryHandlerHasPartitionsOfTheEmbeddedBroker() {
		assertThat(this.handlers.getContainers()).hasSize(3)
			.allSatisfy((container) -> assertThat(container.getAssignedPartitions()).isNotEmpty());
		assertThat(this.client.getReplyTopic()).isNotEmpty();
		assertThat(this.broker.getBrokersAsString()).isNotEmpty();
	}

	@Test
	void whenRequestedThroughTheTemplateThenHandlerAnswers() {
		TestHandlers.Quote quote = this.requestReply.requestAndWait("test-quote", new TestHandlers.QuoteRequest("ACME"),
				TestHandlers.Quote.class, Duration.ofSeconds(10));
		assertThat(quote).isEqualTo(new TestHandlers.Quote("ACME", 12.5));
	}

	@Test
	void whenCalledThroughTheWireThenReplyCarriesTheValue() {
		WireReply reply = this.client.call("test-quote", "{\"symbol\":\"INITECH\"}");
		assertThat(reply.isError()).isFalse();
		assertThat(reply.value(TestHandlers.Quote.class)).isEqualTo(new TestHandlers.Quote("INITECH", 12.5));
		assertThat(reply.header(RequestReplyHeaders.RESPONDER)).isNotEmpty();
	}

	@Test
	void whenHandlerFailsThenWireReplyHasTheErrorHeaders() {
		WireReply reply = this.client.call("test-fail", "NOPE");
		assertThat(reply.isError()).isTrue();
		assertThat(reply.errorType()).isEqualTo(IllegalArgumentException.class.getName());
		assertThat(reply.errorMessage()).isEqualTo("Unknown symbol 'NOPE'");
		assertThat(reply.value(String.class)).isNull();
	}

	@Test
	void whenRequestIsMalformedThenWireReplySaysSo() {
		WireReply reply = this.client.call("test-quote", "not json");
		assertThat(reply.errorType()).isEqualTo(MalformedRequestException.class.getName());
	}

	@Test
	void whenDeadlineHeaderHasPassedThenHandlerSkipsTheRequestWithoutReply() {
		long expiredBefore = this.handlers.getStats().get("handlers.quote").expired();
		ProducerRecord<String, String> request = new ProducerRecord<>("test-quote", "{\"symbol\":\"ACME\"}");
		request.headers().add(RequestReplyHeaders.DEADLINE, "1".getBytes(StandardCharsets.US_ASCII));
		assertThatExceptionOfType(RequestTimeoutException.class)
			.isThrownBy(() -> this.client.call(request, Duration.ofSeconds(1)));
		// At least this one: under load another test's request to the same handler may expire too.
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.handlers.getStats().get("handlers.quote").expired())
				.isGreaterThanOrEqualTo(expiredBefore + 1));
	}

}
