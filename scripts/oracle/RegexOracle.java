// The Rhino side of scripts/oracle/regex-diff.mjs: runs regular expression cases in Rhino 1.7.14
// (language version 1.8) in one JVM and prints one result line per case.
//
// A case is a line "PATTERN\tFLAGS\tINPUT\tSTART", PATTERN and INPUT as UTF-16 code units, four
// hex digits each. A result is "null", "i=INDEX;m=G0,G1,..." (each group's text as hex code
// units, "-" for undefined), "e=NAME: MESSAGE" (non-ASCII as \\uXXXX), "crash=JavaClass" (Rhino
// threw a Java exception) or "timeout" (5 s; the JVM then exits with status 3). Compiled and run
// by regex-diff.mjs:
//   javac -cp /usr/share/java/js.jar -d target/oracle-regex scripts/oracle/RegexOracle.java
//   java -cp /usr/share/java/js.jar:target/oracle-regex RegexOracle CASES-FILE [SKIP] > results
// With "-" for CASES-FILE it reads the cases from stdin and flushes each result.

import org.mozilla.javascript.Context;
import org.mozilla.javascript.Function;
import org.mozilla.javascript.Scriptable;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

public final class RegexOracle {
    static final String JS = String.join("\n",
        "function hex(s) { var o = ''; for (var i = 0; i < s.length; i++) { var h = s.charCodeAt(i).toString(16); o += '0000'.substring(h.length) + h; } return o; }",
        "function esc(s) { var o = ''; for (var i = 0; i < s.length; i++) { var c = s.charCodeAt(i);",
        "  if (c < 0x20 || c > 0x7e) { var h = c.toString(16); o += '\\\\u' + '0000'.substring(h.length) + h; } else o += s.charAt(i); } return o; }",
        "function run(p, f, s, st) {",
        "  try {",
        "    var re = new RegExp(p, f);",
        "    re.lastIndex = st;",
        "    var m = re.exec(s);",
        "    if (m === null) return 'null';",
        "    var a = [];",
        "    for (var i = 0; i < m.length; i++) a.push(m[i] === undefined ? '-' : hex(m[i]));",
        "    return 'i=' + m.index + ';m=' + a.join(',');",
        "  } catch (e) { return 'e=' + esc(e.name + ': ' + e.message); }",
        "}");

    static String unhex(String h) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i + 4 <= h.length(); i += 4) sb.append((char) Integer.parseInt(h.substring(i, i + 4), 16));
        return sb.toString();
    }

    public static void main(String[] args) throws Exception {
        ExecutorService worker = Executors.newSingleThreadExecutor();
        Context cx0 = worker.submit(() -> Context.enter()).get();
        final Scriptable scope = worker.submit(() -> {
            Context cx = Context.getCurrentContext();
            cx.setLanguageVersion(Context.VERSION_1_8);
            cx.setOptimizationLevel(-1);
            Scriptable s = cx.initStandardObjects();
            cx.evaluateString(s, JS, "regex-oracle", 1, null);
            return s;
        }).get();
        final Function run = (Function) scope.get("run", scope);
        // "-": cases from stdin, each result flushed at once (regex-diff.mjs --minimize).
        boolean stream = args[0].equals("-");
        BufferedReader in = stream
            ? new BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8))
            : java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(args[0]), StandardCharsets.UTF_8);
        for (long skip = args.length > 1 ? Long.parseLong(args[1]) : 0; skip > 0; skip--) in.readLine();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.split("\t", -1);
            final String p = unhex(f[0]), flags = f[1], s = unhex(f[2]);
            final double st = Double.parseDouble(f[3]);
            Future<String> r = worker.submit(() -> {
                try {
                    Context cx = Context.getCurrentContext();
                    return Context.toString(run.call(cx, scope, scope, new Object[] {p, flags, s, st}));
                } catch (Throwable t) {
                    return "crash=" + t.getClass().getName();
                }
            });
            String res;
            try {
                res = r.get(5, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                res = "timeout";
                out.println(res);
                out.flush();
                System.exit(3);
            }
            out.println(res);
            if (stream) out.flush();
        }
        out.flush();
        System.exit(0);
    }
}
