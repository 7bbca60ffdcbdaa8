package dev.requestreply.handler;

import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

import dev.requestreply.RequestReplyHeaders;
import dev.requestreply.convert.PayloadConverter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AcknowledgingMessageListener;
import org.springframework.kafka.support.Acknowledgment;

/**
 * Hands each request record to a {@link dev.requestreply.ReplyHandler @ReplyHandler} method and
 * sends its reply. The record is acknowledged once its reply was sent (or once it is known that no
 * reply can be), so a request is committed only after it was answered.
 */
final class ReplyHandlerListener implements AcknowledgingMessageListener<byte[], byte[]> {

	private static final LogAccessor logger = new LogAccessor(ReplyHandlerListener.class);

	private static final int MAX_ERROR_MESSAGE_LENGTH = 4096;

	private final ReplyHandlerEndpoint endpoint;

	private final PayloadConverter converter;

	private final KafkaTemplate<byte[], byte[]> replyTemplate;

	private final ReplyHandlerStats stats;

	private final ReplyHandlerPolicy policy;

	private final ReplyTopicGuard replyTopicGuard;

	private final byte[] responder;

	private final Set<String> loggedCauses = ConcurrentHashMap.newKeySet();

	private final List<ReplyHandlerOutcomeListener> outcomeListeners;

	ReplyHandlerListener(ReplyHandlerEndpoint endpoint, PayloadConverter converter,
			KafkaTemplate<byte[], byte[]> replyTemplate, ReplyHandlerStats stats, ReplyHandlerPolicy policy,
			ReplyTopicPolicy replyTopicPolicy, String responder, List<ReplyHandlerOutcomeListener> outcomeListeners) {
		this.endpoint = endpoint;
		this.policy = policy;
		this.replyTopicGuard = new ReplyTopicGuard(endpoint.id(), replyTopicPolicy, stats);
		this.responder = responder.getBytes(StandardCharsets.UTF_8);
		this.converter = converter;
		this.replyTemplate = replyTemplate;
		this.stats = stats;
		this.outcomeListeners = outcomeListeners;
	}

	@Override
	public void onMessage(ConsumerRecord<byte[], byte[]> request, Acknowledgment acknowledgment) {
		try {
			handle(request, acknowledgment);
		}
		catch (RuntimeException ex) {
			// Never stall the partition: whatever went wrong, the request is done with.
			logger.error(ex, () -> "Handler " + this.endpoint.id() + " could not process " + position(request));
			acknowledgment.acknowledge();
		}
	}

	private void handle(ConsumerRecord<byte[], byte[]> request, Acknowledgment acknowledgment) {
		long startNanos = System.nanoTime();
		Headers headers = request.headers();
		Header replyTopic = headers.lastHeader(RequestReplyHeaders.REPLY_TOPIC);
		Header correlation = headers.lastHeader(RequestReplyHeaders.CORRELATION_ID);
		if (replyTopic == null || replyTopic.value() == null || replyTopic.value().length == 0) {
			reject(request, acknowledgment, "no " + RequestReplyHeaders.REPLY_TOPIC + " header");
			return;
		}
		if (correlation == null || correlation.value() == null || correlation.value().length == 0) {
			reject(request, acknowledgment, "no " + RequestReplyHeaders.CORRELATION_ID + " header");
			return;
		}
		if (correlation.value().length > this.policy.maxCorrelationIdBytes()) {
			reject(request, acknowledgment, RequestReplyHeaders.CORRELATION_ID + " longer than "
					+ this.policy.maxCorrelationIdBytes() + " bytes");
			return;
		}
		String replyTopicName = new String(replyTopic.value(), StandardCharsets.UTF_8);
		if (!this.replyTopicGuard.allows(replyTopicName, position(request))) {
			notifyOutcome(request.topic(), ReplyHandlerOutcome.REFUSED, startNanos);
			acknowledgment.acknowledge();
			return;
		}
		ReplyAddress address = new ReplyAddress(replyTopicName, correlation.value(),
				headers.lastHeader(RequestReplyHeaders.INSTANCE), request.key(),
				headers.lastHeader(RequestReplyHeaders.STREAM) != null, request.topic(), startNanos);
		Integer partition;
		long deadline;
		try {
			partition = replyPartition(headers.lastHeader(RequestReplyHeaders.REPLY_PARTITION));
			deadline = deadline(headers.lastHeader(RequestReplyHeaders.DEADLINE));
			checkPartitionExists(replyTopicName, partition);
		}
		catch (MalformedRequestException ex) {
			malformed(request, address, null, ex, acknowledgment);
			return;
		}
		if (System.currentTimeMillis() > deadline) {
			this.stats.recordExpired();
			notifyOutcome(request.topic(), ReplyHandlerOutcome.EXPIRED, startNanos);
			logger.debug(() -> "Skipping expired request at " + position(request));
			acknowledgment.acknowledge();
			return;
		}
		Object payload;
		try {
			if (request.value() == null) {
				throw new MalformedRequestException("Request has no value");
			}
			if (request.value().length > this.policy.maxRequestBytes()) {
				throw new MalformedRequestException("Request of " + request.value().length
						+ " bytes is larger than request-reply.handler.max-request-size (" + this.policy.maxRequestBytes()
						+ " bytes)");
			}
			payload = this.converter.fromBytes(request.value(), this.endpoint.payloadType());
		}
		catch (RuntimeException ex) {
			malformed(request, address, partition,
					(ex instanceof MalformedRequestException) ? ex : new MalformedRequestException(ex.getMessage()),
					acknowledgment);
			return;
		}
		Object result;
		try {
			result = this.endpoint.method().invoke(this.endpoint.bean(), payload);
		}
		catch (InvocationTargetException ex) {
			failed(address, partition, ex.getCause(), acknowledgment);
			return;
		}
		catch (IllegalAccessException ex) {
			failed(address, partition, ex, acknowledgment);
			return;
		}
		if (result instanceof CompletionStage<?> stage) {
			stage.whenComplete((value, ex) -> {
				if (ex != null) {
					failed(address, partition, unwrap(ex), acknowledgment);
				}
				else {
					succeeded(address, partition, value, acknowledgment);
				}
			});
		}
		else {
			succeeded(address, partition, result, acknowledgment);
		}
	}

	private void succeeded(ReplyAddress address, Integer partition, Object value, Acknowledgment acknowledgment) {
		if (address.stream()) {
			new StreamReply(address, partition, acknowledgment).start(value);
			return;
		}
		Object single = value;
		if (value instanceof Stream<?> stream) {
			try (stream) {
				single = stream.toList();
			}
		}
		else if (value instanceof Flow.Publisher<?> publisher) {
			collect(publisher).whenComplete((list, ex) -> {
				if (ex != null) {
					failed(address, partition, unwrap(ex), acknowledgment);
				}
				else {
					succeeded(address, partition, list, acknowledgment);
				}
			});
			return;
		}
		byte[] bytes;
		try {
			bytes = this.converter.toBytes(single);
		}
		catch (RuntimeException ex) {
			failed(address, partition, ex, acknowledgment);
			return;
		}
		this.stats.recordHandled();
		notifyOutcome(address.requestTopic(), ReplyHandlerOutcome.SUCCESS, address.startNanos());
		send(address, partition, bytes, null, acknowledgment);
	}

	private static CompletableFuture<List<Object>> collect(Flow.Publisher<?> publisher) {
		CompletableFuture<List<Object>> result = new CompletableFuture<>();
		List<Object> elements = new ArrayList<>();
		publisher.subscribe(new Flow.Subscriber<Object>() {

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				subscription.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(Object item) {
				elements.add(item);
			}

			@Override
			public void onError(Throwable throwable) {
				result.completeExceptionally(throwable);
			}

			@Override
			public void onComplete() {
				result.complete(elements);
			}

		});
		return result;
	}

	private void failed(ReplyAddress address, Integer partition, Throwable failure, Acknowledgment acknowledgment) {
		this.stats.recordFailed();
		notifyOutcome(address.requestTopic(), ReplyHandlerOutcome.ERROR, address.startNanos());
		logger.debug(failure, () -> "Handler " + this.endpoint.id() + " failed; sending an error reply");
		send(address, partition, null, failure, acknowledgment);
	}

	private void malformed(ConsumerRecord<byte[], byte[]> request, ReplyAddress address, Integer partition,
			Throwable failure, Acknowledgment acknowledgment) {
		this.stats.recordMalformed();
		notifyOutcome(address.requestTopic(), ReplyHandlerOutcome.MALFORMED, address.startNanos());
		logOnce("malformed:" + failure.getClass().getName(), () -> "Malformed request at " + position(request)
				+ " for handler " + this.endpoint.id() + ": " + failure.getMessage()
				+ " (an error reply is sent; logged once per cause)");
		send(address, partition, null, failure, acknowledgment);
	}

	private void reject(ConsumerRecord<byte[], byte[]> request, Acknowledgment acknowledgment, String cause) {
		this.stats.recordRejected();
		logOnce("rejected:" + cause, () -> "Skipping request at " + position(request) + " for handler "
				+ this.endpoint.id() + ": " + cause + ", so no reply can be sent (logged once per cause)");
		acknowledgment.acknowledge();
	}

	private void send(ReplyAddress address, Integer partition, byte[] value, Throwable failure,
			Acknowledgment acknowledgment) {
		if (address.stream()) {
			// A stream request answered by one reply: an error or a malformed request ends the stream.
			send(address, partition, value, failure, streamHeaders(null, 0L), acknowledgment::acknowledge);
			return;
		}
		send(address, partition, value, failure, null, acknowledgment::acknowledge);
	}

	private static RecordHeaders streamHeaders(Long sequence, Long end) {
		RecordHeaders headers = new RecordHeaders();
		if (sequence != null) {
			headers.add(RequestReplyHeaders.SEQUENCE, Long.toString(sequence).getBytes(StandardCharsets.US_ASCII));
		}
		if (end != null) {
			headers.add(RequestReplyHeaders.END, Long.toString(end).getBytes(StandardCharsets.US_ASCII));
		}
		return headers;
	}

	private void send(ReplyAddress address, Integer partition, byte[] value, Throwable failure,
			RecordHeaders streamHeaders, Runnable whenSent) {
		RecordHeaders headers = (streamHeaders != null) ? streamHeaders : new RecordHeaders();
		headers.add(RequestReplyHeaders.CORRELATION_ID, address.correlationId());
		if (address.instance() != null) {
			headers.add(address.instance());
		}
		headers.add(RequestReplyHeaders.RESPONDER, this.responder);
		if (failure != null) {
			headers.add(RequestReplyHeaders.ERROR_TYPE, failure.getClass().getName().getBytes(StandardCharsets.UTF_8));
			String message = failure.getMessage();
			if (message != null) {
				if (message.length() > MAX_ERROR_MESSAGE_LENGTH) {
					message = message.substring(0, MAX_ERROR_MESSAGE_LENGTH);
				}
				headers.add(RequestReplyHeaders.ERROR_MESSAGE, message.getBytes(StandardCharsets.UTF_8));
			}
		}
		// Stream parts share a key so that they land on one partition, in order.
		byte[] key = (address.key() != null || !address.stream()) ? address.key() : address.correlationId();
		ProducerRecord<byte[], byte[]> reply = new ProducerRecord<>(address.topic(), partition, key, value, headers);
		try {
			this.replyTemplate.send(reply).whenComplete((result, ex) -> {
				if (ex != null) {
					replyFailed(address, ex);
				}
				whenSent.run();
			});
		}
		catch (RuntimeException ex) {
			replyFailed(address, ex);
			whenSent.run();
		}
	}

	/**
	 * Sends what a handler returned for a stream request: each element as a reply with its
	 * sequence number, then an end marker (or an error reply) carrying the number of elements;
	 * the request is acknowledged once the end marker is sent.
	 */
	private final class StreamReply implements Flow.Subscriber<Object> {

		private final ReplyAddress address;

		private final Integer partition;

		private final Acknowledgment acknowledgment;

		private long sent;

		StreamReply(ReplyAddress address, Integer partition, Acknowledgment acknowledgment) {
			this.address = address;
			this.partition = partition;
			this.acknowledgment = acknowledgment;
		}

		void start(Object value) {
			if (value instanceof Flow.Publisher<?> publisher) {
				publisher.subscribe(this);
				return;
			}
			Iterator<?> elements;
			Runnable close = () -> {
			};
			if (value instanceof Stream<?> stream) {
				elements = stream.iterator();
				close = stream::close;
			}
			else if (value instanceof Iterable<?> iterable) {
				elements = iterable.iterator();
			}
			else if (value instanceof Object[] array) {
				elements = Arrays.asList(array).iterator();
			}
			else {
				elements = (value != null) ? List.of(value).iterator() : Collections.emptyIterator();
			}
			try {
				while (elements.hasNext()) {
					onNext(elements.next());
				}
			}
			catch (RuntimeException ex) {
				onError(ex);
				return;
			}
			finally {
				close.run();
			}
			onComplete();
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(Object element) {
			byte[] bytes = ReplyHandlerListener.this.converter.toBytes(element);
			send(this.address, this.partition, bytes, null, streamHeaders(this.sent++, null), () -> {
			});
		}

		@Override
		public void onError(Throwable failure) {
			ReplyHandlerListener.this.stats.recordFailed();
			notifyOutcome(this.address.requestTopic(), ReplyHandlerOutcome.ERROR, this.address.startNanos());
			send(this.address, this.partition, null, unwrap(failure), streamHeaders(null, this.sent),
					this.acknowledgment::acknowledge);
		}

		@Override
		public void onComplete() {
			ReplyHandlerListener.this.stats.recordHandled();
			notifyOutcome(this.address.requestTopic(), ReplyHandlerOutcome.SUCCESS, this.address.startNanos());
			send(this.address, this.partition, null, null, streamHeaders(null, this.sent),
					this.acknowledgment::acknowledge);
		}

	}

	private void replyFailed(ReplyAddress address, Throwable ex) {
		this.stats.recordReplyFailure();
		logger.warn(ex, () -> "Handler " + this.endpoint.id() + " could not send its reply to topic '"
				+ address.topic() + "'");
	}

	private void notifyOutcome(String topic, ReplyHandlerOutcome outcome, long startNanos) {
		if (this.outcomeListeners.isEmpty()) {
			return;
		}
		long duration = System.nanoTime() - startNanos;
		for (ReplyHandlerOutcomeListener listener : this.outcomeListeners) {
			try {
				listener.onOutcome(this.endpoint, topic, outcome, duration);
			}
			catch (RuntimeException ex) {
				logger.warn(ex, () -> "Reply handler outcome listener " + listener + " failed");
			}
		}
	}

	private void logOnce(String cause, java.util.function.Supplier<String> message) {
		if (this.loggedCauses.size() < 100 && this.loggedCauses.add(cause)) {
			logger.warn(message);
		}
	}

	/**
	 * The producer would wait up to {@code max.block.ms} for a partition the topic does not have,
	 * stalling this consumer: check against the topic's metadata first.
	 */
	private void checkPartitionExists(String topic, Integer partition) {
		if (partition == null) {
			return;
		}
		List<PartitionInfo> partitions = this.replyTemplate.partitionsFor(topic);
		if (partitions == null || partition >= partitions.size()) {
			throw new MalformedRequestException("Header " + RequestReplyHeaders.REPLY_PARTITION + " names partition "
					+ partition + ", but topic '" + topic + "' has "
					+ ((partitions != null) ? partitions.size() : 0) + " partition(s)");
		}
	}

	private static Integer replyPartition(Header header) {
		if (header == null) {
			return null;
		}
		byte[] value = header.value();
		if (value == null || value.length != 4) {
			throw new MalformedRequestException(
					"Header " + RequestReplyHeaders.REPLY_PARTITION + " must be a 4-byte big-endian int");
		}
		int partition = ByteBuffer.wrap(value).getInt();
		if (partition < 0) {
			throw new MalformedRequestException(
					"Header " + RequestReplyHeaders.REPLY_PARTITION + " must not be negative: " + partition);
		}
		return partition;
	}

	private static long deadline(Header header) {
		if (header == null) {
			return Long.MAX_VALUE;
		}
		String text = (header.value() != null) ? new String(header.value(), StandardCharsets.US_ASCII) : "";
		if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(Character::isDigit)) {
			throw new MalformedRequestException("Header " + RequestReplyHeaders.DEADLINE
					+ " must be epoch milliseconds in ASCII digits");
		}
		try {
			return Long.parseLong(text);
		}
		catch (NumberFormatException ex) {
			throw new MalformedRequestException("Header " + RequestReplyHeaders.DEADLINE + " is out of range: " + text);
		}
	}

	private static Throwable unwrap(Throwable ex) {
		Throwable current = ex;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	private static String position(ConsumerRecord<?, ?> record) {
		return record.topic() + "-" + record.partition() + "@" + record.offset();
	}

	private record ReplyAddress(String topic, byte[] correlationId, Header instance, byte[] key, boolean stream,
			String requestTopic, long startNanos) {
	}

}
