package dev.requestreply.requester;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.requestreply.CorrelationId;
import dev.requestreply.wire.HeaderNames;
import dev.requestreply.wire.RequestHeaders;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Header names per request topic, and replies read on the one shared reply topic under every
 * correlation id name in use.
 */
class TopicWiresTests {

	private static final HeaderNames CUSTOM = new HeaderNames("customCorrelation", HeaderNames.DEFAULT.replyTopic(),
			HeaderNames.DEFAULT.replyPartition());

	private final TopicWires wires = new TopicWires(Map.of("d-requests", CUSTOM));

	@Test
	void whenTopicHasNamesOfItsOwnThenItsRequestsAndCancelsUseThemAndOtherTopicsSpringKafkas() {
		byte[] id = CorrelationId.random().toBytes();
		RequestHeaders address = new RequestHeaders(id, "app-replies", null, RequestHeaders.NO_DEADLINE, null, false);
		assertThat(this.wires.of("d-requests").requestHeaders(new RecordHeaders(), address)
			.lastHeader("customCorrelation")
			.value()).isEqualTo(id);
		assertThat(this.wires.of("d-requests").cancelHeaders(id).lastHeader("customCorrelation")).isNotNull();
		assertThat(this.wires.of("other").requestHeaders(new RecordHeaders(), address).lastHeader("kafka_correlationId"))
			.isNotNull();
	}

	@Test
	void whenReplyCarriesTheIdUnderAnyNameInUseThenItIsRead() {
		byte[] id = CorrelationId.random().toBytes();
		RequestHeaders address = new RequestHeaders(id, "app-replies", null, RequestHeaders.NO_DEADLINE, null, false);
		assertThat(this.wires.correlationId(new WireFormat(CUSTOM).replyHeaders(address, null, null, null, null)))
			.isEqualTo(id);
		assertThat(this.wires.correlationId(WireFormat.standard().replyHeaders(address, null, null, null, null)))
			.isEqualTo(id);
		RecordHeaders unknown = new RecordHeaders();
		unknown.add("otherCorrelation", "x".getBytes(StandardCharsets.UTF_8));
		assertThat(this.wires.correlationId(unknown)).isNull();
	}

}
