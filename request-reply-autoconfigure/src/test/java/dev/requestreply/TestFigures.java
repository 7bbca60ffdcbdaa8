package dev.requestreply;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reports the figures tests measure for the docs. Each line is printed (Surefire keeps it in
 * {@code target/surefire-reports/*-output.txt}) and appended to {@code target/test-figures.txt}, so
 * that every figure of a run can be read in one place.
 */
public final class TestFigures {

	static final Path FILE = Path.of("target", "test-figures.txt");

	private TestFigures() {
	}

	/**
	 * Report one figure line, for example {@code RELIABILITY ...}.
	 * @param format the line, as for {@link String#format(String, Object...)}, without a line end
	 * @param args the arguments of the format
	 */
	public static synchronized void report(String format, Object... args) {
		String line = String.format(format, args);
		System.out.println(line);
		try {
			Files.createDirectories(FILE.getParent());
			Files.writeString(FILE, line + System.lineSeparator(), StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
