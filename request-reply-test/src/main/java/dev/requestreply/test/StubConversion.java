package dev.requestreply.test;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import dev.requestreply.GatheredReply;
import dev.requestreply.RemoteHandlerException;
import dev.requestreply.Reply;
import dev.requestreply.RequestReplyException;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.wire.RequestReplyHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link StubRequestReplyOperations} turns a {@link StubReply} into what the caller gets:
 * through the wire conversion, as a real reply would be, or as the remote failure it stands for.
 */
final class StubConversion {

	private final PayloadConverter converter;

	StubConversion(PayloadConverter converter) {
		this.converter = converter;
	}

	void checkWritable(ProducerRecord<?, ?> record) {
		try {
			// As the real template does before sending: a payload that cannot be written fails the request.
			this.converter.toBytes(record.key());
			this.converter.toBytes(record.value());
		}
		catch (RuntimeException ex) {
			throw new RequestReplyException("Request to topic '" + record.topic() + "' cannot be converted", ex);
		}
	}

	@Nullable Object value(String topic, StubReply reply, Type type) {
		failIfError(topic, reply);
		return convert(topic, reply.value(), type);
	}

	<T> Reply<T> exchange(RecordedRequest request, StubReply reply, Type type, long offset) {
		@SuppressWarnings("unchecked")
		T value = (T) value(request.topic(), reply, type);
		RecordHeaders headers = new RecordHeaders();
		headers.add(RequestReplyHeaders.CORRELATION_ID, request.correlationId().toBytes());
		headers.add(RequestReplyHeaders.RESPONDER, reply.responder(request.topic()).getBytes(StandardCharsets.UTF_8));
		reply.headers().forEach((name, text) -> headers.add(name, text.getBytes(StandardCharsets.UTF_8)));
		// A @ReplyHandler sends the request's key back with its reply.
		byte[] key = (request.key() != null) ? this.converter.toBytes(request.key()) : null;
		return new Reply<>(value, headers, key, StubRequestReplyOperations.REPLY_TOPIC, 0, offset);
	}

	List<Object> elements(String topic, StubReply reply, Type elementType) {
		failIfError(topic, reply);
		Object value = reply.value();
		List<?> raw = (value instanceof Iterable<?> iterable) ? toList(iterable)
				: (value instanceof Object[] array) ? List.of(array)
						: (value instanceof Stream<?> stream) ? stream.toList()
								: (value != null) ? List.of(value) : List.of();
		List<Object> elements = new ArrayList<>(raw.size());
		for (Object element : raw) {
			elements.add(convert(topic, element, elementType));
		}
		return elements;
	}

	@SuppressWarnings("unchecked")
	<T> GatheredReply<T> gathered(String topic, StubReply reply, Type replyType) {
		String responder = reply.responder(topic);
		if (reply.kind() == StubReply.Kind.ERROR) {
			return new GatheredReply<>(responder, null, remoteFailure(topic, reply));
		}
		try {
			return new GatheredReply<>(responder, (T) convert(topic, reply.value(), replyType), null);
		}
		catch (RequestReplyException ex) {
			return new GatheredReply<>(responder, null, ex);
		}
	}

	private @Nullable Object convert(String topic, @Nullable Object value, Type type) {
		try {
			return this.converter.fromBytes(this.converter.toBytes(value), type);
		}
		catch (RuntimeException ex) {
			throw new RequestReplyException("Reply from topic '" + topic + "' cannot be converted to "
					+ type.getTypeName(), ex);
		}
	}

	private static void failIfError(String topic, StubReply reply) {
		if (reply.kind() == StubReply.Kind.ERROR) {
			throw remoteFailure(topic, reply);
		}
	}

	private static RemoteHandlerException remoteFailure(String topic, StubReply reply) {
		// An error reply always names its error type.
		return new RemoteHandlerException(topic, Objects.requireNonNull(reply.errorType()), reply.errorMessage(),
				reply.errorCode());
	}

	private static List<?> toList(Iterable<?> iterable) {
		List<Object> list = new ArrayList<>();
		iterable.forEach(list::add);
		return list;
	}

}
