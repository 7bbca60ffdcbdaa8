package dev.requestreply.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The project's documentation files, read by the tests that keep them true.
 */
final class Docs {

	private Docs() {
	}

	/**
	 * Return a file of the repository, from the module's directory (where Maven runs tests).
	 * @param path the path from the repository's root
	 * @return the file
	 */
	static Path file(String path) {
		Path root = Path.of("").toAbsolutePath();
		while (root != null && !Files.exists(root.resolve("README.md"))) {
			root = root.getParent();
		}
		if (root == null) {
			throw new IllegalStateException("No README.md above " + Path.of("").toAbsolutePath());
		}
		return root.resolve(path);
	}

	/**
	 * Return every Markdown file a user reads: the README, the changelog and the pages of docs/.
	 * @return the files, README first, then the changelog, then docs/ in name order
	 */
	static List<Path> markdown() {
		List<Path> files = new ArrayList<>(List.of(file("README.md"), file("CHANGELOG.md")));
		try (Stream<Path> docs = Files.list(file("docs"))) {
			docs.filter((doc) -> doc.toString().endsWith(".md")).sorted().forEach(files::add);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return files;
	}

	/**
	 * Return a file's name from the repository's root, as the docs name it.
	 * @param file a file of the repository
	 * @return its path from the root, with forward slashes
	 */
	static String name(Path file) {
		return file("").relativize(file).toString().replace('\\', '/');
	}

}
