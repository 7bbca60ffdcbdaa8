package dev.requestreply.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.ClassPathResource;

/**
 * The properties of request-reply as the build's configuration metadata describes them (what IDEs
 * show): every {@code request-reply.*} property, and Spring Boot's {@code management.*} ones of
 * the {@code requestreply} endpoint and health indicator.
 */
final class ConfigurationMetadata {

	private ConfigurationMetadata() {
	}

	/**
	 * Return our properties by name, in the metadata's order.
	 * @return the properties
	 */
	static Map<String, Property> read() {
		Map<String, Property> properties = new LinkedHashMap<>();
		try (InputStream json = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
			for (JsonNode property : JsonMapper.builder().build().readTree(json).get("properties")) {
				String name = property.get("name").asString();
				if (name.startsWith("request-reply.") || (name.startsWith("management.") && name.contains(".requestreply."))) {
					properties.put(name, new Property(name, property.get("type").asString(),
							property.get("defaultValue"), text(property, "description"),
							property.has("deprecation") ? property.get("deprecation") : null));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return properties;
	}

	private static String text(JsonNode property, String field) {
		JsonNode value = property.get(field);
		return (value != null) ? value.asString() : "";
	}

	/**
	 * One property of the metadata.
	 *
	 * @param name its name
	 * @param type its Java type
	 * @param defaultValue its default, or {@code null} when the metadata has none
	 * @param description its description
	 * @param deprecation its deprecation, or {@code null}
	 */
	record Property(String name, String type, JsonNode defaultValue, String description, JsonNode deprecation) {

		/**
		 * Return whether it is a map, whose keys are set as {@code name.key}.
		 */
		boolean isMap() {
			return this.type.startsWith("java.util.Map");
		}

		/**
		 * Return its default as the docs write it: each value a code span, none when the metadata
		 * has none.
		 */
		List<String> defaults() {
			List<String> values = new ArrayList<>();
			if (this.defaultValue == null) {
				return values;
			}
			if (this.defaultValue.isArray()) {
				this.defaultValue.forEach((element) -> values.add(element.asString()));
			}
			else {
				values.add(this.defaultValue.asString());
			}
			return values;
		}

	}

}
