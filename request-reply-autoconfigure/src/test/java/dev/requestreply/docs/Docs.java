package dev.requestreply.docs;

import java.nio.file.Files;
import java.nio.file.Path;

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

}
