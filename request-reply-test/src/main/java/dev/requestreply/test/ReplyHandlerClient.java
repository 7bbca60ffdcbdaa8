package dev.requestreply.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.requestreply.CorrelationId;
import dev.requestreply.RequestReplyException;
import dev.requestreply.wire.RequestReplyHeaders;
import dev.requestreply.RequestTimeoutException;
import dev.requestreply.convert.PayloadConverter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
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
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.Assert;

/**
 * Calls {@code @ReplyHandler} methods through the wire format alone, as any Kafka client would:
 * sends a request record with a fresh 16-byte {@code kafka_correlationId} and a
 * {@code kafka_replyTopic} of its own, and reads the reply record carrying that id. Tests see the
 * reply as it is on the wire, error headers included, without a {@code RequestReplyTemplate} in
 * between. Calls are serialized: one at a time.
 *
 * @since 0.1.0
 */
public class ReplyHandlerClient implements AutoCloseable {

	/**
	 * How long {@link #call(String, Object)} waits for the reply.
	 */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private final PayloadConverter converter;

	// Ends in "-replies": handlers answer only reply topics their allowed patterns match.
	private final String replyTopic = "request-reply-test-" + UUID.randomUUID() + "-replies";

	private final KafkaProducer<byte[], byte[]> producer;

	private final KafkaConsumer<byte[], byte[]> consumer;

	private final Map<CorrelationId, ConsumerRecord<byte[], byte[]>> early = new HashMap<>();

	/**
	 * Create a client of the given cluster. It creates a reply topic of its own, with one
	 * partition.
	 * @param bootstrapServers the cluster's bootstrap servers
	 * @param jsonMapper the JSON mapper for payloads that are neither {@code String} nor
	 * {@code byte[]}
	 */
	public ReplyHandlerClient(String bootstrapServers, JsonMapper jsonMapper) {
		Assert.hasText(bootstrapServers, "'bootstrapServers' must not be empty");
		this.converter = new PayloadConverter(jsonMapper);
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
			admin.createTopics(List.of(new NewTopic(this.replyTopic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Cannot create reply topic '" + this.replyTopic + "'", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while creating reply topic '" + this.replyTopic + "'", ex);
		}
		this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
				new ByteArraySerializer(), new ByteArraySerializer());
		this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
				new ByteArrayDeserializer(), new ByteArrayDeserializer());
		TopicPartition partition = new TopicPartition(this.replyTopic, 0);
		this.consumer.assign(List.of(partition));
		this.consumer.seekToBeginning(List.of(partition));
	}

	static JsonMapper defaultJsonMapper() {
		return JsonMapper.builder().findAndAddModules().build();
	}

	/**
	 * Return the topic this client's replies go to.
	 * @return the reply topic
	 */
	public String getReplyTopic() {
		return this.replyTopic;
	}

	/**
	 * Send a request to a topic and wait for its reply, at most {@link #DEFAULT_TIMEOUT}.
	 * @param topic the topic a handler reads
	 * @param payload the request payload, converted as the template converts it
	 * @return the reply
	 * @throws RequestTimeoutException if no reply came in time
	 */
	public WireReply call(String topic, Object payload) {
		return call(new ProducerRecord<>(topic, payload), DEFAULT_TIMEOUT);
	}

	/**
	 * Send a request record and wait for its reply. Its key and value are converted as the
	 * template converts them; its headers are sent as they are, with a new
	 * {@code kafka_correlationId} and this client's {@code kafka_replyTopic} added unless the
	 * record has them (so a test can send any header, well-formed or not, such as
	 * {@code rr_deadline}).
	 * @param request the request
	 * @param timeout how long to wait for the reply
	 * @return the reply
	 * @throws RequestTimeoutException if no reply came in time
	 */
	public synchronized WireReply call(ProducerRecord<?, ?> request, Duration timeout) {
		Assert.notNull(request, "'request' must not be null");
		Assert.isTrue(timeout != null && timeout.toNanos() > 0, "'timeout' must be positive");
		RecordHeaders headers = new RecordHeaders(request.headers().toArray());
		if (headers.lastHeader(RequestReplyHeaders.CORRELATION_ID) == null) {
			headers.add(RequestReplyHeaders.CORRELATION_ID, CorrelationId.random().toBytes());
		}
		if (headers.lastHeader(RequestReplyHeaders.REPLY_TOPIC) == null) {
			headers.add(RequestReplyHeaders.REPLY_TOPIC, this.replyTopic.getBytes(StandardCharsets.UTF_8));
		}
		byte[] idBytes = headers.lastHeader(RequestReplyHeaders.CORRELATION_ID).value();
		CorrelationId id = CorrelationId.fromBytes(idBytes);
		Assert.isTrue(id != null, "'kafka_correlationId' must be 16 bytes to match its reply");
		try {
			this.producer.send(new ProducerRecord<>(request.topic(), request.partition(),
					this.converter.toBytes(request.key()), this.converter.toBytes(request.value()), headers))
				.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new RequestReplyException("Cannot send request to topic '" + request.topic() + "'", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RequestReplyException("Interrupted while sending to topic '" + request.topic() + "'", ex);
		}
		return new WireReply(awaitReply(request.topic(), id, timeout), this.converter);
	}

	private ConsumerRecord<byte[], byte[]> awaitReply(String topic, CorrelationId id, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!this.early.containsKey(id)) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				throw new RequestTimeoutException(topic, id, timeout);
			}
			for (ConsumerRecord<byte[], byte[]> record : this.consumer.poll(Duration.ofNanos(left))) {
				Header header = record.headers().lastHeader(RequestReplyHeaders.CORRELATION_ID);
				CorrelationId replyId = (header != null) ? CorrelationId.fromBytes(header.value()) : null;
				if (replyId != null) {
					// Replies to other ids (a call that timed out, later elements of a stream) are kept
					// too but never asked for again: a test makes few calls, so this stays small.
					this.early.putIfAbsent(replyId, record);
				}
			}
		}
		return this.early.remove(id);
	}

	@Override
	public synchronized void close() {
		this.consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
		this.producer.close(Duration.ofSeconds(5));
	}

}
