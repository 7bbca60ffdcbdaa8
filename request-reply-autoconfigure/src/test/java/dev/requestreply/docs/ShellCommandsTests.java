package dev.requestreply.docs;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every shell command of the README, the changelog and docs/ (each line of a {@code ```shell}
 * block, and each inline {@code mvn}, {@code ./mvnw} or {@code java} command) names what exists in
 * this repository: the modules of {@code -pl}, the profiles of {@code -P}, the test classes (and
 * methods) of {@code -Dtest}, the class path or jar of {@code java -cp}/{@code -jar} (a build output
 * is named as its module's pom names it) and the class it runs, and every path into the
 * repository. The project version named by the docs (dependencies, jar names) is the build's. A
 * block run elsewhere (in an application of the reader's, in a scratch clone) says so on the line
 * before it: {@value #ELSEWHERE}...{@code -->}.
 */
class ShellCommandsTests {

	static final String ELSEWHERE = "<!-- shell: elsewhere";

	private static final Pattern INLINE = Pattern.compile("`((?:mvn|\\./mvnw|java) [^`]+)`");

	private static final Pattern DEPENDENCY_VERSION = Pattern
		.compile("<artifactId>(request-reply-[a-z0-9-]+)</artifactId>\\s*<version>([^<]+)</version>");

	private static final Pattern PROFILE = Pattern.compile("(?s)<profile>\\s*(?:<!--.*?-->\\s*)?<id>([^<]+)</id>");

	private static Path root;

	private static Map<String, Module> modules;

	private static Set<String> profiles;

	private static List<String> testClasses;

	// Every file of the repository but Git's and the builds' own, from the root, with '/'.
	private static List<String> files;

	private static String version;

	@BeforeAll
	static void read() throws IOException {
		root = Docs.file("");
		modules = new TreeMap<>();
		profiles = new HashSet<>();
		try (Stream<Path> entries = Files.list(root)) {
			for (Path dir : entries.filter((entry) -> Files.isRegularFile(entry.resolve("pom.xml"))).toList()) {
				String pom = Files.readString(dir.resolve("pom.xml"));
				modules.put(dir.getFileName().toString(), Module.of(pom));
				collect(PROFILE, pom, profiles);
			}
		}
		String pom = Files.readString(root.resolve("pom.xml"));
		collect(PROFILE, pom, profiles);
		version = Module.of(pom).version();
		files = new ArrayList<>();
		Files.walkFileTree(root, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
				String name = dir.getFileName().toString();
				return (name.equals(".git") || name.equals("target")) ? FileVisitResult.SKIP_SUBTREE
						: FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
				files.add(root.relativize(file).toString().replace('\\', '/'));
				return FileVisitResult.CONTINUE;
			}

		});
		testClasses = files.stream()
			.filter((file) -> file.matches(".*/src/test/(java|kotlin)/.*\\.(java|kt)"))
			.map((file) -> file.replaceFirst("^.*/src/test/(java|kotlin)/", "").replaceFirst("\\.(java|kt)$", ""))
			.map((file) -> file.replace('/', '.'))
			.toList();
	}

	@Test
	void whenADocGivesAShellCommandThenWhatItNamesExists() {
		List<String> problems = new ArrayList<>();
		for (Path doc : Docs.markdown()) {
			for (Command command : commands(doc)) {
				command.check(problems);
			}
		}
		assertThat(problems.stream().distinct()).as("shell commands of the docs naming what does not exist").isEmpty();
	}

	@Test
	void whenADocNamesTheProjectsVersionThenItIsTheBuildsVersion() {
		List<String> problems = new ArrayList<>();
		for (Path doc : Docs.markdown()) {
			Matcher dependency = DEPENDENCY_VERSION.matcher(MarkedBlock.read(doc));
			while (dependency.find()) {
				if (!dependency.group(2).equals(version)) {
					problems.add(Docs.name(doc) + ": " + dependency.group(1) + " " + dependency.group(2) + " (the build is "
							+ version + ")");
				}
			}
		}
		assertThat(problems).as("dependencies on request-reply with another version than the build's").isEmpty();
	}

	/**
	 * Return the commands of a doc: each line of its shell blocks not marked as run elsewhere
	 * (continued lines joined, comments dropped), and each inline command.
	 */
	static List<Command> commands(Path doc) {
		List<Command> commands = new ArrayList<>();
		String[] lines = MarkedBlock.read(doc).split("\n", -1);
		boolean inShell = false;
		boolean elsewhere = false;
		StringBuilder current = new StringBuilder();
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i];
			String where = Docs.name(doc) + ":" + (i + 1);
			if (line.startsWith("```")) {
				inShell = !inShell && line.equals("```shell");
				elsewhere = inShell && i > 0 && lines[i - 1].startsWith(ELSEWHERE);
				continue;
			}
			if (inShell) {
				String text = line.replaceFirst("(^|\\s)#.*$", "").strip();
				if (elsewhere || (text.isEmpty() && current.isEmpty())) {
					continue;
				}
				if (text.endsWith("\\")) {
					current.append(text, 0, text.length() - 1).append(' ');
					continue;
				}
				current.append(text);
				commands.add(new Command(where, current.toString()));
				current.setLength(0);
			}
			else {
				Matcher inline = INLINE.matcher(line);
				while (inline.find()) {
					commands.add(new Command(where, inline.group(1)));
				}
			}
		}
		return commands;
	}

	private static void collect(Pattern pattern, String text, Set<String> into) {
		Matcher found = pattern.matcher(text);
		while (found.find()) {
			into.add(found.group(1));
		}
	}

	/**
	 * What the build of a module is named: its artifact id, version and final name.
	 *
	 * @param artifactId the artifact id
	 * @param version the version (the parent's when the module names none)
	 * @param finalName the final name of its artifact
	 */
	record Module(String artifactId, String version, String finalName) {

		static Module of(String pom) {
			String project = pom.replaceAll("(?s)<parent>.*?</parent>", "")
				.replaceAll("(?s)<dependencies>.*</dependencies>", "")
				.replaceAll("(?s)<dependencyManagement>.*</dependencyManagement>", "")
				.replaceAll("(?s)<build>.*</build>", "")
				.replaceAll("(?s)<profiles>.*</profiles>", "");
			String parent = first("(?s)<parent>.*?<version>([^<]+)</version>", pom);
			String artifactId = first("<artifactId>([^<]+)</artifactId>", project);
			String ownVersion = first("<version>([^<]+)</version>", project);
			String version = (ownVersion != null) ? ownVersion : parent;
			String finalName = first("<finalName>([^<]+)</finalName>", pom);
			return new Module(artifactId, version, (finalName != null) ? finalName : artifactId + "-" + version);
		}

		private static String first(String regex, String text) {
			Matcher found = Pattern.compile(regex).matcher(text);
			return found.find() ? found.group(1) : null;
		}

	}

	/**
	 * One command of a doc.
	 *
	 * @param where the file and line it is on
	 * @param text the command
	 */
	record Command(String where, String text) {

		void check(List<String> problems) {
			for (String part : this.text.split("\\s*(&&|\\|\\||[|;&])\\s*")) {
				List<String> words = words(part);
				while (!words.isEmpty() && words.get(0).matches("[A-Z_]+=.*")) {
					words.remove(0);
				}
				if (words.isEmpty()) {
					continue;
				}
				String program = words.get(0);
				if (program.equals("mvn") || program.endsWith("mvnw")) {
					maven(words, problems);
				}
				else if (program.equals("java")) {
					java(words, problems);
				}
				else if (program.equals("cd") && words.size() > 1) {
					path(words.get(1), true, problems);
				}
				for (String word : words.subList(1, words.size())) {
					path(word, false, problems);
				}
			}
		}

		private void maven(List<String> words, List<String> problems) {
			for (int i = 1; i < words.size(); i++) {
				String word = words.get(i);
				String next = (i + 1 < words.size()) ? words.get(i + 1) : "";
				if (word.equals("-pl") || word.equals("--projects")) {
					for (String module : next.split(",")) {
						String name = module.replaceFirst("^[!:]", "");
						if (!modules.containsKey(name)) {
							problem(problems, "no module '" + name + "'");
						}
					}
				}
				else if (word.startsWith("-P") && !word.equals("-P")) {
					profiles(word.substring(2), problems);
				}
				else if (word.equals("-P") || word.equals("--activate-profiles")) {
					profiles(next, problems);
				}
				else if (word.startsWith("-Dtest=")) {
					for (String test : word.substring("-Dtest=".length()).split(",")) {
						test(test, problems);
					}
				}
			}
		}

		private void profiles(String list, List<String> problems) {
			for (String profile : list.split(",")) {
				String name = profile.replaceFirst("^!", "");
				if (!profiles.contains(name)) {
					problem(problems, "no profile '" + name + "'");
				}
			}
		}

		private void test(String test, List<String> problems) {
			int hash = test.indexOf('#');
			String classPattern = (hash < 0) ? test : test.substring(0, hash);
			Pattern name = Pattern.compile(glob(classPattern.replace('/', '.')));
			List<String> matched = testClasses.stream()
				.filter((fqn) -> name.matcher(fqn).matches()
						|| name.matcher(fqn.substring(fqn.lastIndexOf('.') + 1)).matches())
				.toList();
			if (matched.isEmpty()) {
				problem(problems, "no test class '" + classPattern + "'");
				return;
			}
			if (hash >= 0) {
				Pattern method = Pattern.compile("(void|fun)\\s+" + glob(test.substring(hash + 1)) + "\\s*\\(");
				boolean found = matched.stream().anyMatch((fqn) -> method.matcher(source(fqn)).find());
				if (!found) {
					problem(problems, "no test method '" + test + "'");
				}
			}
		}

		private void java(List<String> words, List<String> problems) {
			for (int i = 1; i < words.size(); i++) {
				String word = words.get(i);
				if (word.equals("-cp") || word.equals("-classpath") || word.equals("-jar")) {
					String path = (i + 1 < words.size()) ? words.get(i + 1) : "";
					if (!artifact(path)) {
						problem(problems, "no jar '" + path + "' (a module's build output is named as its pom names it)");
					}
					if (!word.equals("-jar") && i + 2 < words.size()) {
						String main = words.get(i + 2);
						if (!exists("**/src/main/java/" + main.replace('.', '/') + ".java")) {
							problem(problems, "no class '" + main + "'");
						}
					}
					return;
				}
			}
		}

		/**
		 * Return whether a path is a file of the repository, or what a module's build writes.
		 */
		private static boolean artifact(String path) {
			Matcher output = Pattern.compile("([^/]+)/target/([^/]+)\\.jar").matcher(path);
			if (output.matches()) {
				Module module = modules.get(output.group(1));
				return module != null && module.finalName().equals(output.group(2));
			}
			return !path.isEmpty() && exists(path);
		}

		/**
		 * Check a word that may be a path into the repository: one whose first part names an entry
		 * of the repository's root (the jars of {@code java} are checked as such).
		 */
		private void path(String word, boolean directory, List<String> problems) {
			if (word.startsWith("-") || word.contains("://") || word.contains("=") || word.contains("$")
					|| word.startsWith("/") || word.startsWith("~")) {
				return;
			}
			String path = word.startsWith("./") ? word.substring(2) : word;
			int slash = path.indexOf('/');
			String first = (slash < 0) ? path : path.substring(0, slash);
			boolean repository = slash > 0 && Files.exists(root.resolve(first));
			if (!repository && !directory) {
				return;
			}
			if (path.contains("/target/")) {
				String module = path.substring(0, path.indexOf("/target/"));
				if (!modules.containsKey(module)) {
					problem(problems, "no module '" + module + "' for '" + word + "'");
				}
				else if (path.endsWith(".jar") && !artifact(path)) {
					problem(problems, "no jar '" + word + "' (a module's build output is named as its pom names it)");
				}
				return;
			}
			if (!exists(path)) {
				problem(problems, "no file '" + word + "'");
			}
		}

		private void problem(List<String> problems, String problem) {
			problems.add(this.where + " " + problem + ": " + this.text);
		}

		private static List<String> words(String command) {
			List<String> words = new ArrayList<>();
			for (String word : command.strip().split("\\s+")) {
				if (!word.isEmpty()) {
					words.add(word.replace("'", "").replace("\"", ""));
				}
			}
			return words;
		}

		private static String glob(String pattern) {
			StringBuilder regex = new StringBuilder();
			for (char c : pattern.toCharArray()) {
				regex.append((c == '*') ? ".*" : Pattern.quote(String.valueOf(c)));
			}
			return regex.toString();
		}

		private static boolean exists(String path) {
			if (!path.contains("*")) {
				return Files.exists(root.resolve(path));
			}
			PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + path);
			return files.stream().anyMatch((file) -> matcher.matches(Path.of(file)));
		}

		private static String source(String fqn) {
			String file = fqn.replace('.', '/');
			String found = files.stream()
				.filter((path) -> path.matches(".*/src/test/(java|kotlin)/" + Pattern.quote(file) + "\\.(java|kt)"))
				.findFirst()
				.orElseThrow();
			return MarkedBlock.read(root.resolve(found));
		}

	}

}
