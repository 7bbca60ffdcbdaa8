package dev.requestreply.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import dev.requestreply.CorrelationId;
import dev.requestreply.RemoteHandlerException;
import dev.requestreply.ReplyErrorCodes;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The wire format without a broker: what a requester writes, a responder reads back; what a
 * responder writes, a requester reads back; and every malformed form of every header.
 */
class WireFormatTests {

	private static final byte[] ID = CorrelationId.random().toBytes();

	private static final byte[] INSTANCE = "instance-1".getBytes(StandardCharsets.UTF_8);

	private static final RequestHeaders REQUEST = new RequestHeaders(ID, "app-replies", 3, 1_700_000_000_123L,
			INSTANCE, true);

	private static final WireFormat WIRE = WireFormat.standard();

	@Test
	void whenNamesAreOtherThenRequestsRepliesAndCancelsUseThemAndNotSpringKafkas() {
		WireFormat custom = new WireFormat(new HeaderNames("customCorrelation", "customReplyTopic", "customPartition"));
		RecordHeaders request = custom.requestHeaders(new RecordHeaders(), REQUEST);
		assertThat(request.lastHeader("customCorrelation").value()).isEqualTo(ID);
		assertThat(request.lastHeader("customPartition").value()).isEqualTo(new byte[] { 0, 0, 0, 3 });
		assertThat(request.lastHeader("kafka_correlationId")).isNull();
		assertThat(request.lastHeader("kafka_replyTopic")).isNull();
		assertThat(custom.readRequest(request, 256).replyTopic()).isEqualTo("app-replies");
		assertThatExceptionOfType(UnaddressableRequestException.class).isThrownBy(() -> WIRE.readRequest(request, 256))
			.withMessageContaining("kafka_replyTopic");
		assertThat(custom.correlationId(custom.replyHeaders(REQUEST, null, null, null, null))).isEqualTo(ID);
		assertThat(custom.cancelledRequest(custom.cancelHeaders(ID))).isEqualTo(ID);
		assertThat(WIRE.cancelledRequest(custom.cancelHeaders(ID))).isNull();
	}

	@Test
	void whenHandlerAddsHeadersUnderTheCustomNamesThenTheReplyCarriesEachAddressingHeaderOnce() {
		WireFormat custom = new WireFormat(new HeaderNames("customCorrelation", "customReplyTopic", "customPartition"));
		RecordHeaders reply = custom.replyHeaders(REQUEST, null, null, null, null);
		RecordHeaders added = new RecordHeaders();
		added.add("customCorrelation", "forged".getBytes(StandardCharsets.UTF_8));
		added.add("customReplyTopic", "elsewhere".getBytes(StandardCharsets.UTF_8));
		added.add("kafka_correlationId", "forged".getBytes(StandardCharsets.UTF_8));
		added.add("originalPayload", "expected_message".getBytes(StandardCharsets.UTF_8));
		custom.addReplyHeaders(reply, added);
		assertThat(reply.headers("customCorrelation")).singleElement().satisfies((header) -> assertThat(header.value()).isEqualTo(ID));
		assertThat(reply.headers("customReplyTopic")).isEmpty();
		assertThat(reply.headers("kafka_correlationId")).isEmpty();
		assertThat(reply.lastHeader("originalPayload")).isNotNull();
	}

	@Test
	void whenReplyTopicIsFixedThenRequestNeedsNoneAndItsPartitionIsIgnored() {
		RecordHeaders request = WIRE.requestHeaders(new RecordHeaders(), REQUEST);
		request.remove("kafka_replyTopic");
		RequestHeaders read = WIRE.readRequest(request, 256, "fixed-replies");
		assertThat(read.replyTopic()).isEqualTo("fixed-replies");
		assertThat(read.replyPartition()).isNull();
		assertThat(read.correlationId()).isEqualTo(ID);
		request.add("kafka_replyTopic", "app-replies".getBytes(StandardCharsets.UTF_8));
		assertThat(WIRE.readRequest(request, 256, "fixed-replies").replyTopic()).isEqualTo("fixed-replies");
		assertThat(WIRE.readRequest(request, 256).replyPartition()).isEqualTo(3);
	}

	@Test
	void whenHeaderNamesRepeatThenRefused() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new HeaderNames("same", "same", "kafka_replyPartition"))
			.withMessageContaining("must differ");
	}

	@Test
	void whenRequestWrittenThenResponderReadsItBack() {
		RequestHeaders read = WIRE.readRequest(WIRE.requestHeaders(new RecordHeaders(), REQUEST), 256);
		assertThat(read.correlationId()).isEqualTo(ID);
		assertThat(read.replyTopic()).isEqualTo("app-replies");
		assertThat(read.replyPartition()).isEqualTo(3);
		assertThat(read.deadlineMillis()).isEqualTo(1_700_000_000_123L);
		assertThat(read.instance()).isEqualTo(INSTANCE);
		assertThat(read.stream()).isTrue();
	}

	@Test
	void whenRequestsNameTheReplyTopicOfTheRequestBeforeThenTheyShareItsName() {
		WireFormat wire = new WireFormat(HeaderNames.DEFAULT);
		String first = wire.readRequest(WIRE.requestHeaders(new RecordHeaders(), REQUEST), 256).replyTopic();
		String second = wire.readRequest(WIRE.requestHeaders(new RecordHeaders(), REQUEST), 256).replyTopic();
		RequestHeaders other = new RequestHeaders(ID, "other-replies", null, RequestHeaders.NO_DEADLINE, null, false);
		assertThat(second).isSameAs(first).isEqualTo("app-replies");
		assertThat(wire.readRequest(WIRE.requestHeaders(new RecordHeaders(), other), 256).replyTopic())
			.isEqualTo("other-replies");
	}

	@Test
	void whenRequestWrittenThenHeadersAreTheDocumentedBytes() {
		Headers headers = WIRE.requestHeaders(new RecordHeaders(), REQUEST);
		assertThat(headers.lastHeader("kafka_correlationId").value()).hasSize(16).isEqualTo(ID);
		assertThat(headers.lastHeader("kafka_replyTopic").value()).isEqualTo("app-replies".getBytes(StandardCharsets.UTF_8));
		assertThat(headers.lastHeader("kafka_replyPartition").value()).isEqualTo(new byte[] { 0, 0, 0, 3 });
		assertThat(new String(headers.lastHeader("rr_deadline").value(), StandardCharsets.US_ASCII))
			.isEqualTo("1700000000123");
		assertThat(headers.lastHeader("rr_instance").value()).isEqualTo(INSTANCE);
		assertThat(headers.lastHeader("rr_stream")).isNotNull();
	}

	@Test
	void whenCallerHeadersCarryRequestReplyHeadersThenOursReplaceThemAndTheirsStay() {
		RecordHeaders caller = new RecordHeaders();
		caller.add("kafka_correlationId", new byte[] { 1 });
		caller.add("rr_deadline", "1".getBytes(StandardCharsets.US_ASCII));
		caller.add("kafka_replyPartition", new byte[] { 0, 0, 0, 7 });
		caller.add("tenant", "acme".getBytes(StandardCharsets.UTF_8));
		Headers headers = WIRE.requestHeaders(caller,
				new RequestHeaders(ID, "app-replies", null, RequestHeaders.NO_DEADLINE, INSTANCE, false));
		assertThat(headers.headers("kafka_correlationId")).hasSize(1);
		assertThat(headers.lastHeader("kafka_correlationId").value()).isEqualTo(ID);
		assertThat(headers.lastHeader("rr_deadline")).isNull();
		assertThat(headers.lastHeader("rr_stream")).isNull();
		// A reply partition the caller chose stays when the request names none.
		assertThat(headers.lastHeader("kafka_replyPartition").value()).isEqualTo(new byte[] { 0, 0, 0, 7 });
		assertThat(headers.lastHeader("tenant").value()).isEqualTo("acme".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void whenRequestHasOnlyTheSpringKafkaHeadersThenItIsReadWithoutDeadlineOrInstance() {
		RecordHeaders headers = new RecordHeaders();
		headers.add("kafka_correlationId", new byte[] { 9, 9 });
		headers.add("kafka_replyTopic", "spring-replies".getBytes(StandardCharsets.UTF_8));
		RequestHeaders read = WIRE.readRequest(headers, 256);
		assertThat(read.replyPartition()).isNull();
		assertThat(read.deadlineMillis()).isEqualTo(RequestHeaders.NO_DEADLINE);
		assertThat(read.expiredAt(Long.MAX_VALUE - 1)).isFalse();
		assertThat(read.instance()).isNull();
		assertThat(read.stream()).isFalse();
	}

	@Test
	void whenReplyTopicIsMissingOrEmptyThenRequestIsUnaddressable() {
		assertUnaddressable((headers) -> headers.remove("kafka_replyTopic"), "no kafka_replyTopic");
		assertUnaddressable((headers) -> replace(headers, "kafka_replyTopic", new byte[0]), "no kafka_replyTopic");
		assertUnaddressable((headers) -> replace(headers, "kafka_replyTopic", null), "no kafka_replyTopic");
	}

	@Test
	void whenCorrelationIdIsMissingEmptyOrTooLongThenRequestIsUnaddressable() {
		assertUnaddressable((headers) -> headers.remove("kafka_correlationId"), "no kafka_correlationId");
		assertUnaddressable((headers) -> replace(headers, "kafka_correlationId", new byte[0]), "no kafka_correlationId");
		assertUnaddressable((headers) -> replace(headers, "kafka_correlationId", null), "no kafka_correlationId");
		assertUnaddressable((headers) -> replace(headers, "kafka_correlationId", new byte[257]), "longer than 256");
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 3, 5, 8 })
	void whenReplyPartitionIsNotFourBytesThenRequestIsMalformedButAddressable(int length) {
		MalformedHeaderException ex = assertMalformed(
				(headers) -> replace(headers, "kafka_replyPartition", new byte[length]), "4-byte big-endian");
		assertThat(ex.getAddress().replyTopic()).isEqualTo("app-replies");
		assertThat(ex.getAddress().correlationId()).isEqualTo(ID);
		assertThat(ex.getAddress().replyPartition()).isNull();
	}

	@Test
	void whenReplyPartitionIsNegativeOrNullThenRequestIsMalformed() {
		assertMalformed((headers) -> replace(headers, "kafka_replyPartition", ByteBuffer.allocate(4).putInt(-1).array()),
				"must not be negative");
		assertMalformed((headers) -> replace(headers, "kafka_replyPartition", null), "4-byte big-endian");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " 1", "1 ", "-1", "+1", "1.5", "abc", "12345678901234567890", "99999999999999999999",
			"9223372036854775808", "１２" })
	void whenDeadlineIsNotEpochMillisInAsciiDigitsThenRequestIsMalformed(String deadline) {
		MalformedHeaderException ex = assertMalformed(
				(headers) -> replace(headers, "rr_deadline", deadline.getBytes(StandardCharsets.UTF_8)), "rr_deadline");
		assertThat(ex.getAddress().instance()).isEqualTo(INSTANCE);
	}

	@Test
	void whenDeadlineIsNullThenRequestIsMalformed() {
		assertMalformed((headers) -> replace(headers, "rr_deadline", null), "rr_deadline");
	}

	@Test
	void whenDeadlineIsTheLargestLongThenItIsRead() {
		RecordHeaders headers = requestHeaders();
		replace(headers, "rr_deadline", "9223372036854775807".getBytes(StandardCharsets.US_ASCII));
		assertThat(WIRE.readRequest(headers, 256).deadlineMillis()).isEqualTo(Long.MAX_VALUE);
	}

	@ParameterizedTest
	@ValueSource(longs = { 0, 7, 10, 99, 1_700_000_000_123L, Long.MAX_VALUE })
	void whenNumberWrittenThenItIsItsAsciiDigits(long number) {
		Headers headers = WIRE.replyHeaders(REQUEST, null, null, number, number);
		assertThat(headers.lastHeader("rr_seq").value())
			.isEqualTo(Long.toString(number).getBytes(StandardCharsets.US_ASCII));
		assertThat(WIRE.sequence(headers)).isEqualTo(number);
		assertThat(WIRE.end(headers)).isEqualTo(number);
	}

	@Test
	void whenReplyWrittenThenRequesterReadsItBack() {
		Headers headers = WIRE.replyHeaders(REQUEST, "pricing".getBytes(StandardCharsets.UTF_8), null, 4L, null);
		assertThat(WIRE.correlationId(headers)).isEqualTo(ID);
		assertThat(headers.lastHeader(RequestReplyHeaders.INSTANCE).value()).isEqualTo(INSTANCE);
		assertThat(WIRE.responder(headers)).isEqualTo("pricing");
		assertThat(WIRE.sequence(headers)).isEqualTo(4L);
		assertThat(WIRE.end(headers)).isNull();
		assertThat(ErrorHeaders.remoteFailure("quotes", headers)).isNull();
	}

	@Test
	void whenErrorReplyWrittenThenRequesterReadsTheFailure() {
		Headers headers = WIRE.replyHeaders(REQUEST, null, new IllegalStateException("out of stock"), null, 2L);
		RemoteHandlerException failure = ErrorHeaders.remoteFailure("orders", headers);
		assertThat(failure.getErrorType()).isEqualTo(IllegalStateException.class.getName());
		assertThat(failure.getRemoteMessage()).isEqualTo("out of stock");
		assertThat(failure).hasMessageContaining("orders");
		assertThat(WIRE.end(headers)).isEqualTo(2L);
		assertThat(WIRE.responder(headers)).isNull();
	}

	@Test
	void whenErrorMessageIsLongThenItIsCut() {
		Headers headers = WIRE.replyHeaders(REQUEST, null, new IllegalStateException("x".repeat(10_000)), null,
				null);
		assertThat(ErrorHeaders.remoteFailure("t", headers).getRemoteMessage())
			.hasSize(WirePolicy.MAX_ERROR_MESSAGE_LENGTH);
	}

	@Test
	void whenErrorHasNoMessageThenReplyHasNoMessageHeader() {
		Headers headers = WIRE.replyHeaders(REQUEST, null, new IllegalStateException(), null, null);
		assertThat(headers.lastHeader("rr_error_message")).isNull();
		assertThat(ErrorHeaders.remoteFailure("t", headers).getRemoteMessage()).isNull();
	}

	@Test
	void whenErrorHeadersWrittenAloneThenTheyAreTheErrorHeadersOfAReply() {
		IllegalStateException failure = new IllegalStateException("x".repeat(10_000));
		Headers alone = ErrorHeaders.errorHeaders(failure);
		Headers reply = WIRE.replyHeaders(REQUEST, null, failure, ReplyErrorCodes.INTERNAL, null, null);
		assertThat(alone.toArray()).containsExactly(reply.lastHeader("rr_error_type"), reply.lastHeader("rr_error_code"),
				reply.lastHeader("rr_error_message"));
		assertThat(ErrorHeaders.remoteFailure("t", alone).getRemoteMessage())
			.hasSize(WirePolicy.MAX_ERROR_MESSAGE_LENGTH);
	}

	@Test
	void whenRequestHadNoInstanceThenReplyHasNone() {
		RequestHeaders request = new RequestHeaders(ID, "r", null, RequestHeaders.NO_DEADLINE, null, false);
		Headers headers = WIRE.replyHeaders(request, null, null, null, null);
		assertThat(headers.lastHeader(RequestReplyHeaders.INSTANCE)).isNull();
		assertThat(WIRE.sequence(headers)).isNull();
	}

	@Test
	void whenReplyHeadersAreMalformedThenRequesterReadsNothing() {
		RecordHeaders headers = new RecordHeaders();
		assertThat(WIRE.correlationId(headers)).isNull();
		headers.add("rr_seq", "x1".getBytes(StandardCharsets.US_ASCII));
		headers.add("rr_end", "-3".getBytes(StandardCharsets.US_ASCII));
		assertThat(WIRE.sequence(headers)).isNull();
		assertThat(WIRE.end(headers)).isNull();
		headers.add("rr_seq", null);
		assertThat(WIRE.sequence(headers)).isNull();
	}

	@Test
	void whenErrorReplyHasACodeThenRequesterReadsIt() {
		Headers headers = WIRE.replyHeaders(REQUEST, null, new IllegalStateException("gone"), "NOT_FOUND", null,
				null);
		assertThat(new String(headers.lastHeader("rr_error_code").value(), StandardCharsets.UTF_8))
			.isEqualTo("NOT_FOUND");
		RemoteHandlerException failure = ErrorHeaders.remoteFailure("t", headers);
		assertThat(failure.getErrorCode()).isEqualTo("NOT_FOUND");
		assertThat(failure.isRetryable()).isFalse();
	}

	@Test
	void whenErrorReplyHasNoCodeOrAMalformedOneThenCodeIsUnknown() {
		RecordHeaders headers = WIRE.replyHeaders(REQUEST, null, new IllegalStateException(), null, null);
		assertThat(headers.lastHeader("rr_error_code")).isNull();
		assertThat(ErrorHeaders.remoteFailure("t", headers).getErrorCode()).isEqualTo("UNKNOWN");
		headers.add("rr_error_code", new byte[0]);
		assertThat(ErrorHeaders.remoteFailure("t", headers).getErrorCode()).isEqualTo("UNKNOWN");
		headers.add("rr_error_code", "X".repeat(WirePolicy.MAX_ERROR_CODE_LENGTH + 1).getBytes(StandardCharsets.UTF_8));
		assertThat(ErrorHeaders.remoteFailure("t", headers).getErrorCode()).isEqualTo("UNKNOWN");
		headers.add("rr_error_code", "UNAVAILABLE".getBytes(StandardCharsets.UTF_8));
		assertThat(ErrorHeaders.remoteFailure("t", headers).isRetryable()).isTrue();
	}

	@Test
	void whenCodeHeaderWithoutErrorTypeThenReplyIsNoError() {
		RecordHeaders headers = WIRE.replyHeaders(REQUEST, null, null, null, null);
		headers.add("rr_error_code", "INTERNAL".getBytes(StandardCharsets.UTF_8));
		assertThat(ErrorHeaders.remoteFailure("t", headers)).isNull();
	}

	@Test
	void whenHandlerAddsReplyHeadersThenWireFormatHeadersAreNotOverwritten() {
		RecordHeaders reply = WIRE.replyHeaders(REQUEST, null, null, null, null);
		RecordHeaders extra = new RecordHeaders();
		extra.add("price-source", "cache".getBytes(StandardCharsets.UTF_8));
		extra.add("kafka_correlationId", new byte[] { 1 });
		extra.add("rr_error_type", "x".getBytes(StandardCharsets.UTF_8));
		WirePolicy.addReplyHeaders(reply, extra);
		assertThat(reply.lastHeader("price-source").value()).isEqualTo("cache".getBytes(StandardCharsets.UTF_8));
		assertThat(WIRE.correlationId(reply)).isEqualTo(ID);
		assertThat(ErrorHeaders.remoteFailure("t", reply)).isNull();
	}

	@Test
	void whenCancelWrittenThenResponderReadsItAndNoRequestIsSeen() {
		RecordHeaders headers = WIRE.cancelHeaders(ID);
		assertThat(WIRE.cancelledRequest(headers)).isEqualTo(ID);
		assertThat(headers.lastHeader("kafka_replyTopic")).isNull();
		assertThatExceptionOfType(UnaddressableRequestException.class)
			.isThrownBy(() -> WIRE.readRequest(headers, 256));
		assertThat(WIRE.cancelledRequest(requestHeaders())).isNull();
		RecordHeaders withoutId = new RecordHeaders();
		withoutId.add("rr_cancel", new byte[] { '1' });
		assertThat(WIRE.cancelledRequest(withoutId)).isNull();
	}

	private static RecordHeaders requestHeaders() {
		return WIRE.requestHeaders(new RecordHeaders(), REQUEST);
	}

	private static void replace(Headers headers, String name, byte[] value) {
		headers.remove(name);
		headers.add(name, value);
	}

	private static void assertUnaddressable(Consumer<Headers> change, String message) {
		RecordHeaders headers = requestHeaders();
		change.accept(headers);
		assertThatExceptionOfType(UnaddressableRequestException.class)
			.isThrownBy(() -> WIRE.readRequest(headers, 256))
			.withMessageContaining(message);
	}

	private static MalformedHeaderException assertMalformed(Consumer<Headers> change, String message) {
		RecordHeaders headers = requestHeaders();
		change.accept(headers);
		try {
			WIRE.readRequest(headers, 256);
		}
		catch (MalformedHeaderException ex) {
			assertThat(ex).hasMessageContaining(message);
			return ex;
		}
		throw new AssertionError("Expected a MalformedHeaderException for " + message);
	}

}
