package dev.requestreply;

import dev.requestreply.wire.HeaderNames;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filter a {@code @KafkaListener} names to drop cancel records, whatever correlation id header
 * name they use.
 */
class CancelRecordFilterStrategyTests {

	private final CancelRecordFilterStrategy filter = new CancelRecordFilterStrategy();

	@Test
	void whenCancelRecordNamesTheRequestUnderACustomCorrelationHeaderThenItIsDropped() {
		WireFormat custom = new WireFormat(new HeaderNames("customCorrelation", HeaderNames.DEFAULT.replyTopic(),
				HeaderNames.DEFAULT.replyPartition()));
		assertThat(this.filter.filter(record(custom))).isTrue();
		assertThat(this.filter.filter(record(WireFormat.standard()))).isTrue();
	}

	@Test
	void whenRecordIsARequestThenItIsKept() {
		ConsumerRecord<Object, Object> request = new ConsumerRecord<>("quotes", 0, 0, null, "ACME");
		request.headers().add("kafka_correlationId", CorrelationId.random().toBytes());
		assertThat(this.filter.filter(request)).isFalse();
	}

	private static ConsumerRecord<Object, Object> record(WireFormat wire) {
		ConsumerRecord<Object, Object> record = new ConsumerRecord<>("quotes", 0, 0, null, null);
		wire.cancelHeaders(CorrelationId.random().toBytes()).forEach(record.headers()::add);
		return record;
	}

}
