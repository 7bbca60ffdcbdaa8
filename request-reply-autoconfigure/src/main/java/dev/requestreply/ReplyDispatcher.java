package dev.requestreply;

import java.nio.ByteBuffer;
import java.util.Arrays;

import dev.requestreply.convert.PayloadConverter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;

import org.springframework.core.log.LogAccessor;

/**
 * Matches reply records to pending requests. Only the headers of a reply are read until it is
 * known to answer one of this instance's pending requests; another instance's reply is skipped
 * without its payload being copied or parsed.
 */
final class ReplyDispatcher {

	private static final LogAccessor logger = new LogAccessor(ReplyDispatcher.class);

	private final CorrelationRegistry registry;

	private final PayloadConverter converter;

	private final byte[] instance;

	private volatile boolean warnedInvalid;

	ReplyDispatcher(CorrelationRegistry registry, PayloadConverter converter, byte[] instance) {
		this.registry = registry;
		this.converter = converter;
		this.instance = instance;
	}

	void dispatch(ConsumerRecord<?, ByteBuffer> record) {
		Headers headers = record.headers();
		Header correlation = headers.lastHeader(RequestReplyHeaders.CORRELATION_ID);
		if (correlation == null) {
			this.registry.invalidReply();
			if (!this.warnedInvalid) {
				this.warnedInvalid = true;
				logger.warn(() -> "Skipping reply without " + RequestReplyHeaders.CORRELATION_ID + " header at "
						+ record.topic() + "-" + record.partition() + "@" + record.offset()
						+ " (logged once; counted as invalid replies)");
			}
			return;
		}
		Header instanceHeader = headers.lastHeader(RequestReplyHeaders.INSTANCE);
		if (instanceHeader != null && !Arrays.equals(instanceHeader.value(), this.instance)) {
			this.registry.foreignReply();
			return;
		}
		CorrelationId id = CorrelationId.fromBytes(correlation.value());
		PendingRequest<?> request = (id != null) ? this.registry.get(id) : null;
		if (request != null && request.collector != null) {
			request.collector.onReply(request, record);
			return;
		}
		request = (request != null) ? this.registry.take(id) : null;
		if (request == null) {
			if (id != null && this.registry.endedRecently(id)) {
				this.registry.lateReply();
			}
			else if (instanceHeader != null) {
				this.registry.duplicateReply();
			}
			else {
				this.registry.foreignReply();
			}
			return;
		}
		RemoteHandlerException failure = ReplyHeaders.remoteFailure(request.topic, headers);
		if (failure != null) {
			this.registry.fail(request, failure);
			return;
		}
		complete(request, record.value());
	}

	private <T> void complete(PendingRequest<T> request, ByteBuffer value) {
		T reply;
		try {
			reply = this.converter.fromBytes((value != null) ? Utils.toArray(value) : null, request.replyType);
		}
		catch (RuntimeException ex) {
			this.registry.fail(request, new RequestReplyException("Reply to request " + request.id + " sent to topic '"
					+ request.topic + "' cannot be converted to " + request.replyType.getName(), ex));
			return;
		}
		this.registry.succeed(request, reply);
	}

}
