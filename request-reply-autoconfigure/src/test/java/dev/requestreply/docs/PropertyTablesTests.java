package dev.requestreply.docs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The property tables of the README and docs/observability.md against the configuration metadata
 * the build generates (what IDEs show): every {@code request-reply.*} property has a row, every
 * row names a property, and a row's default is the metadata's.
 */
class PropertyTablesTests {

	private static final Pattern ROW = Pattern.compile("^\\| `(request-reply\\.[a-z0-9.-]+?)(\\.\\*)?` \\|([^|]*)\\|",
			Pattern.MULTILINE);

	private static final Pattern CODE = Pattern.compile("`([^`]*)`");

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[^}]+}.*");

	private static Map<String, JsonNode> metadata;

	private static Map<String, String> documented;

	@BeforeAll
	static void read() throws IOException {
		metadata = new LinkedHashMap<>();
		try (InputStream json = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
			for (JsonNode property : JsonMapper.builder().build().readTree(json).get("properties")) {
				String name = property.get("name").asString();
				if (name.startsWith("request-reply.")) {
					metadata.put(name, property);
				}
			}
		}
		documented = new LinkedHashMap<>();
		for (Path doc : List.of(Docs.file("README.md"), Docs.file("docs/observability.md"))) {
			Matcher row = ROW.matcher(Files.readString(doc));
			while (row.find()) {
				documented.put(row.group(1), row.group(3).trim());
			}
		}
	}

	@Test
	void whenAPropertyExistsThenATableDocumentsIt() {
		assertThat(documented.keySet()).as("request-reply properties with a row in README.md or docs/observability.md")
			.containsAll(metadata.keySet());
	}

	@Test
	void whenATableHasARowThenThePropertyExists() {
		assertThat(metadata.keySet()).as("properties of the configuration metadata").containsAll(documented.keySet());
	}

	@Test
	void whenATableGivesADefaultThenTheMetadataHasTheSame() {
		List<String> mismatches = new ArrayList<>();
		documented.forEach((name, cell) -> {
			JsonNode property = metadata.get(name);
			if (property == null) {
				return;
			}
			JsonNode defaultValue = property.get("defaultValue");
			List<String> values = codeSpans(cell);
			if (defaultValue == null) {
				// Computed defaults (from another property, or drawn at start) have no literal to show.
				if (!values.isEmpty() && !PLACEHOLDER.matcher(values.get(0)).matches()) {
					mismatches.add(name + ": the table says " + cell + ", the metadata has no default");
				}
				return;
			}
			String type = property.get("type").asString();
			if (!same(type, defaultValue, values)) {
				mismatches.add(name + ": the table says " + cell + ", the metadata " + defaultValue);
			}
		});
		assertThat(mismatches).isEmpty();
	}

	private static boolean same(String type, JsonNode defaultValue, List<String> documented) {
		if (defaultValue.isArray()) {
			List<String> elements = new ArrayList<>();
			defaultValue.forEach((element) -> elements.add(element.asString()));
			return elements.equals(documented);
		}
		if (documented.isEmpty()) {
			return false;
		}
		String value = documented.get(0);
		String expected = defaultValue.asString();
		return switch (type) {
			case "java.time.Duration" -> duration(value).equals(duration(expected));
			case "org.springframework.util.unit.DataSize" -> DataSize.parse(value).equals(DataSize.parse(expected));
			default -> value.equalsIgnoreCase(expected);
		};
	}

	private static Duration duration(String text) {
		return text.matches("-?\\d+") ? Duration.ofMillis(Long.parseLong(text)) : DurationStyle.detectAndParse(text);
	}

	private static List<String> codeSpans(String cell) {
		List<String> spans = new ArrayList<>();
		Matcher code = CODE.matcher(cell);
		while (code.find()) {
			spans.add(code.group(1));
		}
		return spans;
	}

}
