package dev.requestreply.requester;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import dev.requestreply.RemoteHandlerException;
import dev.requestreply.RequestReplyException;
import dev.requestreply.StreamOverflowException;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.requester.core.RequestAction;
import dev.requestreply.requester.core.RequestEvent;
import dev.requestreply.requester.core.RequestState;
import dev.requestreply.wire.ErrorHeaders;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * Keeps the payloads of a streaming reply's elements by sequence number and hands them to the
 * {@link ReplyPublisher} when the request's core delivers them: the core puts them in order, drops
 * duplicates, ends the request once the end marker and every element before it arrived, and moves
 * its deadline to the idle timeout with each element (never past the overall one). Elements that
 * arrive before one still missing wait for it, as many as the stream buffer holds; one more ends
 * the stream with a {@link StreamOverflowException} (counted, logged, its request cancelled) rather
 * than holding them without bound.
 *
 * @param <T> the element type
 */
final class StreamCollector<T> implements ReplyCollector {

	private static final LogAccessor logger = new LogAccessor(StreamCollector.class);

	private final PendingRequests registry;

	private final PayloadConverter converter;

	private final Type elementType;

	private final ReplyPublisher<T> publisher;

	private final long idleNanos;

	private final long overallDeadlineNanos;

	// The payloads of elements the core holds or is about to hand over, by sequence: touched by
	// the reply consumer's thread, and cleared when the request ends.
	private final Map<Long, byte @Nullable []> payloads = new ConcurrentHashMap<>();

	// Set once an element did not convert: later ones of the same reply are not handed over.
	private volatile boolean failed;

	StreamCollector(PendingRequests registry, PayloadConverter converter, Type elementType,
			ReplyPublisher<T> publisher, Duration idleTimeout, long overallDeadlineNanos) {
		this.registry = registry;
		this.converter = converter;
		this.elementType = elementType;
		this.publisher = publisher;
		this.idleNanos = idleTimeout.toNanos();
		this.overallDeadlineNanos = overallDeadlineNanos;
	}

	@Override
	public void onReply(PendingRequest<?> request, ConsumerRecord<?, ByteBuffer> reply) {
		Headers headers = reply.headers();
		RemoteHandlerException failure = ErrorHeaders.remoteFailure(request.topic, headers);
		Long sequence = WireFormat.standard().sequence(headers);
		Long end = WireFormat.standard().end(headers);
		if (failure != null) {
			sequence = null;
		}
		else if (sequence != null) {
			this.payloads.putIfAbsent(sequence, (reply.value() != null) ? Utils.toArray(reply.value()) : null);
		}
		RequestState before = request.state();
		List<RequestAction> actions = this.registry.ends().reply(request,
				new RequestEvent.Reply(System.nanoTime(), null, sequence, end, failure != null),
				(completion) -> (completion == RequestAction.Completion.OVERFLOW) ? overflow(request, before)
						: failure);
		// A duplicate, or an element after the stream ended: its payload is not kept (that of a
		// duplicate the core holds already stays).
		if (sequence != null && actions.stream().anyMatch(RequestAction.Skip.class::isInstance)
				&& !before.holdsEarly(sequence)) {
			this.payloads.remove(sequence);
		}
	}

	// One element too many waits for a missing one (lost, or written elsewhere by a responder that
	// breaks the order): the core ends the stream and tells the responder to stop; counted and
	// logged here, as the stream fails.
	private RequestReplyException overflow(PendingRequest<?> request, RequestState state) {
		long missing = state.next();
		int held = state.held();
		logger.warn(() -> "Stream reply to request " + request.id + " from topic '" + request.topic + "': element "
				+ missing + " never arrived while " + held + " later element(s) did (request-reply.stream-buffer);"
				+ " stream failed with StreamOverflowException and cancelled");
		this.registry.figures().failedFast(FastFailure.STREAM_OVERFLOW);
		return new StreamOverflowException(request.topic, missing, held);
	}

	@Override
	@SuppressWarnings("unchecked")
	public void deliver(PendingRequest<?> request, long sequence) {
		byte[] bytes = this.payloads.remove(sequence);
		if (this.failed) {
			return;
		}
		T element;
		try {
			element = (T) this.converter.fromBytes(bytes, this.elementType);
		}
		catch (RuntimeException ex) {
			this.failed = true;
			this.registry.ends().fail(request, new RequestReplyException("Element " + sequence
					+ " of the reply stream to request " + request.id + " cannot be converted to "
					+ this.elementType.getTypeName(), ex));
			return;
		}
		if (element != null) {
			this.publisher.emit(element);
		}
	}

	@Override
	public void ended() {
		this.payloads.clear();
	}

	@Override
	public RequestReplyException timeoutFailure(PendingRequest<?> request) {
		boolean idleTimeout = request.deadlineNanos < this.overallDeadlineNanos;
		Duration waited = Duration.ofNanos(idleTimeout ? this.idleNanos : request.deadlineNanos - request.startNanos);
		return this.registry.ends().timedOut(request, waited);
	}

}
