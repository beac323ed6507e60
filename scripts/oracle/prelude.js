// prelude.js: the globals Adobe Campaign gives a delivery template, written in JavaScript for Rhino.
// RhinoOracle.java runs it in a fresh scope (Rhino's safe standard objects: no Packages/java) for
// every case, then calls __oracle.setup(nowMs, seed, timeZone) and __oracle.makeEvent(json), and
// removes __oracle and __host from the scope, so a template sees only what is listed here:
//
//   out.write(v), document.write(v)   output: "" for undefined and null, String(v) otherwise
//   escapeXMLString(s), escapeXmlStr(s)   & < > "  ->  &amp; &lt; &gt; &quot;   (' is left alone)
//   escapeUrl(s)                       RFC 1738 escaping of Campaign's escapeUrl (see below)
//   formatDate(date, format[, timeZone])   Campaign's %-tokens (see below)
//   getCurrentDate()                   the case's virtual clock, as a Date
//   Date                               new Date(), Date(), Date.now() read the virtual clock
//   Math.random()                      mulberry32 seeded with the case's seed
// plus everything standard (encodeURIComponent, parseInt, parseFloat, JSON, String methods, E4X's
// XML and XMLList, …). Every choice and its source: NOTES.md.
//
// Plain ES5 + E4X; nothing here may read the real clock or any other outside state.

(function (global) {
  var host = global.__host;
  var RealDate = global.Date;
  var imul = Math.imul; // captured: a template that replaces Math.imul does not change Math.random
  var UTC = RealDate.UTC;
  var jsonParse = JSON.parse;

  var nowMs = 0;
  var defaultZone = 'UTC';
  var rng = 0;
  var buf = [];
  var written = 0;
  var maxOutput = host ? host.maxOutput() : 8000000;

  function str(v) {
    return v === undefined || v === null ? '' : String(v);
  }

  // --- output --------------------------------------------------------------------------------

  function write(v) {
    if (v === undefined || v === null) return;
    var s = String(v);
    written += s.length;
    if (written > maxOutput) {
      if (host) host.outputLimit();
      throw new Error('output limit');
    }
    buf.push(s);
  }

  global.out = { write: write };
  global.document = { write: write };

  // --- escaping ------------------------------------------------------------------------------

  // Campaign JSAPI, escapeXmlStr: "transforms the &, <, > and " characters".
  function escapeXmlStr(v) {
    return str(v).replace(/[&<>"]/g, function (c) {
      return c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;';
    });
  }
  global.escapeXmlStr = escapeXmlStr;
  global.escapeXMLString = escapeXmlStr;

  // Campaign JSAPI, escapeUrl: "transforms non-alphanumeric characters other than
  // $-_.!*'(),?/:@&= into the corresponding hexadecimal value", RFC 1738, ISO-Latin characters
  // only: "é" is %E9 (one byte, not UTF-8). Characters past U+00FF are not documented: here they
  // are the %XX of their UTF-8 bytes (our choice).
  var URL_SAFE = /[A-Za-z0-9$\-_.!*'(),?\/:@&=]/;
  function hex2(n) {
    return (n < 16 ? '%0' : '%') + n.toString(16).toUpperCase();
  }
  function escapeUrl(v) {
    var s = str(v);
    var out = '';
    for (var i = 0; i < s.length; i++) {
      var ch = s.charAt(i);
      var c = s.charCodeAt(i);
      if (c < 128 && URL_SAFE.test(ch)) {
        out += ch;
      } else if (c < 0x100) {
        out += hex2(c);
      } else {
        var cp = c;
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
          var lo = s.charCodeAt(i + 1);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            cp = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
            i++;
          }
        }
        if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; // a lone surrogate
        if (cp < 0x800) {
          out += hex2(0xc0 | (cp >> 6)) + hex2(0x80 | (cp & 63));
        } else if (cp < 0x10000) {
          out += hex2(0xe0 | (cp >> 12)) + hex2(0x80 | ((cp >> 6) & 63)) + hex2(0x80 | (cp & 63));
        } else {
          out += hex2(0xf0 | (cp >> 18)) + hex2(0x80 | ((cp >> 12) & 63)) + hex2(0x80 | ((cp >> 6) & 63)) + hex2(0x80 | (cp & 63));
        }
      }
    }
    return out;
  }
  global.escapeUrl = escapeUrl;

  // --- dates ---------------------------------------------------------------------------------

  // "2026-03-02T08:00:00Z", "2026-03-02 08:00:00.000Z" (Campaign's XML), "2018/10/01 12:23:30"
  // (the format Campaign's doc gives for XML content), "2026-03-02"; no zone = UTC.
  var DATE = /^(\d{4})[-\/](\d{2})[-\/](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
  function parseDate(s) {
    var m = DATE.exec(String(s).replace(/^\s+|\s+$/g, ''));
    if (!m) return NaN;
    var frac = m[7] ? Number((m[7] + '00').substring(0, 3)) : 0;
    var t = UTC(+m[1], +m[2] - 1, +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0, frac);
    if (m[8] && m[8] !== 'Z') {
      var z = m[8].replace(':', '');
      var off = (+z.substring(1, 3)) * 60 + (+z.substring(3, 5));
      t -= (z.charAt(0) === '-' ? -off : off) * 60000;
    }
    return t;
  }

  // The virtual clock. new Date(x…) with arguments is the real constructor; without, the case's
  // "now". instanceof, Date.prototype, Date.UTC, Date.parse are the real ones.
  function Date(a, b, c, d, e, f, g) {
    if (!(this instanceof Date)) return new RealDate(nowMs).toString();
    switch (arguments.length) {
      case 0: return new RealDate(nowMs);
      case 1: return new RealDate(a);
      case 2: return new RealDate(a, b);
      case 3: return new RealDate(a, b, c);
      case 4: return new RealDate(a, b, c, d);
      case 5: return new RealDate(a, b, c, d, e);
      case 6: return new RealDate(a, b, c, d, e, f);
      default: return new RealDate(a, b, c, d, e, f, g);
    }
  }
  Date.prototype = RealDate.prototype;
  RealDate.prototype.constructor = Date;
  Date.UTC = RealDate.UTC;
  Date.parse = RealDate.parse;
  Date.now = function now() {
    return nowMs;
  };
  global.Date = Date;

  function getCurrentDate() {
    return new RealDate(nowMs);
  }
  global.getCurrentDate = getCurrentDate;

  // formatDate(date, format[, timeZone]) — Campaign JSAPI: %[width]letter, letters
  //   Y year, M month (1-12), B month name, D day (1-31), A day name, J day of the year (1-366),
  //   W week of the year, H hour (0-23), I hour (1-12), N minutes, S seconds, P AM/PM;
  //   A and B take a suffix: l = full name, i = English name.
  // Documented examples: "%4Y/%2M/%2D" => 2000/01/24; "%A %D %B %4Y" => mon 24 jan 2000;
  // "%Al %D %Bl %4Y" => monday 24 january 2000; "%02H:%02N:%02S" two figures each.
  // Our choices where the doc is silent: a width pads numbers with zeros (a leading 0 in the width
  // changes nothing) and cuts a year to its last digits (%2Y = "00"), never other numbers; names
  // ignore the width; W is the ISO 8601 week; an unknown letter is copied as written; "%%" is "%".
  // date: a Date, a string (parsed as above; no zone = UTC), a number (ms since the epoch); null,
  // undefined, "" or an unparsable value give "". timeZone: the third argument, else the case's.
  var MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august',
    'september', 'october', 'november', 'december'];
  var DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

  function pad(n, width) {
    var s = String(n);
    while (s.length < width) s = '0' + s;
    return s;
  }

  function isoWeek(y, m, d) {
    var t = UTC(y, m, d);
    var dow = (new RealDate(t).getUTCDay() + 6) % 7; // Monday = 0
    var thursday = t + (3 - dow) * 86400000;
    var ty = new RealDate(thursday).getUTCFullYear();
    return 1 + Math.floor((thursday - UTC(ty, 0, 1)) / (7 * 86400000));
  }

  function toMillis(v) {
    if (v === undefined || v === null) return NaN;
    if (v instanceof RealDate) return v.getTime();
    if (typeof v === 'number') return v;
    var s = String(v);
    if (s === '') return NaN;
    return parseDate(s);
  }

  function formatDate(date, format, timeZone) {
    var ms = toMillis(date);
    if (isNaN(ms)) return '';
    var zone = timeZone === undefined || timeZone === null || timeZone === '' ? defaultZone : String(timeZone);
    if (host) {
      if (!host.knownZone(zone)) throw new RangeError('formatDate: unknown time zone ' + zone);
      ms += host.offset(zone, ms);
    }
    var t = new RealDate(ms);
    var Y = t.getUTCFullYear(), M = t.getUTCMonth(), D = t.getUTCDate(), wd = t.getUTCDay();
    var H = t.getUTCHours(), N = t.getUTCMinutes(), S = t.getUTCSeconds();
    var f = str(format);
    var out = '';
    var i = 0;
    while (i < f.length) {
      var ch = f.charAt(i);
      if (ch !== '%') {
        out += ch;
        i++;
        continue;
      }
      var j = i + 1;
      while (j < f.length && f.charCodeAt(j) >= 48 && f.charCodeAt(j) <= 57) j++;
      var width = j > i + 1 ? parseInt(f.substring(i + 1, j), 10) : 0;
      var letter = f.charAt(j);
      var next = j + 1;
      var v;
      switch (letter) {
        case 'Y':
          v = pad(Y, width);
          if (width > 0 && v.length > width) v = v.substring(v.length - width);
          break;
        case 'M': v = pad(M + 1, width); break;
        case 'D': v = pad(D, width); break;
        case 'J': v = pad(Math.floor((UTC(Y, M, D) - UTC(Y, 0, 1)) / 86400000) + 1, width); break;
        case 'W': v = pad(isoWeek(Y, M, D), width); break;
        case 'H': v = pad(H, width); break;
        case 'I': v = pad(H % 12 === 0 ? 12 : H % 12, width); break;
        case 'N': v = pad(N, width); break;
        case 'S': v = pad(S, width); break;
        case 'P': v = H < 12 ? 'AM' : 'PM'; break;
        case 'A':
        case 'B':
          var full = false;
          while (f.charAt(next) === 'l' || f.charAt(next) === 'i') {
            if (f.charAt(next) === 'l') full = true;
            next++;
          }
          var name = letter === 'A' ? DAYS[wd] : MONTHS[M];
          v = full ? name : name.substring(0, 3);
          break;
        case '%':
          v = '%';
          break;
        default:
          v = f.substring(i, next); // unknown: copied as written
      }
      out += v;
      i = next;
    }
    return out;
  }
  global.formatDate = formatDate;

  // --- Math.random ---------------------------------------------------------------------------

  // mulberry32; state and output as 32-bit unsigned integers.
  Math.random = function random() {
    rng = (rng + 0x6d2b79f5) >>> 0;
    var t = rng;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  // --- the event -----------------------------------------------------------------------------

  var STRINGS = ['type', 'email', 'mobilePhone', 'externalId', 'origin', 'language', 'country', 'registrationToken'];

  function makeEvent(json) {
    var e = jsonParse(String(json));
    function date(k) {
      if (e[k] === undefined || e[k] === null || e[k] === '') return null;
      var t = parseDate(e[k]);
      if (isNaN(t)) throw new TypeError('event.' + k + ' is not a date: ' + e[k]);
      return new RealDate(t);
    }
    var ev = {};
    ev.id = e.id === undefined || e.id === null ? '0' : String(e.id);
    for (var i = 0; i < STRINGS.length; i++) {
      var k = STRINGS[i];
      ev[k] = e[k] === undefined || e[k] === null ? '' : String(e[k]);
    }
    ev.wishedChannel = e.wishedChannel === undefined || e.wishedChannel === null ? 0 : Number(e.wishedChannel);
    ev.emailFormat = e.emailFormat === undefined || e.emailFormat === null ? 0 : Number(e.emailFormat);
    ev.created = date('created');
    ev.scheduled = date('scheduled');
    ev.expiration = date('expiration');
    ev.ctx = new XML(e.ctx === undefined || e.ctx === null ? '<ctx/>' : String(e.ctx));
    return ev;
  }

  global.__oracle = {
    setup: function (now, seed, timeZone) {
      nowMs = Number(now);
      rng = Number(seed) >>> 0;
      defaultZone = String(timeZone);
      if (host && !host.knownZone(defaultZone)) throw new RangeError('unknown time zone ' + defaultZone);
    },
    makeEvent: makeEvent,
    output: function () {
      return buf.join('');
    },
    reset: function () {
      buf = [];
      written = 0;
    }
  };
})(this);
