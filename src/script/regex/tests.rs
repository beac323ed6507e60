use super::*;

fn u(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

fn hex(s: &[u16]) -> String {
    s.iter().map(|c| format!("{c:04x}")).collect()
}

fn unhex(h: &str) -> Vec<u16> {
    (0..h.len() / 4).map(|i| u16::from_str_radix(&h[i * 4..i * 4 + 4], 16).unwrap()).collect()
}

/// One case, its result as the oracle prints it (see scripts/oracle/RegexOracle.java): an error
/// as `e=SyntaxError: MESSAGE` (ours), `e=InternalError` or `e=OutOfFuel`.
fn run_case(p: &[u16], flags: &str, s: &[u16], last_index: usize) -> String {
    let err = |e: RegexError| match e {
        RegexError::Syntax(m) => format!("e=SyntaxError: {m}"),
        RegexError::TooComplex => "e=InternalError".to_string(),
        RegexError::OutOfFuel => "e=OutOfFuel".to_string(),
    };
    let re = match Regex::new(p, flags) {
        Ok(re) => re,
        Err(e) => return err(e),
    };
    let start = if re.flags().global { last_index } else { 0 };
    let mut fuel = std::env::var("REGEX_DIFF_FUEL").ok().and_then(|f| f.parse().ok()).unwrap_or(1_000_000_000);
    match re.exec(s, start, &mut fuel) {
        Err(e) => err(e),
        Ok(None) => "null".to_string(),
        Ok(Some(caps)) => {
            assert_eq!(caps.len(), re.group_count() + 1);
            let groups: Vec<String> = caps.iter().map(|c| c.map_or("-".to_string(), |(a, b)| hex(&s[a..b]))).collect();
            let index = caps[0].map_or(0, |c| c.0);
            format!("i={index};m={}", groups.join(","))
        }
    }
}

#[test]
#[ignore = "run by scripts/oracle/regex-diff.mjs"]
fn oracle_diff() {
    let cases = std::env::var("REGEX_DIFF_CASES").expect("REGEX_DIFF_CASES");
    let out = std::env::var("REGEX_DIFF_OUT").expect("REGEX_DIFF_OUT");
    let text = std::fs::read_to_string(cases).unwrap();
    let mut results = String::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let t = std::time::Instant::now();
        let r = run_case(&unhex(f[0]), f[1], &unhex(f[2]), f[3].parse().unwrap());
        if std::env::var("REGEX_DIFF_SLOW").is_ok() && t.elapsed().as_millis() > 20 {
            eprintln!("slow {} ms: {} {} {}", t.elapsed().as_millis(), String::from_utf16_lossy(&unhex(f[0])), f[1], r);
        }
        results.push_str(&r);
        results.push('\n');
    }
    std::fs::write(out, results).unwrap();
}

#[test]
#[ignore = "run by scripts/oracle/regex-diff.mjs --minimize"]
fn oracle_serve() {
    // Cases from stdin, one result a line on stdout ("R " then the result), flushed.
    use std::io::{BufRead, Write};
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        let f: Vec<&str> = line.split('\t').collect();
        let r = run_case(&unhex(f[0]), f[1], &unhex(f[2]), f[3].parse().unwrap());
        writeln!(out, "R {r}").unwrap();
        out.flush().unwrap();
    }
}

/// A result as the table below writes it: `@INDEX ["match","group",null]` (JSON strings,
/// non-ASCII as \uXXXX), `null`, or the error.
fn show(p: &str, flags: &str, s: &str, last_index: usize) -> String {
    let js = |t: &[u16]| {
        let mut o = String::from('"');
        for &c in t {
            match c {
                0x22 => o.push_str("\\\""),
                0x5C => o.push_str("\\\\"),
                0x20..=0x7e => o.push(char::from(c as u8)),
                _ => o.push_str(&format!("\\u{c:04x}")),
            }
        }
        o.push('"');
        o
    };
    let input = u(s);
    let re = match Regex::new(&u(p), flags) {
        Ok(re) => re,
        Err(e) => return e.to_string(),
    };
    let start = if re.flags().global { last_index } else { 0 };
    let mut fuel = 10_000_000;
    match re.exec(&input, start, &mut fuel) {
        Err(e) => e.to_string(),
        Ok(None) => "null".into(),
        Ok(Some(caps)) => {
            let parts: Vec<String> = caps.iter().map(|c| c.map_or("null".into(), |(a, b)| js(&input[a..b]))).collect();
            format!("@{} [{}]", caps[0].unwrap().0, parts.join(","))
        }
    }
}

/// Pattern, flags, input, lastIndex (used with `g`), and the result ES5 gives (checked against
/// V8, whose non-Unicode regular expressions follow the same rules). Where Rhino 1.7.14 answers
/// otherwise, its answer is in a comment: those are its deviations, listed in `mod.rs`.
#[rustfmt::skip]
const TABLE: &[(&str, &str, &str, usize, &str)] = &[
    // The specification's examples (§15.10.2.3, .5, .8).
    ("((a)|(ab))((c)|(bc))", "", "abc", 0, "@0 [\"abc\",\"a\",\"a\",null,\"bc\",null,\"bc\"]"),
    ("a|ab", "", "abc", 0, "@0 [\"a\"]"),
    ("a[a-z]{2,4}", "", "abcdefghi", 0, "@0 [\"abcde\"]"),
    ("a[a-z]{2,4}?", "", "abcdefghi", 0, "@0 [\"abc\"]"),
    ("(aa|aabaac|ba|b|c)*", "", "aabaac", 0, "@0 [\"aaba\",\"ba\"]"),
    ("^(a+)\\1*,\\1+$", "", "aaaaaaaaaa,aaaaaaaaaaaaaaa", 0, "@0 [\"aaaaaaaaaa,aaaaaaaaaaaaaaa\",\"aaaaa\"]"),
    ("(a*)*", "", "b", 0, "@0 [\"\",null]"),
    ("(a*)b\\1+", "", "baaaac", 0, "@0 [\"b\",\"\"]"),
    ("(a)|b", "", "b", 0, "@0 [\"b\",null]"),
    ("(z)((a+)?(b+)?(c))*", "", "zaacbbbcac", 0, "@0 [\"zaacbbbcac\",\"z\",\"ac\",\"a\",null,\"c\"]"),
    ("(?=(a+))a*b\\1", "", "baaabac", 0, "@3 [\"aba\",\"a\"]"),
    ("(?=(a+))", "", "baaabac", 0, "@1 [\"\",\"aaa\"]"),
    ("(.*?)a(?!(a+)b\\2c)\\2(.*)", "", "baaabaac", 0, "@0 [\"baaabaac\",\"ba\",null,\"abaac\"]"),
    ("\\b", "", "ab cd", 0, "@0 [\"\"]"),
    ("\\bc", "", "ab cd", 0, "@3 [\"c\"]"),
    ("b\\b", "", "ab cd", 0, "@1 [\"b\"]"),
    ("\\B", "", "ab", 0, "@1 [\"\"]"),
    ("\\B", "", "", 0, "@0 [\"\"]"),
    ("\\b", "", "", 0, "null"),
    ("a\\b", "", "a-", 0, "@0 [\"a\"]"),
    ("\\B.", "", "a b", 0, "null"),
    ("(a\\1)", "", "aa", 0, "@0 [\"a\",\"a\"]"),
    ("(\\1a)", "", "aa", 0, "@0 [\"a\",\"a\"]"),
    ("(a)\\1", "i", "aA", 0, "@0 [\"aA\",\"a\"]"),
    ("(a)\\1", "", "aA", 0, "null"),
    ("(a*)*", "", "b", 0, "@0 [\"\",null]"),
    ("(a*)+", "", "b", 0, "@0 [\"\",\"\"]"),
    ("(a*)*b", "", "aab", 0, "@0 [\"aab\",\"aa\"]"),
    ("(?:a|)*b", "", "aab", 0, "@0 [\"aab\"]"),
    ("(a|)*b", "", "aab", 0, "@0 [\"aab\",\"a\"]"),
    ("(?:a*)*b", "", "aab", 0, "@0 [\"aab\"]"),
    ("(a|b)*", "", "abab", 0, "@0 [\"abab\",\"b\"]"),
    ("(?:(a)|b)*", "", "ab", 0, "@0 [\"ab\",null]"),
    ("(?:(a)|(b))+", "", "ab", 0, "@0 [\"ab\",null,\"b\"]"),
    ("((a)|(b))+", "", "ab", 0, "@0 [\"ab\",\"b\",null,\"b\"]"),
    ("(a)|\\1b", "", "b", 0, "@0 [\"b\",null]"),
    ("[^]", "", "\u{a}", 0, "@0 [\"\\u000a\"]"),
    ("[^]*", "", "a\u{a}b", 0, "@0 [\"a\\u000ab\"]"),
    ("[]", "", "a", 0, "null"),
    ("[]*", "", "a", 0, "@0 [\"\"]"),
    ("a[]", "", "a", 0, "null"),
    ("[a-z]", "i", "\u{17f}", 0, "null"),
    ("[a-z]", "i", "\u{212a}", 0, "null"),
    ("[a-z]+", "i", "ABC", 0, "@0 [\"ABC\"]"),
    ("\u{212a}", "i", "k", 0, "null"),
    ("k", "i", "\u{212a}", 0, "null"),
    ("[k]", "i", "\u{212a}", 0, "null"),
    ("[\u{212a}]", "i", "k", 0, "null"),
    ("\u{17f}", "i", "s", 0, "null"),
    ("s", "i", "\u{17f}", 0, "null"),
    ("\u{17f}", "i", "S", 0, "null"),
    ("[\u{b5}]", "i", "\u{3bc}", 0, "@0 [\"\\u03bc\"]"),  // Rhino: null
    ("\u{b5}", "i", "\u{3bc}", 0, "@0 [\"\\u03bc\"]"),
    ("\u{b5}", "i", "\u{39c}", 0, "@0 [\"\\u039c\"]"),
    ("\u{df}", "i", "SS", 0, "null"),
    ("\u{df}", "i", "\u{df}", 0, "@0 [\"\\u00df\"]"),
    ("[\u{1c5}]", "i", "\u{1c5}", 0, "@0 [\"\\u01c5\"]"),  // Rhino: null
    ("\u{1c5}", "i", "\u{1c4}", 0, "@0 [\"\\u01c4\"]"),
    ("\u{1c5}", "i", "\u{1c6}", 0, "@0 [\"\\u01c6\"]"),
    ("[\u{1c4}]", "i", "\u{1c6}", 0, "@0 [\"\\u01c6\"]"),
    ("\u{1f80}", "i", "\u{1f88}", 0, "null"),  // Rhino: @0 ["\u1f88"]
    ("[\u{1f80}]", "i", "\u{1f88}", 0, "null"),  // Rhino: @0 ["\u1f88"]
    ("\u{130}", "i", "i", 0, "null"),
    ("\u{131}", "i", "I", 0, "null"),
    ("i", "i", "\u{130}", 0, "null"),
    ("[^a]", "i", "A", 0, "null"),
    ("[^a]", "", "A", 0, "@0 [\"A\"]"),
    ("abc", "i", "xABC", 0, "@1 [\"ABC\"]"),
    ("\u{e0}b", "i", "\u{c0}B", 0, "@0 [\"\\u00c0B\"]"),
    ("[\u{e0}-\u{ff}]", "i", "\u{178}", 0, "@0 [\"\\u0178\"]"),
    ("[a-\u{e0}]", "i", "x", 0, "@0 [\"x\"]"),  // Rhino: SyntaxError: invalid range in character class
    ("[a-\u{e0}]", "i", "", 0, "null"),
    ("[\u{b5}-\u{b6}]", "i", "\u{3bc}", 0, "@0 [\"\\u03bc\"]"),  // Rhino: SyntaxError: invalid range in character class
    ("[\\W]", "i", "s", 0, "null"),
    ("\\w", "i", "\u{17f}", 0, "null"),
    ("\\u0041", "i", "a", 0, "@0 [\"a\"]"),
    ("[\\u0041-\\u0043]", "i", "b", 0, "@0 [\"b\"]"),
    ("\u{ff}", "i", "\u{178}", 0, "@0 [\"\\u0178\"]"),
    ("\\xff", "i", "\u{178}", 0, "@0 [\"\\u0178\"]"),
    ("^", "m", "a\u{a}b", 0, "@0 [\"\"]"),
    ("^b", "gm", "a\u{a}b", 0, "@2 [\"b\"]"),
    ("^b", "g", "a\u{a}b", 0, "null"),
    ("^b", "g", "b", 1, "null"),
    ("$", "m", "a\u{a}b", 0, "@1 [\"\"]"),
    ("a$", "m", "a\u{a}b", 0, "@0 [\"a\"]"),
    ("^$", "m", "\u{a}", 0, "@0 [\"\"]"),
    ("^a", "m", "b\u{2028}a", 0, "@2 [\"a\"]"),
    ("^a", "m", "b\u{d}a", 0, "@2 [\"a\"]"),
    ("^a", "m", "b\u{85}a", 0, "null"),
    ("b$", "m", "b\u{2029}", 0, "@0 [\"b\"]"),
    ("^a|^b", "", "cb", 0, "null"),
    ("^a|^b", "m", "c\u{a}b", 0, "@2 [\"b\"]"),
    ("a{2,1}", "", "aa", 0, "SyntaxError: numbers out of order in {} quantifier"),
    ("a{1000000000}", "", "", 0, "null"),  // Rhino: SyntaxError: Overly large minimum 000000000
    ("a{65534}", "", "a", 0, "null"),
    ("a{65535}", "", "a", 0, "null"),  // Rhino: SyntaxError: Overly large minimum 5535
    ("a{1,65535}", "", "a", 0, "@0 [\"a\"]"),  // Rhino: SyntaxError: Overly large maximum 5535
    ("a{3}", "", "aaaa", 0, "@0 [\"aaa\"]"),
    ("a{2,}", "", "aaaa", 0, "@0 [\"aaaa\"]"),
    ("a{2,3}", "", "aaaa", 0, "@0 [\"aaa\"]"),
    ("a{2,3}?", "", "aaaa", 0, "@0 [\"aa\"]"),
    ("a{,2}", "", "a{,2}", 0, "@0 [\"a{,2}\"]"),
    ("a{1,2", "", "a{1,2", 0, "@0 [\"a{1,2\"]"),
    ("a{1,", "", "a{1,", 0, "@0 [\"a{1,\"]"),
    ("a{", "", "a{", 0, "@0 [\"a{\"]"),
    ("a{x}", "", "a{x}", 0, "@0 [\"a{x}\"]"),
    ("{", "", "{", 0, "@0 [\"{\"]"),
    ("{1}", "", "{1}", 0, "SyntaxError: nothing to repeat"),  // Rhino: @0 ["{1}"]
    ("}", "", "}", 0, "@0 [\"}\"]"),
    ("]", "", "]", 0, "@0 [\"]\"]"),
    ("a{1,2}{3}", "", "aa{3}", 0, "SyntaxError: nothing to repeat"),  // Rhino: @0 ["aa{3}"]
    ("x{1}*", "", "", 0, "SyntaxError: nothing to repeat"),
    ("a**", "", "", 0, "SyntaxError: nothing to repeat"),
    ("a+?", "", "aaa", 0, "@0 [\"a\"]"),
    ("a*?b", "", "aab", 0, "@0 [\"aab\"]"),
    ("(a|b)*?c", "", "abc", 0, "@0 [\"abc\",\"b\"]"),
    ("(a)*?c", "", "aac", 0, "@0 [\"aac\",\"a\"]"),
    ("(a){2,}?c", "", "aaac", 0, "@0 [\"aaac\",\"a\"]"),
    ("(a?){3}", "", "a", 0, "@0 [\"a\",\"\"]"),
    ("(a?)*?$", "", "a", 0, "@0 [\"a\",\"a\"]"),
    ("(a?)+?$", "", "a", 0, "@0 [\"a\",\"a\"]"),
    ("a*ab", "", "aaab", 0, "@0 [\"aaab\"]"),
    (".*x", "", "axbxc", 0, "@0 [\"axbx\"]"),
    (".*?x", "", "axbxc", 0, "@0 [\"ax\"]"),
    ("(?:ab)*c", "", "ababc", 0, "@0 [\"ababc\"]"),
    ("(ab)+", "", "ababx", 0, "@0 [\"abab\",\"ab\"]"),
    ("\\s*$", "", "a  \u{9} ", 0, "@1 [\"  \\u0009 \"]"),
    ("[^,]*,", "", "abc,def", 0, "@0 [\"abc,\"]"),
    ("(?=a)*", "", "a", 0, "@0 [\"\"]"),
    ("(?=a)+b", "", "ab", 0, "null"),
    ("a{0}", "", "aaa", 0, "@0 [\"\"]"),  // Rhino: @0 ["aaa"]
    ("(a){0}", "", "aaa", 0, "@0 [\"\",null]"),  // Rhino: @0 ["aaa","a"]
    ("a{0,0}", "", "aaa", 0, "@0 [\"\"]"),  // Rhino: @0 ["aaa"]
    ("a{0}?", "", "aaa", 0, "@0 [\"\"]"),
    ("(?=)", "", "a", 0, "@0 [\"\"]"),  // Rhino: null
    ("(?!)", "", "a", 0, "null"),  // Rhino: @0 [""]
    ("a(?!)", "", "ab", 0, "null"),
    ("a(?=)", "", "ab", 0, "@0 [\"a\"]"),
    (".(?=)", "", "ab", 0, "@0 [\"a\"]"),  // Rhino: null
    ("(?!a|)", "", "x", 0, "null"),  // Rhino: @0 [""]
    ("x(?!a|)", "", "x", 0, "null"),
    ("(?:(a)|b){2}", "", "ab", 0, "@0 [\"ab\",null]"),  // Rhino: @0 ["ab","a"]
    ("(?:(a)|b){1,3}", "", "ab", 0, "@0 [\"ab\",null]"),
    ("(?:\\1(a))*", "", "aa", 0, "@0 [\"aa\",\"a\"]"),  // Rhino: @0 ["a","a"]
    ("(?:(a)|b)+?$", "", "ab", 0, "@0 [\"ab\",null]"),
    ("\\8", "", "\\8", 0, "@1 [\"8\"]"),  // Rhino: @0 ["\\8"]
    ("\\9a", "", "\\9a", 0, "@1 [\"9a\"]"),  // Rhino: @0 ["\\9a"]
    ("(a)\\2", "", "a\u{2}", 0, "@0 [\"a\\u0002\",\"a\"]"),
    ("(a)\\18", "", "a\u{1}8", 0, "@0 [\"a\\u00018\",\"a\"]"),
    ("(a)\\10", "", "a\u{8}", 0, "@0 [\"a\\u0008\",\"a\"]"),
    ("(a)\\1\\2", "", "aa\u{2}", 0, "@0 [\"aa\\u0002\",\"a\"]"),  // Rhino: null
    ("(a)\\1\\2", "", "a\u{1}\u{2}", 0, "null"),  // Rhino: @0 ["a\u0001\u0002","a"]
    ("\\1(a)", "", "aa", 0, "@0 [\"a\",\"a\"]"),
    ("\\0", "", "\u{0}", 0, "@0 [\"\\u0000\"]"),
    ("\\00", "", "\u{0}", 0, "@0 [\"\\u0000\"]"),
    ("\\08", "", "\u{0}8", 0, "@0 [\"\\u00008\"]"),
    ("\\377", "", "\u{ff}", 0, "@0 [\"\\u00ff\"]"),
    ("\\400", "", " 0", 0, "@0 [\" 0\"]"),
    ("\\x41", "", "A", 0, "@0 [\"A\"]"),
    ("\\x4", "", "\u{4}", 0, "null"),  // Rhino: @0 ["\u0004"]
    ("\\x4g", "", "x4g", 0, "@0 [\"x4g\"]"),
    ("\\xZZ", "", "xZZ", 0, "@0 [\"xZZ\"]"),
    ("\\u0041", "", "A", 0, "@0 [\"A\"]"),
    ("\\u00", "", "\u{0}", 0, "null"),  // Rhino: @0 ["\u0000"]
    ("\\u", "", "u\u{0}", 0, "@0 [\"u\"]"),  // Rhino: @1 ["\u0000"]
    ("\\uZ", "", "uZ", 0, "@0 [\"uZ\"]"),
    ("\\cJ", "", "\u{a}", 0, "@0 [\"\\u000a\"]"),
    ("\\cj", "", "\u{a}", 0, "@0 [\"\\u000a\"]"),
    ("\\c", "", "\\c", 0, "@0 [\"\\\\c\"]"),
    ("\\c1", "", "\\c1", 0, "@0 [\"\\\\c1\"]"),
    ("\\t\\n\\v\\f\\r", "", "\u{9}\u{a}\u{b}\u{c}\u{d}", 0, "@0 [\"\\u0009\\u000a\\u000b\\u000c\\u000d\"]"),
    ("\\k\\/\\-", "", "k/-", 0, "@0 [\"k/-\"]"),
    ("\\65534", "", "", 0, "null"),
    ("\\65535", "", "", 0, "null"),  // Rhino: SyntaxError: Overly large back reference 5535
    ("[\\b]", "", "\u{8}", 0, "@0 [\"\\u0008\"]"),
    ("[\\d-z]", "", "-", 0, "@0 [\"-\"]"),
    ("[\\d-5]", "", "-", 0, "@0 [\"-\"]"),  // Rhino: SyntaxError: Invalid range in character class.
    ("[a-\\d]", "", "-", 0, "@0 [\"-\"]"),
    ("[\\w-a]", "", "-", 0, "@0 [\"-\"]"),
    ("[a-]", "", "-", 0, "@0 [\"-\"]"),
    ("[-a]", "", "-", 0, "@0 [\"-\"]"),
    ("[a-b-c]", "", "-", 0, "@0 [\"-\"]"),
    ("[b-a]", "", "a", 0, "SyntaxError: invalid range in character class"),
    ("[\\1]", "", "\u{1}", 0, "@0 [\"\\u0001\"]"),
    ("[\\18]", "", "8", 0, "@0 [\"8\"]"),
    ("[\\8]", "", "8", 0, "@0 [\"8\"]"),
    ("[\\377]", "", "\u{ff}", 0, "@0 [\"\\u00ff\"]"),
    ("[\\400]", "", "0", 0, "@0 [\"0\"]"),
    ("[\\xZ]", "", "x\\", 0, "@0 [\"x\"]"),  // Rhino: @1 ["\\"]
    ("[\\x4]", "", "\u{4}", 0, "null"),  // Rhino: @0 ["\u0004"]
    ("[\\u]", "", "\u{0}", 0, "null"),  // Rhino: @0 ["\u0000"]
    ("[\\c1]", "", "\\", 0, "null"),  // Rhino: @0 ["\\"]
    ("[\\c_]", "", "\u{1f}", 0, "@0 [\"\\u001f\"]"),  // Rhino: null
    ("[\\cA-Z]", "", "B", 0, "@0 [\"B\"]"),  // Rhino: SyntaxError: Invalid range in character class.
    ("[\\cA-\\cZ]", "", "\u{5}", 0, "@0 [\"\\u0005\"]"),
    ("[\\cZ-\\cA]", "", "\u{5}", 0, "SyntaxError: invalid range in character class"),
    ("[\\sz-a]", "", "q", 0, "SyntaxError: invalid range in character class"),
    ("[\\sz-a]", "i", "q", 0, "SyntaxError: invalid range in character class"),  // Rhino: null
    ("x|[\\sz-a]", "", "x", 0, "SyntaxError: invalid range in character class"),  // Rhino: @0 ["x"]
    ("x|[\\sz-a]", "", "y", 0, "SyntaxError: invalid range in character class"),
    ("[\\sz-a]|x", "", "x", 0, "SyntaxError: invalid range in character class"),
    ("[\\S]", "", " a", 0, "@1 [\"a\"]"),
    ("[^\\d]", "", "1a", 0, "@1 [\"a\"]"),
    ("[\\D]", "", "1\u{2000}", 0, "@1 [\"\\u2000\"]"),
    ("[\\]]", "", "]", 0, "@0 [\"]\"]"),
    ("[\\\\]", "", "\\", 0, "@0 [\"\\\\\"]"),
    ("[a-z\\d_]+", "", "--ab_1--", 0, "@2 [\"ab_1\"]"),
    (".", "", "\u{2028}", 0, "null"),
    (".", "", "\u{d}", 0, "null"),
    (".", "", "\u{85}", 0, "@0 [\"\\u0085\"]"),
    ("\\s", "", "\u{180e}", 0, "null"),
    ("\\s", "", "\u{feff}", 0, "@0 [\"\\ufeff\"]"),
    ("\\s", "", "\u{200b}", 0, "null"),
    ("\\s+", "", "\u{9}\u{b}\u{c} \u{a0}\u{1680}\u{2000}\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{feff}\u{a}\u{d}", 0, "@0 [\"\\u0009\\u000b\\u000c \\u00a0\\u1680\\u2000\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff\\u000a\\u000d\"]"),
    ("[\\s]+", "", "\u{9}\u{b}\u{c} \u{a0}\u{1680}\u{2000}\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{feff}\u{a}\u{d}", 0, "@0 [\"\\u0009\\u000b\\u000c \\u00a0\\u1680\\u2000\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff\\u000a\\u000d\"]"),
    ("\\S+", "", "a\u{180e}b\u{200b}c d", 0, "@0 [\"a\\u180eb\\u200bc\"]"),
    ("\\w+", "", "\u{e9}t\u{e9}_1", 0, "@1 [\"t\"]"),
    ("\\W+", "", "\u{e9}t\u{e9}", 0, "@0 [\"\\u00e9\"]"),
    ("\\d+", "", "x\u{661}123", 0, "@2 [\"123\"]"),
    ("ab|cd", "", "xcd", 0, "@1 [\"cd\"]"),
    ("[ab]|c", "", "c", 0, "@0 [\"c\"]"),
    ("c|[ab]", "", "b", 0, "@0 [\"b\"]"),
    ("a|b|c", "", "c", 0, "@0 [\"c\"]"),
    ("a|ab", "", "ab", 0, "@0 [\"a\"]"),
    ("(a|ab)(c|bcd)(d*)", "", "abcd", 0, "@0 [\"abcd\",\"a\",\"bcd\",\"\"]"),
    ("A|b", "i", "a", 0, "@0 [\"a\"]"),
    ("", "", "k", 0, "@0 [\"\"]"),
    ("(?:)", "", "k", 0, "@0 [\"\"]"),
    ("|", "", "k", 0, "@0 [\"\"]"),
    ("a|", "", "k", 0, "@0 [\"\"]"),
    ("|a", "", "a", 0, "@0 [\"\"]"),
    ("(?=(a))a", "", "a", 0, "@0 [\"a\",\"a\"]"),
    ("(?!(a))b", "", "b", 0, "@0 [\"b\",null]"),
    ("(?=(a))?b", "", "ab", 0, "@1 [\"b\",null]"),
    ("(?!a)\\w", "", "ab", 0, "@1 [\"b\"]"),
    ("(?=a)", "", "ba", 0, "@1 [\"\"]"),
    ("x(?=(y)|z)", "", "xz", 0, "@0 [\"x\",null]"),
    ("(?<=a)b", "", "ab", 0, "SyntaxError: invalid quantifier"),
    ("(?<!a)b", "", "ab", 0, "SyntaxError: invalid quantifier"),
    ("(", "", "", 0, "SyntaxError: unterminated parenthetical"),
    ("(?:", "", "", 0, "SyntaxError: unterminated parenthetical"),
    ("(?", "", "", 0, "SyntaxError: invalid quantifier"),
    ("(?x)", "", "", 0, "SyntaxError: invalid quantifier"),
    (")", "", "", 0, "SyntaxError: unmatched ) in regular expression"),
    ("a)", "", "", 0, "SyntaxError: unmatched ) in regular expression"),
    ("[", "", "", 0, "SyntaxError: unterminated character class"),
    ("[a", "", "", 0, "SyntaxError: unterminated character class"),
    ("\\", "", "", 0, "SyntaxError: trailing \\ in regular expression"),
    ("*", "", "", 0, "SyntaxError: nothing to repeat"),
    ("+a", "", "", 0, "SyntaxError: nothing to repeat"),
    ("a|*", "", "", 0, "SyntaxError: nothing to repeat"),
    ("^*", "", "", 0, "SyntaxError: nothing to repeat"),
    ("$+", "", "", 0, "SyntaxError: nothing to repeat"),
    ("\\b?", "", "", 0, "SyntaxError: nothing to repeat"),
    ("\\B{1}", "", "", 0, "SyntaxError: nothing to repeat"),  // Rhino: null
    ("a", "y", "a", 0, "SyntaxError: invalid regular expression flag y"),
    ("a", "gg", "a", 0, "SyntaxError: invalid regular expression flag g"),
    ("a", "G", "a", 0, "SyntaxError: invalid regular expression flag G"),
    ("a", "u", "a", 0, "SyntaxError: invalid regular expression flag u"),
    ("a", "gim", "A", 0, "@0 [\"A\"]"),
    ("a", "g", "aba", 1, "@2 [\"a\"]"),
    ("a", "g", "aba", 3, "null"),
    ("a", "g", "aba", 4, "null"),
    ("", "g", "ab", 2, "@2 [\"\"]"),
    ("a", "", "aba", 1, "@0 [\"a\"]"),
    ("b", "", "aab", 0, "@2 [\"b\"]"),
    ("ab", "", "aaab", 0, "@2 [\"ab\"]"),
    ("ab", "i", "aAaB", 0, "@2 [\"aB\"]"),
];

#[test]
fn table() {
    let mut bad = Vec::new();
    for &(p, f, s, li, want) in TABLE {
        let got = show(p, f, s, li);
        if got != want {
            bad.push(format!("/{p}/{f} on {s:?}: want {want}, got {got}"));
        }
    }
    assert!(bad.is_empty(), "{} of {} differ:\n{}", bad.len(), TABLE.len(), bad.join("\n"));
}

fn exec(p: &str, flags: &str, s: &[u16], fuel: &mut u64) -> Result<Option<Captures>, RegexError> {
    Regex::new(&u(p), flags)?.exec(s, 0, fuel)
}

#[test]
fn canonicalize() {
    // §15.10.2.8: the upper case when it is one unit, never non-ASCII to ASCII.
    for (c, want) in [('a', 'A'), ('A', 'A'), ('1', '1'), ('\u{e0}', '\u{c0}'), ('\u{ff}', '\u{178}'), ('\u{b5}', '\u{39c}')] {
        assert_eq!(chars::canon(c as u16), want as u16, "{c:?}");
    }
    // ß, ŉ and ᾀ upper-case to two characters; ſ and ı to ASCII; K (Kelvin) is upper case.
    for c in ['\u{df}', '\u{149}', '\u{1f80}', '\u{17f}', '\u{131}', '\u{212a}', '\u{130}'] {
        assert_eq!(chars::canon(c as u16), c as u16, "{c:?}");
    }
    assert_eq!(chars::canon(0xD800), 0xD800);
    // `contains_fold` relies on canon being idempotent.
    for c in 0..=u16::MAX {
        let k = chars::canon(c);
        assert_eq!(chars::canon(k), k, "{c:04x}");
        assert!(chars::fold_eq(c, k));
    }
}

#[test]
fn class_escapes_are_es5() {
    let all: Vec<u16> = (0..=u16::MAX).collect();
    let set = |p: &str| -> Vec<u16> {
        let re = Regex::new(&u(p), "").unwrap();
        all.iter().copied().filter(|&c| re.exec(&[c], 0, &mut 100).unwrap().is_some()).collect()
    };
    assert_eq!(set("\\d"), u("0123456789"));
    assert_eq!(set("\\w"), u("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"));
    let spaces = u("\t\n\u{b}\u{c}\r \u{a0}\u{1680}\u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}\u{2006}\u{2007}\u{2008}\u{2009}\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{feff}");
    assert_eq!(set("\\s"), spaces);
    assert_eq!(set("[\\s]"), spaces);
    assert_eq!(set("[^\\S]"), spaces);
    assert_eq!(set("\\S").len(), 65536 - spaces.len());
    // The spaces are Unicode's Zs, line terminators and ES5's few others.
    for c in 0..=0xFFFFu32 {
        let Some(ch) = char::from_u32(c) else { continue };
        let es5 = ch.is_whitespace() && c != 0x85 || c == 0xFEFF;
        assert_eq!(es5, spaces.contains(&(c as u16)), "{c:04x}");
    }
    assert_eq!(set("."), all.iter().copied().filter(|&c| ![10, 13, 0x2028, 0x2029].contains(&c)).collect::<Vec<_>>());
}

#[test]
fn ignore_case_classes_follow_canonicalize() {
    // Every unit against a few classes under `i`, by the definition: some member of the set
    // canonicalizes as the input does.
    for class in ["[a-z]", "[\\u00b5]", "[\\u0100-\\u0180]", "[^\\u00c0-\\u00ff]", "[\\u03a3]", "[\\w]", "[\\W]", "[\\u1c80-\\u1c88]"] {
        let re = Regex::new(&u(class), "i").unwrap();
        let plain = Regex::new(&u(class), "").unwrap();
        let members: Vec<u16> = (0..=u16::MAX).filter(|&c| plain.exec(&[c], 0, &mut 100).unwrap().is_some()).collect();
        let neg = class.starts_with("[^");
        let canon: std::collections::HashSet<u16> = if neg {
            let outside: Vec<u16> = (0..=u16::MAX).filter(|c| !members.contains(c)).collect();
            outside.into_iter().map(chars::canon).collect()
        } else {
            members.iter().map(|&c| chars::canon(c)).collect()
        };
        for c in 0..=u16::MAX {
            let want = canon.contains(&chars::canon(c)) != neg;
            assert_eq!(re.exec(&[c], 0, &mut 100).unwrap().is_some(), want, "{class} {c:04x}");
        }
    }
}

#[test]
fn catastrophic_patterns_run_out_of_fuel_quickly() {
    let mut input = u(&"a".repeat(10_000));
    input.push(u16::from(b'!'));
    for p in ["(a+)+$", "(a*)*$", "(a|aa)+$", "(?:a|a)+$", "(a+)+b", "^(a+)+\\1$", "(.*a){12}b", "(?:a?){5000}a{5000}$"] {
        let t = std::time::Instant::now();
        let mut fuel = 1_000_000;
        assert_eq!(exec(p, "", &input, &mut fuel), Err(RegexError::OutOfFuel), "{p}");
        assert_eq!(fuel, 0);
        assert!(t.elapsed().as_secs() < 5, "{p} took {:?}", t.elapsed());
    }
}

#[test]
fn fuel_is_charged_for_backtracking_and_scanning() {
    let input = u(&"ab".repeat(5_000));
    let mut fuel = 1_000_000;
    assert_eq!(exec("x", "", &input, &mut fuel), Ok(None));
    let scan = 1_000_000 - fuel;
    assert!((1_000..20_000).contains(&scan), "a scan of 10,000 characters costs about 1/4 each: {scan}");
    let mut fuel = 1_000_000;
    assert_eq!(exec("b*x", "", &input, &mut fuel), Ok(None));
    assert!(1_000_000 - fuel > 10_000, "one attempt per position: {}", 1_000_000 - fuel);
    let input = u(&"ab".repeat(250));
    let mut fuel = 10_000_000;
    assert_eq!(exec("(?:a|b)*c", "", &input, &mut fuel), Ok(None));
    assert!(10_000_000 - fuel > 250_000, "backtracking costs: {}", 10_000_000 - fuel);
    let mut fuel = 10;
    assert_eq!(exec("(?:a|b)*c", "", &input, &mut fuel), Err(RegexError::OutOfFuel));
    // A long literal or backreference costs about a quarter per unit.
    let input = u(&"a".repeat(4_000));
    let mut fuel = 1_000_000;
    assert!(exec(&"a".repeat(4_000), "", &input, &mut fuel).unwrap().is_some());
    assert!((1_000..1_100).contains(&(1_000_000 - fuel)), "{}", 1_000_000 - fuel);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for n in [257, 10_000, 500_000] {
        let p = "(".repeat(n) + &")".repeat(n);
        assert_eq!(Regex::new(&u(&p), "").err(), Some(RegexError::TooComplex), "{n}");
        let p = "(?:".repeat(n) + "a" + &")*".repeat(n);
        assert_eq!(Regex::new(&u(&p), "").err(), Some(RegexError::TooComplex), "{n}");
        let p = "(?=".repeat(n);
        assert_eq!(Regex::new(&u(&p), "").err(), Some(RegexError::TooComplex), "{n}");
    }
    // 256 levels compile and run on a small stack (a wasm's is 1 MiB, shared with the
    // interpreter): about 200 bytes a level when optimized (debug frames are 15 times larger).
    let stack = if cfg!(debug_assertions) { 4 << 20 } else { 128 << 10 };
    let t = std::thread::Builder::new().stack_size(stack).spawn(|| {
        for (p, s) in [
            ("(".repeat(256) + "a" + &")".repeat(256), "a"),
            ("(?:".repeat(255) + "(a|b)" + &")*".repeat(255), "abab"),
            // 127 negations of `x` inside 128 lookaheads: (?!x).
            ("(?=".repeat(128) + &"(?!".repeat(127) + "x" + &")".repeat(255), "a"),
            ("(?:(?:a|b)*".repeat(128) + &")+?".repeat(128), "abab"),
        ] {
            let re = Regex::new(&u(&p), "i").unwrap();
            let mut fuel = 10_000_000;
            let m = re.exec(&u(s), 0, &mut fuel).unwrap().unwrap();
            assert_eq!(m.len(), re.group_count() + 1);
        }
    });
    t.unwrap().join().unwrap();
    let re = Regex::new(&u(&("(".repeat(256) + "a" + &")".repeat(256))), "").unwrap();
    assert_eq!(re.group_count(), 256);
    let m = re.exec(&u("a"), 0, &mut 1_000_000).unwrap().unwrap();
    assert!(m.iter().all(|c| *c == Some((0, 1))));
}

#[test]
fn megabyte_patterns() {
    let mb = 1 << 20;
    let re = Regex::new(&u(&"a".repeat(mb)), "").unwrap();
    assert_eq!(re.exec(&u(&"a".repeat(mb)), 0, &mut 1_000_000).unwrap(), Some(vec![Some((0, mb))]));
    let alts = "a|".repeat(mb / 2) + "b";
    let re = Regex::new(&u(&alts), "").unwrap();
    assert_eq!(re.exec(&u("xb"), 0, &mut 10_000_000).unwrap(), Some(vec![Some((1, 2))]));
    for unit in ["a.", "(a)", "[ab]", "a*", "\\d?", "(?:x|y)", "\\1", "(?=a)", "()*", "(a|)+?"] {
        let p = unit.repeat(mb / unit.len());
        let r = Regex::new(&u(&p), "i");
        if let Ok(re) = r {
            let mut fuel = 10_000_000;
            let _ = re.exec(&u("xyz"), 0, &mut fuel);
        }
    }
    let p = "[\\u0000-\\uffff]".repeat(60_000);
    let re = Regex::new(&u(&p), "i").unwrap();
    assert_eq!(re.exec(&u("abc"), 0, &mut 10_000_000), Ok(None));
    let soup = "(?:[a-z]{2,3}?|\\b|x)".repeat(mb / 20);
    assert!(Regex::new(&u(&soup), "").is_ok());
    // Past 4M operations: TooComplex.
    let p = "(a)".repeat(1_500_000);
    assert_eq!(Regex::new(&u(&p), "").err(), Some(RegexError::TooComplex));
}

#[test]
fn huge_counts_do_not_allocate_per_repetition() {
    for (p, s, want) in [
        ("a{1000000000}", "aaa", None),
        ("a{2147483647}", "aaa", None),
        ("a{0,2147483647}", "aaa", Some((0, 3))),
        ("a{99999999999999999999}", "aaa", None),
        ("a{2,99999999999999999999}", "aaa", Some((0, 3))),
        ("(?:ab){2147483647}", "abab", None),
        ("(?:ab){1,2147483647}", "abab", Some((0, 4))),
        ("(?:a|b){2147483646,}", "abab", None),
        ("(?:(a)|b){0,4294967295}?$", "abab", Some((0, 4))),
        ("(?:a{65534}){65534}", &"a".repeat(1000), None),
        ("(?:){65534}x", "x", Some((0, 1))),
        ("(?:\\b){1000000}x", "x", Some((0, 1))),
    ] {
        let re = Regex::new(&u(p), "").unwrap();
        let mut fuel = 10_000_000;
        assert_eq!(re.exec(&u(s), 0, &mut fuel).unwrap().map(|m| m[0].unwrap()), want, "{p}");
    }
    assert!(matches!(Regex::new(&u("a{99999999999999999999,99999999999999999998}"), ""), Err(RegexError::Syntax(_))));
    assert!(Regex::new(&u("a{099,99}"), "").is_ok());
    // An empty body repeated 2^31-1 times must iterate: it runs out of fuel, without memory.
    let re = Regex::new(&u("(?:){2147483647}x"), "").unwrap();
    assert_eq!(re.exec(&u("x"), 0, &mut 1_000_000), Err(RegexError::OutOfFuel));
}

/// Runs with a cap on the backtracking stack; returns the result and the peak stack depth.
fn exec_capped(p: &str, s: &[u16], cap: usize) -> (Result<Option<Captures>, RegexError>, usize) {
    let re = Regex::new(&u(p), "").unwrap();
    let mut vm = exec::Vm::new(&re.prog, s, false, 100_000_000);
    vm.cap = cap;
    let r = vm.search(0);
    (r, vm.peak)
}

#[test]
fn long_inputs_use_little_memory() {
    // A greedy or lazy loop over one character keeps one stack entry for its whole run, a
    // loop whose body leaves no choice point one per iteration.
    let mut input = u(&"a".repeat(200_000));
    input.push(u16::from(b'b'));
    for p in [".*b", "[^,]*?b", "\\s*a+b$", "(?:a)*b", "x*a*b", "a{0,300000}b"] {
        let (r, peak) = exec_capped(p, &input, 4096);
        assert_eq!(r.unwrap().unwrap()[0], Some((0, input.len())), "{p}");
        assert!(peak < 16, "{p}: {peak}");
    }
    for p in ["(?:aa)*b", "(a)*b", "(?:a(?=a|b))*b", "(?:a|b)*b"] {
        let (r, peak) = exec_capped(p, &input, 1 << 24);
        assert!(r.is_ok(), "{p}: {r:?}");
        assert!(peak <= 5 * input.len(), "{p}: {peak}");
    }
    // Past the cap: TooComplex.
    let (r, peak) = exec_capped("(?:a|b)*c", &input, 1 << 16);
    assert_eq!(r, Err(RegexError::TooComplex));
    assert!(peak > 1 << 16);
    let (r, _) = exec_capped("(?:a|b)*c", &input[..1000], 1 << 16);
    assert_eq!(r, Ok(None));
}

#[test]
fn surrogates_are_characters() {
    let input = [0x61, 0xD83D, 0xDE00, 0x62];
    let mut fuel = 1_000_000;
    let m = exec("a..b", "", &input, &mut fuel).unwrap().unwrap();
    assert_eq!(m[0], Some((0, 4)));
    let m = exec("\\ud83d", "i", &input, &mut fuel).unwrap().unwrap();
    assert_eq!(m[0], Some((1, 2)));
    let m = exec("[\\ude00]", "", &input, &mut fuel).unwrap().unwrap();
    assert_eq!(m[0], Some((2, 3)));
    let m = Regex::new(&[0xDE00], "").unwrap().exec(&input, 0, &mut fuel).unwrap().unwrap();
    assert_eq!(m[0], Some((2, 3)));
    let m = exec("[\\ud800-\\udbff][\\udc00-\\udfff]", "i", &input, &mut fuel).unwrap().unwrap();
    assert_eq!(m[0], Some((1, 3)));
}

#[test]
fn exec_from_start() {
    let re = Regex::new(&u("a"), "g").unwrap();
    let input = u("aba");
    let mut fuel = 1_000;
    assert_eq!(re.exec(&input, 1, &mut fuel).unwrap(), Some(vec![Some((2, 3))]));
    assert_eq!(re.exec(&input, 3, &mut fuel).unwrap(), None);
    assert_eq!(re.exec(&input, 4, &mut fuel).unwrap(), None);
    let re = Regex::new(&u(""), "").unwrap();
    assert_eq!(re.exec(&input, 3, &mut fuel).unwrap(), Some(vec![Some((3, 3))]));
    assert_eq!(re.source(), &[] as &[u16]);
    assert_eq!(re.flags(), Flags::default());
    let re = Regex::new(&u("^b"), "m").unwrap();
    assert_eq!(re.exec(&u("b\nb"), 1, &mut fuel).unwrap(), Some(vec![Some((2, 3))]));
    let re = Regex::new(&u("^b|c"), "").unwrap();
    assert_eq!(re.exec(&u("bcb"), 1, &mut fuel).unwrap(), Some(vec![Some((1, 2))]));
    let f = Regex::new(&u("x"), "gim").unwrap().flags();
    assert_eq!((f.global, f.ignore_case, f.multiline), (true, true, true));
}

/// Steps per second on a few typical patterns (run with --release --ignored --nocapture).
#[test]
#[ignore = "benchmark"]
fn speed() {
    let text = u(&"The quick brown fox, jumps over the lazy dog; 2024-04-15 <b>bold</b> x=1\n".repeat(2000));
    for p in [
        "\\s+",
        "(\\w+)@(\\w+)\\.com",
        "<(\\w+)[^>]*>(.*?)</\\1>",
        "(\\d{4})-(\\d\\d)-(\\d\\d)",
        "^(\\w+)=(.*)$",
        "(?:a|b|c|d|e)+x",
        "[aeiou]{2,}",
        "dog",
    ] {
        let re = Regex::new(&u(p), "gm").unwrap();
        let t = std::time::Instant::now();
        let mut steps = 0u64;
        let mut matches = 0;
        for _ in 0..5 {
            let mut at = 0;
            loop {
                let mut fuel = u64::MAX;
                let m = re.exec(&text, at, &mut fuel).unwrap();
                steps += u64::MAX - fuel;
                let Some(m) = m else { break };
                matches += 1;
                let (a, b) = m[0].unwrap();
                at = if b == a { b + 1 } else { b };
            }
        }
        let ns = t.elapsed().as_nanos() as f64;
        println!(
            "{p:40} {matches:7} matches {steps:10} steps {:6.2} ns/step {:8.1} MB/s",
            ns / steps as f64,
            (5 * text.len() * 2) as f64 / ns * 1e3
        );
    }
}
