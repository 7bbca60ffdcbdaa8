package dev.requestreply.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every measured figure of the docs says where it comes from: a section (between two headings)
 * that speaks of something measured and gives a figure (a time, a rate, a ratio, a size) also
 * names what reproduces it: a shell command, an inline {@code mvn}/{@code java} command, the test
 * or benchmark class that reports it, or a link to the section that gives the command.
 */
class FigureSourcesTests {

	private static final Pattern FIGURE = Pattern.compile("\\b\\d[\\d,.]*\\s?(ms|us|s|x|MB|KB|bytes|B|%|/s)\\b");

	private static final Pattern SOURCE = Pattern.compile("```shell|`(mvn|\\./mvnw|java) [^`]+`"
			+ "|\\b[A-Z]\\w+(Tests|Benchmark|Footprint)\\b|\\]\\([a-z-]+\\.md#[^)]+\\)|\\]\\(#[^)]+\\)");

	@Test
	void whenADocSectionGivesAMeasuredFigureThenItNamesWhatReproducesIt() throws IOException {
		List<String> unsourced = new ArrayList<>();
		for (Path doc : Docs.markdown()) {
			String file = Docs.name(doc);
			List<String> lines = Files.readAllLines(doc);
			String heading = "(top)";
			int start = 1;
			StringBuilder section = new StringBuilder();
			boolean fenced = false;
			for (int i = 0; i <= lines.size(); i++) {
				String line = (i < lines.size()) ? lines.get(i) : null;
				if (line != null && line.startsWith("```")) {
					fenced = !fenced;
				}
				if (line == null || (!fenced && line.startsWith("#"))) {
					String text = heading + "\n" + section;
					if (text.contains("easured") && FIGURE.matcher(text).find() && !SOURCE.matcher(text).find()) {
						unsourced.add(file + ":" + start + " " + heading);
					}
					heading = line;
					start = i + 1;
					section.setLength(0);
				}
				else {
					section.append(line).append('\n');
				}
			}
		}
		assertThat(unsourced).as("sections with measured figures that name no command, test or benchmark")
			.isEmpty();
	}

}
