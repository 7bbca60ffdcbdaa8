package dev.requestreply;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.requestreply.wire.ErrorHeaders;
import dev.requestreply.wire.RequestReplyHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * Requests as any other Kafka client writes them (the wire headers set by hand, no deadline
 * unless given), and their replies read from a one-partition reply topic of the shared broker.
 */
public final class TestRawRequests implements AutoCloseable {

	private final String replyTopic;

	private final KafkaProducer<byte[], byte[]> producer;

	private final KafkaConsumer<byte[], byte[]> replies;

	/**
	 * @param replyTopic a reply topic with one partition, created already
	 */
	public TestRawRequests(String replyTopic) {
		this.replyTopic = replyTopic;
		this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
				TestBroker.bootstrapServers(), ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
				ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
		this.replies = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
				TestBroker.bootstrapServers(), ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
		TopicPartition partition = new TopicPartition(replyTopic, 0);
		this.replies.assign(List.of(partition));
		this.replies.seekToBeginning(List.of(partition));
	}

	/**
	 * Send a request to a topic.
	 * @param deadline the {@code rr_deadline} (epoch milliseconds), or {@code null} for none
	 * @return its correlation id
	 */
	public CorrelationId send(String topic, String value, @Nullable Long deadline) throws Exception {
		return send(topic, value, deadline, false);
	}

	/**
	 * Send a request to a topic, asking for a stream of replies ({@code rr_stream}) or not.
	 * @param deadline the {@code rr_deadline} (epoch milliseconds), or {@code null} for none
	 * @param stream whether the requester wants a stream of replies
	 * @return its correlation id
	 */
	public CorrelationId send(String topic, String value, @Nullable Long deadline, boolean stream)
			throws Exception {
		CorrelationId id = CorrelationId.random();
		RecordHeaders headers = new RecordHeaders();
		if (stream) {
			headers.add(RequestReplyHeaders.STREAM, new byte[] { 1 });
		}
		headers.add(RequestReplyHeaders.CORRELATION_ID, id.toBytes());
		headers.add(RequestReplyHeaders.REPLY_TOPIC, this.replyTopic.getBytes(StandardCharsets.UTF_8));
		if (deadline != null) {
			headers.add(RequestReplyHeaders.DEADLINE, String.valueOf(deadline).getBytes(StandardCharsets.US_ASCII));
		}
		this.producer.send(new ProducerRecord<>(topic, null, (byte[]) null, value.getBytes(StandardCharsets.UTF_8), headers))
			.get(10, TimeUnit.SECONDS);
		return id;
	}

	/**
	 * Wait for the reply to a request.
	 */
	public ConsumerRecord<byte[], byte[]> awaitReply(CorrelationId id, Duration timeout) {
		@SuppressWarnings("unchecked")
		ConsumerRecord<byte[], byte[]>[] found = new ConsumerRecord[1];
		await().atMost(timeout).until(() -> {
			for (ConsumerRecord<byte[], byte[]> record : this.replies.poll(Duration.ofMillis(100))) {
				Header header = record.headers().lastHeader(RequestReplyHeaders.CORRELATION_ID);
				if (header != null && id.equals(CorrelationId.fromBytes(header.value()))) {
					found[0] = record;
				}
			}
			return found[0] != null;
		});
		return found[0];
	}

	/**
	 * Wait for the error reply to a request.
	 */
	public RemoteHandlerException awaitFailure(CorrelationId id) {
		RemoteHandlerException failure = ErrorHeaders.remoteFailure(this.replyTopic,
				awaitReply(id, Duration.ofSeconds(20)).headers());
		if (failure == null) {
			throw new AssertionError("The reply to " + id + " is no error reply");
		}
		return failure;
	}

	/**
	 * Wait for the error reply to a request whose other replies (a stream's elements) are skipped.
	 */
	public RemoteHandlerException awaitFailureAmongReplies(CorrelationId id, Duration timeout) {
		RemoteHandlerException[] found = new RemoteHandlerException[1];
		await().atMost(timeout).until(() -> {
			for (ConsumerRecord<byte[], byte[]> record : this.replies.poll(Duration.ofMillis(100))) {
				Header header = record.headers().lastHeader(RequestReplyHeaders.CORRELATION_ID);
				if (header != null && id.equals(CorrelationId.fromBytes(header.value()))) {
					RemoteHandlerException failure = ErrorHeaders.remoteFailure(this.replyTopic, record.headers());
					if (failure != null) {
						found[0] = failure;
					}
				}
			}
			return found[0] != null;
		});
		return found[0];
	}

	@Override
	public void close() {
		this.producer.close();
		this.replies.close();
	}

}
