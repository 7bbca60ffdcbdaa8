package dev.requestreply.durable;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The serializer of outcome transactions passes the library's bytes through and serializes the
 * application's records as the application's producer would.
 */
class OutcomeSerializerTests {

	@Test
	void whenTheApplicationNamesItsSerializerThenItsRecordsAreSerializedByItAndRawBytesPassAsTheyAre() {
		try (OutcomeSerializer serializer = new OutcomeSerializer(null, true)) {
			serializer.configure(Map.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()),
					true);
			byte[] id = "a-request".getBytes(StandardCharsets.UTF_8);
			assertThat(serializer.serialize("t", new OutcomeSerializer.Raw(id))).isSameAs(id);
			assertThat(serializer.serialize("t", new RecordHeaders(), new OutcomeSerializer.Raw(null))).isNull();
			assertThat(serializer.serialize("t", new RecordHeaders(), "text"))
				.isEqualTo("text".getBytes(StandardCharsets.UTF_8));
		}
	}

}
