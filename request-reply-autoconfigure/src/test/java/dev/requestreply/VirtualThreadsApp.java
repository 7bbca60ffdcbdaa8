package dev.requestreply;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.sun.management.HotSpotDiagnosticMXBean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A responder and requester in one application, in a JVM of its own on Java 21 or later, for
 * {@code VirtualThreadsTests}: {@code VirtualThreadsApp <bootstrap servers> [property=value...]}.
 * It makes one round trip, then dumps its threads (virtual ones included, which
 * {@link Thread#getAllStackTraces()} leaves out) and prints
 * {@code FORKED threads name=virtual;name=platform;...}: the threads the library started, the
 * thread the handler ran on ({@code handler:<name>}) and the one the future completed on
 * ({@code completion:<name>}).
 */
public final class VirtualThreadsApp {

	private VirtualThreadsApp() {
	}

	public static void main(String[] args) throws Exception {
		String[] properties = Arrays.copyOfRange(args, 1, args.length);
		TestApps apps = new TestApps();
		ConfigurableApplicationContext context = apps.startAssigned(args[0], new Class<?>[] { App.class },
				properties);
		Map<String, Boolean> threads = new TreeMap<>();
		RequestReplyTemplate template = context.getBean(RequestReplyTemplate.class);
		CompletableFuture<String> handler = template.request(context.getEnvironment().getProperty("test.topic"),
				"where", String.class, Duration.ofSeconds(30));
		CompletableFuture<Thread> completion = handler.thenApply((reply) -> Thread.currentThread());
		// Replies only now: the future completes after the callback is registered, so on its thread.
		Where.callbackRegistered.countDown();
		// Waiting on the callback's future, not on the request's: a thread waiting on a future may
		// run its callbacks itself.
		Thread completing = completion.get(30, TimeUnit.SECONDS);
		threads.put("completion:" + completing.getName(), isVirtual(completing));
		String handlerThread = handler.join();
		threads.put("handler:" + handlerThread.substring(0, handlerThread.lastIndexOf('=')),
				handlerThread.endsWith("=virtual"));
		threads.putAll(dumpThreads());
		StringBuilder answer = new StringBuilder();
		threads.forEach((name, virtual) -> answer.append(name.replace(' ', '_'))
			.append('=')
			.append(virtual ? "virtual" : "platform")
			.append(';'));
		System.out.println(ForkedJvm.PREFIX + "threads " + answer);
		System.out.flush();
		context.close();
	}

	// Every thread of this JVM, by name: whether it is virtual. Through the Java 21 thread dump
	// (HotSpotDiagnosticMXBean.dumpThreads), called reflectively since the tests compile for Java 17.
	private static Map<String, Boolean> dumpThreads() throws Exception {
		Path file = Files.createTempDirectory("threads").resolve("threads.json");
		HotSpotDiagnosticMXBean diagnostics = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
		Class<?> format = Class.forName("com.sun.management.HotSpotDiagnosticMXBean$ThreadDumpFormat");
		Method dump = HotSpotDiagnosticMXBean.class.getMethod("dumpThreads", String.class, format);
		dump.invoke(diagnostics, file.toString(), enumConstant(format, "JSON"));
		JsonNode root = JsonMapper.builder().build().readTree(file.toFile());
		Map<String, Boolean> threads = new TreeMap<>();
		for (JsonNode container : root.path("threadDump").path("threadContainers")) {
			for (JsonNode thread : container.path("threads")) {
				threads.merge(thread.path("name").asString(), isVirtual(thread), Boolean::logicalOr);
			}
		}
		return threads;
	}

	// Java 25 marks virtual threads "virtual": true; Java 21 only shows it by their first frame.
	private static boolean isVirtual(JsonNode thread) {
		if (thread.path("virtual").asBoolean(false)) {
			return true;
		}
		for (JsonNode frame : thread.path("stack")) {
			if (frame.asString().contains("java.lang.VirtualThread.run")) {
				return true;
			}
		}
		return false;
	}

	private static Object enumConstant(Class<?> type, String name) {
		for (Object constant : type.getEnumConstants()) {
			if (((Enum<?>) constant).name().equals(name)) {
				return constant;
			}
		}
		throw new IllegalArgumentException(name);
	}

	static boolean isVirtual(Thread thread) {
		try {
			return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
		}
		catch (ReflectiveOperationException ex) {
			return false;
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class App {

		@Bean
		Where where() {
			return new Where();
		}

	}

	/**
	 * Answers with the name of the thread it runs on and whether it is virtual.
	 */
	public static class Where {

		static final CountDownLatch callbackRegistered = new CountDownLatch(1);

		@ReplyHandler(topics = "${test.topic}")
		String where(String request) throws InterruptedException {
			callbackRegistered.await(30, TimeUnit.SECONDS);
			Thread thread = Thread.currentThread();
			return thread.getName() + "=" + (isVirtual(thread) ? "virtual" : "platform");
		}

	}

}
