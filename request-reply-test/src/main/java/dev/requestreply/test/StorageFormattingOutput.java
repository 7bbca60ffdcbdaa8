package dev.requestreply.test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * Kafka formats a new broker's log directory with its storage tool's {@code Formatter}, which
 * prints "Formatting metadata directory ..." and "Bootstrap metadata: ..." to standard output
 * rather than through a logger: raw lines in the middle of an application's log. While a broker
 * starts, {@code System.out} is this stream, which drops what that formatter writes (it runs on a
 * thread of Kafka's test kit, and takes {@code System.out} when it is created) and passes
 * everything else on as it is.
 */
final class StorageFormattingOutput extends OutputStream {

	private static final String FORMATTER = "org.apache.kafka.metadata.storage.Formatter";

	private static final StackWalker stack = StackWalker.getInstance();

	private final PrintStream target;

	private StorageFormattingOutput(PrintStream target) {
		this.target = target;
	}

	/**
	 * Run a broker's start with the formatter's output dropped.
	 * @param start the start
	 */
	static void silenced(Runnable start) {
		PrintStream original = System.out;
		PrintStream quiet = new PrintStream(new StorageFormattingOutput(original), true, charset());
		System.setOut(quiet);
		try {
			start.run();
		}
		finally {
			// Unless someone else replaced it meanwhile.
			if (System.out == quiet) {
				System.setOut(original);
			}
		}
	}

	@Override
	public void write(int b) {
		if (!fromFormatter()) {
			this.target.write(b);
		}
	}

	@Override
	public void write(byte[] bytes, int offset, int length) {
		if (!fromFormatter()) {
			this.target.write(bytes, offset, length);
		}
	}

	@Override
	public void flush() {
		this.target.flush();
	}

	private static boolean fromFormatter() {
		return stack.walk((frames) -> frames.anyMatch((frame) -> frame.getClassName().equals(FORMATTER)));
	}

	/**
	 * Text printed to this stream (rather than bytes, as loggers write) is encoded as standard output
	 * encodes it.
	 */
	private static Charset charset() {
		String name = System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding"));
		try {
			return (name != null) ? Charset.forName(name) : Charset.defaultCharset();
		}
		catch (IllegalArgumentException ex) {
			return Charset.defaultCharset();
		}
	}

}
