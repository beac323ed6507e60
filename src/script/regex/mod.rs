//! Regular expressions as the personalization language's JavaScript runs them: ECMAScript 5.1
//! §15.10 (RegExp Objects), written from the specification, with the leniencies web engines of
//! the ES5 era accepted (as ES2015 Annex B.1.4 later wrote them down, for what ES5 has).
//!
//! Where Rhino 1.7.14 (the oracle) answers otherwise, this module follows the specification, as
//! V8 and SpiderMonkey do; `scripts/oracle/regex-diff.mjs` counts each class: `(?=)`/`(?!)` on an
//! empty body, `x{0}`, counts of 65535 and more (no bound in ES5), `\c` and incomplete `\x`/`\u`
//! in classes, backreference numbers above the group count (octal escapes, each on its own),
//! `\8`/`\9`, case-folded ranges, out-of-order ranges refused when the pattern compiles. The
//! user-facing list is in docs/personalization.md.

mod chars;
mod emit;
mod exec;
mod parse;

#[cfg(test)]
mod tests;

use emit::Program;

/// The flags of a regular expression.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Flags {
    pub global: bool,
    pub ignore_case: bool,
    pub multiline: bool,
}

/// Why a regular expression could not be compiled or run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RegexError {
    /// A `SyntaxError`, with a message in SpiderMonkey's words (`unterminated parenthetical`).
    Syntax(String),
    /// Too large or deep for the engine: groups nested deeper than 256, a program of more than
    /// 4M operations, or a match whose backtracking stack outgrew its cap (64 MiB).
    TooComplex,
    /// The match ran out of fuel.
    OutOfFuel,
}

impl std::fmt::Display for RegexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RegexError::Syntax(m) => write!(f, "SyntaxError: {m}"),
            RegexError::TooComplex => f.write_str("InternalError: regular expression too complex"),
            RegexError::OutOfFuel => f.write_str("regular expression ran out of fuel"),
        }
    }
}

/// A compiled regular expression.
#[derive(Debug)]
pub(crate) struct Regex {
    source: Box<[u16]>,
    flags: Flags,
    prog: Program,
}

/// Capture positions of a match: `(start, end)` in code units for the whole match (index 0)
/// and each group, `None` for a group that did not participate.
pub(crate) type Captures = Vec<Option<(usize, usize)>>;

impl Regex {
    /// Compiles `pattern` (the source, as `RegExp.prototype.source` has it) with `flags`
    /// (`g`, `i`, `m`, each at most once).
    pub(crate) fn new(pattern: &[u16], flags: &str) -> Result<Regex, RegexError> {
        let flags = parse_flags(flags)?;
        let prog = emit::compile(parse::parse(pattern, flags.ignore_case)?, flags.ignore_case)?;
        Ok(Regex { source: pattern.into(), flags, prog })
    }

    /// Number of capturing groups.
    #[allow(dead_code)] // API: the captures `exec` returns have this many entries but one.
    pub(crate) fn group_count(&self) -> usize {
        self.prog.groups as usize
    }

    pub(crate) fn flags(&self) -> Flags {
        self.flags
    }

    #[allow(dead_code)] // API
    pub(crate) fn source(&self) -> &[u16] {
        &self.source
    }

    /// Searches `input` from `start` (as `RegExp.prototype.exec` does from `lastIndex`; `None`
    /// when `start` is past the end). Returns the captures (`group_count() + 1` entries) of
    /// the first match, or `None`. `fuel` is decremented by the work done.
    pub(crate) fn exec(&self, input: &[u16], start: usize, fuel: &mut u64) -> Result<Option<Captures>, RegexError> {
        if start > input.len() {
            return Ok(None);
        }
        let mut vm = exec::Vm::new(&self.prog, input, self.flags.multiline, *fuel);
        let r = vm.search(start);
        *fuel = vm.fuel;
        r
    }
}

fn parse_flags(s: &str) -> Result<Flags, RegexError> {
    let mut f = Flags::default();
    for c in s.chars() {
        let slot = match c {
            'g' => &mut f.global,
            'i' => &mut f.ignore_case,
            'm' => &mut f.multiline,
            _ => return Err(RegexError::Syntax(format!("invalid regular expression flag {c}"))),
        };
        if *slot {
            return Err(RegexError::Syntax(format!("invalid regular expression flag {c}")));
        }
        *slot = true;
    }
    Ok(f)
}
