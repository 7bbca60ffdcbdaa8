package dev.requestreply.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.requestreply.docs.ConfigurationMetadata.Property;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md's reference tables are generated from the configuration metadata the build
 * writes from {@code RequestReplyProperties} (its field javadoc is each description): every
 * property is in the page and every row of the page is a property, with the metadata's default
 * and description. Run with {@code -Ddocs.update=true} to write the tables into the page.
 */
class ConfigurationReferenceTests {

	static final String DOC = "docs/configuration.md";

	static final String BEGIN = "<!-- begin generated: configuration metadata (ConfigurationReferenceTests) -->\n";

	static final String END = "<!-- end generated -->\n";

	private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9.-]+?)(\\.\\*)?` \\|([^|]*)\\|",
			Pattern.MULTILINE);

	// 'quoted' names and values of the javadoc: code spans in the docs. An apostrophe within or
	// right after a word (handler's, handlers') is no quote.
	private static final Pattern QUOTED = Pattern.compile("(?<![\\w'])'([^'\\s](?:[^']*[^'\\s])?)'(?![\\w'])");

	private static final Map<String, Predicate<String>> SECTIONS = new LinkedHashMap<>();

	static {
		SECTIONS.put("Requesters, and what applies to both sides",
				(name) -> name.startsWith("request-reply.") && !name.startsWith("request-reply.handler.")
						&& !name.startsWith("request-reply.endpoint.") && !name.startsWith("request-reply.metrics.")
						&& !name.startsWith("request-reply.observation."));
		SECTIONS.put("Handlers", (name) -> name.startsWith("request-reply.handler."));
		SECTIONS.put("Endpoint, health, meters and observations",
				(name) -> !name.startsWith("request-reply.") || name.startsWith("request-reply.endpoint.")
						|| name.startsWith("request-reply.metrics.") || name.startsWith("request-reply.observation."));
	}

	@Test
	void whenTheMetadataChangesThenTheGeneratedReferenceIsWrittenAgain() throws IOException {
		Path doc = Docs.file(DOC);
		String content = Files.readString(doc);
		int begin = content.indexOf(BEGIN);
		int end = content.indexOf(END, begin);
		assertThat(begin).as("%s has the line %s", DOC, BEGIN.trim()).isNotNegative();
		assertThat(end).as("%s has the line %s after the first", DOC, END.trim()).isGreaterThan(begin);
		String generated = generate(ConfigurationMetadata.read());
		String current = content.substring(begin + BEGIN.length(), end);
		if (MarkedBlock.UPDATE) {
			Files.writeString(doc, content.substring(0, begin + BEGIN.length()) + generated + content.substring(end));
			return;
		}
		assertThat(current).as("the generated part of %s (run with -Ddocs.update=true to write it)", DOC)
			.isEqualTo(generated);
	}

	@Test
	void whenAPropertyExistsThenTheReferenceHasItsRowAndEveryRowIsAProperty() throws IOException {
		Map<String, Property> metadata = ConfigurationMetadata.read();
		Map<String, String> rows = rows(Files.readString(Docs.file(DOC)));
		assertThat(rows.keySet()).as("properties with a row in %s", DOC).containsAll(metadata.keySet());
		assertThat(metadata.keySet()).as("properties of the configuration metadata").containsAll(rows.keySet());
	}

	@Test
	void whenTheReferenceGivesADefaultThenItIsTheMetadatas() throws IOException {
		Map<String, Property> metadata = ConfigurationMetadata.read();
		List<String> mismatches = new ArrayList<>();
		rows(Files.readString(Docs.file(DOC))).forEach((name, cell) -> {
			Property property = metadata.get(name);
			if (property != null && !PropertyTablesTests.codeSpans(cell).equals(property.defaults())) {
				mismatches.add(name + ": the page says " + cell.trim() + ", the metadata " + property.defaults());
			}
		});
		assertThat(mismatches).isEmpty();
	}

	/**
	 * Return the rows of the tables of a page that name one of our properties, by name, with
	 * their second cell (the default).
	 */
	static Map<String, String> rows(String markdown) {
		Map<String, String> rows = new LinkedHashMap<>();
		Matcher row = ROW.matcher(markdown);
		while (row.find()) {
			String name = row.group(1);
			if (name.startsWith("request-reply.") || (name.startsWith("management.") && name.contains(".requestreply."))) {
				rows.put(name, row.group(3));
			}
		}
		return rows;
	}

	static String generate(Map<String, Property> metadata) {
		StringBuilder markdown = new StringBuilder();
		SECTIONS.forEach((title, member) -> {
			markdown.append("\n### ").append(title).append("\n\n");
			markdown.append("| property | default | description |\n| --- | --- | --- |\n");
			metadata.values()
				.stream()
				.filter((property) -> member.test(property.name()))
				.forEach((property) -> markdown.append(row(property)));
		});
		return markdown.append('\n').toString();
	}

	private static String row(Property property) {
		String name = "`" + property.name() + (property.isMap() ? ".*" : "") + "`";
		List<String> defaults = new ArrayList<>();
		property.defaults().forEach((value) -> defaults.add("`" + value + "`"));
		String description = markdown(property.description());
		if (property.deprecation() != null) {
			description = "Deprecated since " + property.deprecation().get("since").asString() + ". " + description;
		}
		return "| " + name + " | " + String.join(", ", defaults) + " | " + description + " |\n";
	}

	/**
	 * Return a description as Markdown: quoted names as code spans, other text escaped.
	 */
	static String markdown(String text) {
		StringBuilder markdown = new StringBuilder();
		Matcher quoted = QUOTED.matcher(text);
		int last = 0;
		while (quoted.find()) {
			markdown.append(escape(text.substring(last, quoted.start())))
				.append('`')
				.append(quoted.group(1))
				.append('`');
			last = quoted.end();
		}
		return markdown.append(escape(text.substring(last))).toString();
	}

	private static String escape(String text) {
		return text.replace("|", "\\|").replace("<", "&lt;").replace("*", "\\*");
	}

}
