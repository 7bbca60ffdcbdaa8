package dev.requestreply;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

import dev.requestreply.TestResponders.EchoApp;
import dev.requestreply.TestResponders.GroupJobsApp;
import dev.requestreply.TestResponders.QueueJobsApp;
import dev.requestreply.TestResponders.RequesterApp;
import dev.requestreply.TestResponders.StreamApp;
import dev.requestreply.autoconfigure.TestClients;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerStats;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.Lifecycle;

/**
 * A responder ({@code EchoApp}, or {@code StreamApp} for {@code streamer}) or a requester
 * application in a JVM of its own, for the crash tests:
 * {@code ForkedApp responder|streamer|jobs|group-jobs|requester <bootstrap servers> [property=value...]}
 * ({@code jobs}: {@code QueueJobsApp}, in queue mode; {@code group-jobs}: {@code GroupJobsApp};
 * {@code durable}: {@link ForkedDurableApp}, a requester of durable requests). It prints
 * {@code FORKED ready} once
 * started (a responder once its handlers own partitions, unless given {@code test.standby=true}
 * or in queue mode) and then answers commands read from its standard input, one a line:
 * <ul>
 * <li>{@code join}: starts its handlers, stopped at start-up when given
 * {@code test.join-on-command=true} (so that they join their groups at a moment the test chooses
 * rather than after an application start of several seconds), {@code FORKED join};</li>
 * <li>{@code assignment}: the handler partitions it owns, {@code FORKED assignment 0,2};</li>
 * <li>{@code stats}: what its handlers did, {@code FORKED stats handled=12 expired=3 ...};</li>
 * <li>{@code send <topic> <count> <timeout ms>}: sends that many requests ({@code orphan-0} ...)
 * and answers {@code FORKED send <count>} once they are written;</li>
 * <li>{@code submit <topic> <count> <quick>} ({@code durable}): submits that many durable requests
 * (see {@link ForkedDurableApp#submit}) and answers {@code FORKED submit <id>,<id>...} once each is
 * accepted.</li>
 * </ul>
 */
public final class ForkedApp {

	private ForkedApp() {
	}

	public static void main(String[] args) throws Exception {
		boolean responder = !"requester".equals(args[0]) && !"durable".equals(args[0]);
		Class<?> responderApp = switch (args[0]) {
			case "streamer" -> StreamApp.class;
			case "jobs" -> QueueJobsApp.class;
			case "group-jobs" -> GroupJobsApp.class;
			default -> EchoApp.class;
		};
		String[] properties = Arrays.copyOfRange(args, 2, args.length);
		// Outside JUnit: the extension only starts the application; this process closes it.
		TestApps apps = new TestApps();
		// A standby responder may own no partition yet: it is ready once started.
		boolean standby = Arrays.asList(properties).contains("test.standby=true") || "jobs".equals(args[0]);
		ConfigurableApplicationContext context = (responder && !standby)
				? apps.startAssigned(args[1], new Class<?>[] { responderApp }, properties)
				: responder ? apps.start(args[1], new Class<?>[] { responderApp }, properties)
				: "durable".equals(args[0]) ? apps.start(args[1], new Class<?>[] { ForkedDurableApp.class }, properties)
				: apps.start(args[1], new Class<?>[] { RequesterApp.class }, properties);
		if (Arrays.asList(properties).contains("test.join-on-command=true")) {
			((Lifecycle) context.getBean(ReplyHandlerContainers.class)).stop();
		}
		answer("ready");
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = commands.readLine()) != null) {
			String[] command = line.trim().split(" ");
			switch (command[0]) {
				case "join" -> {
					((Lifecycle) context.getBean(ReplyHandlerContainers.class)).start();
					answer("join");
				}
				case "assignment" -> answer("assignment " + assignment(context));
				case "stats" -> answer("stats " + stats(context));
				case "send" -> answer("send " + send(context, command[1], Integer.parseInt(command[2]),
						Duration.ofMillis(Long.parseLong(command[3]))));
				case "submit" -> answer("submit " + ForkedDurableApp.submit(context, command[1],
						Integer.parseInt(command[2]), Integer.parseInt(command[3])));
				default -> answer("unknown " + line);
			}
		}
		context.close();
	}

	private static void answer(String text) {
		System.out.println(ForkedJvm.PREFIX + text);
		System.out.flush();
	}

	private static String assignment(ConfigurableApplicationContext context) {
		return context.getBean(ReplyHandlerContainers.class)
			.getContainers()
			.stream()
			.filter((container) -> container.getAssignedPartitions() != null)
			.flatMap((container) -> container.getAssignedPartitions().stream())
			.map((partition) -> String.valueOf(partition.partition()))
			.sorted()
			.collect(Collectors.joining(","));
	}

	private static String stats(ConfigurableApplicationContext context) {
		long handled = 0;
		long expired = 0;
		long alreadyFinished = 0;
		long redelivered = 0;
		long cancelled = 0;
		for (ReplyHandlerStats stats : context.getBean(ReplyHandlerContainers.class).getStats().values()) {
			handled += stats.handled();
			expired += stats.expired();
			alreadyFinished += stats.alreadyFinished();
			redelivered += stats.redelivered();
			cancelled += stats.cancelled();
		}
		return "handled=" + handled + " expired=" + expired + " alreadyFinished=" + alreadyFinished + " redelivered="
				+ redelivered + " cancelled=" + cancelled;
	}

	private static int send(ConfigurableApplicationContext context, String topic, int count, Duration timeout) {
		RequestReplyTemplate template = context.getBean(RequestReplyTemplate.class);
		for (int i = 0; i < count; i++) {
			template.request(topic, "orphan-" + i, String.class, timeout);
		}
		// Written and acknowledged before the test kills this JVM.
		TestClients.flushProducer(context);
		return count;
	}

}
