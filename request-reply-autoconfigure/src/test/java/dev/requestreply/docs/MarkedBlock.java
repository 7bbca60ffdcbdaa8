package dev.requestreply.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fenced code block of a Markdown file that a test keeps true, marked by the HTML comment on
 * the line before it: {@code <!-- KIND: NAME -->}. Run the tests with {@code -Ddocs.update=true}
 * to write what the code says into the blocks instead of comparing.
 *
 * @param file the Markdown file
 * @param kind what the marker says the block is
 * @param name what the marker names (a snippet's source, or an example's name)
 * @param start the offset of the block's first content line
 * @param end the offset of the block's closing fence
 * @param text the block's content
 */
record MarkedBlock(Path file, String kind, String name, int start, int end, String text) {

	static final boolean UPDATE = Boolean.getBoolean("docs.update");

	private static final Pattern FENCE = Pattern.compile("```[a-z]*\\n");

	/**
	 * Return the blocks of a file marked with the given kind, in order.
	 */
	static List<MarkedBlock> find(Path file, String kind) {
		String content = read(file);
		Pattern marker = Pattern.compile("<!-- " + Pattern.quote(kind) + ": ([^ ]+) -->\\n");
		List<MarkedBlock> blocks = new ArrayList<>();
		Matcher found = marker.matcher(content);
		while (found.find()) {
			Matcher fence = FENCE.matcher(content);
			if (!fence.find(found.end()) || fence.start() != found.end()) {
				throw new IllegalStateException(file + ": no fenced block right after " + found.group().trim());
			}
			int end = content.indexOf("```\n", fence.end());
			if (end < 0) {
				end = content.indexOf("```", fence.end());
			}
			blocks.add(new MarkedBlock(file, kind, found.group(1), fence.end(), end, content.substring(fence.end(), end)));
		}
		return blocks;
	}

	/**
	 * Return the one block of a file with this kind and name.
	 */
	static MarkedBlock get(Path file, String kind, String name) {
		return find(file, kind).stream()
			.filter((block) -> block.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(file + " has no block marked <!-- " + kind + ": " + name
					+ " -->"));
	}

	/**
	 * Write new content into this block of its file (with {@code -Ddocs.update=true}).
	 */
	void update(String content) {
		// Found anew: an earlier update of another block of the file moved this one.
		MarkedBlock current = get(this.file, this.kind, this.name);
		String file = read(this.file);
		String replacement = content.endsWith("\n") ? content : content + "\n";
		try {
			Files.writeString(this.file,
					file.substring(0, current.start()) + replacement + file.substring(current.end()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
