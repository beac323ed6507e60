// harness.js: JSSP templates -> one JavaScript function, and the case/result JSON of the oracle.
// Runs in Rhino (RhinoOracle.java evaluates it once, in a long-lived scope of its own; templates
// never run in that scope). Plain ES5, no Rhino-specific syntax.
//
// THE TRANSLATION (message-center's Rust interpreter does exactly the same)
//
// 1. Tokens. A source (the template, or a personalization block) is cut at its tags:
//      <%-- comment --%>   nothing
//      <%@ directive %>    an include (below); any other directive is a TemplateError
//      <%= expr %>         an expression
//      <% code %>          a scriptlet
//      anything else       literal text
//    A tag ends at the first "%>" after it opens (a "%>" inside a JavaScript string ends it too);
//    a tag left open at the end of its source is a TemplateError. Lines count "\n" only.
// 2. Includes, expanded before compilation, token by token:
//      <%@ include view='Name' %>    (or view="Name") the tokens of personalization block Name:
//                                    the case's "blocks" first, then builtin-blocks.json;
//      <%@ include option='Name' %>  (or option="Name") the option's value as literal text (it is
//                                    not scanned for tags): the case's "options" first, then
//                                    builtin-options.json.
//    Blocks nest: the template is depth 0, a block it includes depth 1, and so on; a block deeper
//    than 8, a block that includes itself (directly or not), an unknown block or option are
//    TemplateErrors. Each block must close its own tags (a tag cannot start in a block and end in
//    the source that includes it).
// 3. Code. Every token starts a new line of the function body:
//      text        ->  out.write("<the text as a JavaScript string literal>");
//      <%= e %>    ->  out.write(e);            (e verbatim, its newlines kept)
//      <% c %>     ->  c                        (verbatim, then a newline)
//    and the whole is wrapped:
//      function render(rtEvent, batchEvent) {
//      <the lines above>
//      }
//    So a block may open in one tag and close in another:
//      <% if (x) { %>yes<% } else { %>no<% } %>
//    becomes
//      if (x) {
//      out.write("yes");
//      } else {
//      out.write("no");
//      }
//    out.write(v) writes "" for undefined and null and String(v) otherwise (prelude.js).
//
// THE CASE (one JSON object; the corpus format, tests/fixtures/templates/corpus/*.json)
//   template (required), event {type, email, ..., ctx: "<ctx>…</ctx>"}, blocks {Name: JSSP},
//   options {Name: text}, now (ISO 8601, default 2026-01-01T00:00:00Z), seed (32-bit, default 0),
//   timeZone (default "UTC"), id (echoed in the result), limits {steps, ms, output} (defaults
//   50,000,000 interpreter instructions, 10,000 ms, 8,000,000 characters). Other fields (name,
//   source, adapted, expected, …) are ignored.
//
// THE RESULT (one JSON line)
//   {"id":…, "output":"…"}  or
//   {"id":…, "error":{"name":"TypeError","message":"…","line":N,"block":"B","blockLine":M,"limit":true}}
//   "id" only when the case has one. "line" is the line in the template (for an error inside an
//   included block: the line of the outermost include, with "block" the innermost block's name and
//   "blockLine" the line in it); absent when unknown. "limit" only for limits (StepLimit, Timeout,
//   OutputLimit, OutOfMemory, stack overflow): they say nothing about the template's semantics.
//   Error names: Rhino's (TypeError, ReferenceError, SyntaxError, RangeError, InternalError, …,
//   or an Error object's own name), "Throw" for a thrown value that is not an Error object (its
//   message is String(value)), "TemplateError" (tags and includes), "EventError" (bad event data).

var Harness = (function () {
  var MAX_DEPTH = 8;
  var DEFAULT_NOW = '2026-01-01T00:00:00Z';
  var DEFAULT_LIMITS = { steps: 50000000, ms: 10000, output: 8000000 };
  var EVENT_FIELDS = ['id', 'type', 'email', 'mobilePhone', 'externalId', 'origin', 'wishedChannel',
    'emailFormat', 'language', 'country', 'registrationToken', 'created', 'scheduled', 'expiration', 'ctx'];

  var builtinBlocks = {};
  var builtinOptions = {};

  function init(blocksJson, optionsJson) {
    builtinBlocks = JSON.parse(String(blocksJson));
    builtinOptions = JSON.parse(String(optionsJson));
  }

  function has(obj, k) {
    return obj != null && Object.prototype.hasOwnProperty.call(obj, k);
  }

  // where: {line: line in the template, block: innermost block name or undefined, blockLine}
  function TemplateError(message, where) {
    this.name = 'TemplateError';
    this.message = message;
    this.where = where;
  }

  function countNewlines(s, from, to) {
    var n = 0;
    for (var i = from; i < to; i++) if (s.charCodeAt(i) === 10) n++;
    return n;
  }

  // -> [{t: 'text'|'expr'|'code'|'directive', s, line}]
  function tokenize(src, at) {
    var toks = [];
    var i = 0;
    var line = 1;
    var n = src.length;
    while (i < n) {
      var j = src.indexOf('<%', i);
      if (j < 0) j = n;
      if (j > i) {
        toks.push({ t: 'text', s: src.substring(i, j), line: line });
        line += countNewlines(src, i, j);
      }
      if (j >= n) break;
      if (src.substr(j, 4) === '<%--') {
        var ce = src.indexOf('--%>', j + 4);
        if (ce < 0) throw new TemplateError('unterminated comment <%--', at(line));
        line += countNewlines(src, j, ce + 4);
        i = ce + 4;
        continue;
      }
      var c = src.charAt(j + 2);
      var kind = 'code';
      var start = j + 2;
      if (c === '=') {
        kind = 'expr';
        start = j + 3;
      } else if (c === '@') {
        kind = 'directive';
        start = j + 3;
      }
      var e = src.indexOf('%>', start);
      if (e < 0) throw new TemplateError('unterminated tag ' + src.substring(j, start), at(line));
      toks.push({ t: kind, s: src.substring(start, e), line: line });
      line += countNewlines(src, j, e + 2);
      i = e + 2;
    }
    return toks;
  }

  var INCLUDE = /^\s*include\s+(view|option)\s*=\s*(?:'([^']*)'|"([^"]*)")\s*$/;

  // Appends to `out` the expanded tokens of `src`, each with {tline, block, bline}.
  // chain: names of the blocks being expanded (outermost first); tline: the template line of the
  // outermost include (null at depth 0).
  function expandInto(out, src, chain, tline, blocks, options) {
    var block = chain.length ? chain[chain.length - 1] : undefined;
    function at(line) {
      return block === undefined ? { line: line } : { line: tline, block: block, blockLine: line };
    }
    var toks = tokenize(src, at);
    for (var k = 0; k < toks.length; k++) {
      var tok = toks[k];
      var w = at(tok.line);
      if (tok.t !== 'directive') {
        out.push({ t: tok.t, s: tok.s, tline: w.line, block: block, bline: tok.line });
        continue;
      }
      var m = INCLUDE.exec(tok.s);
      if (!m) throw new TemplateError('unsupported directive <%@' + tok.s + '%>', w);
      var name = m[2] !== undefined ? m[2] : m[3];
      if (m[1] === 'option') {
        var value = has(options, name) ? options[name] : has(builtinOptions, name) ? builtinOptions[name] : undefined;
        if (value === undefined || value === null) throw new TemplateError("unknown option '" + name + "'", w);
        out.push({ t: 'text', s: String(value), tline: w.line, block: block, bline: tok.line });
        continue;
      }
      if (chain.indexOf(name) >= 0) {
        throw new TemplateError('include cycle: ' + chain.concat([name]).join(' -> '), w);
      }
      if (chain.length + 1 > MAX_DEPTH) {
        throw new TemplateError("include depth over " + MAX_DEPTH + " at block '" + name + "'", w);
      }
      var body = has(blocks, name) ? blocks[name] : has(builtinBlocks, name) ? builtinBlocks[name] : undefined;
      if (body === undefined || body === null) throw new TemplateError("unknown personalization block '" + name + "'", w);
      expandInto(out, String(body), chain.concat([name]), block === undefined ? tok.line : tline, blocks, options);
    }
  }

  function jsString(s) {
    return JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  }

  // -> {js: source of `function render(rtEvent, batchEvent) {…}`, map: [generated line -> where]}
  function compile(template, blocks, options) {
    var toks = [];
    expandInto(toks, String(template), [], null, blocks || {}, options || {});
    var lines = ['function render(rtEvent, batchEvent) {'];
    var map = [null, null]; // map[k] is for line k (1-based); line 1 is the header
    function push(code, tok, multiline) {
      var parts = code.split('\n');
      for (var i = 0; i < parts.length; i++) {
        lines.push(parts[i]);
        var d = multiline ? i : 0;
        map.push(tok.block === undefined ? { line: tok.tline + d } : { line: tok.tline, block: tok.block, blockLine: tok.bline + d });
      }
    }
    for (var k = 0; k < toks.length; k++) {
      var tok = toks[k];
      if (tok.t === 'text') push('out.write(' + jsString(tok.s) + ');', tok, false);
      else if (tok.t === 'expr') push('out.write(' + tok.s + ');', tok, true);
      else push(tok.s, tok, true);
    }
    lines.push('}');
    map.push(null);
    return { js: lines.join('\n'), map: map };
  }

  // ISO 8601 (or "YYYY-MM-DD HH:MM:SS"), no zone = UTC -> ms since the epoch, NaN if not a date.
  var DATE = /^(\d{4})[-\/](\d{2})[-\/](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
  function parseDate(s) {
    var m = DATE.exec(String(s).replace(/^\s+|\s+$/g, ''));
    if (!m) return NaN;
    var frac = m[7] ? Number((m[7] + '00').substring(0, 3)) : 0;
    var t = Date.UTC(+m[1], +m[2] - 1, +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0, frac);
    if (m[8] && m[8] !== 'Z') {
      var z = m[8].replace(':', '');
      var off = (+z.substring(1, 3)) * 60 + (+z.substring(3, 5));
      t -= (z.charAt(0) === '-' ? -off : off) * 60000;
    }
    return t;
  }

  function idJsonOf(c) {
    return c !== null && typeof c === 'object' && has(c, 'id') ? JSON.stringify(c.id) : undefined;
  }

  // The case's JSON text -> what RhinoOracle needs (or {result} when it fails before running).
  function prepare(text) {
    var c;
    try {
      c = JSON.parse(String(text));
    } catch (e) {
      return { result: JSON.stringify({ error: { name: 'CaseError', message: 'not JSON: ' + e.message } }) };
    }
    var prep = { idJson: idJsonOf(c), map: [] };
    function early(name, message, where) {
      prep.result = errorResult(prep, name, message, -1, false, where);
      return prep;
    }
    if (c === null || typeof c !== 'object' || typeof c.template !== 'string') {
      return early('CaseError', 'a case is an object with a "template" string');
    }
    var limits = c.limits || {};
    prep.steps = has(limits, 'steps') ? Number(limits.steps) : DEFAULT_LIMITS.steps;
    prep.ms = has(limits, 'ms') ? Number(limits.ms) : DEFAULT_LIMITS.ms;
    prep.maxOutput = has(limits, 'output') ? Number(limits.output) : DEFAULT_LIMITS.output;
    prep.nowMs = parseDate(has(c, 'now') ? c.now : DEFAULT_NOW);
    if (isNaN(prep.nowMs)) return early('CaseError', 'now is not an ISO 8601 date: ' + c.now);
    prep.seed = has(c, 'seed') ? Number(c.seed) >>> 0 : 0;
    prep.timeZone = has(c, 'timeZone') ? String(c.timeZone) : 'UTC';
    var ev = c.event || {};
    var clean = {};
    for (var i = 0; i < EVENT_FIELDS.length; i++) {
      if (has(ev, EVENT_FIELDS[i])) clean[EVENT_FIELDS[i]] = ev[EVENT_FIELDS[i]];
    }
    prep.eventJson = JSON.stringify(clean);
    try {
      var compiled = compile(c.template, c.blocks, c.options);
      prep.js = compiled.js;
      prep.map = compiled.map;
    } catch (e) {
      if (e instanceof TemplateError) return early('TemplateError', e.message, e.where);
      throw e;
    }
    return prep;
  }

  // JSON.stringify leaves lone surrogates raw; escape them so that the line is valid UTF-8.
  function stringify(v) {
    return JSON.stringify(v).replace(/[\ud800-\udbff](?![\udc00-\udfff])|([^\ud800-\udbff]|^)[\udc00-\udfff]/g, function (m) {
      var out = '';
      for (var i = 0; i < m.length; i++) {
        var code = m.charCodeAt(i);
        out += code >= 0xd800 && code <= 0xdfff ? '\\u' + code.toString(16) : m.charAt(i);
      }
      return out;
    });
  }

  function okResult(prep, output) {
    var r = {};
    if (prep.idJson !== undefined) r.id = JSON.parse(prep.idJson);
    r.output = String(output);
    return stringify(r);
  }

  // jsLine: line in the generated function (-1 if unknown); where: a ready {line, block, blockLine}.
  function errorResult(prep, name, message, jsLine, limit, where) {
    var r = {};
    if (prep.idJson !== undefined) r.id = JSON.parse(prep.idJson);
    var err = { name: String(name), message: String(message) };
    var w = where;
    if (!w && jsLine > 0 && prep.map) w = prep.map[jsLine];
    if (w) {
      if (w.line !== undefined && w.line !== null) err.line = w.line;
      if (w.block !== undefined) {
        err.block = w.block;
        err.blockLine = w.blockLine;
      }
    }
    if (limit) err.limit = true;
    r.error = err;
    return stringify(r);
  }

  return {
    init: init,
    prepare: prepare,
    compile: compile,
    okResult: okResult,
    errorResult: errorResult,
    parseDate: parseDate
  };
})();
