package dev.requestreply.handler;

import dev.requestreply.ReplyContext;
import dev.requestreply.wire.RequestHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key of a request sent without one: {@code ReplyContext.key()} returns null, and says so in
 * its declared type, so that Kotlin reads it as {@code ByteArray?} and NullAway checks callers.
 */
class HandlerCallContextKeyTests {

	@Test
	void whenARequestHasNoKeyThenItsContextKeyIsNullAndDeclaredNullable() throws Exception {
		ConsumerRecord<byte[], byte[]> keyless = new ConsumerRecord<>("quotes", 0, 0L, null, new byte[0]);
		HandlerCallContext context = new HandlerCallContext(keyless,
				new RequestHeaders(new byte[16], "quotes-replies", null, RequestHeaders.NO_DEADLINE, null, false));
		assertThat(context.key()).isNull();
		assertThat(ReplyContext.class.getMethod("key").getAnnotatedReturnType().isAnnotationPresent(Nullable.class))
			.as("ReplyContext.key() declared @Nullable").isTrue();
		assertThat(HandlerCallContext.class.getMethod("key").getAnnotatedReturnType().isAnnotationPresent(Nullable.class))
			.as("HandlerCallContext.key() declared @Nullable").isTrue();
	}

}
