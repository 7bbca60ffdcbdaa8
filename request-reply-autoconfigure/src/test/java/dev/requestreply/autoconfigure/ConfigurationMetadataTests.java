package dev.requestreply.autoconfigure;

import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata IDEs read lists the keys the annotation processor cannot see next
 * to those it generates.
 */
class ConfigurationMetadataTests {

	@Test
	void whenMetadataGeneratedThenItHasTheHealthSwitchAndTheEndpointKeys() throws IOException {
		JsonNode metadata;
		try (InputStream json = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
			metadata = JsonMapper.builder().build().readTree(json);
		}
		assertThat(metadata.get("properties").findValuesAsString("name")).contains(
				"management.health.requestreply.enabled", "management.endpoint.requestreply.access",
				"request-reply.reply-topic", "request-reply.default-timeout");
	}

}
