package dev.requestreply.requester;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Function;

import dev.requestreply.CorrelationId;
import dev.requestreply.CorrelationRegistry;
import dev.requestreply.GatherPolicy;
import dev.requestreply.GatherResult;
import dev.requestreply.Reply;
import dev.requestreply.RequestReplyException;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.support.LoopThreads;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.util.Assert;

/**
 * The requester's engine, the one entry the {@code RequestReplyTemplate} delegates to. A request
 * goes through it in one pass: its deadline is cut once (to the time left of the request handled
 * on this thread, if any), the {@link RequestGate} refuses it if its reply could not arrive (before
 * anything is registered, counted by reason), the payload converts, the {@link PendingRequests}
 * register it, the {@link RequestSender} sends it; the {@link ReplyListener}'s readers and the
 * {@link ReplyDispatcher} end it with its reply, the timing wheel with its timeout, and its future
 * completes on a completion thread.
 * <p>
 * The registry lives as long as the engine; the Kafka side (reply consumers, the gate's monitors,
 * the sender) from {@link #start()} to {@link #stop()}, which fails what is left pending and sends
 * its cancel records.
 *
 * @since 0.3.0
 */
public final class RequesterEngine implements AutoCloseable {

	private final PayloadConverter converter;

	private final RequesterSettings settings;

	private final Completions completions;

	private final PendingRequests registry;

	private final RequestGate gate;

	private final CancelRecords cancels;

	private final RequesterLifecycle lifecycle;

	private volatile RequesterLifecycle.@Nullable Running running;

	/**
	 * Create an engine, not started.
	 * @param kafkaTemplate the template requests are sent with
	 * @param replyConsumerFactory the factory of the reply consumers; it must have no
	 * {@code group.id} and deliver values as {@link ByteBuffer}
	 * @param adminConfig the Kafka admin client configuration, to prepare the reply topic and look
	 * up the consumer groups
	 * @param converter the payload converter
	 * @param settings how it works
	 */
	public RequesterEngine(KafkaTemplate<byte[], byte[]> kafkaTemplate,
			ConsumerFactory<?, ByteBuffer> replyConsumerFactory, Map<String, Object> adminConfig,
			PayloadConverter converter, RequesterSettings settings) {
		Assert.notNull(kafkaTemplate, "'kafkaTemplate' must not be null");
		Assert.notNull(replyConsumerFactory, "'replyConsumerFactory' must not be null");
		Assert.notNull(adminConfig, "'adminConfig' must not be null");
		Assert.notNull(converter, "'converter' must not be null");
		Assert.notNull(settings, "'settings' must not be null");
		this.converter = converter;
		this.settings = settings;
		this.completions = Completions.on(settings.completionExecutor());
		this.registry = new PendingRequests(PendingRequests.DEFAULT_TICK, settings.maxPending(),
				settings.lateReplyWindow(), this.completions);
		this.gate = new RequestGate(this.registry, settings.replyTopic().topic());
		TopicWires wires = new TopicWires(settings.headerNames());
		this.cancels = new CancelRecords(kafkaTemplate, LoopThreads.of(settings.virtualThreads()), wires);
		this.lifecycle = new RequesterLifecycle(kafkaTemplate, replyConsumerFactory, adminConfig, converter, settings,
				this.registry, this.gate, this.cancels, wires);
	}

	/**
	 * Return the settings.
	 * @return the settings
	 */
	public RequesterSettings settings() {
		return this.settings;
	}

	/**
	 * Return the registry of pending requests, read-only.
	 * @return the registry
	 */
	public CorrelationRegistry registry() {
		return this.registry;
	}

	/**
	 * Prepare the reply topic, position the reply consumers at its end and start accepting
	 * requests.
	 * @return the number of reply partitions
	 * @throws RequestReplyException if the reply topic cannot be prepared in time
	 */
	public synchronized int start() {
		RequesterLifecycle.Running current = this.running;
		if (current == null) {
			current = this.lifecycle.start();
			this.running = current;
		}
		return current.partitions();
	}

	/**
	 * Refuse new requests, wait up to the drain timeout for the pending ones' replies, fail the
	 * rest (sending their cancel records, waited for at most 2 s) and stop reading.
	 */
	public synchronized void stop() {
		RequesterLifecycle.Running current = this.running;
		if (current != null) {
			this.lifecycle.stop(current);
			this.running = null;
		}
	}

	/**
	 * Return whether the engine runs.
	 * @return whether it runs
	 */
	public boolean isRunning() {
		return this.running != null;
	}

	/**
	 * Return why new requests are refused right now.
	 * @return the reason, or {@code null} when they are accepted
	 */
	public @Nullable String refusalReason() {
		return this.gate.refusalReason();
	}

	/**
	 * Describe the reply partitions this instance reads and owns.
	 * @return the partitions; none while stopped
	 */
	public ReplyPartitionsView partitions() {
		RequesterLifecycle.Running current = this.running;
		return (current != null) ? current.listener().partitions()
				: new ReplyPartitionsView(this.settings.replyPartitions(), List.of(), List.of(), false);
	}

	/**
	 * Return the number of cancel records sent.
	 * @return the count
	 */
	public long cancelsSent() {
		return this.cancels.sent();
	}

	/**
	 * Describe the completion threads, where futures complete and callers' callbacks run.
	 * @return the threads and their saturations
	 * @since 0.4.0
	 */
	public CompletionThreadsView completionThreads() {
		return this.completions.view();
	}

	/**
	 * Cancel a pending request by its correlation id.
	 * @param correlationId the correlation id
	 * @return whether a pending request with that id was cancelled
	 */
	public boolean cancel(CorrelationId correlationId) {
		return this.registry.cancel(correlationId);
	}

	/**
	 * Send a request with one reply.
	 * @param <T> the reply type
	 * @param record the request
	 * @param replyType the reply type
	 * @param timeout how long to wait for the reply
	 * @return the future of the reply
	 */
	public <T> CompletableFuture<T> request(ProducerRecord<?, ?> record, Type replyType, Duration timeout) {
		Deadline deadline = Deadline.cut(timeout);
		return sendForFuture(List.of(record.topic()), record, deadline, false,
				(registration) -> this.registry.admission()
					.<T>admit(record.topic(), replyType, deadline.timeout(), null, registration));
	}

	/**
	 * Send a request whose future completes with the reply and its record's metadata.
	 * @param <T> the reply value type
	 * @param record the request
	 * @param valueType the reply value type
	 * @param timeout how long to wait for the reply
	 * @return the future of the reply
	 */
	public <T> CompletableFuture<Reply<T>> exchange(ProducerRecord<?, ?> record, Type valueType, Duration timeout) {
		Deadline deadline = Deadline.cut(timeout);
		return sendForFuture(List.of(record.topic()), record, deadline, false, (registration) -> this.registry
			.collected()
			.<T>registerExchange(record.topic(), valueType, deadline.timeout(), this.converter, registration));
	}

	/**
	 * Send a request answered by a stream of replies.
	 * @param <T> the element type
	 * @param topic the topic
	 * @param payload the payload
	 * @param elementType the element type
	 * @param idleTimeout the longest wait for the first or the next element
	 * @param timeout the longest wait for the whole stream
	 * @return the publisher of the elements
	 */
	public <T> Flow.Publisher<T> requestStream(String topic, Object payload, Type elementType, Duration idleTimeout,
			Duration timeout) {
		Deadline deadline = Deadline.cut(timeout);
		Duration idle = (idleTimeout.compareTo(deadline.timeout()) > 0) ? deadline.timeout() : idleTimeout;
		ReplyPublisher<T> publisher = new ReplyPublisher<>(this.settings.streamBuffer());
		try {
			send(List.of(topic), new ProducerRecord<>(topic, payload), deadline, true,
					(registration) -> this.registry.collected()
						.registerStream(topic, elementType, idle, deadline.timeout(), this.converter, publisher,
								registration));
		}
		catch (RequestReplyException ex) {
			publisher.fail(ex);
		}
		return publisher;
	}

	/**
	 * Send one request to several responders and gather their replies.
	 * @param <T> the reply type
	 * @param topics the topics
	 * @param payload the payload
	 * @param replyType the reply type
	 * @param policy when to stop gathering
	 * @return the future of the gathered replies
	 */
	public <T> CompletableFuture<GatherResult<T>> scatterGather(List<String> topics, Object payload, Type replyType,
			GatherPolicy<T> policy) {
		Deadline deadline = Deadline.cut(policy.timeout());
		GatherPolicy<T> effective = new GatherPolicy<>(policy.done(), deadline.timeout(), policy.atTimeout());
		return sendForFuture(topics, new ProducerRecord<>(topics.get(0), payload), deadline, false,
				(registration) -> this.registry.collected()
					.registerGather(topics, replyType, effective, this.converter, registration));
	}

	private <F> CompletableFuture<F> sendForFuture(List<String> topics, ProducerRecord<?, ?> record,
			Deadline deadline, boolean stream, Function<Registration, PendingRequest<F>> register) {
		try {
			return send(topics, record, deadline, stream, register);
		}
		catch (RequestReplyException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	// Refused, or converted, registered and sent.
	private <F> PendingRequest<F> send(List<String> topics, ProducerRecord<?, ?> record, Deadline deadline,
			boolean stream, Function<Registration, PendingRequest<F>> register) {
		this.gate.check(topics);
		RequesterLifecycle.Running current = this.running;
		if (current == null) {
			// Stopped just after the check let the request through.
			throw new RequestReplyException("RequestReplyTemplate stopped: request to " + topics + " not sent");
		}
		byte[] key = this.settings.keyFormat().toBytes(record.key(), this.converter);
		byte[] value = this.converter.toBytes(record.value());
		PendingRequest<F> sent = current.sender().send(topics, record, key, value, register, deadline.epochMillis(),
				stream);
		this.gate.sent(topics);
		return sent;
	}

	/**
	 * Stop, and stop the timer, the registry's own completion threads and the cancel sender.
	 */
	@Override
	public void close() {
		stop();
		this.registry.close();
		this.cancels.close();
	}

}
