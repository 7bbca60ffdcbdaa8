package dev.requestreply.durable;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.requestreply.DurableOutcome;
import dev.requestreply.ReplyErrorCodes;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.wire.ErrorHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reply becomes the outcome its listener's type and its headers say; the pending state round
 * trips through its JSON; ids map to partitions as Kafka's partitioner does.
 */
class DurableOutcomesTests {

	record Report(String month, int lines) {

	}

	private static final PayloadConverter converter = new PayloadConverter(JsonMapper.builder().build());

	private static final PendingState state = new PendingState(PendingState.VERSION, "report", 1_000L,
			Map.of("customer", "c1"), "reports", 2, 10L);

	@Test
	void whenReplyConvertsThenOutcomeIsReplied() {
		DurableOutcome<?> outcome = OutcomeDelivery.fromReply("id", state, 1,
				reply("{\"month\":\"2026-11\",\"lines\":3}", new RecordHeaders()), Report.class, converter);
		assertThat(outcome).isEqualTo(new DurableOutcome.Replied<>("id", "report", Map.of("customer", "c1"), 1,
				new Report("2026-11", 3)));
	}

	@Test
	void whenReplyDoesNotConvertThenOutcomeIsFailedWithInvalidArgument() {
		DurableOutcome<?> outcome = OutcomeDelivery.fromReply("id", state, 2, reply("not json", new RecordHeaders()),
				Report.class, converter);
		assertThat(outcome).isInstanceOf(DurableOutcome.Failed.class);
		assertThat(((DurableOutcome.Failed<?>) outcome).errorCode()).isEqualTo(ReplyErrorCodes.INVALID_ARGUMENT);
		assertThat(outcome.deliveryAttempt()).isEqualTo(2);
	}

	@Test
	void whenReplyIsAnErrorReplyThenOutcomeIsFailedWithItsCodeTypeAndMessage() {
		DurableOutcome<?> outcome = OutcomeDelivery.fromReply("id", state, 1,
				reply(null, ErrorHeaders.errorHeaders(new IllegalStateException("no data"))), Report.class, converter);
		DurableOutcome.Failed<?> failed = (DurableOutcome.Failed<?>) outcome;
		assertThat(failed.errorCode()).isEqualTo(ReplyErrorCodes.INTERNAL);
		assertThat(failed.errorType()).isEqualTo(IllegalStateException.class.getName());
		assertThat(failed.message()).isEqualTo("no data");
	}

	@Test
	void whenPendingStateIsWrittenThenItReadsBackAndALaterVersionsFieldsAreSkipped() {
		assertThat(PendingState.fromJson(state.toJson())).isEqualTo(state);
		byte[] later = "{\"v\":2,\"kind\":\"k\",\"deadline\":5,\"context\":{},\"topic\":\"t\",\"partition\":0,\"submittedAt\":1,\"new\":true}"
			.getBytes(StandardCharsets.UTF_8);
		assertThat(PendingState.fromJson(later)).isEqualTo(new PendingState(2, "k", 5, Map.of(), "t", 0, 1));
		assertThat(PendingState.fromJson("{".getBytes(StandardCharsets.UTF_8))).isNull();
	}

	@Test
	void whenIdIsPartitionedThenItIsKafkasDefaultPartitionOfItsBytes() {
		String id = "0b6f8a4e-6c0e-4a43-9d0b-2a3f4c5d6e7f";
		assertThat(DurableIds.partition(id, 6)).isEqualTo(org.apache.kafka.common.utils.Utils
			.toPositive(org.apache.kafka.common.utils.Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % 6);
		assertThat(DurableIds.fromCorrelationId(DurableIds.correlationId(id))).isEqualTo(id);
	}

	private static ConsumerRecord<byte[], byte[]> reply(String value, RecordHeaders headers) {
		return new ConsumerRecord<>("app-durable-replies", 2, 7L, 0L, TimestampType.CREATE_TIME, 0, 0, null,
				(value != null) ? value.getBytes(StandardCharsets.UTF_8) : null, headers, java.util.Optional.empty());
	}

}
