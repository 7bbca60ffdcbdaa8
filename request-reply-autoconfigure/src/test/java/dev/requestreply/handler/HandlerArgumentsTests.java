package dev.requestreply.handler;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.requestreply.ReplyContext;
import dev.requestreply.wire.RequestHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.handler.annotation.Header;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * How the parameters of a handler method are read and filled, and the error code of a failure.
 */
class HandlerArgumentsTests {

	@Test
	void whenHeadersContextAndPayloadInAnyOrderThenEachIsFilled() {
		HandlerArguments arguments = HandlerArguments.of(method("mixed"));
		assertThat(arguments.payloadType().getTypeName()).isEqualTo("java.util.List<java.lang.String>");
		HandlerCallContext context = context("tenant", "acme", "count", "42", "raw", "\u0001");
		Object[] values = arguments.resolve(List.of("p"), context);
		assertThat(values[0]).isEqualTo("acme");
		assertThat(values[1]).isSameAs(context);
		assertThat(values[2]).isEqualTo(List.of("p"));
		assertThat(values[3]).isEqualTo(42);
		assertThat(values[4]).isEqualTo(new byte[] { 1 });
		assertThat(values[5]).isEqualTo("fallback");
	}

	@Test
	void whenRequiredHeaderMissingThenInvalidHeaderNamingIt() {
		HandlerArguments arguments = HandlerArguments.of(method("mixed"));
		assertThatExceptionOfType(InvalidHeaderException.class)
			.isThrownBy(() -> arguments.resolve(List.of(), context("count", "1")))
			.withMessageContaining("'tenant'");
	}

	@Test
	void whenHeaderDoesNotConvertThenInvalidHeaderNamingIt() {
		HandlerArguments arguments = HandlerArguments.of(method("mixed"));
		assertThatExceptionOfType(InvalidHeaderException.class)
			.isThrownBy(() -> arguments.resolve(List.of(), context("tenant", "a", "count", "many")))
			.withMessageContaining("'count'");
	}

	@Test
	void whenTwoPayloadsOrNoneThenMethodIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> HandlerArguments.of(method("twoPayloads")))
			.withMessageContaining("exactly one payload parameter");
		assertThatIllegalArgumentException().isThrownBy(() -> HandlerArguments.of(method("noPayload")))
			.withMessageContaining("declares none");
	}

	@Test
	void whenHeaderTypeCannotBeConvertedToThenMethodIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> HandlerArguments.of(method("unconvertible")))
			.withMessageContaining("@Header(\"odd\")");
	}

	@Test
	void whenCancelledThenActionsRunOnceAndLaterOnesAtOnce() {
		HandlerCallContext context = context();
		int[] runs = new int[2];
		context.onCancel(() -> runs[0]++);
		context.onCancel(() -> {
			throw new IllegalStateException("an action that fails does not stop the others");
		});
		assertThat(context.isCancelled()).isFalse();
		assertThat(context.cancel()).isTrue();
		assertThat(context.cancel()).isFalse();
		context.onCancel(() -> runs[1]++);
		assertThat(context.isCancelled()).isTrue();
		assertThat(runs).containsExactly(1, 1);
	}

	private static HandlerCallContext context(String... headers) {
		ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("t", 0, 0, null, null);
		for (int i = 0; i < headers.length; i += 2) {
			record.headers().add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
		}
		return new HandlerCallContext(record,
				new RequestHeaders(new byte[] { 1 }, "replies", null, RequestHeaders.NO_DEADLINE, null, false));
	}

	private static Method method(String name) {
		for (Method method : ReflectionUtils.getDeclaredMethods(Handlers.class)) {
			if (method.getName().equals(name)) {
				return method;
			}
		}
		throw new IllegalArgumentException(name);
	}

	static class Handlers {

		String mixed(@Header("tenant") String tenant, ReplyContext context, List<String> payload,
				@Header(name = "count", required = false) Integer count, @Header(name = "raw", required = false) byte[] raw,
				@Header(name = "missing", defaultValue = "fallback") String missing) {
			return "";
		}

		String twoPayloads(String one, String two) {
			return "";
		}

		String noPayload(ReplyContext context) {
			return "";
		}

		String unconvertible(String payload, @Header("odd") Runnable odd) {
			return "";
		}

	}

}
