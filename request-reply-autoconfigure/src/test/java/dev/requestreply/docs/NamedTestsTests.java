package dev.requestreply.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tests and benchmarks the docs name as the source of their figures exist, so that the
 * commands they give still run something: a class renamed or removed fails this test.
 */
class NamedTestsTests {

	private static final Pattern NAMED = Pattern.compile("(?<![-\\w])([A-Z][A-Za-z0-9]+(Tests|Benchmark|Footprint))\\b");

	@Test
	void whenADocNamesATestOrBenchmarkThenItsSourceExists() throws IOException {
		Set<String> sources;
		try (Stream<Path> files = Files.walk(Docs.file("."))) {
			sources = files.filter((file) -> !file.toString().contains("/target/"))
				.map((file) -> file.getFileName().toString())
				.filter((name) -> name.endsWith(".java") || name.endsWith(".kt"))
				.map((name) -> name.substring(0, name.lastIndexOf('.')))
				.collect(Collectors.toSet());
		}
		Set<String> missing = new TreeSet<>();
		for (Path doc : Docs.markdown()) {
			String file = Docs.name(doc);
			Matcher named = NAMED.matcher(Files.readString(doc));
			while (named.find()) {
				if (!sources.contains(named.group(1))) {
					missing.add(named.group(1) + " (" + file + ")");
				}
			}
		}
		assertThat(missing).as("tests and benchmarks named by the docs without a source file").isEmpty();
	}

}
