package dev.requestreply.requester;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.requestreply.CorrelationId;
import dev.requestreply.RemoteHandlerException;
import dev.requestreply.ReplyErrorCodes;
import dev.requestreply.RequestReplyException;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.wire.RequestHeaders;
import dev.requestreply.wire.RequestReplyHeaders;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The matching of replies to pending requests, with reply records built by hand (no broker).
 */
class ReplyDispatcherTests {

	private final PendingRequests registry = new PendingRequests(Duration.ofMillis(5), 1_000, Duration.ofMinutes(1));

	private final ReplyDispatcher dispatcher = new ReplyDispatcher(this.registry,
			new PayloadConverter(JsonMapper.builder().build()), null);

	private final List<String> detectorThreads = new CopyOnWriteArrayList<>();

	// A responder of its own convention: the error in a header "serverSentAnError", as in Spring Kafka's tests.
	private final ReplyDispatcher detecting = new ReplyDispatcher(this.registry,
			new PayloadConverter(JsonMapper.builder().build()), (reply) -> {
				this.detectorThreads.add(Thread.currentThread().getName());
				Header error = reply.headers().lastHeader("serverSentAnError");
				if (error == null) {
					// Reads the value, as a detector may: the conversion still sees all of it.
					((ByteBuffer) reply.value()).get(new byte[((ByteBuffer) reply.value()).remaining()]);
					return null;
				}
				String text = new String(error.value(), StandardCharsets.UTF_8);
				return text.equals("remote") ? new RemoteHandlerException("orders", "Remote", "remote error", "NOT_FOUND")
						: new IllegalStateException(text);
			});

	private long offset;

	@AfterEach
	void close() {
		this.registry.close();
	}

	@Test
	void whenOwnReplyArrivesThenRequestSucceedsWithConvertedValue() throws Exception {
		PendingRequest<Quote> request = this.registry.register("quotes", Quote.class, Duration.ofSeconds(30));
		this.dispatcher.dispatch(reply(request.id.toBytes(), null, "{\"symbol\":\"ACME\",\"price\":4.5}", null));
		assertThat(request.get(1, TimeUnit.SECONDS)).isEqualTo(new Quote("ACME", 4.5));
		assertThat(this.registry.completedCount()).isOne();
		assertThat(this.registry.pendingCount()).isZero();
		for (SkippedReply reason : SkippedReply.values()) {
			assertThat(this.registry.figures().skippedCount(reason)).as(reason.name()).isZero();
		}
	}

	@Test
	void whenReplyWithoutInstanceAnswersOwnRequestThenRequestSucceeds() throws Exception {
		PendingRequest<String> request = this.registry.register("echo", String.class, Duration.ofSeconds(30));
		this.dispatcher.dispatch(reply(request.id.toBytes(), null, "hi", null));
		assertThat(request.get(1, TimeUnit.SECONDS)).isEqualTo("hi");
	}

	@Test
	void whenReplyIdNamesAnotherInstanceThenCountedForeignAndNothingEnds() {
		PendingRequest<String> request = this.registry.register("echo", String.class, Duration.ofSeconds(30));
		// The second half of a pending request of ours, under another instance's first half.
		CorrelationId other = new CorrelationId(request.id.mostSignificantBits() ^ 0x10000L,
				request.id.leastSignificantBits());
		this.dispatcher.dispatch(reply(other.toBytes(), null, "hi", null));
		assertThat(request).isNotDone();
		assertThat(this.registry.figures().skippedCount(SkippedReply.FOREIGN)).isOne();
		assertThat(this.registry.pendingCount()).isOne();
	}

	@Test
	void whenReplyIdIsNoIdOfThisInstanceThenCountedForeign() {
		this.dispatcher.dispatch(reply(CorrelationId.random().toBytes(), null, "hi", null));
		this.dispatcher.dispatch(reply("not sixteen bytes".getBytes(StandardCharsets.UTF_8), null, "hi", null));
		assertThat(this.registry.figures().skippedCount(SkippedReply.FOREIGN)).isEqualTo(2);
		assertThat(this.registry.figures().skippedCount(SkippedReply.DUPLICATE)).isZero();
		assertThat(this.registry.figures().skippedCount(SkippedReply.LATE)).isZero();
	}

	@Test
	void whenReplyIdIsThisInstancesButNoPendingRequestsThenCountedDuplicate() {
		PendingRequest<String> request = this.registry.register("echo", String.class, Duration.ofSeconds(30));
		CorrelationId unknown = new CorrelationId(request.id.mostSignificantBits(),
				request.id.leastSignificantBits() ^ 1);
		this.dispatcher.dispatch(reply(unknown.toBytes(), null, "hi", null));
		assertThat(this.registry.figures().skippedCount(SkippedReply.DUPLICATE)).isOne();
		assertThat(this.registry.figures().skippedCount(SkippedReply.FOREIGN)).isZero();
		assertThat(request).isNotDone();
	}

	@Test
	void whenReplyEchoesALegacyInstanceHeaderThenTheIdAloneDecides() throws Exception {
		// 0.1 requesters sent rr_instance, and responders echo it: it no longer matters.
		PendingRequest<String> request = this.registry.register("echo", String.class, Duration.ofSeconds(30));
		this.dispatcher.dispatch(reply(request.id.toBytes(), "another-instance".getBytes(StandardCharsets.UTF_8),
				"hi", null));
		assertThat(request.get(1, TimeUnit.SECONDS)).isEqualTo("hi");
	}

	@Test
	void whenReplyComesForACancelledRequestThenCountedLate() {
		PendingRequest<String> request = this.registry.register("echo", String.class, Duration.ofSeconds(30));
		assertThat(this.registry.cancel(request.id)).isTrue();
		this.dispatcher.dispatch(reply(request.id.toBytes(), null, "hi", null));
		assertThat(this.registry.figures().skippedCount(SkippedReply.LATE)).isOne();
		assertThat(this.registry.completedCount()).isZero();
	}

	@Test
	void whenSameReplyArrivesTwiceThenSecondIsCountedDuplicate() throws Exception {
		PendingRequest<String> request = this.registry.register("echo", String.class, Duration.ofSeconds(30));
		this.dispatcher.dispatch(reply(request.id.toBytes(), null, "first", null));
		this.dispatcher.dispatch(reply(request.id.toBytes(), null, "second", null));
		assertThat(request.get(1, TimeUnit.SECONDS)).isEqualTo("first");
		assertThat(this.registry.completedCount()).isOne();
		assertThat(this.registry.figures().skippedCount(SkippedReply.DUPLICATE)).isOne();
	}

	@Test
	void whenReplyHasNoCorrelationIdThenCountedInvalid() {
		PendingRequest<String> request = this.registry.register("echo", String.class, Duration.ofSeconds(30));
		ConsumerRecord<byte[], ByteBuffer> reply = reply(request.id.toBytes(), null, "hi", null);
		reply.headers().remove(RequestReplyHeaders.CORRELATION_ID);
		this.dispatcher.dispatch(reply);
		this.dispatcher.dispatch(reply);
		assertThat(this.registry.invalidReplyCount()).isEqualTo(2);
		assertThat(request).isNotDone();
	}

	@Test
	void whenErrorReplyArrivesThenRequestFailsWithTheRemoteError() {
		PendingRequest<String> request = this.registry.register("orders", String.class, Duration.ofSeconds(30));
		this.dispatcher.dispatch(reply(request.id.toBytes(), null, null, new IllegalStateException("no stock")));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> request.get(1, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RemoteHandlerException.class)
			.satisfies((ex) -> {
				RemoteHandlerException remote = (RemoteHandlerException) ex.getCause();
				assertThat(remote.getErrorType()).isEqualTo(IllegalStateException.class.getName());
				assertThat(remote.getMessage()).contains("no stock").contains("orders");
			});
		assertThat(this.registry.errorCount()).isOne();
	}

	@Test
	void whenDetectorFindsAnErrorOfTheRespondersOwnThenRequestFailsWithRemoteHandlerExceptionCountedAsError() {
		PendingRequest<String> request = this.registry.register("orders", String.class, Duration.ofSeconds(30));
		ConsumerRecord<byte[], ByteBuffer> reply = reply(request.id.toBytes(), null, "FOO", null);
		reply.headers().add("serverSentAnError", "user error".getBytes(StandardCharsets.UTF_8));
		this.detecting.dispatch(reply);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> request.get(1, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RemoteHandlerException.class)
			.satisfies((ex) -> {
				RemoteHandlerException remote = (RemoteHandlerException) ex.getCause();
				assertThat(remote.getErrorType()).isEqualTo(IllegalStateException.class.getName());
				assertThat(remote.getRemoteMessage()).isEqualTo("user error");
				assertThat(remote.getErrorCode()).isEqualTo(ReplyErrorCodes.UNKNOWN);
			});
		assertThat(this.registry.errorCount()).isOne();
		assertThat(this.registry.completedCount()).isZero();
		// The caller's code, never on the reply reader's thread.
		assertThat(this.detectorThreads).singleElement().isNotEqualTo(Thread.currentThread().getName());
	}

	@Test
	void whenDetectorReturnsRequestReplyExceptionThenRequestFailsWithIt() {
		PendingRequest<String> request = this.registry.register("orders", String.class, Duration.ofSeconds(30));
		ConsumerRecord<byte[], ByteBuffer> reply = reply(request.id.toBytes(), null, "FOO", null);
		reply.headers().add("serverSentAnError", "remote".getBytes(StandardCharsets.UTF_8));
		this.detecting.dispatch(reply);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> request.get(1, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RemoteHandlerException.class)
			.satisfies((ex) -> assertThat(((RemoteHandlerException) ex.getCause()).getErrorCode())
				.isEqualTo("NOT_FOUND"));
	}

	@Test
	void whenDetectorFindsNoErrorThenRequestSucceedsWithTheWholeValue() throws Exception {
		PendingRequest<String> request = this.registry.register("orders", String.class, Duration.ofSeconds(30));
		this.detecting.dispatch(reply(request.id.toBytes(), null, "FOO", null));
		assertThat(request.get(1, TimeUnit.SECONDS)).isEqualTo("FOO");
		assertThat(this.registry.completedCount()).isOne();
	}

	@Test
	void whenReplyDoesNotConvertThenRequestFailsNamingTheType() {
		PendingRequest<Quote> request = this.registry.register("quotes", Quote.class, Duration.ofSeconds(30));
		this.dispatcher.dispatch(reply(request.id.toBytes(), null, "not json", null));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> request.get(1, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RequestReplyException.class)
			.withMessageContaining("cannot be converted to " + Quote.class.getName())
			.withMessageContaining("quotes");
		assertThat(this.registry.pendingCount()).isZero();
	}

	/**
	 * A reply as a responder writes it, its value a view of a larger buffer as the reply consumer
	 * hands it over.
	 */
	private ConsumerRecord<byte[], ByteBuffer> reply(byte[] correlationId, byte[] instance, String value,
			Throwable failure) {
		ByteBuffer buffer = null;
		if (value != null) {
			byte[] bytes = ("xx" + value).getBytes(StandardCharsets.UTF_8);
			buffer = ByteBuffer.wrap(bytes, 2, bytes.length - 2).slice();
		}
		ConsumerRecord<byte[], ByteBuffer> record = new ConsumerRecord<>("app-replies", 0, this.offset++, null,
				buffer);
		RequestHeaders request = new RequestHeaders(correlationId, "app-replies", null, RequestHeaders.NO_DEADLINE,
				instance, false);
		for (Header header : WireFormat.standard().replyHeaders(request, "responder".getBytes(StandardCharsets.UTF_8),
				failure, null, null)) {
			record.headers().add(header);
		}
		return record;
	}

	record Quote(String symbol, double price) {
	}

}
