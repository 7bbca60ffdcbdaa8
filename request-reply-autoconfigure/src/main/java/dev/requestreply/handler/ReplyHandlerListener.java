package dev.requestreply.handler;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.wire.MalformedHeaderException;
import dev.requestreply.wire.RequestHeaders;
import dev.requestreply.wire.UnaddressableRequestException;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.AcknowledgingMessageListener;
import org.springframework.kafka.support.Acknowledgment;

/**
 * Hands each request record to a {@link dev.requestreply.ReplyHandler @ReplyHandler} method and
 * sends its reply. The record is acknowledged once its reply was sent (or once it is known that no
 * reply can be), so a request is committed only after it was answered; whatever goes wrong, the
 * partition moves on.
 */
final class ReplyHandlerListener implements AcknowledgingMessageListener<byte[], byte[]> {

	private static final LogAccessor logger = new LogAccessor(ReplyHandlerListener.class);

	private static final int MAX_LOGGED_CAUSES = 100;

	private final ReplyHandlerEndpoint endpoint;

	private final PayloadConverter converter;

	private final ReplySender sender;

	private final HandlerFigures figures;

	private final ReplyHandlerPolicy policy;

	private final ReplyTopicGuard replyTopicGuard;

	private final HandlerArguments arguments;

	private final InFlightRequests inFlight;

	private final Set<String> loggedCauses = ConcurrentHashMap.newKeySet();

	private final Duration maxWait;

	ReplyHandlerListener(ReplyHandlerEndpoint endpoint, PayloadConverter converter, ReplySender sender,
			HandlerFigures figures, ReplyHandlerPolicy policy, ReplyTopicGuard replyTopicGuard) {
		this(endpoint, converter, sender, figures, policy, replyTopicGuard, null);
	}

	/**
	 * Create a listener that, when {@code maxWait} is set, waits for each result on the consumer's
	 * thread (at most that long) so that the reply is sent there, inside its transaction.
	 */
	ReplyHandlerListener(ReplyHandlerEndpoint endpoint, PayloadConverter converter, ReplySender sender,
			HandlerFigures figures, ReplyHandlerPolicy policy, ReplyTopicGuard replyTopicGuard, Duration maxWait) {
		this.endpoint = endpoint;
		this.converter = converter;
		this.sender = sender;
		this.figures = figures;
		this.policy = policy;
		this.replyTopicGuard = replyTopicGuard;
		this.maxWait = maxWait;
		this.arguments = HandlerArguments.of(endpoint.method());
		this.inFlight = new InFlightRequests(() -> figures.skipped(ReplyHandlerStats.Event.CANCELLED));
	}

	InFlightRequests inFlight() {
		return this.inFlight;
	}

	@Override
	public void onMessage(ConsumerRecord<byte[], byte[]> request, Acknowledgment acknowledgment) {
		onRequest(request, acknowledgment::acknowledge);
	}

	/**
	 * Handle one request record; {@code done} runs once (on any thread) when the record is done
	 * with: its reply sent, or known that none can be.
	 */
	void onRequest(ConsumerRecord<byte[], byte[]> request, Runnable done) {
		Runnable once = new Once(done);
		try {
			handle(request, once);
		}
		catch (RuntimeException ex) {
			// Never stall the partition: whatever went wrong, the request is done with.
			logger.error(ex, () -> "Handler " + this.endpoint.id() + " could not process " + position(request));
			once.run();
		}
	}

	private void handle(ConsumerRecord<byte[], byte[]> request, Runnable acknowledgment) {
		long startNanos = System.nanoTime();
		byte[] cancelled = WireFormat.cancelledRequest(request.headers());
		if (cancelled != null) {
			this.inFlight.cancel(cancelled);
			acknowledgment.run();
			return;
		}
		RequestHeaders headers;
		try {
			headers = WireFormat.readRequest(request.headers(), this.policy.maxCorrelationIdBytes());
		}
		catch (UnaddressableRequestException ex) {
			skip(request, acknowledgment, ReplyHandlerStats.Event.REJECTED, "rejected:" + ex.getMessage(),
					() -> ex.getMessage() + ", so no reply can be sent (logged once per cause)");
			return;
		}
		catch (MalformedHeaderException ex) {
			if (allowed(request, ex.getAddress(), startNanos, acknowledgment)) {
				malformed(request, address(request, ex.getAddress(), startNanos),
						new MalformedRequestException(ex.getMessage()), acknowledgment);
			}
			return;
		}
		if (!allowed(request, headers, startNanos, acknowledgment)) {
			return;
		}
		HandlerCallContext context = new HandlerCallContext(request, headers);
		ReplyAddress address = new ReplyAddress(headers, request.key(), request.topic(), startNanos, context);
		try {
			this.sender.checkPartitionExists(address);
		}
		catch (MalformedRequestException ex) {
			malformed(request, address.withoutPartition(), ex, acknowledgment);
			return;
		}
		if (headers.expiredAt(System.currentTimeMillis())) {
			this.figures.outcome(address, ReplyHandlerOutcome.EXPIRED);
			logger.debug(() -> "Skipping expired request at " + position(request));
			acknowledgment.run();
			return;
		}
		if (this.inFlight.cancelledBefore(headers.correlationId())) {
			this.figures.skipped(ReplyHandlerStats.Event.CANCELLED);
			logger.debug(() -> "Skipping cancelled request at " + position(request));
			acknowledgment.run();
			return;
		}
		if (this.sender.replay(address, acknowledgment)) {
			this.figures.outcome(address, ReplyHandlerOutcome.REPLAYED);
			return;
		}
		Object[] arguments;
		try {
			arguments = this.arguments.resolve(payload(request), context);
		}
		catch (RuntimeException ex) {
			malformed(request, address,
					(ex instanceof MalformedRequestException) ? ex : new MalformedRequestException(ex.getMessage()),
					acknowledgment);
			return;
		}
		this.inFlight.add(context);
		Runnable done = () -> {
			this.inFlight.remove(context);
			acknowledgment.run();
		};
		settle(HandlerResults.invoke(this.endpoint, arguments, context), headers).whenComplete((result, ex) -> {
			if (context.isCancelled()) {
				// The requester gave up (counted when the cancel arrived): nobody reads a reply.
				done.run();
			}
			else if (ex != null) {
				failed(address, HandlerResults.unwrap(ex), done);
			}
			else {
				succeeded(address, result, done);
			}
		});
	}

	private Object payload(ConsumerRecord<byte[], byte[]> request) {
		if (request.value() == null) {
			throw new MalformedRequestException("Request has no value");
		}
		if (request.value().length > this.policy.maxRequestBytes()) {
			throw new MalformedRequestException("Request of " + request.value().length
					+ " bytes is larger than request-reply.handler.max-request-size (" + this.policy.maxRequestBytes()
					+ " bytes)");
		}
		return this.converter.fromBytes(request.value(), this.endpoint.payloadType());
	}

	private static ReplyAddress address(ConsumerRecord<byte[], byte[]> request, RequestHeaders headers,
			long startNanos) {
		return new ReplyAddress(headers, request.key(), request.topic(), startNanos, null);
	}

	private boolean allowed(ConsumerRecord<byte[], byte[]> request, RequestHeaders headers, long startNanos,
			Runnable acknowledgment) {
		if (this.replyTopicGuard.allows(headers.replyTopic(), () -> position(request))) {
			return true;
		}
		this.figures.outcome(request.topic(), ReplyHandlerOutcome.REFUSED, startNanos);
		acknowledgment.run();
		return false;
	}

	private CompletableFuture<Object> settle(CompletableFuture<Object> result, RequestHeaders headers) {
		return (this.maxWait != null) ? HandlerResults.settle(result, headers.deadlineMillis(), this.maxWait) : result;
	}

	private void succeeded(ReplyAddress address, Object value, Runnable done) {
		if (address.stream() && this.maxWait != null && value instanceof Flow.Publisher<?>) {
			// Its elements would be sent on the publisher's threads, outside the transaction.
			settle(HandlerResults.single(value), address.request()).whenComplete((elements, ex) -> {
				if (ex != null) {
					failed(address, HandlerResults.unwrap(ex), done);
				}
				else {
					succeeded(address, elements, done);
				}
			});
			return;
		}
		if (address.stream()) {
			new StreamReplier(address, this.sender, this.converter, this.figures, done).start(value);
			return;
		}
		settle(HandlerResults.single(value), address.request()).whenComplete((single, ex) -> {
			byte[] bytes;
			try {
				if (ex != null) {
					throw ex;
				}
				bytes = this.converter.toBytes(single);
			}
			catch (Throwable failure) {
				failed(address, HandlerResults.unwrap(failure), done);
				return;
			}
			if (address.context().isCancelled()) {
				done.run();
				return;
			}
			this.figures.outcome(address, ReplyHandlerOutcome.SUCCESS);
			this.sender.reply(address, bytes, null, done);
		});
	}

	private void failed(ReplyAddress address, Throwable failure, Runnable done) {
		this.figures.outcome(address, ReplyHandlerOutcome.ERROR);
		logger.debug(failure, () -> "Handler " + this.endpoint.id() + " failed; sending an error reply");
		this.sender.reply(address, null, failure, done);
	}

	private void malformed(ConsumerRecord<byte[], byte[]> request, ReplyAddress address, Throwable failure,
			Runnable acknowledgment) {
		this.figures.outcome(address, ReplyHandlerOutcome.MALFORMED);
		logOnce("malformed:" + failure.getClass().getName(), () -> "Malformed request at " + position(request)
				+ " for handler " + this.endpoint.id() + ": " + failure.getMessage()
				+ " (an error reply is sent; logged once per cause)");
		this.sender.reply(address, null, failure, acknowledgment);
	}

	private void skip(ConsumerRecord<byte[], byte[]> request, Runnable acknowledgment,
			ReplyHandlerStats.Event event, String cause, Supplier<String> why) {
		this.figures.skipped(event);
		logOnce(cause, () -> "Skipping request at " + position(request) + " for handler " + this.endpoint.id() + ": "
				+ why.get());
		acknowledgment.run();
	}

	private void logOnce(String cause, Supplier<String> message) {
		if (this.loggedCauses.size() < MAX_LOGGED_CAUSES && this.loggedCauses.add(cause)) {
			logger.warn(message);
		}
	}

	private static String position(ConsumerRecord<?, ?> record) {
		return record.topic() + "-" + record.partition() + "@" + record.offset();
	}

	/**
	 * Runs its action once, however often it is run: a record is let go once.
	 */
	private static final class Once extends java.util.concurrent.atomic.AtomicBoolean implements Runnable {

		private final transient Runnable action;

		Once(Runnable action) {
			this.action = action;
		}

		@Override
		public void run() {
			if (compareAndSet(false, true)) {
				this.action.run();
			}
		}

	}

}
