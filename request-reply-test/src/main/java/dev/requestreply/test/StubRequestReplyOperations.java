package dev.requestreply.test;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

import dev.requestreply.CorrelationId;
import dev.requestreply.DurableOptions;
import dev.requestreply.DurableRequest;
import dev.requestreply.GatherPolicy;
import dev.requestreply.GatherResult;
import dev.requestreply.RemoteHandlerException;
import dev.requestreply.Reply;
import dev.requestreply.RequestReplyException;
import dev.requestreply.RequestReplyOperations;
import dev.requestreply.RequestTimeoutException;
import dev.requestreply.autoconfigure.RequestReplyProperties;
import dev.requestreply.convert.PayloadConverter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.util.Assert;

/**
 * A {@link RequestReplyOperations} without Kafka, to test a requester: each topic answers as
 * stubbed with {@link #on(String)}, and every request is recorded. Its futures and publishers end
 * as the real template's do, on another thread, with the same exceptions as their direct cause:
 * {@link RemoteHandlerException} for an error reply, {@link RequestTimeoutException} when no reply
 * comes within the request's timeout (a reply delayed past the timeout too), and a plain
 * {@link RequestReplyException} for a payload or reply that cannot be converted, or a topic that
 * was not stubbed (that one at once). Generic reply types ({@code ParameterizedTypeReference})
 * and {@link #exchange(ProducerRecord, ParameterizedTypeReference, Duration) exchange} work as
 * on the real template.
 * <p>
 * Replies travel through the same conversion as on the wire ({@code String} as UTF-8,
 * {@code byte[]} as is, anything else as JSON), so a stubbed reply reaches the caller exactly as
 * a responder's would.
 * <pre class="code">
 * StubRequestReplyOperations requestReply = new StubRequestReplyOperations();
 * requestReply.on("pricing-quote").reply(new Quote("ACME", new BigDecimal("123.45"), "USD"));
 * requestReply.on("pricing-deep-quote").noReply();
 * QuoteController controller = new QuoteController(requestReply, ...);
 * </pre>
 * Durable requests ({@link #submit(String, Object, DurableOptions) submit}) are answered by the
 * same stubs; their outcomes go to the listeners given to {@link #durable()}, see
 * {@link StubDurableRequests}.
 *
 * @since 0.1.0
 */
public class StubRequestReplyOperations implements RequestReplyOperations {

	/**
	 * The topic that the stub's {@link #exchange(ProducerRecord, ParameterizedTypeReference, Duration)
	 * replies} say they were read from.
	 */
	public static final String REPLY_TOPIC = "stub-replies";

	private final Map<String, TopicStub> stubs = new ConcurrentHashMap<>();

	private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

	private final StubConversion conversion;

	private final StubDurableRequests durable;

	private final AtomicLong replyOffsets = new AtomicLong();

	private volatile Duration defaultTimeout = new RequestReplyProperties().getDefaultTimeout();

	/**
	 * Create a stub that converts JSON with a default {@link JsonMapper}.
	 */
	public StubRequestReplyOperations() {
		this(JsonMapper.builder().findAndAddModules().build());
	}

	/**
	 * Create a stub that converts JSON with the given mapper, e.g. the application's.
	 * @param jsonMapper the JSON mapper
	 */
	public StubRequestReplyOperations(JsonMapper jsonMapper) {
		this.conversion = new StubConversion(new PayloadConverter(jsonMapper));
		this.durable = new StubDurableRequests(this.conversion);
	}

	/**
	 * Set the timeout of requests that name none. Default as {@code request-reply.default-timeout}.
	 * @param defaultTimeout the default timeout
	 * @return this stub
	 */
	public StubRequestReplyOperations defaultTimeout(Duration defaultTimeout) {
		Assert.isTrue(defaultTimeout != null && defaultTimeout.toNanos() > 0, "'defaultTimeout' must be positive");
		this.defaultTimeout = defaultTimeout;
		return this;
	}

	/**
	 * Return the stub of a topic, to say what it answers.
	 * @param topic the topic
	 * @return the topic's stub
	 */
	public TopicStub on(String topic) {
		Assert.hasText(topic, "'topic' must not be empty");
		return this.stubs.computeIfAbsent(topic, (key) -> new TopicStub());
	}

	/**
	 * Return every request made so far, in order.
	 * @return the requests
	 */
	public List<RecordedRequest> requests() {
		return List.copyOf(this.requests);
	}

	/**
	 * Return the requests made to a topic so far, in order.
	 * @param topic the topic
	 * @return the requests to that topic
	 */
	public List<RecordedRequest> requests(String topic) {
		return this.requests.stream().filter((request) -> request.topic().equals(topic)).toList();
	}

	/**
	 * Return the stub's durable requests: who receives their outcomes, and what was submitted.
	 * @return the durable requests
	 * @since 0.4.0
	 */
	public StubDurableRequests durable() {
		return this.durable;
	}

	/**
	 * Forget the stubs, the recorded requests, and the durable requests and their listeners.
	 */
	public void reset() {
		this.stubs.clear();
		this.requests.clear();
		this.durable.reset();
	}

	/**
	 * Submit a durable request: its topic answers as stubbed, and its outcome goes to the
	 * listeners of {@link #durable()} (see {@link StubDurableRequests}).
	 * @param topic the topic to send the request to
	 * @param payload the request payload
	 * @param options the request's kind, timeout and context
	 * @return the request, whose {@code accepted()} fails when the topic was not stubbed
	 */
	@Override
	public DurableRequest submit(String topic, Object payload, DurableOptions options) {
		Assert.hasText(topic, "'topic' must not be empty");
		return this.durable.submit(topic, payload, options, this::stub);
	}

	@Override
	public boolean cancelDurable(String id) {
		return this.durable.cancel(id);
	}

	@Override
	public <T> CompletableFuture<T> request(String topic, Object payload, Class<T> replyType) {
		return request(topic, payload, replyType, this.defaultTimeout);
	}

	@Override
	public <T> CompletableFuture<T> request(String topic, Object payload, Class<T> replyType, Duration timeout) {
		Assert.hasText(topic, "'topic' must not be empty");
		return request(new ProducerRecord<>(topic, payload), replyType, timeout);
	}

	@Override
	public <T> CompletableFuture<T> request(ProducerRecord<?, ?> record, Class<T> replyType) {
		return request(record, replyType, this.defaultTimeout);
	}

	@Override
	public <T> CompletableFuture<T> request(ProducerRecord<?, ?> record, Class<T> replyType, Duration timeout) {
		Assert.notNull(record, "'record' must not be null");
		Assert.notNull(replyType, "'replyType' must not be null");
		return StubTimes.cast(single(record, timeout,
				(request, reply) -> this.conversion.value(record.topic(), reply, replyType)));
	}

	@Override
	public <T> T requestAndWait(String topic, Object payload, Class<T> replyType) {
		return requestAndWait(topic, payload, replyType, this.defaultTimeout);
	}

	@Override
	public <T> CompletableFuture<T> request(String topic, Object payload, ParameterizedTypeReference<T> replyType) {
		return request(topic, payload, replyType, this.defaultTimeout);
	}

	@Override
	public <T> CompletableFuture<T> request(String topic, Object payload, ParameterizedTypeReference<T> replyType,
			Duration timeout) {
		Assert.hasText(topic, "'topic' must not be empty");
		Assert.notNull(replyType, "'replyType' must not be null");
		return StubTimes.cast(single(new ProducerRecord<>(topic, payload), timeout,
				(request, reply) -> this.conversion.value(topic, reply, replyType.getType())));
	}

	/**
	 * Answer a request with its reply and the reply's metadata: the headers a
	 * {@code @ReplyHandler} sends ({@code kafka_correlationId}, {@code rr_responder}) and those
	 * given with {@link StubReply#withHeader(String, String)}; the request's key, as a handler
	 * sends it back; {@link #REPLY_TOPIC}, partition 0 and an offset counted per stub.
	 */
	@Override
	public <T> CompletableFuture<Reply<T>> exchange(ProducerRecord<?, ?> record,
			ParameterizedTypeReference<T> replyType, Duration timeout) {
		Assert.notNull(record, "'record' must not be null");
		Assert.notNull(replyType, "'replyType' must not be null");
		return StubTimes.cast(single(record, timeout, (request, reply) -> this.conversion.exchange(request, reply,
				replyType.getType(), this.replyOffsets.getAndIncrement())));
	}

	@Override
	public <T> Flow.Publisher<T> requestStream(String topic, Object payload, Class<T> elementType,
			Duration idleTimeout, Duration timeout) {
		Assert.notNull(elementType, "'elementType' must not be null");
		return stream(topic, payload, elementType, idleTimeout, timeout);
	}

	@Override
	public <T> Flow.Publisher<T> requestStream(String topic, Object payload, ParameterizedTypeReference<T> elementType,
			Duration idleTimeout, Duration timeout) {
		Assert.notNull(elementType, "'elementType' must not be null");
		return stream(topic, payload, elementType.getType(), idleTimeout, timeout);
	}

	@Override
	public <T> CompletableFuture<GatherResult<T>> scatterGather(Collection<String> topics, Object payload,
			Class<T> replyType, GatherPolicy<T> policy) {
		Assert.notNull(replyType, "'replyType' must not be null");
		return StubGather.gather(this, this.conversion, topics, payload, replyType, policy);
	}

	@Override
	public <T> CompletableFuture<GatherResult<T>> scatterGather(Collection<String> topics, Object payload,
			ParameterizedTypeReference<T> replyType, GatherPolicy<T> policy) {
		Assert.notNull(replyType, "'replyType' must not be null");
		return StubGather.gather(this, this.conversion, topics, payload, replyType.getType(), policy);
	}

	private <T> Flow.Publisher<T> stream(String topic, Object payload, Type elementType, Duration idleTimeout,
			Duration timeout) {
		Assert.hasText(topic, "'topic' must not be empty");
		Assert.isTrue(idleTimeout != null && idleTimeout.toNanos() > 0, "'idleTimeout' must be positive");
		Assert.isTrue(timeout != null && timeout.toNanos() > 0, "'timeout' must be positive");
		Duration firstElementTimeout = (idleTimeout.compareTo(timeout) < 0) ? idleTimeout : timeout;
		CompletableFuture<List<Object>> elements = new CompletableFuture<>();
		try {
			RecordedRequest request = record(new ProducerRecord<>(topic, payload), timeout, RecordedRequest.Kind.STREAM);
			StubReply reply = stub(topic).repliesTo(payload).get(0);
			if (reply.kind() == StubReply.Kind.NONE || reply.delay().compareTo(firstElementTimeout) >= 0) {
				StubTimes.timeOut(elements, request, firstElementTimeout);
			}
			else {
				StubTimes.executor(reply.delay())
					.execute(() -> StubTimes.complete(elements,
							() -> this.conversion.elements(topic, reply, elementType)));
			}
		}
		catch (RequestReplyException ex) {
			elements.completeExceptionally(ex);
		}
		return new StubStreamPublisher<>(StubTimes.cast(elements));
	}

	/**
	 * Answer one request with one reply, made from the stubbed reply by {@code answer} when it
	 * arrives within the timeout.
	 */
	private CompletableFuture<Object> single(ProducerRecord<?, ?> record, Duration timeout,
			BiFunction<RecordedRequest, StubReply, Object> answer) {
		CompletableFuture<Object> future = new CompletableFuture<>();
		try {
			RecordedRequest request = record(record, timeout, RecordedRequest.Kind.SINGLE);
			StubReply reply = stub(record.topic()).repliesTo(record.value()).get(0);
			if (reply.kind() == StubReply.Kind.NONE || reply.delay().compareTo(timeout) >= 0) {
				StubTimes.timeOut(future, request, timeout);
			}
			else {
				StubTimes.executor(reply.delay()).execute(() -> StubTimes.complete(future, () -> answer.apply(request, reply)));
			}
		}
		catch (RequestReplyException ex) {
			future.completeExceptionally(ex);
		}
		return future;
	}

	RecordedRequest record(ProducerRecord<?, ?> record, Duration timeout, RecordedRequest.Kind kind) {
		Assert.isTrue(timeout != null && timeout.toNanos() > 0, "'timeout' must be positive");
		this.conversion.checkWritable(record);
		RecordedRequest request = new RecordedRequest(record.topic(), record.key(), record.value(),
				new RecordHeaders(record.headers().toArray()), timeout, CorrelationId.random(), kind);
		this.requests.add(request);
		return request;
	}

	TopicStub stub(String topic) {
		TopicStub stub = this.stubs.get(topic);
		if (stub == null) {
			throw new RequestReplyException("No stub for topic '" + topic + "': say what it answers with on(\""
					+ topic + "\").reply(...), .fail(...) or .noReply()");
		}
		return stub;
	}

}
