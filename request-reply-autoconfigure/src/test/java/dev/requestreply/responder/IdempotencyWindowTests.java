package dev.requestreply.responder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.requestreply.wire.RequestHeaders;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyWindowTests {

	private final AtomicLong now = new AtomicLong();

	private final IdempotencyWindow window = new IdempotencyWindow(2, Duration.ofSeconds(10), this.now::get);

	@Test
	void whenARequestWasAnsweredThenItsReplyIsFoundWithItsHeaders() {
		this.window.remember(address("replies", "a"), bytes("reply-a"), new Header[] { header() });
		IdempotencyWindow.Remembered remembered = this.window.find(address("replies", "a"));
		assertThat(remembered).isNotNull();
		assertThat(remembered.value()).isEqualTo(bytes("reply-a"));
		assertThat(remembered.copyHeaders().lastHeader("h").value()).isEqualTo(bytes("v"));
	}

	@Test
	void whenTheSameCorrelationIdNamesAnotherReplyTopicThenNothingIsFound() {
		this.window.remember(address("replies", "a"), bytes("reply-a"), new Header[0]);
		assertThat(this.window.find(address("other-replies", "a"))).isNull();
	}

	@Test
	void whenMoreRepliesThanTheLimitAreRememberedThenTheOldestIsForgotten() {
		this.window.remember(address("replies", "a"), bytes("1"), new Header[0]);
		this.window.remember(address("replies", "b"), bytes("2"), new Header[0]);
		this.window.remember(address("replies", "c"), bytes("3"), new Header[0]);
		assertThat(this.window.size()).isEqualTo(2);
		assertThat(this.window.find(address("replies", "a"))).isNull();
		assertThat(this.window.find(address("replies", "c"))).isNotNull();
	}

	@Test
	void whenAReplyIsForgottenThenItIsNotFound() {
		this.window.remember(address("replies", "a"), bytes("1"), new Header[0]);
		this.window.forget(address("replies", "a"));
		assertThat(this.window.find(address("replies", "a"))).isNull();
	}

	@Test
	void whenTheWindowHasPassedThenTheReplyIsForgotten() {
		this.window.remember(address("replies", "a"), bytes("1"), new Header[0]);
		this.now.addAndGet(Duration.ofSeconds(9).toNanos());
		assertThat(this.window.find(address("replies", "a"))).isNotNull();
		this.now.addAndGet(Duration.ofSeconds(1).toNanos());
		assertThat(this.window.find(address("replies", "a"))).isNull();
		assertThat(this.window.size()).isZero();
	}

	private static ReplyAddress address(String replyTopic, String correlationId) {
		return new ReplyAddress(new RequestHeaders(bytes(correlationId), replyTopic, null, RequestHeaders.NO_DEADLINE,
				null, false), null, "requests", 0, null);
	}

	private static Header header() {
		return new RecordHeader("h", bytes("v"));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
