package dev.requestreply.requester;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import dev.requestreply.RemoteHandlerException;
import dev.requestreply.RequestReplyException;
import dev.requestreply.RequestTimeoutException;
import dev.requestreply.StreamOverflowException;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.wire.ErrorHeaders;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * Puts the elements of a streaming reply in order by their sequence numbers, drops duplicates,
 * hands them to the {@link ReplyPublisher}, and ends the request once the end marker and every
 * element before it arrived. Each element moves the request's deadline to the idle timeout (but
 * never past the overall one). Elements that arrive before one still missing wait for it, as many
 * as the stream buffer holds; one more ends the stream with a {@link StreamOverflowException}
 * (counted, logged, its request cancelled) rather than holding them without bound.
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

	private final int maxEarly;

	// Touched by the reply consumer thread only.
	private final Map<Long, byte[]> early = new TreeMap<>();

	private long next;

	private long end = -1;

	private @Nullable RequestReplyException endFailure;

	StreamCollector(PendingRequests registry, PayloadConverter converter, Type elementType,
			ReplyPublisher<T> publisher, Duration idleTimeout, long overallDeadlineNanos) {
		this.registry = registry;
		this.converter = converter;
		this.elementType = elementType;
		this.publisher = publisher;
		this.idleNanos = idleTimeout.toNanos();
		this.overallDeadlineNanos = overallDeadlineNanos;
		this.maxEarly = publisher.maxBuffered();
	}

	long firstDeadline(long now) {
		return Math.min(now + this.idleNanos, this.overallDeadlineNanos);
	}

	@Override
	public void onReply(PendingRequest<?> request, ConsumerRecord<?, ByteBuffer> reply) {
		Headers headers = reply.headers();
		RemoteHandlerException failure = ErrorHeaders.remoteFailure(request.topic, headers);
		Long sequence = WireFormat.standard().sequence(headers);
		Long endCount = WireFormat.standard().end(headers);
		if (failure != null) {
			this.end = (endCount != null) ? endCount : this.next;
			this.endFailure = failure;
		}
		else if (endCount != null) {
			this.end = endCount;
		}
		else if (sequence == null || sequence < this.next || this.early.containsKey(sequence)) {
			this.registry.skipped(SkippedReply.DUPLICATE);
		}
		else if (sequence > this.next && this.early.size() >= this.maxEarly) {
			overflow(request);
			return;
		}
		else {
			this.early.put(sequence, (reply.value() != null) ? Utils.toArray(reply.value()) : null);
		}
		if (!deliverInOrder(request)) {
			return;
		}
		if (this.end >= 0 && this.next >= this.end) {
			if (this.endFailure != null) {
				this.registry.fail(request, this.endFailure);
			}
			else {
				finish(request);
			}
			return;
		}
		this.registry.reschedule(request, firstDeadline(System.nanoTime()));
	}

	// One element too many waits for a missing one (lost, or written elsewhere by a responder
	// that breaks the order): end the stream, and tell the responder to stop.
	private void overflow(PendingRequest<?> request) {
		long missing = this.next;
		int held = this.early.size();
		this.early.clear();
		logger.warn(() -> "Stream reply to request " + request.id + " from topic '" + request.topic + "': element "
				+ missing + " never arrived while " + held + " later element(s) did (request-reply.stream-buffer);"
				+ " stream failed with StreamOverflowException and cancelled");
		this.registry.failedFast(FastFailure.STREAM_OVERFLOW);
		this.registry.abandon(request, new StreamOverflowException(request.topic, missing, held));
	}

	private <R> void finish(PendingRequest<R> request) {
		this.registry.succeed(request, null);
	}

	@SuppressWarnings("unchecked")
	private boolean deliverInOrder(PendingRequest<?> request) {
		byte[] bytes;
		while (this.early.containsKey(this.next)) {
			bytes = this.early.remove(this.next);
			T element;
			try {
				element = (T) this.converter.fromBytes(bytes, this.elementType);
			}
			catch (RuntimeException ex) {
				this.registry.fail(request, new RequestReplyException("Element " + this.next
						+ " of the reply stream to request " + request.id + " cannot be converted to "
						+ this.elementType.getTypeName(), ex));
				return false;
			}
			this.next++;
			if (element != null) {
				this.publisher.emit(element);
			}
		}
		return true;
	}

	@Override
	public RequestReplyException timeoutFailure(PendingRequest<?> request) {
		boolean idleTimeout = request.deadlineNanos < this.overallDeadlineNanos;
		Duration waited = Duration.ofNanos(idleTimeout ? this.idleNanos : request.deadlineNanos - request.startNanos);
		return new RequestTimeoutException(request.topic, request.id, waited);
	}

}
