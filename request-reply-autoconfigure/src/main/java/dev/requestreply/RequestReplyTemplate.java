package dev.requestreply;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

import dev.requestreply.durable.DurableRequests;
import dev.requestreply.requester.CompletionThreadsView;
import dev.requestreply.requester.ReplyPartitionMode;
import dev.requestreply.requester.ReplyPartitionsView;
import dev.requestreply.requester.RequesterEngine;
import dev.requestreply.requester.RequesterSettings;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.util.Assert;

/**
 * Sends requests over Kafka and completes their futures with the replies that come back over one
 * shared reply topic, matched by correlation id: a facade of the {@link RequesterEngine}, set up by
 * its {@link RequesterSettings}.
 * <p>
 * On start it creates the reply topic if missing and positions a reply consumer at the end of
 * every partition of it; only then does it accept requests, so the first reply after start-up is
 * never missed. By default ({@link ReplyPartitionMode#AUTO}) the instances of an application then
 * divide the reply topic's partitions among themselves, and each request names one of its
 * instance's own. Replies carry the requesting instance's id, so an instance skips the others'
 * replies by a header alone.
 * <p>
 * On stop it refuses new requests, waits up to the drain timeout for pending ones, then fails the
 * rest with a {@link RequestReplyException}: no future is left hanging. Futures complete on the
 * engine's completion threads (see {@link RequestReplyOperations} for which thread runs what).
 *
 * @since 0.1.0
 */
public class RequestReplyTemplate implements RequestReplyOperations, SmartLifecycle, DisposableBean {

	/**
	 * Lifecycle phase: started before, and stopped after, web servers and Spring Kafka's listener
	 * containers, so that requests in flight during a graceful shutdown still get their replies.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	/**
	 * Default timeout of requests that name none.
	 */
	public static final Duration DEFAULT_TIMEOUT = RequesterSettings.DEFAULT_TIMEOUT;

	/**
	 * Default of how long the reply consumer may go without an answer from the broker before
	 * requests are refused.
	 * @since 0.2.0
	 */
	public static final Duration DEFAULT_REPLY_PATH_TIMEOUT = RequesterSettings.DEFAULT_REPLY_PATH_TIMEOUT;

	private final RequesterEngine engine;

	private volatile @Nullable DurableRequests durableRequests;

	/**
	 * Create a template over an engine, which it starts, stops and closes.
	 * @param engine the engine
	 * @since 0.3.0
	 */
	public RequestReplyTemplate(RequesterEngine engine) {
		Assert.notNull(engine, "'engine' must not be null");
		this.engine = engine;
	}

	/**
	 * Return the shared reply topic of this application's requests.
	 * @return the reply topic
	 */
	public String getReplyTopic() {
		return this.engine.settings().replyTopic().topic();
	}

	/**
	 * Return the id of this instance.
	 * @return the instance id
	 */
	public String getInstanceId() {
		return this.engine.settings().instanceId();
	}

	/**
	 * Return the timeout of requests that name none.
	 * @return the default timeout
	 */
	public Duration getDefaultTimeout() {
		return this.engine.settings().defaultTimeout();
	}

	/**
	 * Return the registry of this template's pending requests, read-only.
	 * @return the registry
	 */
	public CorrelationRegistry getRegistry() {
		return this.engine.registry();
	}

	/**
	 * Return whether requests are accepted: the reply consumer runs, reads, and is authorized to
	 * read the reply topic.
	 * @return whether requests are accepted
	 */
	public boolean isAccepting() {
		return getRefusalReason() == null;
	}

	/**
	 * Return why new requests are refused right now: the template does not run, or its reply
	 * consumer cannot read.
	 * @return the reason, or {@code null} when requests are accepted
	 * @since 0.2.0
	 */
	public @Nullable String getRefusalReason() {
		return this.engine.refusalReason();
	}

	/**
	 * Describe the reply partitions this instance reads and owns.
	 * @return the partitions; none while stopped
	 * @since 0.2.0
	 */
	public ReplyPartitionsView getReplyPartitions() {
		return this.engine.partitions();
	}

	/**
	 * Return the number of cancel records sent: one for each request its caller gave up on
	 * (cancelled, timed out, or a scatter-gather its policy completed), so that its responders
	 * stop.
	 * @return the count
	 * @since 0.2.0
	 */
	public long getCancelsSent() {
		return this.engine.cancelsSent();
	}

	/**
	 * Describe the completion threads, where futures complete and callbacks run: how many, and
	 * whether callbacks that block have saturated them.
	 * @return the completion threads
	 * @since 0.4.0
	 */
	public CompletionThreadsView getCompletionThreads() {
		return this.engine.completionThreads();
	}

	/**
	 * Cancel a pending request by its correlation id: its future fails with a
	 * {@link RequestReplyException} saying so, a reply arriving later counts as late, and a
	 * cancel record tells its responder to stop.
	 * @param correlationId the correlation id
	 * @return whether a pending request with that id was cancelled
	 * @since 0.2.0
	 */
	public boolean cancel(CorrelationId correlationId) {
		Assert.notNull(correlationId, "'correlationId' must not be null");
		return this.engine.cancel(correlationId);
	}

	/**
	 * Set the durable requests that {@link #submit(String, Object, DurableOptions) submit} and
	 * {@link #cancelDurable(String) cancelDurable} use.
	 * @param durableRequests the durable requests of this application
	 * @since 0.4.0
	 */
	public void setDurableRequests(DurableRequests durableRequests) {
		this.durableRequests = durableRequests;
	}

	@Override
	public DurableRequest submit(String topic, Object payload, DurableOptions options) {
		DurableRequests durable = this.durableRequests;
		if (durable == null) {
			return new DurableRequest(UUID.randomUUID().toString(), CompletableFuture.failedFuture(
					new RequestReplyException("Durable request of kind '" + options.getKind() + "' refused: no "
							+ "@DurableReplyListener in this application (its kinds: [])")));
		}
		return durable.submit(topic, payload, options);
	}

	@Override
	public boolean cancelDurable(String id) {
		DurableRequests durable = this.durableRequests;
		if (durable == null) {
			throw new RequestReplyException("Cannot cancel durable request " + id
					+ ": no durable requests in this application");
		}
		return durable.cancel(id, getDefaultTimeout(), (marker) -> request(marker, Boolean.class));
	}

	@Override
	public <T> CompletableFuture<T> request(String topic, Object payload, Class<T> replyType) {
		return request(topic, payload, replyType, getDefaultTimeout());
	}

	@Override
	public <T> CompletableFuture<T> request(String topic, Object payload, Class<T> replyType, Duration timeout) {
		Assert.hasText(topic, "'topic' must not be empty");
		return request(new ProducerRecord<>(topic, payload), replyType, timeout);
	}

	@Override
	public <T> CompletableFuture<T> request(ProducerRecord<?, ?> record, Class<T> replyType) {
		return request(record, replyType, getDefaultTimeout());
	}

	@Override
	public <T> CompletableFuture<T> request(ProducerRecord<?, ?> record, Class<T> replyType, Duration timeout) {
		Assert.notNull(replyType, "'replyType' must not be null");
		return request(record, (Type) replyType, timeout);
	}

	@Override
	public <T> CompletableFuture<T> request(String topic, Object payload, ParameterizedTypeReference<T> replyType) {
		return request(topic, payload, replyType, getDefaultTimeout());
	}

	@Override
	public <T> CompletableFuture<T> request(String topic, Object payload, ParameterizedTypeReference<T> replyType,
			Duration timeout) {
		Assert.hasText(topic, "'topic' must not be empty");
		Assert.notNull(replyType, "'replyType' must not be null");
		return request(new ProducerRecord<>(topic, payload), replyType.getType(), timeout);
	}

	private <T> CompletableFuture<T> request(ProducerRecord<?, ?> record, Type replyType, Duration timeout) {
		Assert.notNull(record, "'record' must not be null");
		return this.engine.request(record, replyType, notNegative(timeout));
	}

	@Override
	public <T> CompletableFuture<Reply<T>> exchange(ProducerRecord<?, ?> record,
			ParameterizedTypeReference<T> replyType, Duration timeout) {
		Assert.notNull(record, "'record' must not be null");
		Assert.notNull(replyType, "'replyType' must not be null");
		return this.engine.exchange(record, replyType.getType(), notNegative(timeout));
	}

	@Override
	public <T> Flow.Publisher<T> requestStream(String topic, Object payload, Class<T> elementType,
			Duration idleTimeout, Duration timeout) {
		Assert.notNull(elementType, "'elementType' must not be null");
		return requestStream(topic, payload, (Type) elementType, idleTimeout, timeout);
	}

	@Override
	public <T> Flow.Publisher<T> requestStream(String topic, Object payload, ParameterizedTypeReference<T> elementType,
			Duration idleTimeout, Duration timeout) {
		Assert.notNull(elementType, "'elementType' must not be null");
		return requestStream(topic, payload, elementType.getType(), idleTimeout, timeout);
	}

	private <T> Flow.Publisher<T> requestStream(String topic, Object payload, Type elementType, Duration idleTimeout,
			Duration timeout) {
		Assert.hasText(topic, "'topic' must not be empty");
		assertPositive(idleTimeout, "idleTimeout");
		assertPositive(timeout, "timeout");
		return this.engine.requestStream(topic, payload, elementType, idleTimeout, timeout);
	}

	@Override
	public <T> CompletableFuture<GatherResult<T>> scatterGather(Collection<String> topics, Object payload,
			Class<T> replyType, GatherPolicy<T> policy) {
		Assert.notNull(replyType, "'replyType' must not be null");
		return scatterGather(topics, payload, (Type) replyType, policy);
	}

	@Override
	public <T> CompletableFuture<GatherResult<T>> scatterGather(Collection<String> topics, Object payload,
			ParameterizedTypeReference<T> replyType, GatherPolicy<T> policy) {
		Assert.notNull(replyType, "'replyType' must not be null");
		return scatterGather(topics, payload, replyType.getType(), policy);
	}

	private <T> CompletableFuture<GatherResult<T>> scatterGather(Collection<String> topics, Object payload,
			Type replyType, GatherPolicy<T> policy) {
		Assert.notEmpty(topics, "'topics' must not be empty");
		Assert.notNull(policy, "'policy' must not be null");
		return this.engine.scatterGather(List.copyOf(topics), payload, replyType, policy);
	}

	@Override
	public <T> T requestAndWait(String topic, Object payload, Class<T> replyType) {
		return requestAndWait(topic, payload, replyType, getDefaultTimeout());
	}

	// As Spring Kafka's ReplyingKafkaTemplate: a timeout of zero or less sends the request all the
	// same, and its future fails with a timeout at once (its deadline on the wire has passed, so
	// a @ReplyHandler does not start on it).
	private static Duration notNegative(Duration timeout) {
		Assert.notNull(timeout, "'timeout' must not be null");
		return timeout.isNegative() ? Duration.ZERO : timeout;
	}

	private static void assertPositive(Duration duration, String name) {
		Assert.isTrue(duration != null && duration.toNanos() > 0, () -> "'" + name + "' must be positive");
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public boolean isAutoStartup() {
		return this.engine.settings().autoStartup();
	}

	@Override
	public boolean isRunning() {
		return this.engine.isRunning();
	}

	@Override
	public void start() {
		this.engine.start();
	}

	@Override
	public void stop() {
		this.engine.stop();
	}

	/**
	 * Stop, then stop the timing wheel and the completion threads of its own.
	 */
	@Override
	public void destroy() {
		this.engine.close();
	}

}
