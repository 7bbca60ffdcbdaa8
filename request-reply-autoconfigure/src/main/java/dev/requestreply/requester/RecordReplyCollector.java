package dev.requestreply.requester;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.time.Duration;

import dev.requestreply.RemoteHandlerException;
import dev.requestreply.Reply;
import dev.requestreply.RequestReplyException;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.wire.ErrorHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;

/**
 * Completes a request with its one reply and the reply record's metadata, as a {@link Reply}.
 */
final class RecordReplyCollector implements ReplyCollector {

	private final PendingRequests registry;

	private final PayloadConverter converter;

	private final Type valueType;

	RecordReplyCollector(PendingRequests registry, PayloadConverter converter, Type valueType) {
		this.registry = registry;
		this.converter = converter;
		this.valueType = valueType;
	}

	@Override
	@SuppressWarnings("unchecked")
	public void onReply(PendingRequest<?> request, ConsumerRecord<?, ByteBuffer> record) {
		RemoteHandlerException failure = ErrorHeaders.remoteFailure(request.topic, record.headers());
		if (failure != null) {
			this.registry.ends().fail(request, failure);
			return;
		}
		Object value;
		try {
			ByteBuffer bytes = record.value();
			value = this.converter.fromBytes((bytes != null) ? Utils.toArray(bytes) : null, this.valueType);
		}
		catch (RuntimeException ex) {
			this.registry.ends().fail(request, new RequestReplyException("Reply to request " + request.id
					+ " sent to topic '" + request.topic + "' cannot be converted to " + this.valueType.getTypeName(),
					ex));
			return;
		}
		Reply<Object> reply = new Reply<>(value, record.headers(), key(record.key()), record.topic(),
				record.partition(), record.offset());
		// A reply to a request that timed out or was cancelled while it was read counts as late.
		this.registry.succeed((PendingRequest<Reply<Object>>) request, reply);
	}

	private static byte @Nullable [] key(Object key) {
		if (key instanceof ByteBuffer buffer) {
			return Utils.toArray(buffer);
		}
		return (key instanceof byte[] bytes) ? bytes : null;
	}

	@Override
	public RequestReplyException timeoutFailure(PendingRequest<?> request) {
		return this.registry.ends().timedOut(request, Duration.ofNanos(request.deadlineNanos - request.startNanos));
	}

}
