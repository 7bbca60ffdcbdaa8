package dev.requestreply.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.requestreply.docs.ConfigurationMetadata.Property;
import org.junit.jupiter.api.Test;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every property table of the README and docs/ (beside the generated reference, which
 * {@link ConfigurationReferenceTests} writes) against the configuration metadata: a row names a
 * property that exists, and the default it gives is the metadata's.
 */
class PropertyTablesTests {

	private static final Pattern CODE = Pattern.compile("`([^`]*)`");

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[^}]+}.*");

	@Test
	void whenATableHasARowThenThePropertyExists() throws IOException {
		Map<String, Property> metadata = ConfigurationMetadata.read();
		List<String> unknown = new ArrayList<>();
		for (Path doc : Docs.markdown()) {
			ConfigurationReferenceTests.rows(Files.readString(doc)).keySet().forEach((name) -> {
				if (!metadata.containsKey(name)) {
					unknown.add(name + " (" + Docs.name(doc) + ")");
				}
			});
		}
		assertThat(unknown).as("rows naming no property of the configuration metadata").isEmpty();
	}

	@Test
	void whenATableGivesADefaultThenTheMetadataHasTheSame() throws IOException {
		Map<String, Property> metadata = ConfigurationMetadata.read();
		List<String> mismatches = new ArrayList<>();
		for (Path doc : Docs.markdown()) {
			ConfigurationReferenceTests.rows(Files.readString(doc)).forEach((name, cell) -> {
				Property property = metadata.get(name);
				if (property == null) {
					return;
				}
				List<String> values = codeSpans(cell);
				if (property.defaultValue() == null) {
					// Computed defaults (from another property, or drawn at start) have no literal to show.
					if (!values.isEmpty() && !PLACEHOLDER.matcher(values.get(0)).matches()) {
						mismatches.add(Docs.name(doc) + " " + name + ": the table says " + cell
								+ ", the metadata has no default");
					}
				}
				else if (!same(property, values)) {
					mismatches.add(Docs.name(doc) + " " + name + ": the table says " + cell + ", the metadata "
							+ property.defaultValue());
				}
			});
		}
		assertThat(mismatches).isEmpty();
	}

	private static boolean same(Property property, List<String> documented) {
		if (property.defaultValue().isArray()) {
			return property.defaults().equals(documented);
		}
		if (documented.isEmpty()) {
			return false;
		}
		String value = documented.get(0);
		String expected = property.defaultValue().asString();
		return switch (property.type()) {
			case "java.time.Duration" -> duration(value).equals(duration(expected));
			case "org.springframework.util.unit.DataSize" -> DataSize.parse(value).equals(DataSize.parse(expected));
			default -> value.equalsIgnoreCase(expected);
		};
	}

	private static Duration duration(String text) {
		return text.matches("-?\\d+") ? Duration.ofMillis(Long.parseLong(text)) : DurationStyle.detectAndParse(text);
	}

	static List<String> codeSpans(String cell) {
		List<String> spans = new ArrayList<>();
		Matcher code = CODE.matcher(cell);
		while (code.find()) {
			spans.add(code.group(1));
		}
		return spans;
	}

}
