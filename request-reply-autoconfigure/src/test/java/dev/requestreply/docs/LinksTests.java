package dev.requestreply.docs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every link between the README, the changelog and docs/ leads somewhere: the file exists, and a
 * {@code #fragment} names a heading of it (as GitHub makes anchors of headings), so that moving a
 * section from one page to another cannot leave a link behind.
 */
class LinksTests {

	private static final Pattern FENCED = Pattern.compile("(?s)```.*?```");

	private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

	private static final Pattern HEADING = Pattern.compile("(?m)^#+ (.+)$");

	@Test
	void whenADocLinksToAFileOrHeadingThenItExists() {
		List<String> broken = new ArrayList<>();
		for (Path doc : Docs.markdown()) {
			Matcher link = LINK.matcher(prose(doc));
			while (link.find()) {
				String target = link.group(1);
				if (target.matches("[a-z]+:.*")) {
					continue;
				}
				int hash = target.indexOf('#');
				String file = (hash < 0) ? target : target.substring(0, hash);
				Path linked = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
				if (!Files.exists(linked)) {
					broken.add(Docs.name(doc) + ": " + target + " (no such file)");
				}
				else if (hash >= 0 && linked.toString().endsWith(".md")
						&& !anchors(linked).contains(target.substring(hash + 1))) {
					broken.add(Docs.name(doc) + ": " + target + " (no such heading)");
				}
			}
		}
		assertThat(broken).as("links to files or headings that do not exist").isEmpty();
	}

	private static String prose(Path doc) {
		return FENCED.matcher(MarkedBlock.read(doc)).replaceAll("");
	}

	private static Set<String> anchors(Path doc) {
		Set<String> anchors = new HashSet<>();
		Matcher heading = HEADING.matcher(prose(doc));
		while (heading.find()) {
			anchors.add(heading.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^\\w\\- ]", "").replace(' ', '-'));
		}
		return anchors;
	}

}
