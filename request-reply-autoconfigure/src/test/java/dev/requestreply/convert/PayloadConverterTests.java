package dev.requestreply.convert;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PayloadConverterTests {

	private final PayloadConverter converter = new PayloadConverter(JsonMapper.builder().build());

	@Test
	void whenStringThenUtf8WithoutQuotes() {
		assertThat(this.converter.toBytes("héllo")).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
		assertThat(this.converter.fromBytes("héllo".getBytes(StandardCharsets.UTF_8), String.class)).isEqualTo("héllo");
	}

	@Test
	void whenBytesThenTheyPassAsTheyAre() {
		byte[] bytes = { 0, (byte) 0xff, 7 };
		assertThat(this.converter.toBytes(bytes)).isSameAs(bytes);
		assertThat(this.converter.fromBytes(bytes, byte[].class)).isSameAs(bytes);
	}

	@Test
	void whenRecordThenJsonBothWays() {
		byte[] json = this.converter.toBytes(new Item("a", 2));
		assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"a\",\"count\":2}");
		assertThat(this.converter.fromBytes(json, Item.class)).isEqualTo(new Item("a", 2));
	}

	@Test
	void whenGenericTypeThenElementsConvert() {
		byte[] json = "[{\"name\":\"a\",\"count\":1}]".getBytes(StandardCharsets.UTF_8);
		Object items = this.converter.fromBytes(json, new ParameterizedTypeReference<List<Item>>() {
		}.getType());
		assertThat(items).isEqualTo(List.of(new Item("a", 1)));
	}

	@Test
	void whenNullThenNull() {
		assertThat(this.converter.toBytes(null)).isNull();
		assertThat(this.converter.fromBytes(null, Item.class)).isNull();
	}

	@Test
	void whenJsonIsMalformedThenPayloadConversionExceptionNamesTheType() {
		assertThatExceptionOfType(PayloadConversionException.class)
			.isThrownBy(() -> this.converter.fromBytes("{nope".getBytes(StandardCharsets.UTF_8), Item.class))
			.withMessageContaining("PayloadConverterTests$Item");
	}

	@Test
	void whenJsonNamesAnotherClassThenTheDeclaredTypeIsStillUsed() {
		byte[] json = "{\"@class\":\"java.lang.ProcessBuilder\",\"name\":\"a\",\"count\":1}"
			.getBytes(StandardCharsets.UTF_8);
		assertThat(this.converter.fromBytes(json, Item.class)).isEqualTo(new Item("a", 1));
		assertThat(this.converter.fromBytes("{\"name\":\"a\",\"count\":1}".getBytes(StandardCharsets.UTF_8), Object.class))
			.isInstanceOf(java.util.Map.class);
	}

	record Item(String name, int count) {
	}

}
