package dev.requestreply.requester;

import java.nio.charset.StandardCharsets;

import dev.requestreply.convert.PayloadConverter;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bytes of request keys in each format.
 */
class KeyFormatTests {

	private final PayloadConverter converter = new PayloadConverter(JsonMapper.builder().build());

	@Test
	void whenFormatIsKafkaThenNumberKeysAreKafkasSerializersBytesAndOthersAsPayloads() {
		assertThat(KeyFormat.KAFKA.toBytes(1, this.converter)).isEqualTo(new IntegerSerializer().serialize("t", 1));
		assertThat(KeyFormat.KAFKA.toBytes(42L, this.converter)).isEqualTo(new LongSerializer().serialize("t", 42L));
		assertThat(KeyFormat.KAFKA.toBytes("ACME", this.converter)).isEqualTo("ACME".getBytes(StandardCharsets.UTF_8));
		assertThat(KeyFormat.KAFKA.toBytes(null, this.converter)).isNull();
	}

	@Test
	void whenFormatIsJsonThenAnIntegerKeyIsItsJsonText() {
		assertThat(KeyFormat.JSON.toBytes(1, this.converter)).isEqualTo("1".getBytes(StandardCharsets.UTF_8));
	}

}
