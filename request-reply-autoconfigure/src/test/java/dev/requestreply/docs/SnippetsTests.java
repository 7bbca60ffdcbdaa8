package dev.requestreply.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Java block of the README and docs/ is a region of a source file that the build compiles:
 * the block after {@code <!-- snippet: FILE#TAG -->} is what FILE holds between
 * {@code // tag::TAG[]} and {@code // end::TAG[]}, less its indentation. Run with
 * {@code -Ddocs.update=true} to copy the sources into the docs.
 */
class SnippetsTests {

	static final String KIND = "snippet";

	@Test
	void whenADocHasAJavaBlockThenItIsMarkedAsASnippet() throws IOException {
		List<String> unmarked = new ArrayList<>();
		for (Path doc : Docs.markdown()) {
			String[] lines = Files.readString(doc).split("\n", -1);
			for (int i = 0; i < lines.length; i++) {
				if (lines[i].startsWith("```java") && (i == 0 || !lines[i - 1].startsWith("<!-- " + KIND + ": "))) {
					unmarked.add(doc.getFileName() + ":" + (i + 1));
				}
			}
		}
		assertThat(unmarked).as("Java blocks without a <!-- snippet: FILE#TAG --> line before them").isEmpty();
	}

	@Test
	void whenASnippetIsMarkedThenTheBlockIsItsSourcesRegion() throws IOException {
		List<String> stale = new ArrayList<>();
		for (Path doc : Docs.markdown()) {
			for (MarkedBlock block : MarkedBlock.find(doc, KIND)) {
				String source = region(block.name());
				if (MarkedBlock.UPDATE) {
					block.update(source);
				}
				else if (!block.text().equals(source)) {
					stale.add(doc.getFileName() + " <- " + block.name() + ":\n" + source);
				}
			}
		}
		assertThat(stale).as("snippets that differ from their sources (run with -Ddocs.update=true to copy them)")
			.isEmpty();
	}

	/**
	 * Return a source's tagged region, {@code FILE#TAG}, without its common indentation.
	 */
	static String region(String reference) {
		int hash = reference.indexOf('#');
		Path file = Docs.file(reference.substring(0, hash));
		String tag = reference.substring(hash + 1);
		List<String> lines = List.of(MarkedBlock.read(file).split("\n", -1));
		int start = indexOf(lines, "// tag::" + tag + "[]", file);
		int end = indexOf(lines, "// end::" + tag + "[]", file);
		List<String> region = lines.subList(start + 1, end);
		int indent = region.stream()
			.filter((line) -> !line.isBlank())
			.mapToInt(SnippetsTests::leadingTabs)
			.min()
			.orElse(0);
		StringBuilder text = new StringBuilder();
		for (String line : region) {
			text.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
		}
		return text.toString();
	}

	private static int indexOf(List<String> lines, String marker, Path file) {
		for (int i = 0; i < lines.size(); i++) {
			if (lines.get(i).trim().equals(marker)) {
				return i;
			}
		}
		throw new IllegalStateException(file + " has no line '" + marker + "'");
	}

	private static int leadingTabs(String line) {
		int tabs = 0;
		while (tabs < line.length() && line.charAt(tabs) == '\t') {
			tabs++;
		}
		return tabs;
	}

}
