// The Rhino host of the personalization oracle (see NOTES.md beside this file).
//
// It runs JSSP template cases with Mozilla Rhino (Debian's `rhino` package, /usr/share/java/js.jar)
// as the reference for message-center's own interpreter. The template language itself lives in
// JavaScript: harness.js (JSSP -> JavaScript, case parsing, result JSON) runs in a long-lived host
// scope, prelude.js (the globals Campaign gives a template) runs in a fresh scope for every case.
// This file only does what JavaScript cannot do from inside Rhino:
//   - bound every case: an instruction budget (Rhino's instruction observer, interpreted mode), a
//     wall-clock deadline checked by the same observer, a watchdog that stops a worker thread stuck
//     in native code (a regular expression that backtracks for ever), the interpreter's stack depth,
//     and an output size; a limit is a java.lang.Error, so no `catch` in a template can swallow it;
//   - turn every way a case can fail (syntax error, thrown value, TypeError, OutOfMemoryError,
//     StackOverflowError, a limit) into one result line;
//   - read cases as JSON lines on stdin and write one JSON line per case on stdout (--serve), or
//     time renders (--bench).
//
// Compiled and started by scripts/oracle/run.mjs (javac into target/rhino-oracle/); run it by hand as
//   TZ=UTC java -Xmx1g -cp /usr/share/java/js.jar:target/rhino-oracle RhinoOracle --serve --dir scripts/oracle \
//        --blocks src/script/builtin-blocks.json --options src/script/builtin-options.json
//
// Java 17: the watchdog uses Thread.stop (deprecated; removed in Java 20+). Where it is missing the
// process prints the timeout result and exits with status 3, and run.mjs starts a new one.

import org.mozilla.javascript.Context;
import org.mozilla.javascript.ContextFactory;
import org.mozilla.javascript.EcmaError;
import org.mozilla.javascript.EvaluatorException;
import org.mozilla.javascript.Function;
import org.mozilla.javascript.JavaScriptException;
import org.mozilla.javascript.RhinoException;
import org.mozilla.javascript.Script;
import org.mozilla.javascript.ScriptStackElement;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.ScriptableObject;
import org.mozilla.javascript.Undefined;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

public final class RhinoOracle {
    /** JavaScript 1.8: the dialect closest to the SpiderMonkey 1.8.x that has E4X. */
    static final int LANGUAGE_VERSION = Context.VERSION_1_8;
    /** Interpreter frames before "InternalError: Exceeded maximum stack depth" (catchable, like
     *  SpiderMonkey's "too much recursion"). Without it, runaway recursion only stops when the heap
     *  is full. */
    static final int MAX_STACK_DEPTH = 1000;
    /** Observer granularity in instructions. */
    static final int OBSERVER_THRESHOLD = 10_000;
    /** Extra time the watchdog gives a case past its own deadline before it stops the thread. */
    static final long WATCHDOG_GRACE_MS = 2_000;

    /** A limit hit. An Error, so Rhino lets it through every `catch` and `finally` of a template. */
    public static final class Limit extends Error {
        final String kind;

        Limit(String kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }
    }

    static final class Factory extends ContextFactory {
        final boolean interpreted;
        long budget = Long.MAX_VALUE;
        long deadline = Long.MAX_VALUE;

        Factory(boolean interpreted) {
            this.interpreted = interpreted;
        }

        @Override
        protected Context makeContext() {
            Context cx = super.makeContext();
            cx.setLanguageVersion(LANGUAGE_VERSION);
            if (interpreted) {
                cx.setOptimizationLevel(-1);
                cx.setInstructionObserverThreshold(OBSERVER_THRESHOLD);
                cx.setMaximumInterpreterStackDepth(MAX_STACK_DEPTH);
            } else {
                cx.setOptimizationLevel(9);
            }
            return cx;
        }

        @Override
        protected void observeInstructionCount(Context cx, int instructionCount) {
            budget -= instructionCount;
            if (budget < 0) throw new Limit("StepLimit", "the case ran past its instruction budget");
            if (System.nanoTime() > deadline) throw new Limit("Timeout", "the case ran past its time limit");
        }
    }

    /** What prelude.js may call in Java (as `__host`, removed from the scope once the prelude has
     *  captured it: templates never see it). */
    public static final class Host {
        private final Map<String, TimeZone> zones = new HashMap<>();
        long maxOutput;

        private TimeZone zone(String id) {
            TimeZone tz = zones.get(id);
            if (tz == null) {
                tz = TimeZone.getTimeZone(ZoneId.of(id));
                zones.put(id, tz);
            }
            return tz;
        }

        /** True if `id` is a time zone Java knows (IANA names, "UTC", offsets like "+02:00"). */
        public boolean knownZone(String id) {
            try {
                zone(id);
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }

        /** Offset of `id` from UTC at the instant `utcMillis`, in milliseconds. */
        public double offset(String id, double utcMillis) {
            return zone(id).getOffset((long) utcMillis);
        }

        public double maxOutput() {
            return maxOutput;
        }

        public void outputLimit() {
            throw new Limit("OutputLimit", "the output passed " + maxOutput + " characters");
        }
    }

    /** One Rhino context (bound to the thread that made it), the host scope with harness.js, and
     *  the compiled prelude. */
    static final class Engine {
        final Factory factory;
        final Context cx;
        final ScriptableObject hostScope;
        final Scriptable harness;
        final Script prelude;
        final Host host = new Host();
        /** JSON text of the current case's id (or null), for the watchdog's result. */
        volatile String currentId;
        /** System.nanoTime() past which the watchdog stops this engine's thread. */
        volatile long watchDeadline = Long.MAX_VALUE;

        Engine(Sources src, boolean interpreted) {
            factory = new Factory(interpreted);
            cx = factory.enterContext();
            // The harness and the prelude are ours: compile them to Java classes (several times
            // faster than the interpreter); templates are compiled at the factory's level.
            int level = cx.getOptimizationLevel();
            cx.setOptimizationLevel(9);
            hostScope = cx.initStandardObjects();
            cx.evaluateString(hostScope, src.harness, "harness.js", 1, null);
            harness = (Scriptable) hostScope.get("Harness", hostScope);
            call(harness, "init", src.blocks, src.options);
            prelude = cx.compileString(src.prelude, "prelude.js", 1, null);
            cx.setOptimizationLevel(level);
        }

        Object call(Scriptable obj, String name, Object... args) {
            Function f = (Function) ScriptableObject.getProperty(obj, name);
            return f.call(cx, hostScope, obj, args);
        }

        static Object prop(Scriptable obj, String name) {
            return ScriptableObject.getProperty(obj, name);
        }

        void unlimited() {
            factory.budget = Long.MAX_VALUE;
            factory.deadline = Long.MAX_VALUE;
        }

        /** A fresh case scope with the prelude run and its `__oracle` object taken out. */
        Scriptable newCaseScope(Scriptable prep) {
            ScriptableObject scope = cx.initSafeStandardObjects();
            host.maxOutput = (long) Context.toNumber(prop(prep, "maxOutput"));
            scope.put("__host", scope, Context.javaToJS(host, scope));
            prelude.exec(cx, scope);
            Scriptable oracle = (Scriptable) scope.get("__oracle", scope);
            scope.delete("__oracle");
            scope.delete("__host");
            Function setup = (Function) ScriptableObject.getProperty(oracle, "setup");
            setup.call(cx, scope, oracle, new Object[] {prop(prep, "nowMs"), prop(prep, "seed"), prop(prep, "timeZone")});
            return oracle;
        }

        static Object oracleCall(Context cx, Scriptable oracle, String name, Object... args) {
            Function f = (Function) ScriptableObject.getProperty(oracle, name);
            return f.call(cx, f.getParentScope(), oracle, args);
        }

        /** Runs one case (its JSON text) and returns the result line. */
        String run(String line) {
            try {
                return runCase(line);
            } finally {
                watchDeadline = Long.MAX_VALUE;
            }
        }

        String runCase(String line) {
            unlimited();
            currentId = null;
            watchDeadline = System.nanoTime() + 60_000_000_000L;
            Scriptable prep;
            try {
                prep = (Scriptable) call(harness, "prepare", line);
            } catch (RhinoException e) {
                return "{\"error\":{\"name\":\"HarnessError\",\"message\":" + quote(e.details()) + "}}";
            }
            Object idJson = prop(prep, "idJson");
            currentId = idJson instanceof CharSequence ? idJson.toString() : null;
            Object early = prop(prep, "result");
            if (early instanceof CharSequence) return early.toString();

            String phase = "setup";
            try {
                factory.budget = (long) Context.toNumber(prop(prep, "steps"));
                factory.deadline = System.nanoTime() + (long) (Context.toNumber(prop(prep, "ms")) * 1e6);
                watchDeadline = factory.deadline + WATCHDOG_GRACE_MS * 1_000_000L;
                Scriptable oracle = newCaseScope(prep);
                Scriptable scope = ScriptableObject.getTopLevelScope(((Function) ScriptableObject.getProperty(oracle, "output")));
                phase = "event";
                Object event = oracleCall(cx, oracle, "makeEvent", prop(prep, "eventJson"));
                phase = "compile";
                Function fn = cx.compileFunction(scope, prop(prep, "js").toString(), "template", 1, null);
                phase = "run";
                fn.call(cx, scope, scope, new Object[] {event, event});
                String output = oracleCall(cx, oracle, "output").toString();
                unlimited();
                return call(harness, "okResult", prep, output).toString();
            } catch (Limit e) {
                return fail(prep, e.kind, e.getMessage(), -1, true);
            } catch (StackOverflowError e) {
                return fail(prep, "InternalError", "too much recursion (Java stack overflow)", -1, true);
            } catch (OutOfMemoryError e) {
                return fail(prep, "OutOfMemory", "the case ran out of memory (" + e.getMessage() + ")", -1, true);
            } catch (RhinoException e) {
                if (phase.equals("setup")) return fail(prep, "CaseError", e.details(), -1, false);
                if (phase.equals("event")) return fail(prep, "EventError", e.details(), -1, false);
                return templateFailure(prep, e, phase);
            } catch (RuntimeException e) {
                return fail(prep, "InternalError", "Rhino: " + e, -1, true);
            }
        }

        /** An exception thrown while compiling or running the template itself. */
        String templateFailure(Scriptable prep, RhinoException ex, String phase) {
            if (ex instanceof EcmaError) {
                EcmaError e = (EcmaError) ex;
                return fail(prep, e.getName(), e.getErrorMessage(), templateLine(e), false);
            }
            if (ex instanceof EvaluatorException) {
                EvaluatorException e = (EvaluatorException) ex;
                String msg = e.details();
                String name = phase.equals("run") && msg.contains("maximum stack depth") ? "InternalError" : "SyntaxError";
                return fail(prep, name, msg, templateLine(e), false);
            }
            if (ex instanceof JavaScriptException) {
                JavaScriptException e = (JavaScriptException) ex;
                Object v = e.getValue();
                String name = "Throw";
                String message;
                // Reading name/message or converting the value may run template code (getters,
                // toString): still under the case's limits.
                try {
                    if (v instanceof Scriptable && isError((Scriptable) v)) {
                        Scriptable err = (Scriptable) v;
                        name = Context.toString(ScriptableObject.getProperty(err, "name"));
                        message = Context.toString(ScriptableObject.getProperty(err, "message"));
                    } else {
                        message = Context.toString(v);
                    }
                } catch (Limit l) {
                    return fail(prep, l.kind, l.getMessage(), -1, true);
                } catch (RuntimeException inner) {
                    message = "(a thrown value that cannot be converted to a string)";
                }
                return fail(prep, name, message, templateLine(e), false);
            }
            return fail(prep, "InternalError", ex.details(), templateLine(ex), false);
        }

        static boolean isError(Scriptable v) {
            for (Scriptable p = v; p != null; p = p.getPrototype()) {
                if ("Error".equals(p.getClassName())) return true;
            }
            return false;
        }

        String fail(Scriptable prep, String name, String message, int jsLine, boolean limit) {
            unlimited();
            return call(harness, "errorResult", prep, name, message == null ? "" : message, jsLine, limit).toString();
        }

        /** The line in the template function's source where a Rhino exception happened, or -1. */
        static int templateLine(RhinoException e) {
            if ("template".equals(e.sourceName()) && e.lineNumber() > 0) return e.lineNumber();
            for (ScriptStackElement el : e.getScriptStack()) {
                if ("template".equals(el.fileName) && el.lineNumber > 0) return el.lineNumber;
            }
            return -1;
        }

        // --- bench -------------------------------------------------------------------------------

        /** Times one case: compiled once, rendered `n` times per run, event made once (or for every
         *  render when `reparse`). Returns the median microseconds per render over `runs` runs. */
        double bench(String caseText, int n, int runs, boolean reparse, StringBuilder check) {
            unlimited();
            Scriptable prep = (Scriptable) call(harness, "prepare", caseText);
            Object early = prop(prep, "result");
            if (early instanceof CharSequence) throw new IllegalStateException("case does not compile: " + early);
            Scriptable oracle = newCaseScope(prep);
            Scriptable scope = ScriptableObject.getTopLevelScope((Function) ScriptableObject.getProperty(oracle, "output"));
            Object eventJson = prop(prep, "eventJson");
            Object event = oracleCall(cx, oracle, "makeEvent", eventJson);
            Function fn = cx.compileFunction(scope, prop(prep, "js").toString(), "template", 1, null);
            Object[] args = new Object[] {event, event};
            // warm-up
            for (int i = 0; i < Math.max(n, 2000); i++) {
                oracleCall(cx, oracle, "reset");
                if (reparse) {
                    Object ev = oracleCall(cx, oracle, "makeEvent", eventJson);
                    args[0] = ev;
                    args[1] = ev;
                }
                fn.call(cx, scope, scope, args);
            }
            check.setLength(0);
            check.append(oracleCall(cx, oracle, "output").toString());
            double[] perRender = new double[runs];
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    oracleCall(cx, oracle, "reset");
                    if (reparse) {
                        Object ev = oracleCall(cx, oracle, "makeEvent", eventJson);
                        args[0] = ev;
                        args[1] = ev;
                    }
                    fn.call(cx, scope, scope, args);
                }
                perRender[r] = (System.nanoTime() - t0) / 1e3 / n;
            }
            Arrays.sort(perRender);
            return perRender[runs / 2];
        }
    }

    static final class Sources {
        String prelude, harness, blocks, options;
    }

    /** The thread that owns an Engine; the main thread hands it one case at a time. */
    static final class Worker {
        final SynchronousQueue<String> in = new SynchronousQueue<>();
        final SynchronousQueue<String> out = new SynchronousQueue<>();
        final Thread thread;
        volatile Engine engine;
        volatile Throwable startFailure;

        Worker(Sources src) {
            thread = new Thread(null, () -> {
                try {
                    engine = new Engine(src, true);
                } catch (Throwable t) {
                    startFailure = t;
                }
                try {
                    out.put("ready");
                    if (startFailure != null) return;
                    while (true) {
                        String line = in.take();
                        String result;
                        try {
                            result = engine.run(line);
                        } catch (Throwable t) {
                            result = "{\"error\":{\"name\":\"HarnessError\",\"message\":" + quote(t.toString()) + "}}";
                        }
                        out.put(result);
                    }
                } catch (InterruptedException e) {
                    // stopped
                }
            }, "oracle-worker", 64L << 20);
            thread.setDaemon(true);
            thread.start();
        }

        void awaitReady() throws Exception {
            out.take();
            if (startFailure != null) throw new RuntimeException("the oracle could not start", startFailure);
        }
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20 || (c >= 0xD800 && c <= 0xDFFF)) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    public static void main(String[] argv) throws Exception {
        String mode = null;
        Path dir = Path.of("scripts/oracle");
        Path blocks = Path.of("src/script/builtin-blocks.json");
        Path options = Path.of("src/script/builtin-options.json");
        int iterations = 2000, runs = 7;
        boolean compiled = false;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--serve": mode = "serve"; break;
                case "--bench": mode = "bench"; break;
                case "--dir": dir = Path.of(argv[++i]); break;
                case "--blocks": blocks = Path.of(argv[++i]); break;
                case "--options": options = Path.of(argv[++i]); break;
                case "--iterations": iterations = Integer.parseInt(argv[++i]); break;
                case "--runs": runs = Integer.parseInt(argv[++i]); break;
                case "--compiled": compiled = true; break;
                default: files.add(Path.of(argv[i]));
            }
        }
        Sources src = new Sources();
        src.prelude = read(dir.resolve("prelude.js"));
        src.harness = read(dir.resolve("harness.js"));
        src.blocks = read(blocks);
        src.options = read(options);
        if ("serve".equals(mode)) serve(src);
        else if ("bench".equals(mode)) bench(src, files, iterations, runs, compiled);
        else {
            System.err.println("usage: RhinoOracle --serve | --bench [--iterations N] [--runs N] [--compiled] CASE.json...");
            System.exit(2);
        }
    }

    static void serve(Sources src) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16);
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
        Worker worker = new Worker(src);
        worker.awaitReady();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            worker.in.put(line);
            String result = null;
            boolean stuck = false;
            while (result == null && !stuck) {
                result = worker.out.poll(100, TimeUnit.MILLISECONDS);
                Engine en = worker.engine;
                stuck = result == null && en != null && System.nanoTime() > en.watchDeadline;
            }
            if (result == null) {
                // Stuck outside the interpreter loop (e.g. a backtracking regular expression): the
                // observer cannot fire there. Stop the thread and start a new engine.
                String id = worker.engine == null ? null : worker.engine.currentId;
                result = "{" + (id == null ? "" : "\"id\":" + id + ",")
                        + "\"error\":{\"name\":\"Timeout\",\"message\":\"the case ran past its time limit (stopped by the watchdog)\",\"limit\":true}}";
                boolean stopped = stop(worker.thread);
                if (!stopped) {
                    out.println(result);
                    out.flush();
                    System.exit(3);
                }
                worker = new Worker(src);
                worker.awaitReady();
            }
            out.println(result);
            out.flush();
        }
        out.flush();
    }

    @SuppressWarnings("deprecation")
    static boolean stop(Thread t) {
        try {
            t.stop();
            t.join(5_000);
            return !t.isAlive();
        } catch (UnsupportedOperationException | InterruptedException e) {
            return false;
        }
    }

    static void bench(Sources src, List<Path> files, int n, int runs, boolean compiled) throws Exception {
        Engine e = new Engine(src, !compiled);
        StringBuilder check = new StringBuilder();
        System.out.println("{\"mode\":" + quote(compiled ? "compiled (optimization level 9)" : "interpreted (optimization level -1, as the oracle runs)")
                + ",\"iterations\":" + n + ",\"runs\":" + runs + "}");
        for (Path f : files) {
            String text = read(f);
            double once = e.bench(text, n, runs, false, check);
            int outLen = check.length();
            double each = e.bench(text, Math.max(n / 4, 200), runs, true, check);
            System.out.println("{\"case\":" + quote(f.getFileName().toString()) + ",\"eventOnce_us\":" + String.format("%.3f", once)
                    + ",\"eventEachRender_us\":" + String.format("%.3f", each) + ",\"outputChars\":" + outLen + "}");
            System.out.flush();
        }
    }
}
