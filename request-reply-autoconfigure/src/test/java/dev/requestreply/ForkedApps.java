package dev.requestreply;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts {@link ForkedApp} applications in JVMs of their own against the shared test broker, and
 * kills every one it started after each test, whatever its outcome. Register it with
 * {@code @RegisterExtension final ForkedApps forked = new ForkedApps();}.
 */
final class ForkedApps implements AfterEachCallback {

	private final List<ForkedJvm> jvms = new ArrayList<>();

	/**
	 * Start an application in a JVM of its own.
	 * @param name the JVM's name, in its log lines
	 * @param role {@code responder}, {@code streamer} or {@code requester} (see {@link ForkedApp})
	 * @param properties the application's properties
	 */
	ForkedJvm fork(String name, String role, List<String> properties) {
		return fork(name, role, TestBroker.bootstrapServers(), properties);
	}

	/**
	 * Start an application in a JVM of its own, against the given brokers rather than the shared
	 * test broker.
	 */
	synchronized ForkedJvm fork(String name, String role, String bootstrapServers, List<String> properties) {
		List<String> args = new ArrayList<>(List.of(role, bootstrapServers));
		args.addAll(properties);
		ForkedJvm jvm = ForkedJvm.start(name, ForkedApp.class, args);
		this.jvms.add(jvm);
		return jvm;
	}

	@Override
	public synchronized void afterEach(ExtensionContext context) {
		this.jvms.forEach(ForkedJvm::kill);
		this.jvms.clear();
	}

}
