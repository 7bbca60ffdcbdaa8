package dev.requestreply.requester;

import java.nio.ByteBuffer;
import java.util.Map;

import dev.requestreply.CorrelationId;
import dev.requestreply.RemoteHandlerException;
import dev.requestreply.ReplyErrorDetector;
import dev.requestreply.RequestReplyException;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.wire.ErrorHeaders;
import dev.requestreply.wire.RequestReplyHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * Matches reply records to pending requests. Only the correlation id of a reply is read until it
 * is known to answer one of this instance's pending requests; another instance's reply (told by
 * the first half of the id) is skipped without its payload being copied or parsed. Every reply that completes nothing is counted by
 * its reason ({@link SkippedReply}).
 *
 * @since 0.2.0
 */
final class ReplyDispatcher {

	private static final LogAccessor logger = new LogAccessor(ReplyDispatcher.class);

	private final PendingRequests registry;

	private final PayloadConverter converter;

	private final @Nullable ReplyErrorDetector detector;

	private final TopicWires wires;

	private volatile boolean warnedInvalid;

	/**
	 * Create a dispatcher.
	 * @param registry the pending requests, which tell this instance's ids from others'
	 * @param converter the converter of reply payloads
	 * @param detector what tells error replies of the responders' own conventions, or
	 * {@code null}
	 */
	ReplyDispatcher(PendingRequests registry, PayloadConverter converter, @Nullable ReplyErrorDetector detector) {
		this(registry, converter, detector, new TopicWires(Map.of()));
	}

	/**
	 * Create a dispatcher that reads correlation ids under every name the topics use.
	 * @param registry the pending requests, which tell this instance's ids from others'
	 * @param converter the converter of reply payloads
	 * @param detector what tells error replies of the responders' own conventions, or
	 * {@code null}
	 * @param wires the header names of each topic
	 */
	ReplyDispatcher(PendingRequests registry, PayloadConverter converter, @Nullable ReplyErrorDetector detector,
			TopicWires wires) {
		this.wires = wires;
		this.registry = registry;
		this.converter = converter;
		this.detector = detector;
	}

	/**
	 * Complete the request a reply answers, or count the reply as skipped.
	 * @param record the reply record
	 */
	public void dispatch(ConsumerRecord<?, ByteBuffer> record) {
		Headers headers = record.headers();
		byte[] correlation = this.wires.correlationId(headers);
		if (correlation == null) {
			this.registry.figures().skipped(SkippedReply.INVALID);
			if (!this.warnedInvalid) {
				this.warnedInvalid = true;
				logger.warn(() -> "Skipping reply without " + RequestReplyHeaders.CORRELATION_ID
						+ " header (nor another correlation id header in use) at "
						+ record.topic() + "-" + record.partition() + "@" + record.offset()
						+ " (logged once; counted as invalid replies)");
			}
			return;
		}
		CorrelationId id = CorrelationId.fromBytes(correlation);
		if (id == null || !this.registry.isOwnId(id)) {
			// Another instance's request (the first half of the id names the requester).
			this.registry.figures().skipped(SkippedReply.FOREIGN);
			return;
		}
		PendingRequest<?> request = this.registry.get(id);
		if (request == null) {
			this.registry.figures().skipped(this.registry.endedRecently(id) ? SkippedReply.LATE : SkippedReply.DUPLICATE);
			return;
		}
		ReplyErrorDetector detector = this.detector;
		if (detector != null && (request.collector == null || request.collector instanceof RecordReplyCollector)
				&& ErrorHeaders.remoteFailure(request.topic, headers) == null) {
			// The detector is the caller's code: asked on a completion thread, never on this reader.
			this.registry.complete(() -> detected(detector, request, record));
			return;
		}
		take(request, record);
	}

	private void take(PendingRequest<?> request, ConsumerRecord<?, ByteBuffer> record) {
		if (request.collector != null) {
			request.collector.onReply(request, record);
			return;
		}
		RemoteHandlerException failure = ErrorHeaders.remoteFailure(request.topic, record.headers());
		// One that timed out or was cancelled while this reply was read counts it as late.
		if (failure != null) {
			this.registry.ends().fail(request, failure);
		}
		else {
			complete(request, record.value());
		}
	}

	private void detected(ReplyErrorDetector detector, PendingRequest<?> request,
			ConsumerRecord<?, ByteBuffer> record) {
		Exception detected;
		try {
			detected = detector.detect(readOnly(record));
		}
		catch (RuntimeException ex) {
			detected = ex;
		}
		if (detected == null) {
			take(request, record);
		}
		else {
			this.registry.ends().fail(request, (detected instanceof RequestReplyException failure) ? failure
					: new RemoteHandlerException(request.topic, detected.getClass().getName(), detected.getMessage(),
							null));
		}
	}

	// The detector reads the value without moving the position the conversion reads from.
	private static ConsumerRecord<?, ?> readOnly(ConsumerRecord<?, ByteBuffer> record) {
		ByteBuffer value = record.value();
		return new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
				record.timestampType(), record.serializedKeySize(), record.serializedValueSize(), record.key(),
				(value != null) ? value.asReadOnlyBuffer() : null, record.headers(), record.leaderEpoch());
	}

	@SuppressWarnings("unchecked")
	private <T> boolean complete(PendingRequest<T> request, ByteBuffer value) {
		T reply;
		try {
			reply = (T) this.converter.fromBytes((value != null) ? Utils.toArray(value) : null, request.replyType);
		}
		catch (RuntimeException ex) {
			return this.registry.ends().fail(request, new RequestReplyException("Reply to request " + request.id
					+ " sent to topic '" + request.topic + "' cannot be converted to "
					+ ((request.replyType != null) ? request.replyType.getTypeName() : "its type"),
					ex));
		}
		return this.registry.succeed(request, reply);
	}

}
